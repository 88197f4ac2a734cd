//! The semantics table: each selector against label sets, through every `Labels` source.

use std::collections::HashMap;

use label_selector::{Operator, Requirement, Selector};

use crate::util::{data, map_of, set_of};

#[test]
fn semantics_table() {
    let cases = data("matches.json");
    let mut checked = 0;
    for case in cases.as_array().unwrap() {
        let text = case["selector"].as_str().unwrap();
        let sel = Selector::parse(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        for pair in case["cases"].as_array().unwrap() {
            let labels = map_of(&pair[0]);
            let want = pair[1].as_bool().unwrap();
            assert_eq!(
                sel.matches(&labels),
                want,
                "{text:?} on {labels:?} (BTreeMap)"
            );
            let hash: HashMap<&str, &str> = labels
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            assert_eq!(sel.matches(&hash), want, "{text:?} on {labels:?} (HashMap)");
            if let Some(set) = set_of(&labels) {
                assert_eq!(sel.matches(&set), want, "{text:?} on {labels:?} (LabelSet)");
            }
            let by_req = sel.requirements().iter().all(|r| r.matches(&labels));
            assert_eq!(by_req, want, "{text:?} on {labels:?} (per requirement)");
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} cases ran");
}

#[test]
fn nothing_matches_nothing_and_stays_nothing() {
    let empty: HashMap<String, String> = HashMap::new();
    assert!(!Selector::nothing().matches(&empty));
    assert!(Selector::everything().matches(&empty));
    let r = Requirement::new("a", Operator::DoesNotExist, Vec::<String>::new()).unwrap();
    let s = Selector::nothing().and(r.clone());
    assert!(s.is_nothing());
    assert!(!s.matches(&empty));
    let s = Selector::everything().and(r);
    assert!(s.matches(&empty));
    assert!(!s.is_everything());
}

#[test]
fn push_keeps_the_stable_key_order() {
    let mut s = Selector::parse("a=1,c").unwrap();
    s.push(Requirement::new("a", Operator::NotEquals, ["2"]).unwrap());
    s.push(Requirement::new("b", Operator::Exists, Vec::<String>::new()).unwrap());
    assert_eq!(s.to_string(), "a=1,a!=2,b,c");
}

#[test]
fn requires_exact_match_looks_at_the_first_requirement_only() {
    let s = Selector::parse("a!=x,a=y,b in (z),c in (1,2),d==w").unwrap();
    assert_eq!(s.requires_exact_match("a"), None);
    assert_eq!(s.requires_exact_match("b"), Some("z"));
    assert_eq!(s.requires_exact_match("c"), None);
    assert_eq!(s.requires_exact_match("d"), Some("w"));
    assert_eq!(s.requires_exact_match("e"), None);
}

#[test]
fn from_map_is_an_and_of_equalities() {
    let s = Selector::from_map([("a-b", "2"), ("a", "1")]).unwrap();
    assert_eq!(s.to_string(), "a=1,a-b=2");
    assert!(
        Selector::from_map(Vec::<(&str, &str)>::new())
            .unwrap()
            .is_everything()
    );
    let err = Selector::from_map([("app", "a b")]).unwrap_err();
    assert_eq!(err.path(), Some("[app]"));
    assert_eq!(err.input(), "a b");
    let err = Selector::from_map([("-app", "x")]).unwrap_err();
    assert_eq!(err.path(), None);
    assert_eq!(err.input(), "-app");
}

#[test]
fn large_value_sets_use_the_sorted_lookup() {
    let values: Vec<String> = (0..100).map(|i| format!("v{i:03}")).collect();
    let r = Requirement::new("k", Operator::In, values.iter().rev().cloned()).unwrap();
    assert_eq!(r.values(), values.as_slice());
    for v in &values {
        assert!(r.has_value(v));
    }
    assert!(!r.has_value("v100"));
    assert!(!r.has_value(""));
}
