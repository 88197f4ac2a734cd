//! Structured selectors: `LabelSelector` and `NodeSelector` with Kubernetes' semantics, the way
//! back, and agreement with k8s-openapi's wire types.

use label_selector::{LabelSelector, NodeSelector, NodeSelectorMatcher, Selector};
use serde_json::Value;

use crate::util::{check_error, data, map_of};

#[test]
fn label_selector_corpus() {
    for case in data("label_selectors.json").as_array().unwrap() {
        let ls: Option<LabelSelector> = serde_json::from_value(case["selector"].clone()).unwrap();
        let context = case["selector"].to_string();
        let result = Selector::from_label_selector(ls.as_ref());
        if let Some(want) = case.get("error") {
            let err = result.expect_err(&context);
            check_error(&err, want, &context);
            continue;
        }
        let sel = result.unwrap_or_else(|e| panic!("{context}: {e}"));
        assert_eq!(
            sel.to_string(),
            case["canonical"].as_str().unwrap(),
            "{context}"
        );
        assert_eq!(
            sel.is_nothing(),
            case["nothing"] == Value::Bool(true),
            "{context}"
        );
        assert_eq!(
            sel.is_everything(),
            case["everything"] == Value::Bool(true),
            "{context}"
        );
        // The way back keeps the meaning.
        let back = sel.to_label_selector().unwrap();
        assert_eq!(
            Selector::from_label_selector(back.as_ref()).unwrap(),
            sel,
            "{context}"
        );
    }
}

#[test]
fn node_selector_corpus() {
    for case in data("node_selectors.json").as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let ns: NodeSelector = serde_json::from_value(case["selector"].clone()).unwrap();
        match case.get("error") {
            Some(want) => {
                let err = NodeSelectorMatcher::new(&ns).expect_err(name);
                check_error(&err, want, name);
            }
            None => {
                NodeSelectorMatcher::new(&ns).unwrap_or_else(|e| panic!("{name}: {e}"));
            }
        }
        let lazy = NodeSelectorMatcher::new_lazy(&ns);
        assert_eq!(lazy.terms().len(), ns.node_selector_terms.len());
        for node in case
            .get("nodes")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let node_name = node[0].as_str().unwrap();
            let labels = map_of(&node[1]);
            let ok = node[2].as_bool().unwrap();
            let want = node[3].as_bool().unwrap();
            match lazy.matches(node_name, &labels) {
                Ok(got) => {
                    assert!(
                        ok,
                        "{name}: {node_name} {labels:?} should have been an error"
                    );
                    assert_eq!(got, want, "{name}: {node_name} {labels:?}");
                }
                Err(e) => assert!(!ok, "{name}: {node_name} {labels:?}: unexpected {e}"),
            }
        }
    }
}

#[test]
fn conversion_back_keeps_meaning_or_says_why_not() {
    let s = Selector::parse("a=x,a=y").unwrap();
    let ls = s.to_label_selector().unwrap().unwrap();
    assert_eq!(
        serde_json::to_value(&ls).unwrap(),
        serde_json::json!({
            "matchLabels": {"a": "x"},
            "matchExpressions": [{"key": "a", "operator": "In", "values": ["y"]}]
        })
    );
    assert_eq!(
        Selector::try_from(&ls).unwrap(),
        Selector::parse("a=x,a in (y)").unwrap()
    );
    assert_eq!(Selector::nothing().to_label_selector().unwrap(), None);
    assert_eq!(
        Selector::everything().to_label_selector().unwrap(),
        Some(LabelSelector::default())
    );

    let err = Selector::parse("a=1,version!=v1")
        .unwrap()
        .to_label_selector()
        .unwrap_err();
    assert_eq!(
        err.message(),
        "cannot be written as a structured selector: '!=' has no structured form; write 'key notin (value)'"
    );
    assert_eq!(err.input(), "version!=v1");
    let err = Selector::parse("cores>4")
        .unwrap()
        .to_label_selector()
        .unwrap_err();
    assert_eq!(
        err.message(),
        "cannot be written as a structured selector: '>' and '<' exist only in node selectors"
    );
}

#[test]
fn limits_apply_to_structured_selectors() {
    use label_selector::{ErrorKind, Limits};
    let ls: LabelSelector = serde_json::from_value(serde_json::json!({
        "matchExpressions": [{"key": "a", "operator": "In", "values": ["1", "2", "3"]}]
    }))
    .unwrap();
    let err = Selector::from_label_selector_with(Some(&ls), &Limits::default().max_values(2))
        .unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::TooManyValues { limit: 2 });
    assert_eq!(err.path(), Some("matchExpressions[0].values"));
    let err = Selector::from_label_selector_with(Some(&ls), &Limits::default().max_requirements(0))
        .unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::TooManyRequirements { limit: 0 });
    // Each limit is inclusive: exactly the limit is accepted.
    let exact = Limits::default().max_values(3).max_requirements(1);
    let s = Selector::from_label_selector_with(Some(&ls), &exact).unwrap();
    assert_eq!(s.to_string(), "a in (1,2,3)");
    let two: LabelSelector = serde_json::from_value(serde_json::json!({
        "matchLabels": {"b": "x"},
        "matchExpressions": [{"key": "a", "operator": "Exists"}]
    }))
    .unwrap();
    assert!(Selector::from_label_selector_with(Some(&two), &exact).is_err());
    let s = Selector::from_label_selector_with(Some(&two), &exact.max_requirements(2)).unwrap();
    assert_eq!(s.to_string(), "a,b=x");
}

#[test]
fn structured_errors_render_their_path() {
    let ls: LabelSelector = serde_json::from_value(serde_json::json!({
        "matchExpressions": [{"key": "zone", "operator": "In", "values": ["a", "b c"]}]
    }))
    .unwrap();
    let err = Selector::from_label_selector(Some(&ls)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "matchExpressions[0].values[1]: label value must be empty or [A-Za-z0-9], '-', '_' or '.', starting and ending alphanumeric\n  b c\n   ^"
    );
}

/// Our wire types read what k8s-openapi writes, with the same meaning.
#[test]
fn agrees_with_k8s_openapi_wire_format() {
    use k8s_openapi::apimachinery::pkg::apis::meta::v1 as metav1;
    use std::collections::BTreeMap;
    let theirs = metav1::LabelSelector {
        match_labels: Some(BTreeMap::from([("app".to_string(), "web".to_string())])),
        match_expressions: Some(vec![metav1::LabelSelectorRequirement {
            key: "env".into(),
            operator: "In".into(),
            values: Some(vec!["prod".into(), "staging".into()]),
        }]),
    };
    let json = serde_json::to_value(&theirs).unwrap();
    let ours: LabelSelector = serde_json::from_value(json.clone()).unwrap();
    let sel = Selector::from_label_selector(Some(&ours)).unwrap();
    assert_eq!(sel.to_string(), "app=web,env in (prod,staging)");
    // And what we write back, they read.
    let back = serde_json::to_value(sel.to_label_selector().unwrap().unwrap()).unwrap();
    let theirs_again: metav1::LabelSelector = serde_json::from_value(back).unwrap();
    assert_eq!(theirs_again, theirs);

    use k8s_openapi::api::core::v1 as corev1;
    let node_sel = corev1::NodeSelector {
        node_selector_terms: vec![corev1::NodeSelectorTerm {
            match_expressions: Some(vec![corev1::NodeSelectorRequirement {
                key: "cores".into(),
                operator: "Gt".into(),
                values: Some(vec!["4".into()]),
            }]),
            match_fields: None,
        }],
    };
    let ours: NodeSelector =
        serde_json::from_value(serde_json::to_value(&node_sel).unwrap()).unwrap();
    let m = NodeSelectorMatcher::new(&ours).unwrap();
    assert_eq!(m.matches("n", &BTreeMap::from([("cores", "8")])), Ok(true));
}

#[test]
fn node_terms_expose_their_parts_and_honour_the_limits() {
    use label_selector::{ErrorKind, Limits, Operator};
    let ns: NodeSelector = serde_json::from_value(serde_json::json!({"nodeSelectorTerms": [
        {"matchExpressions": [{"key": "zone", "operator": "In", "values": ["a", "b"]},
                              {"key": "gpu", "operator": "DoesNotExist"}],
         "matchFields": [{"key": "metadata.name", "operator": "In", "values": ["n1"]}]},
        {"matchFields": [{"key": "metadata.uid", "operator": "NotIn", "values": ["x"]}]},
        {}
    ]}))
    .unwrap();
    let m = NodeSelectorMatcher::new_lazy(&ns);
    let terms: Vec<_> = m.terms().iter().map(|t| t.as_ref().unwrap()).collect();
    assert_eq!(terms.len(), 3);
    assert_eq!(
        terms[0].labels().map(ToString::to_string).as_deref(),
        Some("!gpu,zone in (a,b)")
    );
    let f = &terms[0].fields().unwrap()[0];
    assert_eq!(
        (f.key(), f.operator(), f.value()),
        ("metadata.name", Operator::In, "n1")
    );
    assert!(f.matches("n1") && !f.matches("n2"));
    assert!(terms[1].labels().is_none());
    let g = &terms[1].fields().unwrap()[0];
    assert_eq!(g.operator(), Operator::NotIn);
    // A field other than metadata.name reads as "": NotIn x holds for every node.
    assert!(g.matches("n1") && g.matches("n2"));
    assert!(terms[2].labels().is_none() && terms[2].fields().is_none());
    let zone_a = map_of(&serde_json::json!({"zone": "a"}));
    assert!(terms[0].matches("n1", &zone_a));
    assert!(!terms[0].matches("n2", &zone_a));
    // Without a node name the fields are ignored; an empty term matches nothing.
    assert!(terms[0].matches("", &zone_a));
    assert!(!terms[2].matches("n1", &zone_a));
    // The per-term limit counts matchExpressions and matchFields each, inclusive.
    let at = |n: usize| Limits::default().max_requirements(n);
    let lazy = |l: &Limits| NodeSelectorMatcher::new_lazy_with(&ns, l);
    assert!(lazy(&at(2)).terms().iter().all(Result::is_ok));
    let tight = lazy(&at(1));
    assert_eq!(
        tight.terms()[0].as_ref().unwrap_err().kind(),
        &ErrorKind::TooManyRequirements { limit: 1 }
    );
    assert!(tight.terms()[1].is_ok() && tight.terms()[2].is_ok());
    let none = lazy(&at(0));
    assert!(none.terms()[0].is_err() && none.terms()[1].is_err());
    assert!(none.terms()[2].is_ok());
}
