//! Structured selectors from arbitrary JSON: never panic; a converted LabelSelector converts
//! back to one with the same meaning; node selectors compile and match without panicking.
#![no_main]

use std::collections::BTreeMap;

use label_selector::{LabelSelector, NodeSelector, NodeSelectorMatcher, Selector};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(ls) = serde_json::from_slice::<Option<LabelSelector>>(data) {
        match Selector::from_label_selector(ls.as_ref()) {
            Ok(sel) => {
                let back = sel
                    .to_label_selector()
                    .expect("a LabelSelector's meaning is always expressible as one");
                assert_eq!(Selector::from_label_selector(back.as_ref()).unwrap(), sel);
                // And its canonical string parses to the same selector (nothing excepted).
                if !sel.is_nothing() {
                    assert_eq!(Selector::parse(&sel.to_string()).unwrap(), sel);
                }
            }
            Err(err) => {
                assert!(
                    err.path().is_some(),
                    "structured errors carry a path: {err:?}"
                );
                let _ = err.to_string();
            }
        }
    }
    if let Ok(ns) = serde_json::from_slice::<NodeSelector>(data) {
        let lazy = NodeSelectorMatcher::new_lazy(&ns);
        let strict = NodeSelectorMatcher::new(&ns);
        let labels = BTreeMap::from([("zone", "a"), ("cores", "8")]);
        for name in ["", "node-1"] {
            let got = lazy.matches(name, &labels);
            if let Ok(strict) = &strict {
                assert_eq!(strict.matches(name, &labels), got);
                assert!(
                    got.is_ok(),
                    "a strictly valid selector never errors at match time"
                );
            }
        }
    }
});
