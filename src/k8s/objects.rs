//! Serde models of the Kubernetes objects that label logic needs, with their wire names. Every
//! other field is skipped while reading.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use super::quantity::Quantity;
use super::vocab::{NodeInclusionPolicy, TaintEffect, TolerationOperator, WhenUnsatisfiable};
use super::{LabelSelector, NodeSelector, NodeSelectorTerm};
use crate::error::Error;
use crate::selector::{LabelSet, Selector};

fn is_false(b: &bool) -> bool {
    !*b
}

/// The part of `metadata` that label logic needs.
///
/// `name` and `namespace` are checked while reading (Kubernetes' object name rule; a DNS label
/// or empty), `labels` are validated (keys and values), so that an object that reads
/// successfully can go into an [`Inventory`](crate::Inventory).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectMeta {
    /// `metadata.name`; empty only in pod templates.
    #[serde(default, deserialize_with = "object_name")]
    pub name: String,
    /// `metadata.namespace`; empty for cluster-scoped objects (nodes, namespaces).
    #[serde(default, deserialize_with = "namespace_name")]
    pub namespace: String,
    /// `metadata.uid`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub uid: String,
    /// `metadata.resourceVersion`: an update that carries the stored version is a no-op.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub resource_version: String,
    /// `metadata.labels`, validated.
    #[serde(default, skip_serializing_if = "LabelSet::is_empty")]
    pub labels: LabelSet,
    /// `metadata.ownerReferences`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub owner_references: Vec<OwnerReference>,
    /// `metadata.creationTimestamp` (RFC 3339), as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creation_timestamp: Option<String>,
    /// `metadata.deletionTimestamp`: set when the object is terminating.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_timestamp: Option<String>,
    /// `metadata.generation` (kept for workloads and PDBs; pod records drop it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generation: Option<i64>,
}

/// A toleration's effect: absent, null and `""` all match every effect.
fn optional_effect<'de, D: Deserializer<'de>>(d: D) -> Result<Option<TaintEffect>, D::Error> {
    Ok(Option::<TaintEffect>::deserialize(d)?.filter(|e| !e.as_str().is_empty()))
}

fn object_name<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let name = Option::<String>::deserialize(d)?.unwrap_or_default();
    if !name.is_empty() {
        crate::selector::check_name(&name).map_err(|e| e.into_serde("metadata.name"))?;
    }
    Ok(name)
}

fn namespace_name<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let ns = Option::<String>::deserialize(d)?.unwrap_or_default();
    crate::selector::check_namespace(&ns).map_err(|e| e.into_serde("metadata.namespace"))?;
    Ok(ns)
}

/// A workload or PDB selector that must compile, so that the error has the selector's position.
fn checked_selector<'de, D: Deserializer<'de>>(d: D) -> Result<Option<LabelSelector>, D::Error> {
    let ls = Option::<LabelSelector>::deserialize(d)?;
    Selector::from_label_selector(ls.as_ref()).map_err(|e| e.into_serde("spec.selector"))?;
    Ok(ls)
}

/// One `metadata.ownerReferences` entry.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OwnerReference {
    /// The owner's `apiVersion`.
    #[serde(default)]
    pub api_version: String,
    /// The owner's kind (`ReplicaSet`).
    #[serde(default)]
    pub kind: String,
    /// The owner's name.
    #[serde(default)]
    pub name: String,
    /// The owner's uid.
    #[serde(default)]
    pub uid: String,
    /// Whether this owner is the managing controller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub controller: Option<bool>,
}

/// A Pod: labels, placement constraints and readiness.
///
/// # Examples
///
/// ```
/// use label_selector::k8s::Pod;
///
/// let json = r#"{"apiVersion": "v1", "kind": "Pod",
///   "metadata": {"name": "web-1", "namespace": "shop", "labels": {"app": "web"},
///                "managedFields": [{"manager": "kubectl"}]},
///   "spec": {"nodeName": "n1", "containers": [{"name": "app", "image": "nginx"}]},
///   "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}],
///              "containerStatuses": [{"name": "app", "ready": true, "restartCount": 2}]}}"#;
/// let pod: Pod = serde_json::from_str(json).unwrap();
/// assert_eq!(pod.metadata.labels.get("app"), Some("web"));
/// assert!(pod.is_ready());
/// assert_eq!(pod.status.container_statuses[0].restart_count, 2);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Pod {
    /// `metadata`.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// `spec`.
    #[serde(default)]
    pub spec: PodSpec,
    /// `status`.
    #[serde(default)]
    pub status: PodStatus,
}

/// `Pod.spec`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodSpec {
    /// `nodeName`: the node the pod is bound to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_name: Option<String>,
    /// `nodeSelector`: labels the node must carry (not validated: Kubernetes compares them as
    /// plain strings).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub node_selector: BTreeMap<String, String>,
    /// `affinity`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affinity: Option<Affinity>,
    /// `topologySpreadConstraints`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub topology_spread_constraints: Vec<TopologySpreadConstraint>,
    /// `tolerations`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tolerations: Vec<Toleration>,
    /// `containers`, by name only (their number is READY's denominator).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub containers: Vec<Container>,
    /// `readinessGates`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub readiness_gates: Vec<ReadinessGate>,
    /// `hostname` (an endpoint's `hostname` when `subdomain` names its Service).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hostname: Option<String>,
    /// `subdomain`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subdomain: Option<String>,
    /// `initContainers` (their requests count as the scheduler counts them; those with
    /// `restartPolicy: Always` are sidecars that run beside the containers).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub init_containers: Vec<Container>,
    /// `overhead`: resources the runtime class adds to the pod's requests.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub overhead: BTreeMap<String, Quantity>,
}

/// The scheduler's resources of a pod or a node: CPU in millicores, memory in bytes, and a
/// pod count (allocatable only).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Resources {
    /// CPU, in thousandths of a core.
    pub milli_cpu: i64,
    /// Memory, in bytes.
    pub memory: i64,
    /// Pods (a node's `allocatable.pods`; 0 in a pod's requests).
    pub pods: i64,
}

impl Resources {
    /// Reads `cpu`, `memory` and `pods` from a resource list; other resources are not kept.
    pub fn from_list(list: &BTreeMap<String, Quantity>) -> Resources {
        let get = |name: &str| list.get(name);
        Resources {
            milli_cpu: get("cpu").map_or(0, Quantity::milli_value),
            memory: get("memory").map_or(0, Quantity::value),
            pods: get("pods").map_or(0, Quantity::value),
        }
    }

    fn add(self, o: Resources) -> Resources {
        Resources {
            milli_cpu: self.milli_cpu.saturating_add(o.milli_cpu),
            memory: self.memory.saturating_add(o.memory),
            pods: self.pods.saturating_add(o.pods),
        }
    }

    fn max(self, o: Resources) -> Resources {
        Resources {
            milli_cpu: self.milli_cpu.max(o.milli_cpu),
            memory: self.memory.max(o.memory),
            pods: self.pods.max(o.pods),
        }
    }
}

impl PodSpec {
    /// The pod's requests as kube-scheduler computes them (`resourcehelper.PodRequests`): the
    /// sum of the containers' requests and the sidecars' (init containers with
    /// `restartPolicy: Always`), or the largest need of one init container step (itself plus
    /// the sidecars started before it) if that is more, per resource; then `overhead`. A
    /// container without a request for a resource uses its limit, as the API server defaults
    /// it. Pod-level `resources` are not read.
    ///
    /// ```
    /// use label_selector::k8s::PodSpec;
    ///
    /// let spec: PodSpec = serde_json::from_str(r#"{
    ///   "initContainers": [{"name": "init", "resources": {"requests": {"cpu": "2"}}}],
    ///   "containers": [{"name": "a", "resources": {"requests": {"cpu": "500m", "memory": "1Gi"}}},
    ///                  {"name": "b", "resources": {"limits": {"cpu": "250m"}}}]}"#).unwrap();
    /// let r = spec.requests();
    /// assert_eq!((r.milli_cpu, r.memory), (2000, 1 << 30));
    /// ```
    pub fn requests(&self) -> Resources {
        let mut sum = self
            .containers
            .iter()
            .fold(Resources::default(), |acc, c| acc.add(c.requests()));
        let (mut sidecars, mut init) = (Resources::default(), Resources::default());
        for c in &self.init_containers {
            let own = c.requests();
            let step = if c.is_sidecar() {
                sum = sum.add(own);
                sidecars = sidecars.add(own);
                sidecars
            } else {
                own.add(sidecars)
            };
            init = init.max(step);
        }
        let mut r = sum.max(init).add(Resources::from_list(&self.overhead));
        r.pods = 0;
        r
    }
}

/// A container: its name, image and ports.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Container {
    /// `name`.
    #[serde(default)]
    pub name: String,
    /// `image`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub image: String,
    /// `ports` (a Service's named `targetPort` is looked up here).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<ContainerPort>,
    /// `resources`.
    #[serde(default, skip_serializing_if = "ResourceRequirements::is_empty")]
    pub resources: ResourceRequirements,
    /// `restartPolicy` (init containers only: `Always` makes a sidecar).
    #[serde(
        default,
        rename = "restartPolicy",
        skip_serializing_if = "Option::is_none"
    )]
    pub restart_policy: Option<String>,
}

impl Container {
    /// Whether this init container is a native sidecar (`restartPolicy: Always`): it keeps
    /// running beside the containers.
    pub fn is_sidecar(&self) -> bool {
        self.restart_policy.as_deref() == Some("Always")
    }

    /// `cpu` and `memory` requests, each defaulting to its limit.
    pub fn requests(&self) -> Resources {
        let r = &self.resources;
        let pick = |name: &str| r.requests.get(name).or_else(|| r.limits.get(name));
        Resources {
            milli_cpu: pick("cpu").map_or(0, Quantity::milli_value),
            memory: pick("memory").map_or(0, Quantity::value),
            pods: 0,
        }
    }
}

/// `containers[].resources`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceRequirements {
    /// `requests`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub requests: BTreeMap<String, Quantity>,
    /// `limits`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub limits: BTreeMap<String, Quantity>,
}

impl ResourceRequirements {
    fn is_empty(&self) -> bool {
        self.requests.is_empty() && self.limits.is_empty()
    }
}

/// One `containers[].ports` entry.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerPort {
    /// `name`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// `containerPort`.
    #[serde(default)]
    pub container_port: i32,
    /// `protocol` (`TCP` when absent, as the API server defaults it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
}

/// One `readinessGates` entry.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReadinessGate {
    /// The pod condition type that must be `True`.
    #[serde(default)]
    pub condition_type: String,
}

/// `spec.affinity`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Affinity {
    /// `nodeAffinity`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_affinity: Option<NodeAffinity>,
    /// `podAffinity`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_affinity: Option<PodAffinity>,
    /// `podAntiAffinity` (same shape as `podAffinity`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_anti_affinity: Option<PodAffinity>,
}

/// `affinity.nodeAffinity`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeAffinity {
    /// `requiredDuringSchedulingIgnoredDuringExecution`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_during_scheduling_ignored_during_execution: Option<NodeSelector>,
    /// `preferredDuringSchedulingIgnoredDuringExecution`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub preferred_during_scheduling_ignored_during_execution: Vec<PreferredSchedulingTerm>,
}

/// A weighted node selector term.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PreferredSchedulingTerm {
    /// `weight` (1–100).
    #[serde(default)]
    pub weight: i32,
    /// `preference`.
    #[serde(default)]
    pub preference: NodeSelectorTerm,
}

/// `affinity.podAffinity` or `affinity.podAntiAffinity`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodAffinity {
    /// `requiredDuringSchedulingIgnoredDuringExecution`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub required_during_scheduling_ignored_during_execution: Vec<PodAffinityTerm>,
    /// `preferredDuringSchedulingIgnoredDuringExecution`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub preferred_during_scheduling_ignored_during_execution: Vec<WeightedPodAffinityTerm>,
}

/// A pod (anti-)affinity term: pods matching `labelSelector` in the given namespaces, counted
/// per `topologyKey` domain.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodAffinityTerm {
    /// `labelSelector` (nil selects nothing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_selector: Option<LabelSelector>,
    /// `namespaces`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub namespaces: Vec<String>,
    /// `topologyKey`.
    #[serde(default)]
    pub topology_key: String,
    /// `namespaceSelector`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace_selector: Option<LabelSelector>,
    /// `matchLabelKeys`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub match_label_keys: Vec<String>,
    /// `mismatchLabelKeys`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mismatch_label_keys: Vec<String>,
}

/// A weighted pod affinity term.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WeightedPodAffinityTerm {
    /// `weight` (1–100).
    #[serde(default)]
    pub weight: i32,
    /// `podAffinityTerm`.
    #[serde(default)]
    pub pod_affinity_term: PodAffinityTerm,
}

/// One `topologySpreadConstraints` entry, with all its fields.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TopologySpreadConstraint {
    /// `maxSkew`.
    #[serde(default)]
    pub max_skew: i32,
    /// `topologyKey`.
    #[serde(default)]
    pub topology_key: String,
    /// `whenUnsatisfiable`: `DoNotSchedule` or `ScheduleAnyway`.
    #[serde(default)]
    pub when_unsatisfiable: WhenUnsatisfiable,
    /// `labelSelector`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_selector: Option<LabelSelector>,
    /// `minDomains`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_domains: Option<i32>,
    /// `nodeAffinityPolicy`: `Honor` (default) or `Ignore`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_affinity_policy: Option<NodeInclusionPolicy>,
    /// `nodeTaintsPolicy`: `Ignore` (default) or `Honor`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_taints_policy: Option<NodeInclusionPolicy>,
    /// `matchLabelKeys`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub match_label_keys: Vec<String>,
}

/// One `tolerations` entry.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Toleration {
    /// `key`; empty with `Exists` tolerates every taint.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub key: String,
    /// `operator`: `Equal` (the default, when absent) or `Exists`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator: Option<TolerationOperator>,
    /// `value`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub value: String,
    /// `effect`; absent (or empty) matches every effect.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "optional_effect"
    )]
    pub effect: Option<TaintEffect>,
    /// `tolerationSeconds` (for `NoExecute`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub toleration_seconds: Option<i64>,
}

/// `Pod.status`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodStatus {
    /// `phase`: `Pending`, `Running`, `Succeeded`, `Failed` or `Unknown`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub phase: String,
    /// `reason` (`Evicted`, `NodeLost`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// `podIP`.
    #[serde(default, rename = "podIP", skip_serializing_if = "Option::is_none")]
    pub pod_ip: Option<String>,
    /// `nominatedNodeName`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nominated_node_name: Option<String>,
    /// `conditions`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
    /// `podIPs`: the pod's addresses, one per family, the first equal to `podIP`.
    #[serde(default, rename = "podIPs", skip_serializing_if = "Vec::is_empty")]
    pub pod_ips: Vec<PodIp>,
    /// `initContainerStatuses`, in the order of `spec.initContainers`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub init_container_statuses: Vec<ContainerStatus>,
    /// `containerStatuses`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub container_statuses: Vec<ContainerStatus>,
}

impl PodStatus {
    /// The pod's addresses as the API server gives them: `podIPs`, or `[podIP]` when only
    /// `podIP` is written (the v1 conversion fills one from the other). Empty addresses are
    /// skipped.
    ///
    /// ```
    /// use label_selector::k8s::{PodIp, PodStatus};
    ///
    /// let mut status = PodStatus { pod_ip: Some("10.0.0.7".into()), ..PodStatus::default() };
    /// assert_eq!(status.ips().collect::<Vec<_>>(), ["10.0.0.7"]);
    /// status.pod_ip = None;
    /// status.pod_ips = vec![PodIp { ip: "10.0.0.7".into() }, PodIp { ip: "fd00::7".into() }];
    /// assert_eq!(status.ips().collect::<Vec<_>>(), ["10.0.0.7", "fd00::7"]);
    /// ```
    pub fn ips(&self) -> impl Iterator<Item = &str> {
        let listed = self.pod_ips.iter().map(|p| p.ip.as_str());
        let single = self.pod_ip.as_deref().filter(|_| self.pod_ips.is_empty());
        single.into_iter().chain(listed).filter(|ip| !ip.is_empty())
    }
}

/// One `status.podIPs` entry.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PodIp {
    /// `ip`.
    #[serde(default)]
    pub ip: String,
}

/// A status condition (`type`, `status`), of a pod or a node.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Condition {
    /// `type` (`Ready`, `PodScheduled`, `MemoryPressure`).
    #[serde(default, rename = "type")]
    pub type_: String,
    /// `status`: `True`, `False` or `Unknown`.
    #[serde(default)]
    pub status: String,
    /// `reason`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// One `containerStatuses` entry.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerStatus {
    /// `name`.
    #[serde(default)]
    pub name: String,
    /// `ready`.
    #[serde(default)]
    pub ready: bool,
    /// `restartCount`.
    #[serde(default)]
    pub restart_count: i32,
    /// `started`: whether the container passed its startup probe (what counts a native
    /// sidecar as running).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started: Option<bool>,
    /// `state`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<ContainerState>,
    /// `lastState`: the previous state, `terminated` after a restart.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_state: Option<ContainerState>,
}

/// `containerStatuses[].state`: at most one of its fields is set. Each is boxed, so that a
/// state costs a pointer per field and only the one set is allocated.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerState {
    /// `waiting`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiting: Option<Box<StateDetail>>,
    /// `running`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub running: Option<Box<StateDetail>>,
    /// `terminated`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terminated: Option<Box<StateDetail>>,
}

/// The reason, exit code and signal of a container state.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StateDetail {
    /// `reason` (`CrashLoopBackOff`, `Completed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// `exitCode` (terminated only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exit_code: Option<i32>,
    /// `signal` (terminated only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signal: Option<i32>,
    /// `finishedAt` (terminated only), RFC 3339 as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<String>,
}

impl Pod {
    /// `namespace/name`.
    pub fn key(&self) -> String {
        format!("{}/{}", self.metadata.namespace, self.metadata.name)
    }

    /// Whether the pod's `Ready` condition is `True` (what Services and PDBs count).
    pub fn is_ready(&self) -> bool {
        condition_true(&self.status.conditions, "Ready")
    }

    /// Whether `metadata.deletionTimestamp` is set.
    pub fn is_terminating(&self) -> bool {
        self.metadata.deletion_timestamp.is_some()
    }
}

fn condition_true(conditions: &[Condition], type_: &str) -> bool {
    conditions
        .iter()
        .any(|c| c.type_ == type_ && c.status == "True")
}

/// A Node: labels, taints and schedulability.
///
/// # Examples
///
/// ```
/// use label_selector::k8s::Node;
///
/// let yaml = "
/// apiVersion: v1
/// kind: Node
/// metadata:
///   name: n1
///   labels: {topology.kubernetes.io/zone: eu-1a, node-role.kubernetes.io/control-plane: ''}
/// spec:
///   unschedulable: true
///   taints: [{key: node-role.kubernetes.io/control-plane, effect: NoSchedule}]
/// status:
///   conditions: [{type: Ready, status: 'True'}]
/// ";
/// let node: Node = serde_saphyr::from_str(yaml).unwrap();
/// assert!(node.is_ready() && node.spec.unschedulable);
/// assert_eq!(node.spec.taints[0].effect, label_selector::k8s::TaintEffect::NoSchedule);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Node {
    /// `metadata` (`namespace` is empty).
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// `spec`.
    #[serde(default)]
    pub spec: NodeSpec,
    /// `status`.
    #[serde(default)]
    pub status: NodeStatus,
}

/// `Node.spec`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeSpec {
    /// `taints`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub taints: Vec<Taint>,
    /// `unschedulable` (cordoned).
    #[serde(default, skip_serializing_if = "is_false")]
    pub unschedulable: bool,
}

/// One node taint.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Taint {
    /// `key`.
    #[serde(default)]
    pub key: String,
    /// `value`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub value: String,
    /// `effect`: `NoSchedule`, `PreferNoSchedule` or `NoExecute`.
    #[serde(default)]
    pub effect: TaintEffect,
}

/// `Node.status`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeStatus {
    /// `conditions`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
    /// `addresses`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<NodeAddress>,
    /// `nodeInfo`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_info: Option<NodeSystemInfo>,
    /// `allocatable`: what the scheduler may place on the node (`cpu`, `memory`, `pods`). A
    /// node without it fits no pod, as in Kubernetes.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub allocatable: BTreeMap<String, Quantity>,
}

/// One `status.addresses` entry.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeAddress {
    /// `type`: `InternalIP`, `ExternalIP`, `Hostname`.
    #[serde(default, rename = "type")]
    pub type_: String,
    /// `address`.
    #[serde(default)]
    pub address: String,
}

/// `status.nodeInfo`, the part kubectl prints.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeSystemInfo {
    /// `kubeletVersion`.
    #[serde(default)]
    pub kubelet_version: String,
    /// `osImage` (`Ubuntu 24.04.1 LTS`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub os_image: String,
    /// `kernelVersion`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub kernel_version: String,
    /// `containerRuntimeVersion` (`containerd://2.0.2`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub container_runtime_version: String,
}

impl Node {
    /// Whether the `Ready` condition is `True`.
    pub fn is_ready(&self) -> bool {
        condition_true(&self.status.conditions, "Ready")
    }
}

/// A Namespace: its labels (for `namespaceSelector`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Namespace {
    /// `metadata`.
    #[serde(default)]
    pub metadata: ObjectMeta,
}

/// A Service: its selector, ports and addresses.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Service {
    /// `metadata`.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// `spec`.
    #[serde(default)]
    pub spec: ServiceSpec,
    /// `status`.
    #[serde(default, skip_serializing_if = "ServiceStatus::is_empty")]
    pub status: ServiceStatus,
}

/// `Service.status`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceStatus {
    /// `loadBalancer`.
    #[serde(default)]
    pub load_balancer: LoadBalancerStatus,
}

impl ServiceStatus {
    fn is_empty(&self) -> bool {
        self.load_balancer.ingress.is_empty()
    }
}

/// `status.loadBalancer`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoadBalancerStatus {
    /// `ingress`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ingress: Vec<LoadBalancerIngress>,
}

/// One `status.loadBalancer.ingress` entry.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoadBalancerIngress {
    /// `ip`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
    /// `hostname`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hostname: Option<String>,
}

/// One `Service.spec.ports` entry.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServicePort {
    /// `name` (required when there is more than one port).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// `protocol` (`TCP` when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    /// `port`.
    #[serde(default)]
    pub port: i32,
    /// `targetPort`: a number, or the name of a container port (`port` when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_port: Option<IntOrString>,
    /// `nodePort`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_port: Option<i32>,
    /// `appProtocol`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_protocol: Option<String>,
}

impl ServicePort {
    /// The protocol, `TCP` when absent.
    pub fn protocol(&self) -> &str {
        self.protocol.as_deref().unwrap_or("TCP")
    }
}

/// A number or a name (`intstr.IntOrString`), as in a Service's `targetPort`. A number with a
/// zero fraction (`8080.0`) is the number; `null` is the zero value, `0`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum IntOrString {
    /// A number.
    Int(i32),
    /// A name.
    String(String),
}

/// `v` (an `i64` or `u64` a deserializer gave) as an int32 when it is in range.
fn int32<E: de::Error, T>(v: T) -> Result<i32, E>
where
    T: Copy + fmt::Display,
    i32: TryFrom<T>,
{
    i32::try_from(v).map_err(|_| E::custom(format_args!("{v} is out of range for an int32")))
}

/// `v` as an int32 when it is integral and in range.
fn integral_i32<E: de::Error>(v: f64) -> Result<i32, E> {
    if v.fract() != 0.0 || !v.is_finite() {
        return Err(E::invalid_value(de::Unexpected::Float(v), &"an integer"));
    }
    if v < f64::from(i32::MIN) || v > f64::from(i32::MAX) {
        return Err(E::custom(format_args!("{v} is out of range for an int32")));
    }
    // Integral and in range: exact.
    #[allow(clippy::cast_possible_truncation)]
    Ok(v as i32)
}

impl<'de> Deserialize<'de> for IntOrString {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<IntOrString, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = IntOrString;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number or a name")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<IntOrString, E> {
                int32(v).map(IntOrString::Int)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<IntOrString, E> {
                int32(v).map(IntOrString::Int)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<IntOrString, E> {
                integral_i32(v).map(IntOrString::Int)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<IntOrString, E> {
                Ok(IntOrString::String(v.to_string()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<IntOrString, E> {
                Ok(IntOrString::Int(0))
            }
        }
        d.deserialize_any(V)
    }
}

/// `Service.spec`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceSpec {
    /// `selector`: `key=value` pairs, validated as labels. None (or empty, which the API server
    /// stores as none) means the Service manages no endpoints.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selector: Option<LabelSet>,
    /// `publishNotReadyAddresses`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub publish_not_ready_addresses: bool,
    /// `type` (`ClusterIP` when absent, as the API server defaults it).
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    /// `clusterIP` (`None` for a headless Service).
    #[serde(default, rename = "clusterIP", skip_serializing_if = "Option::is_none")]
    pub cluster_ip: Option<String>,
    /// `externalIPs`.
    #[serde(default, rename = "externalIPs", skip_serializing_if = "Vec::is_empty")]
    pub external_ips: Vec<String>,
    /// `externalName` (type `ExternalName`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_name: Option<String>,
    /// `ipFamilies` (`IPv4`, `IPv6`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ip_families: Vec<String>,
    /// `ports`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<ServicePort>,
}

impl Service {
    /// The pods this Service sends traffic to (if ready): no selector or an empty one selects
    /// nothing, as in Kubernetes' endpoint controllers.
    ///
    /// ```
    /// use label_selector::k8s::Service;
    ///
    /// let svc: Service = serde_json::from_str(r#"{"spec": {"selector": {}}}"#).unwrap();
    /// assert!(svc.selector().is_nothing());
    /// ```
    pub fn selector(&self) -> Selector {
        match &self.spec.selector {
            Some(set) if !set.is_empty() => {
                Selector::from_map(set.iter()).unwrap_or_else(|_| Selector::nothing())
            }
            _ => Selector::nothing(),
        }
    }
}

/// The four kinds of pod controllers that own pods by selector.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[non_exhaustive]
pub enum WorkloadKind {
    /// `apps/v1 ReplicaSet`.
    ReplicaSet,
    /// `apps/v1 Deployment`.
    Deployment,
    /// `apps/v1 StatefulSet`.
    StatefulSet,
    /// `apps/v1 DaemonSet`.
    DaemonSet,
    /// `v1 ReplicationController` (its selector is a plain map, as a Service's).
    ReplicationController,
}

impl WorkloadKind {
    /// The kind as Kubernetes writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            WorkloadKind::ReplicaSet => "ReplicaSet",
            WorkloadKind::Deployment => "Deployment",
            WorkloadKind::StatefulSet => "StatefulSet",
            WorkloadKind::DaemonSet => "DaemonSet",
            WorkloadKind::ReplicationController => "ReplicationController",
        }
    }

    /// The `apiVersion` Kubernetes serves this kind at.
    pub fn api_version(self) -> &'static str {
        match self {
            WorkloadKind::ReplicationController => "v1",
            _ => "apps/v1",
        }
    }

    /// Whether this kind owns pods directly (a Deployment owns ReplicaSets).
    pub fn owns_pods(self) -> bool {
        self != WorkloadKind::Deployment
    }
}

impl fmt::Display for WorkloadKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A ReplicaSet, Deployment, StatefulSet, DaemonSet or ReplicationController: selector,
/// replicas, pod template and the status fields kubectl prints.
///
/// A ReplicationController's `spec.selector` is a plain map on the wire; it is read into
/// `selector.matchLabels` (and written back as a map), and, as the API server defaults it, an
/// empty one takes the template's labels.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Workload {
    /// Which controller this is.
    pub kind: WorkloadKind,
    /// `metadata`.
    pub metadata: ObjectMeta,
    /// `spec`.
    pub spec: WorkloadSpec,
    /// `status`, as written by its controller.
    pub status: WorkloadStatus,
    pub(crate) selector: Selector,
}

impl Serialize for Workload {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        #[derive(Serialize)]
        struct RcSpec<'a> {
            #[serde(skip_serializing_if = "Option::is_none")]
            selector: Option<&'a BTreeMap<String, String>>,
            #[serde(skip_serializing_if = "Option::is_none")]
            replicas: Option<i32>,
            template: &'a PodTemplate,
        }
        let mut st = s.serialize_struct("Workload", 5)?;
        st.serialize_field("apiVersion", self.kind.api_version())?;
        st.serialize_field("kind", self.kind.as_str())?;
        st.serialize_field("metadata", &self.metadata)?;
        if self.kind == WorkloadKind::ReplicationController {
            let selector = self
                .spec
                .selector
                .as_ref()
                .and_then(|s| s.match_labels.as_ref());
            st.serialize_field(
                "spec",
                &RcSpec {
                    selector,
                    replicas: self.spec.replicas,
                    template: &self.spec.template,
                },
            )?;
        } else {
            st.serialize_field("spec", &self.spec)?;
        }
        st.serialize_field("status", &self.status)?;
        st.end()
    }
}

/// `status` of a workload: the counts kubectl's columns print (each absent until its controller
/// writes it).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct WorkloadStatus {
    /// `observedGeneration`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
    /// `replicas` (ReplicaSet, Deployment, StatefulSet, ReplicationController).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<i32>,
    /// `readyReplicas`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ready_replicas: Option<i32>,
    /// `availableReplicas`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub available_replicas: Option<i32>,
    /// `updatedReplicas` (Deployment, StatefulSet).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_replicas: Option<i32>,
    /// `currentReplicas` (StatefulSet).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_replicas: Option<i32>,
    /// `desiredNumberScheduled` (DaemonSet).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub desired_number_scheduled: Option<i32>,
    /// `currentNumberScheduled` (DaemonSet).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_number_scheduled: Option<i32>,
    /// `numberReady` (DaemonSet).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number_ready: Option<i32>,
    /// `numberAvailable` (DaemonSet).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number_available: Option<i32>,
    /// `updatedNumberScheduled` (DaemonSet).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_number_scheduled: Option<i32>,
}

/// The selector-related part of a workload's `spec`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkloadSpec {
    /// `selector`, checked while reading.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "checked_selector"
    )]
    pub selector: Option<LabelSelector>,
    /// `replicas` (none for DaemonSets; Kubernetes defaults it to 1 elsewhere).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<i32>,
    /// `template`.
    #[serde(default)]
    pub template: PodTemplate,
}

/// A ReplicationController's `spec` on the wire (its selector is a map).
#[derive(Deserialize)]
pub(crate) struct RcSpec {
    #[serde(default)]
    selector: Option<LabelSet>,
    #[serde(default)]
    replicas: Option<i32>,
    #[serde(default)]
    template: PodTemplate,
}

impl From<RcSpec> for WorkloadSpec {
    /// As the API server defaults it, an empty selector takes the template's labels.
    fn from(rc: RcSpec) -> WorkloadSpec {
        let labels = match rc.selector {
            Some(s) if !s.is_empty() => s,
            _ => rc.template.metadata.labels.clone(),
        };
        let selector = (!labels.is_empty()).then(|| LabelSelector {
            match_labels: Some(
                labels
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            ),
            match_expressions: None,
        });
        WorkloadSpec {
            selector,
            replicas: rc.replicas,
            template: rc.template,
        }
    }
}

/// `spec.template`: the labels and spec of the pods a workload makes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PodTemplate {
    /// `template.metadata`.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// `template.spec`.
    #[serde(default)]
    pub spec: PodSpec,
}

impl Workload {
    /// The pods this workload owns by selector. A missing selector selects nothing; an empty
    /// one (`{}`) selects nothing for a ReplicaSet and a ReplicationController (as
    /// `GetPodReplicaSets` and `GetPodControllers` skip it) and everything in the namespace for
    /// the other kinds.
    pub fn selector(&self) -> &Selector {
        &self.selector
    }

    /// `spec.replicas`, 1 when absent (the API server's default); 0 for a DaemonSet, which has
    /// no scale.
    pub fn replicas(&self) -> i32 {
        match self.kind {
            WorkloadKind::DaemonSet => 0,
            _ => self.spec.replicas.unwrap_or(1),
        }
    }

    /// Whether `metadata.deletionTimestamp` is set (a controller being deleted adopts and
    /// releases nothing).
    pub fn is_terminating(&self) -> bool {
        self.metadata.deletion_timestamp.is_some()
    }

    /// The workload's controller reference (a ReplicaSet's Deployment).
    pub fn controller_ref(&self) -> Option<&OwnerReference> {
        controller_of(&self.metadata.owner_references)
    }
}

/// The owner reference marked `controller: true`, as `metav1.GetControllerOf`.
pub(crate) fn controller_of(refs: &[OwnerReference]) -> Option<&OwnerReference> {
    refs.iter().find(|r| r.controller == Some(true))
}

/// `minAvailable` / `maxUnavailable` of a PDB: an absolute number or a percentage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntOrPercent {
    /// A number of pods.
    Int(i32),
    /// A percentage of the expected pods (`"50%"`), rounded up when applied.
    Percent(i32),
}

impl Serialize for IntOrPercent {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match *self {
            IntOrPercent::Int(n) => s.serialize_i32(n),
            IntOrPercent::Percent(p) => s.collect_str(&format_args!("{p}%")),
        }
    }
}

struct IntOrPercentVisitor;

impl Visitor<'_> for IntOrPercentVisitor {
    type Value = IntOrPercent;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer or a percentage such as \"50%\"")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<IntOrPercent, E> {
        int32(v).map(IntOrPercent::Int)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<IntOrPercent, E> {
        int32(v).map(IntOrPercent::Int)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<IntOrPercent, E> {
        integral_i32(v).map(IntOrPercent::Int)
    }

    /// `null`: the zero value, as Go reads it.
    fn visit_unit<E: de::Error>(self) -> Result<IntOrPercent, E> {
        Ok(IntOrPercent::Int(0))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<IntOrPercent, E> {
        // Kubernetes' GetScaledValueFromIntOrPercent: a string must be a percentage.
        v.strip_suffix('%')
            .and_then(|n| n.parse::<i32>().ok())
            .map(IntOrPercent::Percent)
            .ok_or_else(|| {
                E::custom(format_args!(
                    "invalid value '{v}': a string must be a percentage such as \"50%\""
                ))
            })
    }
}

impl<'de> Deserialize<'de> for IntOrPercent {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<IntOrPercent, D::Error> {
        d.deserialize_any(IntOrPercentVisitor)
    }
}

impl fmt::Display for IntOrPercent {
    /// `2` or `50%`, as kubectl prints it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IntOrPercent::Int(n) => write!(f, "{n}"),
            IntOrPercent::Percent(p) => write!(f, "{p}%"),
        }
    }
}

/// A PodDisruptionBudget.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PodDisruptionBudget {
    /// `metadata`.
    pub metadata: ObjectMeta,
    /// `spec`.
    pub spec: PdbSpec,
    /// `status` as read (the store computes its own; `disruptedPods` is read from here).
    #[serde(skip_serializing_if = "PodDisruptionBudgetStatus::is_empty")]
    pub status: PodDisruptionBudgetStatus,
    #[serde(skip)]
    pub(crate) selector: Selector,
}

/// `PodDisruptionBudget.status`, as the disruption controller writes it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodDisruptionBudgetStatus {
    /// `observedGeneration`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
    /// `disruptedPods`: pod name → the time (RFC 3339) the Eviction API admitted its eviction;
    /// checked while reading.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "timestamps"
    )]
    pub disrupted_pods: BTreeMap<String, String>,
    /// `disruptionsAllowed`.
    #[serde(default)]
    pub disruptions_allowed: i32,
    /// `currentHealthy`.
    #[serde(default)]
    pub current_healthy: i32,
    /// `desiredHealthy`.
    #[serde(default)]
    pub desired_healthy: i32,
    /// `expectedPods`.
    #[serde(default)]
    pub expected_pods: i32,
    /// `conditions`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<PdbCondition>,
}

fn timestamps<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, String>, D::Error> {
    let map = Option::<BTreeMap<String, String>>::deserialize(d)?.unwrap_or_default();
    for (pod, t) in &map {
        // `""` (a null time) is the zero time.
        if !t.is_empty() && super::parse_timestamp(t).is_none() {
            return Err(de::Error::custom(format_args!(
                "disruptedPods.{pod}: '{t}' is not an RFC 3339 time"
            )));
        }
    }
    Ok(map)
}

impl PodDisruptionBudgetStatus {
    fn is_empty(&self) -> bool {
        *self == PodDisruptionBudgetStatus::default()
    }
}

/// One `status.conditions` entry of a PDB (`metav1.Condition`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PdbCondition {
    /// `type` (`DisruptionAllowed`).
    #[serde(default, rename = "type")]
    pub type_: String,
    /// `status`: `True` or `False`.
    #[serde(default)]
    pub status: String,
    /// `reason`: `SufficientPods`, `InsufficientPods` or `SyncFailed`.
    #[serde(default)]
    pub reason: String,
    /// `message`.
    #[serde(default)]
    pub message: String,
    /// `observedGeneration`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
    /// `lastTransitionTime`, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_transition_time: Option<String>,
}

/// `PodDisruptionBudget.spec`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PdbSpec {
    /// `selector`, checked while reading.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "checked_selector"
    )]
    pub selector: Option<LabelSelector>,
    /// `minAvailable`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_available: Option<IntOrPercent>,
    /// `maxUnavailable`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_unavailable: Option<IntOrPercent>,
    /// `unhealthyPodEvictionPolicy`: `IfHealthyBudget` (the default) or `AlwaysAllow`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unhealthy_pod_eviction_policy: Option<String>,
}

impl PodDisruptionBudget {
    /// The pods this budget covers: a missing selector covers nothing; an empty one (`{}`)
    /// covers the whole namespace in `policy/v1` and nothing in `policy/v1beta1`.
    pub fn selector(&self) -> &Selector {
        &self.selector
    }
}

/// Compiles a workload or PDB selector with the kind's rule for `{}`.
fn owner_selector(
    selector: Option<&LabelSelector>,
    empty_is_nothing: bool,
) -> Result<Selector, Error> {
    let s = Selector::from_label_selector(selector)?;
    if empty_is_nothing && s.is_everything() {
        return Ok(Selector::nothing());
    }
    Ok(s)
}

/// [`Workload::selector`]: `{}` selects nothing for a ReplicaSet and a ReplicationController.
pub(crate) fn workload_selector(
    kind: WorkloadKind,
    spec: &WorkloadSpec,
) -> Result<Selector, Error> {
    owner_selector(
        spec.selector.as_ref(),
        matches!(
            kind,
            WorkloadKind::ReplicaSet | WorkloadKind::ReplicationController
        ),
    )
}

/// [`PodDisruptionBudget::selector`]: `{}` selects nothing in `policy/v1beta1` only.
pub(crate) fn pdb_selector(api_version: &str, spec: &PdbSpec) -> Result<Selector, Error> {
    owner_selector(spec.selector.as_ref(), api_version == "policy/v1beta1")
}
