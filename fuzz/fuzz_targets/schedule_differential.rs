//! Random scheduling worlds (`tests/support/sched_world.rs`, from the input's first 16 bytes)
//! and a random profile: the indexed scheduler's decision, as JSON, equals the direct
//! evaluation of `benches/common/direct.rs`, and the store stays consistent. A flag byte adds
//! 3 000 bound pods, so that pod postings cross roaring's array/bitset boundary and the store's
//! 4 096-entry chunks; a second flag places the pod (schedule, bind) and checks again.

#![no_main]

#[path = "../../benches/common/direct.rs"]
mod direct;
#[path = "../../tests/support/sched_world.rs"]
mod world;

use label_selector::scheduling::Scheduler;
use libfuzzer_sys::fuzz_target;
use serde_json::json;

fuzz_target!(|data: &[u8]| {
    let mut b = [0u8; 18];
    for (i, x) in data.iter().take(18).enumerate() {
        b[i] = *x;
    }
    let seed = u64::from_le_bytes(b[0..8].try_into().unwrap());
    let pseed = u64::from_le_bytes(b[8..16].try_into().unwrap());
    let (mut objects, incoming) = world::world(seed);
    if b[16] & 1 == 1 {
        let nodes = objects.iter().filter(|o| o["kind"] == "Node").count();
        for i in 0..3_000 {
            objects.push(json!({"kind": "Pod", "apiVersion": "v1",
                "metadata": {"name": format!("bulk-{i}"), "namespace": "shop", "labels": {"app": "bulk", "tier": "back"}},
                "spec": {"nodeName": format!("n{}", i % (nodes + 1)), "containers": [{"name": "c"}]},
                "status": {"phase": "Running"}}));
        }
    }
    let profile = world::profile(pseed);
    let mut cluster = world::cluster(&objects);
    cluster.internal_validate().unwrap();
    let mut s = Scheduler::new(profile.clone());
    let got = s.schedule(&cluster, &incoming).to_json();
    let want = direct::evaluate(&direct::World::from_cluster(&cluster), &profile, &incoming);
    assert_eq!(
        got,
        want,
        "pod {}",
        serde_json::to_string(&incoming).unwrap()
    );
    if b[17] & 1 == 1 {
        let (_, node) = s.place(&mut cluster, incoming.clone()).unwrap();
        cluster.internal_validate().unwrap();
        if node.is_some() {
            let mut next = incoming;
            next.metadata.name = format!("{}-next", next.metadata.name);
            let got = s.schedule(&cluster, &next).to_json();
            let want = direct::evaluate(&direct::World::from_cluster(&cluster), &profile, &next);
            assert_eq!(got, want, "after placing");
        }
    }
});
