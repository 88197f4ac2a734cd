//! Parsing: selector strings (ours vs a hand-written split parser) and structured selectors
//! (ours vs kube-core's `TryFrom<LabelSelector>`), in the same run.

mod common;

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use k8s_openapi::apimachinery::pkg::apis::meta::v1 as metav1;
use label_selector::{LabelSelector, Limits, Selector, syntax};

fn strings(c: &mut Criterion) {
    for (name, text) in common::selectors() {
        // Every contender must understand the input, or the comparison means nothing.
        let ours = Selector::parse(&text).unwrap();
        let naive = common::naive_parse(&text).unwrap();
        let exprs = |s: kube_core::Selector| {
            s.into_iter()
                .map(|e| e.to_string())
                .collect::<std::collections::BTreeSet<_>>()
        };
        assert_eq!(exprs(naive), exprs(common::to_kube(&ours)));

        let mut g = c.benchmark_group(format!("parse/{name}"));
        g.bench_function("label-selector", |b| {
            b.iter(|| Selector::parse(black_box(&text)).unwrap())
        });
        g.bench_function("label-selector syntax only", |b| {
            b.iter(|| syntax::parse(black_box(&text), &Limits::default()).unwrap())
        });
        g.bench_function(
            "hand-written split parser (kube-core types, no validation)",
            |b| b.iter(|| common::naive_parse(black_box(&text)).unwrap()),
        );
        g.finish();
    }
}

fn structured(c: &mut Criterion) {
    // S3's structured twin (`!gpu` is DoesNotExist, `team` Exists).
    let json = serde_json::json!({
        "matchExpressions": [
            {"key": "env", "operator": "In", "values": ["prod", "staging"]},
            {"key": "gpu", "operator": "DoesNotExist"},
            {"key": "version", "operator": "NotIn", "values": ["v1", "v2"]},
            {"key": "team", "operator": "Exists"}
        ]
    });
    let ours: LabelSelector = serde_json::from_value(json.clone()).unwrap();
    let theirs: metav1::LabelSelector = serde_json::from_value(json).unwrap();
    let a = Selector::from_label_selector(Some(&ours)).unwrap();
    let b = kube_core::Selector::try_from(theirs.clone()).unwrap();
    let mut theirs_sorted: Vec<String> = b.into_iter().map(|e| e.to_string()).collect();
    theirs_sorted.sort();
    let mut ours_sorted: Vec<String> = a.requirements().iter().map(|r| r.to_string()).collect();
    ours_sorted.sort();
    assert_eq!(ours_sorted, theirs_sorted);

    let mut g = c.benchmark_group("structured/S3");
    g.bench_function("label-selector from_label_selector", |bch| {
        bch.iter(|| Selector::from_label_selector(Some(black_box(&ours))).unwrap())
    });
    g.bench_function("kube-core TryFrom<LabelSelector> (clone included)", |bch| {
        bch.iter(|| kube_core::Selector::try_from(black_box(&theirs).clone()).unwrap())
    });
    g.bench_function("clone of the k8s-openapi LabelSelector alone", |bch| {
        bch.iter(|| black_box(&theirs).clone())
    });
    g.finish();
}

criterion_group!(benches, strings, structured);
criterion_main!(benches);
