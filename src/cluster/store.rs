//! [`Cluster`]: the live store, its writer API and its read API (shared with snapshots).

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Deref;
use std::sync::{Arc, RwLock};

use super::assigned::AffinityTermKey;
use super::event::{Applied, ApplyError};
use super::ids::{NodeId, PodId};
use super::pod::{PodEntry, PodRecord, Sharing};
use crate::error::Error;
use crate::index::{CowVec, Inventory, ObjectId, ObjectRef, ObjectSet, Snapshot, View};
use crate::k8s::{
    KeyParts, Kind, Namespace, Node, Object, ObjectKey, ObjectMeta, Pod, PodDisruptionBudget,
    PodSpec, Resources, Service, WatchEvent, Workload, WorkloadKind,
};
use crate::load::ReadLimits;
use crate::reverse::{Scope, SelectorIndex};
use crate::selector::{LabelSet, check_name, check_namespace};

/// The live cluster store: every modelled object, kept current by events, with indexes for the
/// questions controllers and schedulers ask.
///
/// - Pods, nodes and namespaces are in three [`Inventory`]s (pods by namespace and name, nodes
///   and namespaces under `""`), so label selectors run on posting bitmaps. Each object's labels
///   are stored once, in its inventory; the rest of the object is kept beside it by id.
/// - Services, workloads (ReplicaSet, Deployment, StatefulSet, DaemonSet) and PDBs are kept by
///   [`ObjectKey`], and their selectors are registered in three [`SelectorIndex`]es, so "which
///   Services select this pod" is an index lookup.
/// - Pods are indexed by `spec.nodeName`.
///
/// Events come in one at a time ([`apply`](Cluster::apply), [`upsert`](Cluster::upsert),
/// [`delete`](Cluster::delete)) or as whole inputs ([`load_str`](Cluster::load_str): manifests,
/// kubectl output or a watch stream). An update whose `resourceVersion` equals the stored one
/// is a no-op; deleting an unknown object is reported, not an error; a bad event is an
/// [`ApplyError`] naming the object and changes nothing.
///
/// Readers take a [`snapshot`](Cluster::snapshot): a [`ClusterSnapshot`], consistent,
/// immutable, `Send + Sync`, sharing storage with the writer copy-on-write. Every read method
/// exists on both (they are one generic type).
///
/// # Examples
///
/// ```
/// use label_selector::{Cluster, Selector};
/// use label_selector::k8s::ObjectKey;
///
/// let mut cluster = Cluster::new();
/// cluster.load_str("cluster.yaml", "
/// apiVersion: v1
/// kind: Pod
/// metadata: {name: web-1, namespace: shop, labels: {app: web}}
/// spec: {nodeName: n1}
/// ---
/// apiVersion: v1
/// kind: Service
/// metadata: {name: web, namespace: shop}
/// spec: {selector: {app: web}}
/// ---
/// apiVersion: v1
/// kind: Node
/// metadata: {name: n1, labels: {topology.kubernetes.io/zone: eu-1a}}
/// ")?;
/// let web: Selector = "app=web".parse().unwrap();
/// let id = cluster.pods().select_in("shop", &web).first().unwrap();
/// let pod = cluster.pod_by_object_id(id).unwrap();
/// assert_eq!(pod.node_name(), Some("n1"));
/// assert_eq!(cluster.services_for_pod(pod.id()), [&ObjectKey::new(label_selector::k8s::Kind::Service, "shop", "web")]);
/// assert_eq!(cluster.pods_on_node("n1").count(), 1);
/// # Ok::<(), label_selector::load::LoadError>(())
/// ```
pub struct Cluster<I = Inventory> {
    pub(super) pods: I,
    pub(super) nodes: I,
    pub(super) namespaces: I,
    pub(super) t: Tables,
    pub(super) config: Config,
}

/// A consistent, immutable view of a [`Cluster`] at one moment, for reader threads: every read
/// method of the store, none of the writes.
pub type ClusterSnapshot = Cluster<Snapshot>;

/// Everything beside the inventories; cheap to clone (shared copy-on-write).
#[derive(Clone, Default)]
pub(super) struct Tables {
    pub(super) pod_records: CowVec<Option<Arc<PodRecord>>>,
    pub(super) node_records: CowVec<Option<Arc<Node>>>,
    pub(super) namespace_records: CowVec<Option<Arc<Namespace>>>,
    pub(super) services: Arc<BTreeMap<ObjectKey, Arc<Service>>>,
    pub(super) workloads: Arc<BTreeMap<ObjectKey, Arc<Workload>>>,
    pub(super) pdbs: Arc<BTreeMap<ObjectKey, Arc<PodDisruptionBudget>>>,
    pub(super) service_selectors: Arc<SelectorIndex<ObjectKey>>,
    pub(super) controller_selectors: Arc<SelectorIndex<ObjectKey>>,
    pub(super) pdb_selectors: Arc<SelectorIndex<ObjectKey>>,
    pub(super) by_node: Arc<BTreeMap<Arc<str>, Arc<ObjectSet>>>,
    /// Pods by their controller reference ([`controller_index_key`]); orphans under their
    /// namespace alone, as Kubernetes' `AddPodControllerUIDIndexer` files them.
    pub(super) by_controller: Arc<BTreeMap<Box<str>, Arc<ObjectSet>>>,
    pub(super) skipped: Arc<BTreeMap<String, usize>>,
    /// Pods bound to a node and not finished ([`Cluster::assigned_pods`]).
    pub(super) assigned: Arc<ObjectSet>,
    /// The assigned pods' requests per stored node, by node id.
    pub(super) node_usage: CowVec<Resources>,
    /// Every pod affinity term of a stored pod ([`Cluster::affinity_terms`]).
    pub(super) affinity_terms: Arc<SelectorIndex<AffinityTermKey>>,
    /// Each pod's stored node id plus one (0: unbound, or the node is not stored).
    pub(super) pod_node: CowVec<u32>,
    /// Changes with every node event that changed something ([`Cluster::node_generation`]).
    pub(super) node_generation: u64,
}

/// Node generations are unique in the process, so that a cache keyed by one never mistakes
/// another store's nodes for its own.
fn next_node_generation() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

#[derive(Clone, Debug)]
pub(super) struct Config {
    pub(super) default_namespace: String,
    pub(super) limits: ReadLimits,
    /// Where [`Cluster::reader`] handles find the last published snapshot.
    pub(super) published: Option<Arc<RwLock<Arc<ClusterSnapshot>>>>,
    /// Watcher relists in progress (feature `k8s-openapi`).
    #[cfg(feature = "k8s-openapi")]
    pub(super) relists: super::watcher::Relists,
    /// What new pod records share (writer only).
    pub(super) sharing: Sharing,
}

impl Config {
    /// What a snapshot keeps of the writer's configuration.
    fn for_reader(&self) -> Config {
        Config {
            default_namespace: self.default_namespace.clone(),
            limits: self.limits,
            ..Config::default()
        }
    }
}

impl Default for Config {
    fn default() -> Config {
        Config {
            default_namespace: "default".to_string(),
            limits: ReadLimits::default(),
            published: None,
            #[cfg(feature = "k8s-openapi")]
            relists: Default::default(),
            sharing: Sharing::default(),
        }
    }
}

impl<I: Deref<Target = View>> fmt::Debug for Cluster<I> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cluster")
            .field("pods", &self.pods.len())
            .field("nodes", &self.nodes.len())
            .field("namespaces", &self.namespaces.len())
            .field("services", &self.t.services.len())
            .field("workloads", &self.t.workloads.len())
            .field("pdbs", &self.t.pdbs.len())
            .finish_non_exhaustive()
    }
}

impl Default for Cluster {
    fn default() -> Cluster {
        Cluster::new()
    }
}

impl Clone for ClusterSnapshot {
    fn clone(&self) -> ClusterSnapshot {
        Cluster {
            pods: self.pods.clone(),
            nodes: self.nodes.clone(),
            namespaces: self.namespaces.clone(),
            t: self.t.clone(),
            config: self.config.for_reader(),
        }
    }
}

/// A stored node or namespace: its labels from the inventory, the rest of the object beside
/// it. (Pods are [`PodEntry`]s.)
///
/// [`get`](Entry::get) is the object as stored, with `metadata.labels` empty (the labels live
/// once, in the index); [`labels`](Entry::labels) reads them, and
/// [`to_object`](Entry::to_object) puts the whole object back together.
pub struct Entry<'a, T> {
    object: ObjectRef<'a>,
    record: &'a T,
}

impl<T> Clone for Entry<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Entry<'_, T> {}

impl<T> fmt::Debug for Entry<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.object.fmt(f)
    }
}

/// A stored node.
pub type NodeEntry<'a> = Entry<'a, Node>;
/// A stored namespace.
pub type NamespaceEntry<'a> = Entry<'a, Namespace>;

macro_rules! entry_methods {
    ($($t:ident),*) => {$(
        impl<'a> Entry<'a, $t> {
            /// The object as stored: everything but `metadata.labels` (empty here; see
            /// [`labels`](Entry::labels)).
            pub fn get(&self) -> &'a $t {
                self.record
            }

            inventory_accessors!();

            /// `metadata.resourceVersion`.
            pub fn resource_version(&self) -> &'a str {
                &self.record.metadata.resource_version
            }

            /// `metadata.uid`.
            pub fn uid(&self) -> &'a str {
                &self.record.metadata.uid
            }

            /// The whole object, labels included (a copy).
            pub fn to_object(&self) -> $t {
                let mut o = self.record.clone();
                o.metadata.labels = self.labels();
                o
            }
        }
    )*};
}
entry_methods!(Node, Namespace);

impl<'a> Entry<'a, Node> {
    /// The node's id.
    pub fn id(&self) -> NodeId {
        NodeId::new(self.object.id())
    }

    /// The node's key.
    pub fn key(&self) -> ObjectKey {
        ObjectKey::node(self.name())
    }
}

fn record<T>(records: &CowVec<Option<Arc<T>>>, id: ObjectId) -> Option<&T> {
    records.get(id.get() as usize)?.as_deref()
}

fn record_arc<T>(records: &CowVec<Option<Arc<T>>>, id: ObjectId) -> Option<Arc<T>> {
    records.get(id.get() as usize)?.clone()
}

/// The read API, on the writer and on snapshots alike.
impl<I: Deref<Target = View>> Cluster<I> {
    /// The pod inventory: query it with [`View::select`] and friends.
    pub fn pods(&self) -> &View {
        &self.pods
    }

    /// The node inventory (every node in namespace `""`).
    pub fn nodes(&self) -> &View {
        &self.nodes
    }

    /// The inventory of Namespace objects (under `""`, by name), for `namespaceSelector`s.
    /// Namespaces that only appear on pods are not here; see [`View::namespaces`].
    pub fn namespaces(&self) -> &View {
        &self.namespaces
    }

    fn entry<'a, T>(
        view: &'a View,
        records: &'a CowVec<Option<Arc<T>>>,
        id: ObjectId,
    ) -> Option<Entry<'a, T>> {
        Some(Entry {
            object: view.get(id)?,
            record: record(records, id)?,
        })
    }

    /// A pod by id.
    pub fn pod(&self, id: PodId) -> Option<PodEntry<'_>> {
        self.pod_by_object_id(id.object_id())
    }

    /// A pod by the id [`pods`](Cluster::pods) answers with.
    pub fn pod_by_object_id(&self, id: ObjectId) -> Option<PodEntry<'_>> {
        Some(PodEntry {
            object: self.pods.get(id)?,
            record: record(&self.t.pod_records, id)?,
        })
    }

    /// A pod's spec, read from its record alone (no name or label is decoded): what a loop
    /// over many pods wants.
    pub fn pod_spec(&self, id: PodId) -> Option<&PodSpec> {
        record(&self.t.pod_records, id.object_id()).map(|r| &*r.spec)
    }

    /// Whether a pod is terminating (`deletionTimestamp` set), from its record alone.
    pub fn pod_terminating(&self, id: PodId) -> Option<bool> {
        record(&self.t.pod_records, id.object_id()).map(|r| r.deletion_timestamp.is_some())
    }

    /// The id of pod `namespace/name`.
    pub fn pod_id(&self, namespace: &str, name: &str) -> Option<PodId> {
        self.pods.id(namespace, name).map(PodId::new)
    }

    /// A pod by namespace and name.
    pub fn pod_named(&self, namespace: &str, name: &str) -> Option<PodEntry<'_>> {
        self.pod_by_object_id(self.pods.id(namespace, name)?)
    }

    /// Every pod, in id order.
    pub fn pod_entries(&self) -> impl Iterator<Item = PodEntry<'_>> + '_ {
        self.pods
            .iter()
            .filter_map(|o| self.pod_by_object_id(o.id()))
    }

    /// A node by id.
    pub fn node(&self, id: NodeId) -> Option<NodeEntry<'_>> {
        self.node_by_object_id(id.object_id())
    }

    /// A node by the id [`nodes`](Cluster::nodes) answers with.
    pub fn node_by_object_id(&self, id: ObjectId) -> Option<NodeEntry<'_>> {
        Self::entry(&self.nodes, &self.t.node_records, id)
    }

    /// The id of node `name`.
    pub fn node_id(&self, name: &str) -> Option<NodeId> {
        self.nodes.id("", name).map(NodeId::new)
    }

    /// A node by name.
    pub fn node_named(&self, name: &str) -> Option<NodeEntry<'_>> {
        self.node_by_object_id(self.nodes.id("", name)?)
    }

    /// Every node, in id order.
    pub fn node_entries(&self) -> impl Iterator<Item = NodeEntry<'_>> + '_ {
        self.nodes
            .iter()
            .filter_map(|o| self.node_by_object_id(o.id()))
    }

    /// A Namespace object by name.
    pub fn namespace(&self, name: &str) -> Option<NamespaceEntry<'_>> {
        let id = self.namespaces.id("", name)?;
        Self::entry(&self.namespaces, &self.t.namespace_records, id)
    }

    /// A Service by namespace and name.
    pub fn service(&self, namespace: &str, name: &str) -> Option<&Service> {
        let key = (Kind::Service, namespace, name);
        self.t.services.get(&key as &dyn KeyParts).map(|s| &**s)
    }

    /// Services, sorted by namespace and name.
    pub fn services(&self) -> impl ExactSizeIterator<Item = &Service> + '_ {
        self.t.services.values().map(|s| &**s)
    }

    /// A ReplicaSet, Deployment, StatefulSet or DaemonSet by kind, namespace and name.
    pub fn workload(&self, kind: WorkloadKind, namespace: &str, name: &str) -> Option<&Workload> {
        let key = (Kind::from(kind), namespace, name);
        self.t.workloads.get(&key as &dyn KeyParts).map(|w| &**w)
    }

    /// Workloads, sorted by kind (ReplicaSet, Deployment, StatefulSet, DaemonSet), namespace
    /// and name.
    pub fn workloads(&self) -> impl ExactSizeIterator<Item = &Workload> + '_ {
        self.t.workloads.values().map(|w| &**w)
    }

    /// A PodDisruptionBudget by namespace and name.
    pub fn pdb(&self, namespace: &str, name: &str) -> Option<&PodDisruptionBudget> {
        let key = (Kind::PodDisruptionBudget, namespace, name);
        self.t.pdbs.get(&key as &dyn KeyParts).map(|p| &**p)
    }

    /// PodDisruptionBudgets, sorted by namespace and name.
    pub fn pdbs(&self) -> impl ExactSizeIterator<Item = &PodDisruptionBudget> + '_ {
        self.t.pdbs.values().map(|p| &**p)
    }

    /// Whether an object with this key is stored.
    pub fn contains(&self, key: &ObjectKey) -> bool {
        match key.kind() {
            Kind::Pod => self.pods.id(key.namespace(), key.name()).is_some(),
            Kind::Node => self.nodes.id("", key.name()).is_some(),
            Kind::Namespace => self.namespaces.id("", key.name()).is_some(),
            Kind::Service => self.t.services.contains_key(key),
            Kind::PodDisruptionBudget => self.t.pdbs.contains_key(key),
            Kind::ReplicaSet
            | Kind::Deployment
            | Kind::StatefulSet
            | Kind::DaemonSet
            | Kind::ReplicationController => self.t.workloads.contains_key(key),
        }
    }

    /// The keys of every stored object of `kind`, pods in id order, the other kinds sorted.
    pub fn keys(&self, kind: Kind) -> Box<dyn Iterator<Item = ObjectKey> + '_> {
        match kind {
            Kind::Pod => Box::new(
                self.pods
                    .iter()
                    .map(|o| ObjectKey::pod(o.namespace(), o.name())),
            ),
            Kind::Node => Box::new(self.nodes.iter().map(|o| ObjectKey::node(o.name()))),
            Kind::Namespace => Box::new(
                self.namespaces
                    .iter()
                    .map(|o| ObjectKey::new(Kind::Namespace, "", o.name())),
            ),
            Kind::Service => Box::new(self.t.services.keys().cloned()),
            Kind::PodDisruptionBudget => Box::new(self.t.pdbs.keys().cloned()),
            Kind::ReplicaSet
            | Kind::Deployment
            | Kind::StatefulSet
            | Kind::DaemonSet
            | Kind::ReplicationController => Box::new(
                self.t
                    .workloads
                    .keys()
                    .filter(move |k| k.kind() == kind)
                    .cloned(),
            ),
        }
    }

    /// The `resourceVersion` stored for `key`, if the object is stored.
    pub fn resource_version(&self, key: &ObjectKey) -> Option<&str> {
        let meta = match key.kind() {
            Kind::Pod => {
                return self
                    .pod_named(key.namespace(), key.name())
                    .map(|e| e.resource_version());
            }
            Kind::Node => self.node_named(key.name()).map(|e| &e.get().metadata),
            Kind::Namespace => self.namespace(key.name()).map(|e| &e.get().metadata),
            Kind::Service => self.t.services.get(key).map(|s| &s.metadata),
            Kind::PodDisruptionBudget => self.t.pdbs.get(key).map(|p| &p.metadata),
            Kind::ReplicaSet
            | Kind::Deployment
            | Kind::StatefulSet
            | Kind::DaemonSet
            | Kind::ReplicationController => self.t.workloads.get(key).map(|w| &w.metadata),
        }?;
        Some(&meta.resource_version)
    }

    /// The labels of the Namespace object `name` (none if it is not stored).
    pub fn namespace_labels(&self, name: &str) -> Option<LabelSet> {
        self.namespace(name).map(|n| n.labels())
    }

    /// The Services whose selector picks this pod (in its namespace), sorted.
    pub fn services_for_pod(&self, pod: PodId) -> Vec<&ObjectKey> {
        self.matching(&self.t.service_selectors, pod)
    }

    /// The ReplicaSets, Deployments, StatefulSets and DaemonSets whose selector picks this pod
    /// (in its namespace): the controllers that own or would adopt it, sorted.
    pub fn controllers_for_pod(&self, pod: PodId) -> Vec<&ObjectKey> {
        self.matching(&self.t.controller_selectors, pod)
    }

    /// The PodDisruptionBudgets whose selector picks this pod (in its namespace), sorted.
    pub fn pdbs_for_pod(&self, pod: PodId) -> Vec<&ObjectKey> {
        self.matching(&self.t.pdb_selectors, pod)
    }

    fn matching<'a>(
        &'a self,
        index: &'a SelectorIndex<ObjectKey>,
        pod: PodId,
    ) -> Vec<&'a ObjectKey> {
        let Some(o) = self.pods.get(pod.object_id()) else {
            return Vec::new();
        };
        let mut hits = index.matching(o.namespace(), o.label_pairs());
        hits.sort_unstable();
        hits
    }

    /// The Services' selectors, by key, scoped to their namespaces (nil and `{}` select
    /// nothing).
    pub fn service_selectors(&self) -> &SelectorIndex<ObjectKey> {
        &self.t.service_selectors
    }

    /// The workloads' selectors, by key (`{}` selects nothing for a ReplicaSet, everything in
    /// the namespace for the other kinds).
    pub fn controller_selectors(&self) -> &SelectorIndex<ObjectKey> {
        &self.t.controller_selectors
    }

    /// The PDBs' selectors, by key.
    pub fn pdb_selectors(&self) -> &SelectorIndex<ObjectKey> {
        &self.t.pdb_selectors
    }

    /// The pods bound to node `name` (`spec.nodeName`), whether or not the node is stored.
    pub fn pods_on_node(&self, name: &str) -> impl Iterator<Item = PodId> + '_ {
        self.t
            .by_node
            .get(name)
            .into_iter()
            .flat_map(|set| set.iter().map(PodId::new))
    }

    /// The pods in `namespace` whose controller reference (`ownerReferences[]` with
    /// `controller: true`) names this kind, name and uid, exactly as Kubernetes'
    /// controller-UID pod index answers it.
    pub fn pods_controlled_by(
        &self,
        namespace: &str,
        kind: &str,
        name: &str,
        uid: &str,
    ) -> impl Iterator<Item = PodId> + '_ {
        self.t
            .by_controller
            .get(owner_index_key(namespace, kind, name, uid).as_str())
            .into_iter()
            .flat_map(|set| set.iter().map(PodId::new))
    }

    /// The pods in `namespace` without a controller reference (orphans).
    pub fn orphan_pods(&self, namespace: &str) -> impl Iterator<Item = PodId> + '_ {
        self.t
            .by_controller
            .get(namespace)
            .into_iter()
            .flat_map(|set| set.iter().map(PodId::new))
    }

    /// A number that changes whenever a node is added, changed or deleted, and is never the
    /// same for two different sets of nodes in one process: a key for caches of node data.
    pub fn node_generation(&self) -> u64 {
        self.t.node_generation
    }

    /// How many pods are bound to node `name`.
    pub fn pods_on_node_count(&self, name: &str) -> u64 {
        self.t.by_node.get(name).map_or(0, |s| s.len())
    }

    /// How many objects of each kind not modelled here were read (`ConfigMap`, custom
    /// resources).
    pub fn skipped(&self) -> &BTreeMap<String, usize> {
        &self.t.skipped
    }

    /// The namespace given to namespaced objects that have none (`default` unless
    /// [`set_default_namespace`](Cluster::set_default_namespace) changed it).
    pub fn default_namespace(&self) -> &str {
        &self.config.default_namespace
    }

    /// Heap bytes held by the store, shared snapshot storage counted in full: the inventories,
    /// the object records and the selector indexes.
    pub fn memory_usage(&self) -> usize {
        fn records<T>(v: &CowVec<Option<Arc<T>>>, each: impl Fn(&T) -> usize) -> usize {
            v.heap_bytes()
                + v.iter()
                    .flatten()
                    .map(|r| 16 + size_of::<T>() + each(r))
                    .sum::<usize>()
        }
        self.pods.memory_usage()
            + self.nodes.memory_usage()
            + self.namespaces.memory_usage()
            + super::size::pod_records(&self.t.pod_records)
            + records(&self.t.node_records, super::size::node_heap)
            + records(&self.t.namespace_records, |n| {
                super::size::meta_heap(&n.metadata)
            })
            + self.t.service_selectors.memory_usage()
            + self.t.controller_selectors.memory_usage()
            + self.t.pdb_selectors.memory_usage()
            + self
                .t
                .by_node
                .iter()
                .map(|(k, v)| 64 + k.len() + v.memory_usage())
                .sum::<usize>()
    }
}

/// Meta checks shared by every kind: the name and namespace rules of the inventory, and the
/// namespace defaulting of `kubectl apply -f`.
fn normalize(meta: &mut ObjectMeta, kind: Kind, default_namespace: &str) -> Result<(), Error> {
    if kind.is_namespaced() {
        if meta.namespace.is_empty() {
            meta.namespace = default_namespace.to_string();
        }
        check_namespace(&meta.namespace)?;
    } else {
        // The API server ignores metadata.namespace on cluster-scoped objects.
        meta.namespace.clear();
    }
    check_name(&meta.name)
}

/// The write API.
impl Cluster<Inventory> {
    /// An empty store; namespaced objects without a namespace go to `default`.
    pub fn new() -> Cluster {
        Cluster {
            pods: Inventory::new(),
            nodes: Inventory::new(),
            namespaces: Inventory::new(),
            t: Tables::default(),
            config: Config::default(),
        }
    }

    /// An empty store that reads under `limits`.
    pub fn with_limits(limits: ReadLimits) -> Cluster {
        let mut c = Cluster::new();
        c.config.limits = limits;
        c
    }

    /// Sets the namespace of namespaced objects that come without one, as `kubectl apply -f
    /// -n NS` does.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::NamespaceInvalid`](crate::ErrorKind::NamespaceInvalid) if `namespace` is
    /// not a DNS label; nothing changes.
    pub fn set_default_namespace(&mut self, namespace: &str) -> Result<(), Error> {
        check_namespace(namespace)?;
        if namespace.is_empty() {
            return Err(Error::new(
                crate::ErrorKind::NamespaceInvalid,
                0..0,
                namespace,
            ));
        }
        self.config.default_namespace = namespace.to_string();
        Ok(())
    }

    /// Applies one watch event: `ADDED` and `MODIFIED` upsert, `DELETED` deletes,
    /// `BOOKMARK` and `ERROR` are reported and change nothing.
    ///
    /// # Errors
    ///
    /// As [`upsert`](Cluster::upsert); nothing changes on error.
    ///
    /// # Examples
    ///
    /// ```
    /// use label_selector::Cluster;
    /// use label_selector::cluster::Applied;
    /// use label_selector::k8s::{ObjectKey, WatchEvent};
    ///
    /// let mut cluster = Cluster::new();
    /// let pod = |rv: &str, app: &str| serde_json::from_str(&format!(
    ///     r#"{{"kind":"Pod","metadata":{{"name":"a","resourceVersion":"{rv}","labels":{{"app":"{app}"}}}}}}"#
    /// )).unwrap();
    /// let key = ObjectKey::pod("default", "a");
    /// assert_eq!(cluster.apply(WatchEvent::Added(pod("1", "web")))?, Applied::Added(key.clone()));
    /// assert_eq!(cluster.apply(WatchEvent::Modified(pod("1", "db")))?, Applied::Unchanged(key.clone()));
    /// assert_eq!(cluster.apply(WatchEvent::Modified(pod("2", "db")))?, Applied::Updated(key.clone()));
    /// assert_eq!(cluster.pod_named("default", "a").unwrap().label("app"), Some("db"));
    /// assert_eq!(cluster.apply(WatchEvent::Deleted(pod("3", "db")))?, Applied::Deleted(key.clone()));
    /// assert_eq!(cluster.apply(WatchEvent::Deleted(pod("3", "db")))?, Applied::UnknownDelete(key));
    /// # Ok::<(), label_selector::cluster::ApplyError>(())
    /// ```
    pub fn apply(&mut self, event: WatchEvent) -> Result<Applied, ApplyError> {
        match event {
            WatchEvent::Added(o) | WatchEvent::Modified(o) => self.upsert(o),
            WatchEvent::Deleted(mut o) => {
                let Some(kind) = o.key().map(|k| k.kind()) else {
                    return Ok(match o {
                        Object::List(_) => return Err(ApplyError::list()),
                        other => Applied::Skipped {
                            kind: other.kind().to_string(),
                        },
                    });
                };
                let default = &self.config.default_namespace;
                if let Some(meta) = o.metadata_mut()
                    && kind.is_namespaced()
                    && meta.namespace.is_empty()
                {
                    meta.namespace = default.clone();
                }
                let key = o.key().ok_or_else(ApplyError::list)?;
                Ok(self.delete(&key))
            }
            WatchEvent::Bookmark { resource_version } => Ok(Applied::Bookmark { resource_version }),
            WatchEvent::Error(status) => Ok(Applied::WatchError(status)),
        }
    }

    /// Adds or replaces one object (`kubectl apply`). A namespaced object without a namespace
    /// takes the [`default_namespace`](Cluster::default_namespace); a cluster-scoped one drops
    /// any namespace. An object whose `resourceVersion` is set and equals the stored one is
    /// left as it is ([`Applied::Unchanged`]). Kinds that are not modelled are counted in
    /// [`skipped`](Cluster::skipped).
    ///
    /// # Errors
    ///
    /// An [`ApplyError`] naming the object, and nothing changes:
    /// - a name or namespace that breaks Kubernetes' rules (the objects a reader returns are
    ///   already checked; this guards objects built in code);
    /// - a [`List`](Object::List) (load lists with [`load_str`](Cluster::load_str));
    /// - an index out of ids ([`ErrorKind::CapacityExceeded`](crate::ErrorKind::CapacityExceeded)).
    pub fn upsert(&mut self, mut object: Object) -> Result<Applied, ApplyError> {
        let kind = match object.modelled_kind() {
            Some(k) => k,
            None => {
                return match object {
                    Object::List(_) => Err(ApplyError::list()),
                    other => {
                        let kind = other.kind().to_string();
                        *Arc::make_mut(&mut self.t.skipped)
                            .entry(kind.clone())
                            .or_default() += 1;
                        Ok(Applied::Skipped { kind })
                    }
                };
            }
        };
        if let Some(meta) = object.metadata_mut() {
            normalize(meta, kind, &self.config.default_namespace)
                .map_err(|e| ApplyError::invalid(&object, e))?;
        }
        let key = object.key().ok_or_else(ApplyError::list)?;
        let rv = object
            .metadata()
            .map_or("", |m| m.resource_version.as_str());
        if !rv.is_empty() && self.resource_version(&key) == Some(rv) {
            return Ok(Applied::Unchanged(key));
        }
        let existed = self.contains(&key);
        let on = |e: Error| ApplyError::at(&key, e);
        match object {
            Object::Pod(pod) => self.put_pod(*pod).map_err(on)?,
            Object::Node(node) => {
                let name = node.metadata.name.clone();
                put_labeled(&mut self.nodes, &mut self.t.node_records, *node, |n| {
                    &mut n.metadata
                })
                .map_err(on)?;
                if !existed && let Some(id) = self.nodes.id("", &name) {
                    self.recount_node(id, &name);
                }
                self.t.node_generation = next_node_generation();
            }
            Object::Namespace(ns) => put_labeled(
                &mut self.namespaces,
                &mut self.t.namespace_records,
                *ns,
                |n| &mut n.metadata,
            )
            .map_err(on)?,
            Object::Service(s) => {
                let scope = Scope::namespace(key.namespace());
                Arc::make_mut(&mut self.t.service_selectors)
                    .insert(key.clone(), scope, &s.selector())
                    .map_err(on)?;
                Arc::make_mut(&mut self.t.services).insert(key.clone(), Arc::new(*s));
            }
            Object::Workload(w) => {
                let scope = Scope::namespace(key.namespace());
                Arc::make_mut(&mut self.t.controller_selectors)
                    .insert(key.clone(), scope, w.selector())
                    .map_err(on)?;
                Arc::make_mut(&mut self.t.workloads).insert(key.clone(), Arc::new(*w));
            }
            Object::PodDisruptionBudget(p) => {
                let scope = Scope::namespace(key.namespace());
                Arc::make_mut(&mut self.t.pdb_selectors)
                    .insert(key.clone(), scope, p.selector())
                    .map_err(on)?;
                Arc::make_mut(&mut self.t.pdbs).insert(key.clone(), Arc::new(*p));
            }
            Object::List(_) | Object::Other(_) => return Err(ApplyError::list()),
        }
        Ok(if existed {
            Applied::Updated(key)
        } else {
            Applied::Added(key)
        })
    }

    fn put_pod(&mut self, mut pod: Pod) -> Result<(), Error> {
        let labels = std::mem::take(&mut pod.metadata.labels);
        let m = &pod.metadata;
        let id = self.pods.insert(&m.namespace, &m.name, &labels)?;
        let ns = m.namespace.clone();
        let old = record_arc(&self.t.pod_records, id);
        if let Some(o) = &old {
            self.unassign(id, o);
        }
        let old_node = old.as_ref().and_then(|r| r.node_name.clone());
        let node = match pod.spec.node_name.as_deref() {
            Some(n) if old_node.as_deref() == Some(n) => old_node.clone(),
            new => {
                if let Some(old) = &old_node {
                    self.unbind(old, id);
                }
                new.map(|n| {
                    let by_node = Arc::make_mut(&mut self.t.by_node);
                    let key = match by_node.get_key_value(n) {
                        Some((k, _)) => Arc::clone(k),
                        None => Arc::from(n),
                    };
                    Arc::make_mut(by_node.entry(Arc::clone(&key)).or_default()).insert(id);
                    key
                })
            }
        };
        let rec = self.config.sharing.record(pod, old.as_deref(), node);
        let same_owner = old
            .as_deref()
            .is_some_and(|o| o.owner_references == rec.owner_references);
        if !same_owner {
            let ns = self.pods.get(id).map_or("", |o| o.namespace());
            if let Some(o) = old.as_deref() {
                let old_key = controller_index_key(ns, o);
                file_controller(&mut self.t.by_controller, &old_key, id, false);
            }
            let new_key = controller_index_key(ns, &rec);
            file_controller(&mut self.t.by_controller, &new_key, id, true);
        }
        self.assign(id, &rec, &ns, &labels);
        set(&mut self.t.pod_records, id, Some(Arc::new(rec)));
        Ok(())
    }

    fn unbind(&mut self, node: &str, id: ObjectId) {
        let by_node = Arc::make_mut(&mut self.t.by_node);
        if let Some(set) = by_node.get_mut(node) {
            Arc::make_mut(set).remove(id);
            if set.is_empty() {
                by_node.remove(node);
            }
        }
    }

    /// Deletes the object with this key: [`Applied::Deleted`], or [`Applied::UnknownDelete`]
    /// if it was not stored (a delete that raced its add, or a replay). Never fails.
    pub fn delete(&mut self, key: &ObjectKey) -> Applied {
        let deleted = match key.kind() {
            Kind::Pod => match self.pods.id(key.namespace(), key.name()) {
                Some(id) => {
                    if let Some(old) = record_arc(&self.t.pod_records, id) {
                        self.unassign(id, &old);
                        if let Some(node) = &old.node_name {
                            self.unbind(node, id);
                        }
                        let ckey = controller_index_key(key.namespace(), &old);
                        file_controller(&mut self.t.by_controller, &ckey, id, false);
                        self.config.sharing.forget(&old);
                    }
                    set(&mut self.t.pod_records, id, None);
                    self.pods.delete(id)
                }
                None => false,
            },
            Kind::Node => match self.nodes.id("", key.name()) {
                Some(id) => {
                    self.clear_node(id);
                    self.t.node_generation = next_node_generation();
                    set(&mut self.t.node_records, id, None);
                    self.nodes.delete(id)
                }
                None => false,
            },
            Kind::Namespace => match self.namespaces.id("", key.name()) {
                Some(id) => {
                    set(&mut self.t.namespace_records, id, None);
                    self.namespaces.delete(id)
                }
                None => false,
            },
            Kind::Service => remove(&mut self.t.services, &mut self.t.service_selectors, key),
            Kind::PodDisruptionBudget => remove(&mut self.t.pdbs, &mut self.t.pdb_selectors, key),
            Kind::ReplicaSet
            | Kind::Deployment
            | Kind::StatefulSet
            | Kind::DaemonSet
            | Kind::ReplicationController => {
                remove(&mut self.t.workloads, &mut self.t.controller_selectors, key)
            }
        };
        if deleted {
            Applied::Deleted(key.clone())
        } else {
            Applied::UnknownDelete(key.clone())
        }
    }

    /// Publishes the current state to every [`reader`](Cluster::reader) and returns it as a
    /// snapshot: a consistent, immutable, `Send + Sync` view that shares storage with the
    /// writer.
    ///
    /// Taking one copies a pointer per 4 096 pods (and per chunk of the other tables); after
    /// it, the writer's first change to shared storage copies that chunk, posting, or (for
    /// Services, workloads and PDBs, which change rarely) the whole table of that kind.
    ///
    /// ```
    /// use label_selector::{Cluster, Selector};
    /// use label_selector::k8s::ObjectKey;
    ///
    /// let mut cluster = Cluster::new();
    /// cluster.load_str("pods.yaml", "kind: Pod\nmetadata: {name: a, labels: {app: web}}\n")?;
    /// let before = cluster.snapshot();
    /// cluster.delete(&ObjectKey::pod("default", "a"));
    /// let web: Selector = "app=web".parse().unwrap();
    /// assert_eq!(before.pods().count(&web), 1); // the snapshot does not change
    /// assert_eq!(cluster.pods().count(&web), 0);
    /// let n = std::thread::spawn(move || before.pods().len()).join().unwrap();
    /// assert_eq!(n, 1);
    /// # Ok::<(), label_selector::load::LoadError>(())
    /// ```
    pub fn snapshot(&mut self) -> ClusterSnapshot {
        let snap = Cluster {
            pods: self.pods.snapshot(),
            nodes: self.nodes.snapshot(),
            namespaces: self.namespaces.snapshot(),
            t: self.t.clone(),
            config: self.config.for_reader(),
        };
        if let Some(slot) = &self.config.published {
            // A poisoned lock only means a reader panicked while cloning an `Arc`.
            *slot.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(snap.clone());
        }
        snap
    }

    /// A handle for reader threads: [`ClusterReader::snapshot`] returns the state of the last
    /// [`snapshot`](Cluster::snapshot) (or of the moment the handle was made).
    pub fn reader(&mut self) -> ClusterReader {
        let slot = match &self.config.published {
            Some(slot) => Arc::clone(slot),
            None => {
                let slot = Arc::new(RwLock::new(Arc::new(self.snapshot())));
                self.config.published = Some(Arc::clone(&slot));
                slot
            }
        };
        ClusterReader { slot }
    }

    /// The current state, to [`restore`](Cluster::restore) if a batch must be undone.
    pub(super) fn checkpoint(&self) -> Checkpoint {
        Checkpoint {
            pods: self.pods.checkpoint(),
            nodes: self.nodes.checkpoint(),
            namespaces: self.namespaces.checkpoint(),
            t: self.t.clone(),
        }
    }

    pub(super) fn restore(&mut self, c: Checkpoint) {
        self.pods.restore(c.pods);
        self.nodes.restore(c.nodes);
        self.namespaces.restore(c.namespaces);
        self.t = c.t;
    }

    /// Checks every internal invariant: each inventory's postings, a record for every live
    /// object and none for a dead one, pods-by-node equal to the records, every registered
    /// selector equal to its object's. For tests and fuzzing.
    #[doc(hidden)]
    pub fn internal_validate(&self) -> Result<(), String> {
        self.pods.internal_validate()?;
        self.nodes.internal_validate()?;
        self.namespaces.internal_validate()?;
        fn live<T>(
            view: &View,
            records: &CowVec<Option<Arc<T>>>,
            what: &str,
        ) -> Result<(), String> {
            for (i, r) in records.iter().enumerate() {
                let id = ObjectId::new(i as u32);
                if r.is_some() != view.get(id).is_some() {
                    return Err(format!("{what} {i}: record and inventory disagree"));
                }
            }
            if view.iter().any(|o| record(records, o.id()).is_none()) {
                return Err(format!("{what}: a live object has no record"));
            }
            Ok(())
        }
        live(&self.pods, &self.t.pod_records, "pod")?;
        live(&self.nodes, &self.t.node_records, "node")?;
        live(&self.namespaces, &self.t.namespace_records, "namespace")?;
        let mut by_node: BTreeMap<String, ObjectSet> = BTreeMap::new();
        for p in self.pod_entries() {
            if p.spec().node_name.is_some()
                || p.status().pod_ip.is_some()
                || !p.status().pod_ips.is_empty()
            {
                return Err(format!("pod {}: node or IP stored twice", p.key()));
            }
            if let Some(n) = p.node_name() {
                by_node
                    .entry(n.to_string())
                    .or_default()
                    .insert(p.id().object_id());
            }
        }
        let stored: BTreeMap<String, ObjectSet> = self
            .t
            .by_node
            .iter()
            .map(|(k, v)| (k.to_string(), (**v).clone()))
            .collect();
        if stored != by_node {
            return Err("pods by node differ from the pods' nodeName".into());
        }
        let assigned: ObjectSet = self
            .pod_entries()
            .filter(|p| super::assigned::is_assigned(p.record))
            .map(|p| p.id().object_id())
            .collect();
        for p in self.pod_entries() {
            let want = p.node_name().and_then(|n| self.node_id(n));
            if self.pod_node(p.id()) != want {
                return Err(format!(
                    "pod {}: stored node id differs from its nodeName",
                    p.key()
                ));
            }
        }
        if assigned != *self.t.assigned {
            return Err("assigned pods differ from the pods' nodeName and phase".into());
        }
        for n in self.node_entries() {
            let want = super::assigned::usage_of(&self.t, n.name());
            if self.node_requested(n.id()) != want {
                return Err(format!("node {}: requests differ from its pods'", n.name()));
            }
        }
        let terms: usize = self
            .pod_entries()
            .map(|p| {
                let labels = p.labels();
                p.spec()
                    .affinity_terms()
                    .filter(|(_, _, t)| {
                        crate::k8s::AffinityTerm::compile(t, p.namespace(), &labels).is_ok()
                    })
                    .count()
            })
            .sum();
        if terms != self.t.affinity_terms.len() {
            return Err("affinity terms differ from the pods' specs".into());
        }
        let mut by_controller: BTreeMap<String, ObjectSet> = BTreeMap::new();
        for p in self.pod_entries() {
            by_controller
                .entry(controller_index_key(p.object.namespace(), p.record))
                .or_default()
                .insert(p.id().object_id());
        }
        let stored: BTreeMap<String, ObjectSet> = self
            .t
            .by_controller
            .iter()
            .map(|(k, v)| (k.to_string(), (**v).clone()))
            .collect();
        if stored != by_controller {
            return Err("pods by controller differ from the pods' ownerReferences".into());
        }
        let check = |index: &SelectorIndex<ObjectKey>,
                     objects: &mut dyn Iterator<Item = (&ObjectKey, crate::Selector)>|
         -> Result<(), String> {
            let mut n = 0;
            for (key, sel) in objects {
                n += 1;
                match index.get(key) {
                    Some((scope, s)) if s == sel && scope == Scope::namespace(key.namespace()) => {}
                    _ => return Err(format!("{key}: registered selector differs")),
                }
            }
            if n != index.len() {
                return Err("a registry holds selectors of deleted objects".into());
            }
            index.internal_validate()
        };
        check(
            &self.t.service_selectors,
            &mut self.t.services.iter().map(|(k, s)| (k, s.selector())),
        )?;
        check(
            &self.t.controller_selectors,
            &mut self
                .t
                .workloads
                .iter()
                .map(|(k, w)| (k, w.selector().clone())),
        )?;
        check(
            &self.t.pdb_selectors,
            &mut self.t.pdbs.iter().map(|(k, p)| (k, p.selector().clone())),
        )
    }
}

/// A state of the store to go back to.
pub(super) struct Checkpoint {
    pods: View,
    nodes: View,
    namespaces: View,
    t: Tables,
}

/// Stores a cluster-scoped object whose labels go into `inventory` (under `""`) and the rest
/// into `records`.
fn put_labeled<T: Clone>(
    inventory: &mut Inventory,
    records: &mut CowVec<Option<Arc<T>>>,
    mut object: T,
    meta: fn(&mut T) -> &mut ObjectMeta,
) -> Result<(), Error> {
    let m = meta(&mut object);
    let labels = std::mem::take(&mut m.labels);
    let id = inventory.insert("", &m.name, &labels)?;
    set(records, id, Some(Arc::new(object)));
    Ok(())
}

/// The key a pod is filed under in `by_controller`: its namespace and its controller
/// reference's kind, name and uid, NUL-separated; the namespace alone for an orphan.
pub(super) fn controller_index_key(namespace: &str, rec: &PodRecord) -> String {
    match crate::k8s::controller_of(&rec.owner_references) {
        Some(r) => owner_index_key(namespace, &r.kind, &r.name, &r.uid),
        None => namespace.to_string(),
    }
}

fn owner_index_key(namespace: &str, kind: &str, name: &str, uid: &str) -> String {
    let mut k = String::with_capacity(namespace.len() + kind.len() + name.len() + uid.len() + 3);
    for (i, part) in [namespace, kind, name, uid].into_iter().enumerate() {
        if i > 0 {
            k.push('\0');
        }
        k.push_str(part);
    }
    k
}

fn file_controller(
    index: &mut Arc<BTreeMap<Box<str>, Arc<ObjectSet>>>,
    key: &str,
    id: ObjectId,
    add: bool,
) {
    let map = Arc::make_mut(index);
    if add {
        match map.get_mut(key) {
            Some(set) => {
                Arc::make_mut(set).insert(id);
            }
            None => {
                let mut set = ObjectSet::new();
                set.insert(id);
                map.insert(key.into(), Arc::new(set));
            }
        }
    } else if let Some(set) = map.get_mut(key) {
        Arc::make_mut(set).remove(id);
        if set.is_empty() {
            map.remove(key);
        }
    }
}

fn set<T: Clone>(records: &mut CowVec<Option<Arc<T>>>, id: ObjectId, value: Option<Arc<T>>) {
    if let Some(slot) = records.get_or_grow(id.get() as usize) {
        *slot = value;
    }
}

fn remove<T: Clone>(
    map: &mut Arc<BTreeMap<ObjectKey, Arc<T>>>,
    index: &mut Arc<SelectorIndex<ObjectKey>>,
    key: &ObjectKey,
) -> bool {
    if !map.contains_key(key) {
        return false;
    }
    Arc::make_mut(map).remove(key);
    Arc::make_mut(index).remove(key);
    true
}

/// A handle that reader threads keep: each [`snapshot`](ClusterReader::snapshot) is the state
/// the writer last published with [`Cluster::snapshot`].
///
/// ```
/// use label_selector::Cluster;
///
/// let mut cluster = Cluster::new();
/// let reader = cluster.reader();
/// cluster.load_str("n.yaml", "kind: Node\nmetadata: {name: n1}\n")?;
/// assert_eq!(reader.snapshot().nodes().len(), 0); // not published yet
/// cluster.snapshot();
/// let n = std::thread::spawn(move || reader.snapshot().nodes().len()).join().unwrap();
/// assert_eq!(n, 1);
/// # Ok::<(), label_selector::load::LoadError>(())
/// ```
#[derive(Clone)]
pub struct ClusterReader {
    slot: Arc<RwLock<Arc<ClusterSnapshot>>>,
}

impl fmt::Debug for ClusterReader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClusterReader").finish_non_exhaustive()
    }
}

impl ClusterReader {
    /// The last published state.
    pub fn snapshot(&self) -> Arc<ClusterSnapshot> {
        Arc::clone(&self.slot.read().unwrap_or_else(|p| p.into_inner()))
    }
}
