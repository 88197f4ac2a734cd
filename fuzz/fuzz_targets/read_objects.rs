//! kubectl JSON / YAML input (objects or watch streams): reading never panics, and what reads
//! loads into a Cluster that passes its own invariant checks, or is refused whole.

#![no_main]

use label_selector::load::read_input;
use label_selector::{Cluster, Selector};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let read = read_input("fuzz", text);
    let mut cluster = Cluster::new();
    let loaded = cluster.load_str("fuzz", text);
    // What the reader refuses, the loader refuses too.
    if read.is_err() {
        assert!(loaded.is_err(), "{read:?} vs {loaded:?}");
    }
    match loaded {
        Err(e) => {
            // Errors name the source and never leave a half-loaded cluster.
            assert!(e.to_string().starts_with("fuzz"));
            assert_eq!(cluster.pods().len(), 0);
            assert_eq!(cluster.nodes().len(), 0);
            assert_eq!(cluster.services().len(), 0);
            cluster.internal_validate().unwrap();
        }
        Ok(_) => {
            cluster.internal_validate().unwrap();
            let everything = Selector::everything();
            assert_eq!(
                cluster.pods().count(&everything),
                cluster.pods().len() as u64
            );
            for pod in cluster.pod_entries() {
                assert_eq!(pod.to_object().metadata.labels, pod.labels());
            }
        }
    }
});
