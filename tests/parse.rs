//! The string form: every accepted input's canonical form and every rejection's kind, span
//! and message.

use label_selector::syntax;
use label_selector::{Error, ErrorKind, Expected, LabelSet, Limits, Operator, Selector};

use crate::util::{check_error, data};

#[test]
fn accepted_inputs_print_their_canonical_form() {
    let cases = data("parse_ok.json");
    for case in cases.as_array().unwrap() {
        let input = case[0].as_str().unwrap();
        let canonical = case[1].as_str().unwrap();
        let sel = Selector::parse(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
        assert_eq!(sel.to_string(), canonical, "canonical form of {input:?}");
        let again = Selector::parse(canonical).unwrap();
        assert_eq!(again, sel, "{canonical:?} parses back to the same selector");
        assert_eq!(again.to_string(), canonical);
    }
}

#[test]
fn rejected_inputs_name_kind_span_and_message() {
    let cases = data("parse_err.json");
    for case in cases.as_array().unwrap() {
        let input = case["input"].as_str().unwrap();
        let err = match Selector::parse(input) {
            Ok(s) => panic!("{input:?} was accepted as {s}"),
            Err(e) => e,
        };
        check_error(&err, case, &format!("{input:?}"));
        assert_eq!(err.input(), input);
        assert!(err.path().is_none());
        assert!(err.span().end <= input.len());
        assert!(input.is_char_boundary(err.span().start) && input.is_char_boundary(err.span().end));
    }
}

#[test]
fn empty_input_is_everything() {
    let s = Selector::parse("").unwrap();
    assert!(s.is_everything());
    assert!(!s.is_nothing());
    assert_eq!(s, Selector::everything());
    assert_ne!(Selector::everything(), Selector::nothing());
}

#[test]
fn requirements_expose_key_operator_values() {
    let s = Selector::parse("b notin (y,x,x), a>10, c==, !d, e").unwrap();
    let r: Vec<(&str, Operator, Vec<&str>)> = s
        .requirements()
        .iter()
        .map(|r| {
            (
                r.key(),
                r.operator(),
                r.values().iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(
        r,
        [
            ("a", Operator::GreaterThan, vec!["10"]),
            ("b", Operator::NotIn, vec!["x", "y"]),
            ("c", Operator::DoubleEquals, vec![""]),
            ("d", Operator::DoesNotExist, vec![]),
            ("e", Operator::Exists, vec![]),
        ]
    );
    assert_eq!(s.requirements()[0].threshold(), Some(10));
    assert_eq!(s.requirements()[1].threshold(), None);
}

#[test]
fn longest_key_is_317_bytes() {
    let prefix = format!("{}.{}", "a".repeat(126), "b".repeat(126));
    assert_eq!(prefix.len(), 253);
    let name = "c".repeat(63);
    let key = format!("{prefix}/{name}");
    assert_eq!(key.len(), 317);
    let s = Selector::parse(&format!("{key}={}", "v".repeat(63))).unwrap();
    assert_eq!(s.requirements()[0].key(), key);

    // One label of the prefix may be longer than 63: Kubernetes does not check label lengths.
    assert!(Selector::parse(&format!("{}/x", "a".repeat(100))).is_ok());

    let long_prefix = format!("{}a/x", prefix);
    let err = Selector::parse(&long_prefix).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::KeyPrefixTooLong { len: 254 });
    assert_eq!(err.span(), 253..254);
    assert_eq!(
        err.message(),
        "label key prefix longer than 253 bytes (254)"
    );

    let err = Selector::parse(&format!("x/{}", "n".repeat(64))).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::KeyNameTooLong { len: 64 });
    assert_eq!(err.span(), 65..66);
    assert_eq!(err.message(), "label key name longer than 63 bytes (64)");

    let err = Selector::parse(&format!("x in (a,{})", "v".repeat(64))).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::ValueTooLong { len: 64 });
    assert_eq!(err.span(), 71..72);
    assert_eq!(err.message(), "label value longer than 63 bytes (64)");
}

#[test]
fn a_64_digit_threshold_is_too_long_before_it_is_not_an_integer() {
    let err = Selector::parse(&format!("a>{}", "1".repeat(64))).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::ValueTooLong { len: 64 });
}

#[test]
fn limits_are_typed_errors_at_the_offending_place() {
    let limits = Limits::default().max_input_len(8);
    let err = Selector::parse_with("app=web,env=prod", &limits).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::InputTooLong { len: 16, limit: 8 });
    assert_eq!(err.span(), 8..16);
    assert_eq!(
        err.message(),
        "input of 16 bytes is longer than the limit of 8"
    );

    let limits = Limits::default().max_requirements(2);
    assert!(Selector::parse_with("a,b", &limits).is_ok());
    let err = Selector::parse_with("a,b,cc", &limits).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::TooManyRequirements { limit: 2 });
    assert_eq!(err.span(), 4..6);
    assert_eq!(err.message(), "more than 2 requirements");

    let limits = Limits::default().max_values(3);
    assert!(Selector::parse_with("x in (a,b,c)", &limits).is_ok());
    let err = Selector::parse_with("x in (a,b,c,d)", &limits).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::TooManyValues { limit: 3 });
    assert_eq!(err.span(), 12..14);
    assert_eq!(err.message(), "more than 3 values in one set");

    let d = Limits::default();
    assert_eq!(d.input_len_limit(), Limits::DEFAULT_MAX_INPUT_LEN);
    assert_eq!(d.requirements_limit(), 1024);
    assert_eq!(d.values_limit(), 4096);
    let big = "a,".repeat(1024) + "a";
    assert!(matches!(
        Selector::parse(&big).unwrap_err().kind(),
        ErrorKind::TooManyRequirements { limit: 1024 }
    ));
}

#[test]
fn input_over_the_limit_is_cut_on_a_char_boundary() {
    let limits = Limits::default().max_input_len(2);
    let err = Selector::parse_with("aé=b", &limits).unwrap_err();
    assert_eq!(err.span(), 3..5);
    assert!(err.to_string().contains("aé=b"));
}

#[test]
fn display_draws_a_caret_under_the_span() {
    let err = Selector::parse("app=web,,env=prod").unwrap_err();
    assert_eq!(
        err.to_string(),
        "expected a label key or '!' after ',', found ',' at byte 8\n  app=web,,env=prod\n          ^"
    );
    let err = Selector::parse("env in (prod").unwrap_err();
    assert_eq!(
        err.to_string(),
        "expected ',' or ')' to close the value list of 'env', found end of input at byte 12\n  env in (prod\n              ^"
    );
    let err = Selector::parse("x=a,Tier_/x=1").unwrap_err();
    assert_eq!(
        err.to_string(),
        "label key prefix must be a lowercase DNS subdomain: [a-z0-9] labels, '-' inside, joined by single '.' at byte 4\n  x=a,Tier_/x=1\n      ^"
    );
    // Control bytes are escaped in the drawing and the caret follows the escape.
    let err = Selector::parse("a=\0b").unwrap_err();
    assert_eq!(
        err.to_string(),
        "control character 0x00 is not allowed at byte 2\n  a=\\0b\n    ^^"
    );
    // Multi-byte characters count as one column.
    let err = Selector::parse("é=x,").unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::KeyNameInvalid);
    assert_eq!(
        err.to_string(),
        "label key name must be [A-Za-z0-9], '-', '_' or '.', starting and ending alphanumeric at byte 0\n  é=x,\n  ^"
    );
}

#[test]
fn expected_kinds_carry_the_context() {
    let err = Selector::parse("env in prod").unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::Expected {
            expected: Expected::OpenParen {
                operator: Operator::In
            }
        }
    );
    let err = Selector::parse("team (a)").unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::Expected {
            expected: Expected::Operator { key: "team".into() }
        }
    );
}

#[test]
fn syntax_tree_keeps_source_order_and_spans() {
    let ast = syntax::parse("b in (y,,x), !a, c=", &Limits::default()).unwrap();
    assert_eq!(ast.input(), "b in (y,,x), !a, c=");
    assert_eq!(ast.to_string(), "b in (y,,x),!a,c=");
    let reqs = ast.requirements();
    assert_eq!(reqs.len(), 3);
    assert_eq!(reqs[0].key(), "b");
    assert_eq!(reqs[0].operator(), Operator::In);
    assert_eq!(reqs[0].operator_span(), 2..4);
    assert_eq!(reqs[0].span(), 0..11);
    let v: Vec<_> = reqs[0]
        .values()
        .iter()
        .map(|v| (v.text(), v.span()))
        .collect();
    assert_eq!(v, [("y", 6..7), ("", 8..8), ("x", 9..10)]);
    assert_eq!(reqs[1].operator(), Operator::DoesNotExist);
    assert_eq!(reqs[1].span(), 13..15);
    assert_eq!(reqs[2].values()[0].span(), 19..19);
    // The syntax layer does not validate: that is the model's job.
    assert!(syntax::parse("B@D=!!", &Limits::default()).is_err());
    assert!(syntax::parse("B@D=x", &Limits::default()).is_ok());
}

#[test]
fn from_str_and_serde_use_the_canonical_string() {
    let s: Selector = "b, a=1".parse().unwrap();
    assert_eq!(serde_json::to_string(&s).unwrap(), "\"a=1,b\"");
    let back: Selector = serde_json::from_str("\"b,a=1\"").unwrap();
    assert_eq!(back, s);
    let nothing: Selector = serde_json::from_str("null").unwrap();
    assert!(nothing.is_nothing());
    assert_eq!(serde_json::to_string(&Selector::nothing()).unwrap(), "null");
    let err = serde_json::from_str::<Selector>("\"a,\"").unwrap_err();
    assert!(
        err.to_string()
            .contains("expected a label key or '!' after ','"),
        "{err}"
    );
    let opt: Option<Selector> = serde_json::from_str("\"x\"").unwrap();
    assert_eq!(opt.unwrap().to_string(), "x");
}

#[test]
fn serde_errors_say_what_was_expected_and_null_is_read_through_buffers() {
    let err = serde_json::from_str::<Selector>("3").unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid type: integer `3`, expected a label selector string or null at line 1 column 1"
    );
    let err = serde_json::from_str::<LabelSet>("[]").unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid type: sequence, expected a map of label keys to string values at line 1 column 0"
    );
    let err = serde_json::from_str::<LabelSet>(r#"{"a": 1}"#).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid type: integer `1`, expected a string at line 1 column 7"
    );
    let owned: LabelSet = serde_json::from_str(r#"{"a\u0062": "\u0063"}"#).unwrap();
    assert_eq!(owned.get("ab"), Some("c"));
    let from_value: LabelSet = serde_json::from_value(serde_json::json!({"app": "web"})).unwrap();
    assert_eq!(from_value.get("app"), Some("web"));

    // `#[serde(flatten)]` buffers the input, and a buffered null reaches the visitor as a
    // unit, not as `None`: it must still read as "selects nothing" / no labels.
    #[derive(serde::Deserialize)]
    struct Inner {
        selector: Selector,
        labels: LabelSet,
    }
    #[derive(serde::Deserialize)]
    struct Outer {
        #[serde(flatten)]
        inner: Inner,
    }
    let o: Outer = serde_json::from_str(r#"{"selector": null, "labels": null}"#).unwrap();
    assert!(o.inner.selector.is_nothing());
    assert!(o.inner.labels.is_empty());
    let o: Outer = serde_json::from_str(r#"{"selector": "a", "labels": {"a": "1"}}"#).unwrap();
    assert_eq!(o.inner.selector.to_string(), "a");
    assert_eq!(o.inner.labels.get("a"), Some("1"));
}

#[test]
fn public_types_are_send_sync_and_errors_are_std_errors() {
    fn assert_send_sync<T: Send + Sync + 'static>() {}
    assert_send_sync::<Selector>();
    assert_send_sync::<label_selector::Requirement>();
    assert_send_sync::<label_selector::LabelSet>();
    assert_send_sync::<Error>();
    assert_send_sync::<Limits>();
    assert_send_sync::<label_selector::NodeSelectorMatcher>();
    fn assert_error<T: std::error::Error>() {}
    assert_error::<Error>();
}

/// Fuzz regression: a long key whose byte 63 of the name falls inside a multi-byte character.
/// The length error's span must still start on a char boundary.
#[test]
fn fuzz_regression_length_span_on_char_boundary() {
    let input = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/fuzz/parse_selector-crash-f84d4ec0"
    ))
    .unwrap();
    let input = std::str::from_utf8(&input).unwrap();
    let err = Selector::parse(input).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::KeyNameTooLong { len: 121 });
    assert!(input.is_char_boundary(err.span().start));
    assert!(input.is_char_boundary(err.span().end));
    let _ = err.to_string();

    for (text, kind) in [
        (
            format!("{}é=a", "a".repeat(62)),
            ErrorKind::KeyNameTooLong { len: 64 },
        ),
        (
            format!("x={}é", "a".repeat(62)),
            ErrorKind::ValueTooLong { len: 64 },
        ),
        (
            format!("{}é/x", "a".repeat(252)),
            ErrorKind::KeyPrefixTooLong { len: 254 },
        ),
    ] {
        let err = Selector::parse(&text).unwrap_err();
        assert_eq!(err.kind(), &kind, "{text}");
        assert!(
            text.is_char_boundary(err.span().start),
            "{text}: {:?}",
            err.span()
        );
        let _ = err.to_string();
    }
}
