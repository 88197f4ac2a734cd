//! Event streams into the live store: no panic, and after every event the store equals a plain
//! model of the final objects (lookups, pods by node, registries, selections), its invariants
//! hold, and snapshots taken along the way do not change.
//!
//! One op adds a run of up to 5 000 pods, so that the store's copy-on-write chunks (4 096
//! entries) and the inventories' interning tables are crossed and compacted.

#![no_main]

#[path = "../common/mod.rs"]
#[allow(dead_code)] // the selector generator is for the other targets
mod common;

use std::collections::BTreeMap;

use common::{Bytes, KEYS, NAMESPACES, VALUES};
use label_selector::k8s::{Kind, Object, ObjectKey, WatchEvent};
use label_selector::{Cluster, Selector};
use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};

const NODES: &[&str] = &["n1", "n2", "n3", "n4"];
const KINDS: &[Kind] = &[
    Kind::Pod,
    Kind::Pod,
    Kind::Pod,
    Kind::Node,
    Kind::Namespace,
    Kind::Service,
    Kind::ReplicaSet,
    Kind::StatefulSet,
    Kind::PodDisruptionBudget,
];
const EXPR_OPS: &[&str] = &["In", "NotIn", "Exists", "DoesNotExist"];

fn labels(b: &mut Bytes<'_>) -> Option<BTreeMap<&'static str, &'static str>> {
    let n = b.next()? % 4;
    (0..n)
        .map(|_| Some((*b.pick(KEYS)?, *b.pick(VALUES)?)))
        .collect()
}

fn label_selector(b: &mut Bytes<'_>) -> Option<Value> {
    let match_labels = labels(b)?;
    let n = b.next()? % 3;
    let mut exprs = Vec::new();
    for _ in 0..n {
        let op = *b.pick(EXPR_OPS)?;
        let values: Vec<&str> = if matches!(op, "In" | "NotIn") {
            vec![*b.pick(VALUES)?]
        } else {
            vec![]
        };
        exprs.push(json!({"key": *b.pick(KEYS)?, "operator": op, "values": values}));
    }
    Some(json!({"matchLabels": match_labels, "matchExpressions": exprs}))
}

fn object(b: &mut Bytes<'_>, kind: Kind, name: String) -> Option<Object> {
    let mut meta = json!({"name": name, "labels": labels(b)?});
    let rv = b.next()? % 4;
    if rv > 0 {
        meta["resourceVersion"] = json!(rv.to_string());
    }
    let ns = *b.pick(NAMESPACES)?;
    if !ns.is_empty() {
        meta["namespace"] = json!(ns);
    }
    let v = match kind {
        Kind::Pod => {
            let node = (b.next()? % 5 > 0).then(|| NODES[b.next().unwrap_or(0) % NODES.len()]);
            json!({"kind": "Pod", "metadata": meta, "spec": {"nodeName": node}})
        }
        Kind::Node | Kind::Namespace => json!({"kind": kind.as_str(), "metadata": meta}),
        Kind::Service => {
            json!({"kind": "Service", "metadata": meta, "spec": {"selector": labels(b)?}})
        }
        Kind::PodDisruptionBudget => json!({"kind": kind.as_str(), "apiVersion": "policy/v1",
            "metadata": meta, "spec": {"selector": label_selector(b)?}}),
        _ => json!({"kind": kind.as_str(), "apiVersion": "apps/v1",
            "metadata": meta, "spec": {"selector": label_selector(b)?}}),
    };
    Some(serde_json::from_value(v).expect("generated objects read"))
}

/// The plain model's update: the final object per key.
fn model_apply(m: &mut BTreeMap<ObjectKey, Object>, event: &WatchEvent) {
    let (o, delete) = match event {
        WatchEvent::Added(o) | WatchEvent::Modified(o) => (o, false),
        WatchEvent::Deleted(o) => (o, true),
        _ => return,
    };
    let mut o = o.clone();
    let key = o.key().unwrap();
    if let Some(meta) = o.metadata_mut() {
        if key.kind().is_namespaced() && meta.namespace.is_empty() {
            meta.namespace = "default".into();
        }
        if !key.kind().is_namespaced() {
            meta.namespace.clear();
        }
    }
    let key = o.key().unwrap();
    if delete {
        m.remove(&key);
        return;
    }
    let rv = o.metadata().unwrap().resource_version.clone();
    let same = m
        .get(&key)
        .is_some_and(|old| !rv.is_empty() && old.metadata().unwrap().resource_version == rv);
    if !same {
        m.insert(key, o);
    }
}

/// Checks one stored object against the model; `owners` are the model's Services, workloads and
/// PDBs.
fn check_key<I: std::ops::Deref<Target = label_selector::View>>(
    c: &Cluster<I>,
    m: &BTreeMap<ObjectKey, Object>,
    owners: &[(&ObjectKey, &Object)],
    key: &ObjectKey,
) {
    let Some(o) = m.get(key) else {
        assert!(!c.contains(key), "{key} deleted");
        return;
    };
    match o {
        Object::Pod(p) => {
            let e = c
                .pod_named(key.namespace(), key.name())
                .expect("pod stored");
            assert_eq!(&e.to_object(), &**p);
            // Registries against a plain evaluation over the model's selectors.
            let labels = &p.metadata.labels;
            let mut want: Vec<&ObjectKey> = owners
                .iter()
                .filter(|(k, _)| k.namespace() == key.namespace())
                .filter(|(_, o)| match o {
                    Object::Service(s) => s.selector().matches(labels),
                    Object::Workload(w) => w.selector().matches(labels),
                    Object::PodDisruptionBudget(b) => b.selector().matches(labels),
                    _ => false,
                })
                .map(|(k, _)| *k)
                .collect();
            let mut got = c.services_for_pod(e.id());
            got.extend(c.controllers_for_pod(e.id()));
            got.extend(c.pdbs_for_pod(e.id()));
            got.sort();
            want.sort();
            assert_eq!(got, want, "{key}");
        }
        Object::Node(n) => {
            assert_eq!(&c.node_named(key.name()).expect("node").to_object(), &**n)
        }
        Object::Namespace(n) => {
            assert_eq!(
                &c.namespace(key.name()).expect("namespace").to_object(),
                &**n
            )
        }
        _ => assert!(c.contains(key), "{key}"),
    }
}

fn owners(m: &BTreeMap<ObjectKey, Object>) -> Vec<(&ObjectKey, &Object)> {
    m.iter()
        .filter(|(k, _)| !matches!(k.kind(), Kind::Pod | Kind::Node | Kind::Namespace))
        .collect()
}

/// Every answer of the store, in key terms, checked against the plain model.
fn check<I: std::ops::Deref<Target = label_selector::View>>(
    c: &Cluster<I>,
    m: &BTreeMap<ObjectKey, Object>,
) {
    let owners = owners(m);
    let pods = m.keys().filter(|k| k.kind() == Kind::Pod).count();
    assert_eq!(c.pods().len(), pods);
    let mut on_node: BTreeMap<&str, u64> = BTreeMap::new();
    for (key, o) in m {
        check_key(c, m, &owners, key);
        if let Object::Pod(p) = o
            && let Some(n) = &p.spec.node_name
        {
            *on_node.entry(n.as_str()).or_default() += 1;
        }
    }
    for n in NODES {
        assert_eq!(
            c.pods_on_node_count(n),
            on_node.get(n).copied().unwrap_or(0),
            "{n}"
        );
    }
    let stored = c.services().len() + c.workloads().len() + c.pdbs().len();
    assert_eq!(stored, owners.len());
    for sel in ["app=web", "!env", "x.io/n in (,db)"] {
        let s: Selector = sel.parse().unwrap();
        let plain = m
            .values()
            .filter(|o| matches!(o, Object::Pod(p) if s.matches(&p.metadata.labels)))
            .count() as u64;
        assert_eq!(c.pods().count(&s), plain, "{sel}");
    }
}

/// The key an event is about, with the store's namespace defaulting.
fn key_of(e: &WatchEvent) -> Option<ObjectKey> {
    let (WatchEvent::Added(o) | WatchEvent::Modified(o) | WatchEvent::Deleted(o)) = e else {
        return None;
    };
    let k = o.key()?;
    Some(if k.kind().is_namespaced() && k.namespace().is_empty() {
        ObjectKey::new(k.kind(), "default", k.name())
    } else {
        k
    })
}

fuzz_target!(|data: &[u8]| {
    let mut b = Bytes(data);
    let mut c = Cluster::new();
    let mut m = BTreeMap::new();
    let mut snapshots = Vec::new();
    let mut run = 0_usize;
    while let Some(op) = b.next() {
        let events: Vec<WatchEvent> = if op % 23 == 0 {
            // A run of up to 5 000 pods with fresh names, drawn from three bytes rather than
            // a dozen bytes a pod, so that short inputs reach thousands of objects.
            let n = 1 + (b.next().unwrap_or(0) * 20 + b.next().unwrap_or(0)) % 5000;
            let seed = b.next().unwrap_or(0);
            run += 1;
            (0..n)
                .map(|i| {
                    let mut pod_bytes = [
                        (i * 7 + seed) as u8 % 4,
                        (i + seed) as u8,
                        (i / 3) as u8,
                        (i % 4) as u8,
                        (i / 5 + seed) as u8,
                        (i % 3) as u8,
                        (i % 5) as u8,
                        (i / 7) as u8,
                        (i / 11 + seed) as u8,
                        (i % 7) as u8,
                        (i / 13) as u8,
                        (i % 9) as u8,
                    ];
                    pod_bytes[0] %= 4;
                    let mut pb = Bytes(&pod_bytes);
                    let o = object(&mut pb, Kind::Pod, format!("run{run}-{i}"))
                        .expect("12 bytes make a pod");
                    WatchEvent::Added(o)
                })
                .collect()
        } else {
            let Some(&kind) = b.pick(KINDS) else { break };
            let name = format!("o{}", b.next().unwrap_or(0) % 6);
            let Some(o) = object(&mut b, kind, name) else {
                break;
            };
            vec![match op % 4 {
                0 => WatchEvent::Deleted(o),
                1 => WatchEvent::Added(o),
                _ => WatchEvent::Modified(o),
            }]
        };
        let mut touched = Vec::new();
        for e in events {
            model_apply(&mut m, &e);
            touched.extend(key_of(&e));
            c.apply(e).expect("generated events apply");
        }
        // After every event: the whole store while it is small, else what the event touched
        // (and the whole store once more at the end).
        if m.len() < 200 {
            check(&c, &m);
        } else if touched.len() == 1 {
            let owners = owners(&m);
            check_key(&c, &m, &owners, &touched[0]);
        }
        if op % 5 == 0 && snapshots.len() < 3 {
            snapshots.push((c.snapshot(), m.clone()));
        }
    }
    c.internal_validate().unwrap();
    check(&c, &m);
    for (snap, then) in &snapshots {
        check(snap, then);
    }
});
