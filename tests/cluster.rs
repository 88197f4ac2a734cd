//! The live store: events in, lookups and index answers out, equal to a store rebuilt from the
//! final objects and to a plain evaluation over them.

use std::collections::{BTreeMap, BTreeSet};

use label_selector::cluster::{Applied, ClusterSnapshot};
use label_selector::k8s::{Kind, Object, ObjectKey, WatchEvent};
use label_selector::load::{LoadErrorKind, read_watch_str};
use label_selector::{Cluster, ErrorKind, Selector};
use proptest::prelude::*;
use serde_json::{Value, json};

fn object(v: Value) -> Object {
    serde_json::from_value(v).unwrap()
}

fn pod(ns: &str, name: &str, rv: &str, labels: Value, node: Option<&str>) -> Object {
    let mut spec = json!({});
    if let Some(n) = node {
        spec["nodeName"] = json!(n);
    }
    let mut meta = json!({"name": name, "resourceVersion": rv, "labels": labels});
    if !ns.is_empty() {
        meta["namespace"] = json!(ns);
    }
    object(json!({"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}))
}

#[test]
fn objects_without_a_namespace_take_the_loads_default() {
    let text = "kind: Pod\nmetadata: {name: a}\n---\nkind: Service\nmetadata: {name: s}\nspec: {selector: {app: a}}\n---\nkind: Node\nmetadata: {name: n1, namespace: ignored}\n";
    let mut c = Cluster::new();
    c.load_str("m.yaml", text).unwrap();
    assert!(c.pod_named("default", "a").is_some());
    assert!(c.service("default", "s").is_some());
    // Cluster-scoped kinds keep no namespace.
    assert_eq!(c.node_named("n1").unwrap().namespace(), "");

    let mut c = Cluster::new();
    c.set_default_namespace("shop").unwrap();
    c.load_str("m.yaml", text).unwrap();
    assert!(c.pod_named("shop", "a").is_some());
    assert!(c.pod_named("default", "a").is_none());
    assert_eq!(c.default_namespace(), "shop");
    // A namespace the object names wins over the default.
    c.upsert(pod("other", "b", "", json!({}), None)).unwrap();
    assert!(c.pod_named("other", "b").is_some());

    let err = c.set_default_namespace("Shop").unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::NamespaceInvalid));
    assert!(matches!(
        c.set_default_namespace("").unwrap_err().kind(),
        ErrorKind::NamespaceInvalid
    ));
    assert_eq!(c.default_namespace(), "shop");
}

#[test]
fn an_update_with_the_stored_resource_version_is_a_no_op() {
    let mut c = Cluster::new();
    let key = ObjectKey::pod("shop", "a");
    let a = |rv: &str, app: &str| pod("shop", "a", rv, json!({"app": app}), Some("n1"));
    assert_eq!(
        c.upsert(a("5", "web")).unwrap(),
        Applied::Added(key.clone())
    );
    assert_eq!(
        c.apply(WatchEvent::Modified(a("5", "db"))).unwrap(),
        Applied::Unchanged(key.clone())
    );
    assert_eq!(c.pod_named("shop", "a").unwrap().label("app"), Some("web"));
    assert_eq!(
        c.apply(WatchEvent::Modified(a("6", "db"))).unwrap(),
        Applied::Updated(key.clone())
    );
    assert_eq!(c.pod_named("shop", "a").unwrap().label("app"), Some("db"));
    assert_eq!(c.resource_version(&key), Some("6"));
    // Without a resourceVersion every update applies.
    c.upsert(a("", "x")).unwrap();
    c.upsert(a("", "y")).unwrap();
    assert_eq!(c.pod_named("shop", "a").unwrap().label("app"), Some("y"));
}

#[test]
fn deleting_an_unknown_object_is_reported_not_fatal() {
    let mut c = Cluster::new();
    let key = ObjectKey::new(Kind::Service, "shop", "gone");
    assert_eq!(c.delete(&key), Applied::UnknownDelete(key.clone()));
    let summary = c
        .load_str(
            "w.json",
            r#"{"type":"DELETED","object":{"kind":"Service","metadata":{"name":"gone","namespace":"shop"}}}
               {"type":"DELETED","object":{"kind":"ConfigMap","metadata":{"name":"c","namespace":"shop"}}}"#,
        )
        .unwrap();
    assert_eq!(summary.unknown_deletes, [key]);
    assert_eq!((summary.documents, summary.skipped), (2, 1));
}

#[test]
fn bookmark_and_error_events_change_nothing_and_are_reported() {
    let text = r#"{"type":"ADDED","object":{"kind":"Pod","metadata":{"name":"a","namespace":"s","resourceVersion":"1"}}}
{"type":"BOOKMARK","object":{"kind":"Pod","apiVersion":"v1","metadata":{"resourceVersion":"17","annotations":{"k8s.io/initial-events-end":"true"}}}}
{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 1 (17)","reason":"Expired","code":410}}
"#;
    let mut c = Cluster::new();
    let summary = c.load_str("w.json", text).unwrap();
    assert_eq!(summary.added, 1);
    assert_eq!(summary.bookmark.as_deref(), Some("17"));
    assert_eq!(summary.watch_errors.len(), 1);
    let (index, status) = &summary.watch_errors[0];
    assert_eq!(*index, 3);
    assert_eq!(
        status.to_string(),
        "410 Expired: too old resource version: 1 (17)"
    );
    assert_eq!(c.pods().len(), 1);
    let events = read_watch_str("w.json", text).unwrap();
    let before = c.pods().version();
    for e in events.into_iter().skip(1) {
        let applied = c.apply(e.event).unwrap();
        assert!(!applied.changed());
        assert!(matches!(
            applied,
            Applied::Bookmark { .. } | Applied::WatchError(_)
        ));
    }
    assert_eq!(c.pods().version(), before);
}

#[test]
fn watch_streams_in_yaml_and_with_object_first_read_alike() {
    let yaml = "type: ADDED\nobject:\n  kind: Pod\n  metadata: {name: a, namespace: s, labels: {app: web}}\n---\nobject:\n  kind: Pod\n  metadata: {name: a, namespace: s, labels: {app: db}}\ntype: MODIFIED\n";
    let mut c = Cluster::new();
    let summary = c.load_str("w.yaml", yaml).unwrap();
    assert_eq!((summary.added, summary.updated), (1, 1));
    assert_eq!(c.pod_named("s", "a").unwrap().label("app"), Some("db"));
    let err = read_watch_str("w.json", r#"{"type":"CHANGED","object":{}}"#).unwrap_err();
    assert_eq!(
        err.to_string(),
        "w.json: document 1, line 1, column 17: unknown watch event type 'CHANGED' (expected ADDED, MODIFIED, DELETED, BOOKMARK or ERROR)"
    );
    let err = read_watch_str("w.json", r#"{"type":"ADDED"}"#).unwrap_err();
    assert_eq!(err.message(), "missing field `object`");
}

#[test]
fn a_bad_event_names_the_object_and_changes_nothing() {
    let mut c = Cluster::new();
    c.upsert(pod("shop", "a", "1", json!({"app": "web"}), Some("n1")))
        .unwrap();
    let version = c.pods().version();
    // Objects built in code skip the reader's checks; the store applies them.
    let Object::Pod(mut bad) = pod("shop", "b", "1", json!({}), None) else {
        unreachable!()
    };
    bad.metadata.name = "b/c".into();
    let err = c.upsert(Object::Pod(bad)).unwrap_err();
    assert_eq!(err.object(), "Pod shop/b/c");
    assert!(matches!(err.cause().kind(), ErrorKind::NameInvalid));
    assert_eq!(
        err.to_string(),
        "Pod shop/b/c: object name must be 1 to 253 bytes, not '.' or '..', without '/', '%' or control characters: 'b/c'"
    );
    assert!(std::error::Error::source(&err).is_some());
    let Object::Pod(mut bad) = pod("shop", "b", "1", json!({}), None) else {
        unreachable!()
    };
    bad.metadata.namespace = "Shop".into();
    let err = c.upsert(Object::Pod(bad)).unwrap_err();
    assert!(matches!(err.cause().kind(), ErrorKind::NamespaceInvalid));
    let err = c
        .apply(WatchEvent::Added(Object::List(Vec::new())))
        .unwrap_err();
    assert!(err.is_list());
    assert_eq!(
        err.to_string(),
        "List: expected one object, found a List (load lists as documents)"
    );
    assert_eq!(c.pods().version(), version);
    c.internal_validate().unwrap();
}

#[test]
fn a_load_that_fails_part_way_leaves_the_store_as_it_was() {
    let mut c = Cluster::new();
    c.load_str(
        "a.yaml",
        "kind: Pod\nmetadata: {name: a, namespace: s, labels: {app: web}}\nspec: {nodeName: n1}\n---\nkind: Service\nmetadata: {name: web, namespace: s}\nspec: {selector: {app: web}}\n",
    )
    .unwrap();
    let before = c.snapshot();
    // The reader refuses document 3: nothing of documents 1 and 2 is applied.
    let err = c
        .load_str(
            "b.yaml",
            "kind: Pod\nmetadata: {name: a, namespace: s, labels: {app: db}}\n---\nkind: Pod\nmetadata: {name: new, namespace: s}\n---\nkind: Pod\nmetadata: {name: x, namespace: s, labels: {tier: 'a b'}}\n",
        )
        .unwrap_err();
    assert_eq!(err.kind(), LoadErrorKind::Invalid);
    assert_eq!(err.document(), Some(3));
    // The typed cause of the bad label, with its kind and span.
    let cause = err.cause().unwrap();
    assert!(matches!(cause.kind(), ErrorKind::ValueInvalid));
    assert_eq!((cause.input(), cause.span()), ("a b", 1..2));
    // A watch stream whose last event the store refuses is undone whole.
    let err = c
        .load_str(
            "w.json",
            r#"{"type":"DELETED","object":{"kind":"Service","metadata":{"name":"web","namespace":"s"}}}
{"type":"MODIFIED","object":{"kind":"Pod","metadata":{"name":"a","namespace":"s","labels":{"app":"db"}}}}
{"type":"ADDED","object":{"kind":"List","items":[]}}"#,
        )
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "w.json: document 3: List: expected one object, found a List (load lists as documents)"
    );
    assert_same(&c, &before);
    c.internal_validate().unwrap();
}

#[test]
fn pods_by_node_and_the_selector_registries_follow_events() {
    let mut c = Cluster::new();
    c.load_str(
        "c.yaml",
        "
kind: Service
metadata: {name: web, namespace: s}
spec: {selector: {app: web}}
---
kind: Service
metadata: {name: none, namespace: s}
spec: {selector: {}}
---
kind: ReplicaSet
apiVersion: apps/v1
metadata: {name: web-1, namespace: s}
spec: {selector: {matchLabels: {app: web, hash: '1'}}}
---
kind: Deployment
apiVersion: apps/v1
metadata: {name: web, namespace: s}
spec: {selector: {matchLabels: {app: web}}}
---
kind: PodDisruptionBudget
apiVersion: policy/v1
metadata: {name: all, namespace: s}
spec: {selector: {}, minAvailable: 1}
---
kind: Service
metadata: {name: web, namespace: other}
spec: {selector: {app: web}}
",
    )
    .unwrap();
    c.upsert(pod(
        "s",
        "p",
        "",
        json!({"app": "web", "hash": "1"}),
        Some("n1"),
    ))
    .unwrap();
    let p = c.pod_id("s", "p").unwrap();
    let keys = |v: Vec<&ObjectKey>| v.iter().map(|k| k.to_string()).collect::<Vec<_>>();
    assert_eq!(keys(c.services_for_pod(p)), ["Service s/web"]);
    assert_eq!(
        keys(c.controllers_for_pod(p)),
        ["ReplicaSet s/web-1", "Deployment s/web"]
    );
    assert_eq!(keys(c.pdbs_for_pod(p)), ["PodDisruptionBudget s/all"]);
    assert_eq!(c.pods_on_node("n1").collect::<Vec<_>>(), [p]);
    // Relabel and move: the answers follow.
    c.upsert(pod("s", "p", "", json!({"app": "db"}), Some("n2")))
        .unwrap();
    assert!(c.services_for_pod(p).is_empty());
    assert!(c.controllers_for_pod(p).is_empty());
    assert_eq!(c.pods_on_node_count("n1"), 0);
    assert_eq!(c.pods_on_node("n2").collect::<Vec<_>>(), [p]);
    c.delete(&ObjectKey::new(Kind::PodDisruptionBudget, "s", "all"));
    assert!(c.pdbs_for_pod(p).is_empty());
    c.delete(&ObjectKey::pod("s", "p"));
    assert_eq!(c.pods_on_node_count("n2"), 0);
    assert!(c.pod(p).is_none());
    c.internal_validate().unwrap();
}

#[test]
fn snapshots_are_consistent_and_shareable() {
    let mut c = Cluster::new();
    c.upsert(pod("s", "a", "", json!({"app": "web"}), Some("n1")))
        .unwrap();
    let snap = c.snapshot();
    c.upsert(pod("s", "a", "", json!({"app": "db"}), Some("n2")))
        .unwrap();
    c.upsert(object(json!({"kind": "Service", "metadata": {"name": "web", "namespace": "s"}, "spec": {"selector": {"app": "web"}}})))
        .unwrap();
    assert_eq!(snap.pod_named("s", "a").unwrap().label("app"), Some("web"));
    assert_eq!(snap.pods_on_node_count("n1"), 1);
    assert_eq!(snap.services().len(), 0);
    let p = snap.pod_id("s", "a").unwrap();
    assert!(snap.services_for_pod(p).is_empty());
    let handle = std::thread::spawn(move || snap.pods().len());
    assert_eq!(handle.join().unwrap(), 1);
    fn send_sync<T: Send + Sync>() {}
    send_sync::<ClusterSnapshot>();
    send_sync::<Cluster>();
    send_sync::<label_selector::cluster::ClusterReader>();
}

#[test]
fn a_new_uid_under_the_same_name_replaces_the_object() {
    let mut c = Cluster::new();
    let with_uid = |uid: &str, app: &str| {
        object(
            json!({"kind": "Pod", "metadata": {"name": "a", "namespace": "s", "uid": uid, "labels": {"app": app}}}),
        )
    };
    c.upsert(with_uid("u1", "web")).unwrap();
    c.delete(&ObjectKey::pod("s", "a"));
    assert_eq!(
        c.upsert(with_uid("u2", "db")).unwrap(),
        Applied::Added(ObjectKey::pod("s", "a"))
    );
    let a = c.pod_named("s", "a").unwrap();
    assert_eq!((a.uid(), a.label("app")), ("u2", Some("db")));
    assert_eq!(
        c.upsert(with_uid("u3", "db")).unwrap(),
        Applied::Updated(ObjectKey::pod("s", "a"))
    );
    assert_eq!(c.pod_named("s", "a").unwrap().uid(), "u3");
}

// ---- The store against a rebuild and a plain model, after random event sequences ----

const NAMESPACES: &[&str] = &["a", "b"];
const NAMES: &[&str] = &["x", "y", "z", "w"];
const NODES: &[&str] = &["n1", "n2", "n3"];
const LABEL_KEYS: &[&str] = &["app", "tier", "app.kubernetes.io/name"];
const LABEL_VALUES: &[&str] = &["web", "db", ""];
/// Selectors of Services, workloads and PDBs, as `matchLabels` pairs; the empty one is `{}`.
const SELECTORS: &[&[(&str, &str)]] = &[
    &[],
    &[("app", "web")],
    &[("app", "db")],
    &[("app", "web"), ("tier", "web")],
    &[("app.kubernetes.io/name", "")],
];
const KINDS: &[Kind] = &[
    Kind::Pod,
    Kind::Node,
    Kind::Namespace,
    Kind::Service,
    Kind::ReplicaSet,
    Kind::Deployment,
    Kind::PodDisruptionBudget,
];

#[derive(Clone, Debug)]
struct Ev {
    delete: bool,
    kind: usize,
    ns: usize,
    name: usize,
    labels: Vec<(usize, usize)>,
    node: Option<usize>,
    selector: usize,
    rv: u8,
}

fn ev() -> impl Strategy<Value = Ev> {
    (
        prop::bool::weighted(0.25),
        0..KINDS.len(),
        0..NAMESPACES.len(),
        0..NAMES.len(),
        prop::collection::vec((0..LABEL_KEYS.len(), 0..LABEL_VALUES.len()), 0..3),
        prop::option::of(0..NODES.len()),
        0..SELECTORS.len(),
        0..4_u8,
    )
        .prop_map(|(delete, kind, ns, name, labels, node, selector, rv)| Ev {
            delete,
            kind,
            ns,
            name,
            labels,
            node,
            selector,
            rv,
        })
}

fn to_object(e: &Ev) -> Object {
    let kind = KINDS[e.kind];
    let labels: BTreeMap<&str, &str> = e
        .labels
        .iter()
        .map(|&(k, v)| (LABEL_KEYS[k], LABEL_VALUES[v]))
        .collect();
    let mut meta = json!({"name": NAMES[e.name], "labels": labels, "uid": format!("u{}", e.rv)});
    if e.rv > 0 {
        meta["resourceVersion"] = json!(e.rv.to_string());
    }
    if kind.is_namespaced() && e.ns > 0 {
        // Namespace 0 is left out, so the store's default ("default") applies.
        meta["namespace"] = json!(NAMESPACES[e.ns]);
    }
    let match_labels: BTreeMap<&str, &str> = SELECTORS[e.selector].iter().copied().collect();
    let v = match kind {
        Kind::Pod => {
            json!({"kind": "Pod", "metadata": meta, "spec": {"nodeName": e.node.map(|n| NODES[n])}})
        }
        Kind::Node | Kind::Namespace => json!({"kind": kind.as_str(), "metadata": meta}),
        Kind::Service => {
            json!({"kind": "Service", "metadata": meta, "spec": {"selector": match_labels}})
        }
        Kind::PodDisruptionBudget => json!({"kind": kind.as_str(), "apiVersion": "policy/v1",
            "metadata": meta, "spec": {"selector": {"matchLabels": match_labels}}}),
        _ => json!({"kind": kind.as_str(), "apiVersion": "apps/v1",
            "metadata": meta, "spec": {"selector": {"matchLabels": match_labels}}}),
    };
    object(v)
}

/// The plain model: the final object of every key, by applying events to a map.
fn model(events: &[Ev]) -> BTreeMap<ObjectKey, Object> {
    let mut m = BTreeMap::new();
    for e in events {
        let mut o = to_object(e);
        if let Some(meta) = o.metadata_mut()
            && meta.namespace.is_empty()
            && KINDS[e.kind].is_namespaced()
        {
            meta.namespace = "default".into();
        }
        let key = o.key().unwrap();
        if e.delete {
            m.remove(&key);
            continue;
        }
        let rv = &o.metadata().unwrap().resource_version;
        let same = m.get(&key).is_some_and(|old: &Object| {
            !rv.is_empty() && &old.metadata().unwrap().resource_version == rv
        });
        if !same {
            m.insert(key, o);
        }
    }
    m
}

fn pod_keys<I: std::ops::Deref<Target = label_selector::View>>(
    c: &Cluster<I>,
    set: &label_selector::ObjectSet,
) -> BTreeSet<String> {
    set.iter()
        .map(|id| {
            let p = c.pod_by_object_id(id).unwrap();
            format!("{}/{}", p.namespace(), p.name())
        })
        .collect()
}

/// Everything a reader can ask of `c`, in key terms (ids differ between stores).
fn answers<I: std::ops::Deref<Target = label_selector::View>>(c: &Cluster<I>) -> Vec<String> {
    let mut out = Vec::new();
    for p in c.pod_entries() {
        out.push(format!(
            "pod {} {} node={:?} rv={} uid={} svc={:?} ctl={:?} pdb={:?}",
            p.key(),
            p.labels(),
            p.node_name(),
            p.resource_version(),
            p.uid(),
            c.services_for_pod(p.id()),
            c.controllers_for_pod(p.id()),
            c.pdbs_for_pod(p.id()),
        ));
    }
    for n in c.node_entries() {
        out.push(format!(
            "node {} {} {}",
            n.name(),
            n.labels(),
            n.resource_version()
        ));
    }
    for n in NAMES {
        if let Some(ns) = c.namespace(n) {
            out.push(format!("namespace {} {}", ns.name(), ns.labels()));
        }
    }
    for s in c.services() {
        out.push(format!(
            "svc {}/{} {}",
            s.metadata.namespace,
            s.metadata.name,
            s.selector()
        ));
    }
    for w in c.workloads() {
        out.push(format!(
            "{} {}/{} {}",
            w.kind,
            w.metadata.namespace,
            w.metadata.name,
            w.selector()
        ));
    }
    for p in c.pdbs() {
        out.push(format!(
            "pdb {}/{} {}",
            p.metadata.namespace,
            p.metadata.name,
            p.selector()
        ));
    }
    for n in NODES {
        let set: label_selector::ObjectSet = c.pods_on_node(n).map(|p| p.object_id()).collect();
        out.push(format!("on {n}: {:?}", pod_keys(c, &set)));
    }
    for sel in [
        "app=web",
        "app!=web",
        "tier",
        "!app,app.kubernetes.io/name=",
    ] {
        let s: Selector = sel.parse().unwrap();
        out.push(format!(
            "select {sel}: {:?}",
            pod_keys(c, &c.pods().select(&s))
        ));
        out.push(format!("nodes {sel}: {}", c.nodes().count(&s)));
        out.push(format!("namespaces {sel}: {}", c.namespaces().count(&s)));
    }
    // Ids (and so iteration order) differ between stores; the lines name their objects.
    out.sort();
    out
}

fn assert_same<I: std::ops::Deref<Target = label_selector::View>>(c: &Cluster, other: &Cluster<I>) {
    assert_eq!(answers(c), answers(other));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn events_equal_a_rebuild_and_a_plain_model(events in prop::collection::vec(ev(), 1..60)) {
        let mut live = Cluster::new();
        let mut snapshots = Vec::new();
        for (i, e) in events.iter().enumerate() {
            let o = to_object(e);
            let event = if e.delete { WatchEvent::Deleted(o) } else { WatchEvent::Modified(o) };
            live.apply(event).unwrap();
            if i % 7 == 0 {
                // A snapshot taken mid-stream must not change as the writer goes on.
                snapshots.push((live.snapshot(), answers(&live)));
            }
        }
        live.internal_validate().unwrap();
        let finals = model(&events);
        let mut rebuilt = Cluster::new();
        for o in finals.values() {
            rebuilt.upsert(o.clone()).unwrap();
        }
        prop_assert_eq!(answers(&live), answers(&rebuilt));
        for (snap, then) in &snapshots {
            prop_assert_eq!(&answers(snap), then);
        }
        // The registries against a plain evaluation of every selector on every pod.
        for p in live.pod_entries() {
            let labels = p.labels();
            let plain = |kinds: &[Kind]| -> Vec<String> {
                let mut v: Vec<String> = finals
                    .iter()
                    .filter(|(k, _)| kinds.contains(&k.kind()) && k.namespace() == p.namespace())
                    .filter(|(_, o)| match o {
                        Object::Service(s) => s.selector().matches(&labels),
                        Object::Workload(w) => w.selector().matches(&labels),
                        Object::PodDisruptionBudget(b) => b.selector().matches(&labels),
                        _ => false,
                    })
                    .map(|(k, _)| k.to_string())
                    .collect();
                v.sort();
                v
            };
            let got = |v: Vec<&ObjectKey>| {
                let mut v: Vec<String> = v.iter().map(|k| k.to_string()).collect();
                v.sort();
                v
            };
            prop_assert_eq!(got(live.services_for_pod(p.id())), plain(&[Kind::Service]));
            prop_assert_eq!(
                got(live.controllers_for_pod(p.id())),
                plain(&[Kind::ReplicaSet, Kind::Deployment])
            );
            prop_assert_eq!(got(live.pdbs_for_pod(p.id())), plain(&[Kind::PodDisruptionBudget]));
            let Some(Object::Pod(model_pod)) = finals.get(&p.key()) else { panic!("{}", p.key()) };
            prop_assert_eq!(&p.to_object(), &**model_pod);
        }
    }
}

#[cfg(feature = "k8s-openapi")]
#[test]
fn k8s_openapi_objects_of_every_kind_feed_the_store() {
    use k8s_openapi::api::apps::v1 as apps;
    use k8s_openapi::api::core::v1 as core;
    use k8s_openapi::api::policy::v1 as policy;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
    use label_selector::cluster::WatcherEvent;
    use label_selector::k8s::{Namespace, PodDisruptionBudget, Service, Workload, WorkloadKind};

    let meta = |name: &str, labels: &[(&str, &str)]| ObjectMeta {
        name: Some(name.into()),
        namespace: Some("shop".into()),
        labels: Some(
            labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        ),
        ..Default::default()
    };
    let web = || LabelSelector {
        match_labels: Some([("app".to_string(), "web".to_string())].into()),
        match_expressions: None,
    };
    let svc = core::Service {
        metadata: meta("web", &[]),
        spec: Some(core::ServiceSpec {
            selector: Some([("app".to_string(), "web".to_string())].into()),
            ..Default::default()
        }),
        ..Default::default()
    };
    assert_eq!(
        Service::try_from(&svc).unwrap().selector().to_string(),
        "app=web"
    );
    let rs = apps::ReplicaSet {
        metadata: meta("web-1", &[]),
        spec: apps::ReplicaSetSpec {
            selector: LabelSelector::default(),
            ..Default::default()
        },
        ..Default::default()
    };
    // `{}` selects nothing for a ReplicaSet, as the wire form reads it.
    let w = Workload::try_from(&rs).unwrap();
    assert_eq!(w.kind, WorkloadKind::ReplicaSet);
    assert!(w.selector().is_nothing());
    let sts = apps::StatefulSet {
        metadata: meta("db", &[]),
        spec: apps::StatefulSetSpec {
            selector: web(),
            ..Default::default()
        },
        ..Default::default()
    };
    assert_eq!(
        Workload::try_from(&sts).unwrap().kind,
        WorkloadKind::StatefulSet
    );
    let ds = apps::DaemonSet {
        metadata: meta("agent", &[]),
        spec: apps::DaemonSetSpec {
            selector: web(),
            ..Default::default()
        },
        ..Default::default()
    };
    assert_eq!(
        Workload::try_from(&ds).unwrap().kind,
        WorkloadKind::DaemonSet
    );
    // A ReplicationController's map selector, and its default from the template's labels.
    let rc = core::ReplicationController {
        metadata: meta("legacy", &[]),
        spec: Some(core::ReplicationControllerSpec {
            selector: Some([("app".to_string(), "web".to_string())].into()),
            ..Default::default()
        }),
        ..Default::default()
    };
    let w = Workload::try_from(&rc).unwrap();
    assert_eq!(
        (w.kind, w.selector().to_string()),
        (WorkloadKind::ReplicationController, "app=web".to_string())
    );
    let rc = core::ReplicationController {
        metadata: meta("legacy", &[]),
        spec: Some(core::ReplicationControllerSpec {
            template: Some(core::PodTemplateSpec {
                metadata: Some(meta("", &[("app", "db")])),
                ..Default::default()
            }),
            ..Default::default()
        }),
        ..Default::default()
    };
    assert_eq!(
        Workload::try_from(&rc).unwrap().selector().to_string(),
        "app=db"
    );
    let pdb = policy::PodDisruptionBudget {
        metadata: meta("web", &[]),
        spec: Some(policy::PodDisruptionBudgetSpec {
            selector: Some(web()),
            ..Default::default()
        }),
        ..Default::default()
    };
    assert_eq!(
        PodDisruptionBudget::try_from(&pdb)
            .unwrap()
            .selector()
            .to_string(),
        "app=web"
    );
    let ns = core::Namespace {
        metadata: ObjectMeta {
            name: Some("shop".into()),
            labels: Some([("team".to_string(), "a".to_string())].into()),
            ..Default::default()
        },
        ..Default::default()
    };
    assert_eq!(
        Namespace::try_from(&ns)
            .unwrap()
            .metadata
            .labels
            .get("team"),
        Some("a")
    );
    // A bad label comes back with its typed cause.
    let bad = core::Pod {
        metadata: meta("p", &[("tier", "a b")]),
        ..Default::default()
    };
    let err = label_selector::k8s::Pod::try_from(&bad).unwrap_err();
    assert!(matches!(
        err.cause().unwrap().kind(),
        ErrorKind::ValueInvalid
    ));

    // Through watcher events, with a relist that drops what it no longer names.
    let mut c = Cluster::new();
    c.apply_watcher(WatcherEvent::Apply(svc.clone())).unwrap();
    c.apply_watcher(WatcherEvent::Apply(pdb)).unwrap();
    c.apply_watcher(WatcherEvent::Apply(ns)).unwrap();
    let pod = |name: &str| core::Pod {
        metadata: meta(name, &[("app", "web")]),
        ..Default::default()
    };
    for name in ["a", "b", "c"] {
        c.apply_watcher(WatcherEvent::Apply(pod(name))).unwrap();
    }
    let b = c.pod_id("shop", "b").unwrap();
    assert_eq!(c.services_for_pod(b).len(), 1);
    assert_eq!(c.pdbs_for_pod(b).len(), 1);
    c.apply_watcher(WatcherEvent::Delete(pod("c"))).unwrap();
    c.apply_watcher(WatcherEvent::<core::Pod>::Init).unwrap();
    c.apply_watcher(WatcherEvent::InitApply(pod("b"))).unwrap();
    let done = c
        .apply_watcher(WatcherEvent::<core::Pod>::InitDone)
        .unwrap();
    assert_eq!(done, [Applied::Deleted(ObjectKey::pod("shop", "a"))]);
    // The relist of pods leaves the Services alone.
    assert_eq!(c.services().len(), 1);
    assert_eq!(
        c.keys(Kind::Pod).collect::<Vec<_>>(),
        [ObjectKey::pod("shop", "b")]
    );
    let err = c.apply_watcher(WatcherEvent::Apply(bad)).unwrap_err();
    assert_eq!(err.kind(), LoadErrorKind::Invalid);
    c.internal_validate().unwrap();
}

#[test]
fn pods_of_one_controller_share_their_spec_and_status() {
    let list = label_selector::generate::generate(&label_selector::generate::GenerateOptions {
        pods: 12_000,
        nodes: 400,
        seed: 3,
    });
    let mut c = Cluster::new();
    c.load_str("gen", &list.to_string()).unwrap();
    let mut by_owner: BTreeMap<&str, Vec<label_selector::cluster::PodEntry<'_>>> = BTreeMap::new();
    for p in c.pod_entries() {
        if let Some(o) = p.controller_ref() {
            by_owner.entry(o.uid.as_str()).or_default().push(p);
        }
    }
    let mut shared = 0;
    for pods in by_owner.values().filter(|v| v.len() > 1) {
        let (a, b) = (&pods[0], &pods[1]);
        if a.spec() == b.spec() {
            assert!(std::ptr::eq(a.spec(), b.spec()), "{} {}", a.key(), b.key());
            shared += 1;
        }
        if a.status() == b.status() {
            assert!(std::ptr::eq(a.status(), b.status()));
        }
    }
    assert!(shared > 10);
    // What the store holds per pod, shared parts counted once, stays under a kilobyte once
    // the fixed cost of the node inventory (a 4 096-entry chunk per table) is set aside.
    let per_pod = (c.memory_usage() - c.nodes().memory_usage()) / c.pods().len();
    assert!(per_pod < 1_024, "{per_pod} B/pod");
    // Sharing never changes what a pod reads back as.
    for p in c.pod_entries().take(50) {
        let again = c.pod_named(p.namespace(), p.name()).unwrap().to_object();
        assert_eq!(again.spec.node_name.as_deref(), p.node_name());
        assert_eq!(again.status.pod_ip.as_deref(), p.pod_ip());
        assert!(again.status.ips().eq(p.ips()));
    }
}

#[test]
fn pod_addresses_read_back_as_written() {
    // podIPs is kept beside the shared status, as podIP is: absent, equal to [podIP] (stored
    // without a copy), dual-stack, or alone.
    let mut c = Cluster::new();
    let statuses = [
        ("v4", r#"{"podIP": "10.0.0.1"}"#, vec!["10.0.0.1"]),
        (
            "same",
            r#"{"podIP": "10.0.0.2", "podIPs": [{"ip": "10.0.0.2"}]}"#,
            vec!["10.0.0.2"],
        ),
        (
            "dual",
            r#"{"podIP": "10.0.0.3", "podIPs": [{"ip": "10.0.0.3"}, {"ip": "fd00::3"}]}"#,
            vec!["10.0.0.3", "fd00::3"],
        ),
        (
            "listed",
            r#"{"podIPs": [{"ip": "fd00::4"}]}"#,
            vec!["fd00::4"],
        ),
        ("none", "{}", vec![]),
    ];
    for (name, status, _) in &statuses {
        let json = format!(
            r#"{{"kind": "Pod", "metadata": {{"name": "{name}", "namespace": "a"}}, "status": {status}}}"#
        );
        c.load_str(name, &json).unwrap();
    }
    c.internal_validate().unwrap();
    for (name, status, ips) in &statuses {
        let p = c.pod_named("a", name).unwrap();
        assert_eq!(p.ips().collect::<Vec<_>>(), *ips, "{name}");
        let written: label_selector::k8s::PodStatus = serde_json::from_str(status).unwrap();
        assert_eq!(p.to_object().status, written, "{name}");
        assert!(p.status().pod_ips.is_empty());
    }
}

/// A reader that hands out a few bytes at a time, so that every item straddles the stream
/// reader's refills.
struct Trickle<'a> {
    bytes: &'a [u8],
    step: usize,
}

impl std::io::Read for Trickle<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        self.step = self.step % 7 + 1;
        let n = self.step.min(out.len()).min(self.bytes.len());
        out[..n].copy_from_slice(&self.bytes[..n]);
        self.bytes = &self.bytes[n..];
        Ok(n)
    }
}

#[test]
fn streamed_json_loads_equal_whole_text_loads() {
    let fixtures = ["cluster.json", "podlist.json", "watch.json"];
    for name in fixtures {
        let path = format!("{}/tests/data/k8s/{name}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap();
        // The whole text through the reader that builds every document first...
        let mut whole = Cluster::new();
        let input = label_selector::load::read_input(name, &text).unwrap();
        let a = whole.load_input(name, input).unwrap();
        // ...and streamed, a few bytes at a time.
        let mut streamed = Cluster::new();
        let b = streamed
            .load_reader(
                name,
                Trickle {
                    bytes: text.as_bytes(),
                    step: 0,
                },
            )
            .unwrap();
        assert_eq!(a, b, "{name}");
        assert_eq!(answers(&whole), answers(&streamed), "{name}");
        streamed.internal_validate().unwrap();
    }
    // Arrays, streams of documents and one object alone.
    for text in [
        r#"[{"kind": "Pod", "metadata": {"name": "a"}}, {"kind": "Node", "metadata": {"name": "n"}}]"#,
        "{\"kind\":\"Pod\",\"metadata\":{\"name\":\"a\"}}\n{\"kind\":\"Pod\",\"metadata\":{\"name\":\"b\",\"labels\":{\"x\":\"}{\\\"]\"}}}",
        r#"{"items": [{"metadata": {"name": "a", "namespace": "s"}}], "kind": "PodList", "apiVersion": "v1"}"#,
        // An object with an empty `items` is still the object.
        r#"{"kind": "Pod", "metadata": {"name": "p"}, "items": []}"#,
    ] {
        let mut whole = Cluster::new();
        let ok_whole =
            label_selector::load::read_input("t", text).and_then(|i| whole.load_input("t", i));
        let mut streamed = Cluster::new();
        let ok_streamed = streamed.load_reader(
            "t",
            Trickle {
                bytes: text.as_bytes(),
                step: 3,
            },
        );
        assert_eq!(
            ok_whole.is_ok(),
            ok_streamed.is_ok(),
            "{text}: {ok_whole:?} {ok_streamed:?}"
        );
        assert_eq!(answers(&whole), answers(&streamed), "{text}");
    }
    // A bad item deep in a streamed list is placed in the input and undoes the load.
    let mut items: Vec<String> = (0..3000)
        .map(|i| format!(r#"{{"kind":"Pod","metadata":{{"name":"p{i}","namespace":"s"}}}}"#))
        .collect();
    items[2500] =
        r#"{"kind":"Pod","metadata":{"name":"bad","namespace":"s","labels":{"a":"-x"}}}"#.into();
    let text = format!(
        "{{\"kind\":\"List\",\"items\":[\n{}\n]}}",
        items.join(",\n")
    );
    let mut c = Cluster::new();
    let err = c
        .load_reader(
            "big.json",
            Trickle {
                bytes: text.as_bytes(),
                step: 1,
            },
        )
        .unwrap_err();
    assert_eq!(err.kind(), LoadErrorKind::Invalid);
    assert_eq!(err.object(), Some("Pod s/bad"));
    assert_eq!((err.document(), err.line()), (Some(1), Some(2502)));
    assert!(matches!(
        err.cause().unwrap().kind(),
        ErrorKind::ValueInvalid
    ));
    assert_eq!(c.pods().len(), 0);
    c.internal_validate().unwrap();
}

/// A repeated key in a List: the whole-text reader takes the last one, as Kubernetes does; the
/// streaming loader does too before the items, and refuses (changing nothing) once items were
/// handed on, saying why.
#[test]
fn a_list_key_written_twice() {
    let twice_items = r#"{"kind": "List", "items": [], "items": [{"kind": "Pod", "metadata": {"name": "a", "namespace": "x"}}]}"#;
    let twice_kind = r#"{"kind": "PodList", "apiVersion": "v1", "items": [{"metadata": {"name": "a", "namespace": "x"}}], "kind": "NodeList"}"#;
    let before = r#"{"kind": "NodeList", "apiVersion": "v0", "kind": "PodList", "apiVersion": "v1", "items": [{"metadata": {"name": "a", "namespace": "x"}}]}"#;
    let whole = |text: &str| {
        let mut c = Cluster::new();
        c.load_str("t", text).unwrap();
        assert_eq!(label_selector::load::read_str("t", text).unwrap().len(), 1);
        c.pods().len()
    };
    assert_eq!(whole(twice_items), 1);
    assert_eq!(whole(before), 1);
    // The last kind wins: the item becomes a Node.
    let mut c = Cluster::new();
    c.load_str("t", twice_kind).unwrap();
    assert_eq!((c.pods().len(), c.nodes().len()), (0, 1));
    for (text, key) in [(twice_items, "items"), (twice_kind, "kind")] {
        let mut c = Cluster::new();
        let err = c
            .load_reader(
                "t",
                Trickle {
                    bytes: text.as_bytes(),
                    step: 0,
                },
            )
            .unwrap_err();
        assert_eq!(
            err.message(),
            format!(
                "`{key}` is written twice in a List read as a stream: its items were handed on as \
                 they were read, so the last `{key}` cannot win (read the input whole, or write \
                 the key once)"
            )
        );
        assert_eq!((c.pods().len(), c.nodes().len()), (0, 0));
    }
    let mut c = Cluster::new();
    c.load_reader(
        "t",
        Trickle {
            bytes: before.as_bytes(),
            step: 0,
        },
    )
    .unwrap();
    assert_eq!(c.pods().len(), 1);
}

/// Fuzz finds: inputs the streaming loader once accepted and the whole-text reader refused.
#[test]
fn the_streaming_loader_refuses_what_the_whole_text_reader_refuses() {
    let read = |name: &str| {
        std::fs::read_to_string(format!(
            "{}/tests/data/k8s/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    };
    let (in_metadata, in_key) = (
        read("list-metadata-control-char.json"),
        read("list-key-control-char.json"),
    );
    let cases = [
        // A control character in a list's metadata, after its items.
        in_metadata.as_str(),
        // NULs in a list's key, after its items.
        in_key.as_str(),
        // `items` on an object that is not a List.
        r#"{"items": [{"kind": "Pod", "metadata": {"name": "a"}}], "kind": "Pod", "metadata": {"name": "p"}}"#,
        r#"{"items": [{"kind": "Pod", "metadata": {"name": "a"}}]}"#,
        // A list whose own metadata is invalid, before its items.
        r#"{"kind": "List", "metadata": {"namespace": "Bad"}, "items": [{"kind": "Pod", "metadata": {"name": "a"}}]}"#,
        // A kind that is not a string.
        r#"{"items": [{"kind": "Pod", "metadata": {"name": "a"}}], "kind": 7}"#,
    ];
    for text in cases {
        let whole = label_selector::load::read_input("t", text);
        let mut c = Cluster::new();
        let streamed = c.load_reader(
            "t",
            Trickle {
                bytes: text.as_bytes(),
                step: 0,
            },
        );
        assert!(whole.is_err(), "{text}");
        let err = streamed.unwrap_err();
        assert!(err.to_string().starts_with("t: document 1"), "{err}");
        assert_eq!(c.pods().len(), 0, "{text}");
    }
    let err = label_selector::load::read_input("t", cases[3]).unwrap_err();
    assert_eq!(
        err.message(),
        "the object has items but is not a List (no kind)"
    );
}

#[test]
fn a_load_reports_the_objects_it_read_again() {
    let mut c = Cluster::new();
    let a = "kind: Pod\nmetadata: {name: a, namespace: x, resourceVersion: '1'}\n";
    let first = c
        .load_str(
            "one.yaml",
            &format!("{a}---\n{a}---\nkind: Node\nmetadata: {{name: n}}\n"),
        )
        .unwrap();
    let pod = ObjectKey::pod("x", "a");
    assert_eq!(first.repeated, [(2, pod.clone())]);
    let second = c
        .load_str(
            "two.json",
            r#"{"kind": "List", "items": [{"kind": "Node", "metadata": {"name": "n"}}, {"kind": "Pod", "metadata": {"name": "b", "namespace": "x"}}]}"#,
        )
        .unwrap();
    assert_eq!(second.repeated, [(1, ObjectKey::node("n"))]);
    // Watch events replace objects by design: not reported.
    let watch = c
        .load_str(
            "w.json",
            r#"{"type": "MODIFIED", "object": {"kind": "Pod", "metadata": {"name": "a", "namespace": "x", "resourceVersion": "2"}}}"#,
        )
        .unwrap();
    assert!(watch.repeated.is_empty());
    assert_eq!(watch.updated, 1);
}
