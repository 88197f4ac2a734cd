//! The index and query engine against the plain model: `select` must equal
//! `Selector::matches` object by object, after any sequence of events, in every snapshot.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use label_selector::{
    Error, ErrorKind, Inventory, LabelEdit, LabelSet, ObjectId, ObjectSet, Plan, Reader, Selector,
    Snapshot, View,
};
use proptest::prelude::*;

use crate::props::{KEYS, VALUES, selector_strategy};
use crate::util::{data, map_of, set_of};

const NAMESPACES: &[&str] = &["", "a", "kube-system"];

/// The plain model: labels by (namespace, name).
type Model = BTreeMap<(String, String), LabelSet>;

fn labels_strategy() -> impl Strategy<Value = LabelSet> {
    prop::collection::btree_map(
        prop::sample::select(KEYS),
        prop::sample::select(VALUES),
        0..6,
    )
    .prop_map(|m| LabelSet::from_pairs(m).unwrap())
}

/// The names of the selected objects, through the view.
fn names(view: &View, set: &ObjectSet) -> Vec<(String, String)> {
    set.iter()
        .map(|id| {
            let o = view.get(id).expect("selected ids are live");
            (o.namespace().to_string(), o.name().to_string())
        })
        .collect()
}

/// Checks every query entry point of `view` against plain evaluation over `model`.
fn check_queries(view: &View, model: &Model, sel: &Selector) -> Result<(), TestCaseError> {
    let plan: Plan<'_> = view.compile(sel);
    let got = plan.select();
    let mut got_names = names(view, &got);
    got_names.sort();
    let want: Vec<(String, String)> = model
        .iter()
        .filter(|(_, l)| sel.matches(*l))
        .map(|(k, _)| k.clone())
        .collect();
    prop_assert_eq!(
        &got_names,
        &want,
        "selector {:?}, plan {}",
        sel.to_string(),
        plan
    );
    prop_assert_eq!(plan.count(), want.len() as u64, "count of {}", plan);
    for ns in NAMESPACES {
        let want_ns = want.iter().filter(|(n, _)| n == ns).count() as u64;
        prop_assert_eq!(view.count_in(ns, sel), want_ns);
        prop_assert_eq!(view.select_in(ns, sel).len(), want_ns);
    }
    for ((ns, name), labels) in model {
        let id = view
            .id(ns, name)
            .expect("every model object is in the index");
        let obj = view.get(id).unwrap();
        prop_assert_eq!(&obj.labels(), labels);
        let expected = sel.matches(labels);
        prop_assert_eq!(plan.matches(id), expected);
        prop_assert_eq!(sel.matches(&obj), expected, "ObjectRef as Labels");
        check_explanation(
            &view.explain(id, sel).unwrap(),
            ns,
            name,
            labels,
            sel,
            expected,
        )?;
    }
    Ok(())
}

/// An explanation against plain evaluation: one step per requirement, in order, each with the
/// object's value and that requirement's own verdict; the first rejection; the printed form.
fn check_explanation(
    why: &label_selector::query::Explanation,
    ns: &str,
    name: &str,
    labels: &LabelSet,
    sel: &Selector,
    expected: bool,
) -> Result<(), TestCaseError> {
    prop_assert_eq!(why.matched(), expected);
    prop_assert_eq!(why.selector_is_nothing(), sel.is_nothing());
    prop_assert_eq!(why.steps().len(), sel.requirements().len());
    for (step, r) in why.steps().iter().zip(sel.requirements()) {
        prop_assert_eq!(step.requirement(), r);
        prop_assert_eq!(step.value(), labels.get(r.key()));
        let alone = Selector::from_requirements([r.clone()]).matches(labels);
        prop_assert_eq!(step.matched(), alone, "{}", r);
    }
    let first = why.steps().iter().find(|s| !s.matched());
    prop_assert_eq!(why.first_rejection(), first);
    let object = if ns.is_empty() {
        name.to_string()
    } else {
        format!("{ns}/{name}")
    };
    let verdict = if expected {
        "is selected"
    } else {
        "is not selected"
    };
    let mut text = format!("{object} {verdict}");
    if sel.is_nothing() {
        text.push_str(": the selector matches nothing");
    } else if sel.requirements().is_empty() {
        text.push_str(": the selector matches everything");
    }
    let printed = why.to_string();
    prop_assert!(printed.starts_with(&text), "{}", printed);
    prop_assert_eq!(printed.lines().count(), 1 + sel.requirements().len());
    Ok(())
}

/// One change to the inventory, on object `name` of namespace `ns` (indexes into pools).
#[derive(Clone, Debug)]
enum Event {
    Upsert(usize, usize, Box<LabelSet>),
    Relabel(usize, usize, Vec<LabelEdit>, bool),
    Delete(usize, usize),
}

fn edit_strategy() -> impl Strategy<Value = LabelEdit> {
    (
        prop::sample::select(KEYS),
        prop::option::of(prop::sample::select(VALUES)),
    )
        .prop_map(|(k, v)| match v {
            Some(v) => LabelEdit::parse(&format!("{k}={v}")).unwrap(),
            None => LabelEdit::parse(&format!("{k}-")).unwrap(),
        })
}

fn event_strategy() -> impl Strategy<Value = Event> {
    let who = (0..NAMESPACES.len(), 0..6usize);
    prop_oneof![
        3 => (who.clone(), labels_strategy()).prop_map(|((n, i), l)| Event::Upsert(n, i, Box::new(l))),
        3 => (who.clone(), prop::collection::vec(edit_strategy(), 0..4), any::<bool>())
            .prop_map(|((n, i), e, o)| Event::Relabel(n, i, e, o)),
        2 => who.prop_map(|(n, i)| Event::Delete(n, i)),
    ]
}

/// Applies an event to the index and the model; both must agree on success or failure.
fn apply(inv: &mut Inventory, model: &mut Model, event: &Event) -> Result<(), TestCaseError> {
    let key = |n: usize, i: usize| (NAMESPACES[n].to_string(), format!("obj-{i}"));
    match event {
        Event::Upsert(n, i, labels) => {
            let (ns, name) = key(*n, *i);
            let before = inv.id(&ns, &name);
            let id = inv.insert(&ns, &name, labels).unwrap();
            if let Some(b) = before {
                prop_assert_eq!(b, id, "an upsert keeps the id");
            }
            model.insert((ns, name), (**labels).clone());
        }
        Event::Relabel(n, i, edits, overwrite) => {
            let k = key(*n, *i);
            match (inv.id(&k.0, &k.1), model.get_mut(&k)) {
                (Some(id), Some(labels)) => {
                    let got = inv
                        .relabel(id, edits, *overwrite)
                        .map_err(|e| e.to_string());
                    let want = labels.apply(edits, *overwrite).map_err(|e| e.to_string());
                    prop_assert_eq!(got, want);
                }
                (None, None) => {}
                _ => return Err(TestCaseError::fail("index and model disagree on existence")),
            }
        }
        Event::Delete(n, i) => {
            let (ns, name) = key(*n, *i);
            let got = inv.delete_named(&ns, &name).is_some();
            let want = model.remove(&(ns, name)).is_some();
            prop_assert_eq!(got, want);
        }
    }
    Ok(())
}

/// Builds an inventory from scratch holding the model's objects.
fn rebuild(model: &Model) -> Inventory {
    let mut inv = Inventory::new();
    for ((ns, name), labels) in model {
        inv.insert(ns, name, labels).unwrap();
    }
    inv
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Random inventories (absent keys, empty values, numeric and non-numeric values) and
    /// random selectors: every query equals plain evaluation, object by object.
    #[test]
    fn indexed_queries_equal_plain_evaluation(
        objects in prop::collection::vec((0..NAMESPACES.len(), labels_strategy()), 0..40),
        selectors in prop::collection::vec(selector_strategy(), 1..8),
    ) {
        let mut inv = Inventory::new();
        let mut model = BTreeMap::new();
        for (i, (n, labels)) in objects.iter().enumerate() {
            let (ns, name) = (NAMESPACES[*n], format!("obj-{i}"));
            inv.insert(ns, &name, labels).unwrap();
            model.insert((ns.to_string(), name), labels.clone());
        }
        inv.internal_validate().map_err(TestCaseError::fail)?;
        let snap = inv.snapshot();
        for sel in &selectors {
            check_queries(&inv, &model, sel)?;
            check_queries(&snap, &model, sel)?;
            // AND is intersection; a negated key is the live set minus the key.
            for r in sel.requirements() {
                let one = Selector::from_requirements([r.clone()]);
                let both = sel.clone().and(r.clone());
                prop_assert_eq!(inv.select(&both), &inv.select(sel) & &inv.select(&one));
            }
        }
    }

    /// Random event sequences leave an index equal to one rebuilt from scratch, with every
    /// invariant intact after each event; snapshots taken along the way never change.
    #[test]
    fn event_sequences_equal_a_rebuilt_index(
        events in prop::collection::vec(event_strategy(), 1..60),
        selectors in prop::collection::vec(selector_strategy(), 1..4),
    ) {
        let mut inv = Inventory::new();
        let mut model = BTreeMap::new();
        let mut snapshots: Vec<(Snapshot, Model)> = Vec::new();
        for (i, e) in events.iter().enumerate() {
            apply(&mut inv, &mut model, e)?;
            inv.internal_validate().map_err(|err| TestCaseError::fail(format!("after {e:?}: {err}")))?;
            if i % 7 == 0 {
                snapshots.push((inv.snapshot(), model.clone()));
            }
        }
        let fresh = rebuild(&model);
        let (a, b) = (inv.stats(), fresh.stats());
        prop_assert_eq!((a.objects, a.keys, a.values, a.namespaces), (b.objects, b.keys, b.values, b.namespaces));
        for sel in &selectors {
            check_queries(&inv, &model, sel)?;
            prop_assert_eq!(names(&inv, &inv.select(sel)).len(), names(&fresh, &fresh.select(sel)).len());
            for (snap, then) in &snapshots {
                check_queries(snap, then, sel)?;
            }
        }
        for (snap, _) in &snapshots {
            inv_validate_snapshot(snap)?;
        }
    }
}

/// Snapshots hold no hidden writer state; checking the writer is enough, but a snapshot's
/// objects must all be live and named.
fn inv_validate_snapshot(snap: &Snapshot) -> Result<(), TestCaseError> {
    for o in snap.iter() {
        prop_assert_eq!(snap.id(o.namespace(), o.name()), Some(o.id()));
    }
    prop_assert_eq!(snap.iter().count(), snap.len());
    Ok(())
}

/// The semantics corpus through the index: each case's label sets become objects.
#[test]
fn semantics_corpus_through_the_index() {
    let mut checked = 0;
    for case in data("matches.json").as_array().unwrap() {
        let text = case["selector"].as_str().unwrap();
        let sel = Selector::parse(text).unwrap();
        let mut inv = Inventory::new();
        let mut want = ObjectSet::new();
        for (i, pair) in case["cases"].as_array().unwrap().iter().enumerate() {
            // Label values the index refuses (such as "+5") cannot be stored.
            let Some(labels) = set_of(&map_of(&pair[0])) else {
                continue;
            };
            let id = inv.insert("ns", &format!("o{i}"), &labels).unwrap();
            if pair[1].as_bool().unwrap() {
                want.insert(id);
            }
            checked += 1;
        }
        assert_eq!(
            inv.select(&sel),
            want,
            "{text:?}: plan {}",
            inv.compile(&sel)
        );
        assert_eq!(inv.count(&sel), want.len(), "{text:?}");
    }
    assert!(checked > 80, "only {checked} cases ran");
}

fn pod(pairs: &[(&str, &str)]) -> LabelSet {
    LabelSet::from_pairs(pairs.iter().copied()).unwrap()
}

#[test]
fn plans_fold_constants_and_order_inputs() {
    let mut inv = Inventory::new();
    for i in 0..10 {
        let env = if i < 7 { "prod" } else { "dev" };
        let mut labels = vec![("env", env), ("team", "a")];
        if i == 0 {
            labels.push(("gpu", "true"));
        }
        inv.insert("ns", &format!("p{i}"), &pod(&labels)).unwrap();
    }
    let plan = |s: &str| inv.compile(&s.parse().unwrap()).to_string();
    assert_eq!(plan("env=prod"), "(env=prod [7])");
    assert_eq!(plan("env=prod,gpu"), "(gpu [1]) & (env=prod [7])");
    assert_eq!(plan("env=nope"), "empty");
    assert_eq!(plan("nokey"), "empty");
    assert_eq!(
        plan("team"),
        "live [10]",
        "a key on every object folds away"
    );
    assert_eq!(plan("!team"), "empty");
    assert_eq!(plan("!nokey,env!=nope"), "live [10]");
    assert_eq!(plan("!gpu"), "live [10] - (gpu [1])");
    assert_eq!(plan("env in (prod,dev,x)"), "(env in {dev,prod} [10])");
    assert_eq!(inv.compile(&Selector::nothing()).to_string(), "empty");
    assert!(inv.compile(&Selector::nothing()).is_empty());
    // Known empty only when no object can match.
    for s in ["env=nope", "nokey", "!team", "env=prod,env=dev"] {
        let p = inv.compile(&s.parse().unwrap());
        assert_eq!(p.is_empty(), p.to_string() == "empty", "{s}: {p}");
    }
    for s in ["env=prod", "team", "!gpu", ""] {
        assert!(!inv.compile(&s.parse().unwrap()).is_empty(), "{s}");
    }
    // A set none of whose values is stored is known empty too.
    let none = inv.compile(&"env in (nope,nada)".parse().unwrap());
    assert!(none.is_empty(), "{none}");
    assert!(format!("{none:?}").contains("empty"), "{none:?}");
    assert_eq!(inv.count(&Selector::nothing()), 0);
    assert_eq!(inv.count(&Selector::everything()), 10);
}

#[test]
fn numeric_ranges_use_lenient_integers() {
    let mut inv = Inventory::new();
    for (i, v) in [
        "007",
        "8",
        "10",
        "9223372036854775807",
        "9223372036854775808",
        "x",
        "0",
    ]
    .iter()
    .enumerate()
    {
        inv.insert("", &format!("n{i}"), &pod(&[("cores", v)]))
            .unwrap();
    }
    inv.insert("", "none", &LabelSet::new()).unwrap();
    let names = |s: &str| {
        let set = inv.select(&s.parse().unwrap());
        set.iter()
            .map(|id| inv.get(id).unwrap().name().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(names("cores>7"), ["n1", "n2", "n3"]);
    assert_eq!(names("cores<8"), ["n0", "n6"]);
    assert_eq!(names("cores>9223372036854775806"), ["n3"]);
    assert_eq!(names("cores>9223372036854775807"), Vec::<String>::new());
    assert_eq!(names("cores<0"), Vec::<String>::new());
}

#[test]
fn relabel_and_delete_keep_ids_and_reuse_them() {
    let mut inv = Inventory::new();
    let a = inv
        .insert("ns", "a", &pod(&[("app", "web"), ("v", "1")]))
        .unwrap();
    let b = inv.insert("ns", "b", &pod(&[("app", "web")])).unwrap();
    assert_ne!(a, b);
    inv.relabel(a, &LabelEdit::parse_all(["v=2", "app-"]).unwrap(), true)
        .unwrap();
    assert_eq!(inv.get(a).unwrap().labels().to_string(), "v=2");
    assert_eq!(inv.get(a).unwrap().label("v"), Some("2"));
    assert_eq!(inv.get(a).unwrap().label("app"), None);
    let before = inv.version();
    inv.relabel(a, &LabelEdit::parse_all(["v=2", "gone-"]).unwrap(), false)
        .unwrap();
    assert_eq!(inv.version(), before, "a no-op relabel changes nothing");
    assert!(inv.delete(a));
    assert!(!inv.delete(a));
    assert_eq!(inv.get(a).map(|o| o.name()), None);
    let c = inv.insert("other", "c", &LabelSet::new()).unwrap();
    assert_eq!(c, a, "the freed id is reused");
    assert_eq!(inv.id("ns", "a"), None);
    assert_eq!(inv.namespaces().count(), 2);
    inv.internal_validate().unwrap();
}

#[test]
fn errors_name_the_place_and_leave_the_index_unchanged() {
    let mut inv = Inventory::new();
    let id = inv.insert("ns", "a", &pod(&[("app", "web")])).unwrap();
    let check = |err: Error, kind: &str, text: &str| {
        assert_eq!(
            format!("{:?}", err.kind()).split([' ', '{']).next(),
            Some(kind)
        );
        assert_eq!(err.to_string(), text);
    };
    check(
        inv.insert("Shop", "x", &LabelSet::new()).unwrap_err(),
        "NamespaceInvalid",
        "namespace must be empty or a DNS label: at most 63 bytes of [a-z0-9-], starting and ending alphanumeric at byte 0\n  Shop\n  ^",
    );
    check(
        inv.insert("ns", "a/b", &LabelSet::new()).unwrap_err(),
        "NameInvalid",
        "object name must be 1 to 253 bytes, not '.' or '..', without '/', '%' or control characters at byte 1\n  a/b\n   ^",
    );
    check(
        inv.relabel(ObjectId::new(9), &[], true).unwrap_err(),
        "NoSuchObject",
        "no live object has this id: '9'",
    );
    check(
        inv.set_labels(ObjectId::new(9), &LabelSet::new())
            .unwrap_err(),
        "NoSuchObject",
        "no live object has this id: '9'",
    );
    let err = inv
        .relabel(id, &LabelEdit::parse_all(["x=1", "app=db"]).unwrap(), false)
        .unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::LabelExists { current } if &**current == "web"));
    assert_eq!(
        inv.get(id).unwrap().labels().to_string(),
        "app=web",
        "all or nothing"
    );
    assert_eq!(inv.len(), 1);
    inv.internal_validate().unwrap();
}

#[test]
fn snapshots_are_isolated_and_readers_see_what_was_published() {
    let mut inv = Inventory::new();
    let reader = inv.reader();
    let web: Selector = "app=web".parse().unwrap();
    let id = inv.insert("ns", "a", &pod(&[("app", "web")])).unwrap();
    assert_eq!(reader.snapshot().count(&web), 0);
    let s1 = inv.snapshot();
    assert_eq!(reader.snapshot().version(), s1.version());
    inv.relabel(id, &LabelEdit::parse_all(["app=api"]).unwrap(), true)
        .unwrap();
    inv.insert("ns", "b", &pod(&[("app", "web")])).unwrap();
    assert_eq!(s1.count(&web), 1);
    assert_eq!(s1.get(id).unwrap().label("app"), Some("web"));
    assert_eq!(reader.snapshot().count(&web), 1);
    inv.publish();
    let s2 = reader.snapshot();
    assert_eq!(s2.count(&web), 1);
    assert_eq!(s2.get(id).unwrap().label("app"), Some("api"));
    assert!(s2.version() > s1.version());
    // Unchanged: the same snapshot comes back.
    assert_eq!(inv.snapshot().version(), s2.version());
}

#[test]
fn public_types_are_send_and_sync() {
    fn both<T: Send + Sync>() {}
    both::<Inventory>();
    both::<Snapshot>();
    both::<Reader>();
    both::<View>();
    both::<Plan<'static>>();
    both::<ObjectSet>();
    both::<label_selector::Explanation>();
}

/// One writer, several readers. The writer keeps an invariant that a torn relabel would
/// break: every object has `a` and `b` with the same value, changed together by one relabel.
/// Each reader checks its snapshot's query answers against plain evaluation of the same
/// snapshot's objects, and the invariant through the index.
#[test]
fn stress_one_writer_many_readers() {
    const OBJECTS: usize = 300;
    const EVENTS: usize = 20_000;
    let mut inv = Inventory::new();
    for i in 0..OBJECTS {
        inv.insert(
            "ns",
            &format!("o{i}"),
            &pod(&[("a", "0"), ("b", "0"), ("tier", "x")]),
        )
        .unwrap();
    }
    inv.publish();
    let reader = inv.reader();
    let done = Arc::new(AtomicBool::new(false));
    let selectors: Vec<Selector> = [
        "a=1",
        "a!=1,b",
        "a in (2,3),tier",
        "!b",
        "a>1",
        "tier,a notin (0)",
    ]
    .iter()
    .map(|s| s.parse().unwrap())
    .collect();
    let readers: Vec<_> = (0..3)
        .map(|_| {
            let reader: Reader = reader.clone();
            let done = Arc::clone(&done);
            let selectors = selectors.clone();
            std::thread::spawn(move || {
                let mut checks = 0u64;
                let mut versions = std::collections::BTreeSet::new();
                while !done.load(Ordering::Relaxed) || checks == 0 {
                    let snap = reader.snapshot();
                    versions.insert(snap.version());
                    for sel in &selectors {
                        let got = snap.select(sel);
                        let want: ObjectSet = snap
                            .iter()
                            .filter(|o| sel.matches(o))
                            .map(|o| o.id())
                            .collect();
                        assert_eq!(got, want, "{sel} at version {}", snap.version());
                    }
                    for v in 0..4 {
                        let torn: Selector = format!("a={v},b!={v}").parse().unwrap();
                        assert_eq!(snap.count(&torn), 0, "a torn relabel was visible");
                    }
                    checks += 1;
                }
                (checks, versions.len())
            })
        })
        .collect();
    let mut state = 1u64;
    for e in 0..EVENTS {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let id = inv
            .id("ns", &format!("o{}", (state >> 33) as usize % OBJECTS))
            .unwrap();
        let v = (state >> 20) % 4;
        let edits = LabelEdit::parse_all([format!("a={v}"), format!("b={v}")]).unwrap();
        inv.relabel(id, &edits, true).unwrap();
        if e % 50 == 0 {
            inv.publish();
        }
    }
    inv.publish();
    done.store(true, Ordering::Relaxed);
    for r in readers {
        let (checks, versions) = r.join().expect("a reader failed");
        assert!(checks > 0 && versions > 0);
    }
    inv.internal_validate().unwrap();
}

#[test]
fn large_inventories_cross_the_probing_thresholds() {
    // Below 16 (or 256 for a set) the accumulator probes each input; past them inputs are
    // built and intersected or subtracted. 1 200 objects reach both sides, with sets (`in`,
    // `notin`) in the intersected and the subtracted inputs.
    let mut inv = Inventory::new();
    let mut model = BTreeMap::new();
    let envs = ["prod", "dev", "stage", "test"];
    for i in 0..1_200 {
        let mut labels = vec![
            ("team", if i % 2 == 0 { "a" } else { "b" }),
            ("env", envs[i % 4]),
        ];
        if i % 3 != 0 {
            labels.push(("tier", "web"));
        }
        if i % 97 == 0 {
            labels.push(("canary", "true"));
        }
        let labels = label_selector::LabelSet::from_pairs(labels).unwrap();
        let (ns, name) = (NAMESPACES[i % NAMESPACES.len()], format!("obj-{i}"));
        inv.insert(ns, &name, &labels).unwrap();
        model.insert((ns.to_string(), name), labels);
    }
    for s in [
        "team=a,env in (dev,stage,test)",
        "tier,env in (prod,dev,stage)",
        "team=a,env notin (prod,dev)",
        "env notin (prod,dev)",
        "tier,env notin (prod)",
        "!tier,env in (prod,stage)",
        "env in (prod,dev),canary",
        // Two sets and nothing else: counted by the two-input shortcut only if it builds both
        // unions (a mutation sample survivor read a union as an empty posting there).
        "env in (prod,dev),tier in (web,api)",
        "team=a,!tier",
        "team=a,tier",
        // Excluded values of one key are counted, not subtracted; those of another key, whose
        // objects overlap them, are subtracted first.
        "env notin (prod,dev),tier!=web",
        "team=a,env notin (prod,stage,test),!canary",
        "tier notin (web),env notin (dev)",
        "!canary",
        "tier",
        "",
    ] {
        check_queries(&inv, &model, &s.parse().unwrap()).unwrap();
    }
}

/// One generated OR term: label requirements and name conditions (`(name index, equal)`).
type TermSpec = (Option<Selector>, Option<Vec<(usize, bool)>>);

/// Names for the OR-of-terms test: the objects take the first eight, conditions any of ten (so
/// some name no object).
const TERM_NAMES: &[&str] = &["n0", "n1", "n2", "n3", "n4", "n5", "n6", "n7", "n8", "n9"];

fn term_strategy() -> impl Strategy<Value = TermSpec> {
    (
        prop::option::of(selector_strategy()),
        prop::option::of(prop::collection::vec(
            (0..TERM_NAMES.len(), any::<bool>()),
            0..3,
        )),
    )
}

/// The plain evaluation of `base` AND (term OR term ...) for one object, the reference of the
/// `compile_any` tests. Name conditions are about cluster-scoped objects: a namespaced object
/// of the same name is never `In` and always `NotIn`; a term with neither part selects nothing.
fn plain_any(
    base: Option<&Selector>,
    terms: &[label_selector::query::AnyTerm],
    ns: &str,
    name: &str,
    labels: &LabelSet,
) -> bool {
    base.is_none_or(|b| b.matches(labels))
        && terms.iter().any(|t| {
            (t.labels.is_some() || t.names.is_some())
                && t.labels.as_ref().is_none_or(|s| s.matches(labels))
                && t.names
                    .iter()
                    .flatten()
                    .all(|c| (ns.is_empty() && name == c.name) == c.equal)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// `compile_any` (a base AND an OR of terms, as required node affinity is) against plain
    /// evaluation, object by object: `select`, `matches` and `explain` agree with it. Name
    /// conditions are about cluster-scoped objects: a namespaced object of the same name is
    /// never `In` and always `NotIn`.
    #[test]
    fn any_plans_equal_plain_evaluation(
        objects in prop::collection::vec((0..2usize, 0..8usize, labels_strategy()), 0..30),
        base in prop::option::of(selector_strategy()),
        specs in prop::collection::vec(term_strategy(), 0..4),
    ) {
        use label_selector::query::{AnyTerm, NameCondition};
        let mut inv = Inventory::new();
        let mut model = Model::new();
        for (n, name, labels) in &objects {
            let (ns, name) = (NAMESPACES[*n], TERM_NAMES[*name]);
            inv.insert(ns, name, labels).unwrap();
            model.insert((ns.to_string(), name.to_string()), labels.clone());
        }
        let terms: Vec<AnyTerm> = specs
            .iter()
            .map(|(labels, names)| AnyTerm {
                labels: labels.clone(),
                names: names.as_ref().map(|cs| {
                    cs.iter()
                        .map(|&(i, equal)| NameCondition { name: TERM_NAMES[i].to_string(), equal })
                        .collect()
                }),
            })
            .collect();
        let plain = |ns: &str, name: &str, labels: &LabelSet| {
            plain_any(base.as_ref(), &terms, ns, name, labels)
        };
        let snap = inv.snapshot();
        for view in [&*inv, &*snap] {
            let plan = view.compile_any(base.as_ref(), &terms);
            let mut got = names(view, &plan.select());
            got.sort();
            let want: Vec<(String, String)> = model
                .iter()
                .filter(|((ns, name), l)| plain(ns, name, l))
                .map(|(k, _)| k.clone())
                .collect();
            prop_assert_eq!(&got, &want, "base {:?}, terms {:?}", base, terms);
            for ((ns, name), labels) in &model {
                let id = view.id(ns, name).unwrap();
                let expected = plain(ns, name, labels);
                prop_assert_eq!(plan.matches(id), expected, "{}/{}", ns, name);
                let tree = plan.explain(id).unwrap();
                prop_assert_eq!(tree.matched(), expected);
                prop_assert_eq!(tree.terms.len(), terms.len());
                prop_assert_eq!(tree.base.is_some(), base.is_some());
                let text = tree.to_string();
                let head = format!("{name} {}", if expected { "is selected" } else { "is not selected" });
                prop_assert!(text.starts_with(&head), "{}", text);
            }
        }
        // A deleted object's id is no longer explained.
        if let Some(((ns, name), _)) = model.iter().next() {
            let id = inv.id(ns, name).unwrap();
            prop_assert!(inv.delete(id));
            prop_assert!(inv.compile_any(base.as_ref(), &terms).explain(id).is_none());
        }
    }
}

/// The printed explanations, pinned: a selector's steps, `nothing` and `everything`, and an
/// OR of terms with a base, an empty term and negated name conditions.
#[test]
fn explanations_print_each_step() {
    use label_selector::query::{AnyTerm, NameCondition};
    let mut inv = Inventory::new();
    let web = inv
        .insert("shop", "web-1", &pod(&[("app", "web"), ("env", "dev")]))
        .unwrap();
    let node = inv
        .insert("", "node-a", &pod(&[("zone", "z1"), ("disk", "ssd")]))
        .unwrap();
    let sel: Selector = "app=web,env in (prod,dev),!gpu".parse().unwrap();
    assert_eq!(
        inv.explain(web, &sel).unwrap().to_string(),
        "shop/web-1 is selected\n\
         ok     app=web  (app=\"web\")\n\
         ok     env in (dev,prod)  (env=\"dev\")\n\
         ok     !gpu  (gpu absent)"
    );
    assert_eq!(
        inv.explain(node, &"tier".parse().unwrap())
            .unwrap()
            .to_string(),
        "node-a is not selected\nREJECT tier  (tier absent)"
    );
    assert_eq!(
        inv.explain(web, &Selector::nothing()).unwrap().to_string(),
        "shop/web-1 is not selected: the selector matches nothing"
    );
    assert_eq!(
        inv.explain(web, &Selector::everything())
            .unwrap()
            .to_string(),
        "shop/web-1 is selected: the selector matches everything"
    );
    let terms = [
        AnyTerm::default(),
        AnyTerm {
            labels: Some("zone=z2".parse().unwrap()),
            names: Some(vec![NameCondition {
                name: "node-b".into(),
                equal: false,
            }]),
        },
        AnyTerm {
            labels: None,
            names: Some(vec![NameCondition {
                name: "node-c".into(),
                equal: false,
            }]),
        },
    ];
    let base: Selector = "disk=ssd".parse().unwrap();
    let plan = inv.compile_any(Some(&base), &terms);
    let tree = plan.explain(node).unwrap();
    assert!(tree.matched());
    assert_eq!(
        tree.to_string(),
        "node-a is selected\n\
         base: ok     disk=ssd  (disk=\"ssd\")\n\
         term 0: REJECT (empty term)\n\
         term 1: REJECT zone=z2  (zone=\"z1\")\n\
         term 1: ok     name not node-b  (name \"node-a\")\n\
         term 2: ok     name not node-c  (name \"node-a\")"
    );
    let names: Vec<_> = plan.select().iter().collect();
    assert_eq!(names, [node]);
    let no_base = inv.compile_any(None, &terms[..2]).explain(node).unwrap();
    assert!(!no_base.matched());
    assert_eq!(
        no_base.to_string(),
        "node-a is not selected\n\
         term 0: REJECT (empty term)\n\
         term 1: REJECT zone=z2  (zone=\"z1\")\n\
         term 1: ok     name not node-b  (name \"node-a\")"
    );
    assert!(inv.compile_any(None, &[]).select().is_empty());
}

/// Checks that `bulk` (after `insert_all`) holds exactly what `seq` (after the same objects
/// were inserted one by one) holds: the same ids, names and labels, the same counts.
fn same_inventories(seq: &Inventory, bulk: &Inventory) -> Result<(), TestCaseError> {
    bulk.internal_validate().map_err(TestCaseError::fail)?;
    prop_assert_eq!(seq.len(), bulk.len());
    for o in seq.iter() {
        let b = bulk.get(o.id());
        prop_assert!(b.is_some(), "id {} is not live after insert_all", o.id());
        let b = b.unwrap();
        prop_assert_eq!((o.namespace(), o.name()), (b.namespace(), b.name()));
        prop_assert_eq!(o.labels(), b.labels());
    }
    let (a, b) = (seq.stats(), bulk.stats());
    prop_assert_eq!(
        (a.objects, a.keys, a.values, a.namespaces),
        (b.objects, b.keys, b.values, b.namespaces)
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// `insert_all` equals inserting the batch in order: over an inventory that events have
    /// shaped (freed ids to reuse, objects to upsert), with names repeated inside the batch.
    /// Queries on the result equal plain evaluation; a snapshot taken before never changes.
    #[test]
    fn bulk_inserts_equal_inserts_in_order(
        before in prop::collection::vec(event_strategy(), 0..30),
        batch in prop::collection::vec((0..NAMESPACES.len(), 0..9usize, labels_strategy()), 0..30),
        selectors in prop::collection::vec(selector_strategy(), 1..4),
    ) {
        let (mut seq, mut bulk) = (Inventory::new(), Inventory::new());
        let (mut model, mut model2) = (BTreeMap::new(), BTreeMap::new());
        for e in &before {
            apply(&mut seq, &mut model, e)?;
            apply(&mut bulk, &mut model2, e)?;
        }
        let then = bulk.snapshot();
        let then_model = model.clone();
        let names: Vec<(&str, String)> =
            batch.iter().map(|(n, i, _)| (NAMESPACES[*n], format!("obj-{i}"))).collect();
        let mut want_ids = Vec::new();
        for ((ns, name), (_, _, labels)) in names.iter().zip(&batch) {
            want_ids.push(seq.insert(ns, name, labels).unwrap());
            model.insert((ns.to_string(), name.clone()), labels.clone());
        }
        let ids = bulk
            .insert_all(names.iter().zip(&batch).map(|((ns, name), (_, _, l))| (*ns, name.as_str(), l)))
            .unwrap();
        prop_assert_eq!(ids, want_ids);
        same_inventories(&seq, &bulk)?;
        for sel in &selectors {
            check_queries(&bulk, &model, sel)?;
            check_queries(&then, &then_model, sel)?;
        }
    }
}

/// Bulk loads at the sizes where the structures change: tens of thousands of objects (past
/// the 4 096-entry copy-on-write nodes), postings past 4 096 members per 65 536 ids (roaring's
/// bitset containers), freed ids reused below the largest member, objects already present,
/// and a name written twice in the batch.
#[test]
fn bulk_loads_at_scale_equal_inserts_in_order() {
    let labels_of = |i: usize| {
        let app = format!("app-{}", i % 97);
        let shard = (i % 3).to_string();
        let instance = format!("i-{i}");
        let mut pairs = vec![
            ("app", app),
            ("tier", "web".to_string()),
            ("shard", shard),
            ("instance", instance),
        ];
        if i.is_multiple_of(10) {
            pairs.push(("canary", String::new()));
        }
        LabelSet::from_pairs(pairs).unwrap()
    };
    let (mut seq, mut bulk) = (Inventory::new(), Inventory::new());
    for inv in [&mut seq, &mut bulk] {
        for i in 0..20_000 {
            inv.insert("old", &format!("p{i}"), &labels_of(i)).unwrap();
        }
        for i in (0..20_000).step_by(3) {
            inv.delete_named("old", &format!("p{i}")).unwrap();
        }
    }
    let before = bulk.snapshot();
    let mut batch: Vec<(String, String, LabelSet)> = (0..75_000)
        .map(|i| {
            let ns = ["a", "b", "c"][i % 3].to_string();
            (ns, format!("p{i}"), labels_of(i * 7))
        })
        .collect();
    // Objects present before the batch, and one written twice.
    batch.push(("old".into(), "p1".into(), labels_of(5)));
    batch.push(("a".into(), "p0".into(), labels_of(1)));
    let mut want = Vec::new();
    for (ns, name, labels) in &batch {
        want.push(seq.insert(ns, name, labels).unwrap());
    }
    let ids = bulk
        .insert_all(
            batch
                .iter()
                .map(|(ns, name, l)| (ns.as_str(), name.as_str(), l)),
        )
        .unwrap();
    assert_eq!(ids, want);
    same_inventories(&seq, &bulk).unwrap();
    for text in [
        "tier=web",
        "tier=web,!canary",
        "shard in (0,2),app!=app-3",
        "canary",
    ] {
        let sel: Selector = text.parse().unwrap();
        assert_eq!(bulk.select(&sel), seq.select(&sel), "{text}");
    }
    assert_eq!(before.len(), 20_000 - 6_667);
    assert_eq!(before.count(&"tier=web".parse().unwrap()), 20_000 - 6_667);
}

/// A refused batch changes nothing, and names the item at fault.
#[test]
fn a_refused_bulk_load_changes_nothing() {
    let web = pod(&[("app", "web")]);
    let mut inv = Inventory::new();
    inv.insert("shop", "a", &web).unwrap();
    let version = inv.snapshot();
    let err = inv
        .insert_all([
            ("shop", "b", &web),
            ("shop", "a", &web),
            ("shop", "c/d", &web),
        ])
        .unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::NameInvalid));
    assert_eq!(err.path(), Some("[2]"));
    assert_eq!(err.span(), 1..2);
    inv.internal_validate().unwrap();
    assert_eq!(inv.len(), 1);
    assert_eq!(inv.id("shop", "b"), None);
    assert_eq!(inv.count(&"app=web".parse().unwrap()), version.len() as u64);
    assert_eq!(inv.insert_all([]).unwrap(), []);
}

/// A refused item's error reads with its place in the batch.
#[test]
fn a_bulk_load_error_names_the_item() {
    let web = pod(&[("app", "web")]);
    let err = Inventory::new()
        .insert_all([("shop", "a", &web), ("Shop", "b", &web)])
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "[1]: namespace must be empty or a DNS label: at most 63 bytes of [a-z0-9-], starting \
         and ending alphanumeric\n  Shop\n  ^"
    );
}

/// Ids for the set-law test, up to three roaring containers wide: dense runs and every other
/// id of a range (past 4 096 members a container turns from an array into a bitset), and
/// sparse ids.
fn id_set() -> impl Strategy<Value = Vec<u32>> {
    prop::collection::vec(
        prop_oneof![
            (0u32..200_000, 1u32..9_000).prop_map(|(s, n)| (s..s + n).collect::<Vec<u32>>()),
            (0u32..200_000, 1u32..20_000).prop_map(|(s, n)| (s..s + n).step_by(2).collect()),
            prop::collection::vec(0u32..200_000, 0..50),
        ],
        0..4,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// `ObjectSet` against a `BTreeSet` of the same ids, on sets whose containers are arrays,
    /// bitsets or both: every operator form and size, and the laws that tie them together.
    #[test]
    fn object_sets_obey_set_laws(
        a in id_set(),
        b in id_set(),
        probes in prop::collection::vec(0u32..210_000, 8),
    ) {
        use std::collections::BTreeSet;
        let set = |v: &[u32]| -> ObjectSet { v.iter().map(|&i| ObjectId::new(i)).collect() };
        let ids = |s: &ObjectSet| -> Vec<u32> { s.iter().map(ObjectId::get).collect() };
        let plain = |m: BTreeSet<u32>| -> Vec<u32> { m.into_iter().collect() };
        let (sa, sb) = (set(&a), set(&b));
        let (ma, mb): (BTreeSet<u32>, BTreeSet<u32>) =
            (a.iter().copied().collect(), b.iter().copied().collect());

        let (and, or, sub) = (&sa & &sb, &sa | &sb, &sa - &sb);
        prop_assert_eq!(ids(&and), plain(&ma & &mb));
        prop_assert_eq!(ids(&or), plain(&ma | &mb));
        prop_assert_eq!(ids(&sub), plain(&ma - &mb));
        prop_assert_eq!(ids(&sa), plain(ma.clone()));
        prop_assert_eq!(sa.len(), ma.len() as u64);
        prop_assert_eq!(sa.is_empty(), ma.is_empty());
        prop_assert_eq!(sa.first().map(ObjectId::get), ma.first().copied());
        let back: Vec<u32> = sa.iter().rev().map(ObjectId::get).collect();
        prop_assert_eq!(back, ma.iter().rev().copied().collect::<Vec<_>>());
        let owned: Vec<u32> = sa.clone().into_iter().map(ObjectId::get).collect();
        prop_assert_eq!(owned, ids(&sa));

        // Sizes without building the set.
        prop_assert_eq!(sa.intersection_len(&sb), and.len());
        prop_assert_eq!(sa.union_len(&sb), or.len());
        prop_assert_eq!(sa.difference_len(&sb), sub.len());
        prop_assert_eq!(or.len() + and.len(), sa.len() + sb.len());

        // Every operator form gives the same set.
        prop_assert_eq!(&(sa.clone() & &sb), &and);
        prop_assert_eq!(&(sa.clone() | sb.clone()), &or);
        prop_assert_eq!(&(sa.clone() - sb.clone()), &sub);
        let mut x = sa.clone();
        x &= &sb;
        prop_assert_eq!(&x, &and);
        let mut x = sa.clone();
        x |= &sb;
        prop_assert_eq!(&x, &or);
        let mut x = sa.clone();
        x -= &sb;
        prop_assert_eq!(&x, &sub);

        // Laws.
        prop_assert_eq!(&(&sb & &sa), &and);
        prop_assert_eq!(&(&sb | &sa), &or);
        prop_assert_eq!(&(&sa - &sub), &and);
        prop_assert_eq!(&(&or - &sb), &sub);
        prop_assert_eq!(&(&sub | &and), &sa);
        prop_assert!((&sub & &sb).is_empty());
        prop_assert_eq!(&ObjectSet::union_all([&sa, &sb, &and]), &or);
        let mut extended = sa.clone();
        extended.extend(sb.iter());
        prop_assert_eq!(&extended, &or);

        // Membership, and inserting and removing one id.
        for p in probes {
            let id = ObjectId::new(p);
            prop_assert_eq!(sa.contains(id), ma.contains(&p));
            let mut x = sa.clone();
            prop_assert_eq!(x.insert(id), !ma.contains(&p));
            prop_assert!(x.contains(id));
            prop_assert_eq!(x.len(), sa.len() + u64::from(!ma.contains(&p)));
            prop_assert!(x.remove(id));
            prop_assert!(!x.contains(id));
            prop_assert_eq!(x.len(), sa.len() - u64::from(ma.contains(&p)));
        }
    }
}

/// `compile_any` (the shape of required node affinity) on 140 000 cluster-scoped objects, over
/// three roaring containers with bitset and array postings: `select` and `matches` against
/// plain evaluation, with a base, name conditions (`In` and `NotIn` on one name) and an empty
/// term.
#[test]
fn any_plans_at_scale_equal_plain_evaluation() {
    use label_selector::query::{AnyTerm, NameCondition};
    let zones = ["a", "b", "c", "d"];
    let objects: Vec<(String, LabelSet)> = (0..140_000usize)
        .map(|i| {
            let mut labels = vec![("zone", zones[i % 4].to_string())];
            if i % 3 != 0 {
                labels.push(("pool", format!("p{}", i % 7)));
            }
            if i % 10 == 0 {
                labels.push(("gpu", "true".to_string()));
            }
            labels.push(("rack", format!("r{}", i % 50)));
            (format!("n{i}"), LabelSet::from_pairs(labels).unwrap())
        })
        .collect();
    let mut inv = Inventory::new();
    inv.insert_all(objects.iter().map(|(n, l)| ("", n.as_str(), l)))
        .unwrap();
    let sel = |s: &str| Some(s.parse::<Selector>().unwrap());
    let name = |n: &str, equal| NameCondition {
        name: n.to_string(),
        equal,
    };
    let cases: Vec<(Option<Selector>, Vec<AnyTerm>)> = vec![
        (
            sel("!gpu"),
            vec![
                AnyTerm {
                    labels: sel("zone in (a,b),pool notin (p1,p2)"),
                    names: None,
                },
                AnyTerm {
                    labels: sel("rack=r7"),
                    names: Some(vec![name("n7", false)]),
                },
                AnyTerm {
                    labels: None,
                    names: Some(vec![name("n10", true)]),
                },
            ],
        ),
        (
            None,
            vec![
                AnyTerm {
                    labels: sel("gpu,zone!=c"),
                    names: None,
                },
                AnyTerm {
                    labels: None,
                    names: None,
                },
                AnyTerm {
                    labels: sel("pool in (p3,p4,p5),rack notin (r1,r2,r3)"),
                    names: None,
                },
            ],
        ),
        (sel("pool"), vec![]),
    ];
    for (base, terms) in &cases {
        let plain = |n: &str, l: &LabelSet| plain_any(base.as_ref(), terms, "", n, l);
        let plan = inv.compile_any(base.as_ref(), terms);
        let got: Vec<ObjectId> = plan.select().iter().collect();
        let want: Vec<ObjectId> = objects
            .iter()
            .filter(|(n, l)| plain(n, l))
            .map(|(n, _)| inv.id("", n).unwrap())
            .collect();
        assert!(
            terms.is_empty() || want.len() > 4_096,
            "the case reaches bitset containers"
        );
        assert_eq!(got, want, "base {base:?}, terms {terms:?}");
        for (n, l) in objects.iter().step_by(997) {
            assert_eq!(plan.matches(inv.id("", n).unwrap()), plain(n, l), "{n}");
        }
    }
}
