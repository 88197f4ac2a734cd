//! Services, controllers and budgets at Kubernetes' published limits: 150 000 pods, 10 000
//! Services, and a largest namespace of 5 000 pods and 2 000 Deployments (each with its
//! ReplicaSet, Service and PDB); 5 000 nodes.
//!
//! Each answer against the straightforward implementation (`common/listers.rs`): objects by
//! namespace as client-go's listers keep them, and a scan of the namespace's Services,
//! controllers and PDBs per question, as Kubernetes' controllers do (Service selectors parsed
//! once, as the endpoint controller's cache does). The answers of both are checked equal
//! before timing.

#[path = "common/listers.rs"]
mod listers;

use std::hint::black_box;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use label_selector::Cluster;
use label_selector::k8s::{Kind, Object, ObjectKey, Pod, WatchEvent};
use label_selector::workloads::{self, Workloads};
use listers::Listers;
use serde_json::{Value, json};

const NODES: usize = 5_000;
/// The largest namespace: 2 000 Deployments, 5 000 pods.
const BIG_DEPLOYMENTS: usize = 2_000;
const BIG_PODS: usize = 5_000;
/// The rest: 290 namespaces of 500 pods and 28 apps each (8 120 Services).
const NAMESPACES: usize = 290;
const NS_PODS: usize = 500;
const NS_APPS: usize = 28;
/// Distinct prepared events per kind of change; applied round robin.
const POOL: usize = 2_048;
/// 2026-03-01T12:00:00Z.
const NOW: i64 = 1_772_366_400;

fn uid(kind: &str, ns: &str, name: &str) -> String {
    format!("{kind}-{ns}-{name}")
}

/// The objects of one app: Deployment, ReplicaSet, Service, PDB.
fn app(ns: &str, i: usize, out: &mut Vec<Value>) {
    let name = format!("app-{i}");
    let labels = json!({"app.kubernetes.io/name": name, "app.kubernetes.io/instance": format!("{name}-{ns}")});
    let mut rs_labels = labels.clone();
    rs_labels["pod-template-hash"] = json!("h1");
    let d_uid = uid("d", ns, &name);
    out.push(json!({"apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": name, "namespace": ns, "uid": d_uid, "labels": labels},
        "spec": {"replicas": 3, "selector": {"matchLabels": labels}, "template": {"metadata": {"labels": labels}}}}));
    out.push(json!({"apiVersion": "apps/v1", "kind": "ReplicaSet",
        "metadata": {"name": format!("{name}-h1"), "namespace": ns, "uid": uid("rs", ns, &name), "labels": rs_labels,
                     "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": name, "uid": d_uid, "controller": true}]},
        "spec": {"replicas": 3, "selector": {"matchLabels": rs_labels}, "template": {"metadata": {"labels": rs_labels}}}}));
    out.push(json!({"apiVersion": "v1", "kind": "Service",
        "metadata": {"name": name, "namespace": ns, "uid": uid("svc", ns, &name)},
        "spec": {"selector": labels, "ports": [{"name": "http", "port": 80, "targetPort": "http"}], "ipFamilies": ["IPv4"]}}));
    let budget = if i.is_multiple_of(2) {
        json!({"minAvailable": 1})
    } else {
        json!({"maxUnavailable": "25%"})
    };
    let mut spec = json!({"selector": {"matchLabels": labels}});
    spec.as_object_mut()
        .unwrap()
        .extend(budget.as_object().unwrap().clone());
    out.push(
        json!({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
        "metadata": {"name": name, "namespace": ns, "generation": 1}, "spec": spec}),
    );
}

/// Pod `j` of app `i` in `ns`, ready or not, with `rev` as an extra label.
fn pod(ns: &str, i: usize, j: usize, ready: bool, rev: &str) -> Value {
    let name = format!("app-{i}");
    json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": format!("{name}-h1-{j}"), "namespace": ns, "uid": format!("pod-{ns}-{i}-{j}"),
            "labels": {"app.kubernetes.io/name": name, "app.kubernetes.io/instance": format!("{name}-{ns}"),
                       "pod-template-hash": "h1", "rev": rev},
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": format!("{name}-h1"),
                                 "uid": uid("rs", ns, &name), "controller": true}]},
        "spec": {"nodeName": format!("node-{}", (i * 7 + j) % NODES),
                 "containers": [{"name": "app", "ports": [{"name": "http", "containerPort": 8080}]}]},
        "status": {"phase": "Running", "podIP": format!("10.{}.{}.{}", j % 250, i % 250, (i / 250) % 250),
                   "conditions": [{"type": "Ready", "status": if ready { "True" } else { "False" }}]}})
}

fn object(v: Value) -> Object {
    serde_json::from_value(v).unwrap()
}

fn fixture() -> Vec<Object> {
    let mut v = Vec::new();
    for n in 0..NODES {
        v.push(
            json!({"kind": "Node", "metadata": {"name": format!("node-{n}"),
            "labels": {"topology.kubernetes.io/zone": format!("zone-{}", n % 3)}}}),
        );
    }
    for i in 0..BIG_DEPLOYMENTS {
        app("big", i, &mut v);
    }
    for p in 0..BIG_PODS {
        v.push(pod(
            "big",
            p % BIG_DEPLOYMENTS,
            p / BIG_DEPLOYMENTS,
            true,
            "a",
        ));
    }
    for k in 0..NAMESPACES {
        let ns = format!("ns-{k}");
        for i in 0..NS_APPS {
            app(&ns, i, &mut v);
        }
        for p in 0..NS_PODS {
            v.push(pod(&ns, p % NS_APPS, p / NS_APPS, true, "a"));
        }
    }
    v.into_iter().map(object).collect()
}

fn as_pod(o: &Object) -> Pod {
    match o {
        Object::Pod(p) => (**p).clone(),
        _ => unreachable!("a pod event"),
    }
}

fn bench(c: &mut Criterion) {
    let objects = fixture();
    let mut cluster = Cluster::new();
    let mut plain = Listers::new();
    for o in &objects {
        cluster.upsert(o.clone()).unwrap();
        plain.upsert(o.clone());
    }
    drop(objects);
    let services = cluster.services().len();
    let pods = cluster.pods().len();
    assert!(
        services >= 10_000 && pods == 150_000,
        "{services} Services, {pods} pods"
    );

    // Pod events in the largest namespace: a relabel, a readiness flip, a delete and re-add.
    // Two versions of each, applied alternately so that every event changes something.
    let big = |i: usize, ready: bool, rev: &str| {
        object(pod(
            "big",
            i % BIG_DEPLOYMENTS,
            i / BIG_DEPLOYMENTS % 2,
            ready,
            rev,
        ))
    };
    let relabel: [Vec<Object>; 2] = [
        (0..POOL).map(|i| big(i * 2, true, "b")).collect(),
        (0..POOL).map(|i| big(i * 2, true, "a")).collect(),
    ];
    // A kubelet status heartbeat: a condition that no answer reads flips.
    let heartbeat = |i: usize, up: bool| {
        let mut v = pod(
            "big",
            i % BIG_DEPLOYMENTS,
            i / BIG_DEPLOYMENTS % 2,
            true,
            "a",
        );
        let status = if up { "True" } else { "False" };
        v["status"]["conditions"]
            .as_array_mut()
            .unwrap()
            .push(json!({"type": "PodReadyToStartContainers", "status": status}));
        object(v)
    };
    let beat: [Vec<Object>; 2] = [
        (0..POOL).map(|i| heartbeat(i * 2, false)).collect(),
        (0..POOL).map(|i| heartbeat(i * 2, true)).collect(),
    ];
    let flip: [Vec<Object>; 2] = [
        (0..POOL).map(|i| big(i * 2 + 1, false, "a")).collect(),
        (0..POOL).map(|i| big(i * 2 + 1, true, "a")).collect(),
    ];

    // The baseline does the same work: check its reports against the store's on a sample.
    for (k, pool) in [&relabel, &flip, &beat].into_iter().enumerate() {
        for version in [0, 1] {
            for o in pool[version].iter().take(16) {
                let p = as_pod(o);
                let (ns, name) = (p.metadata.namespace.clone(), p.metadata.name.clone());
                let ours =
                    workloads::apply(&mut cluster, WatchEvent::Modified(o.clone()), NOW).unwrap();
                let theirs = plain.pod_event(&ns, &name, Some(p), NOW);
                assert_eq!(
                    ours.endpoints.len(),
                    theirs.endpoints.len(),
                    "event kind {k}"
                );
                assert_eq!(ours.budgets.len(), theirs.budgets.len(), "event kind {k}");
                for (a, b) in ours.budgets.iter().zip(&theirs.budgets) {
                    assert_eq!(a.after.as_ref(), Some(&b.2));
                }
            }
        }
    }

    let mut g = c.benchmark_group(format!("workloads/pod-event-{pods}-pods"));
    g.throughput(Throughput::Elements(1));
    for (name, pool) in [
        ("relabel", &relabel),
        ("readiness flip", &flip),
        ("status heartbeat", &beat),
    ] {
        let mut i = 0;
        g.bench_function(format!("{name}: workloads::apply"), |b| {
            b.iter_batched(
                || {
                    i += 1;
                    WatchEvent::Modified(pool[(i / POOL) % 2][i % POOL].clone())
                },
                |e| black_box(workloads::apply(&mut cluster, e, NOW).unwrap()),
                BatchSize::SmallInput,
            )
        });
        let mut i = 0;
        g.bench_function(format!("{name}: Cluster::apply alone (no report)"), |b| {
            b.iter_batched(
                || {
                    i += 1;
                    WatchEvent::Modified(pool[(i / POOL) % 2][i % POOL].clone())
                },
                |e| black_box(cluster.apply(e).unwrap()),
                BatchSize::SmallInput,
            )
        });
        let mut i = 0;
        g.bench_function(format!("{name}: listers, namespace scan"), |b| {
            b.iter_batched(
                || {
                    i += 1;
                    as_pod(&pool[(i / POOL) % 2][i % POOL])
                },
                |p| {
                    let (ns, name) = (p.metadata.namespace.clone(), p.metadata.name.clone());
                    black_box(plain.pod_event(&ns, &name, Some(p), NOW))
                },
                BatchSize::SmallInput,
            )
        });
    }
    let mut i = 0;
    g.bench_function("delete + re-add: workloads::apply", |b| {
        b.iter_batched(
            || {
                i += 1;
                relabel[1][i % POOL].clone()
            },
            |o| {
                black_box(
                    workloads::apply(&mut cluster, WatchEvent::Deleted(o.clone()), NOW).unwrap(),
                );
                black_box(workloads::apply(&mut cluster, WatchEvent::Added(o), NOW).unwrap())
            },
            BatchSize::SmallInput,
        )
    });
    let mut i = 0;
    g.bench_function("delete + re-add: listers, namespace scan", |b| {
        b.iter_batched(
            || {
                i += 1;
                as_pod(&relabel[1][i % POOL])
            },
            |p| {
                let (ns, name) = (p.metadata.namespace.clone(), p.metadata.name.clone());
                black_box(plain.pod_event(&ns, &name, None, NOW));
                black_box(plain.pod_event(&ns, &name, Some(p), NOW))
            },
            BatchSize::SmallInput,
        )
    });
    g.finish();
    // Criterion ran each side a different number of times: bring both to the same state.
    for pool in [&relabel, &flip, &beat] {
        for o in &pool[1] {
            let p = as_pod(o);
            let (ns, name) = (p.metadata.namespace.clone(), p.metadata.name.clone());
            workloads::apply(&mut cluster, WatchEvent::Modified(o.clone()), NOW).unwrap();
            plain.pod_event(&ns, &name, Some(p), NOW);
        }
    }

    // One Service's endpoints: in the largest namespace (2-3 endpoints among 5 000 pods) and in
    // a 500-pod namespace (~18 endpoints); then all Services.
    let w = Workloads::new(&cluster, NOW);
    let probes = [("big", "app-7"), ("ns-3", "app-5")];
    for (ns, name) in probes {
        let key = ObjectKey::new(Kind::Service, ns, name);
        let mut ours: Vec<_> = w
            .endpoints(&key)
            .unwrap()
            .into_iter()
            .map(|e| e.into_owned())
            .collect();
        let mut theirs = plain.endpoints(ns, name);
        ours.sort_by(|a, b| a.target_ref.name.cmp(&b.target_ref.name));
        theirs.sort_by(|a, b| a.target_ref.name.cmp(&b.target_ref.name));
        assert_eq!(ours, theirs);
    }
    let mut g = c.benchmark_group("workloads/endpoints");
    for (ns, name) in probes {
        let key = ObjectKey::new(Kind::Service, ns, name);
        let n = w.endpoints(&key).unwrap().len();
        g.bench_function(
            format!("{ns}/{name} ({n} endpoints): Workloads::endpoints"),
            |b| b.iter(|| black_box(w.endpoints(black_box(&key)))),
        );
        g.bench_function(
            format!("{ns}/{name} ({n} endpoints): listers, namespace scan"),
            |b| b.iter(|| black_box(plain.endpoints(ns, name))),
        );
    }
    let keys: Vec<ObjectKey> = cluster.keys(Kind::Service).collect();
    g.sample_size(10);
    g.bench_function(
        format!("all {} Services: Workloads::endpoints", keys.len()),
        |b| {
            b.iter(|| {
                keys.iter()
                    .map(|k| w.endpoints(k).map_or(0, |e| e.len()))
                    .sum::<usize>()
            })
        },
    );
    g.bench_function(
        format!("all {} Services: listers, namespace scan", keys.len()),
        |b| {
            b.iter(|| {
                keys.iter()
                    .map(|k| plain.endpoints(k.namespace(), k.name()).len())
                    .sum::<usize>()
            })
        },
    );
    g.finish();

    // One budget's status and one eviction verdict in the largest namespace.
    let budgets = [
        ObjectKey::new(Kind::PodDisruptionBudget, "big", "app-8"),
        ObjectKey::new(Kind::PodDisruptionBudget, "big", "app-9"),
    ];
    for b in &budgets {
        assert_eq!(
            w.disruption(b),
            plain.budget_named(b.namespace(), b.name(), NOW)
        );
    }
    let evict = [("big", "app-8-h1-0"), ("big", "app-9-h1-1")];
    for (ns, p) in evict {
        assert_eq!(Some(w.eviction(ns, p)), plain.eviction_named(ns, p, NOW));
    }
    let mut g = c.benchmark_group("workloads/budgets");
    for b in &budgets {
        let what = if b.name() == "app-8" {
            "minAvailable 1"
        } else {
            "maxUnavailable 25%"
        };
        g.bench_function(format!("status, {what}: Workloads::disruption"), |bch| {
            bch.iter(|| black_box(w.disruption(black_box(b))))
        });
        g.bench_function(format!("status, {what}: listers, namespace scan"), |bch| {
            bch.iter(|| black_box(plain.budget_named(b.namespace(), b.name(), NOW)))
        });
    }
    // The parts of a pod event's report, on the event pods round robin (as the events read
    // them: mostly cold) and on one pod (hot).
    let probes: Vec<_> = relabel[0]
        .iter()
        .map(|o| cluster.pod_id("big", &as_pod(o).metadata.name).unwrap())
        .collect();
    let budgets_of: Vec<ObjectKey> = probes
        .iter()
        .map(|&p| cluster.pdbs_for_pod(p)[0].clone())
        .collect();
    let mut i = 0;
    g.bench_function(
        "parts of a pod event, 2048 pods round robin: Workloads::ownership",
        |b| {
            b.iter(|| {
                i += 1;
                black_box(w.ownership(probes[i % POOL]))
            })
        },
    );
    let mut i = 0;
    g.bench_function(
        "parts of a pod event, 2048 pods round robin: Workloads::services_of",
        |b| {
            b.iter(|| {
                i += 1;
                black_box(w.services_of(probes[i % POOL]))
            })
        },
    );
    let mut i = 0;
    g.bench_function(
        "parts of a pod event, 2048 pods round robin: Workloads::disruption",
        |b| {
            b.iter(|| {
                i += 1;
                black_box(w.disruption(&budgets_of[i % POOL]))
            })
        },
    );
    let probe = probes[0];
    g.bench_function("parts of a pod event, one pod: Workloads::ownership", |b| {
        b.iter(|| black_box(w.ownership(black_box(probe))))
    });
    g.bench_function(
        "parts of a pod event, one pod: Workloads::services_of",
        |b| b.iter(|| black_box(w.services_of(black_box(probe)))),
    );
    for (ns, p) in evict {
        g.bench_function(format!("eviction {p}: Workloads::eviction"), |b| {
            b.iter(|| black_box(w.eviction(ns, black_box(p))))
        });
        g.bench_function(format!("eviction {p}: listers, namespace scan"), |b| {
            b.iter(|| black_box(plain.eviction_named(ns, p, NOW)))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
