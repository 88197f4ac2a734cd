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
use label_selector::k8s::{Object, ObjectKey, WatchEvent};
use label_selector::workloads;
use libfuzzer_sys::fuzz_target;
use listers::{All, Listers};

/// 2026-03-01T12:00:00Z.
const NOW: i64 = 1_772_366_400;

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
        assert_eq!(listers::store_all(&cluster, NOW, small), after);
        assert_eq!(
            listers::reported(&report),
            listers::changes(&before, &after)
        );
        before = after;
    }
    cluster.internal_validate().unwrap();
});
