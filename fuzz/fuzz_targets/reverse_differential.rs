//! Differential reverse matching: arbitrary insert / replace / remove / match sequences applied
//! to a `SelectorIndex` and to a plain map of (scope, selector); every match must equal the
//! linear scan with `Selector::matches`, `get` must give back what was inserted, and the
//! index's invariants must hold after every event.
#![no_main]

use std::collections::BTreeMap;

use label_selector::{Scope, Selector, SelectorIndex};
use libfuzzer_sys::fuzz_target;

#[path = "../common/mod.rs"]
mod common;

use common::{Bytes, KEYS, NAMESPACES, VALUES, selector};

/// Values only an unvalidated label map can hold, beside the selector values.
const OBJECT_VALUES: &[&str] = &["+8", " 8", "1.5", "9223372036854775808", "\u{663}", "Web"];

type Model = BTreeMap<u8, (Scope, Selector)>;

fn scope(b: &mut Bytes<'_>) -> Option<Scope> {
    Some(match b.next()? % 4 {
        0 => Scope::All,
        1 => {
            let n = b.next()? % 3;
            Scope::namespaces(
                (0..n)
                    .map(|_| b.pick(NAMESPACES).copied())
                    .collect::<Option<Vec<_>>>()?,
            )
        }
        _ => Scope::namespace(*b.pick(NAMESPACES)?),
    })
}

/// An object's labels; keys may repeat (the last value counts).
fn labels(b: &mut Bytes<'_>) -> Option<Vec<(&'static str, &'static str)>> {
    let n = b.next()? % 6;
    (0..n)
        .map(|_| {
            let k = *b.pick(KEYS)?;
            let v = b.next()?;
            let v = VALUES
                .get(v % (VALUES.len() + OBJECT_VALUES.len()))
                .or_else(|| {
                    OBJECT_VALUES.get(v % (VALUES.len() + OBJECT_VALUES.len()) - VALUES.len())
                })?;
            Some((k, *v))
        })
        .collect()
}

fn check(index: &SelectorIndex<u8>, model: &Model, ns: &str, labels: &[(&str, &str)]) {
    let map: BTreeMap<&str, &str> = labels.iter().copied().collect();
    let want: Vec<u8> = model
        .iter()
        .filter(|(_, (scope, sel))| scope.contains(ns) && sel.matches(&map))
        .map(|(&k, _)| k)
        .collect();
    let mut got: Vec<u8> = index.matching(ns, labels).into_iter().copied().collect();
    got.sort_unstable();
    assert_eq!(got, want, "namespace {ns:?}, labels {labels:?}");
    assert_eq!(index.matching_count(ns, labels), want.len());
}

fuzz_target!(|data: &[u8]| {
    let mut b = Bytes(data);
    let mut index = SelectorIndex::new();
    let mut model = Model::new();
    while let Some(op) = b.next() {
        match op % 4 {
            0 | 1 => {
                let (Some(k), Some(scope), Some(sel)) = (b.next(), scope(&mut b), selector(&mut b))
                else {
                    break;
                };
                let k = (k % 12) as u8;
                let replaced = index
                    .insert(k, scope.clone(), &sel)
                    .expect("valid scopes insert");
                assert_eq!(replaced, model.insert(k, (scope, sel)).is_some());
            }
            2 => {
                let Some(k) = b.next() else { break };
                let k = (k % 12) as u8;
                assert_eq!(index.remove(&k), model.remove(&k).is_some());
            }
            _ => {
                let (Some(ns), Some(l)) = (b.pick(NAMESPACES), labels(&mut b)) else {
                    break;
                };
                check(&index, &model, ns, &l);
            }
        }
        if let Err(e) = index.internal_validate() {
            panic!("invariant broken: {e}");
        }
    }
    for (k, (scope, sel)) in &model {
        assert_eq!(index.get(k).as_ref(), Some(&(scope.clone(), sel.clone())));
    }
    for ns in NAMESPACES {
        for l in [
            &[][..],
            &[("app", "web"), ("cores", "8")],
            &[("env", "db"), ("x.io/n", "")],
        ] {
            check(&index, &model, ns, l);
        }
    }
});
