//! Node data that only changes with the nodes: the nodes in name order, their allocatable,
//! taints and cordons, and per topology key each node's domain (the pair id of its label).
//! Rebuilt when [`Cluster::node_generation`] changes.

use std::collections::HashMap;
use std::ops::Deref;
use std::sync::Arc;

use crate::cluster::{Cluster, NodeId};
use crate::index::{ObjectId, ObjectSet, View};
use crate::k8s::{Resources, Taint};

/// No domain: the node lacks the key.
pub(super) const NONE: u32 = u32::MAX;

#[derive(Clone, Debug, Default)]
pub(super) struct NodeCache {
    generation: Option<u64>,
    /// Node ids by slot (slots are the nodes in name order).
    pub(super) ids: Vec<NodeId>,
    pub(super) names: Arc<[Arc<str>]>,
    /// Slot by node object id (`NONE` where no node).
    pub(super) slot_of: Vec<u32>,
    pub(super) all: ObjectSet,
    pub(super) allocatable: Vec<Resources>,
    /// Nodes with taints, by slot, with their taints.
    pub(super) tainted: Vec<(u32, Vec<Taint>)>,
    /// Cordoned nodes, by slot.
    pub(super) unschedulable: Vec<u32>,
    /// Per topology key: each slot's pair id, or [`NONE`].
    domains: HashMap<Box<str>, Arc<[u32]>>,
}

impl NodeCache {
    pub(super) fn refresh<I: Deref<Target = View>>(&mut self, cluster: &Cluster<I>) {
        if self.generation == Some(cluster.node_generation())
            && self.ids.len() == cluster.nodes().len()
        {
            return;
        }
        let mut nodes: Vec<_> = cluster.node_entries().collect();
        nodes.sort_by(|a, b| a.name().cmp(b.name()));
        let bound = nodes
            .iter()
            .map(|n| n.id().object_id().get() as usize + 1)
            .max()
            .unwrap_or(0);
        let mut slot_of = vec![NONE; bound];
        let mut tainted = Vec::new();
        let mut unschedulable = Vec::new();
        let mut allocatable = Vec::with_capacity(nodes.len());
        let mut names = Vec::with_capacity(nodes.len());
        for (slot, n) in nodes.iter().enumerate() {
            let slot = slot as u32;
            slot_of[n.id().object_id().get() as usize] = slot;
            let node = n.get();
            if !node.spec.taints.is_empty() {
                tainted.push((slot, node.spec.taints.clone()));
            }
            if node.spec.unschedulable {
                unschedulable.push(slot);
            }
            allocatable.push(Resources::from_list(&node.status.allocatable));
            names.push(Arc::<str>::from(n.name()));
        }
        *self = NodeCache {
            generation: Some(cluster.node_generation()),
            ids: nodes.iter().map(|n| n.id()).collect(),
            names: names.into(),
            slot_of,
            all: nodes.iter().map(|n| n.id().object_id()).collect(),
            allocatable,
            tainted,
            unschedulable,
            domains: HashMap::new(),
        };
    }

    pub(super) fn len(&self) -> usize {
        self.ids.len()
    }

    pub(super) fn slot(&self, id: ObjectId) -> Option<usize> {
        match self.slot_of.get(id.get() as usize) {
            Some(&s) if s != NONE => Some(s as usize),
            _ => None,
        }
    }

    /// Each slot's domain for `key`.
    pub(super) fn domains(&mut self, nodes: &View, key: &str) -> Arc<[u32]> {
        if let Some(d) = self.domains.get(key) {
            return Arc::clone(d);
        }
        let d: Arc<[u32]> = match nodes.key_id(key) {
            None => vec![NONE; self.ids.len()].into(),
            Some(k) => self
                .ids
                .iter()
                .map(|id| {
                    let Some(pairs) = nodes.objects.get(id.object_id().get() as usize) else {
                        return NONE;
                    };
                    match nodes.find_key(pairs, k) {
                        Ok(i) => pairs[i],
                        Err(_) => NONE,
                    }
                })
                .collect(),
        };
        self.domains.insert(key.into(), Arc::clone(&d));
        d
    }
}
