//! Ownership: controller references resolved by UID, and what `ClaimPods` would adopt or
//! release (`pkg/controller/controller_ref_manager.go`, `replicaset`, `statefulset`,
//! `daemon`).

use std::collections::BTreeMap;
use std::ops::Deref;

use serde::Serialize;

use super::Workloads;
use crate::cluster::{PodEntry, PodId};
use crate::index::View;
use crate::k8s::{Kind, ObjectKey, OwnerReference, Workload, WorkloadKind};

/// Who owns a pod, and who would claim or let it go, as the controllers would decide on their
/// next sync.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Ownership {
    /// The pod's controller reference (`ownerReferences[]` with `controller: true`), as
    /// written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub controller_ref: Option<OwnerReference>,
    /// The stored controller it resolves to: same kind, name and uid. `None` for an orphan
    /// and for a reference that resolves to nothing (not stored, another uid, a kind not
    /// modelled).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub controller: Option<ObjectKey>,
    /// The Deployment that controls the pod's ReplicaSet, resolved the same way.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deployment: Option<ObjectKey>,
    /// For an orphan: every controller that would adopt it (selector matches, neither is
    /// being deleted, a ReplicaSet or ReplicationController only takes an active pod, a
    /// StatefulSet only a pod named after it). More than one means overlapping selectors:
    /// the first to sync wins.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub adopters: Vec<ObjectKey>,
    /// The resolved controller, if it would release the pod: its selector no longer matches
    /// (and it is not being deleted).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub releaser: Option<ObjectKey>,
}

impl Ownership {
    /// Whether the pod has no controller reference.
    pub fn is_orphan(&self) -> bool {
        self.controller_ref.is_none()
    }
}

/// Two controllers in one namespace whose selectors both pick some pod (user error:
/// Kubernetes lets the first to claim a pod keep it).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Overlap {
    /// One controller.
    pub first: ObjectKey,
    /// The other (`first < second`).
    pub second: ObjectKey,
    /// How many pods both select.
    pub pods: usize,
}

/// `getParentName` of the StatefulSet controller: the name without its `-ordinal`.
fn stateful_parent(pod: &str) -> Option<&str> {
    let (parent, ordinal) = pod.rsplit_once('-')?;
    (!ordinal.is_empty() && ordinal.bytes().all(|b| b.is_ascii_digit())).then_some(parent)
}

fn is_active(pod: &PodEntry<'_>) -> bool {
    let phase = pod.status().phase.as_str();
    phase != "Succeeded" && phase != "Failed" && !pod.is_terminating()
}

/// Whether `w`'s claim on `pod` matches: the selector (checked by the caller) plus the
/// kind's filter.
fn claim_filter(w: &Workload, pod: &PodEntry<'_>) -> bool {
    match w.kind {
        WorkloadKind::StatefulSet => stateful_parent(pod.name()) == Some(w.metadata.name.as_str()),
        _ => true,
    }
}

/// Whether the kind's sync hands this pod to `ClaimPods` at all (ReplicaSets and
/// ReplicationControllers claim only active pods).
fn claims(w: &Workload, pod: &PodEntry<'_>) -> bool {
    match w.kind {
        WorkloadKind::ReplicaSet | WorkloadKind::ReplicationController => is_active(pod),
        WorkloadKind::Deployment => false,
        _ => true,
    }
}

impl<'c, I: Deref<Target = View>> Workloads<'c, I> {
    /// The stored workload a controller reference names, same kind and uid
    /// (`resolveControllerRef`).
    pub fn resolve(
        &self,
        namespace: &str,
        r: &OwnerReference,
    ) -> Option<(ObjectKey, &'c Workload)> {
        let kind = Kind::parse(&r.kind)?;
        let w = self
            .cluster
            .workload(kind.workload_kind()?, namespace, &r.name)?;
        (w.metadata.uid == r.uid).then(|| (ObjectKey::new(kind, namespace, &r.name), w))
    }

    /// Who owns the pod and who would adopt or release it. `None` if the pod is not stored.
    pub fn ownership(&self, pod: PodId) -> Option<Ownership> {
        let entry = self.cluster.pod(pod)?;
        let ns = entry.namespace();
        let mut out = Ownership {
            controller_ref: entry.controller_ref().cloned(),
            ..Ownership::default()
        };
        match entry.controller_ref() {
            Some(r) => {
                if let Some((key, w)) = self.resolve(ns, r) {
                    if w.kind == WorkloadKind::ReplicaSet {
                        out.deployment = w
                            .controller_ref()
                            .and_then(|d| self.resolve(ns, d))
                            .filter(|(k, _)| k.kind() == Kind::Deployment)
                            .map(|(k, _)| k);
                    }
                    let matches = self
                        .cluster
                        .pods()
                        .get(pod.object_id())
                        .is_some_and(|o| w.selector().matches(&o));
                    if claims(w, &entry)
                        && !(matches && claim_filter(w, &entry))
                        && !w.is_terminating()
                    {
                        out.releaser = Some(key.clone());
                    }
                    out.controller = Some(key);
                }
            }
            None => {
                if !entry.is_terminating() {
                    for key in self.cluster.controllers_for_pod(pod) {
                        let Some(w) = self.workload(key) else {
                            continue;
                        };
                        if claims(w, &entry) && claim_filter(w, &entry) && !w.is_terminating() {
                            out.adopters.push(key.clone());
                        }
                    }
                }
            }
        }
        Some(out)
    }

    /// The stored workload with this key.
    pub(super) fn workload(&self, key: &ObjectKey) -> Option<&'c Workload> {
        let wk = key.kind().workload_kind()?;
        self.cluster.workload(wk, key.namespace(), key.name())
    }

    /// The pods the workload `key` controls (by controller reference and uid); for a
    /// Deployment, the pods of the ReplicaSets it controls. Sorted by name.
    pub fn pods_of(&self, key: &ObjectKey) -> Vec<PodId> {
        let Some(w) = self.workload(key) else {
            return Vec::new();
        };
        let ns = key.namespace();
        let mut pods: Vec<PodId> = if w.kind == WorkloadKind::Deployment {
            self.replica_sets_of(key)
                .iter()
                .filter_map(|rs| self.workload(rs))
                .flat_map(|rs| {
                    self.cluster.pods_controlled_by(
                        ns,
                        "ReplicaSet",
                        &rs.metadata.name,
                        &rs.metadata.uid,
                    )
                })
                .collect()
        } else {
            self.cluster
                .pods_controlled_by(ns, w.kind.as_str(), &w.metadata.name, &w.metadata.uid)
                .collect()
        };
        let view = self.cluster.pods();
        pods.sort_by_key(|p| view.get(p.object_id()).map(|o| o.name()));
        pods
    }

    /// The ReplicaSets whose controller reference resolves to the Deployment `key`, sorted.
    pub fn replica_sets_of(&self, key: &ObjectKey) -> Vec<ObjectKey> {
        let Some(d) = self
            .workload(key)
            .filter(|w| w.kind == WorkloadKind::Deployment)
        else {
            return Vec::new();
        };
        self.cluster
            .workloads()
            .filter(|w| {
                w.kind == WorkloadKind::ReplicaSet
                    && w.metadata.namespace == key.namespace()
                    && w.controller_ref().is_some_and(|r| {
                        r.kind == "Deployment"
                            && r.name == d.metadata.name
                            && r.uid == d.metadata.uid
                    })
            })
            .map(|w| ObjectKey::new(Kind::ReplicaSet, key.namespace(), &w.metadata.name))
            .collect()
    }

    /// The pairs of controllers in `namespace` whose selectors both pick at least one stored
    /// pod, with how many; a Deployment and a ReplicaSet it controls are not an overlap.
    ///
    /// Cost: one reverse lookup per pod of the namespace.
    pub fn overlaps(&self, namespace: &str) -> Vec<Overlap> {
        let view = self.cluster.pods();
        let mut pairs: BTreeMap<(ObjectKey, ObjectKey), usize> = BTreeMap::new();
        let everything = crate::Selector::everything();
        for id in view.select_in(namespace, &everything).iter() {
            let hits = self.cluster.controllers_for_pod(PodId::new(id));
            if hits.len() < 2 {
                continue;
            }
            for (i, a) in hits.iter().enumerate() {
                for b in &hits[i + 1..] {
                    if self.controls(a, b) || self.controls(b, a) {
                        continue;
                    }
                    *pairs.entry(((*a).clone(), (*b).clone())).or_default() += 1;
                }
            }
        }
        pairs
            .into_iter()
            .map(|((first, second), pods)| Overlap {
                first,
                second,
                pods,
            })
            .collect()
    }

    /// Whether workload `a` is the resolved controller of workload `b`.
    fn controls(&self, a: &ObjectKey, b: &ObjectKey) -> bool {
        self.workload(b)
            .and_then(|w| w.controller_ref())
            .and_then(|r| self.resolve(b.namespace(), r))
            .is_some_and(|(k, _)| &k == a)
    }

    /// The orphans of `namespace` that some controller would adopt, with their adopters.
    pub fn adoptable(&self, namespace: &str) -> Vec<(PodId, Vec<ObjectKey>)> {
        let mut out: Vec<(PodId, Vec<ObjectKey>)> = self
            .cluster
            .orphan_pods(namespace)
            .filter_map(|p| {
                let o = self.ownership(p)?;
                (!o.adopters.is_empty()).then_some((p, o.adopters))
            })
            .collect();
        let view = self.cluster.pods();
        out.sort_by_key(|(p, _)| view.get(p.object_id()).map(|o| o.name()));
        out
    }
}
