//! Event streams into the store through `workloads::apply`: no panic, and after every event
//! the indexed endpoints, ownership and budget status equal the lister-style recomputation
//! (`benches/common/listers.rs`), and the changes `apply` reports are exactly the differences.
//! Eviction verdicts are compared for every pod while the store is small.
//!
//! One op adds a run of up to 3 000 pods of one app, so that the store's copy-on-write chunks
//! (4 096 entries) and the postings' containers are reached.

#![no_main]

#[path = "../../tests/support/workload_events.rs"]
mod events;
#[path = "../../benches/common/listers.rs"]
mod listers;

use std::collections::BTreeMap;

use events::{Ev, to_object};
use label_selector::Cluster;
use label_selector::k8s::{Kind, Object, ObjectKey, WatchEvent};
use label_selector::workloads::{self, Workloads};
use libfuzzer_sys::fuzz_target;
use listers::{All, Listers};

/// 2026-03-01T12:00:00Z.
const NOW: i64 = 1_772_366_400;

fn store_all(c: &Cluster, evictions: bool) -> All {
    let w = Workloads::new(c, NOW);
    let mut endpoints = BTreeMap::new();
    for k in c.keys(Kind::Service) {
        for e in w.endpoints(&k).unwrap() {
            let pod = ObjectKey::pod(&*e.target_ref.namespace, &*e.target_ref.name);
            endpoints.insert((k.clone(), pod), e.into_owned());
        }
    }
    let pods: Vec<_> = c.pod_entries().map(|p| (p.key(), p.id())).collect();
    All {
        endpoints,
        ownership: pods
            .iter()
            .map(|(k, id)| (k.clone(), w.ownership(*id).unwrap()))
            .collect(),
        budgets: c
            .keys(Kind::PodDisruptionBudget)
            .map(|k| {
                let s = w.disruption(&k).unwrap();
                (k, s)
            })
            .collect(),
        evictions: if evictions {
            pods.iter()
                .map(|(k, _)| (k.clone(), w.eviction(k.namespace(), k.name())))
                .collect()
        } else {
            BTreeMap::new()
        },
    }
}

fn diff<K: Ord + std::fmt::Debug, V: PartialEq + std::fmt::Debug>(
    b: &BTreeMap<K, V>,
    a: &BTreeMap<K, V>,
) -> Vec<String> {
    let mut out: Vec<String> = b
        .keys()
        .chain(a.keys().filter(|k| !b.contains_key(*k)))
        .filter(|k| b.get(*k) != a.get(*k))
        .map(|k| format!("{k:?}: {:?} -> {:?}", b.get(k), a.get(k)))
        .collect();
    out.sort();
    out
}

fn reported(r: &workloads::Report) -> (Vec<String>, Vec<String>, Vec<String>) {
    let mut e: Vec<String> = r
        .endpoints
        .iter()
        .map(|c| {
            format!(
                "{:?}: {:?} -> {:?}",
                (&c.service, &c.pod),
                c.before.as_ref(),
                c.after.as_ref()
            )
        })
        .collect();
    let mut o: Vec<String> = r
        .ownership
        .iter()
        .map(|c| {
            format!(
                "{:?}: {:?} -> {:?}",
                c.pod,
                c.before.as_ref(),
                c.after.as_ref()
            )
        })
        .collect();
    let mut b: Vec<String> = r
        .budgets
        .iter()
        .map(|c| {
            format!(
                "{:?}: {:?} -> {:?}",
                c.budget,
                c.before.as_ref(),
                c.after.as_ref()
            )
        })
        .collect();
    e.sort();
    o.sort();
    b.sort();
    (e, o, b)
}

fn lister_all(model: &BTreeMap<ObjectKey, Object>, evictions: bool) -> All {
    let mut l = Listers::new();
    for o in model.values() {
        l.upsert(o.clone());
    }
    let mut all = l.all(NOW);
    if !evictions {
        all.evictions.clear();
    }
    all
}

fuzz_target!(|data: &[u8]| {
    let mut cluster = Cluster::new();
    let mut model: BTreeMap<ObjectKey, Object> = BTreeMap::new();
    let mut before = lister_all(&model, true);
    for chunk in data.chunks_exact(10).take(64) {
        let ev = Ev {
            kind: chunk[0] % 7,
            ns: chunk[1] % 2,
            name: chunk[2] % 5,
            v: [chunk[3], chunk[4], chunk[5], chunk[6], chunk[7], chunk[8]],
            delete: chunk[9] % 8 == 0,
        };
        // A run of pods of one app, loaded silently: the comparison after the next event
        // covers them.
        if chunk[9] == 255 {
            let n = 500 + usize::from(chunk[3]) * 10;
            let mut o = to_object(&Ev {
                kind: 0,
                delete: false,
                ..ev.clone()
            });
            for i in 0..n {
                if let Object::Pod(p) = &mut o {
                    p.metadata.name = format!("run-{i}");
                }
                let key = o.key().unwrap();
                cluster.upsert(o.clone()).unwrap();
                model.insert(key, o.clone());
            }
            before = lister_all(&model, model.len() < 300);
            continue;
        }
        let o = to_object(&ev);
        let key = o.key().unwrap();
        let event = if ev.delete {
            WatchEvent::Deleted(o.clone())
        } else {
            WatchEvent::Modified(o.clone())
        };
        let report = workloads::apply(&mut cluster, event, NOW).unwrap();
        if ev.delete {
            model.remove(&key);
        } else {
            model.insert(key, o);
        }
        let small = model.len() < 300;
        let after = lister_all(&model, small);
        assert_eq!(store_all(&cluster, small), after);
        let want = (
            diff(&before.endpoints, &after.endpoints),
            diff(&before.ownership, &after.ownership),
            diff(&before.budgets, &after.budgets),
        );
        assert_eq!(reported(&report), want);
        before = after;
    }
    cluster.internal_validate().unwrap();
});
