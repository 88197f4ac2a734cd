//! [`Cluster`]: a mixed input sorted into inventories and object tables.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use crate::error::Error;
use crate::index::{Inventory, ObjectId};
use crate::k8s::read::{text_of_path, text_of_reader};
use crate::k8s::{
    Document, LoadError, LoadErrorKind, Namespace, Node, Object, Pod, PodDisruptionBudget,
    ReadLimits, Service, Workload, WorkloadKind,
};

/// A cluster's label-relevant state, loaded from kubectl output or manifests.
///
/// Pods go into one [`Inventory`] (by namespace and name) and nodes into another (namespace
/// `""`), so that selectors run on the bitmap index; the objects themselves stay alongside, by
/// [`ObjectId`], for what the index does not hold (status, node name, taints). Namespaces,
/// Services, workloads (ReplicaSet, Deployment, StatefulSet, DaemonSet) and PDBs are kept by
/// name. Other kinds are counted in [`skipped`](Cluster::skipped). Loading an object that is
/// already present (same kind, namespace and name) replaces it, as a later `kubectl apply`
/// would.
///
/// # Examples
///
/// ```
/// use label_selector::{Cluster, Selector};
///
/// let mut cluster = Cluster::new();
/// cluster.load_str("cluster.yaml", "
/// apiVersion: v1
/// kind: Pod
/// metadata: {name: web-1, namespace: shop, labels: {app: web}}
/// spec: {nodeName: n1}
/// ---
/// apiVersion: v1
/// kind: Node
/// metadata: {name: n1, labels: {topology.kubernetes.io/zone: eu-1a}}
/// ---
/// apiVersion: v1
/// kind: ConfigMap
/// metadata: {name: settings, namespace: shop}
/// ")?;
/// let web: Selector = "app=web".parse().unwrap();
/// let hits = cluster.pods().select_in("shop", &web);
/// let pod = cluster.pod(hits.first().unwrap()).unwrap();
/// assert_eq!(pod.spec.node_name.as_deref(), Some("n1"));
/// assert_eq!(cluster.nodes().len(), 1);
/// assert_eq!(cluster.skipped()["ConfigMap"], 1);
/// # Ok::<(), label_selector::k8s::LoadError>(())
/// ```
#[derive(Debug, Default)]
pub struct Cluster {
    pods: Inventory,
    pod_objects: Vec<Option<Pod>>,
    nodes: Inventory,
    node_objects: Vec<Option<Node>>,
    namespaces: BTreeMap<String, Namespace>,
    services: BTreeMap<(String, String), Service>,
    workloads: BTreeMap<(WorkloadKind, String, String), Workload>,
    pdbs: BTreeMap<(String, String), PodDisruptionBudget>,
    skipped: BTreeMap<String, usize>,
    limits: ReadLimits,
}

/// What one load added.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LoadSummary {
    /// Documents read.
    pub documents: usize,
    /// Objects added or replaced (list items counted one by one), skipped kinds included.
    pub objects: usize,
}

fn slot<T>(v: &mut Vec<Option<T>>, id: ObjectId) -> &mut Option<T> {
    let i = id.get() as usize;
    if v.len() <= i {
        v.resize_with(i + 1, || None);
    }
    &mut v[i]
}

impl Cluster {
    /// An empty cluster.
    pub fn new() -> Cluster {
        Cluster::default()
    }

    /// An empty cluster that reads under `limits`.
    pub fn with_limits(limits: ReadLimits) -> Cluster {
        Cluster {
            limits,
            ..Cluster::default()
        }
    }

    /// Reads every document of `text` (see [`read_str`](crate::k8s::read_str)) and adds its objects. `source` names
    /// the input in errors.
    ///
    /// # Errors
    ///
    /// The first [`LoadError`]. Reading finishes before anything is added, so a syntax or
    /// validation error leaves the cluster unchanged.
    pub fn load_str(&mut self, source: &str, text: &str) -> Result<LoadSummary, LoadError> {
        let docs = self.limits.read_str(source, text)?;
        self.add_documents(source, docs)
    }

    /// Reads a whole stream and loads it as [`load_str`](Cluster::load_str) does.
    ///
    /// # Errors
    ///
    /// [`LoadErrorKind::Io`] if the stream fails or is not UTF-8, otherwise as
    /// [`load_str`](Cluster::load_str).
    pub fn load_reader(
        &mut self,
        source: &str,
        reader: impl Read,
    ) -> Result<LoadSummary, LoadError> {
        self.load_str(source, &text_of_reader(source, reader)?)
    }

    /// Reads a file and loads it as [`load_str`](Cluster::load_str) does.
    ///
    /// # Errors
    ///
    /// [`LoadErrorKind::Io`] if the file cannot be read, otherwise as
    /// [`load_str`](Cluster::load_str).
    pub fn load_path(&mut self, path: impl AsRef<Path>) -> Result<LoadSummary, LoadError> {
        let (source, text) = text_of_path(path.as_ref())?;
        self.load_str(&source, &text)
    }

    fn add_documents(
        &mut self,
        source: &str,
        docs: Vec<Document>,
    ) -> Result<LoadSummary, LoadError> {
        let mut summary = LoadSummary {
            documents: docs.len(),
            objects: 0,
        };
        for doc in docs {
            let index = doc.index;
            summary.objects += self.add(doc.object).map_err(|(e, o)| {
                let kind = match e.kind() {
                    crate::ErrorKind::CapacityExceeded { .. } => LoadErrorKind::Capacity,
                    _ => LoadErrorKind::Invalid,
                };
                LoadError::new(kind, source, e.one_line())
                    .with_document(index)
                    .with_object(o)
            })?;
        }
        self.pods.publish();
        self.nodes.publish();
        Ok(summary)
    }

    /// Adds one object (a list adds its items) and returns how many were added.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::CapacityExceeded`](crate::ErrorKind::CapacityExceeded) when an inventory
    /// is full, with the object's identity; the objects before it stay added.
    pub fn add(&mut self, object: Object) -> Result<usize, (Error, String)> {
        let identity = object.to_string();
        let on = |e: Error| (e, identity.clone());
        match object {
            Object::List(items) => {
                let mut n = 0;
                for item in items {
                    n += self.add(item)?;
                }
                return Ok(n);
            }
            Object::Pod(pod) => {
                let m = &pod.metadata;
                let id = self
                    .pods
                    .insert(&m.namespace, &m.name, &m.labels)
                    .map_err(on)?;
                *slot(&mut self.pod_objects, id) = Some(*pod);
            }
            Object::Node(node) => {
                let id = self
                    .nodes
                    .insert("", &node.metadata.name, &node.metadata.labels)
                    .map_err(on)?;
                *slot(&mut self.node_objects, id) = Some(*node);
            }
            Object::Namespace(ns) => {
                self.namespaces.insert(ns.metadata.name.clone(), *ns);
            }
            Object::Service(s) => {
                let key = (s.metadata.namespace.clone(), s.metadata.name.clone());
                self.services.insert(key, *s);
            }
            Object::Workload(w) => {
                let key = (
                    w.kind,
                    w.metadata.namespace.clone(),
                    w.metadata.name.clone(),
                );
                self.workloads.insert(key, *w);
            }
            Object::PodDisruptionBudget(p) => {
                let key = (p.metadata.namespace.clone(), p.metadata.name.clone());
                self.pdbs.insert(key, *p);
            }
            other => {
                *self.skipped.entry(other.kind().to_string()).or_default() += 1;
            }
        }
        Ok(1)
    }

    /// The pod inventory: query it with [`View::select`](crate::View::select) and friends.
    pub fn pods(&self) -> &Inventory {
        &self.pods
    }

    /// The node inventory (every node in namespace `""`).
    pub fn nodes(&self) -> &Inventory {
        &self.nodes
    }

    /// The pod object behind an id of [`pods`](Cluster::pods).
    pub fn pod(&self, id: ObjectId) -> Option<&Pod> {
        self.pod_objects.get(id.get() as usize)?.as_ref()
    }

    /// The node object behind an id of [`nodes`](Cluster::nodes).
    pub fn node(&self, id: ObjectId) -> Option<&Node> {
        self.node_objects.get(id.get() as usize)?.as_ref()
    }

    /// A pod by namespace and name.
    pub fn pod_named(&self, namespace: &str, name: &str) -> Option<&Pod> {
        self.pod(self.pods.id(namespace, name)?)
    }

    /// A node by name.
    pub fn node_named(&self, name: &str) -> Option<&Node> {
        self.node(self.nodes.id("", name)?)
    }

    /// Namespace objects, by name. Namespaces that only appear on pods are not listed here;
    /// see [`View::namespaces`](crate::View::namespaces).
    pub fn namespaces(&self) -> &BTreeMap<String, Namespace> {
        &self.namespaces
    }

    /// Services, sorted by namespace and name.
    pub fn services(&self) -> impl ExactSizeIterator<Item = &Service> + '_ {
        self.services.values()
    }

    /// ReplicaSets, Deployments, StatefulSets and DaemonSets, sorted by kind, namespace and
    /// name.
    pub fn workloads(&self) -> impl ExactSizeIterator<Item = &Workload> + '_ {
        self.workloads.values()
    }

    /// PodDisruptionBudgets, sorted by namespace and name.
    pub fn pdbs(&self) -> impl ExactSizeIterator<Item = &PodDisruptionBudget> + '_ {
        self.pdbs.values()
    }

    /// How many objects of each kind not modelled here were read (`ConfigMap`, custom
    /// resources).
    pub fn skipped(&self) -> &BTreeMap<String, usize> {
        &self.skipped
    }
}
