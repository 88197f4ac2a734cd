//! kube-scheduler's label plugins over the store: where a pod can go, how each node scores,
//! and why every other node is refused.
//!
//! A [`Scheduler`] holds a [`Profile`] (which plugins run, their weights and arguments: the
//! default profile, or one read from a `KubeSchedulerConfiguration`) and a cache of node data
//! keyed by [`Cluster::node_generation`]. [`Scheduler::schedule`] evaluates one pod against a
//! [`Cluster`] or [`ClusterSnapshot`](crate::ClusterSnapshot) and returns a [`Decision`]: for
//! every node, every enabled filter's [`Status`] (code and reasons, worded as kube-scheduler
//! words them) and, for feasible nodes, every score plugin's normalized score and the
//! weighted sum. [`Decision::message`] is the `FailedScheduling` message.
//! [`Scheduler::place`] schedules a pod and binds it in the store (the scheduler's *assume*),
//! so pods placed one after another see each other, as a rollout does.
//!
//! Existing pods count when they are assigned ([`Cluster::assigned_pods`]: bound, not
//! finished). Every answer is read from the store's indexes: pods matching a term are a
//! posting intersection, the existing pods' terms that match the incoming pod are a reverse
//! lookup ([`Cluster::affinity_terms`]), node-side answers are label postings of the node
//! inventory, and topology domains are pair ids of the node's label. Nothing walks every pod.
//!
//! Not modelled: preemption, `NodeResourcesFit`'s and `NodeResourcesBalancedAllocation`'s
//! scores, extended resources, ports, volumes, images, DRA, scheduling gates, and the
//! sampling of `percentageOfNodesToScore` (every node is evaluated). A tie between the best
//! nodes is broken by name here; kube-scheduler picks one at random.
//!
//! ```
//! use label_selector::Cluster;
//! use label_selector::k8s::Pod;
//! use label_selector::scheduling::{Profile, Scheduler};
//!
//! let mut cluster = Cluster::new();
//! cluster.load_str("c.yaml", r#"
//! kind: Node
//! metadata: {name: a, labels: {kubernetes.io/hostname: a}}
//! spec: {taints: [{key: gpu, value: "true", effect: NoSchedule}]}
//! status: {allocatable: {cpu: "4", memory: 8Gi, pods: "110"}}
//! ---
//! kind: Node
//! metadata: {name: b, labels: {kubernetes.io/hostname: b}}
//! status: {allocatable: {cpu: "1", memory: 8Gi, pods: "110"}}
//! "#)?;
//! let pod: Pod = serde_saphyr::from_str(r#"
//! metadata: {name: web, namespace: default}
//! spec: {containers: [{name: c, resources: {requests: {cpu: "2"}}}]}
//! "#).unwrap();
//! let mut scheduler = Scheduler::new(Profile::default());
//! let d = scheduler.schedule(&cluster, &pod);
//! assert_eq!(d.best(), None);
//! assert_eq!(d.message().unwrap(),
//!     "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint(s). \
//!      preemption: not simulated.");
//! # Ok::<(), label_selector::load::LoadError>(())
//! ```

mod cache;
mod decision;
mod explain;
mod profile;
mod run;
mod score;

use std::ops::Deref;

pub use decision::{Code, Decision, NodeVerdict, Status};
pub use profile::{ConfigError, Plugin, Profile};

use crate::cluster::{ApplyError, Cluster};
use crate::index::{Inventory, View};
use crate::k8s::{Object, Pod};

/// Evaluates pods against a cluster with one [`Profile`]; keeps node data between calls
/// while the cluster's nodes do not change.
#[derive(Clone, Debug)]
pub struct Scheduler {
    profile: Profile,
    cache: cache::NodeCache,
}

impl Scheduler {
    /// A scheduler with this profile.
    pub fn new(profile: Profile) -> Scheduler {
        Scheduler {
            profile,
            cache: cache::NodeCache::default(),
        }
    }

    /// The profile.
    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    /// Runs every enabled filter on every node and every enabled score on the feasible ones.
    ///
    /// A stored pod with the pod's namespace and name is left out of every count (the pod is
    /// being placed again). `spec.nodeName`, when set, is the `NodeName` filter's input, as in
    /// kube-scheduler.
    pub fn schedule<I: Deref<Target = View>>(
        &mut self,
        cluster: &Cluster<I>,
        pod: &Pod,
    ) -> Decision {
        self.cache.refresh(cluster);
        run::evaluate(&self.profile, &mut self.cache, cluster, pod)
    }

    /// Why one node refuses the pod or how it scores, beyond the reason strings: the taint not
    /// tolerated, the node selector term and requirement that failed, the requests against
    /// allocatable, the domain counts behind a skew or an affinity verdict. One line per fact;
    /// empty for an unknown node.
    pub fn explain<I: Deref<Target = View>>(
        &mut self,
        cluster: &Cluster<I>,
        pod: &Pod,
        node: &str,
    ) -> Vec<String> {
        self.cache.refresh(cluster);
        explain::explain(&self.profile, &mut self.cache, cluster, pod, node)
    }

    /// Schedules `pod` and, if a node fits, binds it there in the store (sets
    /// `spec.nodeName` and applies the pod), as kube-scheduler assumes a pod before binding.
    /// Returns the decision and the node chosen.
    ///
    /// ```
    /// use label_selector::Cluster;
    /// use label_selector::k8s::Pod;
    /// use label_selector::scheduling::{Profile, Scheduler};
    ///
    /// let mut cluster = Cluster::new();
    /// for n in ["a", "b"] {
    ///     cluster.load_str("n.yaml", &format!("kind: Node
    /// metadata: {{name: {n}, labels: {{kubernetes.io/hostname: {n}}}}}
    /// status: {{allocatable: {{cpu: '4', memory: 8Gi, pods: '110'}}}}"))?;
    /// }
    /// let mut scheduler = Scheduler::new(Profile::default());
    /// let mut placed = Vec::new();
    /// for i in 0..3 {
    ///     let pod: Pod = serde_saphyr::from_str(&format!(r#"
    /// metadata: {{name: web-{i}, namespace: default, labels: {{app: web}}}}
    /// spec:
    ///   containers: [{{name: c}}]
    ///   affinity:
    ///     podAntiAffinity:
    ///       requiredDuringSchedulingIgnoredDuringExecution:
    ///       - {{topologyKey: kubernetes.io/hostname, labelSelector: {{matchLabels: {{app: web}}}}}}
    /// "#)).unwrap();
    ///     let (_, node) = scheduler.place(&mut cluster, pod).unwrap();
    ///     placed.push(node);
    /// }
    /// assert_eq!(placed, [Some("a".to_string()), Some("b".to_string()), None]);
    /// # Ok::<(), label_selector::load::LoadError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// The store's refusal of the bound pod ([`ApplyError`]); the store is then unchanged.
    pub fn place(
        &mut self,
        cluster: &mut Cluster<Inventory>,
        mut pod: Pod,
    ) -> Result<(Decision, Option<String>), ApplyError> {
        let decision = self.schedule(cluster, &pod);
        let Some(node) = decision.best().map(str::to_string) else {
            return Ok((decision, None));
        };
        pod.spec.node_name = Some(node.clone());
        cluster.upsert(Object::Pod(Box::new(pod)))?;
        Ok((decision, Some(node)))
    }
}
