//! Node data that only changes with the nodes: the nodes in name order, their allocatable,
//! taints and cordons, and per topology key each node's domain (the pair id of its label).
//! Rebuilt when [`Cluster::node_generation`] changes.

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
    /// Each slot's index in `tainted`, or [`NONE`].
    pub(super) taint_of: Vec<u32>,
    /// Cordoned nodes, by slot.
    pub(super) unschedulable: Vec<u32>,
    /// One more than the largest pair id of the node inventory.
    pub(super) pair_bound: usize,
    /// Per topology key (there are few): each slot's pair id, or [`NONE`].
    domains: Vec<(Box<str>, Arc<[u32]>)>,
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
        let mut taint_of = vec![NONE; nodes.len()];
        let mut unschedulable = Vec::new();
        let mut allocatable = Vec::with_capacity(nodes.len());
        let mut names = Vec::with_capacity(nodes.len());
        for (slot, n) in nodes.iter().enumerate() {
            let slot = slot as u32;
            slot_of[n.id().object_id().get() as usize] = slot;
            let node = n.get();
            if !node.spec.taints.is_empty() {
                taint_of[slot as usize] = tainted.len() as u32;
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
            taint_of,
            unschedulable,
            pair_bound: cluster.nodes().pairs.id_bound(),
            domains: Vec::new(),
        };
    }

    /// A slot's taints (empty for an untainted node).
    pub(super) fn taints(&self, slot: usize) -> &[Taint] {
        match self.taint_of.get(slot) {
            Some(&i) if i != NONE => &self.tainted[i as usize].1,
            _ => &[],
        }
    }

    /// Per slot, whether the node is in `set`.
    pub(super) fn mask(&self, set: &ObjectSet) -> Vec<bool> {
        let mut m = vec![false; self.ids.len()];
        for id in set.iter() {
            if let Some(s) = self.slot(id) {
                m[s] = true;
            }
        }
        m
    }

    /// An empty map from the node inventory's pair ids.
    pub(super) fn pair_map(&self) -> PairMap {
        PairMap {
            values: vec![ABSENT; self.pair_bound],
            keys: Vec::new(),
        }
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
        if let Some((_, d)) = self.domains.iter().find(|(k, _)| &**k == key) {
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
        self.domains.push((key.into(), Arc::clone(&d)));
        d
    }
}

const ABSENT: i64 = i64::MIN;

/// Counts by topology domain (the node inventory's pair id), dense: a domain is present once
/// touched, even at 0 (as a Go map entry is).
#[derive(Clone, Debug)]
pub(super) struct PairMap {
    values: Vec<i64>,
    keys: Vec<u32>,
}

impl PairMap {
    /// Makes `pair` present (at 0 if it was not).
    pub(super) fn touch(&mut self, pair: u32) -> &mut i64 {
        let v = &mut self.values[pair as usize];
        if *v == ABSENT {
            *v = 0;
            self.keys.push(pair);
        }
        v
    }

    pub(super) fn add(&mut self, pair: u32, k: i64) {
        *self.touch(pair) += k;
    }

    pub(super) fn get(&self, pair: u32) -> Option<i64> {
        match self.values.get(pair as usize) {
            Some(&v) if v != ABSENT => Some(v),
            _ => None,
        }
    }

    /// The count of a domain, 0 when absent.
    pub(super) fn count(&self, pair: u32) -> i64 {
        self.get(pair).unwrap_or(0)
    }

    pub(super) fn len(&self) -> usize {
        self.keys.len()
    }

    pub(super) fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    pub(super) fn iter(&self) -> impl Iterator<Item = (u32, i64)> + '_ {
        self.keys.iter().map(|&k| (k, self.values[k as usize]))
    }
}
