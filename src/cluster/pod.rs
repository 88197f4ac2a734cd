//! How the store keeps a pod: its own fields inline, and the parts that the pods of one
//! controller have in common (spec, status, owner references) shared between them.
//!
//! Pods of a ReplicaSet differ in name, uid, IP and node, and are otherwise alike: one spec
//! (affinity, tolerations, spread constraints, containers), usually one status (phase,
//! conditions, container states), one owner reference. Sharing those parts is what keeps a
//! stored pod under a kilobyte, and makes replacing a pod's record cheap.

use std::collections::HashMap;
use std::sync::Arc;

use super::ids::PodId;
use crate::index::ObjectRef;
use crate::k8s::{ObjectKey, OwnerReference, Pod, PodIp, PodSpec, PodStatus};

/// A stored pod, without the labels (in the inventory), the name and the namespace (the
/// inventory's key).
#[derive(Clone, Debug)]
pub(super) struct PodRecord {
    pub(super) uid: Box<str>,
    pub(super) resource_version: Box<str>,
    pub(super) creation_timestamp: Option<Box<str>>,
    pub(super) deletion_timestamp: Option<Box<str>>,
    pub(super) owner_references: Arc<[OwnerReference]>,
    pub(super) node_name: Option<Arc<str>>,
    pub(super) pod_ip: Option<Box<str>>,
    /// `status.podIPs`, kept apart from the shared status as `podIP` is: `None` when absent,
    /// an empty list when it is exactly `[podIP]` (the usual case, stored without a copy).
    pub(super) pod_ips: Option<Box<[Box<str>]>>,
    /// `spec` with `nodeName` moved to [`node_name`](PodRecord::node_name).
    pub(super) spec: Arc<PodSpec>,
    /// `status` with `podIP` and `podIPs` moved to [`pod_ip`](PodRecord::pod_ip) and
    /// [`pod_ips`](PodRecord::pod_ips).
    pub(super) status: Arc<PodStatus>,
}

/// The parts last stored for the pods of one controller (by its uid), to share with the next.
#[derive(Clone, Debug)]
struct Template {
    owners: Arc<[OwnerReference]>,
    spec: Arc<PodSpec>,
    status: Arc<PodStatus>,
}

/// The writer's sharing cache. It only decides what new records share; dropping it loses
/// nothing.
#[derive(Clone, Debug, Default)]
pub(super) struct Sharing {
    by_owner: HashMap<Box<str>, Template>,
}

/// `new` if it equals one of `candidates` (shared), else a new allocation.
fn share<T: PartialEq + ?Sized>(
    value: Box<T>,
    candidates: [Option<&Arc<T>>; 2],
    make: impl FnOnce(Box<T>) -> Arc<T>,
) -> Arc<T> {
    for c in candidates.into_iter().flatten() {
        if **c == *value {
            return Arc::clone(c);
        }
    }
    make(value)
}

impl Sharing {
    /// The record of `pod` (labels already taken out), sharing what it can with `old` (the
    /// pod's previous record) and with its controller's last pod. `node` is the interned node
    /// name.
    pub(super) fn record(
        &mut self,
        pod: Pod,
        old: Option<&PodRecord>,
        node: Option<Arc<str>>,
    ) -> PodRecord {
        let Pod {
            metadata: meta,
            mut spec,
            mut status,
        } = pod;
        spec.node_name = None;
        let pod_ip = status.pod_ip.take().map(String::into_boxed_str);
        let ips = std::mem::take(&mut status.pod_ips);
        let pod_ips = match (&pod_ip, ips.as_slice()) {
            (_, []) => None,
            (Some(ip), [only]) if **ip == *only.ip => Some(Box::default()),
            _ => Some(ips.into_iter().map(|p| p.ip.into_boxed_str()).collect()),
        };
        let owner = meta
            .owner_references
            .iter()
            .find(|o| o.controller == Some(true))
            .or(meta.owner_references.first())
            .map(|o| o.uid.clone().into_boxed_str());
        let template = owner.as_ref().and_then(|uid| self.by_owner.get(uid));
        let owners = share(
            Box::<[OwnerReference]>::from(meta.owner_references),
            [
                old.map(|o| &o.owner_references),
                template.map(|t| &t.owners),
            ],
            Arc::from,
        );
        let spec = share(
            Box::new(spec),
            [old.map(|o| &o.spec), template.map(|t| &t.spec)],
            Arc::from,
        );
        let status = share(
            Box::new(status),
            [old.map(|o| &o.status), template.map(|t| &t.status)],
            Arc::from,
        );
        if let Some(uid) = owner {
            self.by_owner.insert(
                uid,
                Template {
                    owners: Arc::clone(&owners),
                    spec: Arc::clone(&spec),
                    status: Arc::clone(&status),
                },
            );
        }
        PodRecord {
            uid: meta.uid.into_boxed_str(),
            resource_version: meta.resource_version.into_boxed_str(),
            creation_timestamp: meta.creation_timestamp.map(String::into_boxed_str),
            deletion_timestamp: meta.deletion_timestamp.map(String::into_boxed_str),
            owner_references: owners,
            node_name: node,
            pod_ip,
            pod_ips,
            spec,
            status,
        }
    }

    /// Forgets the templates that no stored pod shares any more (called as pods go).
    pub(super) fn forget(&mut self, record: &PodRecord) {
        let Some(o) = record
            .owner_references
            .iter()
            .find(|o| o.controller == Some(true))
            .or(record.owner_references.first())
        else {
            return;
        };
        if let Some(t) = self.by_owner.get(o.uid.as_str()) {
            // The template and `record` hold the last two references.
            if Arc::strong_count(&t.spec) <= 2 && Arc::ptr_eq(&t.spec, &record.spec) {
                self.by_owner.remove(o.uid.as_str());
            }
        }
    }
}

/// A stored pod: its labels from the inventory, the rest from its record.
///
/// The record keeps `spec.nodeName` and `status.podIP` apart from the shared
/// [`spec`](PodEntry::spec) and [`status`](PodEntry::status): read them with
/// [`node_name`](PodEntry::node_name) and [`pod_ip`](PodEntry::pod_ip), or put the whole pod
/// back together with [`to_object`](PodEntry::to_object).
#[derive(Clone, Copy)]
pub struct PodEntry<'a> {
    pub(super) object: ObjectRef<'a>,
    pub(super) record: &'a PodRecord,
}

impl std::fmt::Debug for PodEntry<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.object.fmt(f)
    }
}

impl<'a> PodEntry<'a> {
    /// The pod's id.
    pub fn id(&self) -> PodId {
        PodId::new(self.object.id())
    }

    /// The pod's key.
    pub fn key(&self) -> ObjectKey {
        ObjectKey::pod(self.namespace(), self.name())
    }

    inventory_accessors!();

    /// `metadata.uid`.
    pub fn uid(&self) -> &'a str {
        &self.record.uid
    }

    /// `metadata.resourceVersion`.
    pub fn resource_version(&self) -> &'a str {
        &self.record.resource_version
    }

    /// `metadata.creationTimestamp`, as written.
    pub fn creation_timestamp(&self) -> Option<&'a str> {
        self.record.creation_timestamp.as_deref()
    }

    /// `metadata.deletionTimestamp`: set once the pod is terminating.
    pub fn deletion_timestamp(&self) -> Option<&'a str> {
        self.record.deletion_timestamp.as_deref()
    }

    /// Whether the pod is terminating (`deletionTimestamp` set).
    pub fn is_terminating(&self) -> bool {
        self.record.deletion_timestamp.is_some()
    }

    /// `metadata.ownerReferences`.
    pub fn owner_references(&self) -> &'a [OwnerReference] {
        &self.record.owner_references
    }

    /// The owner reference with `controller: true`, if any.
    pub fn controller_ref(&self) -> Option<&'a OwnerReference> {
        crate::k8s::controller_of(&self.record.owner_references)
    }

    /// `spec.nodeName`: the node the pod is bound to.
    pub fn node_name(&self) -> Option<&'a str> {
        self.record.node_name.as_deref()
    }

    /// `status.podIP`.
    pub fn pod_ip(&self) -> Option<&'a str> {
        self.record.pod_ip.as_deref()
    }

    /// The pod's addresses as the API server gives them: `status.podIPs`, or `[podIP]` when
    /// only `podIP` is written ([`PodStatus::ips`]). What the EndpointSlice controller and
    /// kubectl's IP column read.
    pub fn ips(&self) -> impl Iterator<Item = &'a str> + use<'a> {
        let r = self.record;
        let listed: &'a [Box<str>] = r.pod_ips.as_deref().unwrap_or_default();
        let single = r.pod_ip.as_deref().filter(|_| listed.is_empty());
        single
            .into_iter()
            .chain(listed.iter().map(|ip| &**ip))
            .filter(|ip| !ip.is_empty())
    }

    /// `spec`, shared with the pod's siblings: its `node_name` is always `None` here (see
    /// [`node_name`](PodEntry::node_name)).
    pub fn spec(&self) -> &'a PodSpec {
        &self.record.spec
    }

    /// `status`, shared with the pod's siblings: its `pod_ip` is always `None` and its
    /// `pod_ips` empty here (see [`pod_ip`](PodEntry::pod_ip) and [`ips`](PodEntry::ips)).
    pub fn status(&self) -> &'a PodStatus {
        &self.record.status
    }

    /// Whether the `Ready` condition is `True`.
    pub fn is_ready(&self) -> bool {
        self.record
            .status
            .conditions
            .iter()
            .any(|c| c.type_ == "Ready" && c.status == "True")
    }

    /// The whole pod, as it was applied (a copy).
    pub fn to_object(&self) -> Pod {
        let r = self.record;
        let mut pod = Pod {
            spec: (*r.spec).clone(),
            status: (*r.status).clone(),
            ..Pod::default()
        };
        pod.spec.node_name = r.node_name.as_deref().map(str::to_string);
        pod.status.pod_ip = r.pod_ip.as_deref().map(str::to_string);
        pod.status.pod_ips = match r.pod_ips.as_deref() {
            None => Vec::new(),
            Some([]) => r
                .pod_ip
                .iter()
                .map(|ip| PodIp { ip: ip.to_string() })
                .collect(),
            Some(ips) => ips.iter().map(|ip| PodIp { ip: ip.to_string() }).collect(),
        };
        let m = &mut pod.metadata;
        m.name = self.name().to_string();
        m.namespace = self.namespace().to_string();
        m.uid = r.uid.to_string();
        m.resource_version = r.resource_version.to_string();
        m.labels = self.labels();
        m.owner_references = r.owner_references.to_vec();
        m.creation_timestamp = r.creation_timestamp.as_deref().map(str::to_string);
        m.deletion_timestamp = r.deletion_timestamp.as_deref().map(str::to_string);
        pod
    }
}
