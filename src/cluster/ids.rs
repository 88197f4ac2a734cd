//! Typed ids: a pod id and a node id cannot be confused at compile time.

use std::fmt;

use crate::index::ObjectId;

macro_rules! typed_id {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(ObjectId);

        impl $name {
            /// The id of this object in its inventory
            #[doc = concat!("([`Cluster::", $what, "`](crate::Cluster::", $what, ")),")]
            /// for queries on that [`View`](crate::View).
            pub fn object_id(self) -> ObjectId {
                self.0
            }

            pub(crate) fn new(id: ObjectId) -> $name {
                $name(id)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

typed_id!(
    /// A pod in a [`Cluster`](crate::Cluster): valid until the pod is deleted (a later pod may
    /// reuse it).
    ///
    /// ```compile_fail
    /// use label_selector::{Cluster, cluster::NodeId};
    /// fn wrong(cluster: &Cluster, node: NodeId) {
    ///     cluster.pod(node); // a node id is not a pod id
    /// }
    /// ```
    PodId,
    "pods"
);

typed_id!(
    /// A node in a [`Cluster`](crate::Cluster): valid until the node is deleted.
    NodeId,
    "nodes"
);
