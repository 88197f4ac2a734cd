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
//! - Readers: [`read_str`] and [`read_path`] take kubectl's JSON (`-o json`, one object or a
//!   `List`), JSON streams and multi-document YAML, and report a [`LoadError`] that names the
//!   source, the document, the line and column, and the object.

mod generate;
mod label_selector;
mod node_selector;
mod object;
mod objects;
#[cfg(feature = "k8s-openapi")]
mod openapi;
pub(crate) mod read;

pub use generate::{GenerateOptions, generate};
pub use label_selector::{LabelSelector, LabelSelectorRequirement};
pub use node_selector::{
    FieldRequirement, NodeSelector, NodeSelectorMatcher, NodeSelectorRequirement, NodeSelectorTerm,
    NodeTerm,
};
pub use object::{Object, OtherObject};
pub use objects::{
    Affinity, Condition, Container, ContainerState, ContainerStatus, IntOrPercent, Namespace, Node,
    NodeAddress, NodeAffinity, NodeSpec, NodeStatus, NodeSystemInfo, ObjectMeta, OwnerReference,
    PdbSpec, Pod, PodAffinity, PodAffinityTerm, PodDisruptionBudget, PodSpec, PodStatus,
    PodTemplate, PreferredSchedulingTerm, ReadinessGate, Service, ServiceSpec, StateDetail, Taint,
    Toleration, TopologySpreadConstraint, WeightedPodAffinityTerm, Workload, WorkloadKind,
    WorkloadSpec,
};
pub use read::{Document, LoadError, LoadErrorKind, ReadLimits, read_path, read_reader, read_str};
