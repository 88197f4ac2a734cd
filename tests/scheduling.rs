//! The scheduler's label plugins: each rule of `../shared/spec/scheduling.md` §1 and each trap
//! of §5 pinned with kube-scheduler's reason strings, and every decision on random worlds
//! held to `benches/common/direct.rs`, the plain evaluation written from the spec.

use label_selector::Cluster;
use label_selector::k8s::Pod;
use label_selector::scheduling::{Code, Decision, Plugin, Profile, Scheduler};
use proptest::prelude::*;

#[path = "../benches/common/direct.rs"]
mod direct;
#[path = "support/sched_world.rs"]
mod world;

fn load(yaml: &str) -> Cluster {
    let mut c = Cluster::new();
    c.load_str("world.yaml", yaml).unwrap();
    c.internal_validate().unwrap();
    c
}

fn pod(yaml: &str) -> Pod {
    serde_saphyr::from_str(yaml).unwrap()
}

fn decide(c: &Cluster, p: &str) -> Decision {
    Scheduler::new(Profile::default()).schedule(c, &pod(p))
}

/// The code and reasons of one plugin's status on one node.
#[track_caller]
fn status(d: &Decision, node: &str, plugin: Plugin) -> (Code, Vec<String>) {
    let v = d.node(node).unwrap_or_else(|| panic!("no node {node}"));
    let s = v.filters().iter().find(|s| s.plugin() == plugin).unwrap();
    (s.code(), v.reasons(s))
}

#[track_caller]
fn fails(d: &Decision, node: &str, plugin: Plugin, code: Code, reason: &str) {
    assert_eq!(
        status(d, node, plugin),
        (code, vec![reason.to_string()]),
        "{node} {plugin}"
    );
}

#[track_caller]
fn passes(d: &Decision, node: &str, plugin: Plugin) {
    assert_eq!(
        status(d, node, plugin).0,
        Code::Success,
        "{node} {plugin}: {:?}",
        status(d, node, plugin)
    );
}

fn oracle_equal(objects: &[serde_json::Value], incoming: &Pod, profile: &Profile) {
    let c = world::cluster(objects);
    c.internal_validate().unwrap();
    let d = Scheduler::new(profile.clone()).schedule(&c, incoming);
    let want = direct::evaluate(&direct::World::from_cluster(&c), profile, incoming);
    let got = d.to_json();
    if got != want {
        let pod = serde_json::to_string(incoming).unwrap();
        panic!(
            "indexed and direct evaluations differ for {pod}\n got: {}\nwant: {}",
            serde_json::to_string(&got).unwrap(),
            serde_json::to_string(&want).unwrap()
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    #[test]
    fn indexed_decisions_equal_the_direct_evaluation(seed in any::<u64>()) {
        let (objects, incoming) = world::world(seed);
        oracle_equal(&objects, &incoming, &world::profile(seed));
    }
}

/// The random worlds reach every filter reason and every score plugin, so that the
/// equivalence above covers them.
#[test]
fn random_worlds_reach_every_rule() {
    let mut seen: std::collections::BTreeSet<String> = Default::default();
    let mut feasible = 0;
    for seed in 0..1000u64 {
        let (objects, incoming) = world::world(seed);
        let c = world::cluster(&objects);
        let d = Scheduler::new(world::profile(seed)).schedule(&c, &incoming);
        feasible += usize::from(d.feasible_count() > 0);
        for (p, _) in d.scorers() {
            seen.insert(format!("score {p}"));
        }
        for v in d.nodes() {
            for s in v.filters() {
                seen.extend(v.reasons(s));
            }
        }
    }
    for p in Plugin::ALL {
        for r in p.reasons() {
            assert!(seen.contains(*r), "no world reaches {r:?}");
        }
        if p.scores() {
            assert!(
                seen.contains(&format!("score {p}")),
                "no world scores with {p}"
            );
        }
    }
    assert!(
        (150..850).contains(&feasible),
        "{feasible} of 1000 worlds have a feasible node"
    );
}

/// A node document: name, labels (`k=v,...`, the hostname added), extra `spec` YAML, and
/// allocatable `cpu,memory,pods` (empty: none).
fn node(name: &str, labels: &str, spec: &str, alloc: &str) -> String {
    let mut l = format!("kubernetes.io/hostname: {name}");
    for kv in labels.split(',').filter(|s| !s.is_empty()) {
        let (k, v) = kv.split_once('=').unwrap();
        l.push_str(&format!(", {k}: '{v}'"));
    }
    let status = if alloc.is_empty() {
        String::new()
    } else {
        let a: Vec<&str> = alloc.split(',').collect();
        format!(
            "status: {{allocatable: {{cpu: '{}', memory: '{}', pods: '{}'}}}}\n",
            a[0], a[1], a[2]
        )
    };
    format!(
        "---\nkind: Node\nmetadata: {{name: {name}, labels: {{{l}}}}}\nspec: {{{spec}}}\n{status}"
    )
}

const BIG: &str = "8,32Gi,110";

/// `spec` with one container unless it names its own.
fn with_containers(spec: &str) -> String {
    if spec.contains("containers:") {
        spec.to_string()
    } else if spec.is_empty() {
        "containers: [{name: c}]".to_string()
    } else {
        format!("containers: [{{name: c}}], {spec}")
    }
}

/// A bound pod document.
fn bound(name: &str, ns: &str, labels: &str, node: &str, spec: &str) -> String {
    format!(
        "---\nkind: Pod\nmetadata: {{name: {name}, namespace: {ns}, labels: {{{labels}}}}}\nspec: {{nodeName: {node}, {}}}\nstatus: {{phase: Running}}\n",
        with_containers(spec)
    )
}

fn incoming(labels: &str, spec: &str) -> String {
    format!(
        "metadata: {{name: new, namespace: shop, labels: {{{labels}}}}}\nspec: {{{}}}\n",
        with_containers(spec)
    )
}

#[test]
fn taints_and_tolerations() {
    let c = load(
        &[
            node("free", "", "", BIG),
            node(
                "gpu",
                "",
                "taints: [{key: gpu, value: 'true', effect: NoSchedule}]",
                BIG,
            ),
            node(
                "maint",
                "",
                "taints: [{key: maint, effect: NoExecute}]",
                BIG,
            ),
            node(
                "spot",
                "",
                "taints: [{key: spot, effect: PreferNoSchedule}]",
                BIG,
            ),
        ]
        .concat(),
    );
    let untolerated = "node(s) had untolerated taint(s)";
    let d = decide(&c, &incoming("app: web", ""));
    passes(&d, "free", Plugin::TaintToleration);
    fails(
        &d,
        "gpu",
        Plugin::TaintToleration,
        Code::UnschedulableAndUnresolvable,
        untolerated,
    );
    fails(
        &d,
        "maint",
        Plugin::TaintToleration,
        Code::UnschedulableAndUnresolvable,
        untolerated,
    );
    passes(&d, "spot", Plugin::TaintToleration); // PreferNoSchedule never filters
    // PreferNoSchedule scores: the spot node gets 0, the others 100 (reverse normalization).
    let score = |d: &Decision, n: &str| {
        d.node(n)
            .unwrap()
            .scores()
            .find(|(p, _)| *p == Plugin::TaintToleration)
            .map(|(_, s)| s)
    };
    assert_eq!((score(&d, "free"), score(&d, "spot")), (Some(100), Some(0)));
    assert_eq!(d.best(), Some("free"));
    // An empty key with Exists tolerates every taint.
    let d = decide(&c, &incoming("", "tolerations: [{operator: Exists}]"));
    for n in ["gpu", "maint", "spot"] {
        passes(&d, n, Plugin::TaintToleration);
    }
    assert_eq!(score(&d, "spot"), Some(100));
    // The value must be equal under Equal (the default operator).
    let d = decide(
        &c,
        &incoming("", "tolerations: [{key: gpu, value: 'false'}]"),
    );
    fails(
        &d,
        "gpu",
        Plugin::TaintToleration,
        Code::UnschedulableAndUnresolvable,
        untolerated,
    );
    let d = decide(
        &c,
        &incoming("", "tolerations: [{key: gpu, value: 'true'}]"),
    );
    passes(&d, "gpu", Plugin::TaintToleration);
    // The effect must match when given.
    let d = decide(
        &c,
        &incoming(
            "",
            "tolerations: [{key: gpu, operator: Exists, effect: PreferNoSchedule}]",
        ),
    );
    fails(
        &d,
        "gpu",
        Plugin::TaintToleration,
        Code::UnschedulableAndUnresolvable,
        untolerated,
    );
    // An unknown operator tolerates nothing.
    let d = decide(
        &c,
        &incoming("", "tolerations: [{key: gpu, operator: Lt, value: '5'}]"),
    );
    fails(
        &d,
        "gpu",
        Plugin::TaintToleration,
        Code::UnschedulableAndUnresolvable,
        untolerated,
    );
}

#[test]
fn cordons_and_node_names() {
    let c = load(
        &[
            node("a", "", "unschedulable: true", BIG),
            node("b", "", "", BIG),
        ]
        .concat(),
    );
    let d = decide(&c, &incoming("", ""));
    fails(
        &d,
        "a",
        Plugin::NodeUnschedulable,
        Code::UnschedulableAndUnresolvable,
        "node(s) were unschedulable",
    );
    passes(&d, "b", Plugin::NodeUnschedulable);
    let d = decide(
        &c,
        &incoming(
            "",
            "tolerations: [{key: node.kubernetes.io/unschedulable, operator: Exists, effect: NoSchedule}]",
        ),
    );
    passes(&d, "a", Plugin::NodeUnschedulable);
    let d = decide(&c, &incoming("", "nodeName: a"));
    fails(
        &d,
        "b",
        Plugin::NodeName,
        Code::UnschedulableAndUnresolvable,
        "node(s) didn't match the requested node name",
    );
    assert_eq!(
        d.message().unwrap(),
        "0/2 nodes are available: 1 node(s) didn't match the requested node name, 1 node(s) were unschedulable. preemption: not simulated."
    );
}

#[test]
fn node_affinity_is_node_selector_and_ored_terms() {
    let c = load(
        &[
            node("a", "zone=z1,disk=ssd,cores=16", "", BIG),
            node("b", "zone=z2,disk=hdd,cores=x", "", BIG),
            node("c", "zone=z2", "", BIG),
        ]
        .concat(),
    );
    let miss = "node(s) didn't match Pod's node affinity/selector";
    let req = |terms: &str| {
        format!(
            "affinity: {{nodeAffinity: {{requiredDuringSchedulingIgnoredDuringExecution: {{nodeSelectorTerms: [{terms}]}}}}}}"
        )
    };
    // Terms are ORed; expressions within a term ANDed.
    let d = decide(
        &c,
        &incoming(
            "",
            &req(
                "{matchExpressions: [{key: zone, operator: In, values: [z1]}]}, {matchExpressions: [{key: disk, operator: Exists}, {key: zone, operator: NotIn, values: [z1]}]}",
            ),
        ),
    );
    passes(&d, "a", Plugin::NodeAffinity);
    passes(&d, "b", Plugin::NodeAffinity);
    fails(
        &d,
        "c",
        Plugin::NodeAffinity,
        Code::UnschedulableAndUnresolvable,
        miss,
    );
    // nodeSelector is ANDed with the terms.
    let d = decide(
        &c,
        &incoming(
            "",
            &format!(
                "nodeSelector: {{disk: hdd}}, {}",
                req("{matchExpressions: [{key: zone, operator: In, values: [z1, z2]}]}")
            ),
        ),
    );
    fails(
        &d,
        "a",
        Plugin::NodeAffinity,
        Code::UnschedulableAndUnresolvable,
        miss,
    );
    passes(&d, "b", Plugin::NodeAffinity);
    // NotIn and DoesNotExist match nodes without the key; Gt on a non-integer value is false.
    let d = decide(
        &c,
        &incoming(
            "",
            &req(
                "{matchExpressions: [{key: disk, operator: NotIn, values: [ssd]}, {key: cores, operator: DoesNotExist}]}",
            ),
        ),
    );
    passes(&d, "c", Plugin::NodeAffinity);
    let d = decide(
        &c,
        &incoming(
            "",
            &req("{matchExpressions: [{key: cores, operator: Gt, values: ['8']}]}"),
        ),
    );
    passes(&d, "a", Plugin::NodeAffinity);
    fails(
        &d,
        "b",
        Plugin::NodeAffinity,
        Code::UnschedulableAndUnresolvable,
        miss,
    );
    // An empty term matches no node; an invalid term never matches, and a valid one still can.
    let d = decide(&c, &incoming("", &req("{}")));
    fails(
        &d,
        "a",
        Plugin::NodeAffinity,
        Code::UnschedulableAndUnresolvable,
        miss,
    );
    let d = decide(
        &c,
        &incoming(
            "",
            &req(
                "{matchExpressions: [{key: cores, operator: Gt, values: ['1.5']}]}, {matchExpressions: [{key: zone, operator: In, values: [z2]}]}",
            ),
        ),
    );
    fails(
        &d,
        "a",
        Plugin::NodeAffinity,
        Code::UnschedulableAndUnresolvable,
        miss,
    );
    passes(&d, "b", Plugin::NodeAffinity);
    // The nodeSelector map is taken without validation: a value no label can carry matches
    // nothing, and nothing is an error.
    let d = decide(&c, &incoming("", "nodeSelector: {zone: 'not a label'}"));
    for n in ["a", "b", "c"] {
        fails(
            &d,
            n,
            Plugin::NodeAffinity,
            Code::UnschedulableAndUnresolvable,
            miss,
        );
    }
    // Every term naming nodes: the others are left out by PreFilter.
    let d = decide(
        &c,
        &incoming(
            "",
            &req("{matchFields: [{key: metadata.name, operator: In, values: [a]}]}"),
        ),
    );
    passes(&d, "a", Plugin::NodeAffinity);
    fails(
        &d,
        "b",
        Plugin::NodeAffinity,
        Code::UnschedulableAndUnresolvable,
        "node(s) didn't satisfy plugin(s) [NodeAffinity]",
    );
    let d = decide(
        &c,
        &incoming(
            "",
            &format!(
                "nodeSelector: {{disk: hdd}}, {}",
                req("{matchFields: [{key: metadata.name, operator: In, values: [a]}]}")
            ),
        ),
    );
    assert_eq!(
        d.message().unwrap(),
        "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 2 node(s) didn't satisfy plugin(s) [NodeAffinity]. preemption: not simulated."
    );
    // Conflicting names within a term: PreFilter refuses the pod.
    let d = decide(
        &c,
        &incoming(
            "",
            &req(
                "{matchFields: [{key: metadata.name, operator: In, values: [a]}, {key: metadata.name, operator: In, values: [b]}]}",
            ),
        ),
    );
    assert_eq!(
        d.rejection().unwrap().message,
        "pod affinity terms conflict"
    );
    assert_eq!(
        d.message().unwrap(),
        "0/3 nodes are available: pod affinity terms conflict. preemption: not simulated."
    );
    // addedAffinity from the profile is checked first, with its own reason.
    let mut p = Profile::default();
    p.added_affinity = serde_json::from_str(r#"{"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": [{"key": "zone", "operator": "In", "values": ["z2"]}]}]}}"#).unwrap();
    let d = Scheduler::new(p).schedule(&c, &pod(&incoming("", "nodeSelector: {disk: ssd}")));
    fails(
        &d,
        "a",
        Plugin::NodeAffinity,
        Code::UnschedulableAndUnresolvable,
        "node(s) didn't match scheduler-enforced node affinity",
    );
    fails(
        &d,
        "b",
        Plugin::NodeAffinity,
        Code::UnschedulableAndUnresolvable,
        miss,
    );
}

#[test]
fn preferred_node_affinity_scores_by_weight() {
    let c = load(
        &[
            node("a", "zone=z1,disk=ssd", "", BIG),
            node("b", "zone=z2,disk=ssd", "", BIG),
            node("c", "zone=z2", "", BIG),
        ]
        .concat(),
    );
    let d = decide(
        &c,
        &incoming(
            "",
            "affinity: {nodeAffinity: {preferredDuringSchedulingIgnoredDuringExecution: [{weight: 30, preference: {matchExpressions: [{key: disk, operator: Exists}]}}, {weight: 10, preference: {matchExpressions: [{key: zone, operator: In, values: [z2]}]}}, {weight: 0, preference: {matchExpressions: [{key: zone, operator: In, values: [z1]}]}}]}}",
        ),
    );
    let na = |n: &str| {
        d.node(n)
            .unwrap()
            .scores()
            .find(|(p, _)| *p == Plugin::NodeAffinity)
            .unwrap()
            .1
    };
    // raw 30, 40, 10 → 30*100/40, 100, 10*100/40
    assert_eq!((na("a"), na("b"), na("c")), (75, 100, 25));
    assert_eq!(d.best(), Some("b"));
    assert_eq!(d.node("b").unwrap().score(), 2 * 100 + 3 * 100);
    // Without preferred terms the plugin does not score (PreScore Skip).
    let d = decide(&c, &incoming("", ""));
    assert!(d.scorers().iter().all(|(p, _)| *p != Plugin::NodeAffinity));
}

#[test]
fn resources_fit_on_requests() {
    let c = load(
        &[
            node("small", "", "", "1,1Gi,110"),
            node("full", "", "", "8,32Gi,1"),
            node("bare", "", "", ""),
            bound("old", "shop", "app: x", "full", ""),
            bound(
                "done",
                "shop",
                "app: x",
                "small",
                "containers: [{name: c, resources: {requests: {cpu: '1'}}}]",
            )
            .replace("phase: Running", "phase: Succeeded"),
        ]
        .concat(),
    );
    let d = decide(
        &c,
        &incoming(
            "",
            "containers: [{name: c, resources: {requests: {cpu: 500m, memory: 2Gi}}}]",
        ),
    );
    // A finished pod takes nothing.
    fails(
        &d,
        "small",
        Plugin::NodeResourcesFit,
        Code::Unschedulable,
        "Insufficient memory",
    );
    fails(
        &d,
        "full",
        Plugin::NodeResourcesFit,
        Code::Unschedulable,
        "Too many pods",
    );
    assert_eq!(
        status(&d, "bare", Plugin::NodeResourcesFit),
        (
            Code::Unschedulable,
            vec![
                "Too many pods".into(),
                "Insufficient cpu".into(),
                "Insufficient memory".into()
            ]
        )
    );
    assert_eq!(
        d.message().unwrap(),
        "0/3 nodes are available: 1 Insufficient cpu, 2 Insufficient memory, 2 Too many pods. preemption: not simulated."
    );
    // Limits stand in for missing requests; the largest init container step counts.
    let d = decide(
        &c,
        &incoming(
            "",
            "initContainers: [{name: i, resources: {requests: {cpu: '2'}}}], containers: [{name: c, resources: {limits: {memory: 512Mi}}}]",
        ),
    );
    assert_eq!(
        status(&d, "small", Plugin::NodeResourcesFit),
        (Code::Unschedulable, vec!["Insufficient cpu".into()])
    );
    // A pod that requests nothing is only counted.
    let d = decide(&c, &incoming("", ""));
    passes(&d, "small", Plugin::NodeResourcesFit);
}

fn term(key: &str, sel: &str, extra: &str) -> String {
    format!(
        "{{topologyKey: {key}, labelSelector: {{matchLabels: {{{sel}}}}}{}{extra}}}",
        if extra.is_empty() { "" } else { ", " }
    )
}

fn required(kind: &str, terms: &[String]) -> String {
    format!(
        "affinity: {{{kind}: {{requiredDuringSchedulingIgnoredDuringExecution: [{}]}}}}",
        terms.join(", ")
    )
}

const ZONE: &str = "topology.kubernetes.io/zone";
const HOST: &str = "kubernetes.io/hostname";

fn zones() -> String {
    [
        node("a1", &format!("{ZONE}=a"), "", BIG),
        node("a2", &format!("{ZONE}=a"), "", BIG),
        node("b1", &format!("{ZONE}=b"), "", BIG),
        node("x", "", "", BIG), // no zone
        "---\nkind: Namespace\nmetadata: {name: shop, labels: {team: x}}\n".into(),
        "---\nkind: Namespace\nmetadata: {name: lab, labels: {team: y}}\n".into(),
    ]
    .concat()
}

#[test]
fn pod_affinity_needs_one_pod_matching_every_term() {
    let aff = "node(s) didn't match pod affinity rules";
    let c = load(
        &[
            zones(),
            bound("db", "shop", "app: db", "a1", ""),
            bound("cache", "shop", "app: cache", "b1", ""),
        ]
        .concat(),
    );
    // One pod must match all terms: db matches the first only.
    let spec = required(
        "podAffinity",
        &[term(ZONE, "app: db", ""), term(HOST, "app: cache", "")],
    );
    let d = decide(&c, &incoming("app: web", &spec));
    for n in ["a1", "a2", "b1", "x"] {
        fails(
            &d,
            n,
            Plugin::InterPodAffinity,
            Code::UnschedulableAndUnresolvable,
            aff,
        );
    }
    // The zone of db: a1 and a2 pass, b1 fails, a node without the key fails.
    let d = decide(
        &c,
        &incoming(
            "app: web",
            &required("podAffinity", &[term(ZONE, "app: db", "")]),
        ),
    );
    passes(&d, "a1", Plugin::InterPodAffinity);
    passes(&d, "a2", Plugin::InterPodAffinity);
    fails(
        &d,
        "b1",
        Plugin::InterPodAffinity,
        Code::UnschedulableAndUnresolvable,
        aff,
    );
    fails(
        &d,
        "x",
        Plugin::InterPodAffinity,
        Code::UnschedulableAndUnresolvable,
        aff,
    );
    // The first pod of a series that has affinity to itself: no pod matches, the pod matches
    // its own term, so every node with the key passes.
    let d = decide(
        &c,
        &incoming(
            "app: web",
            &required("podAffinity", &[term(ZONE, "app: web", "")]),
        ),
    );
    passes(&d, "b1", Plugin::InterPodAffinity);
    fails(
        &d,
        "x",
        Plugin::InterPodAffinity,
        Code::UnschedulableAndUnresolvable,
        aff,
    );
    // ... but not when it does not match its own term.
    let d = decide(
        &c,
        &incoming(
            "app: api",
            &required("podAffinity", &[term(ZONE, "app: web", "")]),
        ),
    );
    fails(
        &d,
        "b1",
        Plugin::InterPodAffinity,
        Code::UnschedulableAndUnresolvable,
        aff,
    );
    // Namespaces: the owner's by default; a list; namespaceSelector {} for all.
    let c = load(&[zones(), bound("db", "lab", "app: db", "a1", "")].concat());
    let d = decide(
        &c,
        &incoming("", &required("podAffinity", &[term(ZONE, "app: db", "")])),
    );
    fails(
        &d,
        "a1",
        Plugin::InterPodAffinity,
        Code::UnschedulableAndUnresolvable,
        aff,
    );
    let d = decide(
        &c,
        &incoming(
            "",
            &required("podAffinity", &[term(ZONE, "app: db", "namespaces: [lab]")]),
        ),
    );
    passes(&d, "a1", Plugin::InterPodAffinity);
    let d = decide(
        &c,
        &incoming(
            "",
            &required(
                "podAffinity",
                &[term(ZONE, "app: db", "namespaceSelector: {}")],
            ),
        ),
    );
    passes(&d, "a1", Plugin::InterPodAffinity);
    let d = decide(
        &c,
        &incoming(
            "",
            &required(
                "podAffinity",
                &[term(
                    ZONE,
                    "app: db",
                    "namespaceSelector: {matchLabels: {team: x}}",
                )],
            ),
        ),
    );
    fails(
        &d,
        "a1",
        Plugin::InterPodAffinity,
        Code::UnschedulableAndUnresolvable,
        aff,
    );
    // Terminating pods still count.
    let c = load(
        &[
            zones(),
            bound("db", "shop", "app: db", "b1", "").replace(
                "namespace: shop,",
                "namespace: shop, deletionTimestamp: '2026-01-01T00:00:00Z',",
            ),
        ]
        .concat(),
    );
    let d = decide(
        &c,
        &incoming("", &required("podAffinity", &[term(ZONE, "app: db", "")])),
    );
    passes(&d, "b1", Plugin::InterPodAffinity);
}

/// Preferred pod (anti-)affinity read from pod specs, both ways: the incoming pod's preferred
/// terms (+w, −w per matching pod in the domain), an existing pod's preferred term that the
/// incoming pod matches, and an existing pod's required affinity term (`hardPodAffinityWeight`);
/// then min–max normalized over the nodes.
#[test]
fn preferred_pod_affinity_scores_both_ways() {
    let pref = |kind: &str, terms: &[(u32, String)]| {
        let terms: Vec<String> = terms
            .iter()
            .map(|(w, t)| format!("{{weight: {w}, podAffinityTerm: {t}}}"))
            .collect();
        format!(
            "{kind}: {{preferredDuringSchedulingIgnoredDuringExecution: [{}]}}",
            terms.join(", ")
        )
    };
    let world = [
        zones(),
        bound("db", "shop", "app: db", "a1", ""),
        bound(
            "cache",
            "shop",
            "app: cache",
            "b1",
            &format!(
                "affinity: {{{}}}",
                pref("podAffinity", &[(40, term(ZONE, "role: new", ""))])
            ),
        ),
        bound(
            "sidecar",
            "shop",
            "app: sidecar",
            "a2",
            &required("podAffinity", &[term(HOST, "role: new", "")]),
        ),
    ]
    .concat();
    let c = load(&world);
    let new = incoming(
        "role: new",
        &format!(
            "affinity: {{{}, {}}}",
            pref("podAffinity", &[(50, term(ZONE, "app: db", ""))]),
            pref("podAntiAffinity", &[(20, term(HOST, "app: db", ""))]),
        ),
    );
    let scores = |profile: Profile| {
        let d = Scheduler::new(profile).schedule(&c, &pod(&new));
        ["a1", "a2", "b1", "x"].map(|n| {
            d.node(n)
                .unwrap()
                .scores()
                .find(|(p, _)| *p == Plugin::InterPodAffinity)
                .unwrap()
                .1
        })
    };
    // Raw: a1 50 − 20, a2 50 + 1, b1 40, x 0 (no zone label); normalized by 51.
    assert_eq!(scores(Profile::default()), [58, 100, 78, 0]);
    // hardPodAffinityWeight 0: a2 50, the maximum.
    let mut p = Profile::default();
    p.hard_pod_affinity_weight = 0;
    assert_eq!(scores(p), [60, 100, 80, 0]);
    // Existing pods' preferred terms ignored: b1 0.
    let mut p = Profile::default();
    p.ignore_preferred_terms_of_existing_pods = true;
    assert_eq!(scores(p), [58, 100, 0, 0]);
}

#[test]
fn anti_affinity_both_ways() {
    let anti = "node(s) didn't match pod anti-affinity rules";
    let existing = "node(s) didn't satisfy existing pods anti-affinity rules";
    let c = load(&[zones(), bound("web-0", "shop", "app: web", "a1", "")].concat());
    // The pod's own terms are independent (OR): either blocks; a node without the key passes.
    let spec = required(
        "podAntiAffinity",
        &[term(ZONE, "app: web", ""), term(HOST, "app: nothing", "")],
    );
    let d = decide(&c, &incoming("app: web", &spec));
    fails(
        &d,
        "a2",
        Plugin::InterPodAffinity,
        Code::Unschedulable,
        anti,
    );
    passes(&d, "b1", Plugin::InterPodAffinity);
    passes(&d, "x", Plugin::InterPodAffinity);
    // Symmetry: an existing pod's required anti-affinity blocks a pod it selects, by the
    // existing pod's topology, even if the incoming pod has no terms.
    let c = load(
        &[
            zones(),
            bound(
                "web-0",
                "shop",
                "app: web",
                "a1",
                &required("podAntiAffinity", &[term(ZONE, "app: web", "")]),
            ),
        ]
        .concat(),
    );
    let d = decide(&c, &incoming("app: web", ""));
    fails(
        &d,
        "a1",
        Plugin::InterPodAffinity,
        Code::Unschedulable,
        existing,
    );
    fails(
        &d,
        "a2",
        Plugin::InterPodAffinity,
        Code::Unschedulable,
        existing,
    );
    passes(&d, "b1", Plugin::InterPodAffinity);
    passes(&d, "x", Plugin::InterPodAffinity);
    // ... only in the namespaces the term names (its own by default).
    let d = Scheduler::new(Profile::default()).schedule(
        &c,
        &pod(&incoming("app: web", "").replace("namespace: shop", "namespace: lab")),
    );
    passes(&d, "a1", Plugin::InterPodAffinity);
    // An existing pod's namespaceSelector is matched against the incoming pod's namespace.
    let c = load(
        &[
            zones(),
            bound(
                "web-0",
                "shop",
                "app: web",
                "a1",
                &required(
                    "podAntiAffinity",
                    &[term(
                        ZONE,
                        "app: web",
                        "namespaceSelector: {matchLabels: {team: y}}",
                    )],
                ),
            ),
        ]
        .concat(),
    );
    let d = Scheduler::new(Profile::default()).schedule(
        &c,
        &pod(&incoming("app: web", "").replace("namespace: shop", "namespace: lab")),
    );
    fails(
        &d,
        "a1",
        Plugin::InterPodAffinity,
        Code::Unschedulable,
        existing,
    );
    let d = decide(&c, &incoming("app: web", ""));
    passes(&d, "a1", Plugin::InterPodAffinity);
    // An existing pod's required *affinity* does not filter: it adds hardPodAffinityWeight.
    let c = load(
        &[
            zones(),
            bound(
                "db",
                "shop",
                "app: db",
                "b1",
                &required("podAffinity", &[term(ZONE, "app: web", "")]),
            ),
        ]
        .concat(),
    );
    let d = decide(&c, &incoming("app: web", ""));
    passes(&d, "a1", Plugin::InterPodAffinity);
    let ipa = |d: &Decision, n: &str| {
        d.node(n)
            .unwrap()
            .scores()
            .find(|(p, _)| *p == Plugin::InterPodAffinity)
            .map(|(_, s)| s)
    };
    assert_eq!((ipa(&d, "a1"), ipa(&d, "b1")), (Some(0), Some(100)));
    let mut p = Profile::default();
    p.hard_pod_affinity_weight = 0;
    let d = Scheduler::new(p).schedule(&c, &pod(&incoming("app: web", "")));
    assert_eq!(
        ipa(&d, "b1"),
        None,
        "nothing to score: the plugin is skipped"
    );
}

#[test]
fn match_label_keys_are_merged_as_the_api_server_merges_them() {
    let c = load(
        &[
            zones(),
            bound("v1", "shop", "app: web, version: v1", "a1", ""),
            bound("v2", "shop", "app: web, version: v2", "b1", ""),
        ]
        .concat(),
    );
    let spec = required(
        "podAntiAffinity",
        &[term(ZONE, "app: web", "matchLabelKeys: [version]")],
    );
    let d = decide(&c, &incoming("app: web, version: v2", &spec));
    passes(&d, "a1", Plugin::InterPodAffinity);
    fails(
        &d,
        "b1",
        Plugin::InterPodAffinity,
        Code::Unschedulable,
        "node(s) didn't match pod anti-affinity rules",
    );
    let spec = required(
        "podAntiAffinity",
        &[term(ZONE, "app: web", "mismatchLabelKeys: [version]")],
    );
    let d = decide(&c, &incoming("app: web, version: v2", &spec));
    fails(
        &d,
        "a1",
        Plugin::InterPodAffinity,
        Code::Unschedulable,
        "node(s) didn't match pod anti-affinity rules",
    );
    passes(&d, "b1", Plugin::InterPodAffinity);
}

fn spread(key: &str, skew: u32, sel: &str, extra: &str) -> String {
    format!(
        "topologySpreadConstraints: [{{maxSkew: {skew}, topologyKey: {key}, whenUnsatisfiable: DoNotSchedule, labelSelector: {sel}{}{extra}}}]",
        if extra.is_empty() { "" } else { ", " }
    )
}

#[test]
fn topology_spread_filters_by_skew() {
    let skew = "node(s) didn't match pod topology spread constraints";
    let missing = "node(s) didn't match pod topology spread constraints (missing required label)";
    let c = load(
        &[
            zones(),
            bound("w0", "shop", "app: web", "a1", ""),
            bound("w1", "shop", "app: web", "a2", ""),
            bound("w2", "lab", "app: web", "b1", ""), // another namespace: not counted
            bound("w3", "shop", "app: web", "b1", "").replace(
                "namespace: shop,",
                "namespace: shop, deletionTimestamp: '2026-01-01T00:00:00Z',",
            ),
        ]
        .concat(),
    );
    // zone a: 2, zone b: 0 (w2 elsewhere, w3 terminating); min 0.
    let d = decide(
        &c,
        &incoming(
            "app: web",
            &spread(ZONE, 1, "{matchLabels: {app: web}}", ""),
        ),
    );
    fails(
        &d,
        "a1",
        Plugin::PodTopologySpread,
        Code::Unschedulable,
        skew,
    );
    passes(&d, "b1", Plugin::PodTopologySpread);
    fails(
        &d,
        "x",
        Plugin::PodTopologySpread,
        Code::UnschedulableAndUnresolvable,
        missing,
    );
    // maxSkew 2: 2 + 1 - 0 = 3 > 2 still; maxSkew 3 passes.
    let d = decide(
        &c,
        &incoming(
            "app: web",
            &spread(ZONE, 3, "{matchLabels: {app: web}}", ""),
        ),
    );
    passes(&d, "a1", Plugin::PodTopologySpread);
    // The incoming pod adds one only if it matches its own selector.
    let d = decide(
        &c,
        &incoming(
            "app: api",
            &spread(ZONE, 2, "{matchLabels: {app: web}}", ""),
        ),
    );
    passes(&d, "a1", Plugin::PodTopologySpread);
    // minDomains above the number of domains makes the global minimum 0.
    let c2 = load(
        &[
            zones(),
            bound("w0", "shop", "app: web", "a1", ""),
            bound("w1", "shop", "app: web", "b1", ""),
        ]
        .concat(),
    );
    let d = decide(
        &c2,
        &incoming(
            "app: web",
            &spread(ZONE, 1, "{matchLabels: {app: web}}", ""),
        ),
    );
    passes(&d, "a1", Plugin::PodTopologySpread); // 1 + 1 - 1 = 1
    let d = decide(
        &c2,
        &incoming(
            "app: web",
            &spread(ZONE, 1, "{matchLabels: {app: web}}", "minDomains: 3"),
        ),
    );
    fails(
        &d,
        "a1",
        Plugin::PodTopologySpread,
        Code::Unschedulable,
        skew,
    ); // 1 + 1 - 0 = 2
    // nodeAffinityPolicy Honor (the default): nodes the pod cannot go to do not count.
    let d = decide(
        &c2,
        &incoming(
            "app: web",
            &format!(
                "nodeSelector: {{{ZONE}: a}}, {}",
                spread(ZONE, 1, "{matchLabels: {app: web}}", "")
            ),
        ),
    );
    passes(&d, "a1", Plugin::PodTopologySpread); // only zone a is a domain: 1 + 1 - 1
    let d = decide(
        &c2,
        &incoming(
            "app: web",
            &format!(
                "nodeSelector: {{{ZONE}: a}}, {}",
                spread(
                    ZONE,
                    1,
                    "{matchLabels: {app: web}}",
                    "nodeAffinityPolicy: Ignore"
                )
            ),
        ),
    );
    passes(&d, "a1", Plugin::PodTopologySpread);
    // An empty selector counts no pod (countPodsMatchSelector returns 0 for it); a nil one too.
    let d = decide(&c, &incoming("app: web", &spread(ZONE, 1, "{}", "")));
    passes(&d, "a1", Plugin::PodTopologySpread);
}

#[test]
fn node_taints_policy_honor_leaves_tainted_nodes_out() {
    let c = load(
        &[
            node("a", &format!("{ZONE}=a"), "", BIG),
            node(
                "b",
                &format!("{ZONE}=b"),
                "taints: [{key: gpu, effect: NoSchedule}]",
                BIG,
            ),
            bound("w0", "shop", "app: web", "a", ""),
        ]
        .concat(),
    );
    let sel = "{matchLabels: {app: web}}";
    // Ignore (the default): zone b counts with 0, so a has skew 2.
    let d = Scheduler::new(Profile::only(&[Plugin::PodTopologySpread]))
        .schedule(&c, &pod(&incoming("app: web", &spread(ZONE, 1, sel, ""))));
    fails(
        &d,
        "a",
        Plugin::PodTopologySpread,
        Code::Unschedulable,
        "node(s) didn't match pod topology spread constraints",
    );
    let d = Scheduler::new(Profile::only(&[Plugin::PodTopologySpread])).schedule(
        &c,
        &pod(&incoming(
            "app: web",
            &spread(ZONE, 1, sel, "nodeTaintsPolicy: Honor"),
        )),
    );
    passes(&d, "a", Plugin::PodTopologySpread);
}

#[test]
fn system_default_spreading_follows_services_and_controllers() {
    let c = load(&[
        zones(),
        "---\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec: {selector: {app: web}}\n".into(),
        bound("w0", "shop", "app: web", "a1", ""),
        bound("w1", "shop", "app: web", "a2", ""),
    ]
    .concat());
    let d = decide(&c, &incoming("app: web", ""));
    let pts = |n: &str| {
        d.node(n)
            .unwrap()
            .scores()
            .find(|(p, _)| *p == Plugin::PodTopologySpread)
            .map(|(_, s)| s)
    };
    // Zone b is empty: it scores highest; hostname spreading still scores the zone-less node.
    assert!(pts("b1") > pts("a1"), "{:?} {:?}", pts("b1"), pts("a1"));
    assert!(pts("x").is_some_and(|s| s > 0));
    // A pod no Service or controller selects gets no default constraints.
    let d = decide(&c, &incoming("app: other", ""));
    assert!(
        d.scorers()
            .iter()
            .all(|(p, _)| *p != Plugin::PodTopologySpread)
    );
}

#[test]
fn the_message_counts_reasons_sorted_as_strings() {
    let mut docs = Vec::new();
    for i in 0..10 {
        docs.push(node(
            &format!("t{i}"),
            "",
            "taints: [{key: k, effect: NoSchedule}]",
            BIG,
        ));
    }
    docs.push(node("c0", "", "unschedulable: true", BIG));
    docs.push(node("c1", "", "unschedulable: true", BIG));
    let c = load(&docs.concat());
    let d = decide(&c, &incoming("", ""));
    assert_eq!(
        d.message().unwrap(),
        "0/12 nodes are available: 10 node(s) had untolerated taint(s), 2 node(s) were unschedulable. preemption: not simulated."
    );
    assert!(d.to_json()["message"].is_string());
}

#[test]
fn invalid_terms_are_errors_of_the_plugin() {
    let c = load(&zones());
    let d = decide(&c, &incoming("", &required("podAffinity", &["{topologyKey: zone, labelSelector: {matchExpressions: [{key: app, operator: Gt, values: ['1']}]}}".into()])));
    let r = d.rejection().unwrap();
    assert_eq!((r.plugin, r.code), (Plugin::InterPodAffinity, Code::Error));
    assert!(
        r.message
            .starts_with("parsing pod: labelSelector.matchExpressions[0].operator"),
        "{}",
        r.message
    );
    assert_eq!(d.best(), None);
}

#[test]
fn configuration_files() {
    let p = Profile::from_config("apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\nprofiles:\n- plugins:\n    multiPoint:\n      disabled: [{name: '*'}]\n      enabled: [{name: TaintToleration}, {name: NodeAffinity, weight: 5}, {name: NodePorts}]\n  pluginConfig:\n  - name: PodTopologySpread\n    args: {defaultingType: List, defaultConstraints: [{maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotSchedule}]}\n").unwrap();
    assert_eq!(p.filters(), [Plugin::TaintToleration, Plugin::NodeAffinity]);
    assert_eq!(
        p.scores(),
        [(Plugin::TaintToleration, 3), (Plugin::NodeAffinity, 5)]
    );
    assert_eq!(p.not_simulated(), ["NodePorts"]);
    assert!(!p.system_defaulting);
    let err = |text: &str| Profile::from_config(text).unwrap_err().to_string();
    assert_eq!(
        err("apiVersion: v1\nkind: KubeSchedulerConfiguration\n"),
        "scheduler configuration: apiVersion must be kubescheduler.config.k8s.io/v1, found \"v1\""
    );
    let head = "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n";
    assert_eq!(
        err(&format!(
            "{head}profiles: [{{plugins: {{filter: {{enabled: [{{name: Fancy}}]}}}}}}]\n"
        )),
        "scheduler configuration: unknown plugin \"Fancy\""
    );
    assert_eq!(
        err(&format!(
            "{head}profiles: [{{pluginConfig: [{{name: InterPodAffinity, args: {{hardPodAffinityWeight: 101}}}}]}}]\n"
        )),
        "scheduler configuration: pluginConfig InterPodAffinity: hardPodAffinityWeight must be in the range 0-100, found 101"
    );
}

#[test]
fn placing_replicas_one_after_another() {
    let c0 = load(&[zones(), "---\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec: {selector: {app: web}}\n".into()].concat());
    let mut c = c0;
    let mut s = Scheduler::new(Profile::default());
    let mut placed = Vec::new();
    for i in 0..6 {
        let p = pod(&incoming(
            "app: web",
            &spread(ZONE, 1, "{matchLabels: {app: web}}", ""),
        )
        .replace("name: new", &format!("name: web-{i}")));
        placed.push(s.place(&mut c, p).unwrap().1.unwrap_or_default());
    }
    c.internal_validate().unwrap();
    let zone = |n: &str| if n.starts_with('a') { 'a' } else { 'b' };
    let a = placed.iter().filter(|n| zone(n) == 'a').count();
    assert_eq!(a, 3, "{placed:?}");
    assert!(placed.iter().all(|n| n != "x"), "{placed:?}");
    assert_eq!(c.assigned_pods().len(), 6);
}

/// README's "why is my pod Pending" example, on the bundled sample.
#[test]
fn the_readme_example_holds() {
    let dir = env!("CARGO_MANIFEST_DIR");
    let mut cluster = Cluster::new();
    cluster
        .load_path(format!("{dir}/examples/cluster.json"))
        .unwrap();
    cluster
        .load_path(format!("{dir}/examples/pending.yaml"))
        .unwrap();
    let pod = cluster.pod_named("checkout", "api-3").unwrap().to_object();
    let d = Scheduler::new(Profile::default()).schedule(&cluster, &pod);
    assert_eq!(d.best(), None);
    let readme = std::fs::read_to_string(format!("{dir}/README.md")).unwrap();
    let msg = d.message().unwrap();
    assert!(
        readme.contains(&format!("checkout/api-3: FailedScheduling: {msg}")),
        "{msg}"
    );
    for (name, want) in [
        (
            "train-a100",
            "10 node(s) didn't match Pod's node affinity/selector, 2 node(s) had untolerated taint(s).",
        ),
        (
            "cache-warm-0",
            "5 node(s) had untolerated taint(s), 7 Insufficient memory.",
        ),
        (
            "ledger-0",
            "5 node(s) had untolerated taint(s), 7 node(s) didn't match pod affinity rules.",
        ),
        (
            "api-4",
            "3 node(s) didn't match pod topology spread constraints, 4 node(s) didn't match Pod's node affinity/selector, 5 node(s) had untolerated taint(s).",
        ),
        (
            "report-0",
            "1 node(s) didn't satisfy existing pods anti-affinity rules, 5 node(s) had untolerated taint(s), 6 node(s) didn't match Pod's node affinity/selector.",
        ),
    ] {
        let pod = cluster.pod_named("checkout", name).unwrap().to_object();
        let d = Scheduler::new(Profile::default()).schedule(&cluster, &pod);
        assert_eq!(
            d.message().unwrap(),
            format!("0/12 nodes are available: {want} preemption: not simulated."),
            "{name}"
        );
    }
}
