//! The structured forms of selectors, with Kubernetes' wire names, and their conversion into the
//! model with Kubernetes' exact semantics.
//!
//! - [`LabelSelector`] (`matchLabels` + `matchExpressions` with `In`, `NotIn`, `Exists`,
//!   `DoesNotExist`), as in Deployments, PDBs, pod affinity terms, topology spread constraints:
//!   [`Selector::from_label_selector`](crate::Selector::from_label_selector) and back with
//!   [`Selector::to_label_selector`](crate::Selector::to_label_selector).
//! - [`NodeSelector`] (OR of [`NodeSelectorTerm`]s, each an AND of expressions with `Gt` / `Lt`
//!   plus `matchFields` on `metadata.name`), compiled into a [`NodeSelectorMatcher`].

mod label_selector;
mod node_selector;

pub use label_selector::{LabelSelector, LabelSelectorRequirement};
pub use node_selector::{
    FieldRequirement, NodeSelector, NodeSelectorMatcher, NodeSelectorRequirement, NodeSelectorTerm,
    NodeTerm,
};
