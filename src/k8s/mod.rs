//! The structured forms of selectors and the Kubernetes objects that carry labels, with
//! Kubernetes' wire names, and their conversion into the model with Kubernetes' exact semantics.
//!
//! - [`LabelSelector`] (`matchLabels` + `matchExpressions` with `In`, `NotIn`, `Exists`,
//!   `DoesNotExist`), as in Deployments, PDBs, pod affinity terms, topology spread constraints:
//!   [`Selector::from_label_selector`](crate::Selector::from_label_selector) and back with
//!   [`Selector::to_label_selector`](crate::Selector::to_label_selector).
//! - [`NodeSelector`] (OR of [`NodeSelectorTerm`]s, each an AND of expressions with `Gt` / `Lt`
//!   plus `matchFields` on `metadata.name`), compiled into a [`NodeSelectorMatcher`].
//! - Objects: [`Pod`], [`Node`], [`Namespace`], [`Service`], [`Workload`] (ReplicaSet,
//!   Deployment, StatefulSet, DaemonSet) and [`PodDisruptionBudget`], the part of each that label
//!   logic needs; [`Object`] reads any of them, lists included, dispatching on `kind`.
//!
//! Reading files and streams is [`load`](crate::load)'s job; this module holds the wire models and
//! their conversion only.

mod affinity;
mod key;
mod label_selector;
mod lenient;
mod node_selector;
mod object;
mod objects;
mod quantity;
mod time;
mod vocab;
mod watch;
pub use affinity::{AffinityTerm, SpreadConstraint, TermRole};
pub(crate) use key::KeyParts;
pub use key::{Kind, ObjectKey};
pub use label_selector::{LabelSelector, LabelSelectorRequirement};
pub use lenient::Lenient;
pub(crate) use lenient::{Wrap, take_fault_path, top};
pub use node_selector::{
    FieldRequirement, NodeSelector, NodeSelectorMatcher, NodeSelectorRequirement, NodeSelectorTerm,
    NodeTerm,
};
pub(crate) use object::{
    Bare, adopt_list_kind, is_list_kind, needs_list_kind, not_a_list, write_identity,
};
pub use object::{Object, OtherObject};
pub(crate) use objects::controller_of;
pub use objects::{
    Affinity, Condition, Container, ContainerPort, ContainerState, ContainerStatus, IntOrPercent,
    IntOrString, LoadBalancerIngress, LoadBalancerStatus, Namespace, Node, NodeAddress,
    NodeAffinity, NodeSpec, NodeStatus, NodeSystemInfo, ObjectMeta, OwnerReference, PdbCondition,
    PdbSpec, Pod, PodAffinity, PodAffinityTerm, PodDisruptionBudget, PodDisruptionBudgetStatus,
    PodIp, PodSpec, PodStatus, PodTemplate, PreferredSchedulingTerm, ReadinessGate,
    ResourceRequirements, Resources, Service, ServicePort, ServiceSpec, ServiceStatus, StateDetail,
    Taint, Toleration, TopologySpreadConstraint, WeightedPodAffinityTerm, Workload, WorkloadKind,
    WorkloadSpec, WorkloadStatus,
};
pub use quantity::Quantity;
pub use time::parse_timestamp;
pub use vocab::{NodeInclusionPolicy, TaintEffect, TolerationOperator, WhenUnsatisfiable};
pub use watch::{Status, WatchEvent};
