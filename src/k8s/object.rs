//! [`Object`]: any Kubernetes object, dispatched on `kind` while reading.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeOwned, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::Value;

use super::key::{Kind, ObjectKey};
use super::objects::{
    Namespace, Node, NodeSpec, NodeStatus, ObjectMeta, PdbSpec, Pod, PodDisruptionBudget,
    PodDisruptionBudgetStatus, PodSpec, PodStatus, RcSpec, Service, ServiceSpec, ServiceStatus,
    Workload, WorkloadKind, WorkloadSpec, WorkloadStatus, pdb_selector, workload_selector,
};
use crate::selector::serde::Text;

/// Any Kubernetes object, read from its `kind`: the kinds label logic needs are modelled, lists
/// (`kind: List` as kubectl prints them, and typed lists such as `PodList` whose items may omit
/// `kind`) hold their items, and every other kind is kept by identity only.
///
/// Reading skips every field the models do not name (`managedFields`, container specs, ...).
/// Fields may come in any order; `kind` before `spec` and `status`, as Kubernetes writes it, is
/// the fast path.
///
/// # Examples
///
/// ```
/// use label_selector::k8s::Object;
///
/// let json = r#"{"apiVersion": "v1", "items": [
///     {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a", "namespace": "shop"}},
///     {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"k": "v"}}
///   ], "kind": "List", "metadata": {"resourceVersion": ""}}"#;
/// let Object::List(items) = serde_json::from_str::<Object>(json).unwrap() else { panic!() };
/// assert!(matches!(&items[0], Object::Pod(p) if p.metadata.name == "a"));
/// assert_eq!(items[1].kind(), "ConfigMap");
/// assert_eq!(items[1].to_string(), "ConfigMap c");
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Object {
    /// `v1 Pod`.
    Pod(Box<Pod>),
    /// `v1 Node`.
    Node(Box<Node>),
    /// `v1 Namespace`.
    Namespace(Box<Namespace>),
    /// `v1 Service`.
    Service(Box<Service>),
    /// `apps/v1` ReplicaSet, Deployment, StatefulSet or DaemonSet.
    Workload(Box<Workload>),
    /// `policy/v1` (or `v1beta1`) PodDisruptionBudget.
    PodDisruptionBudget(Box<PodDisruptionBudget>),
    /// `kind: List` or a typed list (`PodList`), with its items.
    List(Vec<Object>),
    /// Any other kind, by identity.
    Other(Box<OtherObject>),
}

/// An object of a kind this crate does not model (ConfigMap, a custom resource, ...).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OtherObject {
    /// `apiVersion`.
    pub api_version: String,
    /// `kind` (empty when the object did not say).
    pub kind: String,
    /// `metadata`.
    pub metadata: ObjectMeta,
    /// For an item of a typed list that omits `kind`: its buffered spec and status.
    pending: Option<Box<(Option<Value>, Option<Value>)>>,
}

impl Object {
    /// The object's kind, as Kubernetes writes it (`List` for every list).
    pub fn kind(&self) -> &str {
        match self {
            Object::Pod(_) => "Pod",
            Object::Node(_) => "Node",
            Object::Namespace(_) => "Namespace",
            Object::Service(_) => "Service",
            Object::Workload(w) => w.kind.as_str(),
            Object::PodDisruptionBudget(_) => "PodDisruptionBudget",
            Object::List(_) => "List",
            Object::Other(o) => &o.kind,
        }
    }

    /// The object's identity, for the modelled kinds (none for lists and other kinds).
    pub fn key(&self) -> Option<ObjectKey> {
        let (kind, m) = (self.modelled_kind()?, self.metadata()?);
        Some(ObjectKey::new(kind, m.namespace.as_str(), m.name.as_str()))
    }

    /// The kind, for the modelled kinds (none for lists and other kinds).
    pub(crate) fn modelled_kind(&self) -> Option<Kind> {
        Some(match self {
            Object::Pod(_) => Kind::Pod,
            Object::Node(_) => Kind::Node,
            Object::Namespace(_) => Kind::Namespace,
            Object::Service(_) => Kind::Service,
            Object::Workload(o) => Kind::from(o.kind),
            Object::PodDisruptionBudget(_) => Kind::PodDisruptionBudget,
            Object::List(_) | Object::Other(_) => return None,
        })
    }

    /// The object's metadata, mutably (none for lists).
    pub fn metadata_mut(&mut self) -> Option<&mut ObjectMeta> {
        Some(match self {
            Object::Pod(o) => &mut o.metadata,
            Object::Node(o) => &mut o.metadata,
            Object::Namespace(o) => &mut o.metadata,
            Object::Service(o) => &mut o.metadata,
            Object::Workload(o) => &mut o.metadata,
            Object::PodDisruptionBudget(o) => &mut o.metadata,
            Object::Other(o) => &mut o.metadata,
            Object::List(_) => return None,
        })
    }

    /// The object's metadata (none for lists).
    pub fn metadata(&self) -> Option<&ObjectMeta> {
        Some(match self {
            Object::Pod(o) => &o.metadata,
            Object::Node(o) => &o.metadata,
            Object::Namespace(o) => &o.metadata,
            Object::Service(o) => &o.metadata,
            Object::Workload(o) => &o.metadata,
            Object::PodDisruptionBudget(o) => &o.metadata,
            Object::Other(o) => &o.metadata,
            Object::List(_) => return None,
        })
    }
}

/// `Kind namespace/name`, or `Kind name` for cluster-scoped objects, as error messages name
/// objects.
impl fmt::Display for Object {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.metadata() {
            Some(m) => write_identity(f, self.kind(), &m.namespace, &m.name),
            None => f.write_str(self.kind()),
        }
    }
}

pub(crate) fn write_identity(
    f: &mut impl fmt::Write,
    kind: &str,
    namespace: &str,
    name: &str,
) -> fmt::Result {
    let kind = if kind.is_empty() { "object" } else { kind };
    let name = if name.is_empty() { "<unnamed>" } else { name };
    if namespace.is_empty() {
        write!(f, "{kind} {name}")
    } else {
        write!(f, "{kind} {namespace}/{name}")
    }
}

fn identity(kind: &str, meta: &ObjectMeta) -> String {
    let mut s = String::new();
    let _ = write_identity(&mut s, kind, &meta.namespace, &meta.name);
    s
}

/// What a kind is read as.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    Pod,
    Node,
    Namespace,
    Service,
    Workload(WorkloadKind),
    Pdb,
    List,
    Other,
}

fn shape(kind: &str) -> Shape {
    match kind {
        "Pod" => Shape::Pod,
        "Node" => Shape::Node,
        "Namespace" => Shape::Namespace,
        "Service" => Shape::Service,
        "ReplicaSet" => Shape::Workload(WorkloadKind::ReplicaSet),
        "Deployment" => Shape::Workload(WorkloadKind::Deployment),
        "StatefulSet" => Shape::Workload(WorkloadKind::StatefulSet),
        "DaemonSet" => Shape::Workload(WorkloadKind::DaemonSet),
        "ReplicationController" => Shape::Workload(WorkloadKind::ReplicationController),
        "PodDisruptionBudget" => Shape::Pdb,
        k if k.ends_with("List") => Shape::List,
        _ => Shape::Other,
    }
}

/// A `spec` or `status` read for a known shape, or buffered until `kind` is known.
enum Part<T> {
    Absent,
    Read(T),
    Buffered(Value),
}

// Lives on the stack for one object while reading; boxing would add an allocation per object.
#[allow(clippy::large_enum_variant)]
enum Spec {
    Pod(PodSpec),
    Node(NodeSpec),
    Service(ServiceSpec),
    Workload(WorkloadSpec),
    Pdb(PdbSpec),
    Skipped,
}

enum Status {
    Pod(PodStatus),
    Node(NodeStatus),
    Service(ServiceStatus),
    Workload(WorkloadStatus),
    Pdb(PodDisruptionBudgetStatus),
    Skipped,
}

fn read_spec<'de, A: MapAccess<'de>>(map: &mut A, shape: Shape) -> Result<Spec, A::Error> {
    Ok(match shape {
        Shape::Pod => Spec::Pod(map.next_value()?),
        Shape::Node => Spec::Node(map.next_value()?),
        Shape::Service => Spec::Service(map.next_value()?),
        Shape::Workload(WorkloadKind::ReplicationController) => {
            Spec::Workload(map.next_value::<RcSpec>()?.into())
        }
        Shape::Workload(_) => Spec::Workload(map.next_value()?),
        Shape::Pdb => Spec::Pdb(map.next_value()?),
        Shape::Namespace | Shape::List | Shape::Other => {
            map.next_value::<IgnoredAny>()?;
            Spec::Skipped
        }
    })
}

fn read_status<'de, A: MapAccess<'de>>(map: &mut A, shape: Shape) -> Result<Status, A::Error> {
    Ok(match shape {
        Shape::Pod => Status::Pod(map.next_value()?),
        Shape::Node => Status::Node(map.next_value()?),
        Shape::Service => Status::Service(map.next_value()?),
        Shape::Workload(_) => Status::Workload(map.next_value()?),
        Shape::Pdb => Status::Pdb(map.next_value()?),
        _ => {
            map.next_value::<IgnoredAny>()?;
            Status::Skipped
        }
    })
}

impl<S> Part<S> {
    /// A buffered value, or absent.
    fn from_buffer(v: Option<Value>) -> Part<S> {
        v.map_or(Part::Absent, Part::Buffered)
    }

    /// The buffered value, if this part was buffered.
    fn into_buffer(self) -> Option<Value> {
        match self {
            Part::Buffered(v) => Some(v),
            _ => None,
        }
    }

    /// The model read for this shape, converted from the buffer, or the default when absent.
    fn or_default<T: DeserializeOwned + Default, E: de::Error>(
        self,
        what: &'static str,
        pick: impl FnOnce(S) -> Option<T>,
    ) -> Result<T, E> {
        match self {
            Part::Absent | Part::Buffered(Value::Null) => Ok(T::default()),
            Part::Read(s) => Ok(pick(s).unwrap_or_default()),
            Part::Buffered(v) => T::deserialize(super::Wrap::field(v, what))
                .map_err(|e| E::custom(format_args!("{what}: {e}"))),
        }
    }
}

/// Builds the object once every field has been read.
fn finish<E: de::Error>(
    api_version: String,
    kind: String,
    metadata: ObjectMeta,
    spec: Part<Spec>,
    status: Part<Status>,
    items: Option<Vec<Object>>,
) -> Result<Object, E> {
    let sh = shape(&kind);
    if sh != Shape::List && items.as_ref().is_some_and(|i| !i.is_empty()) {
        return Err(E::custom(not_a_list(&kind)));
    }
    if !matches!(sh, Shape::List | Shape::Other) && metadata.name.is_empty() {
        return Err(E::custom(format_args!(
            "{}: metadata.name is required",
            identity(&kind, &metadata)
        )));
    }
    let invalid = |e: crate::Error| {
        e.into_serde::<E>(&format!("{}: spec.selector", identity(&kind, &metadata)))
    };
    Ok(match sh {
        Shape::Pod => Object::Pod(Box::new(Pod {
            spec: spec.or_default("spec", |s| match s {
                Spec::Pod(p) => Some(p),
                _ => None,
            })?,
            status: status.or_default("status", |s| match s {
                Status::Pod(p) => Some(p),
                _ => None,
            })?,
            metadata,
        })),
        Shape::Node => Object::Node(Box::new(Node {
            spec: spec.or_default("spec", |s| match s {
                Spec::Node(p) => Some(p),
                _ => None,
            })?,
            status: status.or_default("status", |s| match s {
                Status::Node(p) => Some(p),
                _ => None,
            })?,
            metadata,
        })),
        Shape::Namespace => Object::Namespace(Box::new(Namespace { metadata })),
        Shape::Service => Object::Service(Box::new(Service {
            spec: spec.or_default("spec", |s| match s {
                Spec::Service(p) => Some(p),
                _ => None,
            })?,
            status: status.or_default("status", |s| match s {
                Status::Service(p) => Some(p),
                _ => None,
            })?,
            metadata,
        })),
        Shape::Workload(k) => {
            let spec = match (k, spec) {
                // A buffered RC spec is read in its own wire shape.
                (WorkloadKind::ReplicationController, Part::Buffered(v)) if !v.is_null() => {
                    RcSpec::deserialize(v)
                        .map_err(|e| E::custom(format_args!("spec: {e}")))?
                        .into()
                }
                (_, spec) => spec.or_default("spec", |s| match s {
                    Spec::Workload(p) => Some(p),
                    _ => None,
                })?,
            };
            let selector = workload_selector(k, &spec).map_err(invalid)?;
            Object::Workload(Box::new(Workload {
                kind: k,
                status: status.or_default("status", |s| match s {
                    Status::Workload(p) => Some(p),
                    _ => None,
                })?,
                metadata,
                spec,
                selector,
            }))
        }
        Shape::Pdb => {
            let spec = spec.or_default("spec", |s| match s {
                Spec::Pdb(p) => Some(p),
                _ => None,
            })?;
            let selector = pdb_selector(&api_version, &spec).map_err(invalid)?;
            Object::PodDisruptionBudget(Box::new(PodDisruptionBudget {
                status: status.or_default("status", |s| match s {
                    Status::Pdb(p) => Some(p),
                    _ => None,
                })?,
                metadata,
                spec,
                selector,
            }))
        }
        Shape::List => {
            let mut items = items.unwrap_or_default();
            for (i, item) in items.iter_mut().enumerate() {
                adopt_list_kind(&api_version, &kind, i, item)?;
            }
            Object::List(items)
        }
        Shape::Other => {
            let pending = if kind.is_empty() {
                let (a, b) = (spec.into_buffer(), status.into_buffer());
                (a.is_some() || b.is_some()).then(|| Box::new((a, b)))
            } else {
                None
            };
            Object::Other(Box::new(OtherObject {
                api_version,
                kind,
                metadata,
                pending,
            }))
        }
    })
}

/// Gives item `i` of a list of `list_kind` (`PodList`) its kind if it came without one (a
/// typed list's items omit it), reading its buffered spec and status now.
pub(crate) fn adopt_list_kind<E: de::Error>(
    api_version: &str,
    list_kind: &str,
    i: usize,
    item: &mut Object,
) -> Result<(), E> {
    let Object::Other(o) = item else {
        return Ok(());
    };
    if !o.kind.is_empty() {
        return Ok(());
    }
    let item_kind = list_kind.strip_suffix("List").unwrap_or("");
    if item_kind.is_empty() {
        return Err(E::custom(format_args!(
            "items[{i}]: {}: the item has no kind",
            identity("", &o.metadata)
        )));
    }
    let o = std::mem::take(o.as_mut());
    let (spec, status) = o.pending.map(|b| *b).unwrap_or((None, None));
    *item = finish(
        api_version.to_string(),
        item_kind.to_string(),
        o.metadata,
        Part::from_buffer(spec),
        Part::from_buffer(status),
        None,
    )?;
    Ok(())
}

/// The message for an object with `items` whose kind is not a list kind.
pub(crate) fn not_a_list(kind: &str) -> String {
    let kind = if kind.is_empty() { "no kind" } else { kind };
    format!("the object has items but is not a List ({kind})")
}

/// Whether `kind` is a list kind (`List`, `PodList`).
pub(crate) fn is_list_kind(kind: &str) -> bool {
    shape(kind) == Shape::List
}

/// Whether `o` is a list item that still needs its list's kind.
pub(crate) fn needs_list_kind(o: &Object) -> bool {
    matches!(o, Object::Other(other) if other.kind.is_empty())
}

struct ObjectVisitor;

impl<'de> Visitor<'de> for ObjectVisitor {
    type Value = Object;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Kubernetes object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Object, A::Error> {
        let mut api_version = String::new();
        let mut kind: Option<String> = None;
        let mut metadata = None;
        let mut spec = Part::Absent;
        let mut status = Part::Absent;
        let mut items = None;
        while let Some(key) = map.next_key::<Text<'de>>()? {
            // A repeated key: the last one wins, as Kubernetes reads it.
            match &*key.0 {
                "apiVersion" => {
                    api_version = map.next_value::<Option<String>>()?.unwrap_or_default()
                }
                "kind" => {
                    let k = map.next_value::<Option<String>>()?.unwrap_or_default();
                    if let Some(old) = &kind
                        && shape(old) != shape(&k)
                        && (matches!(spec, Part::Read(_)) || matches!(status, Part::Read(_)))
                    {
                        return Err(de::Error::custom(format_args!(
                            "`kind` is written twice ({old}, then {k}) after `spec` or `status` \
                             was read for the first"
                        )));
                    }
                    kind = Some(k);
                }
                "metadata" => {
                    metadata = Some(map.next_value::<Option<ObjectMeta>>()?.unwrap_or_default())
                }
                "spec" => {
                    spec = match &kind {
                        Some(k) => Part::Read(read_spec(&mut map, shape(k))?),
                        None => Part::Buffered(map.next_value::<Value>()?),
                    }
                }
                "status" => {
                    status = match &kind {
                        Some(k) => Part::Read(read_status(&mut map, shape(k))?),
                        None => Part::Buffered(map.next_value::<Value>()?),
                    }
                }
                "items" => {
                    let list = map.next_value::<Option<Vec<Bare>>>()?.unwrap_or_default();
                    items = Some(list.into_iter().map(|Bare(o)| o).collect());
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        finish(
            api_version,
            kind.unwrap_or_default(),
            metadata.unwrap_or_default(),
            spec,
            status,
            items,
        )
    }
}

/// Reads an object under Kubernetes' rules ([`Lenient`](super::Lenient)): an explicit `null`
/// is the field's zero value, `3.0` fits an integer field.
impl<'de> Deserialize<'de> for Object {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Object, D::Error> {
        deserializer.deserialize_map(super::top(ObjectVisitor))
    }
}

/// An object read inside a value that is already read under Kubernetes' rules (a list's item,
/// a watch event's object): not wrapped a second time.
pub(crate) struct Bare(pub(crate) Object);

impl<'de> Deserialize<'de> for Bare {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Bare, D::Error> {
        deserializer.deserialize_map(ObjectVisitor).map(Bare)
    }
}
