//! kubectl JSON / YAML input: reading never panics, and what reads loads into a Cluster whose
//! inventories pass their own invariant checks and agree with the objects' labels.

#![no_main]

use label_selector::k8s::read_str;
use label_selector::{Cluster, Selector};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let read = read_str("fuzz", text);
    let mut cluster = Cluster::new();
    let loaded = cluster.load_str("fuzz", text);
    // The reader and the loader agree on whether the input is good.
    assert_eq!(read.is_ok(), loaded.is_ok(), "{read:?} vs {loaded:?}");
    match loaded {
        Err(e) => {
            // Errors name the source and never leave a half-loaded cluster.
            assert!(e.to_string().starts_with("fuzz"));
            assert_eq!(cluster.pods().len(), 0);
        }
        Ok(_) => {
            cluster.pods().internal_validate().unwrap();
            cluster.nodes().internal_validate().unwrap();
            let everything = Selector::everything();
            assert_eq!(
                cluster.pods().count(&everything),
                cluster.pods().len() as u64
            );
            for p in cluster.pods().iter() {
                let pod = cluster.pod(p.id()).unwrap();
                assert_eq!(p.labels(), pod.metadata.labels);
            }
        }
    }
});
