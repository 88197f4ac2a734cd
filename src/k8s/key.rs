//! [`ObjectKey`]: the identity of a modelled object (kind, namespace, name).

use std::fmt;

use super::objects::WorkloadKind;

/// The kinds of objects a [`Cluster`](crate::Cluster) keeps.
///
/// ```
/// use label_selector::k8s::Kind;
///
/// assert_eq!(Kind::parse("ReplicaSet"), Some(Kind::ReplicaSet));
/// assert!(!Kind::Node.is_namespaced());
/// assert_eq!(Kind::PodDisruptionBudget.to_string(), "PodDisruptionBudget");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Kind {
    /// `v1 Pod`.
    Pod,
    /// `v1 Node` (cluster-scoped).
    Node,
    /// `v1 Namespace` (cluster-scoped).
    Namespace,
    /// `v1 Service`.
    Service,
    /// `apps/v1 ReplicaSet`.
    ReplicaSet,
    /// `apps/v1 Deployment`.
    Deployment,
    /// `apps/v1 StatefulSet`.
    StatefulSet,
    /// `apps/v1 DaemonSet`.
    DaemonSet,
    /// `policy/v1 PodDisruptionBudget`.
    PodDisruptionBudget,
    /// `v1 ReplicationController`.
    ReplicationController,
}

impl Kind {
    /// Every kind, in this order.
    pub const ALL: [Kind; 10] = [
        Kind::Pod,
        Kind::Node,
        Kind::Namespace,
        Kind::Service,
        Kind::ReplicaSet,
        Kind::Deployment,
        Kind::StatefulSet,
        Kind::DaemonSet,
        Kind::PodDisruptionBudget,
        Kind::ReplicationController,
    ];

    /// The kind as Kubernetes writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Pod => "Pod",
            Kind::Node => "Node",
            Kind::Namespace => "Namespace",
            Kind::Service => "Service",
            Kind::ReplicaSet => "ReplicaSet",
            Kind::Deployment => "Deployment",
            Kind::StatefulSet => "StatefulSet",
            Kind::DaemonSet => "DaemonSet",
            Kind::PodDisruptionBudget => "PodDisruptionBudget",
            Kind::ReplicationController => "ReplicationController",
        }
    }

    /// The kind Kubernetes writes as `kind`, if it is modelled (case-sensitive, as the API).
    pub fn parse(kind: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == kind)
    }

    /// Whether objects of this kind live in a namespace (nodes and namespaces do not).
    pub fn is_namespaced(self) -> bool {
        !matches!(self, Kind::Node | Kind::Namespace)
    }

    /// The workload kind this is, if it is one (the inverse of `Kind::from(WorkloadKind)`).
    ///
    /// ```
    /// use label_selector::k8s::{Kind, WorkloadKind};
    ///
    /// assert_eq!(Kind::StatefulSet.workload_kind(), Some(WorkloadKind::StatefulSet));
    /// assert_eq!(Kind::Service.workload_kind(), None);
    /// ```
    pub fn workload_kind(self) -> Option<WorkloadKind> {
        Some(match self {
            Kind::ReplicaSet => WorkloadKind::ReplicaSet,
            Kind::Deployment => WorkloadKind::Deployment,
            Kind::StatefulSet => WorkloadKind::StatefulSet,
            Kind::DaemonSet => WorkloadKind::DaemonSet,
            Kind::ReplicationController => WorkloadKind::ReplicationController,
            Kind::Pod
            | Kind::Node
            | Kind::Namespace
            | Kind::Service
            | Kind::PodDisruptionBudget => return None,
        })
    }
}

impl From<WorkloadKind> for Kind {
    fn from(k: WorkloadKind) -> Kind {
        match k {
            WorkloadKind::ReplicaSet => Kind::ReplicaSet,
            WorkloadKind::Deployment => Kind::Deployment,
            WorkloadKind::StatefulSet => Kind::StatefulSet,
            WorkloadKind::DaemonSet => Kind::DaemonSet,
            WorkloadKind::ReplicationController => Kind::ReplicationController,
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The identity of an object: its kind, namespace (`""` for cluster-scoped kinds) and name.
///
/// Every answer of a [`Cluster`](crate::Cluster) names objects by key, and the store registers
/// the selectors of Services, workloads and PDBs under their keys in a
/// [`SelectorIndex`](crate::SelectorIndex). Keys order by kind, namespace, then name; `Display`
/// prints `Kind namespace/name` (`Kind name` when cluster-scoped), as error messages name
/// objects.
///
/// ```
/// use label_selector::k8s::{Kind, ObjectKey};
///
/// let key = ObjectKey::new(Kind::Service, "shop", "web");
/// assert_eq!(key.to_string(), "Service shop/web");
/// assert_eq!(ObjectKey::node("n1").to_string(), "Node n1");
/// assert!(ObjectKey::pod("shop", "a") < ObjectKey::pod("shop", "b"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectKey {
    kind: Kind,
    namespace: String,
    name: String,
}

impl ObjectKey {
    /// The key of `kind` `namespace/name`; the namespace is dropped for cluster-scoped kinds.
    pub fn new(kind: Kind, namespace: impl Into<String>, name: impl Into<String>) -> ObjectKey {
        let namespace = if kind.is_namespaced() {
            namespace.into()
        } else {
            String::new()
        };
        ObjectKey {
            kind,
            namespace,
            name: name.into(),
        }
    }

    /// A pod's key.
    pub fn pod(namespace: impl Into<String>, name: impl Into<String>) -> ObjectKey {
        ObjectKey::new(Kind::Pod, namespace, name)
    }

    /// A node's key.
    pub fn node(name: impl Into<String>) -> ObjectKey {
        ObjectKey::new(Kind::Node, "", name)
    }

    /// The kind.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The namespace (`""` for cluster-scoped kinds).
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// The name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl fmt::Display for ObjectKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        super::object::write_identity(f, self.kind.as_str(), &self.namespace, &self.name)
    }
}

impl serde::Serialize for ObjectKey {
    /// `{"kind": "Service", "namespace": "shop", "name": "web"}`, as an object reference
    /// (no `namespace` for cluster-scoped kinds).
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("kind", self.kind.as_str())?;
        if !self.namespace.is_empty() {
            m.serialize_entry("namespace", &self.namespace)?;
        }
        m.serialize_entry("name", &self.name)?;
        m.end()
    }
}

/// A key by its parts, so that maps keyed by [`ObjectKey`] can be searched without building
/// one (no allocation). Ordered exactly as `ObjectKey`.
pub(crate) trait KeyParts {
    fn parts(&self) -> (Kind, &str, &str);
}

impl KeyParts for ObjectKey {
    fn parts(&self) -> (Kind, &str, &str) {
        (self.kind, &self.namespace, &self.name)
    }
}

impl KeyParts for (Kind, &str, &str) {
    fn parts(&self) -> (Kind, &str, &str) {
        *self
    }
}

impl<'a> std::borrow::Borrow<dyn KeyParts + 'a> for ObjectKey {
    fn borrow(&self) -> &(dyn KeyParts + 'a) {
        self
    }
}

impl PartialEq for dyn KeyParts + '_ {
    fn eq(&self, other: &Self) -> bool {
        self.parts() == other.parts()
    }
}

impl Eq for dyn KeyParts + '_ {}

impl PartialOrd for dyn KeyParts + '_ {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for dyn KeyParts + '_ {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.parts().cmp(&other.parts())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `BTreeMap` lookups by parts use `cmp` only; `eq` must agree with it all the same, as
    /// `Ord` requires.
    #[test]
    fn parts_compare_as_keys() {
        let keys = [
            ObjectKey::pod("a", "x"),
            ObjectKey::pod("a", "y"),
            ObjectKey::pod("b", "x"),
            ObjectKey::node("x"),
        ];
        for a in &keys {
            for b in &keys {
                let (pa, pb): (&dyn KeyParts, &dyn KeyParts) = (a, b);
                assert_eq!(pa == pb, a == b, "{a} {b}");
                assert_eq!(pa.cmp(pb), a.cmp(b), "{a} {b}");
                let tuple = (b.kind(), b.namespace(), b.name());
                let pt: &dyn KeyParts = &tuple;
                assert!(pt == pb);
                assert_eq!(pa.partial_cmp(pt), Some(a.cmp(b)));
            }
        }
    }
}
