//! Workloads over the index: the [`Cluster`] that loads real objects (pods and nodes into
//! [`Inventory`](crate::Inventory)s, plus namespaces, Services, controllers and PDBs).

mod cluster;

pub use cluster::{Cluster, LoadSummary};
