//! Differential matching: the LabelSet fast path (sorted merge walk with fingerprints) agrees
//! with map lookups and with evaluating each requirement on its own.
#![no_main]

use std::collections::{BTreeMap, HashMap};

use label_selector::{LabelSet, Selector};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&str, Vec<(&str, &str)>)| {
    let (text, pairs) = input;
    let Ok(sel) = Selector::parse(text) else {
        return;
    };
    let map: BTreeMap<&str, &str> = pairs.iter().copied().collect();
    let hash: HashMap<&str, &str> = map.iter().map(|(k, v)| (*k, *v)).collect();
    let plain = !sel.is_nothing() && sel.requirements().iter().all(|r| r.matches(&map));
    assert_eq!(sel.matches(&map), plain, "{text:?} on {map:?}");
    assert_eq!(sel.matches(&hash), plain, "{text:?} on {map:?}");
    // The fast path needs valid labels: keep the valid pairs and compare on those.
    let valid: BTreeMap<&str, &str> = map
        .iter()
        .filter(|(k, v)| LabelSet::from_pairs([(k, v)]).is_ok())
        .map(|(k, v)| (*k, *v))
        .collect();
    let set = LabelSet::from_pairs(&valid).expect("valid pairs make a valid set");
    let plain = !sel.is_nothing() && sel.requirements().iter().all(|r| r.matches(&valid));
    assert_eq!(sel.matches(&set), plain, "{text:?} on {valid:?} (LabelSet)");
    assert_eq!(sel.matches(&valid), plain, "{text:?} on {valid:?}");
});
