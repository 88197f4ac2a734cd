//! Differential index: arbitrary insert / bulk insert / relabel / delete / publish / query sequences applied
//! to the bitmap index and to a plain map of label sets; every query must agree with
//! `Selector::matches`, in the writer's view and in every snapshot taken along the way, and
//! the index's invariants must hold at the end.
#![no_main]

use std::collections::BTreeMap;

use label_selector::{Inventory, LabelEdit, LabelSet, Selector, Snapshot, View};
use libfuzzer_sys::fuzz_target;

#[path = "../common/mod.rs"]
mod common;

use common::{Bytes, KEYS, NAMESPACES, VALUES, selector};

type Model = BTreeMap<(String, String), LabelSet>;

fn labels(b: &mut Bytes<'_>) -> Option<LabelSet> {
    let n = b.next()? % 5;
    let mut set = LabelSet::new();
    for _ in 0..n {
        let (k, v) = (*b.pick(KEYS)?, *b.pick(VALUES)?);
        set.insert(k, v).expect("pool labels are valid");
    }
    Some(set)
}

fn check(view: &View, model: &Model, sel: &Selector) {
    let got: Vec<(String, String)> = view
        .select(sel)
        .iter()
        .map(|id| {
            let o = view.get(id).expect("selected ids are live");
            (o.namespace().to_string(), o.name().to_string())
        })
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let want: Vec<(String, String)> = model
        .iter()
        .filter(|(_, l)| sel.matches(*l))
        .map(|(k, _)| k.clone())
        .collect();
    assert_eq!(got, want, "{sel} with plan {}", view.compile(sel));
    assert_eq!(view.count(sel), want.len() as u64, "count of {sel}");
    for ns in NAMESPACES {
        let n = want.iter().filter(|(w, _)| w == ns).count() as u64;
        assert_eq!(view.count_in(ns, sel), n, "{sel} in {ns:?}");
    }
}

fuzz_target!(|data: &[u8]| {
    let mut b = Bytes(data);
    let mut inv = Inventory::new();
    let mut model = Model::new();
    let mut snapshots: Vec<(Snapshot, Model)> = Vec::new();
    let mut big_done = false;
    let name = |b: &mut Bytes<'_>| -> Option<(String, String)> {
        Some((
            b.pick(NAMESPACES)?.to_string(),
            format!("o{}", b.next()? % 6),
        ))
    };
    while let Some(op) = b.next() {
        match op % 6 {
            0 => {
                let Some((ns, n)) = name(&mut b) else { break };
                let Some(l) = labels(&mut b) else { break };
                inv.insert(&ns, &n, &l).expect("valid names insert");
                model.insert((ns, n), l);
            }
            1 => {
                // A bulk load: a few named objects (upserts, names repeated in the batch),
                // or once per input thousands of objects cycling through drawn label sets
                // (past the 4 096-entry nodes and into bitset containers).
                let Some(size) = b.next() else { break };
                let mut batch: Vec<(String, String, LabelSet)> = Vec::new();
                if size >= 250 && !big_done {
                    big_done = true;
                    let Some(ns) = b.pick(NAMESPACES) else { break };
                    let mut sets = Vec::new();
                    for _ in 0..4 {
                        let Some(l) = labels(&mut b) else { break };
                        sets.push(l);
                    }
                    if sets.is_empty() {
                        break;
                    }
                    for i in 0..usize::from(size - 249) * 3_000 {
                        let l = sets[i % sets.len()].clone();
                        batch.push((ns.to_string(), format!("bulk-{i}"), l));
                    }
                } else {
                    for _ in 0..size % 8 {
                        let Some((ns, n)) = name(&mut b) else { break };
                        let Some(l) = labels(&mut b) else { break };
                        batch.push((ns, n, l));
                    }
                }
                let want: Vec<_> = batch.iter().map(|(ns, n, _)| inv.id(ns, n)).collect();
                let ids = inv
                    .insert_all(batch.iter().map(|(ns, n, l)| (ns.as_str(), n.as_str(), l)))
                    .expect("valid names insert");
                for (id, known) in ids.iter().zip(want) {
                    if let Some(known) = known {
                        assert_eq!(*id, known, "an upsert keeps the id");
                    }
                }
                for ((ns, n, l), id) in batch.into_iter().zip(&ids) {
                    let o = inv.get(*id).expect("inserted ids are live");
                    assert_eq!((o.namespace(), o.name()), (ns.as_str(), n.as_str()));
                    model.insert((ns, n), l);
                }
            }
            2 => {
                let Some(key) = name(&mut b) else { break };
                let (Some(count), Some(overwrite)) = (b.next(), b.next()) else {
                    break;
                };
                let mut edits = Vec::new();
                for _ in 0..count % 4 {
                    let (Some(k), Some(v)) = (b.pick(KEYS), b.next()) else {
                        break;
                    };
                    let arg = match VALUES.get(v % (VALUES.len() + 1)) {
                        Some(v) => format!("{k}={v}"),
                        None => format!("{k}-"),
                    };
                    edits.push(LabelEdit::parse(&arg).expect("pool edits are valid"));
                }
                let overwrite = overwrite % 2 == 0;
                match (inv.id(&key.0, &key.1), model.get_mut(&key)) {
                    (Some(id), Some(l)) => {
                        let got = inv
                            .relabel(id, &edits, overwrite)
                            .map_err(|e| e.to_string());
                        let want = l.apply(&edits, overwrite).map_err(|e| e.to_string());
                        assert_eq!(got, want);
                    }
                    (None, None) => {}
                    _ => panic!("index and model disagree on {key:?}"),
                }
            }
            3 => {
                let Some(key) = name(&mut b) else { break };
                assert_eq!(
                    inv.delete_named(&key.0, &key.1).is_some(),
                    model.remove(&key).is_some()
                );
            }
            4 => {
                if snapshots.len() < 4 {
                    snapshots.push((inv.snapshot(), model.clone()));
                }
            }
            _ => {
                let Some(sel) = selector(&mut b) else { break };
                check(&inv, &model, &sel);
                for (snap, then) in &snapshots {
                    check(snap, then, &sel);
                }
            }
        }
    }
    if let Err(e) = inv.internal_validate() {
        panic!("invariant broken: {e}");
    }
    for sel in ["", "app", "!env,cores>7", "app in (web,db),x.io/n notin ()"] {
        check(&inv, &model, &sel.parse().expect("fixed selectors parse"));
    }
});
