//! Reverse matching: which of 100k registered selectors select a pod. The `SelectorIndex`
//! against, in the same run, the linear scan with `Selector::matches` (over all selectors, and
//! over the pod's namespace only, as Kubernetes' listers do) and kube-core's scan; plus the
//! cost of a ReplicaSet rollout (one remove and one insert), build time and memory per
//! selector (printed). Two populations: 500 namespaces of Zipf-distributed sizes
//! (`reverse/100k`), and 400 namespaces of even size (`reverse/100k-400ns`), where the
//! per-namespace scan a lister does is at its cheapest. In both, a counting k-index
//! (`benches/common/kindex.rs`, every predicate filed, hits counted per selector) runs head to
//! head with the one-anchor index.

mod common;
#[path = "common/kindex.rs"]
mod kindex;

use std::collections::{BTreeMap, HashMap};
use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use kube_core::{Selector as KubeSelector, SelectorExt};
use label_selector::{LabelSet, Scope, Selector, SelectorIndex};

use common::{Population, Spread};
use kindex::{Counts, KIndex};

const SELECTORS: usize = 100_000;
const PODS: usize = 4096;

fn reverse(c: &mut Criterion) {
    let population = common::reverse_population(SELECTORS, 500, Spread::Zipf, PODS, 7);
    let mut index = per_event(c, "reverse/100k", &population, true);
    rollouts(c, &mut index, &population);
}

/// The population: many namespaces of about 250 selectors each.
fn small_namespaces(c: &mut Criterion) {
    let population = common::reverse_population(SELECTORS, 400, Spread::Even, PODS, 11);
    per_event(c, "reverse/100k-400ns", &population, false);
}

/// Builds the index (build time and memory printed), checks every contender's answer for every
/// pod, and times one pod event for each; the scans over all selectors only when `full_scans`.
fn per_event(
    c: &mut Criterion,
    group: &str,
    population: &Population,
    full_scans: bool,
) -> SelectorIndex<u32> {
    let selectors = &population.selectors;
    let n = selectors.len();

    let start = Instant::now();
    let mut index = SelectorIndex::new();
    for (i, (ns, sel, _)) in selectors.iter().enumerate() {
        index
            .insert(i as u32, Scope::namespace(ns.as_str()), sel)
            .unwrap();
    }
    let build = start.elapsed();
    let kinds = |k: &str| selectors.iter().filter(|s| s.2 == k).count();
    let largest = {
        let mut per_ns: HashMap<&str, usize> = HashMap::new();
        selectors
            .iter()
            .for_each(|s| *per_ns.entry(&s.0).or_default() += 1);
        per_ns.values().copied().max().unwrap_or(0)
    };
    let namespaces = selectors
        .iter()
        .map(|s| s.0.as_str())
        .collect::<std::collections::HashSet<_>>()
        .len();
    eprintln!(
        "{group}: {n} selectors ({} services, {} replicasets, {} pdbs, {} set-based) over \
         {namespaces} namespaces (largest {largest}); built in {build:?}; {:.1} bytes/selector",
        kinds("svc"),
        kinds("rs"),
        kinds("pdb"),
        kinds("set"),
        index.memory_usage() as f64 / n as f64,
    );

    // The contenders' inputs.
    let pods = &population.pods;
    let sets: Vec<LabelSet> = pods
        .iter()
        .map(|(_, l)| LabelSet::from_pairs(l.iter().map(|(k, v)| (k, v))).unwrap())
        .collect();
    let maps: Vec<BTreeMap<String, String>> = pods.iter().map(|(_, l)| common::btree(l)).collect();
    let mut by_ns: HashMap<&str, Vec<(u32, Selector)>> = HashMap::new();
    let mut kube_by_ns: HashMap<&str, Vec<(u32, KubeSelector)>> = HashMap::new();
    for (i, (ns, sel, _)) in selectors.iter().enumerate() {
        by_ns.entry(ns).or_default().push((i as u32, sel.clone()));
        kube_by_ns
            .entry(ns)
            .or_default()
            .push((i as u32, common::to_kube(sel)));
    }
    let kube_all: Vec<(&str, KubeSelector)> = selectors
        .iter()
        .map(|(ns, sel, _)| (ns.as_str(), common::to_kube(sel)))
        .collect();

    let start = Instant::now();
    let mut kindex = KIndex::default();
    for (ns, sel, _) in selectors {
        kindex.push(ns, sel);
    }
    eprintln!(
        "{group}: k-index of {} entries built in {:?}",
        kindex.entries(),
        start.elapsed()
    );
    let mut counts = Counts::default();

    // Every contender gives the same answer.
    let mut matched = 0;
    for (p, (ns, labels)) in pods.iter().enumerate() {
        let mut got: Vec<u32> = index.matching(ns, labels).into_iter().copied().collect();
        got.sort_unstable();
        let mut counted = Vec::new();
        kindex.matching(ns, labels, &sets[p], &mut counts, &mut counted);
        counted.sort_unstable();
        assert_eq!(counted, got, "pod {p}: k-index");
        let want: Vec<u32> = selectors
            .iter()
            .enumerate()
            .filter(|(_, (sns, sel, _))| sns == ns && sel.matches(&sets[p]))
            .map(|(i, _)| i as u32)
            .collect();
        assert_eq!(got, want, "pod {p}");
        let kube = kube_by_ns[ns.as_str()]
            .iter()
            .filter(|(_, k)| k.matches(&maps[p]))
            .count();
        assert_eq!(kube, want.len(), "pod {p}");
        matched += want.len();
    }
    eprintln!(
        "{group}: {:.2} selectors match a pod on average",
        matched as f64 / pods.len() as f64
    );

    let mut g = c.benchmark_group(group);
    let mut at = 0;
    let mut next = move || {
        at = (at + 1) % PODS;
        at
    };
    g.bench_function("index matching", |b| {
        b.iter(|| {
            let p = next();
            black_box(&index).matching(&pods[p].0, &pods[p].1)
        })
    });
    g.bench_function("index matching_count", |b| {
        b.iter(|| {
            let p = next();
            black_box(&index).matching_count(&pods[p].0, &pods[p].1)
        })
    });
    g.bench_function("k-index (counting)", |b| {
        let mut out = Vec::with_capacity(8);
        b.iter(|| {
            let p = next();
            out.clear();
            black_box(&kindex).matching(&pods[p].0, &pods[p].1, &sets[p], &mut counts, &mut out);
            out.len()
        })
    });
    g.bench_function("scan namespace (Selector::matches)", |b| {
        b.iter(|| {
            let p = next();
            let list = by_ns.get(pods[p].0.as_str()).map_or(&[][..], Vec::as_slice);
            black_box(list)
                .iter()
                .filter(|(_, s)| s.matches(&sets[p]))
                .map(|(i, _)| *i)
                .collect::<Vec<u32>>()
        })
    });
    g.bench_function("scan namespace (kube-core)", |b| {
        b.iter(|| {
            let p = next();
            let list = kube_by_ns
                .get(pods[p].0.as_str())
                .map_or(&[][..], Vec::as_slice);
            black_box(list)
                .iter()
                .filter(|(_, s)| s.matches(&maps[p]))
                .map(|(i, _)| *i)
                .collect::<Vec<u32>>()
        })
    });
    if !full_scans {
        g.finish();
        return index;
    }
    g.sample_size(10).measurement_time(Duration::from_secs(8));
    g.bench_function("scan all (Selector::matches)", |b| {
        b.iter(|| {
            let p = next();
            let ns = pods[p].0.as_str();
            black_box(selectors)
                .iter()
                .enumerate()
                .filter(|(_, (sns, s, _))| sns == ns && s.matches(&sets[p]))
                .map(|(i, _)| i as u32)
                .collect::<Vec<u32>>()
        })
    });
    g.bench_function("scan all (kube-core)", |b| {
        b.iter(|| {
            let p = next();
            let ns = pods[p].0.as_str();
            black_box(&kube_all)
                .iter()
                .enumerate()
                .filter(|(_, (sns, s))| *sns == ns && s.matches(&maps[p]))
                .map(|(i, _)| i as u32)
                .collect::<Vec<u32>>()
        })
    });
    g.finish();
    index
}

/// A rollout: the old ReplicaSet goes, a new one with a fresh hash comes. The new selectors
/// are made beforehand, so that only the index's work is timed.
fn rollouts(c: &mut Criterion, index: &mut SelectorIndex<u32>, population: &Population) {
    let selectors = &population.selectors;
    let n = selectors.len();

    let rs: Vec<usize> = (0..n).filter(|&i| selectors[i].2 == "rs").collect();
    let fresh: Vec<(u32, Scope, Selector)> = (0..1 << 16)
        .map(|j: usize| {
            let i = rs[(j * 7919) % rs.len()];
            let (ns, sel, _) = &selectors[i];
            let mut reqs = sel.requirements().to_vec();
            reqs.retain(|r| r.key() != "pod-template-hash");
            let text = format!(
                "{},pod-template-hash=r{j}",
                Selector::from_requirements(reqs)
            );
            (
                i as u32,
                Scope::namespace(ns.as_str()),
                Selector::parse(&text).unwrap(),
            )
        })
        .collect();
    let mut g = c.benchmark_group("reverse/100k/update");
    let mut round = 0;
    g.bench_function("rollout (remove + insert)", |b| {
        b.iter(|| {
            round += 1;
            let (key, scope, sel) = &fresh[round % fresh.len()];
            index.remove(key);
            index.insert(*key, scope.clone(), sel).unwrap()
        })
    });
    g.finish();
    eprintln!(
        "reverse/100k: after {round} rollouts, {:.1} bytes/selector",
        index.memory_usage() as f64 / n as f64
    );
}

criterion_group!(benches, reverse, small_namespaces);
criterion_main!(benches);
