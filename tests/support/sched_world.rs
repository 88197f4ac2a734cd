//! Random scheduling worlds for `tests/scheduling.rs` and the `schedule_differential` fuzz
//! target: nodes with zones, hostnames, taints, cordons and allocatable; bound, pending,
//! finished and terminating pods with requests, affinity terms and spread constraints;
//! namespaces with labels, a Service and a ReplicaSet for the default spreading; and one
//! incoming pod that draws on every rule of the label plugins.

use label_selector::Cluster;
use label_selector::k8s::{Object, Pod};
use serde_json::{Value, json};

/// A small deterministic generator (xorshift), so that one seed is one world.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15 | 1)
    }

    pub(crate) fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    pub(crate) fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len() as u64) as usize]
    }
}

const APPS: [&str; 3] = ["web", "db", "cache"];
const ZONES: [&str; 3] = ["a", "b", "c"];
const NAMESPACES: [&str; 2] = ["shop", "lab"];
const KEYS: [&str; 3] = [
    "kubernetes.io/hostname",
    "topology.kubernetes.io/zone",
    "disk",
];

fn label_selector(r: &mut Rng) -> Value {
    match r.below(8) {
        0 => Value::Null,
        1 => json!({}),
        2 => {
            json!({"matchExpressions": [{"key": "app", "operator": "In", "values": [r.pick(&APPS), r.pick(&APPS)]}]})
        }
        3 => {
            json!({"matchExpressions": [{"key": "tier", "operator": "DoesNotExist"}], "matchLabels": {"app": r.pick(&APPS)}})
        }
        4 => {
            json!({"matchExpressions": [{"key": "app", "operator": "NotIn", "values": [r.pick(&APPS)]}]})
        }
        _ => json!({"matchLabels": {"app": r.pick(&APPS)}}),
    }
}

fn affinity_term(r: &mut Rng) -> Value {
    let mut t = json!({"topologyKey": r.pick(&KEYS)});
    let sel = label_selector(r);
    if !sel.is_null() {
        t["labelSelector"] = sel;
    }
    match r.below(6) {
        0 => t["namespaces"] = json!([r.pick(&NAMESPACES)]),
        1 => t["namespaceSelector"] = json!({}),
        2 => t["namespaceSelector"] = json!({"matchLabels": {"team": r.pick(&["x", "y"])}}),
        _ => {}
    }
    if r.chance(15) {
        t["matchLabelKeys"] = json!(["tier"]);
    }
    if r.chance(10) {
        t["mismatchLabelKeys"] = json!(["tier"]);
    }
    t
}

fn pod_affinity(r: &mut Rng, rich: bool) -> Value {
    let mut a = json!({});
    let n = if rich { 3 } else { 2 };
    for (part, key) in [("podAffinity", 0), ("podAntiAffinity", 1)] {
        let mut p = json!({});
        if r.chance(if rich { 35 } else { 15 }) {
            let terms: Vec<Value> = (0..1 + r.below(n - 1)).map(|_| affinity_term(r)).collect();
            p["requiredDuringSchedulingIgnoredDuringExecution"] = json!(terms);
        }
        if r.chance(if rich { 35 } else { 15 }) {
            let terms: Vec<Value> = (0..1 + r.below(n - 1))
                .map(|_| json!({"weight": r.below(101), "podAffinityTerm": affinity_term(r)}))
                .collect();
            p["preferredDuringSchedulingIgnoredDuringExecution"] = json!(terms);
        }
        let _ = key;
        if p.as_object().is_some_and(|o| !o.is_empty()) {
            a[part] = p;
        }
    }
    a
}

fn node_term(r: &mut Rng) -> Value {
    let mut t = json!({});
    if r.chance(80) {
        let exprs: Vec<Value> = (0..1 + r.below(2))
            .map(|_| match r.below(6) {
                0 => json!({"key": "topology.kubernetes.io/zone", "operator": "In", "values": [r.pick(&ZONES)]}),
                1 => json!({"key": "disk", "operator": "NotIn", "values": ["hdd"]}),
                2 => json!({"key": "disk", "operator": "Exists"}),
                3 => json!({"key": "cores", "operator": "Gt", "values": [r.pick(&["2", "4", "x"])]}),
                4 => json!({"key": "gpu", "operator": "DoesNotExist"}),
                _ => json!({"key": "topology.kubernetes.io/zone", "operator": "NotIn", "values": [r.pick(&ZONES)]}),
            })
            .collect();
        t["matchExpressions"] = json!(exprs);
    }
    if r.chance(25) {
        let op = r.pick(&["In", "NotIn"]);
        t["matchFields"] = json!([{"key": "metadata.name", "operator": op, "values": [format!("n{}", r.below(8))]}]);
    }
    t
}

fn spread(r: &mut Rng) -> Value {
    let mut c = json!({
        "maxSkew": 1 + r.below(2),
        "topologyKey": r.pick(&KEYS[..2]),
        "whenUnsatisfiable": r.pick(&["DoNotSchedule", "ScheduleAnyway"]),
    });
    let sel = label_selector(r);
    if !sel.is_null() {
        c["labelSelector"] = sel;
    }
    if r.chance(25) {
        c["minDomains"] = json!(1 + r.below(4));
    }
    if r.chance(25) {
        c["nodeAffinityPolicy"] = json!(r.pick(&["Honor", "Ignore"]));
    }
    if r.chance(25) {
        c["nodeTaintsPolicy"] = json!(r.pick(&["Honor", "Ignore"]));
    }
    if r.chance(15) {
        c["matchLabelKeys"] = json!(["tier"]);
    }
    c
}

fn tolerations(r: &mut Rng) -> Value {
    let all = [
        json!({"key": "gpu", "operator": "Equal", "value": "true", "effect": "NoSchedule"}),
        json!({"key": "gpu", "operator": "Equal", "value": "false"}),
        json!({"key": "spot", "operator": "Exists", "effect": "PreferNoSchedule"}),
        json!({"operator": "Exists"}),
        json!({"key": "node.kubernetes.io/unschedulable", "operator": "Exists", "effect": "NoSchedule"}),
        json!({"key": "maint", "operator": "Exists"}),
    ];
    let v: Vec<Value> = all.into_iter().filter(|_| r.chance(20)).collect();
    json!(v)
}

fn requests(r: &mut Rng) -> Value {
    let mut req = json!({});
    if r.chance(60) {
        req["cpu"] = json!(format!("{}m", r.below(5) * 250));
    }
    if r.chance(40) {
        req["memory"] = json!(format!("{}Mi", r.below(4) * 512));
    }
    json!([{"name": "c", "resources": {"requests": req}}])
}

fn pod(r: &mut Rng, name: &str, ns: &str, nodes: usize, incoming: bool) -> Value {
    let mut labels = json!({"app": r.pick(&APPS)});
    if r.chance(40) {
        labels["tier"] = json!(r.pick(&["front", "back"]));
    }
    let mut spec = json!({"containers": requests(r)});
    if !incoming && r.chance(85) {
        spec["nodeName"] = json!(format!("n{}", r.below(nodes as u64 + 1)));
    }
    if incoming && r.chance(5) {
        spec["nodeName"] = json!(format!("n{}", r.below(nodes as u64)));
    }
    let mut affinity = pod_affinity(r, incoming);
    if incoming {
        if r.chance(30) {
            let terms: Vec<Value> = (0..1 + r.below(2)).map(|_| node_term(r)).collect();
            affinity["nodeAffinity"] = json!({"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": terms}});
        }
        if r.chance(30) {
            let pref: Vec<Value> = (0..1 + r.below(2))
                .map(|_| json!({"weight": r.below(101), "preference": node_term(r)}))
                .collect();
            affinity
                .as_object_mut()
                .unwrap()
                .entry("nodeAffinity")
                .or_insert(json!({}))["preferredDuringSchedulingIgnoredDuringExecution"] =
                json!(pref);
        }
        if r.chance(25) {
            spec["nodeSelector"] = json!({r.pick(&["disk", "topology.kubernetes.io/zone"]): r.pick(&["ssd", "a", "b"])});
        }
        if r.chance(40) {
            let cs: Vec<Value> = (0..1 + r.below(2)).map(|_| spread(r)).collect();
            spec["topologySpreadConstraints"] = json!(cs);
        }
        spec["tolerations"] = tolerations(r);
    } else if r.chance(15) {
        spec["topologySpreadConstraints"] = json!([spread(r)]);
    }
    if affinity.as_object().is_some_and(|o| !o.is_empty()) {
        spec["affinity"] = affinity;
    }
    let mut meta = json!({"name": name, "namespace": ns, "labels": labels});
    if r.chance(30) {
        meta["ownerReferences"] = json!([{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-rs", "uid": "u1", "controller": true}]);
    }
    if !incoming && r.chance(10) {
        meta["deletionTimestamp"] = json!("2026-01-01T00:00:00Z");
    }
    let phase = if !incoming && r.chance(10) {
        r.pick(&["Succeeded", "Failed"])
    } else {
        "Running"
    };
    json!({"kind": "Pod", "apiVersion": "v1", "metadata": meta, "spec": spec, "status": {"phase": phase}})
}

fn node(r: &mut Rng, i: usize) -> Value {
    let name = format!("n{i}");
    let mut labels = json!({});
    if r.chance(90) {
        labels["kubernetes.io/hostname"] = json!(if r.chance(10) {
            "shared".to_string()
        } else {
            name.clone()
        });
    }
    if r.chance(85) {
        labels["topology.kubernetes.io/zone"] =
            json!(if r.chance(5) { "" } else { r.pick(&ZONES) });
    }
    if r.chance(50) {
        labels["disk"] = json!(r.pick(&["ssd", "hdd"]));
    }
    if r.chance(30) {
        labels["cores"] = json!(r.pick(&["2", "4", "8", "many"]));
    }
    let mut spec = json!({});
    let taints: Vec<Value> = [
        json!({"key": "gpu", "value": "true", "effect": "NoSchedule"}),
        json!({"key": "spot", "effect": "PreferNoSchedule"}),
        json!({"key": "maint", "effect": "NoExecute"}),
        json!({"key": "spot2", "effect": "PreferNoSchedule"}),
    ]
    .into_iter()
    .filter(|_| r.chance(15))
    .collect();
    if !taints.is_empty() {
        spec["taints"] = json!(taints);
    }
    if r.chance(8) {
        spec["unschedulable"] = json!(true);
    }
    let mut status = json!({});
    if r.chance(92) {
        status["allocatable"] = json!({
            "cpu": format!("{}", 1 + r.below(4)),
            "memory": format!("{}Gi", 1 + r.below(4)),
            "pods": format!("{}", 2 + r.below(10)),
        });
    }
    json!({"kind": "Node", "apiVersion": "v1", "metadata": {"name": name, "labels": labels}, "spec": spec, "status": status})
}

/// A world and its incoming pod, from a seed.
pub(crate) fn world(seed: u64) -> (Vec<Value>, Pod) {
    let mut r = Rng::new(seed);
    let nodes = 1 + r.below(10) as usize;
    let mut objects = Vec::new();
    for i in 0..nodes {
        objects.push(node(&mut r, i));
    }
    objects.push(json!({"kind": "Namespace", "apiVersion": "v1", "metadata": {"name": "shop", "labels": {"team": "x"}}}));
    if r.chance(70) {
        objects.push(json!({"kind": "Namespace", "apiVersion": "v1", "metadata": {"name": "lab", "labels": {"team": "y"}}}));
    }
    if r.chance(60) {
        objects.push(json!({"kind": "Service", "apiVersion": "v1", "metadata": {"name": "web", "namespace": "shop"}, "spec": {"selector": {"app": "web"}}}));
    }
    if r.chance(60) {
        objects.push(json!({"kind": "ReplicaSet", "apiVersion": "apps/v1", "metadata": {"name": "web-rs", "namespace": "shop", "uid": "u1"},
            "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}}}}));
    }
    let pods = r.below(30) as usize;
    for i in 0..pods {
        let ns = r.pick(&NAMESPACES);
        objects.push(pod(&mut r, &format!("p{i}"), ns, nodes, false));
    }
    let ns = if r.chance(80) { "shop" } else { "lab" };
    let name = if pods > 0 && r.chance(10) {
        format!("p{}", r.below(pods as u64))
    } else {
        "incoming".into()
    };
    let incoming: Pod = serde_json::from_value(pod(&mut r, &name, ns, nodes, true)).unwrap();
    (objects, incoming)
}

/// The world loaded into a store (objects the store refuses are left out).
pub(crate) fn cluster(objects: &[Value]) -> Cluster {
    let mut c = Cluster::new();
    for o in objects {
        if let Ok(obj) = serde_json::from_value::<Object>(o.clone()) {
            let _ = c.upsert(obj);
        }
    }
    c
}

/// A profile from a seed: mostly the default; otherwise arguments (addedAffinity,
/// hardPodAffinityWeight, ignorePreferredTermsOfExistingPods, listed default constraints) or a
/// subset of the plugins.
pub(crate) fn profile(seed: u64) -> label_selector::scheduling::Profile {
    use label_selector::scheduling::{Plugin, Profile};
    let mut r = Rng::new(seed.rotate_left(17) ^ 0xA5A5);
    let mut p = if r.chance(15) {
        let some: Vec<Plugin> = Plugin::ALL.into_iter().filter(|_| r.chance(60)).collect();
        Profile::only(&some)
    } else {
        Profile::default()
    };
    if r.chance(25) {
        let term = node_term(&mut r);
        p.added_affinity = serde_json::from_value(json!({
            "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [term]},
            "preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 1 + r.below(100), "preference": node_term(&mut r)}],
        }))
        .ok();
    }
    if r.chance(20) {
        p.hard_pod_affinity_weight = r.below(101) as i64;
    }
    p.ignore_preferred_terms_of_existing_pods = r.chance(15);
    if r.chance(20) {
        p.system_defaulting = false;
        p.default_constraints = serde_json::from_value(json!([
            {"maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": r.pick(&["DoNotSchedule", "ScheduleAnyway"])}
        ]))
        .unwrap();
    }
    p
}
