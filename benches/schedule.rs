//! kube-scheduler's label plugins at Kubernetes' supported envelope: 5 000 nodes in three
//! zones, 150 000 bound pods (30 per node, 50 namespaces of 30 apps of 100 pods, one Service
//! per app; every tenth app with required anti-affinity on hostname, every tenth another with
//! preferred zone affinity), 10% of the nodes tainted.
//!
//! Per incoming pod, every filter on every node and every score on the feasible ones, for
//! (a) required anti-affinity on hostname, (b) required affinity on zone, (c) two
//! DoNotSchedule spread constraints (zone and hostname), (d) all of these with node affinity,
//! requests and the taints. Each against the direct evaluation (`common/direct.rs`:
//! kube-scheduler's algorithm over `NodeInfo`s with parsed terms, PreFilter walking every
//! bound pod), whose answer is checked equal first. Then 5 000 replicas placed one after
//! another, each bound in the store before the next is scheduled.

#[path = "common/direct.rs"]
mod direct;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use label_selector::Cluster;
use label_selector::k8s::{Object, ObjectKey, Pod};
use label_selector::scheduling::{Profile, Scheduler};
use serde_json::{Value, json};

const NODES: usize = 5_000;
const NAMESPACES: usize = 50;
const APPS: usize = 30;
const PODS_PER_APP: usize = 100;
const ZONE: &str = "topology.kubernetes.io/zone";
const HOST: &str = "kubernetes.io/hostname";

fn node_name(i: usize) -> String {
    format!("node-{i:05}")
}

fn node(i: usize) -> Value {
    let name = node_name(i);
    let zone = ["eu-1a", "eu-1b", "eu-1c"][i % 3];
    let kind = ["m5.4xlarge", "c5.4xlarge", "r5.4xlarge"][i % 3];
    let mut labels = json!({HOST: name, ZONE: zone, "node.kubernetes.io/instance-type": kind});
    if i.is_multiple_of(2) {
        labels["disk"] = json!("ssd");
    }
    let mut spec = json!({});
    if i.is_multiple_of(10) {
        spec["taints"] = json!([{"key": "dedicated", "value": "batch", "effect": "NoSchedule"}]);
    }
    json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": name, "labels": labels}, "spec": spec,
        "status": {"allocatable": {"cpu": "64", "memory": "256Gi", "pods": "110"}}})
}

fn app_name(ns: usize, a: usize) -> String {
    format!("app-{ns}-{a}")
}

fn world() -> Vec<Value> {
    let mut out: Vec<Value> = (0..NODES).map(node).collect();
    let mut k = 0;
    for ns in 0..NAMESPACES {
        let nsn = format!("ns-{ns}");
        out.push(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": nsn, "labels": {"team": format!("t{}", ns % 5)}}}));
        for a in 0..APPS {
            let app = app_name(ns, a);
            out.push(json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": app, "namespace": nsn},
                "spec": {"selector": {"app": app}}}));
            let affinity = match a % 10 {
                0 => json!({"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
                    {"topologyKey": HOST, "labelSelector": {"matchLabels": {"app": app}}}]}}),
                5 => json!({"podAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
                    {"weight": 50, "podAffinityTerm": {"topologyKey": ZONE, "labelSelector": {"matchLabels": {"app": app}}}}]}}),
                _ => Value::Null,
            };
            for j in 0..PODS_PER_APP {
                let mut spec = json!({"nodeName": node_name(k % NODES), "containers": [{"name": "c",
                    "resources": {"requests": {"cpu": "100m", "memory": "256Mi"}}}]});
                if !affinity.is_null() {
                    spec["affinity"] = affinity.clone();
                }
                let tier = ["web", "api", "db"][a % 3];
                out.push(json!({"apiVersion": "v1", "kind": "Pod",
                    "metadata": {"name": format!("{app}-{j}"), "namespace": nsn, "uid": format!("u-{k}"),
                        "labels": {"app": app, "tier": tier, "pod-template-hash": "h1"}},
                    "spec": spec, "status": {"phase": "Running"}}));
                k += 1;
            }
        }
    }
    out
}

/// An incoming pod of app `app-7-10` (which has anti-affinity) in `ns-7`.
fn incoming(name: &str, spec: Value) -> Pod {
    let mut spec = spec;
    if spec.get("containers").is_none() {
        spec["containers"] = json!([{"name": "c"}]);
    }
    serde_json::from_value(json!({"metadata": {"name": name, "namespace": "ns-7",
        "labels": {"app": "app-7-10", "tier": "web", "pod-template-hash": "h2"}}, "spec": spec}))
    .unwrap()
}

fn cases() -> Vec<(&'static str, Pod)> {
    let sel = json!({"matchLabels": {"app": "app-7-10"}});
    let anti = json!({"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [{"topologyKey": HOST, "labelSelector": sel}]}});
    let aff = json!({"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [{"topologyKey": ZONE, "labelSelector": sel}]}});
    let spread = json!([
        {"maxSkew": 1, "topologyKey": ZONE, "whenUnsatisfiable": "DoNotSchedule", "labelSelector": sel},
        {"maxSkew": 1, "topologyKey": HOST, "whenUnsatisfiable": "DoNotSchedule", "labelSelector": sel},
    ]);
    let mut all_aff = anti.clone();
    all_aff["podAffinity"] = aff["podAffinity"].clone();
    all_aff["nodeAffinity"] = json!({"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
        {"matchExpressions": [{"key": ZONE, "operator": "In", "values": ["eu-1a", "eu-1b"]}, {"key": "disk", "operator": "Exists"}]}]},
        "preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 20, "preference": {"matchExpressions": [
            {"key": "node.kubernetes.io/instance-type", "operator": "In", "values": ["m5.4xlarge"]}]}}]});
    vec![
        (
            "a anti-affinity hostname",
            incoming("a", json!({"affinity": anti})),
        ),
        ("b affinity zone", incoming("b", json!({"affinity": aff}))),
        (
            "c spread zone+hostname",
            incoming("c", json!({"topologySpreadConstraints": spread})),
        ),
        (
            "d all + taints, node affinity, requests",
            incoming(
                "d",
                json!({"affinity": all_aff, "topologySpreadConstraints": spread,
                "containers": [{"name": "c", "resources": {"requests": {"cpu": "500m", "memory": "1Gi"}}}]}),
            ),
        ),
    ]
}

fn bench(c: &mut Criterion) {
    let mut cluster = Cluster::new();
    for o in world() {
        cluster
            .upsert(serde_json::from_value::<Object>(o).unwrap())
            .unwrap();
    }
    assert_eq!(
        cluster.assigned_pods().len(),
        (NAMESPACES * APPS * PODS_PER_APP) as u64
    );
    let w = direct::World::from_cluster(&cluster);
    let profile = Profile::default();
    let mut scheduler = Scheduler::new(profile.clone());
    let mut g = c.benchmark_group("schedule/5000 nodes, 150000 pods");
    g.sample_size(20);
    for (name, pod) in cases() {
        let d = scheduler.schedule(&cluster, &pod);
        let want = direct::evaluate(&w, &profile, &pod);
        assert_eq!(
            d.to_json(),
            want,
            "{name}: indexed and direct decisions differ"
        );
        eprintln!(
            "{name}: {} feasible, best {:?}",
            d.feasible_count(),
            d.best()
        );
        g.bench_function(format!("{name}: Scheduler::schedule"), |b| {
            b.iter(|| black_box(scheduler.schedule(&cluster, black_box(&pod))))
        });
        g.bench_function(format!("{name}: direct (kube-scheduler's walk)"), |b| {
            b.iter(|| black_box(direct::decide(&w, &profile, black_box(&pod))))
        });
    }
    g.finish();

    // 5 000 replicas of a spread Deployment that tolerates the taints, placed one after
    // another: each is scheduled, then bound in the store, so the next one sees it.
    let mut g = c.benchmark_group("schedule/rollout");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(30));
    let sel = json!({"matchLabels": {"app": "rollout"}});
    let template = json!({"affinity": {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
            {"weight": 10, "podAffinityTerm": {"topologyKey": ZONE, "labelSelector": sel}}]}},
        "tolerations": [{"key": "dedicated", "operator": "Exists"}],
        "topologySpreadConstraints": [
            {"maxSkew": 1, "topologyKey": ZONE, "whenUnsatisfiable": "DoNotSchedule", "labelSelector": sel},
            {"maxSkew": 1, "topologyKey": HOST, "whenUnsatisfiable": "DoNotSchedule", "labelSelector": sel}],
        "containers": [{"name": "c", "resources": {"requests": {"cpu": "250m", "memory": "512Mi"}}}]});
    let replica = |i: usize| -> Pod {
        serde_json::from_value(
            json!({"metadata": {"name": format!("rollout-{i}"), "namespace": "ns-1",
            "labels": {"app": "rollout"}}, "spec": template}),
        )
        .unwrap()
    };
    g.bench_function(
        "5000 replicas, spread on zone and hostname: Scheduler::place",
        |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let pods: Vec<Pod> = (0..NODES).map(replica).collect();
                    let start = Instant::now();
                    let mut placed = 0;
                    for p in pods {
                        if scheduler.place(&mut cluster, p).unwrap().1.is_some() {
                            placed += 1;
                        }
                    }
                    total += start.elapsed();
                    assert_eq!(placed, NODES, "one replica per node");
                    for i in 0..NODES {
                        cluster.delete(&ObjectKey::pod("ns-1", format!("rollout-{i}")));
                    }
                }
                total
            })
        },
    );
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
