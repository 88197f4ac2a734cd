//! The live cluster store: events in, typed identities, pods by node, selector registries and
//! consistent snapshots.
//!
//! A [`Cluster`] holds every modelled object (pods, nodes, namespaces, Services, workloads,
//! PDBs) and keeps it current as [`WatchEvent`](crate::k8s::WatchEvent)s arrive, one at a time
//! ([`Cluster::apply`]) or as whole inputs ([`Cluster::load_str`]). Pods, nodes and namespaces
//! are indexed by label ([`Inventory`](crate::Inventory)); the selectors of Services, workloads
//! and PDBs are registered in [`SelectorIndex`](crate::SelectorIndex)es, so both directions
//! (objects of a selector, selectors of an object) are index lookups. Objects are named by
//! [`ObjectKey`](crate::k8s::ObjectKey); pods and nodes by [`PodId`] and [`NodeId`], which the
//! compiler keeps apart.
//!
//! Readers take a [`ClusterSnapshot`] ([`Cluster::snapshot`], or a [`ClusterReader`] handle on
//! another thread): consistent, immutable and `Send + Sync`.

/// The accessors every stored object with labels has, read from its inventory entry
/// (`self.object`).
macro_rules! inventory_accessors {
    () => {
        /// The object's entry in its inventory (namespace, name, labels, id).
        pub fn object_ref(&self) -> crate::index::ObjectRef<'a> {
            self.object
        }

        /// `metadata.namespace` (`""` for nodes and namespaces).
        pub fn namespace(&self) -> &'a str {
            self.object.namespace()
        }

        /// `metadata.name`.
        pub fn name(&self) -> &'a str {
            self.object.name()
        }

        /// The value of one label.
        pub fn label(&self, key: &str) -> Option<&'a str> {
            self.object.label(key)
        }

        /// The labels, decoded from the index.
        pub fn labels(&self) -> crate::selector::LabelSet {
            self.object.labels()
        }
    };
}

mod assigned;
mod event;
mod ids;
mod load;
mod pod;
mod size;
mod store;
#[cfg(feature = "k8s-openapi")]
mod watcher;

pub use assigned::AffinityTermKey;
pub use event::{Applied, ApplyError};
pub use ids::{NodeId, PodId};
pub use load::LoadSummary;
pub use pod::PodEntry;
pub use store::{Cluster, ClusterReader, ClusterSnapshot, Entry, NamespaceEntry, NodeEntry};
#[cfg(feature = "k8s-openapi")]
pub use watcher::WatcherEvent;
