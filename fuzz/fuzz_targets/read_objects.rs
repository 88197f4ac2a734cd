//! kubectl JSON / YAML input (objects or watch streams): reading never panics; the streaming
//! loader (JSON read item by item, through a reader that hands out a few bytes at a time)
//! agrees with reading the whole text first; what loads passes the store's invariant checks,
//! and what is refused leaves the store empty.

#![no_main]

use label_selector::load::read_input;
use label_selector::{Cluster, Selector};
use libfuzzer_sys::fuzz_target;

/// Hands out 1 to 7 bytes per read.
struct Trickle<'a>(&'a [u8], usize);

impl std::io::Read for Trickle<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        self.1 = self.1 % 7 + 1;
        let n = self.1.min(out.len()).min(self.0.len());
        out[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

fn pods(c: &Cluster) -> Vec<String> {
    let mut v: Vec<String> = c
        .pod_entries()
        .map(|p| format!("{:?}", p.to_object()))
        .collect();
    v.sort();
    v
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let read = read_input("fuzz", text);
    let mut whole = Cluster::new();
    let whole_result = match read.clone() {
        Ok(input) => whole.load_input("fuzz", input),
        Err(e) => Err(e),
    };
    let mut streamed = Cluster::new();
    let loaded = streamed.load_reader("fuzz", Trickle(data, 0));
    // The two loaders accept and refuse the same inputs, and build the same store. One
    // difference is by design: serde_json's 128-level nesting limit counts from each item
    // the streaming loader reads, so it accepts items that sit at the limit inside a list.
    let nesting = matches!(&whole_result, Err(e) if e.message().contains("recursion limit"));
    // A second: a List whose `items`, `kind` or `apiVersion` comes again after its items were
    // handed on is refused by the streaming loader (the last one can no longer win), while the
    // whole-text reader takes the last one, as Kubernetes does.
    let repeated = matches!(&loaded, Err(e) if e.message().contains("is written twice in a List read as a stream"));
    if repeated {
        assert_eq!(streamed.pods().len(), 0);
        streamed.internal_validate().unwrap();
        return;
    }
    if !nesting {
        assert_eq!(
            whole_result.is_ok(),
            loaded.is_ok(),
            "{whole_result:?} vs {loaded:?}"
        );
    }
    match loaded {
        Err(e) => {
            // Errors name the source and never leave a half-loaded cluster.
            assert!(e.to_string().starts_with("fuzz"));
            assert_eq!(streamed.pods().len(), 0);
            assert_eq!(streamed.nodes().len(), 0);
            assert_eq!(streamed.services().len(), 0);
            streamed.internal_validate().unwrap();
        }
        Ok(_) if nesting => streamed.internal_validate().unwrap(),
        Ok(summary) => {
            assert_eq!(Ok(summary), whole_result);
            streamed.internal_validate().unwrap();
            assert_eq!(pods(&streamed), pods(&whole));
            assert_eq!(streamed.nodes().len(), whole.nodes().len());
            assert_eq!(streamed.services().len(), whole.services().len());
            assert_eq!(streamed.workloads().len(), whole.workloads().len());
            let everything = Selector::everything();
            assert_eq!(
                streamed.pods().count(&everything),
                streamed.pods().len() as u64
            );
            for pod in streamed.pod_entries() {
                assert_eq!(pod.to_object().metadata.labels, pod.labels());
            }
        }
    }
});
