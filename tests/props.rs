//! Laws, checked on generated input: round trips, generated selectors parse, no panics, and
//! `matches` agrees with a deliberately simple second evaluator.

use std::collections::BTreeMap;

use label_selector::{LabelSet, Operator, Requirement, Selector};
use proptest::prelude::*;

/// Keys; the long ones share their first eight bytes, to exercise the fingerprint tie path.
pub(crate) const KEYS: &[&str] = &[
    "a",
    "b",
    "app",
    "in",
    "notin",
    "x.io/y",
    "B",
    "a-b",
    "abcdefgh",
    "abcdefghi",
    "app.kubernetes.io/name",
    "app.kubernetes.io/instance",
];
/// Values valid in selectors (label values).
pub(crate) const VALUES: &[&str] = &[
    "",
    "a",
    "b",
    "in",
    "1",
    "07",
    "10",
    "9223372036854775807",
    "Web",
    "abcdefgh",
    "abcdefgh1",
    "abcdefgh2",
];
/// Values an unvalidated label map may hold, including ones Gt/Lt must treat leniently.
pub(crate) const LABEL_VALUES: &[&str] = &[
    "",
    "a",
    "b",
    "in",
    "1",
    "07",
    "10",
    "+5",
    "-3",
    " 5",
    "1.5",
    "9223372036854775808",
    "Web",
    "\u{663}",
    "abcdefgh",
    "abcdefgh1",
    "abcdefgh2",
    "0000000000000000000012",
];

/// A requirement as the generator sees it: key, operator, values.
pub(crate) type Spec = (String, Operator, Vec<String>);

fn op_strategy() -> impl Strategy<Value = Operator> {
    prop_oneof![
        Just(Operator::Equals),
        Just(Operator::DoubleEquals),
        Just(Operator::NotEquals),
        Just(Operator::In),
        Just(Operator::NotIn),
        Just(Operator::Exists),
        Just(Operator::DoesNotExist),
        Just(Operator::GreaterThan),
        Just(Operator::LessThan),
    ]
}

pub(crate) fn spec_strategy() -> impl Strategy<Value = Spec> {
    (
        prop::sample::select(KEYS),
        op_strategy(),
        prop::collection::vec(prop::sample::select(VALUES), 1..4),
        prop::sample::select(&["0", "5", "007", "10", "9223372036854775807"][..]),
    )
        .prop_map(|(k, op, vals, num)| {
            let values = match op {
                Operator::In | Operator::NotIn => vals.iter().map(|s| s.to_string()).collect(),
                Operator::Exists | Operator::DoesNotExist => vec![],
                Operator::GreaterThan | Operator::LessThan => vec![num.to_string()],
                _ => vec![vals[0].to_string()],
            };
            (k.to_string(), op, values)
        })
}

/// A selector built from specs through `Requirement::new`.
fn selector_of(specs: &[Spec]) -> Selector {
    Selector::from_requirements(
        specs
            .iter()
            .map(|(k, op, v)| Requirement::new(k.as_str(), *op, v.iter().cloned()).unwrap()),
    )
}

/// Selectors for the engines' equivalence tests: mostly 1-4 generated requirements, sometimes
/// `nothing` or `everything`.
pub(crate) fn selector_strategy() -> impl Strategy<Value = Selector> {
    prop_oneof![
        1 => Just(Selector::nothing()),
        1 => Just(Selector::everything()),
        12 => prop::collection::vec(spec_strategy(), 1..5).prop_map(|s| selector_of(&s)),
    ]
}

fn ws() -> impl Strategy<Value = String> {
    prop::sample::select(&["", " ", "  ", "\t", "\n", " \r\n "][..]).prop_map(str::to_string)
}

/// Writes a spec as a selector string, with generated whitespace around tokens.
fn write_spec(spec: &Spec, w: &[String]) -> String {
    let (k, op, vals) = spec;
    let w = |i: usize| w[i % w.len()].as_str();
    match op {
        Operator::Exists => format!("{}{k}{}", w(0), w(1)),
        Operator::DoesNotExist => format!("{}!{}{k}{}", w(0), w(1), w(2)),
        Operator::In | Operator::NotIn => {
            let list: Vec<String> = vals
                .iter()
                .map(|v| format!("{}{v}{}", w(3), w(4)))
                .collect();
            // A keyword needs whitespace between it and the key.
            format!(
                "{}{k} {}{}({}){}",
                w(0),
                op.as_str(),
                w(2),
                list.join(","),
                w(5)
            )
        }
        _ => format!(
            "{}{k}{}{}{}{}{}",
            w(0),
            w(1),
            op.as_str(),
            w(2),
            vals[0],
            w(3)
        ),
    }
}

/// The second evaluator: written from the semantics table, sharing no code with the crate.
fn simple_matches(specs: &[Spec], labels: &BTreeMap<String, String>) -> bool {
    fn int(s: &str) -> Option<i128> {
        let (neg, digits) = match s.as_bytes().first() {
            Some(b'+') => (false, &s[1..]),
            Some(b'-') => (true, &s[1..]),
            _ => (false, s),
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let mut n: i128 = 0;
        for b in digits.bytes() {
            n = n * 10 + i128::from(b - b'0');
            if n > 1 << 64 {
                return None;
            }
        }
        let n = if neg { -n } else { n };
        (i128::from(i64::MIN)..=i128::from(i64::MAX))
            .contains(&n)
            .then_some(n)
    }
    specs.iter().all(|(k, op, vals)| {
        let v = labels.get(k);
        match op {
            Operator::Equals | Operator::DoubleEquals | Operator::In => {
                v.is_some_and(|v| vals.contains(v))
            }
            Operator::NotEquals | Operator::NotIn => v.is_none_or(|v| !vals.contains(v)),
            Operator::Exists => v.is_some(),
            Operator::DoesNotExist => v.is_none(),
            Operator::GreaterThan => v
                .and_then(|v| int(v))
                .is_some_and(|n| n > int(&vals[0]).unwrap()),
            Operator::LessThan => v
                .and_then(|v| int(v))
                .is_some_and(|n| n < int(&vals[0]).unwrap()),
        }
    })
}

/// Keys that share their first eight bytes, many also their length and last eight bytes (and
/// differ only between them).
fn tied_key() -> impl Strategy<Value = String> {
    (
        "app\\.kubernetes\\.(io|xx)/|abcdefgh|ab",
        "[ab]{1,3}(abababab|[ab]{0,6})",
    )
        .prop_map(|(p, s)| format!("{p}{s}"))
}

fn labels_strategy() -> impl Strategy<Value = BTreeMap<String, String>> {
    prop::collection::btree_map(
        prop::sample::select(KEYS).prop_map(str::to_string),
        prop::sample::select(LABEL_VALUES).prop_map(str::to_string),
        0..6,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Generated valid selectors always parse, print canonically, and parse back equal.
    #[test]
    fn generated_selectors_parse_and_round_trip(
        specs in prop::collection::vec(spec_strategy(), 0..6),
        spaces in prop::collection::vec(ws(), 6),
    ) {
        let text: Vec<String> = specs.iter().map(|s| write_spec(s, &spaces)).collect();
        let text = text.join(",");
        let sel = Selector::parse(&text).map_err(|e| TestCaseError::fail(format!("{text:?}: {e}")))?;
        prop_assert_eq!(sel.requirements().len(), specs.len());
        let canonical = sel.to_string();
        let again = Selector::parse(&canonical).unwrap();
        prop_assert_eq!(&again, &sel);
        prop_assert_eq!(again.to_string(), canonical);
        // Requirements come out sorted by key, stably.
        let mut keys: Vec<(&str, usize)> = specs.iter().enumerate().map(|(i, s)| (s.0.as_str(), i)).collect();
        keys.sort();
        let got: Vec<&str> = sel.requirements().iter().map(|r| r.key()).collect();
        let want: Vec<&str> = keys.iter().map(|k| k.0).collect();
        prop_assert_eq!(got, want);
    }

    /// `matches` agrees with the simple evaluator, on maps and on label sets.
    #[test]
    fn matches_agrees_with_simple_evaluator(
        specs in prop::collection::vec(spec_strategy(), 0..5),
        labels in labels_strategy(),
    ) {
        let text: Vec<String> = specs.iter().map(|s| write_spec(s, &[String::new()])).collect();
        let sel = Selector::parse(&text.join(",")).unwrap();
        let want = simple_matches(&specs, &labels);
        prop_assert_eq!(sel.matches(&labels), want);
        if let Ok(set) = LabelSet::from_pairs(&labels) {
            prop_assert_eq!(sel.matches(&set), want);
        }
    }

    /// Label sets of up to 40 keys that share their first eight bytes (and often their last
    /// eight), against selectors over the same keys: the sorted walk's comparison by tails, the
    /// middle bytes tails leave to compare, and runs of tied fingerprints long enough to be
    /// binary-searched.
    #[test]
    fn matches_on_shared_key_prefixes_agrees_with_simple_evaluator(
        pool in prop::collection::vec(tied_key(), 1..40),
        values in prop::collection::vec(prop::option::of("[ab]{0,2}"), 40),
        reqs in prop::collection::vec(
            (
                any::<prop::sample::Index>(),
                prop::sample::select(&[
                    Operator::Equals,
                    Operator::NotEquals,
                    Operator::In,
                    Operator::NotIn,
                    Operator::Exists,
                    Operator::DoesNotExist,
                ][..]),
                "[ab]{1,2}",
                "[ab]{1,2}",
            ),
            0..8,
        ),
    ) {
        let labels: BTreeMap<String, String> = pool
            .iter()
            .zip(&values)
            .filter_map(|(k, v)| Some((k.clone(), v.clone()?)))
            .collect();
        let specs: Vec<Spec> = reqs
            .into_iter()
            .map(|(i, op, a, b)| {
                let values = match op {
                    Operator::In | Operator::NotIn => vec![a, b],
                    Operator::Exists | Operator::DoesNotExist => vec![],
                    _ => vec![a],
                };
                (pool[i.index(pool.len())].clone(), op, values)
            })
            .collect();
        let sel = selector_of(&specs);
        let want = simple_matches(&specs, &labels);
        prop_assert_eq!(sel.matches(&labels), want);
        prop_assert_eq!(sel.matches(&LabelSet::from_pairs(&labels).unwrap()), want);
    }

    /// Arbitrary strings never panic; every accepted one round-trips.
    #[test]
    fn arbitrary_strings_never_panic(s in "\\PC{0,40}") {
        if let Ok(sel) = Selector::parse(&s) {
            prop_assert_eq!(Selector::parse(&sel.to_string()).unwrap(), sel);
        } else {
            let err = Selector::parse(&s).unwrap_err();
            prop_assert!(err.span().end <= s.len());
            let _ = err.to_string();
        }
    }

    /// Strings over the selector alphabet (more likely to be nearly valid) never panic either.
    #[test]
    fn selector_alphabet_never_panics(s in "[a-c!=(), \\t<>in0-9./\\-]{0,30}") {
        match Selector::parse(&s) {
            Ok(sel) => prop_assert_eq!(Selector::parse(&sel.to_string()).unwrap(), sel),
            Err(err) => {
                prop_assert!(err.span().start <= err.span().end && err.span().end <= s.len());
                let _ = err.to_string();
            }
        }
    }

    /// Long inputs with multi-byte characters near the length limits keep every error span on
    /// char boundaries (found by fuzzing: a "too long" span cut an NBSP in two).
    #[test]
    fn long_multibyte_inputs_keep_spans_on_char_boundaries(
        s in "([a\u{e9}\u{a0}0.]{240,260}/)?[a\u{e9}\u{a0}0.]{50,80}(=[a\u{e9}\u{a0}0.]{50,80})?"
    ) {
        if let Err(err) = Selector::parse(&s) {
            prop_assert!(s.is_char_boundary(err.span().start) && s.is_char_boundary(err.span().end));
            let _ = err.to_string();
        }
    }

    /// AND of selectors is intersection: `matches(a,b) == matches(a) && matches(b)`.
    #[test]
    fn conjunction_is_intersection(
        a in prop::collection::vec(spec_strategy(), 0..3),
        b in prop::collection::vec(spec_strategy(), 0..3),
        labels in labels_strategy(),
    ) {
        let sa: Vec<String> = a.iter().map(|s| write_spec(s, &[String::new()])).collect();
        let sb: Vec<String> = b.iter().map(|s| write_spec(s, &[String::new()])).collect();
        let both: Vec<String> = sa.iter().chain(sb.iter()).cloned().collect();
        let (sa, sb, both) = (
            Selector::parse(&sa.join(",")).unwrap(),
            Selector::parse(&sb.join(",")).unwrap(),
            Selector::parse(&both.join(",")).unwrap(),
        );
        prop_assert_eq!(both.matches(&labels), sa.matches(&labels) && sb.matches(&labels));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// `LabelSet::from_pairs` and `serde` sort a batch once; inserting the pairs one by one is
    /// the plain reference: the same set, the last value of a repeated key kept.
    #[test]
    fn bulk_label_sets_equal_one_by_one_inserts(
        pairs in proptest::collection::vec(("[a-e]{1,3}", "[a-c]{0,2}"), 0..300)
    ) {
        let mut plain = LabelSet::new();
        for (k, v) in &pairs {
            plain.insert(k, v).unwrap();
        }
        let bulk = LabelSet::from_pairs(pairs.iter().map(|(k, v)| (k, v))).unwrap();
        prop_assert_eq!(&bulk, &plain);
        let json = format!(
            "{{{}}}",
            pairs.iter().map(|(k, v)| format!("{k:?}:{v:?}")).collect::<Vec<_>>().join(",")
        );
        let read: LabelSet = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(&read, &plain);
    }
}
