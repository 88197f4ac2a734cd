//! Heap bytes of stored records, for [`Cluster::memory_usage`](crate::Cluster::memory_usage).
//!
//! An estimate from capacities: strings and vectors count what they allocated; nested selector
//! terms (affinity, spread constraints) count their inline size, which is what dominates them.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use super::pod::PodRecord;
use crate::index::CowVec;

use crate::k8s::{
    Condition, ContainerState, ContainerStatus, Node, ObjectMeta, OwnerReference, PodSpec,
    PodStatus, StateDetail, Taint, TaintEffect, Toleration, TolerationOperator,
};

trait Heap {
    fn heap(&self) -> usize;
}

impl Heap for String {
    fn heap(&self) -> usize {
        self.capacity()
    }
}

impl<T: Heap> Heap for Option<T> {
    fn heap(&self) -> usize {
        self.as_ref().map_or(0, Heap::heap)
    }
}

impl<T: Heap> Heap for Vec<T> {
    fn heap(&self) -> usize {
        self.capacity() * size_of::<T>() + self.iter().map(Heap::heap).sum::<usize>()
    }
}

impl Heap for BTreeMap<String, String> {
    fn heap(&self) -> usize {
        // A B-tree node holds up to 11 entries; count each entry's share of a node.
        self.iter()
            .map(|(k, v)| size_of::<(String, String)>() + 8 + k.heap() + v.heap())
            .sum()
    }
}

macro_rules! heap_enum {
    ($($t:ident),*) => {$(
        impl Heap for $t {
            fn heap(&self) -> usize {
                match self {
                    $t::Other(s) => s.capacity(),
                    _ => 0,
                }
            }
        }
    )*};
}

heap_enum!(TaintEffect, TolerationOperator);

macro_rules! heap_fields {
    ($t:ty { $($f:ident),* }) => {
        impl Heap for $t {
            fn heap(&self) -> usize {
                0 $(+ self.$f.heap())*
            }
        }
    };
}

heap_fields!(OwnerReference {
    api_version,
    kind,
    name,
    uid
});
heap_fields!(Condition {
    type_,
    status,
    reason
});
heap_fields!(Toleration {
    key,
    operator,
    value,
    effect
});
heap_fields!(Taint { key, value, effect });

impl Heap for ContainerState {
    fn heap(&self) -> usize {
        [&self.waiting, &self.running, &self.terminated]
            .into_iter()
            .flatten()
            .map(|d| size_of::<StateDetail>() + d.reason.heap() + d.finished_at.heap())
            .sum()
    }
}

impl Heap for ContainerStatus {
    fn heap(&self) -> usize {
        self.name.heap()
            + self.state.as_ref().map_or(0, Heap::heap)
            + self.last_state.as_ref().map_or(0, Heap::heap)
    }
}

/// The heap bytes of an object's metadata (labels are in the index and not counted here).
pub(super) fn meta_heap(m: &ObjectMeta) -> usize {
    m.name.heap()
        + m.namespace.heap()
        + m.uid.heap()
        + m.resource_version.heap()
        + m.owner_references.heap()
        + m.creation_timestamp.heap()
        + m.deletion_timestamp.heap()
}

/// The pod records' bytes: each record, plus each shared spec, status and owner list once.
pub(super) fn pod_records(records: &CowVec<Option<Arc<PodRecord>>>) -> usize {
    let mut seen = HashSet::new();
    let mut once = |ptr: *const u8| seen.insert(ptr as usize);
    let mut total = records.heap_bytes();
    for r in records.iter().flatten() {
        total += 16 + size_of::<PodRecord>();
        let boxed = |b: &str| if b.is_empty() { 0 } else { b.len() };
        total += boxed(&r.uid) + boxed(&r.resource_version);
        total += r.creation_timestamp.as_deref().map_or(0, boxed);
        total += r.deletion_timestamp.as_deref().map_or(0, boxed);
        total += r.pod_ip.as_deref().map_or(0, boxed);
        if let Some(ips) = &r.pod_ips {
            total += ips.len() * 16 + ips.iter().map(|ip| boxed(ip)).sum::<usize>();
        }
        if once(Arc::as_ptr(&r.spec).cast()) {
            total += 16 + spec_heap(&r.spec);
        }
        if once(Arc::as_ptr(&r.status).cast()) {
            total += 16 + status_heap(&r.status);
        }
        if once(Arc::as_ptr(&r.owner_references).cast()) {
            let o = &r.owner_references;
            total += 16
                + o.len() * size_of::<OwnerReference>()
                + o.iter().map(Heap::heap).sum::<usize>();
        }
        if let Some(n) = &r.node_name
            && once(Arc::as_ptr(n).cast())
        {
            total += 16 + n.len();
        }
    }
    total
}

fn spec_heap(s: &PodSpec) -> usize {
    size_of::<PodSpec>()
        + s.node_selector.heap()
        + s.affinity.as_ref().map_or(0, size_of_val)
        + s.topology_spread_constraints.capacity() * 160
        + s.tolerations.heap()
        + s.containers.capacity() * 24
        + s.containers.iter().map(|c| c.name.heap()).sum::<usize>()
        + s.readiness_gates.capacity() * 24
}

fn status_heap(st: &PodStatus) -> usize {
    size_of::<PodStatus>()
        + st.phase.heap()
        + st.reason.heap()
        + st.nominated_node_name.heap()
        + st.conditions.heap()
        + st.container_statuses.heap()
        + st.init_container_statuses.heap()
}

pub(super) fn node_heap(n: &Node) -> usize {
    meta_heap(&n.metadata)
        + n.spec.taints.heap()
        + n.status.conditions.heap()
        + n.status
            .addresses
            .iter()
            .map(|a| 48 + a.type_.heap() + a.address.heap())
            .sum::<usize>()
}
