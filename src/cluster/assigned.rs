//! What kube-scheduler's cache keeps beside the objects, kept current with every event: the
//! assigned pods (bound to a node, not finished: the scheduler's informer drops `Succeeded`
//! and `Failed` pods), the requests they add up to on each stored node, and every pod
//! affinity term of a stored pod in a reverse index, so that the terms of existing pods that
//! match an incoming pod are a lookup.

use std::sync::Arc;

use super::ids::{NodeId, PodId};
use super::pod::PodRecord;
use super::store::Cluster;
use crate::index::{Inventory, ObjectId, ObjectSet, View};
use crate::k8s::{AffinityTerm, Resources};
use crate::reverse::SelectorIndex;
use crate::selector::LabelSet;

/// One pod affinity term of a stored pod: the pod and the term's position in
/// [`PodSpec::affinity_terms`](crate::k8s::PodSpec::affinity_terms).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AffinityTermKey {
    /// The pod.
    pub pod: PodId,
    /// The term's index.
    pub index: u16,
}

/// Whether the scheduler counts this pod: bound, and not `Succeeded` or `Failed`.
pub(super) fn is_assigned(rec: &PodRecord) -> bool {
    rec.node_name.is_some() && !matches!(rec.status.phase.as_str(), "Succeeded" | "Failed")
}

fn sub(a: Resources, b: Resources) -> Resources {
    Resources {
        milli_cpu: a.milli_cpu - b.milli_cpu,
        memory: a.memory - b.memory,
        pods: a.pods - b.pods,
    }
}

fn add(a: Resources, b: Resources) -> Resources {
    Resources {
        milli_cpu: a.milli_cpu.saturating_add(b.milli_cpu),
        memory: a.memory.saturating_add(b.memory),
        pods: a.pods + b.pods,
    }
}

/// A pod's share of its node's requests: its requests and one pod.
fn share(rec: &PodRecord) -> Resources {
    Resources {
        pods: 1,
        ..rec.spec.requests()
    }
}

impl Cluster<Inventory> {
    /// Takes an old record's part out of the scheduler tables.
    pub(super) fn unassign(&mut self, id: ObjectId, old: &PodRecord) {
        if let Some(slot) = self.t.pod_node.get_or_grow(id.get() as usize) {
            *slot = 0;
        }
        if is_assigned(old) {
            Arc::make_mut(&mut self.t.assigned).remove(id);
            if let Some(n) = old.node_name.as_deref().and_then(|n| self.nodes.id("", n)) {
                self.change_usage(n, |u| sub(u, share(old)));
            }
        }
        let terms = old.spec.affinity_terms().count().min(u16::MAX as usize);
        if terms > 0 {
            let index = Arc::make_mut(&mut self.t.affinity_terms);
            for i in 0..terms {
                index.remove(&AffinityTermKey {
                    pod: PodId::new(id),
                    index: i as u16,
                });
            }
        }
    }

    /// Puts a new record's part into the scheduler tables. A term that does not compile is
    /// not registered (the API server would have refused the pod).
    pub(super) fn assign(&mut self, id: ObjectId, rec: &PodRecord, ns: &str, labels: &LabelSet) {
        let node = rec.node_name.as_deref().and_then(|n| self.nodes.id("", n));
        if let Some(slot) = self.t.pod_node.get_or_grow(id.get() as usize) {
            *slot = node.map_or(0, |n| n.get() + 1);
        }
        if is_assigned(rec) {
            Arc::make_mut(&mut self.t.assigned).insert(id);
            if let Some(n) = rec.node_name.as_deref().and_then(|n| self.nodes.id("", n)) {
                self.change_usage(n, |u| add(u, share(rec)));
            }
        }
        if rec.spec.affinity_terms().next().is_none() {
            return;
        }
        let index = Arc::make_mut(&mut self.t.affinity_terms);
        for (i, (_, _, term)) in rec
            .spec
            .affinity_terms()
            .enumerate()
            .take(u16::MAX as usize)
        {
            let Ok(t) = AffinityTerm::compile(term, ns, labels) else {
                continue;
            };
            let key = AffinityTermKey {
                pod: PodId::new(id),
                index: i as u16,
            };
            // A capacity fault leaves the term out; the store stays consistent.
            let _ = index.insert(key, t.scope(), t.selector());
        }
    }

    fn change_usage(&mut self, node: ObjectId, f: impl FnOnce(Resources) -> Resources) {
        if let Some(slot) = self.t.node_usage.get_or_grow(node.get() as usize) {
            *slot = f(*slot);
        }
    }

    /// Recomputes a node's usage from the pods bound to its name (a node added or replaced).
    pub(super) fn recount_node(&mut self, node: ObjectId, name: &str) {
        let total = usage_of(&self.t, name);
        self.change_usage(node, |_| total);
        self.point_pods(name, node.get() + 1);
    }

    /// Clears a deleted node's usage and its pods' node ids.
    pub(super) fn clear_node(&mut self, node: ObjectId) {
        self.change_usage(node, |_| Resources::default());
        if let Some(name) = self.nodes.get(node).map(|n| n.name().to_string()) {
            self.point_pods(&name, 0);
        }
    }

    /// Sets the node id (plus one; 0 for none) of every pod bound to `name`.
    fn point_pods(&mut self, name: &str, value: u32) {
        let Some(set) = self.t.by_node.get(name).cloned() else {
            return;
        };
        for id in set.iter() {
            if let Some(slot) = self.t.pod_node.get_or_grow(id.get() as usize) {
                *slot = value;
            }
        }
    }
}

/// The requests of the assigned pods bound to node `name`.
pub(super) fn usage_of(t: &super::store::Tables, name: &str) -> Resources {
    let mut total = Resources::default();
    if let Some(set) = t.by_node.get(name) {
        for id in set.iter() {
            if let Some(Some(rec)) = t.pod_records.get(id.get() as usize)
                && is_assigned(rec)
            {
                total = add(total, share(rec));
            }
        }
    }
    total
}

impl<I: std::ops::Deref<Target = View>> Cluster<I> {
    /// The pods kube-scheduler counts as placed: bound to a node (`spec.nodeName`) and not
    /// `Succeeded` or `Failed` (its informer does not see those). Terminating pods are
    /// included. The node need not be stored.
    pub fn assigned_pods(&self) -> &ObjectSet {
        &self.t.assigned
    }

    /// The stored node a pod is bound to (`None` when unbound or bound to a node not
    /// stored), without looking its name up.
    pub fn pod_node(&self, pod: PodId) -> Option<NodeId> {
        match self.t.pod_node.get(pod.object_id().get() as usize) {
            Some(&n) if n > 0 => Some(NodeId::new(ObjectId::new(n - 1))),
            _ => None,
        }
    }

    /// What the assigned pods bound to this node request, with their number in `pods`
    /// (`NodeInfo.Requested` and `len(NodeInfo.Pods)`).
    pub fn node_requested(&self, node: NodeId) -> Resources {
        self.t
            .node_usage
            .get(node.object_id().get() as usize)
            .copied()
            .unwrap_or_default()
    }

    /// Every pod affinity and anti-affinity term of every stored pod, by
    /// [`AffinityTermKey`], filed under the term's namespaces
    /// ([`AffinityTerm::scope`]): the terms that select an incoming pod are
    /// [`matching`](SelectorIndex::matching) its namespace and labels (terms with a
    /// `namespaceSelector` are filed under every namespace and must be checked with
    /// [`AffinityTerm::covers`]).
    pub fn affinity_terms(&self) -> &SelectorIndex<AffinityTermKey> {
        &self.t.affinity_terms
    }
}
