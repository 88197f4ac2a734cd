//! Real Kubernetes objects: kubectl JSON and YAML in, a `Cluster` out, and errors that name the
//! file, document, line, column and object.

use label_selector::generate::{GenerateOptions, generate};
use label_selector::k8s::{IntOrPercent, IntOrString, Object, WorkloadKind};
use label_selector::load::{LoadErrorKind, read_path, read_str};
use label_selector::{Cluster, Selector};

/// `tests/data/k8s/NAME`.
fn fixture(name: &str) -> String {
    format!("{}/tests/data/k8s/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[track_caller]
fn load(name: &str) -> Cluster {
    let mut c = Cluster::new();
    c.load_path(fixture(name))
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    c
}

fn names(c: &Cluster, sel: &str, ns: Option<&str>) -> Vec<String> {
    let sel: Selector = sel.parse().unwrap();
    let set = match ns {
        Some(ns) => c.pods().select_in(ns, &sel),
        None => c.pods().select(&sel),
    };
    let mut v: Vec<String> = set
        .iter()
        .map(|id| c.pod_by_object_id(id).unwrap().to_object().key())
        .collect();
    v.sort();
    v
}

#[test]
fn json_and_yaml_of_the_same_cluster_agree() {
    let json = load("cluster.json");
    let yaml = load("cluster.yaml");
    assert_eq!(json.pods().len(), 16);
    assert_eq!(json.nodes().len(), 3);
    for sel in [
        "app.kubernetes.io/name=web",
        "app.kubernetes.io/component in (frontend,database),!pod-template-hash",
        "app.kubernetes.io/name",
        "app.kubernetes.io/name notin (web)",
    ] {
        assert_eq!(names(&json, sel, None), names(&yaml, sel, None), "{sel}");
    }
    let pod_set = |c: &Cluster| {
        c.pods()
            .iter()
            .map(|p| c.pod_by_object_id(p.id()).unwrap().to_object())
            .collect::<Vec<_>>()
    };
    assert_eq!(pod_set(&json), pod_set(&yaml));
    assert_eq!(json.services().len(), yaml.services().len());
    assert_eq!(json.namespaces().len(), 6);
}

#[test]
fn the_index_agrees_with_the_objects_labels() {
    let c = load("cluster.json");
    let web: Selector = "app.kubernetes.io/name=web".parse().unwrap();
    let indexed = c.pods().select(&web).len() as usize;
    let scanned = c
        .pods()
        .iter()
        .filter(|p| {
            web.matches(
                &c.pod_by_object_id(p.id())
                    .unwrap()
                    .to_object()
                    .metadata
                    .labels,
            )
        })
        .count();
    assert_eq!(indexed, scanned);
    assert!(indexed > 0);
}

#[test]
fn generated_controllers_select_exactly_their_pods() {
    let list = generate(&GenerateOptions {
        pods: 200,
        nodes: 8,
        seed: 11,
    });
    let mut c = Cluster::new();
    c.load_str("gen", &list.to_string()).unwrap();
    assert_eq!(c.pods().len(), 200);
    let mut checked = 0;
    for w in c.workloads() {
        if w.kind == WorkloadKind::Deployment {
            continue; // owns pods through its ReplicaSet
        }
        let selected = c.pods().select_in(&w.metadata.namespace, w.selector());
        let owned = c
            .pods()
            .iter()
            .filter(|p| {
                let pod = c.pod_by_object_id(p.id()).unwrap();
                pod.owner_references()
                    .iter()
                    .any(|o| o.uid == w.metadata.uid)
            })
            .count();
        assert_eq!(
            selected.len() as usize,
            owned,
            "{} {}",
            w.kind,
            w.metadata.name
        );
        checked += 1;
    }
    assert!(checked > 10);
    // Services select their app's pods; every pod sits on a node that exists.
    for s in c.services() {
        assert!(
            c.pods().count_in(&s.metadata.namespace, &s.selector()) > 0,
            "{}",
            s.metadata.name
        );
    }
    for p in c.pods().iter() {
        if let Some(node) = c.pod_by_object_id(p.id()).unwrap().node_name() {
            assert!(c.node_named(node).is_some(), "{node}");
        }
    }
    // The same seed gives the same bytes.
    let again = generate(&GenerateOptions {
        pods: 200,
        nodes: 8,
        seed: 11,
    });
    assert_eq!(list, again);
}

#[test]
fn yaml_stream_reads_every_modelled_field() {
    let docs = read_path(fixture("stream.yaml")).unwrap();
    // The empty document is not counted.
    assert_eq!(docs.len(), 6);
    let Object::Pod(pod) = &docs[0].object else {
        panic!("{:?}", docs[0].object)
    };
    assert_eq!(pod.key(), "shop/web-7d9f8b6c5d-x2x4p");
    assert_eq!(
        pod.metadata.labels.get("pod-template-hash"),
        Some("7d9f8b6c5d")
    );
    assert_eq!(pod.metadata.owner_references[0].kind, "ReplicaSet");
    assert_eq!(pod.metadata.owner_references[0].controller, Some(true));
    assert_eq!(pod.spec.node_name.as_deref(), Some("node-a"));
    assert_eq!(pod.spec.node_selector["kubernetes.io/os"], "linux");
    let aff = pod.spec.affinity.as_ref().unwrap();
    let na = aff.node_affinity.as_ref().unwrap();
    assert_eq!(
        na.required_during_scheduling_ignored_during_execution
            .as_ref()
            .unwrap()
            .node_selector_terms
            .len(),
        1
    );
    assert_eq!(
        na.preferred_during_scheduling_ignored_during_execution[0].weight,
        20
    );
    let anti = &aff
        .pod_anti_affinity
        .as_ref()
        .unwrap()
        .required_during_scheduling_ignored_during_execution[0];
    assert_eq!(anti.topology_key, "kubernetes.io/hostname");
    assert_eq!(anti.match_label_keys, ["pod-template-hash"]);
    assert_eq!(anti.mismatch_label_keys, ["tenant"]);
    assert!(anti.namespace_selector.is_some());
    let tsc = &pod.spec.topology_spread_constraints[0];
    assert_eq!((tsc.max_skew, tsc.min_domains), (1, Some(3)));
    assert_eq!(tsc.when_unsatisfiable, "DoNotSchedule");
    assert_eq!(tsc.node_affinity_policy, Some("Honor".into()));
    assert_eq!(tsc.node_taints_policy, Some("Ignore".into()));
    assert_eq!(pod.spec.tolerations[0].toleration_seconds, Some(300));
    let statuses = &pod.status.container_statuses;
    assert_eq!((statuses.len(), pod.spec.containers.len()), (2, 2));
    assert_eq!(statuses.iter().map(|c| c.restart_count).sum::<i32>(), 5);
    let waiting = statuses
        .iter()
        .find_map(|c| c.state.as_ref()?.waiting.as_ref());
    assert_eq!(
        waiting.and_then(|w| w.reason.as_deref()),
        Some("CrashLoopBackOff")
    );
    assert!(pod.is_ready());
    assert_eq!(pod.status.pod_ip.as_deref(), Some("10.244.1.17"));

    let Object::Node(node) = &docs[1].object else {
        panic!()
    };
    assert_eq!(node.spec.taints[0].value, "web");
    assert!(node.is_ready());

    let Object::Workload(deploy) = &docs[2].object else {
        panic!()
    };
    assert_eq!(deploy.kind, WorkloadKind::Deployment);
    assert_eq!(deploy.spec.replicas, Some(3));
    assert_eq!(
        deploy.selector().to_string(),
        "app.kubernetes.io/name=web,track notin (canary)"
    );
    assert_eq!(
        deploy
            .spec
            .template
            .metadata
            .labels
            .get("app.kubernetes.io/name"),
        Some("web")
    );

    let Object::Service(svc) = &docs[3].object else {
        panic!()
    };
    assert_eq!(svc.selector().to_string(), "app.kubernetes.io/name=web");

    let Object::PodDisruptionBudget(pdb) = &docs[4].object else {
        panic!()
    };
    assert_eq!(pdb.spec.max_unavailable, Some(IntOrPercent::Percent(25)));
    assert_eq!(
        pdb.spec.unhealthy_pod_eviction_policy.as_deref(),
        Some("AlwaysAllow")
    );
    // policy/v1: an empty selector covers the whole namespace.
    assert!(pdb.selector().is_everything());

    assert_eq!(docs[5].object.to_string(), "ConfigMap shop/web-config");
}

#[test]
fn empty_selectors_follow_each_kind() {
    let doc = |kind: &str, api: &str, selector: &str| {
        format!(
            r#"{{"apiVersion": "{api}", "kind": "{kind}", "metadata": {{"name": "x", "namespace": "n"}},
                "spec": {{"selector": {selector}}}}}"#
        )
    };
    let sel = |text: String| -> Selector {
        match &read_str("t", &text).unwrap()[0].object {
            Object::Workload(w) => w.selector().clone(),
            Object::PodDisruptionBudget(p) => p.selector().clone(),
            Object::Service(s) => s.selector(),
            o => panic!("{o:?}"),
        }
    };
    // ReplicaSet: {} selects nothing (GetPodReplicaSets skips it); the others select all.
    assert!(sel(doc("ReplicaSet", "apps/v1", "{}")).is_nothing());
    assert!(sel(doc("Deployment", "apps/v1", "{}")).is_everything());
    assert!(sel(doc("StatefulSet", "apps/v1", "{}")).is_everything());
    assert!(sel(doc("DaemonSet", "apps/v1", "{}")).is_everything());
    assert!(sel(doc("Deployment", "apps/v1", "null")).is_nothing());
    assert!(sel(doc("PodDisruptionBudget", "policy/v1", "{}")).is_everything());
    assert!(sel(doc("PodDisruptionBudget", "policy/v1beta1", "{}")).is_nothing());
    assert!(sel(doc("PodDisruptionBudget", "policy/v1", "null")).is_nothing());
    assert!(sel(doc("Service", "v1", "{}")).is_nothing());
    assert!(sel(doc("Service", "v1", "null")).is_nothing());
}

#[test]
fn typed_list_items_take_the_list_kind() {
    let c = load("podlist.json");
    assert_eq!(c.pods().len(), 2);
    assert_eq!(names(&c, "app=a", Some("shop")), ["shop/a-1"]);
    let a = c.pod_named("shop", "a-1").unwrap();
    assert_eq!(a.node_name(), Some("node-a"));
    assert_eq!(a.status().phase, "Pending");
    // Items with only a spec, or only a status, keep it until they take the list's kind.
    let docs = read_str(
        "l.json",
        r#"{"kind": "PodList", "items": [
            {"metadata": {"name": "s"}, "spec": {"nodeName": "n"}},
            {"metadata": {"name": "t"}, "status": {"phase": "Running"}}]}"#,
    )
    .unwrap();
    let Object::List(items) = &docs[0].object else {
        panic!("{:?}", docs[0].object)
    };
    let [Object::Pod(s), Object::Pod(t)] = &items[..] else {
        panic!("{items:?}")
    };
    assert_eq!(s.spec.node_name.as_deref(), Some("n"));
    assert_eq!(t.status.phase, "Running");
    // A generic List item without kind is an error, not a silent drop.
    let err = read_str(
        "l.json",
        r#"{"kind": "List", "items": [{"metadata": {"name": "x"}}]}"#,
    )
    .unwrap_err();
    assert_eq!(err.kind(), LoadErrorKind::Invalid);
    assert!(
        err.message()
            .contains("items[0]: object x: the item has no kind"),
        "{err}"
    );
}

#[test]
fn fields_in_any_order() {
    // status and spec before kind: buffered, then read as a Pod.
    let text = r#"{"status": {"phase": "Running"}, "spec": {"nodeName": "n"},
                   "metadata": {"name": "p", "namespace": "s", "labels": {"a": "b"}},
                   "kind": "Pod", "apiVersion": "v1"}"#;
    let Object::Pod(pod) = &read_str("t", text).unwrap()[0].object else {
        panic!()
    };
    assert_eq!(pod.status.phase, "Running");
    assert_eq!(pod.spec.node_name.as_deref(), Some("n"));
    // A JSON array and a stream of objects.
    let arr = read_str("t", r#"[{"kind": "Node", "metadata": {"name": "a"}}]"#).unwrap();
    assert!(matches!(&arr[0].object, Object::List(v) if v.len() == 1));
    let stream = read_str("t", "{\"kind\":\"Node\",\"metadata\":{\"name\":\"a\"}}\n{\"kind\":\"Node\",\"metadata\":{\"name\":\"b\"}}").unwrap();
    assert_eq!(stream[1].index, 2);
}

#[test]
fn errors_name_file_document_line_column_and_object() {
    let mut c = Cluster::new();
    let cases: &[(&str, LoadErrorKind, &str)] = &[
        (
            "bad-label.yaml",
            LoadErrorKind::Invalid,
            "bad-label.yaml: document 2, line 13, column 5: Pod shop/broken: metadata.labels: invalid label: [tier]: label value must be empty or [A-Za-z0-9], '-', '_' or '.', starting and ending alphanumeric: 'front end'",
        ),
        (
            "bad-operator.json",
            LoadErrorKind::Invalid,
            "bad-operator.json: document 1, line 8, column 109: ReplicaSet shop/web-1: spec.selector: matchExpressions[0].operator: not a valid operator here (expected In, NotIn, Exists or DoesNotExist): 'in'",
        ),
        (
            "bad-budget.yaml",
            LoadErrorKind::Invalid,
            "PodDisruptionBudget shop/db: spec.minAvailable: invalid value '2': a string must be a percentage such as \"50%\"",
        ),
        (
            "no-name.yaml",
            LoadErrorKind::Invalid,
            "Pod shop/<unnamed>: metadata.name is required",
        ),
        (
            "truncated.json",
            LoadErrorKind::Syntax,
            "truncated.json: document 1, line ",
        ),
        (
            "bad-indent.yaml",
            LoadErrorKind::Syntax,
            "bad-indent.yaml: document 1, line 5",
        ),
    ];
    for (file, kind, want) in cases {
        let err = c.load_path(fixture(file)).unwrap_err();
        let shown = err.to_string().replace(&fixture(""), "");
        assert_eq!(err.kind(), *kind, "{file}: {shown}");
        assert!(shown.contains(want), "{file}:\n got  {shown}\n want {want}");
        assert!(
            err.line().is_some() || *kind == LoadErrorKind::Invalid,
            "{shown}"
        );
    }
    // Nothing of the failed files was added.
    assert_eq!(c.pods().len(), 0);
    let missing = c.load_path(fixture("nope.json")).unwrap_err();
    assert_eq!(missing.kind(), LoadErrorKind::Io);
}

#[test]
fn names_and_namespaces_are_checked_while_reading() {
    for (text, want) in [
        (
            r#"{"kind": "Pod", "metadata": {"name": "a/b", "namespace": "s"}}"#,
            "metadata.name: ",
        ),
        (
            r#"{"kind": "Pod", "metadata": {"name": "a", "namespace": "Shop"}}"#,
            "metadata.namespace: ",
        ),
        (
            r#"{"kind": "Pod", "metadata": {"name": "a", "labels": {"app": 5}}}"#,
            "invalid type: integer `5`",
        ),
    ] {
        let err = read_str("t.json", text).unwrap_err();
        assert_eq!(err.kind(), LoadErrorKind::Invalid, "{err}");
        assert!(err.message().contains(want), "{err}");
        assert_eq!(err.line(), Some(1));
    }
}

#[test]
fn loading_again_replaces_objects() {
    let mut c = Cluster::new();
    let pod = |app: &str| {
        format!(
            r#"{{"kind": "Pod", "metadata": {{"name": "p", "namespace": "s", "labels": {{"app": "{app}"}}}}}}"#
        )
    };
    c.load_str("1", &pod("a")).unwrap();
    c.load_str("2", &pod("b")).unwrap();
    assert_eq!(c.pods().len(), 1);
    assert_eq!(names(&c, "app=b", None), ["s/p"]);
    assert!(names(&c, "app=a", None).is_empty());
    assert_eq!(c.pod_named("s", "p").unwrap().label("app"), Some("b"));
}

#[test]
fn limits_refuse_large_inputs() {
    let limits = label_selector::load::ReadLimits {
        max_documents: 1,
        ..Default::default()
    };
    let err = limits
        .read_str("t", "{\"kind\":\"Node\",\"metadata\":{\"name\":\"a\"}} {\"kind\":\"Node\",\"metadata\":{\"name\":\"b\"}}")
        .unwrap_err();
    assert_eq!(err.kind(), LoadErrorKind::TooLarge);
    assert_eq!(err.message(), "more than 1 documents");
}

#[test]
fn limits_hold_exactly_at_their_bounds_in_json_and_yaml() {
    use label_selector::load::ReadLimits;
    let json = "{\"kind\":\"Node\",\"metadata\":{\"name\":\"a\"}}\n{\"kind\":\"Node\",\"metadata\":{\"name\":\"b\"}}";
    let yaml = "kind: Node\nmetadata: {name: a}\n---\nkind: Node\nmetadata: {name: b}\n";
    for text in [json, yaml] {
        // Two documents: at a limit of two, read; at one, refused.
        let at = |max_documents| ReadLimits {
            max_documents,
            ..ReadLimits::default()
        };
        assert_eq!(at(2).read_str("t", text).unwrap().len(), 2, "{text}");
        let e = at(1).read_str("t", text).unwrap_err();
        assert_eq!(e.kind(), LoadErrorKind::TooLarge, "{text}: {e}");
        assert_eq!(e.message(), "more than 1 documents", "{text}");
        // The input length: its own length is allowed, one byte less is not.
        let len = |max_input_len| ReadLimits {
            max_input_len,
            ..ReadLimits::default()
        };
        assert!(len(text.len()).read_str("t", text).is_ok(), "{text}");
        let e = len(text.len() - 1).read_str("t", text).unwrap_err();
        assert_eq!(e.kind(), LoadErrorKind::TooLarge, "{text}: {e}");
        assert_eq!(
            e.message(),
            format!(
                "the input is {} bytes, over the limit of {}",
                text.len(),
                text.len() - 1
            )
        );
        let e = len(text.len() - 1).read_watch_str("t", text).unwrap_err();
        assert_eq!(e.kind(), LoadErrorKind::TooLarge, "{text}: {e}");
    }
    // Truncated and malformed inputs are syntax errors, not invalid objects.
    for text in [
        "{\"kind\": \"Pod\", ",
        "{\"kind\": \"Pod\" x}",
        "kind: Pod\nmetadata: {name: a\n",
    ] {
        let e = read_str("t", text).unwrap_err();
        assert_eq!(e.kind(), LoadErrorKind::Syntax, "{text:?}: {e}");
    }
}

#[test]
fn public_types_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Cluster>();
    check::<Object>();
    check::<label_selector::load::LoadError>();
}

#[cfg(feature = "k8s-openapi")]
#[test]
fn k8s_openapi_objects_convert_to_the_same_models() {
    use k8s_openapi::api::core::v1 as core;
    let text = std::fs::read_to_string(fixture("cluster.json")).unwrap();
    let c = load("cluster.json");
    let list: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut pods = 0;
    let mut nodes = 0;
    for item in list["items"].as_array().unwrap() {
        match item["kind"].as_str() {
            Some("Pod") => {
                let theirs: core::Pod = serde_json::from_value(item.clone()).unwrap();
                let ours = label_selector::k8s::Pod::try_from(&theirs).unwrap();
                let m = &ours.metadata;
                assert_eq!(
                    Some(&ours),
                    c.pod_named(&m.namespace, &m.name)
                        .map(|e| e.to_object())
                        .as_ref()
                );
                let labels = label_selector::LabelSet::try_from(&theirs.metadata).unwrap();
                assert_eq!(labels, m.labels);
                if let Some(aff) = theirs.spec.as_ref().and_then(|s| s.affinity.as_ref()) {
                    if let Some(t) = aff.pod_anti_affinity.as_ref().and_then(|a| {
                        a.preferred_during_scheduling_ignored_during_execution
                            .as_ref()
                    }) {
                        let ls = t[0].pod_affinity_term.label_selector.as_ref().unwrap();
                        let sel = Selector::try_from(ls).unwrap();
                        assert!(sel.matches(&m.labels));
                    }
                    if let Some(req) = aff.node_affinity.as_ref().and_then(|n| {
                        n.required_during_scheduling_ignored_during_execution
                            .as_ref()
                    }) {
                        let ns = label_selector::k8s::NodeSelector::from(req);
                        let matcher = label_selector::NodeSelectorMatcher::new(&ns).unwrap();
                        let node = c
                            .node_named(ours.spec.node_name.as_deref().unwrap())
                            .unwrap();
                        assert!(matcher.matches(node.name(), &node.labels()).unwrap());
                    }
                }
                pods += 1;
            }
            Some("Node") => {
                let theirs: core::Node = serde_json::from_value(item.clone()).unwrap();
                let ours = label_selector::k8s::Node::try_from(&theirs).unwrap();
                assert_eq!(
                    Some(&ours),
                    c.node_named(&ours.metadata.name)
                        .map(|e| e.to_object())
                        .as_ref()
                );
                nodes += 1;
            }
            _ => {}
        }
    }
    assert_eq!((pods, nodes), (16, 3));
    // A bad label is refused, not passed on.
    let bad = core::Pod {
        metadata: k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta {
            name: Some("p".into()),
            labels: Some([("app".to_string(), "a b".to_string())].into()),
            ..Default::default()
        },
        ..Default::default()
    };
    let err = label_selector::k8s::Pod::try_from(&bad).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("k8s-openapi: Pod: invalid label: [app]"),
        "{err}"
    );
    // A label selector, field for field and compiled.
    use k8s_openapi::apimachinery::pkg::apis::meta::v1 as meta;
    let ls = meta::LabelSelector {
        match_labels: Some([("app".to_string(), "web".to_string())].into()),
        match_expressions: Some(vec![meta::LabelSelectorRequirement {
            key: "tier".to_string(),
            operator: "NotIn".to_string(),
            values: Some(vec!["db".to_string()]),
        }]),
    };
    let ours = label_selector::k8s::LabelSelector::from(&ls);
    assert_eq!(ours.match_labels, ls.match_labels);
    let exprs = ours.match_expressions.as_deref().unwrap();
    assert_eq!(
        (
            &*exprs[0].key,
            &*exprs[0].operator,
            exprs[0].values.as_deref()
        ),
        ("tier", "NotIn", Some(&["db".to_string()][..]))
    );
    assert_eq!(
        Selector::try_from(&ls).unwrap().to_string(),
        "app=web,tier notin (db)"
    );
}

#[test]
fn scheduling_enums_keep_unknown_values_readable() {
    use label_selector::k8s::{
        NodeInclusionPolicy, Pod, TaintEffect, TolerationOperator, WhenUnsatisfiable,
    };
    let json = r#"{"kind": "Pod", "metadata": {"name": "a"}, "spec": {
        "tolerations": [{"key": "k", "operator": "Exists", "effect": ""},
                        {"key": "k", "operator": "Matches", "effect": "NoScheduleSoon"}],
        "topologySpreadConstraints": [{"maxSkew": 1, "topologyKey": "zone",
            "whenUnsatisfiable": "Sometimes", "nodeTaintsPolicy": "Honor"}]}}"#;
    let pod: Pod = serde_json::from_str(json).unwrap();
    let t = &pod.spec.tolerations;
    assert_eq!(t[0].operator, Some(TolerationOperator::Exists));
    assert_eq!(t[0].effect, None, "an empty effect matches every effect");
    assert_eq!(
        t[1].operator,
        Some(TolerationOperator::Other("Matches".into()))
    );
    assert_eq!(
        t[1].effect,
        Some(TaintEffect::Other("NoScheduleSoon".into()))
    );
    let c = &pod.spec.topology_spread_constraints[0];
    assert_eq!(
        c.when_unsatisfiable,
        WhenUnsatisfiable::Other("Sometimes".into())
    );
    assert_eq!(c.node_taints_policy, Some(NodeInclusionPolicy::Honor));
    // Unknown values print back as written.
    let back = serde_json::to_value(&pod).unwrap();
    assert_eq!(back["spec"]["tolerations"][1]["operator"], "Matches");
    assert_eq!(
        back["spec"]["topologySpreadConstraints"][0]["whenUnsatisfiable"],
        "Sometimes"
    );
}

#[test]
fn status_details_and_sidecars_are_read_from_manifests() {
    // `restartPolicy` of an init container is read (a sidecar's requests add to the
    // containers'), and the status fields kubectl's columns need: podIPs, init container
    // statuses, started, lastState.terminated.finishedAt; the node's system info.
    let yaml = "
kind: Pod
metadata: {name: p, namespace: a}
spec:
  initContainers:
  - {name: proxy, restartPolicy: Always, resources: {requests: {cpu: 100m}}}
  containers:
  - {name: app, resources: {requests: {cpu: 200m}}}
status:
  podIPs: [{ip: 10.0.0.9}, {ip: 'fd00::9'}]
  initContainerStatuses:
  - {name: proxy, started: true, ready: true, state: {running: {startedAt: '2026-12-02T10:00:00Z'}}}
  containerStatuses:
  - name: app
    restartCount: 2
    state: {waiting: {reason: CrashLoopBackOff}}
    lastState: {terminated: {exitCode: 1, reason: Error, finishedAt: '2026-12-02T11:59:00Z'}}
---
kind: Node
metadata: {name: n}
status:
  nodeInfo: {kubeletVersion: v1.35.0, osImage: Ubuntu 24.04.1 LTS, kernelVersion: 6.8.0-1015-aws, containerRuntimeVersion: 'containerd://2.0.2'}
";
    let objects = read_str("m.yaml", yaml).unwrap();
    let Object::Pod(pod) = &objects[0].object else {
        panic!("{objects:?}")
    };
    assert_eq!(
        pod.spec.init_containers[0].restart_policy.as_deref(),
        Some("Always")
    );
    assert_eq!(pod.spec.requests().milli_cpu, 300);
    assert_eq!(
        pod.status.ips().collect::<Vec<_>>(),
        ["10.0.0.9", "fd00::9"]
    );
    let sidecar = &pod.status.init_container_statuses[0];
    assert_eq!((sidecar.started, sidecar.ready), (Some(true), true));
    let last = pod.status.container_statuses[0]
        .last_state
        .as_ref()
        .unwrap();
    let terminated = last.terminated.as_ref().unwrap();
    assert_eq!(
        terminated.finished_at.as_deref(),
        Some("2026-12-02T11:59:00Z")
    );
    assert_eq!(terminated.exit_code, Some(1));
    let Object::Node(node) = &objects[1].object else {
        panic!("{objects:?}")
    };
    let info = node.status.node_info.as_ref().unwrap();
    assert_eq!(
        (
            info.os_image.as_str(),
            info.kernel_version.as_str(),
            info.container_runtime_version.as_str()
        ),
        ("Ubuntu 24.04.1 LTS", "6.8.0-1015-aws", "containerd://2.0.2")
    );
}

#[test]
fn kinds_and_keys_name_objects_as_kubernetes_does() {
    use label_selector::k8s::{Kind, ObjectKey};
    let names: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
    assert_eq!(
        names,
        [
            "Pod",
            "Node",
            "Namespace",
            "Service",
            "ReplicaSet",
            "Deployment",
            "StatefulSet",
            "DaemonSet",
            "PodDisruptionBudget",
            "ReplicationController"
        ]
    );
    let mut workloads = Vec::new();
    for kind in Kind::ALL {
        assert_eq!(Kind::parse(kind.as_str()), Some(kind));
        assert_eq!(kind.to_string(), kind.as_str());
        assert_eq!(
            kind.is_namespaced(),
            !matches!(kind, Kind::Node | Kind::Namespace),
            "{kind}"
        );
        if let Some(w) = kind.workload_kind() {
            assert_eq!(Kind::from(w), kind);
            assert_eq!(w.as_str(), kind.as_str());
            assert_eq!(w.to_string(), kind.as_str());
            workloads.push(w);
        }
    }
    assert_eq!(
        workloads,
        [
            WorkloadKind::ReplicaSet,
            WorkloadKind::Deployment,
            WorkloadKind::StatefulSet,
            WorkloadKind::DaemonSet,
            WorkloadKind::ReplicationController
        ]
    );
    let api: Vec<&str> = workloads.iter().map(|w| w.api_version()).collect();
    assert_eq!(api, ["apps/v1", "apps/v1", "apps/v1", "apps/v1", "v1"]);
    let owns: Vec<bool> = workloads.iter().map(|w| w.owns_pods()).collect();
    assert_eq!(owns, [true, false, true, true, true]);
    assert_eq!(Kind::parse("pod"), None);
    assert_eq!(Kind::parse(""), None);

    let svc = ObjectKey::new(Kind::Service, "shop", "web");
    assert_eq!(
        (svc.kind(), svc.namespace(), svc.name()),
        (Kind::Service, "shop", "web")
    );
    assert_eq!(svc.to_string(), "Service shop/web");
    assert_eq!(
        serde_json::to_string(&svc).unwrap(),
        r#"{"kind":"Service","namespace":"shop","name":"web"}"#
    );
    // Cluster-scoped kinds drop the namespace they are given.
    let node = ObjectKey::new(Kind::Node, "shop", "n1");
    assert_eq!(
        (node.kind(), node.namespace(), node.name()),
        (Kind::Node, "", "n1")
    );
    assert_eq!(node, ObjectKey::node("n1"));
    assert_eq!(node.to_string(), "Node n1");
    assert_eq!(
        serde_json::to_string(&node).unwrap(),
        r#"{"kind":"Node","name":"n1"}"#
    );
    let pod = ObjectKey::pod("shop", "a");
    assert_eq!(
        (pod.kind(), pod.namespace(), pod.name()),
        (Kind::Pod, "shop", "a")
    );
    // Keys order by kind, then namespace, then name.
    let mut keys = [
        ObjectKey::new(Kind::Service, "a", "z"),
        ObjectKey::pod("b", "a"),
        ObjectKey::pod("a", "b"),
        ObjectKey::node("m"),
    ];
    keys.sort();
    let printed: Vec<String> = keys.iter().map(ToString::to_string).collect();
    assert_eq!(printed, ["Pod a/b", "Pod b/a", "Node m", "Service a/z"]);
}

#[test]
fn watch_events_read_in_either_field_order_and_statuses_print_their_parts() {
    use label_selector::k8s::{Status, WatchEvent};
    let pod = r#"{"kind": "Pod", "metadata": {"name": "a", "namespace": "shop"}}"#;
    let read = |text: &str| serde_json::from_str::<WatchEvent>(text);
    for (t, want) in [("ADDED", 0), ("MODIFIED", 1), ("DELETED", 2)] {
        for text in [
            format!(r#"{{"type": "{t}", "object": {pod}}}"#),
            format!(r#"{{"object": {pod}, "x": 1, "type": "{t}"}}"#),
        ] {
            let (got, o) = match read(&text).unwrap() {
                WatchEvent::Added(o) => (0, o),
                WatchEvent::Modified(o) => (1, o),
                WatchEvent::Deleted(o) => (2, o),
                other => panic!("{other:?}"),
            };
            assert_eq!(got, want, "{text}");
            let Object::Pod(p) = o else { panic!("{text}") };
            assert_eq!(
                (p.metadata.namespace.as_str(), p.metadata.name.as_str()),
                ("shop", "a")
            );
        }
    }
    let bookmark = r#"{"kind": "Pod", "metadata": {"resourceVersion": "17"}}"#;
    for text in [
        format!(r#"{{"type": "BOOKMARK", "object": {bookmark}}}"#),
        format!(r#"{{"object": {bookmark}, "type": "BOOKMARK"}}"#),
    ] {
        assert_eq!(
            read(&text).unwrap(),
            WatchEvent::Bookmark {
                resource_version: "17".into()
            }
        );
    }
    assert_eq!(
        read(r#"{"type": "BOOKMARK", "object": {}}"#).unwrap(),
        WatchEvent::Bookmark {
            resource_version: String::new()
        }
    );
    let status = r#"{"kind": "Status", "code": 410, "reason": "Expired", "message": "too old"}"#;
    for text in [
        format!(r#"{{"type": "ERROR", "object": {status}}}"#),
        format!(r#"{{"object": {status}, "type": "ERROR"}}"#),
    ] {
        let WatchEvent::Error(s) = read(&text).unwrap() else {
            panic!("{text}")
        };
        assert_eq!(s.to_string(), "410 Expired: too old");
    }

    let err = |text: &str| read(text).unwrap_err().to_string();
    assert_eq!(
        err(r#"{"object": {}}"#),
        "missing field `type` at line 1 column 14"
    );
    assert_eq!(
        err(r#"{"type": "ADDED"}"#),
        "missing field `object` at line 1 column 17"
    );
    assert!(
        err(&format!(
            r#"{{"type": "ADDED", "object": {pod}, "object": {pod}}}"#
        ))
        .starts_with("duplicate field `object`"),
    );
    assert!(
        err("[]").contains(r#"expected a watch event {"type": ..., "object": ...}"#),
        "{}",
        err("[]")
    );
    let bad = r#"{"object": {"kind": "Pod", "metadata": {"name": 3}}, "type": "ADDED"}"#;
    assert_eq!(
        err(bad),
        "object: invalid type: integer `3`, expected a string at line 1 column 69"
    );

    let show = |code: Option<i32>, reason: Option<&str>, message: Option<&str>| {
        Status {
            code,
            reason: reason.map(Into::into),
            message: message.map(Into::into),
        }
        .to_string()
    };
    assert_eq!(show(Some(410), Some("Gone"), Some("m")), "410 Gone: m");
    assert_eq!(show(Some(410), None, Some("m")), "410: m");
    assert_eq!(show(None, Some("Gone"), Some("m")), "Gone: m");
    assert_eq!(show(None, None, Some("m")), "m");
    assert_eq!(
        show(Some(500), Some("InternalError"), None),
        "500 InternalError"
    );
    assert_eq!(show(Some(500), None, None), "500");
    assert_eq!(show(None, Some("Gone"), None), "Gone");
    assert_eq!(show(None, None, None), "watch error");
}

#[test]
fn timestamps_read_as_go_reads_rfc3339() {
    use label_selector::k8s::parse_timestamp;
    for (text, want) in [
        ("2000-02-29T00:00:00Z", 951_782_400),
        ("1900-03-01T00:00:00Z", -2_203_891_200),
        ("1969-12-31T23:59:59Z", -1),
        ("0000-01-01T00:00:00Z", -62_167_219_200),
        ("9999-12-31T23:59:59Z", 253_402_300_799),
        ("2024-12-31T23:59:59-23:59", 1_735_775_939),
        ("1600-02-29T12:00:00+05:30", -11_670_975_000),
        ("2026-03-01T12:00:00.123456789Z", 1_772_366_400),
    ] {
        assert_eq!(parse_timestamp(text), Some(want), "{text}");
    }
    for text in [
        "2026-02-29T00:00:00Z",      // not a leap year
        "1900-02-29T00:00:00Z",      // nor is 1900
        "2026-04-31T00:00:00Z",      // April has 30 days
        "2026-00-01T00:00:00Z",      // month 0
        "2026-13-01T00:00:00Z",      // month 13
        "2026-01-00T00:00:00Z",      // day 0
        "2026-01-01T24:00:00Z",      // hour 24
        "2026-01-01T00:60:00Z",      // minute 60
        "2026-01-01T00:00:60Z",      // Go refuses a leap second
        "2026-01-01t00:00:00Z",      // Go wants an uppercase T
        "2026-01-01 00:00:00Z",      // and no space
        "2026-01-01T00:00:00z",      // and an uppercase Z
        "2026-01-01T00:00:00.Z",     // a fraction needs a digit
        "2026-01-01T00:00:00+24:00", // offsets up to 23:59
        "2026-01-01T00:00:00+00:60",
        "2026-01-01T00:00:00+0100",
        "2026-01-01T00:00:00+01:0",
        "2026-01-01T00:00:00+01:000", // an offset is exactly `+hh:mm`
        "2026-01-01T00:00:00+01x00",
        "2026-01-01T00:00:00 01:00",
        "2026-01-01T00:00:00",
        "2026-01-01T00:00:0Z",
        "2026-1-01T00:00:00Z",
        "+026-01-01T00:00:00Z",
        "2026-01-01T00:00:00ZZ",
        "2026/01/01T00:00:00Z",
        "2026-01-01T00-00:00Z",
        "2026-01-01T00:00-00Z",
        "2026-01-01T00:00:00.5x",
        "2026-01-01", // a date alone, and shorter forms: never read past the end
        "2026-01-01T12",
        "2026-",
        "",
    ] {
        assert_eq!(parse_timestamp(text), None, "{text}");
    }
}

proptest::proptest! {
    /// Against a plain count of days, year by year, over every field's valid range and one
    /// past it.
    #[test]
    fn timestamps_equal_a_plain_calendar(
        y in 0i64..=9999, mo in 0i64..=13, d in 0i64..=32, h in 0i64..=24, mi in 0i64..=60,
        s in 0i64..=60, frac in proptest::option::of("[0-9]{1,12}"),
        zone in proptest::option::of((proptest::bool::ANY, 0i64..=24, 0i64..=60)),
    ) {
        fn leap(y: i64) -> bool {
            y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
        }
        fn month_days(y: i64, m: i64) -> i64 {
            [31, if leap(y) { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m as usize - 1]
        }
        let mut text = format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}");
        if let Some(f) = &frac {
            text.push('.');
            text.push_str(f);
        }
        let offset = match zone {
            None => {
                text.push('Z');
                Some(0)
            }
            Some((east, oh, om)) => {
                text.push_str(&format!("{}{oh:02}:{om:02}", if east { '+' } else { '-' }));
                (oh < 24 && om < 60).then_some((oh * 3600 + om * 60) * if east { 1 } else { -1 })
            }
        };
        let valid = (1..=12).contains(&mo)
            && d >= 1
            && d <= month_days(y, mo)
            && h < 24
            && mi < 60
            && s < 60;
        let want = offset.filter(|_| valid).map(|offset| {
            let mut days: i64 = 0;
            if y >= 1970 {
                days += (1970..y).map(|yy| if leap(yy) { 366 } else { 365 }).sum::<i64>();
            } else {
                days -= (y..1970).map(|yy| if leap(yy) { 366 } else { 365 }).sum::<i64>();
            }
            days += (1..mo).map(|m| month_days(y, m)).sum::<i64>() + d - 1;
            days * 86_400 + h * 3600 + mi * 60 + s - offset
        });
        proptest::prop_assert_eq!(label_selector::k8s::parse_timestamp(&text), want, "{}", text);
    }
}

#[test]
fn quantities_read_every_suffix_and_round_up() {
    use label_selector::k8s::Quantity;
    let q = |s: &str| Quantity::parse(s).unwrap();
    let e = 10i64.pow(18);
    for (text, value, milli) in [
        ("1n", 1, 1),
        ("1000000n", 1, 1),
        ("1000001n", 1, 2),
        ("1u", 1, 1),
        ("1000u", 1, 1),
        ("1500u", 1, 2),
        ("1m", 1, 1),
        ("999m", 1, 999),
        ("1000m", 1, 1000),
        ("1001m", 2, 1001),
        ("1", 1, 1000),
        ("1k", 1000, 1_000_000),
        ("1M", 1_000_000, 1_000_000_000),
        ("1G", 1_000_000_000, 1_000_000_000_000),
        ("1T", 10i64.pow(12), 10i64.pow(15)),
        ("1P", 10i64.pow(15), e),
        ("1E", e, i64::MAX),
        ("1Ki", 1 << 10, 1_024_000),
        ("1Mi", 1 << 20, (1 << 20) * 1000),
        ("1Gi", 1 << 30, (1 << 30) * 1000),
        ("1Ti", 1 << 40, (1 << 40) * 1000),
        ("1Pi", 1 << 50, (1 << 50) * 1000),
        ("1Ei", 1 << 60, i64::MAX),
        ("7Ei", 7 << 60, i64::MAX),
        ("8Ei", i64::MAX, i64::MAX),
        // 2^59 Ei is 2^68 × 10^9 × 2^60 nano-units: shifted in 128 bits it would wrap to 0.
        ("576460752303423488Ei", i64::MAX, i64::MAX),
        ("0.001Ki", 2, 1024),
        ("1e0", 1, 1000),
        ("1e+2", 100, 100_000),
        ("1E-2", 1, 10),
        ("25e-3", 1, 25),
        ("1e-1000", 1, 1),
        ("0e1000", 0, 0),
        ("0.0000000001", 1, 1),
        ("1.0000000001", 2, 1001),
        ("12.5", 13, 12_500),
        ("-12.5", -13, -12_500),
        ("-0.0001", -1, -1),
        ("-1n", -1, -1),
    ] {
        let got = q(text);
        assert_eq!((got.value(), got.milli_value()), (value, milli), "{text}");
        assert_eq!(got.is_zero(), value == 0, "{text}");
        assert_eq!(got.as_str(), text);
        assert_eq!(got.to_string(), text);
    }
    // Past 30 significant digits, digits are dropped but keep their place, and a dropped
    // digit that is not zero rounds the value up once.
    let many = |head: &str, zeros: usize, tail: &str| format!("{head}{}{tail}", "0".repeat(zeros));
    for (text, value, milli) in [
        (many("1", 33, "e-30"), 1000, 1_000_000),
        (many("1", 33, "5e-30"), 10_001, 10_000_001),
        (many("1.", 30, "1"), 2, 1001),
        (many("1.", 40, ""), 1, 1000),
        (many("1.", 30, "0001"), 2, 1001),
        (
            many("12345678901234567890.", 20, "1m"),
            12_345_678_901_234_568,
            i64::MAX,
        ),
        (many("0.", 40, "1"), 1, 1),
        (many("9", 40, "e-39"), 90, 90_000),
    ] {
        let got = q(&text);
        assert_eq!((got.value(), got.milli_value()), (value, milli), "{text}");
    }
    for zero in ["0", "0m", "0.0", "-0", "0Ki", "0e5"] {
        assert!(q(zero).is_zero(), "{zero}");
    }
    assert!(!q("1n").is_zero());

    // JSON and YAML numbers are read as their decimal text; null is zero.
    let json = |s: &str| serde_json::from_str::<Quantity>(s);
    assert_eq!(json("3").unwrap().value(), 3);
    assert_eq!(json("-3").unwrap().value(), -3);
    assert_eq!(json("-1.5").unwrap().value(), -2);
    assert_eq!(json("18446744073709551615").unwrap().value(), i64::MAX);
    assert_eq!(json("0.5").unwrap().milli_value(), 500);
    assert_eq!(json("\"2Gi\"").unwrap().value(), 2 << 30);
    assert!(json("null").unwrap().is_zero());
    assert_eq!(
        json("true").unwrap_err().to_string(),
        "invalid type: boolean `true`, expected a quantity such as 500m, 2 or 1Gi at line 1 column 4"
    );
    assert!(
        json("\"1x\"")
            .unwrap_err()
            .to_string()
            .contains("quantities must match the regular expression")
    );
    let yaml: Quantity = serde_saphyr::from_str("1.5").unwrap();
    assert_eq!(yaml.milli_value(), 1500);
}

#[test]
fn affinity_terms_keep_their_roles_weights_scopes_and_policies() {
    use label_selector::k8s::{
        AffinityTerm, Pod, SpreadConstraint, TermRole, TopologySpreadConstraint,
    };
    use label_selector::{LabelSet, Scope};
    let pod: Pod = serde_json::from_str(
        r#"{"metadata": {"name": "p", "namespace": "shop"}, "spec": {"affinity": {
          "podAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": [
              {"topologyKey": "zone", "labelSelector": {"matchLabels": {"app": "db"}}}],
            "preferredDuringSchedulingIgnoredDuringExecution": [
              {"weight": 5, "podAffinityTerm": {"topologyKey": "rack",
                "labelSelector": {"matchLabels": {"app": "cache"}}}}]},
          "podAntiAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": [
              {"topologyKey": "host", "labelSelector": {"matchLabels": {"app": "web"}}}],
            "preferredDuringSchedulingIgnoredDuringExecution": [
              {"weight": 7, "podAffinityTerm": {"topologyKey": "row", "namespaces": ["a", "b"],
                "labelSelector": {"matchLabels": {"app": "batch"}}}},
              {"weight": 9, "podAffinityTerm": {"topologyKey": "hall", "namespaceSelector": {}}}]}}}}"#,
    )
    .unwrap();
    let terms: Vec<(TermRole, i32, &str)> = pod
        .spec
        .affinity_terms()
        .map(|(role, weight, t)| (role, weight, t.topology_key.as_str()))
        .collect();
    assert_eq!(
        terms,
        [
            (TermRole::RequiredAffinity, 0, "zone"),
            (TermRole::RequiredAntiAffinity, 0, "host"),
            (TermRole::PreferredAffinity, 5, "rack"),
            (TermRole::PreferredAntiAffinity, 7, "row"),
            (TermRole::PreferredAntiAffinity, 9, "hall"),
        ]
    );
    let owner = LabelSet::new();
    let scopes: Vec<Scope> = pod
        .spec
        .affinity_terms()
        .map(|(_, _, t)| AffinityTerm::compile(t, "shop", &owner).unwrap().scope())
        .collect();
    assert_eq!(
        scopes,
        [
            Scope::namespace("shop"),
            Scope::namespace("shop"),
            Scope::namespace("shop"),
            Scope::namespaces(["a", "b"]),
            Scope::All,
        ]
    );

    // Topology spread: nodeAffinityPolicy defaults to Honor, nodeTaintsPolicy to Ignore.
    let spread = |policies: &str| {
        let c: TopologySpreadConstraint = serde_json::from_str(&format!(
            r#"{{"maxSkew": 2, "topologyKey": "zone", "whenUnsatisfiable": "ScheduleAnyway",
                "labelSelector": {{"matchLabels": {{"app": "web"}}}}, "minDomains": 3 {policies}}}"#
        ))
        .unwrap();
        let c = SpreadConstraint::compile(&c, &owner).unwrap();
        assert_eq!(
            (c.max_skew, c.min_domains, c.topology_key.as_str()),
            (2, 3, "zone")
        );
        (c.honor_node_affinity, c.honor_node_taints)
    };
    assert_eq!(spread(""), (true, false));
    assert_eq!(
        spread(r#", "nodeAffinityPolicy": "Ignore", "nodeTaintsPolicy": "Honor""#),
        (false, true)
    );
    assert_eq!(
        spread(r#", "nodeAffinityPolicy": "Honor", "nodeTaintsPolicy": "Ignore""#),
        (true, false)
    );
}

/// One object as JSON, with `spec` and `status` after `kind` or before it (then buffered until
/// the kind is known).
fn object_json(kind: &str, spec: &str, status: &str, before: bool) -> String {
    let head = format!(r#""kind": "{kind}", "metadata": {{"name": "x", "namespace": "n"}}"#);
    let body = format!(r#""spec": {spec}, "status": {status}"#);
    if before {
        format!("{{{body}, {head}}}")
    } else {
        format!("{{{head}, {body}}}")
    }
}

#[test]
fn every_kind_reads_its_spec_and_status_in_either_order() {
    let read = |text: &str| {
        let mut docs = read_str("t.json", text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(docs.len(), 1);
        docs.remove(0).object
    };
    for before in [false, true] {
        let o = read(&object_json(
            "Service",
            r#"{"selector": {"app": "a"}}"#,
            r#"{"loadBalancer": {"ingress": [{"ip": "192.0.2.1"}]}}"#,
            before,
        ));
        let Object::Service(s) = &o else {
            panic!("{o:?}")
        };
        assert_eq!(
            s.status.load_balancer.ingress[0].ip.as_deref(),
            Some("192.0.2.1")
        );

        let o = read(&object_json(
            "Deployment",
            r#"{"replicas": 3, "selector": {"matchLabels": {"app": "a"}}}"#,
            r#"{"replicas": 3, "readyReplicas": 2, "observedGeneration": 7}"#,
            before,
        ));
        let Object::Workload(w) = &o else {
            panic!("{o:?}")
        };
        assert_eq!(
            (w.kind, w.spec.replicas),
            (WorkloadKind::Deployment, Some(3))
        );
        assert_eq!(
            (w.status.ready_replicas, w.status.observed_generation),
            (Some(2), Some(7))
        );

        // A ReplicationController's selector is a plain map, read in its own shape.
        let o = read(&object_json(
            "ReplicationController",
            r#"{"replicas": 2, "selector": {"app": "a"}}"#,
            r#"{"replicas": 2, "readyReplicas": 1}"#,
            before,
        ));
        let Object::Workload(w) = &o else {
            panic!("{o:?}")
        };
        assert_eq!(w.kind, WorkloadKind::ReplicationController);
        assert_eq!(w.selector().to_string(), "app=a");
        assert_eq!(
            (w.spec.replicas, w.status.ready_replicas),
            (Some(2), Some(1))
        );
        // A null spec is the zero value, buffered or not.
        let o = read(&object_json(
            "ReplicationController",
            "null",
            "null",
            before,
        ));
        let Object::Workload(w) = &o else {
            panic!("{o:?}")
        };
        assert_eq!(
            (w.kind, w.spec.replicas),
            (WorkloadKind::ReplicationController, None)
        );

        let o = read(&object_json(
            "PodDisruptionBudget",
            r#"{"minAvailable": 1, "selector": {"matchLabels": {"app": "a"}}}"#,
            r#"{"disruptedPods": {"p-1": "2026-12-07T10:00:00Z"}, "observedGeneration": 4}"#,
            before,
        ));
        let Object::PodDisruptionBudget(p) = &o else {
            panic!("{o:?}")
        };
        assert_eq!(p.status.disrupted_pods.keys().collect::<Vec<_>>(), ["p-1"]);
        assert_eq!(p.status.observed_generation, Some(4));
    }

    // `items` belongs to lists: an empty one is harmless elsewhere, a non-empty one is refused.
    let pod = r#"{"kind": "Pod", "metadata": {"name": "p"}, "items": []}"#;
    assert!(matches!(read(pod), Object::Pod(_)));
    let err = read_str(
        "t.json",
        r#"{"kind": "Pod", "metadata": {"name": "p"}, "items": [{"kind": "Pod", "metadata": {"name": "q"}}]}"#,
    )
    .unwrap_err();
    assert_eq!(err.kind(), LoadErrorKind::Invalid);
    assert!(
        err.message()
            .contains("the object has items but is not a List (Pod)"),
        "{err}"
    );

    // Metadata is reachable mutably for every kind but lists.
    for kind in [
        "Pod",
        "Node",
        "Namespace",
        "Service",
        "ReplicaSet",
        "PodDisruptionBudget",
    ] {
        let mut o = read(&format!(
            r#"{{"kind": "{kind}", "metadata": {{"name": "x"}}}}"#
        ));
        o.metadata_mut().unwrap().name = "y".to_string();
        assert_eq!(o.metadata().unwrap().name, "y", "{kind}");
    }
    assert!(
        read(r#"{"kind": "List", "items": []}"#)
            .metadata_mut()
            .is_none()
    );
}

#[test]
fn a_kind_written_twice_and_false_flags_serialize_as_kubernetes_writes_them() {
    let read = |text: &str| read_str("t.json", text);
    // Deserialized directly (the readers collapse repeated keys before): after a spec or a
    // status was read for one shape, `kind` may not change shape.
    for (text, refused) in [
        (
            r#"{"kind": "Pod", "metadata": {"name": "p"}, "spec": {"nodeName": "n"}, "kind": "Node"}"#,
            true,
        ),
        (
            r#"{"kind": "Pod", "metadata": {"name": "p"}, "status": {"phase": "Running"}, "kind": "Node"}"#,
            true,
        ),
        // The same kind again, or a kind before anything was read for it: the last one wins.
        (
            r#"{"kind": "Pod", "metadata": {"name": "p"}, "spec": {"nodeName": "n"}, "kind": "Pod"}"#,
            false,
        ),
        (
            r#"{"kind": "Pod", "kind": "Node", "metadata": {"name": "p"}, "spec": {"unschedulable": true}}"#,
            false,
        ),
        (
            r#"{"spec": {"unschedulable": true}, "kind": "Pod", "kind": "Node", "metadata": {"name": "p"}}"#,
            false,
        ),
    ] {
        match serde_json::from_str::<Object>(text) {
            Err(e) if refused => assert!(
                e.to_string()
                    .contains("`kind` is written twice (Pod, then Node) after `spec` or `status` was read for the first"),
                "{e}"
            ),
            Ok(o) if !refused => assert_eq!(Some(o), read(text).unwrap().pop().map(|d| d.object)),
            other => panic!("{text}: {other:?}"),
        }
    }
    let o = serde_json::from_str::<Object>(
        r#"{"spec": {"unschedulable": true}, "kind": "Pod", "kind": "Node", "metadata": {"name": "n"}}"#,
    )
    .unwrap();
    let Object::Node(node) = &o else {
        panic!("{o:?}")
    };
    assert!(node.spec.unschedulable);

    // `false` flags are left out, as Kubernetes' omitempty leaves them out; `true` is written.
    let flag = |kind: &str, field: &str, on: bool| {
        let text = format!(
            r#"{{"kind": "{kind}", "metadata": {{"name": "x"}}, "spec": {{"{field}": {on}}}}}"#
        );
        let spec = match read(&text).unwrap().remove(0).object {
            Object::Node(n) => serde_json::to_value(&n.spec),
            Object::Service(s) => serde_json::to_value(&s.spec),
            o => panic!("{o:?}"),
        };
        spec.unwrap().get(field).cloned()
    };
    for (kind, field) in [
        ("Node", "unschedulable"),
        ("Service", "publishNotReadyAddresses"),
    ] {
        assert_eq!(flag(kind, field, true), Some(serde_json::Value::Bool(true)));
        assert_eq!(flag(kind, field, false), None, "{kind}");
    }
}

#[test]
fn containers_write_resources_only_when_set_and_readiness_is_the_ready_condition() {
    let text = r#"{"kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [
        {"name": "none"},
        {"name": "requests", "resources": {"requests": {"cpu": "100m"}}},
        {"name": "limits", "resources": {"limits": {"memory": "1Gi"}}}]}}"#;
    let Object::Pod(pod) = read_str("p.json", text).unwrap().remove(0).object else {
        panic!()
    };
    let spec = serde_json::to_value(&pod.spec).unwrap();
    let resources: Vec<_> = spec["containers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.get("resources").map(ToString::to_string))
        .collect();
    assert_eq!(
        resources,
        [
            None,
            Some(r#"{"requests":{"cpu":"100m"}}"#.to_string()),
            Some(r#"{"limits":{"memory":"1Gi"}}"#.to_string()),
        ]
    );

    let ready = |conditions: &str| {
        let text = format!(
            r#"{{"kind": "Pod", "metadata": {{"name": "p"}}, "status": {{"conditions": {conditions}}}}}"#
        );
        let Object::Pod(pod) = read_str("p.json", &text).unwrap().remove(0).object else {
            panic!()
        };
        pod.is_ready()
    };
    assert!(ready(r#"[{"type": "Ready", "status": "True"}]"#));
    assert!(!ready(r#"[{"type": "Ready", "status": "False"}]"#));
    assert!(!ready(r#"[{"type": "ContainersReady", "status": "True"}]"#));
    assert!(!ready("[]"));
}

#[test]
fn accessors_of_pods_nodes_and_services_follow_kubernetes_defaults() {
    let one = |text: &str| read_str("t.json", text).unwrap().remove(0).object;
    let Object::Pod(p) = one(
        r#"{"kind": "Pod", "metadata": {"name": "p", "deletionTimestamp": "2026-12-07T10:00:00Z"}}"#,
    ) else {
        panic!()
    };
    assert!(p.is_terminating());
    let Object::Pod(p) = one(r#"{"kind": "Pod", "metadata": {"name": "p"}}"#) else {
        panic!()
    };
    assert!(!p.is_terminating());

    let node_ready = |status: &str| {
        let Object::Node(n) = one(&format!(
            r#"{{"kind": "Node", "metadata": {{"name": "n"}}, "status": {{"conditions": [{{"type": "Ready", "status": "{status}"}}]}}}}"#
        )) else {
            panic!()
        };
        n.is_ready()
    };
    assert!(node_ready("True"));
    assert!(!node_ready("Unknown"));

    // A Service: ports default to TCP, a target port is an int32 or a name, an empty status
    // is left out when written.
    let Object::Service(s) = one(
        r#"{"kind": "Service", "metadata": {"name": "s"}, "spec": {"ports": [
            {"port": 80, "targetPort": 8080}, {"port": 53, "protocol": "UDP", "targetPort": "dns"}]}}"#,
    ) else {
        panic!()
    };
    let ports = &s.spec.ports;
    assert_eq!((ports[0].protocol(), ports[1].protocol()), ("TCP", "UDP"));
    assert_eq!(
        (ports[0].target_port.clone(), ports[1].target_port.clone()),
        (
            Some(IntOrString::Int(8080)),
            Some(IntOrString::String("dns".to_string()))
        )
    );
    let written = serde_json::to_value(&*s).unwrap();
    assert!(written.get("status").is_none(), "{written}");
    let e = read_str(
        "t.json",
        r#"{"kind": "Service", "metadata": {"name": "s"}, "spec": {"ports": [{"port": 80, "targetPort": 2147483648}]}}"#,
    )
    .unwrap_err();
    assert!(
        e.message()
            .contains("2147483648 is out of range for an int32"),
        "{e}"
    );
    let Object::Service(s) = one(
        r#"{"kind": "Service", "metadata": {"name": "s"}, "status": {"loadBalancer": {"ingress": [{"ip": "192.0.2.1"}]}}}"#,
    ) else {
        panic!()
    };
    let written = serde_json::to_value(&*s).unwrap();
    assert_eq!(
        written["status"]["loadBalancer"]["ingress"][0]["ip"],
        "192.0.2.1"
    );
    // A PodDisruptionBudget's status likewise: left out when empty, written when read.
    let pdb = |status: &str| {
        let Object::PodDisruptionBudget(b) = one(&format!(
            r#"{{"kind": "PodDisruptionBudget", "metadata": {{"name": "b"}}, "spec": {{"minAvailable": 1}}{status}}}"#
        )) else {
            panic!()
        };
        serde_json::to_value(&*b).unwrap()
    };
    let written = pdb("");
    assert!(written.get("status").is_none(), "{written}");
    let written = pdb(r#", "status": {"currentHealthy": 2, "desiredHealthy": 1}"#);
    assert_eq!(
        (
            &written["status"]["currentHealthy"],
            &written["status"]["desiredHealthy"]
        ),
        (&serde_json::json!(2), &serde_json::json!(1)),
        "{written}"
    );
}

#[test]
fn watch_streams_are_told_from_manifests_past_comments_separators_and_directives() {
    use label_selector::load::is_watch_stream;
    for (text, watch) in [
        ("type: ADDED\nobject: {}\n", true),
        ("# a comment\ntype: ADDED\n", true),
        ("---\ntype: ADDED\n", true),
        ("%YAML 1.2\n---\ntype: ADDED\n", true),
        ("\u{feff}\n\n\"type\": ADDED\n", true),
        ("{\"type\": \"ADDED\"}", true),
        ("{\"kind\": \"Pod\", \"type\": \"x\"}", false),
        ("kind: Pod\ntype: x\n", false),
        ("# type: ADDED\nkind: Pod\n", false),
        ("", false),
    ] {
        assert_eq!(is_watch_stream(text), watch, "{text:?}");
    }
}

#[test]
fn int32_fields_take_integral_numbers_in_range_and_workloads_write_their_own_shape() {
    let target = |v: &str| {
        let text = format!(
            r#"{{"kind": "Service", "metadata": {{"name": "s"}}, "spec": {{"ports": [{{"port": 80, "targetPort": {v}}}]}}}}"#
        );
        match read_str("t.json", &text) {
            Ok(mut docs) => match docs.remove(0).object {
                Object::Service(s) => Ok(s.spec.ports[0].target_port.clone()),
                o => panic!("{o:?}"),
            },
            Err(e) => Err(e.message().to_string()),
        }
    };
    for (v, want) in [
        ("2147483647.0", Ok(Some(IntOrString::Int(i32::MAX)))),
        ("-2147483648.0", Ok(Some(IntOrString::Int(i32::MIN)))),
        ("8080.0", Ok(Some(IntOrString::Int(8080)))),
        (
            "2147483648.0",
            Err("2147483648 is out of range for an int32".to_string()),
        ),
        (
            "-2147483649.0",
            Err("-2147483649 is out of range for an int32".to_string()),
        ),
    ] {
        let got = target(v).map_err(|m| m.rsplit(": ").next().unwrap().to_string());
        assert_eq!(got, want, "{v}");
    }
    let e = target("true").unwrap_err();
    assert!(e.contains("expected a number or a name"), "{e}");

    // A ReplicationController is written with its plain selector map; a Deployment with a
    // label selector.
    let written = |kind: &str, selector: &str| {
        let text = format!(
            r#"{{"kind": "{kind}", "metadata": {{"name": "w"}}, "spec": {{"selector": {selector}}}}}"#
        );
        let Object::Workload(w) = read_str("t.json", &text).unwrap().remove(0).object else {
            panic!()
        };
        serde_json::to_value(&*w).unwrap()["spec"]["selector"].clone()
    };
    assert_eq!(
        written("ReplicationController", r#"{"app": "a"}"#),
        serde_json::json!({"app": "a"})
    );
    assert_eq!(
        written("Deployment", r#"{"matchLabels": {"app": "a"}}"#),
        serde_json::json!({"matchLabels": {"app": "a"}})
    );
}

#[test]
fn workload_and_container_accessors_follow_the_api_servers_defaults() {
    use label_selector::k8s::Resources;
    let one = |text: &str| read_str("t.json", text).unwrap().remove(0).object;
    let workload = |text: &str| match one(text) {
        Object::Workload(w) => w,
        o => panic!("{o:?}"),
    };
    // replicas: 1 when absent, as written otherwise, 0 for a DaemonSet.
    for (kind, spec, want) in [
        ("Deployment", "{}", 1),
        ("Deployment", r#"{"replicas": 0}"#, 0),
        ("StatefulSet", r#"{"replicas": 5}"#, 5),
        ("DaemonSet", r#"{"replicas": 5}"#, 0),
    ] {
        let w = workload(&format!(
            r#"{{"kind": "{kind}", "metadata": {{"name": "w"}}, "spec": {spec}}}"#
        ));
        assert_eq!(w.replicas(), want, "{kind} {spec}");
    }
    // A ReplicationController without a selector takes its template's labels; with one, keeps it.
    let rc = |selector: &str| {
        workload(&format!(
            r#"{{"kind": "ReplicationController", "metadata": {{"name": "r"}}, "spec": {{{selector}
                "template": {{"metadata": {{"labels": {{"app": "t", "tier": "x"}}}}}}}}}}"#
        ))
        .selector()
        .to_string()
    };
    assert_eq!(rc(""), "app=t,tier=x");
    assert_eq!(rc(r#""selector": {},"#), "app=t,tier=x");
    assert_eq!(rc(r#""selector": {"app": "s"},"#), "app=s");
    // The controller is the owner reference marked so, and deletion is seen.
    let w = workload(
        r#"{"kind": "ReplicaSet", "metadata": {"name": "w-1", "deletionTimestamp": "2026-12-07T10:00:00Z",
            "ownerReferences": [{"apiVersion": "v1", "kind": "ConfigMap", "name": "c", "uid": "1"},
                                {"apiVersion": "apps/v1", "kind": "Deployment", "name": "w", "uid": "2", "controller": true}]}}"#,
    );
    assert!(w.is_terminating());
    assert_eq!(w.controller_ref().map(|r| &*r.name), Some("w"));
    let w = workload(
        r#"{"kind": "ReplicaSet", "metadata": {"name": "w-1",
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "w", "uid": "2", "controller": false}]}}"#,
    );
    assert!(!w.is_terminating());
    assert!(w.controller_ref().is_none());

    // Resource lists keep cpu, memory and pods; an init container with `restartPolicy: Always`
    // is a sidecar.
    let list = [
        ("cpu", "1500m"),
        ("memory", "1Gi"),
        ("pods", "110"),
        ("gpu", "2"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.parse().unwrap()))
    .collect();
    assert_eq!(
        Resources::from_list(&list),
        Resources {
            milli_cpu: 1500,
            memory: 1 << 30,
            pods: 110,
        }
    );
    let Object::Pod(p) = one(
        r#"{"kind": "Pod", "metadata": {"name": "p"}, "spec": {"initContainers": [
            {"name": "side", "restartPolicy": "Always"}, {"name": "init"}], "containers": [{"name": "c"}]}}"#,
    ) else {
        panic!()
    };
    let sidecars: Vec<bool> = p
        .spec
        .init_containers
        .iter()
        .map(|c| c.is_sidecar())
        .collect();
    assert_eq!(sidecars, [true, false]);

    // A PDB's bound that is neither a number nor a percentage says what it wants.
    let e = read_str(
        "t.json",
        r#"{"kind": "PodDisruptionBudget", "metadata": {"name": "b"}, "spec": {"minAvailable": true}}"#,
    )
    .unwrap_err();
    assert!(
        e.message()
            .contains("expected an integer or a percentage such as \"50%\""),
        "{e}"
    );
}
