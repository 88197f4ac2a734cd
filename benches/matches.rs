//! Matching one selector against one pod: ours on a `LabelSet` and a `BTreeMap`, kube-core on a
//! `BTreeMap`, and a plain loop over a `Vec<(String, String)>`, in the same run.

mod common;

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use kube_core::SelectorExt;
use label_selector::{LabelSet, Selector};

fn matches(c: &mut Criterion) {
    for (name, text) in common::selectors() {
        let sel = Selector::parse(&text).unwrap();
        let pairs = common::pod_labels(name == "S20");
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

criterion_group!(benches, matches);
criterion_main!(benches);
