//! The live store at Kubernetes' published limits (150 000 pods, 5 000 nodes): events applied
//! (relabel, node move, add and delete of full kubectl pods), the registry lookups the store
//! keeps, and loading a `kubectl get pods -A -o json` dump. Each against the straightforward
//! store, a `HashMap` of the objects by key, that answers lookups by scanning.
//!
//! The 1.3 GB dump is generated once into `target/bench-data/` (about a minute) and reused.
//! `Cluster::load_str` and `load_path` both stream JSON (items applied as they are read);
//! `load_path` also never holds the text.

use std::collections::HashMap;
use std::hint::black_box;
use std::path::PathBuf;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use label_selector::generate::{GenerateOptions, generate};
use label_selector::k8s::{Kind, Object, ObjectKey, WatchEvent};
use label_selector::load::read_str;
use label_selector::{Cluster, LabelSet};

const PODS: usize = 150_000;
const NODES: usize = 5_000;
/// Distinct prepared events per kind of change; applied round robin.
const POOL: usize = 4_096;

/// `kubectl get -A -o json` of the generated cluster (pods, nodes, Services, workloads,
/// PDBs), indented by 4 as kubectl does; cached under `target/`.
fn dump() -> String {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    let path = dir.join(format!("cluster-{PODS}-{NODES}.json"));
    if let Ok(text) = std::fs::read_to_string(&path) {
        return text;
    }
    let list = generate(&GenerateOptions {
        pods: PODS,
        nodes: NODES,
        seed: 42,
    });
    let mut buf = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
    serde::Serialize::serialize(&list, &mut ser).unwrap();
    drop(list);
    let text = String::from_utf8(buf).unwrap();
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(&path, &text).unwrap();
    text
}

/// Peak and current resident memory of this process, in MiB (Linux).
fn rss() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<u64>().ok())
            .map_or(0, |kb| kb >> 10)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

/// The straightforward store: every object by key; lookups scan.
#[derive(Default)]
struct Plain {
    objects: HashMap<ObjectKey, Object>,
}

impl Plain {
    fn apply(&mut self, e: WatchEvent) {
        match e {
            WatchEvent::Added(o) | WatchEvent::Modified(o) => {
                if let Some(k) = o.key() {
                    self.objects.insert(k, o);
                }
            }
            WatchEvent::Deleted(o) => {
                if let Some(k) = o.key() {
                    self.objects.remove(&k);
                }
            }
            _ => {}
        }
    }

    /// The Services of the pod's namespace whose selector matches it, as a client-go lister
    /// with a namespace index answers.
    fn services_for(
        &self,
        services: &[(ObjectKey, label_selector::Selector)],
        pod: &LabelSet,
        ns: &str,
    ) -> usize {
        services
            .iter()
            .filter(|(k, s)| k.namespace() == ns && s.matches(pod))
            .count()
    }
}

fn events(c: &mut Criterion) {
    let text = dump();
    let mut cluster = Cluster::new();
    cluster.load_str("bench", &text).unwrap();
    let (peak, now) = rss();
    eprintln!(
        "loaded {} pods, {} nodes, {} Services, {} workloads, {} PDBs; store {} MiB ({} B/pod); RSS {now} MiB, peak {peak} MiB (dump text {} MiB)",
        cluster.pods().len(),
        cluster.nodes().len(),
        cluster.services().len(),
        cluster.workloads().len(),
        cluster.pdbs().len(),
        cluster.memory_usage() >> 20,
        cluster.memory_usage() / cluster.pods().len(),
        text.len() >> 20,
    );
    let mut plain = Plain::default();
    for doc in read_str("bench", &text).unwrap() {
        let Object::List(items) = doc.object else {
            continue;
        };
        for o in items {
            plain.apply(WatchEvent::Added(o));
        }
    }
    drop(text);
    assert_eq!(
        plain
            .objects
            .keys()
            .filter(|k| k.kind() == Kind::Pod)
            .count(),
        cluster.pods().len()
    );

    let pods: Vec<Object> = cluster
        .pod_entries()
        .step_by(cluster.pods().len() / POOL)
        .take(POOL)
        .map(|p| Object::Pod(Box::new(p.to_object())))
        .collect();
    let nodes: Vec<String> = cluster
        .node_entries()
        .map(|n| n.name().to_string())
        .collect();
    let with = |f: &dyn Fn(usize, &mut label_selector::k8s::Pod)| -> Vec<WatchEvent> {
        pods.iter()
            .enumerate()
            .map(|(i, o)| {
                let Object::Pod(p) = o else { unreachable!() };
                let mut p = p.clone();
                p.metadata.resource_version.clear();
                f(i, &mut p);
                WatchEvent::Modified(Object::Pod(p))
            })
            .collect()
    };
    // A version bump: one label changes value; two pools so that every event changes it.
    let relabel: Vec<Vec<WatchEvent>> = ["v2", "v3"]
        .iter()
        .map(|v| {
            with(&|_, p| {
                p.metadata
                    .labels
                    .insert("app.kubernetes.io/version", v)
                    .unwrap();
            })
        })
        .collect();
    let moves: Vec<Vec<WatchEvent>> = (0..2)
        .map(|k| {
            with(&|i, p| p.spec.node_name = Some(nodes[(i * 7 + k * 13) % nodes.len()].clone()))
        })
        .collect();
    let adds = with(&|i, p| {
        p.metadata.name = format!("bench-new-{i}");
        p.metadata.uid = format!("bench-uid-{i}");
    });
    // Applying every prepared event must change the store (no silent no-ops).
    for e in relabel[0].iter().take(8) {
        assert!(cluster.apply(e.clone()).unwrap().changed());
    }

    let mut g = c.benchmark_group(format!("cluster/events-{PODS}-pods"));
    g.throughput(Throughput::Elements(1));
    for (name, pool) in [("relabel", &relabel), ("node move", &moves)] {
        let mut i = 0;
        g.bench_function(format!("{name}: Cluster::apply"), |b| {
            b.iter_batched(
                || {
                    i += 1;
                    pool[(i / POOL) % 2][i % POOL].clone()
                },
                |e| black_box(cluster.apply(e).unwrap()),
                BatchSize::SmallInput,
            )
        });
        let mut i = 0;
        g.bench_function(format!("{name}: plain HashMap store"), |b| {
            b.iter_batched(
                || {
                    i += 1;
                    pool[(i / POOL) % 2][i % POOL].clone()
                },
                |e| plain.apply(e),
                BatchSize::SmallInput,
            )
        });
    }
    let deletes: Vec<ObjectKey> = adds
        .iter()
        .map(|e| match e {
            WatchEvent::Modified(o) => o.key().unwrap(),
            _ => unreachable!(),
        })
        .collect();
    let mut i = 0;
    g.bench_function("add full pod + delete: Cluster", |b| {
        b.iter_batched(
            || {
                i += 1;
                (adds[i % POOL].clone(), &deletes[i % POOL])
            },
            |(add, key)| {
                cluster.apply(add).unwrap();
                black_box(cluster.delete(key))
            },
            BatchSize::SmallInput,
        )
    });
    let mut i = 0;
    g.bench_function("add full pod + delete: plain HashMap store", |b| {
        b.iter_batched(
            || {
                i += 1;
                (adds[i % POOL].clone(), &deletes[i % POOL])
            },
            |(add, key)| {
                plain.apply(add);
                black_box(plain.objects.remove(key))
            },
            BatchSize::SmallInput,
        )
    });
    g.finish();

    // Pod -> Services: the registry against the namespace scan.
    let services: Vec<(ObjectKey, label_selector::Selector)> = cluster
        .services()
        .map(|s| {
            (
                ObjectKey::new(
                    Kind::Service,
                    s.metadata.namespace.as_str(),
                    s.metadata.name.as_str(),
                ),
                s.selector(),
            )
        })
        .collect();
    let probes: Vec<_> = cluster
        .pod_entries()
        .step_by(97)
        .take(POOL)
        .map(|p| (p.id(), p.labels(), p.namespace().to_string()))
        .collect();
    for (id, labels, ns) in probes.iter().take(64) {
        assert_eq!(
            cluster.services_for_pod(*id).len(),
            plain.services_for(&services, labels, ns)
        );
    }
    let mut g = c.benchmark_group(format!(
        "cluster/pod-to-services-{}-services",
        services.len()
    ));
    let mut i = 0;
    g.bench_function("Cluster::services_for_pod", |b| {
        b.iter(|| {
            i += 1;
            black_box(cluster.services_for_pod(probes[i % probes.len()].0))
        })
    });
    let mut i = 0;
    g.bench_function("scan the namespace's Services", |b| {
        b.iter(|| {
            i += 1;
            let (_, labels, ns) = &probes[i % probes.len()];
            black_box(plain.services_for(&services, labels, ns))
        })
    });
    g.finish();
}

fn load(c: &mut Criterion) {
    let text = dump();
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(format!("target/bench-data/cluster-{PODS}-{NODES}.json"));
    let mut g = c.benchmark_group(format!("cluster/load-{}MB", text.len() >> 20));
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.sample_size(10);
    g.bench_function("Cluster::load_str", |b| {
        b.iter(|| {
            let mut c = Cluster::new();
            c.load_str("bench", black_box(&text)).unwrap();
            black_box(c.pods().len())
        })
    });
    g.bench_function("Cluster::load_path (streamed from the file)", |b| {
        b.iter(|| {
            let mut c = Cluster::new();
            c.load_path(black_box(&path)).unwrap();
            black_box(c.pods().len())
        })
    });
    g.bench_function("read_str + plain HashMap store", |b| {
        b.iter(|| {
            let mut plain = Plain::default();
            for doc in read_str("bench", black_box(&text)).unwrap() {
                if let Object::List(items) = doc.object {
                    for o in items {
                        plain.apply(WatchEvent::Added(o));
                    }
                }
            }
            black_box(plain.objects.len())
        })
    });
    g.finish();
}

criterion_group!(benches, events, load);
criterion_main!(benches);
