//! What Services, controllers and disruption budgets make of the pods in a [`Cluster`]:
//! endpoints, ownership, PDB status and eviction verdicts, each exactly as Kubernetes'
//! controllers and the Eviction API compute them, answered from the store's indexes instead of
//! by scanning the namespace.
//!
//! - [`Workloads`] reads one store or snapshot at one moment: [`endpoints`](Workloads::endpoints)
//!   and [`endpoint_slices`](Workloads::endpoint_slices) (the EndpointSlice controller),
//!   [`ownership`](Workloads::ownership) (controller references resolved by UID, adopters,
//!   releases), [`overlaps`](Workloads::overlaps), [`disruption`](Workloads::disruption) (the
//!   disruption controller's status) and [`eviction`](Workloads::eviction) (the Eviction API's
//!   verdict).
//! - [`apply`] applies one event to a store and reports what changed in those answers: the
//!   endpoints added, removed or changed, the pods whose ownership changed, the budgets whose
//!   status changed.
//!
//! # Examples
//!
//! ```
//! use label_selector::Cluster;
//! use label_selector::k8s::ObjectKey;
//! use label_selector::workloads::Workloads;
//!
//! let mut cluster = Cluster::new();
//! cluster.load_str("shop.yaml", r#"
//! kind: Node
//! metadata: {name: n1}
//! ---
//! kind: Pod
//! metadata: {name: web-1, namespace: shop, labels: {app: web}}
//! spec: {nodeName: n1}
//! status: {phase: Running, podIP: 10.0.0.5, conditions: [{type: Ready, status: "True"}]}
//! ---
//! kind: Service
//! metadata: {name: web, namespace: shop}
//! spec: {selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}
//! ---
//! apiVersion: policy/v1
//! kind: PodDisruptionBudget
//! metadata: {name: web, namespace: shop}
//! spec: {selector: {matchLabels: {app: web}}, minAvailable: 1}
//! "#)?;
//! let w = Workloads::new(&cluster, 0);
//! let eps = w.endpoints(&ObjectKey::new(label_selector::k8s::Kind::Service, "shop", "web")).unwrap();
//! assert_eq!(eps[0].addresses.as_slice(), ["10.0.0.5"]);
//! assert!(eps[0].conditions.ready);
//! let status = w.disruption(&ObjectKey::new(label_selector::k8s::Kind::PodDisruptionBudget, "shop", "web")).unwrap();
//! assert_eq!((status.current_healthy, status.desired_healthy, status.disruptions_allowed), (1, 1, 0));
//! let verdict = w.eviction("shop", "web-1");
//! assert_eq!(verdict.code(), 429);
//! # Ok::<(), label_selector::load::LoadError>(())
//! ```

mod budget;
mod changes;
mod endpoints;
mod owners;

use std::ops::Deref;

pub use budget::{DELETION_TIMEOUT_SECONDS, DisruptionStatus, Eviction, MAX_DISRUPTED_PODS};
pub use changes::{BudgetChange, EndpointChange, OwnershipChange, Report, apply};
pub use endpoints::{
    Endpoint, EndpointConditions, EndpointPort, EndpointSlice, MAX_ENDPOINTS_PER_SLICE, TargetRef,
};
pub use owners::{Overlap, Ownership};

use crate::cluster::Cluster;
use crate::index::View;

/// The workload answers over one [`Cluster`] (or [`ClusterSnapshot`](crate::ClusterSnapshot))
/// at one moment.
///
/// `now` (seconds since the Unix epoch) matters only to PDBs: an entry of
/// `status.disruptedPods` counts for two minutes after the eviction it records
/// ([`DELETION_TIMEOUT_SECONDS`]).
pub struct Workloads<'c, I: Deref<Target = View> = crate::index::Inventory> {
    cluster: &'c Cluster<I>,
    now: i64,
}

impl<I: Deref<Target = View>> Clone for Workloads<'_, I> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<I: Deref<Target = View>> Copy for Workloads<'_, I> {}

impl<I: Deref<Target = View>> std::fmt::Debug for Workloads<'_, I> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Workloads").field("now", &self.now).finish()
    }
}

impl<'c, I: Deref<Target = View>> Workloads<'c, I> {
    /// The answers over `cluster` at `now` (seconds since the Unix epoch).
    pub fn new(cluster: &'c Cluster<I>, now: i64) -> Self {
        Workloads { cluster, now }
    }

    /// The store read.
    pub fn cluster(&self) -> &'c Cluster<I> {
        self.cluster
    }

    /// The moment the answers are for.
    pub fn now(&self) -> i64 {
        self.now
    }
}
