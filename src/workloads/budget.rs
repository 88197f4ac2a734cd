//! PodDisruptionBudgets: the disruption controller's status
//! (`pkg/controller/disruption/disruption.go`) and the Eviction API's verdict
//! (`pkg/registry/core/pod/storage/eviction.go`).

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::ops::Deref;

use serde::Serialize;

use super::Workloads;
use crate::cluster::{PodEntry, PodId};
use crate::index::View;
use crate::k8s::{
    IntOrPercent, Kind, ObjectKey, OwnerReference, PdbCondition, PodDisruptionBudget,
    PodDisruptionBudgetStatus, WorkloadKind, parse_timestamp,
};

/// The disruption controller's `DeletionTimeout`: a `disruptedPods` entry whose pod has not
/// started terminating after this long is dropped.
pub const DELETION_TIMEOUT_SECONDS: i64 = 120;

/// The Eviction API's `MaxDisruptedPodSize`: with more entries in `disruptedPods` it refuses
/// every eviction under the budget.
pub const MAX_DISRUPTED_PODS: usize = 2000;

/// A budget's status as the disruption controller computes it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DisruptionStatus {
    /// `expectedPods`: the selected pods for an integer `minAvailable`, otherwise the sum of
    /// the scale of the distinct controllers of the selected pods.
    pub expected_pods: i32,
    /// `currentHealthy`: selected pods that are Ready, not terminating, and not in
    /// `disruptedPods`.
    pub current_healthy: i32,
    /// `desiredHealthy`.
    pub desired_healthy: i32,
    /// `disruptionsAllowed`: `currentHealthy - desiredHealthy`, at least 0, and 0 when
    /// `expectedPods` is 0 or the sync failed.
    pub disruptions_allowed: i32,
    /// The `disruptedPods` entries that still count (pod selected, not terminating, recorded
    /// less than [`DELETION_TIMEOUT_SECONDS`] ago).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub disrupted_pods: BTreeMap<String, String>,
    /// `metadata.generation` once synced.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
    /// Selected pods without a controller reference (the controller warns `UnmanagedPods`:
    /// a percentage or `maxUnavailable` cannot count them).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unmanaged_pods: Vec<String>,
    /// Why the sync failed (`found no controllers for pod "x"`, `daemonsets.apps does not
    /// implement the scale subresource`): the controller then sets `disruptionsAllowed` to 0
    /// and keeps the other counts it last wrote.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sync_error: Option<String>,
}

impl DisruptionStatus {
    /// The status as the controller writes it (`policy/v1` `PodDisruptionBudgetStatus`),
    /// with its `DisruptionAllowed` condition.
    pub fn to_status(&self) -> PodDisruptionBudgetStatus {
        let (status, reason, message) = match (&self.sync_error, self.disruptions_allowed > 0) {
            (Some(e), _) => ("False", "SyncFailed", e.clone()),
            (None, true) => ("True", "SufficientPods", String::new()),
            (None, false) => ("False", "InsufficientPods", String::new()),
        };
        PodDisruptionBudgetStatus {
            observed_generation: self.observed_generation,
            disrupted_pods: self.disrupted_pods.clone(),
            disruptions_allowed: self.disruptions_allowed,
            current_healthy: self.current_healthy,
            desired_healthy: self.desired_healthy,
            expected_pods: self.expected_pods,
            conditions: vec![PdbCondition {
                type_: "DisruptionAllowed".into(),
                status: status.into(),
                reason: reason.into(),
                message,
                observed_generation: self.observed_generation,
                last_transition_time: None,
            }],
        }
    }
}

/// The Eviction API's answer for one pod: whether `POST .../pods/NAME/eviction` would delete
/// it, and the Status it would return.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Eviction {
    /// 404: the pod is not stored.
    NotFound {
        /// The pod.
        pod: ObjectKey,
    },
    /// Deleted without looking at budgets: the pod is Succeeded, Failed, Pending or already
    /// terminating.
    Bypass {
        /// `Succeeded`, `Failed`, `Pending` or `Terminating`.
        why: &'static str,
    },
    /// Deleted: no budget with a non-empty selector covers the pod.
    NoBudget,
    /// Deleted: the pod is not Ready, so evicting it costs the budget nothing.
    Unhealthy {
        /// The budget.
        budget: ObjectKey,
        /// `AlwaysAllow`, or `IfHealthyBudget` with the budget healthy.
        policy: &'static str,
    },
    /// Deleted: the budget allows it (and is decremented).
    Allowed {
        /// The budget.
        budget: ObjectKey,
        /// `disruptionsAllowed` before this eviction.
        disruptions_allowed: i32,
    },
    /// 429: the budget allows no disruption.
    Refused {
        /// The budget.
        budget: ObjectKey,
        /// Its `desiredHealthy`.
        desired_healthy: i32,
        /// Its `currentHealthy`.
        current_healthy: i32,
    },
    /// 429: the budget's status is older than its spec (`observedGeneration < generation`).
    Unsynced {
        /// The budget.
        budget: ObjectKey,
    },
    /// 403: too many evictions not yet seen by the disruption controller.
    TooManyDisrupted {
        /// The budget.
        budget: ObjectKey,
        /// Entries in `disruptedPods`.
        entries: usize,
    },
    /// 500: more than one budget covers the pod.
    MultipleBudgets {
        /// The budgets, sorted.
        budgets: Vec<ObjectKey>,
    },
}

impl Eviction {
    /// Whether the pod would be deleted.
    pub fn allowed(&self) -> bool {
        matches!(
            self,
            Eviction::Bypass { .. }
                | Eviction::NoBudget
                | Eviction::Unhealthy { .. }
                | Eviction::Allowed { .. }
        )
    }

    /// The HTTP status code: 201 when the eviction is accepted, else 404, 429, 403 or 500.
    pub fn code(&self) -> u16 {
        match self {
            Eviction::NotFound { .. } => 404,
            Eviction::Refused { .. } | Eviction::Unsynced { .. } => 429,
            Eviction::TooManyDisrupted { .. } => 403,
            Eviction::MultipleBudgets { .. } => 500,
            _ => 201,
        }
    }

    /// The Status `reason`: `NotFound`, `TooManyRequests`, `Forbidden`, `InternalError`, or
    /// `""` on success.
    pub fn reason(&self) -> &'static str {
        match self.code() {
            404 => "NotFound",
            429 => "TooManyRequests",
            403 => "Forbidden",
            500 => "InternalError",
            _ => "",
        }
    }

    /// The budget that decided, if one did.
    pub fn budget(&self) -> Option<&ObjectKey> {
        match self {
            Eviction::Unhealthy { budget, .. }
            | Eviction::Allowed { budget, .. }
            | Eviction::Refused { budget, .. }
            | Eviction::Unsynced { budget }
            | Eviction::TooManyDisrupted { budget, .. } => Some(budget),
            _ => None,
        }
    }

    /// The Status `details.causes[].message` (type `DisruptionBudget`) the API adds to a 429.
    pub fn cause(&self) -> Option<String> {
        match self {
            Eviction::Refused {
                budget,
                desired_healthy,
                current_healthy,
            } => Some(format!(
                "The disruption budget {} needs {desired_healthy} healthy pods and has {current_healthy} currently",
                budget.name()
            )),
            Eviction::Unsynced { budget } => Some(format!(
                "The disruption budget {} is still being processed by the server.",
                budget.name()
            )),
            _ => None,
        }
    }
}

impl fmt::Display for Eviction {
    /// The API's Status message for a refusal; for an accepted eviction, why it was accepted.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Eviction::NotFound { pod } => write!(f, "pods \"{}\" not found", pod.name()),
            Eviction::Bypass { why } => write!(
                f,
                "the pod is {why}: it is deleted without checking disruption budgets"
            ),
            Eviction::NoBudget => f.write_str("no PodDisruptionBudget covers the pod"),
            Eviction::Unhealthy { budget, policy } => write!(
                f,
                "the pod is not ready: the disruption budget {} lets it go ({policy})",
                budget.name()
            ),
            Eviction::Allowed {
                budget,
                disruptions_allowed,
            } => write!(
                f,
                "the disruption budget {} allows {disruptions_allowed} disruption(s); {} after this eviction",
                budget.name(),
                disruptions_allowed - 1
            ),
            Eviction::Refused { .. } | Eviction::Unsynced { .. } => {
                f.write_str("Cannot evict pod as it would violate the pod's disruption budget.")
            }
            Eviction::TooManyDisrupted { budget, .. } => write!(
                f,
                "poddisruptionbudget.policy \"{}\" is forbidden: DisruptedPods map too big - too many evictions not confirmed by PDB controller",
                budget.name()
            ),
            Eviction::MultipleBudgets { .. } => f.write_str(
                "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.",
            ),
        }
    }
}

/// `schema.ParseGroupVersion`'s group, or its error.
fn group_of(api_version: &str) -> Result<&str, String> {
    if api_version.is_empty() || api_version == "/" {
        return Ok("");
    }
    match api_version.split_once('/') {
        None => Ok(""),
        Some((g, v)) if !v.contains('/') => Ok(g),
        _ => Err(format!("unexpected GroupVersion string: {api_version}")),
    }
}

/// `verifyGroupKind`.
fn is_kind(r: &OwnerReference, kind: &str, groups: &[&str]) -> Result<bool, String> {
    let group = group_of(&r.api_version)?;
    Ok(r.kind == kind && groups.contains(&group))
}

/// What the store knows of a kind's `/scale` subresource, by (group, kind): the resource
/// name and whether it has one.
fn scale_resource(group: &str, kind: &str) -> Option<(&'static str, Option<WorkloadKind>)> {
    Some(match (group, kind) {
        ("apps" | "extensions", "ReplicaSet") => {
            ("replicasets.apps", Some(WorkloadKind::ReplicaSet))
        }
        ("apps" | "extensions", "Deployment") => {
            ("deployments.apps", Some(WorkloadKind::Deployment))
        }
        ("apps", "StatefulSet") => ("statefulsets.apps", Some(WorkloadKind::StatefulSet)),
        ("", "ReplicationController") => (
            "replicationcontrollers",
            Some(WorkloadKind::ReplicationController),
        ),
        ("apps" | "extensions", "DaemonSet") => ("daemonsets.apps", None),
        ("batch", "Job") => ("jobs.batch", None),
        ("batch", "CronJob") => ("cronjobs.batch", None),
        ("", "Node") => ("nodes", None),
        ("", "Pod") => ("pods", None),
        _ => return None,
    })
}

/// `intstr.GetScaledValueFromIntOrPercent(v, total, roundUp=true)`.
fn scaled(v: IntOrPercent, total: i32) -> i32 {
    match v {
        IntOrPercent::Int(n) => n,
        IntOrPercent::Percent(p) => (f64::from(p) * f64::from(total) / 100.0).ceil() as i32,
    }
}

impl<'c, I: Deref<Target = View>> Workloads<'c, I> {
    /// The stored PDB with this key.
    pub(super) fn pdb(&self, key: &ObjectKey) -> Option<&'c PodDisruptionBudget> {
        (key.kind() == Kind::PodDisruptionBudget)
            .then(|| self.cluster.pdb(key.namespace(), key.name()))?
    }

    /// The pods the budget `key` counts (`getPodsForPdb`: its selector in its namespace; for
    /// `policy/v1`, `{}` is the whole namespace), sorted by name.
    pub fn pods_of_budget(&self, key: &ObjectKey) -> Vec<PodId> {
        self.pdb(key)
            .map_or_else(Vec::new, |pdb| self.budget_pods(key.namespace(), pdb))
            .iter()
            .map(PodEntry::id)
            .collect()
    }

    /// The pods of `pdb` (in `namespace`), sorted by name.
    fn budget_pods(&self, namespace: &str, pdb: &PodDisruptionBudget) -> Vec<PodEntry<'c>> {
        let mut pods: Vec<PodEntry<'c>> = self
            .cluster
            .pods()
            .select_in(namespace, pdb.selector())
            .iter()
            .filter_map(|id| self.cluster.pod_by_object_id(id))
            .collect();
        pods.sort_unstable_by_key(|p| p.name());
        pods
    }

    /// The budget's status as the disruption controller would write it now. `None` if the
    /// PDB is not stored.
    ///
    /// Cost: one bitmap query and a record read per selected pod, plus a lookup per distinct
    /// controller for a percentage or `maxUnavailable`.
    pub fn disruption(&self, key: &ObjectKey) -> Option<DisruptionStatus> {
        let pdb = self.pdb(key)?;
        let pods = self.budget_pods(key.namespace(), pdb);
        Some(match self.expected(pdb, &pods) {
            Err(e) => {
                let s = &pdb.status;
                DisruptionStatus {
                    expected_pods: s.expected_pods,
                    current_healthy: s.current_healthy,
                    desired_healthy: s.desired_healthy,
                    disruptions_allowed: 0,
                    disrupted_pods: s.disrupted_pods.clone(),
                    observed_generation: s.observed_generation,
                    unmanaged_pods: Vec::new(),
                    sync_error: Some(e),
                }
            }
            Ok((expected, desired, unmanaged)) => {
                let disrupted = self.disrupted(pdb, &pods);
                let healthy = pods
                    .iter()
                    .filter(|p| !p.is_terminating() && p.is_ready())
                    .filter(|p| {
                        disrupted
                            .get(p.name())
                            .is_none_or(|&t| t + DELETION_TIMEOUT_SECONDS <= self.now)
                    })
                    .count() as i32;
                let allowed = healthy.wrapping_sub(desired);
                DisruptionStatus {
                    expected_pods: expected,
                    current_healthy: healthy,
                    desired_healthy: desired,
                    disruptions_allowed: if expected <= 0 || allowed <= 0 {
                        0
                    } else {
                        allowed
                    },
                    disrupted_pods: disrupted
                        .keys()
                        .filter_map(|n| {
                            Some((n.to_string(), pdb.status.disrupted_pods.get(*n)?.clone()))
                        })
                        .collect(),
                    observed_generation: pdb.metadata.generation,
                    unmanaged_pods: unmanaged,
                    sync_error: None,
                }
            }
        })
    }

    /// `buildDisruptedPodMap`: the entries of selected, non-terminating pods recorded less
    /// than the timeout ago (an entry exactly at the timeout is kept), by pod name.
    fn disrupted<'p>(
        &self,
        pdb: &'p PodDisruptionBudget,
        pods: &[PodEntry<'_>],
    ) -> BTreeMap<&'p str, i64> {
        let mut out = BTreeMap::new();
        if pdb.status.disrupted_pods.is_empty() {
            return out;
        }
        for p in pods {
            if p.is_terminating() {
                continue;
            }
            let Some((name, t)) = pdb.status.disrupted_pods.get_key_value(p.name()) else {
                continue;
            };
            // Timestamps are checked when the PDB is read.
            let Some(t) = parse_timestamp(t) else {
                continue;
            };
            if t + DELETION_TIMEOUT_SECONDS >= self.now {
                out.insert(name.as_str(), t);
            }
        }
        out
    }

    /// `getExpectedPodCount`: (expected, desired, unmanaged pods) or the sync error.
    fn expected(
        &self,
        pdb: &PodDisruptionBudget,
        pods: &[PodEntry<'_>],
    ) -> Result<(i32, i32, Vec<String>), String> {
        if let Some(max) = pdb.spec.max_unavailable {
            let (expected, unmanaged) =
                self.expected_scale(pdb.metadata.namespace.as_str(), pods)?;
            let desired = expected.wrapping_sub(scaled(max, expected)).max(0);
            Ok((expected, desired, unmanaged))
        } else if let Some(min) = pdb.spec.min_available {
            match min {
                IntOrPercent::Int(n) => Ok((pods.len() as i32, n, Vec::new())),
                IntOrPercent::Percent(_) => {
                    let (expected, unmanaged) =
                        self.expected_scale(pdb.metadata.namespace.as_str(), pods)?;
                    Ok((expected, scaled(min, expected), unmanaged))
                }
            }
        } else {
            Ok((0, 0, Vec::new()))
        }
    }

    /// `getExpectedScale`: the summed scale of the distinct controllers of `pods`.
    fn expected_scale(
        &self,
        namespace: &str,
        pods: &[PodEntry<'_>],
    ) -> Result<(i32, Vec<String>), String> {
        let mut scale: HashMap<&str, i32> = HashMap::new();
        let mut unmanaged = Vec::new();
        let mut last: Option<*const OwnerReference> = None;
        for p in pods {
            let Some(r) = p.controller_ref() else {
                unmanaged.push(p.name().to_string());
                continue;
            };
            // Pods of one controller share their owner references: skip the repeats.
            let refs = p.owner_references().as_ptr();
            if last == Some(refs) || scale.contains_key(r.uid.as_str()) {
                continue;
            }
            last = Some(refs);
            match self.find_controller(namespace, r)? {
                Some((uid, n)) => {
                    scale.insert(uid, n);
                }
                None => return Err(format!("found no controllers for pod \"{}\"", p.name())),
            }
        }
        let total = scale.values().fold(0i32, |a, &n| a.wrapping_add(n));
        Ok((total, unmanaged))
    }

    /// The disruption controller's finders, in order: ReplicationController, Deployment
    /// (through its ReplicaSet), ReplicaSet, StatefulSet, then `/scale`.
    fn find_controller(
        &self,
        ns: &str,
        r: &OwnerReference,
    ) -> Result<Option<(&'c str, i32)>, String> {
        let c = self.cluster;
        let get = |k: WorkloadKind, name: &str, uid: &str| {
            c.workload(k, ns, name).filter(|w| w.metadata.uid == uid)
        };
        if is_kind(r, "ReplicationController", &[""])?
            && let Some(w) = get(WorkloadKind::ReplicationController, &r.name, &r.uid)
        {
            return Ok(Some((&w.metadata.uid, w.replicas())));
        }
        if is_kind(r, "ReplicaSet", &["apps", "extensions"])?
            && let Some(rs) = get(WorkloadKind::ReplicaSet, &r.name, &r.uid)
        {
            // getPodDeployment: the ReplicaSet's Deployment, if it has one.
            if let Some(d) = rs.controller_ref()
                && is_kind(d, "Deployment", &["apps", "extensions"])?
                && let Some(dep) = get(WorkloadKind::Deployment, &d.name, &d.uid)
            {
                return Ok(Some((&dep.metadata.uid, dep.replicas())));
            }
            // getPodReplicaSet: a ReplicaSet not controlled by a Deployment.
            if rs.controller_ref().is_none_or(|d| d.kind != "Deployment") {
                return Ok(Some((&rs.metadata.uid, rs.replicas())));
            }
        }
        if is_kind(r, "StatefulSet", &["apps"])?
            && let Some(w) = get(WorkloadKind::StatefulSet, &r.name, &r.uid)
        {
            return Ok(Some((&w.metadata.uid, w.replicas())));
        }
        // getScaleController: GET the owner's /scale.
        let group = group_of(&r.api_version)?;
        match scale_resource(group, &r.kind) {
            Some((_, Some(k))) => {
                Ok(get(k, &r.name, &r.uid).map(|w| (w.metadata.uid.as_str(), w.replicas())))
            }
            Some((resource, None)) => Err(format!(
                "{resource} does not implement the scale subresource"
            )),
            None => Err(format!(
                "the scale of {} {:?} ({}) is not known to this store: only built-in kinds are modelled",
                r.kind, r.name, r.api_version
            )),
        }
    }

    /// The Eviction API's verdict for the pod `namespace/name`, changing nothing.
    ///
    /// Budgets come from [`disruption`](Workloads::disruption) (as if the disruption
    /// controller had just synced them); a budget with an empty selector does not apply here
    /// even in `policy/v1` (the Eviction API skips it, unlike the disruption controller).
    pub fn eviction(&self, namespace: &str, name: &str) -> Eviction {
        let Some(pod) = self.cluster.pod_named(namespace, name) else {
            return Eviction::NotFound {
                pod: ObjectKey::pod(namespace, name),
            };
        };
        let why = match pod.status().phase.as_str() {
            _ if pod.is_terminating() => Some("Terminating"),
            "Succeeded" => Some("Succeeded"),
            "Failed" => Some("Failed"),
            "Pending" => Some("Pending"),
            _ => None,
        };
        if let Some(why) = why {
            return Eviction::Bypass { why };
        }
        let budgets: Vec<ObjectKey> = self
            .cluster
            .pdbs_for_pod(pod.id())
            .into_iter()
            .filter(|k| self.pdb(k).is_some_and(|p| !p.selector().is_everything()))
            .cloned()
            .collect();
        let budget = match budgets.as_slice() {
            [] => return Eviction::NoBudget,
            [one] => one.clone(),
            _ => return Eviction::MultipleBudgets { budgets },
        };
        let (Some(pdb), Some(status)) = (self.pdb(&budget), self.disruption(&budget)) else {
            return Eviction::NoBudget;
        };
        if !pod.is_ready() {
            if pdb.spec.unhealthy_pod_eviction_policy.as_deref() == Some("AlwaysAllow") {
                return Eviction::Unhealthy {
                    budget,
                    policy: "AlwaysAllow",
                };
            }
            if status.current_healthy >= status.desired_healthy && status.desired_healthy > 0 {
                return Eviction::Unhealthy {
                    budget,
                    policy: "IfHealthyBudget",
                };
            }
        }
        if status.observed_generation.unwrap_or(0) < pdb.metadata.generation.unwrap_or(0) {
            return Eviction::Unsynced { budget };
        }
        if status.disrupted_pods.len() > MAX_DISRUPTED_PODS {
            return Eviction::TooManyDisrupted {
                budget,
                entries: status.disrupted_pods.len(),
            };
        }
        if status.disruptions_allowed <= 0 {
            return Eviction::Refused {
                budget,
                desired_healthy: status.desired_healthy,
                current_healthy: status.current_healthy,
            };
        }
        Eviction::Allowed {
            budget,
            disruptions_allowed: status.disruptions_allowed,
        }
    }
}
