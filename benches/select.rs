//! Selecting from 100k and 1M synthetic pods: the index (`count`, `select`) against a plain scan
//! with `Selector::matches` and kube-core's scan over `BTreeMap`s, in the same run; plus index
//! build time, relabel throughput, snapshot publishing, and memory per pod (printed).

mod common;

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::Instant;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use kube_core::SelectorExt;
use label_selector::{LabelEdit, Selector};

const SIZES: [(&str, usize); 2] = [("100k", 100_000), ("1M", 1_000_000)];

fn select(c: &mut Criterion) {
    for (size_name, n) in SIZES {
        let pods = common::synthetic_pods(n, 42);
        let maps: Vec<BTreeMap<String, String>> = pods
            .iter()
            .map(|p| {
                p.labels
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect()
            })
            .collect();
        let mut inv = common::inventory_of(&pods);
        let snap = inv.snapshot();
        let stats = snap.stats();
        eprintln!(
            "inventory/{size_name}: {} objects, {} keys, {} values, {} namespaces; {:.1} bytes/pod \
             ({:.1} in bitmaps)",
            stats.objects,
            stats.keys,
            stats.values,
            stats.namespaces,
            stats.total_bytes as f64 / n as f64,
            stats.bitmap_bytes as f64 / n as f64,
        );
        for (sel_name, text) in [("S1", common::S1), ("S2", common::S2), ("S3", common::S3)] {
            let sel = Selector::parse(text).unwrap();
            let kube = common::to_kube(&sel);
            // Every contender gives the same answer.
            let want = pods.iter().filter(|p| sel.matches(&p.labels)).count() as u64;
            assert_eq!(snap.count(&sel), want);
            assert_eq!(snap.select(&sel).len(), want);
            assert_eq!(maps.iter().filter(|m| kube.matches(m)).count() as u64, want);
            eprintln!(
                "select/{size_name}/{sel_name}: {want} pods match; plan {}",
                snap.compile(&sel)
            );

            let mut g = c.benchmark_group(format!("select/{size_name}/{sel_name}"));
            g.bench_function("index count", |b| {
                b.iter(|| black_box(&snap).count(black_box(&sel)))
            });
            g.bench_function("index select", |b| {
                b.iter(|| black_box(&snap).select(black_box(&sel)))
            });
            g.sample_size(10);
            g.bench_function("scan Selector::matches", |b| {
                b.iter(|| {
                    black_box(&pods)
                        .iter()
                        .filter(|p| sel.matches(&p.labels))
                        .count()
                })
            });
            g.bench_function("scan kube-core", |b| {
                b.iter(|| black_box(&maps).iter().filter(|m| kube.matches(*m)).count())
            });
            g.finish();
        }

        let mut g = c.benchmark_group(format!("index/{size_name}"));
        g.sample_size(10);
        g.bench_function("build", |b| {
            b.iter_with_large_drop(|| common::inventory_of(black_box(&pods)))
        });
        // The bulk load holds what the one-by-one build holds (checked before timing).
        let bulk = common::inventory_bulk(&pods);
        let (a, b) = (inv.stats(), bulk.stats());
        assert_eq!(
            (a.objects, a.keys, a.values, a.namespaces),
            (b.objects, b.keys, b.values, b.namespaces)
        );
        eprintln!(
            "index/{size_name}: insert_all {:.1} bytes/pod, insert {:.1}",
            b.total_bytes as f64 / n as f64,
            a.total_bytes as f64 / n as f64
        );
        for text in [common::S1, common::S2, common::S3] {
            let sel = Selector::parse(text).unwrap();
            assert_eq!(bulk.select(&sel), snap.select(&sel));
        }
        drop(bulk);
        g.bench_function("build (insert_all)", |b| {
            b.iter_with_large_drop(|| common::inventory_bulk(black_box(&pods)))
        });
        // The floor of any hash-based build here: a std HashMap of the pods' names alone.
        g.bench_function("baseline: std HashMap of (namespace, name)", |b| {
            b.iter_with_large_drop(|| {
                let mut names = std::collections::HashMap::with_capacity(0);
                for (i, p) in black_box(&pods).iter().enumerate() {
                    names.insert((p.namespace.as_str(), p.name.as_str()), i as u32);
                }
                names
            })
        });
        // Relabel a random pod's version: without publishing, publishing a snapshot every 1 000
        // events (while a reader holds the previous one), and publishing after every event.
        let versions: Vec<Vec<LabelEdit>> = (1..=20)
            .map(|v| LabelEdit::parse_all([format!("version=v{v}")]).unwrap())
            .collect();
        let ids: Vec<_> = snap.iter().map(|o| o.id()).collect();
        let reader = inv.reader();
        g.throughput(Throughput::Elements(1));
        // One generator for every call of each routine: criterion calls a routine once per
        // sample, and replaying the same edits would make them no-ops.
        let mut rng = common::Rng::new(7);
        let before = inv.version();
        g.bench_function("relabel (no publish)", |b| {
            b.iter(|| {
                let id = ids[rng.below(ids.len() as u64) as usize];
                inv.relabel(id, &versions[rng.below(20) as usize], true)
                    .unwrap();
            })
        });
        g.bench_function("relabel (publish every 1000)", |b| {
            b.iter_custom(|iters| {
                let held = reader.snapshot(); // a reader holds the last snapshot
                let start = Instant::now();
                for i in 0..iters {
                    let id = ids[rng.below(ids.len() as u64) as usize];
                    let edit = &versions[rng.below(20) as usize];
                    inv.relabel(id, edit, true).unwrap();
                    if i % 1000 == 999 {
                        inv.publish();
                    }
                }
                let t = start.elapsed();
                drop(held);
                t
            })
        });
        g.bench_function("relabel + publish each", |b| {
            b.iter_custom(|iters| {
                let start = Instant::now();
                for _ in 0..iters {
                    let id = ids[rng.below(ids.len() as u64) as usize];
                    inv.relabel(id, &versions[rng.below(20) as usize], true)
                        .unwrap();
                    black_box(inv.snapshot());
                }
                start.elapsed()
            })
        });
        g.finish();
        // About 1 in 20 edits sets the value a pod already has; the rest must change it.
        let changed = inv.version() - before;
        eprintln!("index/{size_name}: {changed} relabels changed a label");
    }
}

criterion_group!(benches, select);
criterion_main!(benches);
