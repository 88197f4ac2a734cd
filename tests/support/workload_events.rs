//! Random workload events for `tests/workloads.rs` and the `workload_events` fuzz target: a
//! small universe (two namespaces, five pod names, two nodes, two Services, every workload
//! kind, two PDBs) where every rule of endpoints, ownership and budgets is reachable.

use label_selector::k8s::Object;
use serde_json::{Value, json};

const NAMESPACES: [&str; 2] = ["shop", "lab"];
const POD_NAMES: [&str; 5] = ["web-0", "web-1", "db-0", "x", "y"];

/// One event, decoded from a few numbers: which kind and object, six variant choices, and
/// whether it is a delete.
#[derive(Clone, Debug)]
pub(crate) struct Ev {
    pub(crate) kind: u8,
    pub(crate) ns: u8,
    pub(crate) name: u8,
    pub(crate) v: [u8; 6],
    pub(crate) delete: bool,
}

fn pick<T: Copy>(xs: &[T], i: u8) -> T {
    xs[i as usize % xs.len()]
}

fn owner_ref(v: u8) -> Value {
    let r = |api: &str, kind: &str, name: &str, uid: &str| json!([{"apiVersion": api, "kind": kind, "name": name, "uid": uid, "controller": true}]);
    match v % 8 {
        0 | 1 => json!([]),
        2 => r("apps/v1", "ReplicaSet", "rs0", "u0"),
        3 => r("apps/v1", "ReplicaSet", "rs0", "u1"),
        4 => r("apps/v1", "StatefulSet", "web", "u0"),
        5 => r("v1", "ReplicationController", "rc0", "u0"),
        6 => r("apps/v1", "DaemonSet", "ds0", "u0"),
        _ => r("apps/v1", "ReplicaSet", "rs1", "u0"),
    }
}

fn selector(v: u8) -> Value {
    match v % 6 {
        0 => json!({"matchLabels": {"app": "web"}}),
        1 => json!({"matchLabels": {"app": "db"}}),
        2 => json!({}),
        3 => Value::Null,
        4 => json!({"matchExpressions": [{"key": "tier", "operator": "Exists"}]}),
        _ => json!({"matchLabels": {"app": "web", "tier": "fe"}}),
    }
}

/// The object of an event: pods (twice as likely), nodes, Services, workloads of every kind,
/// PDBs; each field varied across the cases the rules distinguish.
pub(crate) fn to_object(e: &Ev) -> Object {
    let ns = NAMESPACES[e.ns as usize % 2];
    // Every choice is among at most 8.
    let v = e.v.map(|x| x % 8);
    let uid = format!("u{}", v[5] % 2);
    let v = match e.kind {
        0 | 1 => {
            // Pods (twice as likely).
            let mut labels = json!({"app": pick(&["web", "db", "other"], v[0])});
            if v[0].is_multiple_of(2) {
                labels["tier"] = json!("fe");
            }
            let mut meta = json!({"name": POD_NAMES[e.name as usize], "namespace": ns, "uid": format!("p{}", v[5] % 3),
                "labels": labels, "ownerReferences": owner_ref(v[1])});
            if v[2].is_multiple_of(5) {
                meta["deletionTimestamp"] = json!("2026-03-01T11:00:00Z");
            }
            let ip = match v[3] % 4 {
                0 => Value::Null,
                1 => json!("fd00::1"),
                _ => json!(format!("10.0.0.{}", e.name)),
            };
            json!({"kind": "Pod", "metadata": meta,
                "spec": {"nodeName": pick(&["n0", "n1", "n9"], v[4]), "hostname": "h", "subdomain": "s0",
                         "containers": [{"name": "c", "ports": [{"name": "http", "containerPort": 8000 + v[4] as i32 % 2}]}]},
                "status": {"phase": pick(&["Running", "Running", "Pending", "Succeeded", "Failed", ""], v[2]),
                           "podIP": ip,
                           "conditions": [{"type": "Ready", "status": if v[3].is_multiple_of(3) { "False" } else { "True" }}]}})
        }
        2 => {
            let name = pick(&["n0", "n1"], e.name);
            let labels = if v[0].is_multiple_of(2) {
                json!({"topology.kubernetes.io/zone": pick(&["a", "b"], v[1])})
            } else {
                json!({})
            };
            json!({"kind": "Node", "metadata": {"name": name, "labels": labels}})
        }
        3 => {
            let sel = match v[0] % 5 {
                0 => json!({"app": "web"}),
                1 => json!({"app": "db"}),
                2 => json!({}),
                3 => Value::Null,
                _ => json!({"app": "web", "tier": "fe"}),
            };
            let ports = match v[1] % 3 {
                0 => json!([]),
                1 => json!([{"port": 80, "targetPort": 8080}]),
                _ => json!([{"name": "http", "port": 80, "targetPort": "http"}]),
            };
            let fam = match v[2] % 3 {
                0 => json!([]),
                1 => json!(["IPv4"]),
                _ => json!(["IPv6"]),
            };
            json!({"kind": "Service", "metadata": {"name": pick(&["s0", "s1"], e.name), "namespace": ns, "uid": uid},
                "spec": {"selector": sel, "publishNotReadyAddresses": v[3].is_multiple_of(3), "ports": ports, "ipFamilies": fam}})
        }
        4 | 5 => {
            let (kind, name, api) = pick(
                &[
                    ("ReplicaSet", "rs0", "apps/v1"),
                    ("ReplicaSet", "rs1", "apps/v1"),
                    ("Deployment", "d0", "apps/v1"),
                    ("StatefulSet", "web", "apps/v1"),
                    ("ReplicationController", "rc0", "v1"),
                    ("DaemonSet", "ds0", "apps/v1"),
                ],
                e.name % 8 + e.kind % 8,
            );
            let mut meta = json!({"name": name, "namespace": ns, "uid": uid});
            if kind == "ReplicaSet" && v[2].is_multiple_of(2) {
                meta["ownerReferences"] = json!([{"apiVersion": "apps/v1", "kind": "Deployment", "name": "d0",
                    "uid": format!("u{}", v[2] % 4 / 2), "controller": true}]);
            }
            if v[3].is_multiple_of(6) {
                meta["deletionTimestamp"] = json!("2026-03-01T11:00:00Z");
            }
            let sel = if kind == "ReplicationController" {
                [json!({"app": "web"}), json!({}), json!({"app": "db"})][v[0] as usize % 3].clone()
            } else {
                selector(v[0])
            };
            let mut spec =
                json!({"selector": sel, "template": {"metadata": {"labels": {"app": "web"}}}});
            if !v[4].is_multiple_of(4) {
                spec["replicas"] = json!(v[4] % 4);
            }
            json!({"kind": kind, "apiVersion": api, "metadata": meta, "spec": spec})
        }
        _ => {
            let api = if v[0].is_multiple_of(5) {
                "policy/v1beta1"
            } else {
                "policy/v1"
            };
            let mut spec = json!({"selector": selector(v[1])});
            match v[2] % 5 {
                0 => spec["minAvailable"] = json!(v[3] % 3),
                1 => spec["minAvailable"] = json!(format!("{}%", v[3] * 15)),
                2 => spec["maxUnavailable"] = json!(v[3] % 3),
                3 => spec["maxUnavailable"] = json!(format!("{}%", v[3] * 15)),
                _ => {}
            }
            if v[4].is_multiple_of(2) {
                spec["unhealthyPodEvictionPolicy"] = json!("AlwaysAllow");
            }
            let disrupted = match v[5] % 4 {
                0 => json!({}),
                1 => json!({"web-0": "2026-03-01T11:59:00Z"}),
                2 => json!({"web-0": "2026-03-01T11:58:00Z", "db-0": "2026-03-01T11:50:00Z"}),
                _ => json!({"x": "2026-03-01T11:59:59Z"}),
            };
            json!({"kind": "PodDisruptionBudget", "apiVersion": api,
                "metadata": {"name": pick(&["b0", "b1"], e.name), "namespace": ns, "generation": v[4] % 3},
                "spec": spec,
                "status": {"disruptedPods": disrupted, "observedGeneration": v[5] % 3, "currentHealthy": 1, "expectedPods": 2}})
        }
    };
    serde_json::from_value(v).unwrap()
}
