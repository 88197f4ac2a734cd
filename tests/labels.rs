//! `LabelSet`, `LabelEdit` and the key / value validators.

use label_selector::{
    ErrorKind, LabelEdit, LabelSet, Labels, validate_label_key, validate_label_value,
};

#[test]
fn label_set_is_sorted_validated_and_last_wins() {
    let set = LabelSet::from_pairs([("b", "1"), ("a", "2"), ("b", "3")]).unwrap();
    assert_eq!(set.iter().collect::<Vec<_>>(), [("a", "2"), ("b", "3")]);
    assert_eq!(set.len(), 2);
    assert!(!set.is_empty());
    assert_eq!(set.get_label("b"), Some("3"));
    assert!(set.contains_key("a"));
    assert!(!set.contains_key("c"));
    assert_eq!(set.to_string(), "a=2,b=3");
    assert_eq!(LabelSet::new().to_string(), "<none>");
    assert_eq!(format!("{set:?}"), r#"{"a": "2", "b": "3"}"#);

    let err = LabelSet::from_pairs([("ok", "1"), ("Bad/x", "1")]).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::KeyPrefixInvalid);
    assert_eq!(err.path(), Some("key"));
    let err = LabelSet::from_pairs([("ok", "not ok")]).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::ValueInvalid);
    assert_eq!(err.path(), Some("[ok]"));
}

#[test]
fn keys_already_in_order_keep_the_last_of_a_repeated_key() {
    // In key order with a repeat: the sorted fast path must still drop the earlier entry.
    let set = LabelSet::from_pairs([("a", "1"), ("a", "2"), ("b", "3")]).unwrap();
    assert_eq!(set.iter().collect::<Vec<_>>(), [("a", "2"), ("b", "3")]);
    assert_eq!(set.len(), 2);
    // In reverse order: sorted before use.
    let set = LabelSet::from_pairs([("c", "1"), ("b", "2"), ("a", "3")]).unwrap();
    assert_eq!(
        set.iter().collect::<Vec<_>>(),
        [("a", "3"), ("b", "2"), ("c", "1")]
    );
    assert_eq!(set.get("a"), Some("3"));
    let json: LabelSet = serde_json::from_str(r#"{"x": "1", "x": "2"}"#).unwrap();
    assert_eq!(json.iter().collect::<Vec<_>>(), [("x", "2")]);
}

#[test]
fn labels_are_read_through_references() {
    fn read<L: Labels>(labels: L, key: &str) -> (Option<String>, Option<usize>) {
        (
            labels.get_label(key).map(str::to_string),
            labels.as_label_set().map(LabelSet::len),
        )
    }
    let set = LabelSet::from_pairs([("app", "web"), ("tier", "db")]).unwrap();
    assert_eq!(read(&set, "app"), (Some("web".to_string()), Some(2)));
    assert_eq!(read(&set, "tier"), (Some("db".to_string()), Some(2)));
    assert_eq!(read(&set, "nope"), (None, Some(2)));
    let map: std::collections::BTreeMap<String, String> =
        [("app".to_string(), "api".to_string())].into();
    assert_eq!(read(&map, "app"), (Some("api".to_string()), None));
    let selector = label_selector::Selector::parse("app=web,tier").unwrap();
    assert!(selector.matches(&&set));
    assert!(!selector.matches(&&map));
}

#[test]
fn insert_and_remove() {
    let mut set = LabelSet::new();
    assert_eq!(set.insert("app", "web").unwrap(), None);
    assert_eq!(set.insert("app", "api").unwrap().as_deref(), Some("web"));
    assert!(set.insert("app", "-bad").is_err());
    assert_eq!(set.get("app"), Some("api"));
    assert_eq!(set.remove("app").as_deref(), Some("api"));
    assert_eq!(set.remove("app"), None);
    assert!(set.is_empty());
}

#[test]
fn kubectl_label_edits_are_all_or_nothing() {
    let mut set = LabelSet::from_pairs([("app", "web"), ("env", "prod")]).unwrap();
    let edits = LabelEdit::parse_all(["tier=db", "app=api"]).unwrap();
    let err = set.apply(&edits, false).unwrap_err();
    assert_eq!(
        err.kind(),
        &ErrorKind::LabelExists {
            current: "web".into()
        }
    );
    assert_eq!(err.input(), "app");
    assert_eq!(
        err.message(),
        "label already has the value 'web' and overwriting was not allowed"
    );
    assert_eq!(set.to_string(), "app=web,env=prod", "nothing applied");

    // Same value again is not a conflict.
    set.apply(&LabelEdit::parse_all(["app=web"]).unwrap(), false)
        .unwrap();
    set.apply(&edits, true).unwrap();
    assert_eq!(set.to_string(), "app=api,env=prod,tier=db");
    set.apply(&LabelEdit::parse_all(["env-", "missing-"]).unwrap(), false)
        .unwrap();
    assert_eq!(set.to_string(), "app=api,tier=db");
}

#[test]
fn label_edit_errors_point_into_the_argument() {
    let err = LabelEdit::parse("tier").unwrap_err();
    assert_eq!(
        err.message(),
        "expected 'key=value' or 'key-', found end of input"
    );
    assert_eq!(err.span(), 4..4);
    let err = LabelEdit::parse("tier=a b").unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::ValueInvalid);
    assert_eq!(err.span(), 6..7);
    let err = LabelEdit::parse("-x-").unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::KeyNameInvalid);
    assert_eq!(err.span(), 0..1);
    assert_eq!(
        LabelEdit::parse("a=").unwrap(),
        LabelEdit::Set {
            key: "a".into(),
            value: "".into()
        }
    );
}

#[test]
fn validators_name_the_fault() {
    for key in [
        "a", "A", "1", "a.b", "a_b", "a-b", "A__B..c", "x.io/a", "0.1-2/Z",
    ] {
        assert!(validate_label_key(key).is_ok(), "{key}");
    }
    let cases: &[(&str, ErrorKind, std::ops::Range<usize>)] = &[
        ("", ErrorKind::KeyNameEmpty, 0..0),
        ("a/b/c", ErrorKind::KeyTooManySlashes, 3..4),
        ("/a", ErrorKind::KeyPrefixEmpty, 0..1),
        ("a/", ErrorKind::KeyNameEmpty, 2..2),
        ("a\n", ErrorKind::KeyNameInvalid, 1..2),
        ("X/a", ErrorKind::KeyPrefixInvalid, 0..1),
        ("a..b/c", ErrorKind::KeyPrefixInvalid, 2..3),
    ];
    for (key, kind, span) in cases {
        let err = validate_label_key(key).unwrap_err();
        assert_eq!(err.kind(), kind, "{key:?}");
        assert_eq!(&err.span(), span, "{key:?}");
        assert_eq!(err.input(), *key);
    }
    assert!(validate_label_value("").is_ok());
    assert!(validate_label_value(&"v".repeat(63)).is_ok());
    assert_eq!(
        validate_label_value(&"v".repeat(64)).unwrap_err().kind(),
        &ErrorKind::ValueTooLong { len: 64 }
    );
    assert_eq!(
        validate_label_value("a\n").unwrap_err().kind(),
        &ErrorKind::ValueInvalid
    );
    assert_eq!(validate_label_value("_a").unwrap_err().span(), 0..1);

    // Namespaces: empty, or an RFC 1123 DNS label of at most 63 bytes.
    for ok in ["", "a", "kube-system", "0a9", &"a".repeat(63)] {
        assert!(label_selector::validate_namespace(ok).is_ok(), "{ok}");
    }
    for (bad, span) in [
        ("A", 0..1),
        ("-a", 0..1),
        ("a-", 1..2),
        ("ab-", 2..3),
        ("a_b", 1..2),
        ("a\u{e9}b", 1..3),
        ("ab\u{e9}", 2..4),
        (&"a".repeat(64), 63..64),
    ] {
        let err = label_selector::validate_namespace(bad).unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::NamespaceInvalid, "{bad}");
        assert_eq!(err.span(), span, "{bad}");
    }

    // A "too long" span starts at the limit, or before it when a character straddles it.
    let straddles = format!("{}\u{e9}b", "a".repeat(62)); // `é` is bytes 62..64
    let err = validate_label_value(&straddles).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::ValueTooLong { len: 65 });
    assert_eq!(err.span(), 62..65);
    assert_eq!(
        validate_label_value(&"v".repeat(64)).unwrap_err().span(),
        63..64
    );
    let key = format!("x/{}\u{e9}b", "a".repeat(62)); // the name's 63-byte limit is byte 65
    let err = validate_label_key(&key).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::KeyNameTooLong { len: 65 });
    assert_eq!(err.span(), 64..67);
    let key = format!("{}\u{e9}/x", "a".repeat(252)); // the prefix's limit is byte 253
    let err = validate_label_key(&key).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::KeyPrefixTooLong { len: 254 });
    assert_eq!(err.span(), 252..254);
}
