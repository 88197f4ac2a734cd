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
        // Relabel a random pod's version, publishing a snapshot every 1 000 events.
        let versions: Vec<Vec<LabelEdit>> = (1..=20)
            .map(|v| LabelEdit::parse_all([format!("version=v{v}")]).unwrap())
            .collect();
        let ids: Vec<_> = snap.iter().map(|o| o.id()).collect();
        let reader = inv.reader();
        g.throughput(Throughput::Elements(1));
        g.bench_function("relabel (publish every 1000)", |b| {
            let mut rng = common::Rng::new(7);
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
        g.bench_function("relabel + publish", |b| {
            let mut rng = common::Rng::new(8);
            b.iter(|| {
                let id = ids[rng.below(ids.len() as u64) as usize];
                inv.relabel(id, &versions[rng.below(20) as usize], true)
                    .unwrap();
                inv.snapshot()
            })
        });
        g.finish();
    }
}

criterion_group!(benches, select);
criterion_main!(benches);
