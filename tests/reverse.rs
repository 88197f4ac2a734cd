//! Reverse matching against the linear scan: `SelectorIndex::matching` must return exactly the
//! registered selectors whose scope holds the namespace and whose `Selector::matches` holds,
//! after any sequence of inserts, replacements and removals.

use std::collections::{BTreeMap, BTreeSet};

use label_selector::{ErrorKind, Scope, Selector, SelectorIndex};
use proptest::prelude::*;

use crate::props::{KEYS, LABEL_VALUES, selector_strategy};
use crate::util::{data, map_of};

const NAMESPACES: &[&str] = &["", "a", "b", "kube-system"];

/// The plain model: scope and selector by key.
type Model = BTreeMap<u8, (Scope, Selector)>;

fn scope_strategy() -> impl Strategy<Value = Scope> {
    prop_oneof![
        1 => Just(Scope::All),
        4 => prop::sample::select(NAMESPACES).prop_map(Scope::namespace),
        2 => prop::collection::btree_set(prop::sample::select(NAMESPACES), 0..3)
            .prop_map(Scope::namespaces),
    ]
}

/// An object: a namespace and labels as a sequence in which a key may repeat (the last value
/// counts), with values a label map may hold but a selector may not (`+5`, `1.5`, `٣`).
fn object_strategy() -> impl Strategy<Value = (String, Vec<(String, String)>)> {
    objects_over(NAMESPACES, KEYS, LABEL_VALUES, 7)
}

/// An object in one of `namespaces` with fewer than `most` labels drawn from `keys` and
/// `values`.
fn objects_over(
    namespaces: &'static [&'static str],
    keys: &'static [&'static str],
    values: &'static [&'static str],
    most: usize,
) -> impl Strategy<Value = (String, Vec<(String, String)>)> {
    (
        prop::sample::select(namespaces),
        prop::collection::vec(
            (prop::sample::select(keys), prop::sample::select(values)),
            0..most,
        ),
    )
        .prop_map(|(ns, labels)| {
            let labels = labels
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            (ns.to_string(), labels)
        })
}

#[derive(Clone, Debug)]
enum Event {
    Insert(u8, Scope, Selector),
    Remove(u8),
}

fn event_strategy() -> impl Strategy<Value = Event> {
    prop_oneof![
        4 => (0..24u8, scope_strategy(), selector_strategy())
            .prop_map(|(k, scope, sel)| Event::Insert(k, scope, sel)),
        1 => (0..24u8).prop_map(Event::Remove),
    ]
}

/// The linear scan: every registered selector, in key order.
fn scan(model: &Model, ns: &str, labels: &[(String, String)]) -> Vec<u8> {
    let map: BTreeMap<&str, &str> = labels
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    model
        .iter()
        .filter(|(_, (scope, sel))| scope.contains(ns) && sel.matches(&map))
        .map(|(&k, _)| k)
        .collect()
}

/// Applies one event to the index and the model; both must agree on whether a selector was
/// replaced or removed.
fn apply(index: &mut SelectorIndex<u8>, model: &mut Model, e: &Event) -> Result<(), TestCaseError> {
    match e {
        Event::Insert(k, scope, sel) => {
            let replaced = index.insert(*k, scope.clone(), sel).unwrap();
            let was = model.insert(*k, (scope.clone(), sel.clone()));
            prop_assert_eq!(replaced, was.is_some());
        }
        Event::Remove(k) => {
            prop_assert_eq!(index.remove(k), model.remove(k).is_some());
        }
    }
    Ok(())
}

fn check(
    index: &SelectorIndex<u8>,
    model: &Model,
    objects: &[(String, Vec<(String, String)>)],
) -> Result<(), TestCaseError> {
    index.internal_validate().map_err(TestCaseError::fail)?;
    prop_assert_eq!(index.len(), model.len());
    for (ns, labels) in objects {
        let mut got: Vec<u8> = index
            .matching(ns, labels.clone())
            .into_iter()
            .copied()
            .collect();
        got.sort_unstable();
        let want = scan(model, ns, labels);
        prop_assert_eq!(&got, &want, "namespace {:?}, labels {:?}", ns, labels);
        prop_assert_eq!(index.matching_count(ns, labels.clone()), want.len());
    }
    for (k, (scope, sel)) in model {
        prop_assert_eq!(index.get(k), Some((scope.clone(), sel.clone())));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Insert / replace / remove sequences, checked against the scan after every event.
    #[test]
    fn matching_equals_the_linear_scan_after_any_events(
        events in prop::collection::vec(event_strategy(), 1..40),
        objects in prop::collection::vec(object_strategy(), 1..8),
    ) {
        let mut index = SelectorIndex::new();
        let mut model = Model::new();
        for e in &events {
            apply(&mut index, &mut model, e)?;
            check(&index, &model, &objects)?;
        }
        // Removing everything leaves nothing interned behind.
        for k in model.keys() {
            prop_assert!(index.remove(k));
        }
        prop_assert!(index.is_empty());
        let empty = SelectorIndex::<u8>::new();
        prop_assert_eq!(format!("{index:?}"), format!("{empty:?}"));
    }
}

/// A selector over three keys of three values each, so that many selectors share postings.
fn crowded_selector() -> impl Strategy<Value = Selector> {
    let requirement = |key: &'static str| {
        prop_oneof![
            3 => Just(None),
            4 => prop::sample::select(&["a", "b", "c"][..]).prop_map(move |v| Some(format!("{key}={v}"))),
            1 => Just(Some(format!("{key} in (a,b)"))),
            1 => prop::sample::select(&["a", "b"][..]).prop_map(move |v| Some(format!("{key}!={v}"))),
            1 => Just(Some(key.to_string())),
        ]
    };
    (requirement("app"), requirement("env"), requirement("tier")).prop_map(|(a, e, t)| {
        let text: Vec<String> = [a, e, t].into_iter().flatten().collect();
        text.join(",").parse().unwrap()
    })
}

fn crowded_object() -> impl Strategy<Value = (String, Vec<(String, String)>)> {
    objects_over(&["a", "b"], &["app", "env", "tier"], &["a", "b", "c"], 4)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Up to 64 selectors over nine `key=value` pairs: postings pass 4, 8 and 16 members,
    /// selectors filed when a posting was short are moved off it as it grows, and removals
    /// shrink postings below the lengths that moved them. Matching stays the scan's.
    #[test]
    fn crowded_postings_re_anchor_and_stay_exact(
        events in prop::collection::vec(
            prop_oneof![
                5 => (0..64u8, prop_oneof![
                        4 => Just(Scope::namespace("a")),
                        1 => Just(Scope::namespace("b")),
                        1 => Just(Scope::All),
                        1 => Just(Scope::namespaces(["a", "b"])),
                    ], crowded_selector())
                    .prop_map(|(k, scope, sel)| Event::Insert(k, scope, sel)),
                1 => (0..64u8).prop_map(Event::Remove),
            ],
            20..160,
        ),
        objects in prop::collection::vec(crowded_object(), 1..8),
    ) {
        let mut index = SelectorIndex::new();
        let mut model = Model::new();
        for e in &events {
            apply(&mut index, &mut model, e)?;
            check(&index, &model, &objects)?;
        }
    }
}

/// The semantics corpus, one selector at a time, on every label map of its cases, including
/// maps that an `Inventory` refuses (such as `+5`).
#[test]
fn semantics_corpus_through_the_reverse_index() {
    let mut checked = 0;
    for case in data("matches.json").as_array().unwrap() {
        let text = case["selector"].as_str().unwrap();
        let sel = Selector::parse(text).unwrap();
        let mut index = SelectorIndex::new();
        index.insert(0, Scope::All, &sel).unwrap();
        index
            .insert(1, Scope::namespace("elsewhere"), &sel)
            .unwrap();
        for pair in case["cases"].as_array().unwrap() {
            let labels = map_of(&pair[0]);
            let want = usize::from(pair[1].as_bool().unwrap());
            assert_eq!(
                index.matching_count("ns", &labels),
                want,
                "{text:?} on {labels:?}"
            );
            checked += 1;
        }
    }
    assert!(checked > 80, "only {checked} cases ran");
}

fn index_of(entries: &[(&'static str, Scope, &str)]) -> SelectorIndex<&'static str> {
    let mut index = SelectorIndex::new();
    for (k, scope, text) in entries {
        index
            .insert(*k, scope.clone(), &text.parse().unwrap())
            .unwrap();
    }
    index
}

#[track_caller]
fn hits(
    index: &SelectorIndex<&'static str>,
    ns: &str,
    labels: &[(&str, &str)],
) -> Vec<&'static str> {
    let mut got: Vec<&str> = index
        .matching(ns, labels.iter().copied())
        .into_iter()
        .copied()
        .collect();
    got.sort_unstable();
    got
}

#[test]
fn absent_keys_numbers_everything_and_nothing() {
    let shop = || Scope::namespace("shop");
    let mut index = index_of(&[
        ("ne", shop(), "env!=prod"),
        ("notin", shop(), "env notin (prod,dev)"),
        ("no-gpu", shop(), "!gpu"),
        ("all", shop(), ""),
        ("gt", Scope::All, "cores>8"),
        ("lt", Scope::All, "cores<4"),
        ("in", shop(), "env in (prod,dev),tier"),
    ]);
    index
        .insert("none", Scope::All, &Selector::nothing())
        .unwrap();
    assert_eq!(hits(&index, "shop", &[]), ["all", "ne", "no-gpu", "notin"]);
    assert_eq!(hits(&index, "shop", &[("env", "prod")]), ["all", "no-gpu"]);
    assert_eq!(
        hits(&index, "shop", &[("env", "dev"), ("tier", "")]),
        ["all", "in", "ne", "no-gpu"]
    );
    assert_eq!(
        hits(&index, "shop", &[("env", "qa"), ("gpu", "")]),
        ["all", "ne", "notin"]
    );
    // Integers as Go's ParseInt reads them: leading zeros and `+` yes, spaces and `٣` no.
    assert_eq!(hits(&index, "", &[("cores", "016")]), ["gt"]);
    assert_eq!(hits(&index, "", &[("cores", "+3")]), ["lt"]);
    assert_eq!(hits(&index, "", &[("cores", " 3")]), Vec::<&str>::new());
    assert_eq!(
        hits(&index, "", &[("cores", "\u{663}")]),
        Vec::<&str>::new()
    );
    // The last value of a repeated key counts, as in a map.
    assert_eq!(hits(&index, "", &[("cores", "2"), ("cores", "9")]), ["gt"]);
    // Other namespaces see only cluster-wide selectors.
    assert_eq!(
        hits(&index, "other", &[("env", "prod"), ("cores", "9")]),
        ["gt"]
    );
}

#[test]
fn scopes_of_sets_and_replacement() {
    let mut index = index_of(&[
        ("set", Scope::namespaces(["a", "b"]), "app=web"),
        ("empty-set", Scope::namespaces(Vec::<String>::new()), ""),
        ("cluster", Scope::namespace(""), "app=web"),
    ]);
    let web = [("app", "web")];
    assert_eq!(hits(&index, "a", &web), ["set"]);
    assert_eq!(hits(&index, "b", &web), ["set"]);
    assert_eq!(hits(&index, "c", &web), Vec::<&str>::new());
    assert_eq!(hits(&index, "", &web), ["cluster"]);
    // Replacing moves the selector to its new scope and its new requirements.
    assert!(
        index
            .insert("set", Scope::namespace("c"), &"app!=web".parse().unwrap())
            .unwrap()
    );
    assert_eq!(hits(&index, "a", &web), Vec::<&str>::new());
    assert_eq!(hits(&index, "c", &[("app", "db")]), ["set"]);
    assert_eq!(index.get("set").unwrap().0, Scope::namespace("c"));
    index.internal_validate().unwrap();
}

#[test]
fn many_selectors_sharing_a_label_are_told_apart() {
    // ReplicaSets of one Deployment share `app`; only the one with the pod's hash owns it.
    let mut index = SelectorIndex::new();
    for i in 0..200 {
        let sel: Selector = format!("app=web,pod-template-hash=h{i}").parse().unwrap();
        index.insert(i, Scope::namespace("shop"), &sel).unwrap();
    }
    for i in 0..50 {
        let sel: Selector = format!("app=web,track!=t{i}").parse().unwrap();
        index
            .insert(1000 + i, Scope::namespace("shop"), &sel)
            .unwrap();
    }
    let pod = [
        ("app", "web"),
        ("pod-template-hash", "h77"),
        ("track", "t3"),
    ];
    let mut got: Vec<i32> = index.matching("shop", pod).into_iter().copied().collect();
    got.sort_unstable();
    let want: Vec<i32> = std::iter::once(77)
        .chain((1000..1050).filter(|&k| k != 1003))
        .collect();
    assert_eq!(got, want);
    index.internal_validate().unwrap();
}

#[test]
fn bad_scopes_are_refused_and_change_nothing() {
    let mut index = index_of(&[("web", Scope::namespace("shop"), "app=web")]);
    let before = format!("{index:?}");
    for (scope, span) in [
        (Scope::namespace("Shop"), 0..1),
        (Scope::namespaces(["ok", "-bad"]), 0..1),
        (Scope::namespace("a".repeat(64)), 63..64),
    ] {
        let err = index
            .insert("web", scope.clone(), &"app=db".parse().unwrap())
            .unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::NamespaceInvalid, "{scope}");
        assert_eq!(err.span(), span, "{scope}");
        assert_eq!(
            err.to_string().lines().next().unwrap(),
            format!(
                "namespace must be empty or a DNS label: at most 63 bytes of [a-z0-9-], \
                 starting and ending alphanumeric at byte {}",
                span.start
            )
        );
    }
    assert_eq!(format!("{index:?}"), before);
    assert_eq!(hits(&index, "shop", &[("app", "web")]), ["web"]);
    index.internal_validate().unwrap();
}

#[test]
fn scope_display_and_contains() {
    assert_eq!(Scope::All.to_string(), "*");
    assert_eq!(Scope::namespace("a").to_string(), "a");
    assert_eq!(Scope::namespaces(["b", "a", "b"]).to_string(), "{a,b}");
    assert!(!Scope::namespaces(BTreeSet::<String>::new()).contains(""));
}

#[test]
fn selector_index_is_send_and_sync() {
    fn both<T: Send + Sync>() {}
    both::<SelectorIndex<String>>();
    both::<Scope>();
}
