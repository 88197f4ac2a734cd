//! Matching one selector against one pod: ours on a `LabelSet` and a `BTreeMap`, kube-core on a
//! `BTreeMap`, and a plain loop over a `Vec<(String, String)>`, in the same run. `SK` is a
//! selector over the recommended `app.kubernetes.io/*` keys, which share their first 18 bytes.

mod common;

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use kube_core::SelectorExt;
use label_selector::{LabelSet, Selector};

fn matches(c: &mut Criterion) {
    let mut cases: Vec<_> = common::selectors()
        .into_iter()
        .map(|(name, text)| (name, text, common::pod_labels(name == "S20")))
        .collect();
    cases.push(("SK", SK.to_string(), recommended_labels()));
    for (name, text, pairs) in cases {
        let sel = Selector::parse(&text).unwrap();
        let set = LabelSet::from_pairs(pairs.iter().map(|(k, v)| (k, v))).unwrap();
        let map = common::btree(&pairs);
        let kube = common::to_kube(&sel);
        let plain = common::Plain::new(&sel);
        // All contenders agree, and the pod matches: every requirement is evaluated.
        assert!(
            sel.matches(&set) && sel.matches(&map) && kube.matches(&map) && plain.matches(&pairs)
        );

        let mut g = c.benchmark_group(format!("matches/{name}"));
        g.bench_function("label-selector LabelSet", |b| {
            b.iter(|| black_box(&sel).matches(black_box(&set)))
        });
        g.bench_function("label-selector BTreeMap", |b| {
            b.iter(|| black_box(&sel).matches(black_box(&map)))
        });
        g.bench_function("kube-core BTreeMap", |b| {
            b.iter(|| black_box(&kube).matches(black_box(&map)))
        });
        g.bench_function("plain Vec loop", |b| {
            b.iter(|| black_box(&plain).matches(black_box(&pairs)))
        });
        g.finish();
    }
}

/// Three requirements on `app.kubernetes.io/*` keys and an absent one under the same prefix.
const SK: &str = "app.kubernetes.io/name=web,app.kubernetes.io/instance=web-prod,\
                  app.kubernetes.io/component in (api,frontend),!app.kubernetes.io/canary";

/// A pod labelled with Kubernetes' recommended labels, as Helm charts label them.
fn recommended_labels() -> Vec<(String, String)> {
    [
        ("app.kubernetes.io/component", "frontend"),
        ("app.kubernetes.io/instance", "web-prod"),
        ("app.kubernetes.io/managed-by", "Helm"),
        ("app.kubernetes.io/name", "web"),
        ("app.kubernetes.io/part-of", "shop"),
        ("app.kubernetes.io/version", "1.4.2"),
        ("helm.sh/chart", "web-1.4.2"),
        ("pod-template-hash", "7d9f8b6c5d"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

criterion_group!(benches, matches);
criterion_main!(benches);
