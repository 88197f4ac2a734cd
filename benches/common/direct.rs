//! kube-scheduler's label plugins evaluated directly, as its Go code does: a snapshot of nodes
//! with their pods (`NodeInfo`), and for each incoming pod PreFilter walks every pod on every
//! node, Filter and Score look at one node at a time. Written plainly from
//! `../shared/spec/scheduling.md` §1, with no index. `tests/scheduling.rs` holds the indexed
//! scheduler to it; `benches/schedule.rs` measures against it.

// Written step by step, the way the Go reads.
#![allow(
    clippy::collapsible_if,
    clippy::nonminimal_bool,
    clippy::needless_range_loop,
    clippy::map_entry,
    dead_code
)]

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use label_selector::k8s::{
    AffinityTerm, Namespace, Node, NodeSelector, NodeSelectorMatcher, Pod, Resources, Service,
    SpreadConstraint, Taint, TaintEffect, TermRole, Toleration, TolerationOperator,
    WhenUnsatisfiable, Workload, WorkloadKind,
};
use label_selector::scheduling::{Plugin, Profile};
use label_selector::{Cluster, LabelSet, Selector};
use serde_json::{Value, json};

/// The scheduler's snapshot: nodes in name order with their assigned pods, and the objects
/// the plugins look up.
pub(crate) struct World {
    pub(crate) nodes: Vec<(Node, Vec<PodInfo>)>,
    pub(crate) namespaces: Vec<Namespace>,
    pub(crate) services: Vec<Service>,
    pub(crate) workloads: Vec<Workload>,
}

/// A pod with its affinity terms parsed once, as kube-scheduler's `PodInfo` keeps them.
pub(crate) struct PodInfo {
    pub(crate) pod: Pod,
    pub(crate) terms: Vec<(TermRole, i32, AffinityTerm)>,
}

impl PodInfo {
    pub(crate) fn new(pod: Pod) -> PodInfo {
        let terms = pod
            .spec
            .affinity_terms()
            .filter_map(|(r, w, t)| {
                let c = AffinityTerm::compile(t, ns_of(&pod), &pod.metadata.labels).ok()?;
                Some((r, w, c))
            })
            .collect();
        PodInfo { pod, terms }
    }
}

impl std::ops::Deref for PodInfo {
    type Target = Pod;
    fn deref(&self) -> &Pod {
        &self.pod
    }
}

impl World {
    /// The objects of a store, read back whole (no index is used after this).
    pub(crate) fn from_cluster(c: &Cluster) -> World {
        let mut nodes: Vec<Node> = c.node_entries().map(|n| n.to_object()).collect();
        nodes.sort_by(|a, b| a.metadata.name.cmp(&b.metadata.name));
        let mut by_node: HashMap<String, Vec<PodInfo>> = HashMap::new();
        for p in c.pod_entries() {
            let pod = p.to_object();
            if let Some(n) = pod.spec.node_name.clone() {
                if !matches!(pod.status.phase.as_str(), "Succeeded" | "Failed") {
                    by_node.entry(n).or_default().push(PodInfo::new(pod));
                }
            }
        }
        World {
            nodes: nodes
                .into_iter()
                .map(|n| {
                    let pods = by_node.remove(&n.metadata.name).unwrap_or_default();
                    (n, pods)
                })
                .collect(),
            namespaces: c
                .keys(label_selector::k8s::Kind::Namespace)
                .filter_map(|k| c.namespace(k.name()).map(|n| n.to_object()))
                .collect(),
            services: c.services().cloned().collect(),
            workloads: c.workloads().cloned().collect(),
        }
    }
}

fn tolerates(t: &Toleration, taint: &Taint) -> bool {
    if let Some(e) = &t.effect {
        if e != &taint.effect {
            return false;
        }
    }
    if !t.key.is_empty() && t.key != taint.key {
        return false;
    }
    match &t.operator {
        None => t.value == taint.value,
        Some(TolerationOperator::Equal) => t.value == taint.value,
        Some(TolerationOperator::Exists) => true,
        Some(_) => false,
    }
}

fn tolerated(ts: &[Toleration], taint: &Taint) -> bool {
    for t in ts {
        if tolerates(t, taint) {
            return true;
        }
    }
    false
}

fn untolerated_hard(node: &Node, ts: &[Toleration]) -> bool {
    for taint in &node.spec.taints {
        let hard =
            taint.effect == TaintEffect::NoSchedule || taint.effect == TaintEffect::NoExecute;
        if hard && !tolerated(ts, taint) {
            return true;
        }
    }
    false
}

fn labels(n: &Node) -> &LabelSet {
    &n.metadata.labels
}

/// `GetRequiredNodeAffinity(pod).Match(node)`.
fn pod_matches_node(pod: &Pod, node: &Node) -> bool {
    for (k, v) in &pod.spec.node_selector {
        if labels(node).get(k) != Some(v.as_str()) {
            return false;
        }
    }
    match pod.spec.required_node_affinity() {
        None => true,
        Some(ns) => {
            let m = NodeSelectorMatcher::new_lazy(ns);
            m.matches(&node.metadata.name, labels(node)) == Ok(true)
        }
    }
}

fn ns_of(pod: &Pod) -> &str {
    if pod.metadata.namespace.is_empty() {
        "default"
    } else {
        &pod.metadata.namespace
    }
}

fn requests_of(pods: &[&PodInfo]) -> Resources {
    let mut r = Resources::default();
    for p in pods {
        let q = p.spec.requests();
        r.milli_cpu += q.milli_cpu;
        r.memory += q.memory;
        r.pods += 1;
    }
    r
}

/// One incoming pod's evaluation, as the JSON contract of `Decision::to_json`.
/// Everything one evaluation found, before it is written as JSON.
pub(crate) struct Outcome {
    pub(crate) pod: String,
    pub(crate) names: Vec<String>,
    pub(crate) filters: Vec<Plugin>,
    /// `statuses[node][filter]`: code and reasons.
    pub(crate) statuses: Vec<Vec<(&'static str, Vec<String>)>>,
    pub(crate) feasible: Vec<bool>,
    pub(crate) fidx: Vec<usize>,
    pub(crate) columns: Vec<(Plugin, i64, Vec<i64>)>,
    pub(crate) prefilter: Option<String>,
    pub(crate) score_error: Option<String>,
}

/// One incoming pod's evaluation, as the JSON contract of `Decision::to_json`.
pub(crate) fn evaluate(w: &World, profile: &Profile, pod: &Pod) -> Value {
    to_json(decide(w, profile, pod))
}

/// One incoming pod's evaluation.
pub(crate) fn decide(w: &World, profile: &Profile, pod: &Pod) -> Outcome {
    let ns = ns_of(pod).to_string();
    let me = (ns.clone(), pod.metadata.name.clone());
    let not_me = |p: &&PodInfo| !(ns_of(p) == me.0 && p.metadata.name == me.1);
    let infos: Vec<(&Node, Vec<&PodInfo>)> = w
        .nodes
        .iter()
        .map(|(n, pods)| (n, pods.iter().filter(not_me).collect()))
        .collect();
    let ns_labels: Option<LabelSet> = w
        .namespaces
        .iter()
        .find(|n| n.metadata.name == ns)
        .map(|n| n.metadata.labels.clone());
    let filters = profile.filters().to_vec();
    // statuses[node][filter] = (code, reasons)
    let mut statuses: Vec<Vec<(&'static str, Vec<String>)>> =
        vec![vec![("Success", Vec::new()); filters.len()]; infos.len()];
    let mut prefilter: Option<String> = None;
    for (fi, plugin) in filters.iter().enumerate() {
        let set =
            |statuses: &mut Vec<Vec<(&'static str, Vec<String>)>>, i: usize, code, r: &str| {
                statuses[i][fi] = (code, vec![r.to_string()]);
            };
        match plugin {
            Plugin::NodeUnschedulable => {
                let t = Taint {
                    key: "node.kubernetes.io/unschedulable".into(),
                    value: String::new(),
                    effect: TaintEffect::NoSchedule,
                };
                for (i, (n, _)) in infos.iter().enumerate() {
                    if n.spec.unschedulable && !tolerated(&pod.spec.tolerations, &t) {
                        set(
                            &mut statuses,
                            i,
                            "UnschedulableAndUnresolvable",
                            "node(s) were unschedulable",
                        );
                    }
                }
            }
            Plugin::NodeName => {
                if let Some(want) = pod.spec.node_name.as_deref() {
                    if !want.is_empty() {
                        for (i, (n, _)) in infos.iter().enumerate() {
                            if n.metadata.name != want {
                                set(
                                    &mut statuses,
                                    i,
                                    "UnschedulableAndUnresolvable",
                                    "node(s) didn't match the requested node name",
                                );
                            }
                        }
                    }
                }
            }
            Plugin::TaintToleration => {
                for (i, (n, _)) in infos.iter().enumerate() {
                    if untolerated_hard(n, &pod.spec.tolerations) {
                        set(
                            &mut statuses,
                            i,
                            "UnschedulableAndUnresolvable",
                            "node(s) had untolerated taint(s)",
                        );
                    }
                }
            }
            Plugin::NodeAffinity => {
                // PreFilter: node names from matchFields.
                let mut names: Option<BTreeSet<String>> = None;
                let mut all_terms_named = true;
                if let Some(req) = pod.spec.required_node_affinity() {
                    for t in &req.node_selector_terms {
                        let mut term_names: Option<BTreeSet<String>> = None;
                        for r in t.match_fields.iter().flatten() {
                            if r.key == "metadata.name" && r.operator == "In" {
                                let s: BTreeSet<String> =
                                    r.values.iter().flatten().cloned().collect();
                                term_names = Some(match term_names {
                                    None => s,
                                    Some(o) => o.intersection(&s).cloned().collect(),
                                });
                            }
                        }
                        match term_names {
                            None => all_terms_named = false,
                            Some(s) => names.get_or_insert_with(BTreeSet::new).extend(s),
                        }
                    }
                }
                if !all_terms_named {
                    names = None;
                }
                if names.as_ref().is_some_and(|n| n.is_empty()) {
                    prefilter.get_or_insert("pod affinity terms conflict".into());
                    for i in 0..infos.len() {
                        statuses[i][fi] = (
                            "UnschedulableAndUnresolvable",
                            vec!["pod affinity terms conflict".into()],
                        );
                    }
                    continue;
                }
                let added = profile.added_affinity.as_ref().and_then(|a| {
                    a.required_during_scheduling_ignored_during_execution
                        .as_ref()
                });
                for (i, (n, _)) in infos.iter().enumerate() {
                    if let Some(names) = &names {
                        if !names.contains(&n.metadata.name) {
                            set(
                                &mut statuses,
                                i,
                                "UnschedulableAndUnresolvable",
                                "node(s) didn't satisfy plugin(s) [NodeAffinity]",
                            );
                            continue;
                        }
                    }
                    if let Some(a) = added {
                        let m = NodeSelectorMatcher::new_lazy(a);
                        if m.matches(&n.metadata.name, labels(n)) != Ok(true) {
                            set(
                                &mut statuses,
                                i,
                                "UnschedulableAndUnresolvable",
                                "node(s) didn't match scheduler-enforced node affinity",
                            );
                            continue;
                        }
                    }
                    if !pod_matches_node(pod, n) {
                        set(
                            &mut statuses,
                            i,
                            "UnschedulableAndUnresolvable",
                            "node(s) didn't match Pod's node affinity/selector",
                        );
                    }
                }
            }
            Plugin::NodeResourcesFit => {
                let req = pod.spec.requests();
                for (i, (n, pods)) in infos.iter().enumerate() {
                    let used = requests_of(pods);
                    let alloc = Resources::from_list(&n.status.allocatable);
                    let mut reasons = Vec::new();
                    if used.pods + 1 > alloc.pods {
                        reasons.push("Too many pods".to_string());
                    }
                    if !(req.milli_cpu == 0 && req.memory == 0) {
                        if req.milli_cpu > 0 && req.milli_cpu > alloc.milli_cpu - used.milli_cpu {
                            reasons.push("Insufficient cpu".to_string());
                        }
                        if req.memory > 0 && req.memory > alloc.memory - used.memory {
                            reasons.push("Insufficient memory".to_string());
                        }
                    }
                    if !reasons.is_empty() {
                        statuses[i][fi] = ("Unschedulable", reasons);
                    }
                }
            }
            Plugin::PodTopologySpread => {
                let constraints = match constraints_of(w, profile, pod) {
                    Ok((all, _)) => all,
                    Err(e) => {
                        prefilter.get_or_insert(e.clone());
                        for i in 0..infos.len() {
                            statuses[i][fi] = ("Error", vec![e.clone()]);
                        }
                        continue;
                    }
                };
                let cs: Vec<&SpreadConstraint> = constraints
                    .iter()
                    .filter(|c| c.when_unsatisfiable == WhenUnsatisfiable::DoNotSchedule)
                    .collect();
                if cs.is_empty() {
                    continue;
                }
                // PreFilter: counts per (constraint, domain) over every node.
                let mut counts: Vec<BTreeMap<String, i64>> = vec![BTreeMap::new(); cs.len()];
                for (n, pods) in &infos {
                    let mut has_all = true;
                    for c in &cs {
                        if labels(n).get(&c.topology_key).is_none() {
                            has_all = false;
                        }
                    }
                    if !has_all {
                        continue;
                    }
                    for (ci, c) in cs.iter().enumerate() {
                        if !inclusion(c, pod, n) {
                            continue;
                        }
                        let v = labels(n).get(&c.topology_key).unwrap().to_string();
                        let k = count_matching(pods, &c.selector, &ns);
                        *counts[ci].entry(v).or_insert(0) += k;
                    }
                }
                for (i, (n, _)) in infos.iter().enumerate() {
                    for (ci, c) in cs.iter().enumerate() {
                        let Some(v) = labels(n).get(&c.topology_key) else {
                            set(
                                &mut statuses,
                                i,
                                "UnschedulableAndUnresolvable",
                                "node(s) didn't match pod topology spread constraints (missing required label)",
                            );
                            break;
                        };
                        let domains = counts[ci].len() as i64;
                        let min = if domains < i64::from(c.min_domains) {
                            0
                        } else {
                            counts[ci].values().copied().min().unwrap_or(0)
                        };
                        let self_match = if c.selector.matches(&pod.metadata.labels) {
                            1
                        } else {
                            0
                        };
                        let here = counts[ci].get(v).copied().unwrap_or(0);
                        if here + self_match - min > i64::from(c.max_skew) {
                            set(
                                &mut statuses,
                                i,
                                "Unschedulable",
                                "node(s) didn't match pod topology spread constraints",
                            );
                            break;
                        }
                    }
                }
            }
            Plugin::InterPodAffinity => {
                let terms = match incoming(w, pod, &ns) {
                    Ok(t) => t,
                    Err(e) => {
                        let m = format!("parsing pod: {e}");
                        prefilter.get_or_insert(m.clone());
                        for i in 0..infos.len() {
                            statuses[i][fi] = ("Error", vec![m.clone()]);
                        }
                        continue;
                    }
                };
                // PreFilter: the three count maps, over every pod on every node.
                let mut existing_anti: HashMap<(String, String), i64> = HashMap::new();
                let mut affinity: HashMap<(String, String), i64> = HashMap::new();
                let mut anti: HashMap<(String, String), i64> = HashMap::new();
                for (n, pods) in &infos {
                    for p in pods {
                        for (role, _, t) in &p.terms {
                            if *role != TermRole::RequiredAntiAffinity {
                                continue;
                            }
                            if t.matches(&ns, &pod.metadata.labels, ns_labels.as_ref()) {
                                if let Some(v) = labels(n).get(t.topology_key()) {
                                    *existing_anti
                                        .entry((t.topology_key().to_string(), v.to_string()))
                                        .or_insert(0) += 1;
                                }
                            }
                        }
                        if !terms.affinity.is_empty()
                            && terms.affinity.iter().all(|t| t.matches_pod(p))
                        {
                            for t in &terms.affinity {
                                if let Some(v) = labels(n).get(&t.key) {
                                    *affinity.entry((t.key.clone(), v.to_string())).or_insert(0) +=
                                        1;
                                }
                            }
                        }
                        for t in &terms.anti {
                            if t.matches_pod(p) {
                                if let Some(v) = labels(n).get(&t.key) {
                                    *anti.entry((t.key.clone(), v.to_string())).or_insert(0) += 1;
                                }
                            }
                        }
                    }
                }
                let self_ok =
                    affinity.is_empty() && terms.affinity.iter().all(|t| t.matches_pod(pod));
                for (i, (n, _)) in infos.iter().enumerate() {
                    // (a)
                    let mut ok = true;
                    let mut exist = true;
                    for t in &terms.affinity {
                        match labels(n).get(&t.key) {
                            None => ok = false,
                            Some(v) => {
                                if affinity
                                    .get(&(t.key.clone(), v.to_string()))
                                    .copied()
                                    .unwrap_or(0)
                                    <= 0
                                {
                                    exist = false;
                                }
                            }
                        }
                    }
                    if !ok || (!exist && !self_ok) {
                        set(
                            &mut statuses,
                            i,
                            "UnschedulableAndUnresolvable",
                            "node(s) didn't match pod affinity rules",
                        );
                        continue;
                    }
                    // (b)
                    let mut blocked = false;
                    for t in &terms.anti {
                        if let Some(v) = labels(n).get(&t.key) {
                            if anti
                                .get(&(t.key.clone(), v.to_string()))
                                .copied()
                                .unwrap_or(0)
                                > 0
                            {
                                blocked = true;
                            }
                        }
                    }
                    if blocked {
                        set(
                            &mut statuses,
                            i,
                            "Unschedulable",
                            "node(s) didn't match pod anti-affinity rules",
                        );
                        continue;
                    }
                    // (c)
                    for (k, v) in labels(n).iter() {
                        if existing_anti
                            .get(&(k.to_string(), v.to_string()))
                            .copied()
                            .unwrap_or(0)
                            > 0
                        {
                            set(
                                &mut statuses,
                                i,
                                "Unschedulable",
                                "node(s) didn't satisfy existing pods anti-affinity rules",
                            );
                            break;
                        }
                    }
                }
            }
            _ => {}
        }
    }
    let feasible: Vec<bool> = statuses
        .iter()
        .map(|s| s.iter().all(|(c, _)| *c == "Success"))
        .collect();
    let fidx: Vec<usize> = (0..infos.len()).filter(|i| feasible[*i]).collect();
    // Scores.
    let mut columns: Vec<(Plugin, i64, Vec<i64>)> = Vec::new();
    let mut score_error = None;
    if !fidx.is_empty() {
        for &(plugin, weight) in profile.scores() {
            let col = match plugin {
                Plugin::TaintToleration => Some(taint_score(&infos, &fidx, pod)),
                Plugin::NodeAffinity => match node_affinity_score(&infos, &fidx, pod, profile) {
                    Ok(c) => c,
                    Err(e) => {
                        score_error =
                            Some(format!("running PreScore plugin \"NodeAffinity\": {e}"));
                        columns.clear();
                        break;
                    }
                },
                Plugin::PodTopologySpread => spread_score(w, &infos, &fidx, pod, profile),
                Plugin::InterPodAffinity => {
                    inter_pod_score(w, &infos, &fidx, pod, profile, ns_labels.as_ref())
                }
                _ => None,
            };
            if let Some(c) = col {
                columns.push((plugin, weight, c));
            }
        }
    }
    Outcome {
        pod: format!("{ns}/{}", pod.metadata.name),
        names: infos.iter().map(|(n, _)| n.metadata.name.clone()).collect(),
        filters,
        statuses,
        feasible,
        fidx,
        columns,
        prefilter,
        score_error,
    }
}

/// The outcome as `Decision::to_json` writes a decision.
pub(crate) fn to_json(o: Outcome) -> Value {
    let Outcome {
        pod,
        names,
        filters,
        statuses,
        feasible,
        fidx,
        columns,
        prefilter,
        score_error,
    } = o;
    let mut nodes = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let mut f = serde_json::Map::new();
        for (fi, p) in filters.iter().enumerate() {
            f.insert(
                p.name().into(),
                json!({"code": statuses[i][fi].0, "reasons": statuses[i][fi].1}),
            );
        }
        let mut node = serde_json::Map::new();
        node.insert("name".into(), json!(name));
        node.insert("feasible".into(), json!(feasible[i]));
        node.insert("filters".into(), Value::Object(f));
        let mut total = 0;
        if feasible[i] {
            let pos = fidx.iter().position(|x| *x == i).unwrap();
            let mut s = serde_json::Map::new();
            for (p, wgt, col) in &columns {
                s.insert(p.name().into(), json!(col[pos]));
                total += wgt * col[pos];
            }
            node.insert("scores".into(), Value::Object(s));
        }
        node.insert("score".into(), json!(total));
        nodes.push(Value::Object(node));
    }
    let message = if let Some(e) = score_error {
        json!(e)
    } else if !fidx.is_empty() {
        Value::Null
    } else {
        let mut msg = format!("0/{} nodes are available:", names.len());
        if let Some(p) = prefilter {
            msg.push_str(&format!(" {p}."));
        } else {
            let mut counts: BTreeMap<String, usize> = BTreeMap::new();
            let absent = "node(s) didn't satisfy plugin(s) [NodeAffinity]";
            for s in &statuses {
                // A node left out by NodeAffinity's node names runs no filter in kube-scheduler.
                if s.iter().any(|(_, r)| r.iter().any(|r| r == absent)) {
                    *counts.entry(absent.to_string()).or_insert(0) += 1;
                    continue;
                }
                for (code, reasons) in s {
                    if *code != "Success" {
                        for r in reasons {
                            *counts.entry(r.clone()).or_insert(0) += 1;
                        }
                        break;
                    }
                }
            }
            let mut entries: Vec<String> = counts.iter().map(|(r, n)| format!("{n} {r}")).collect();
            entries.sort();
            if !entries.is_empty() {
                msg.push_str(&format!(" {}.", entries.join(", ")));
            }
        }
        msg.push_str(" preemption: not simulated.");
        json!(msg)
    };
    json!({"pod": pod, "nodes": nodes, "message": message})
}

fn inclusion(c: &SpreadConstraint, pod: &Pod, n: &Node) -> bool {
    if c.honor_node_affinity && !pod_matches_node(pod, n) {
        return false;
    }
    if c.honor_node_taints && untolerated_hard(n, &pod.spec.tolerations) {
        return false;
    }
    true
}

fn count_matching(pods: &[&PodInfo], sel: &Selector, ns: &str) -> i64 {
    if sel.is_everything() {
        return 0;
    }
    let mut k = 0;
    for p in pods {
        if p.metadata.deletion_timestamp.is_some() || ns_of(p) != ns {
            continue;
        }
        if sel.matches(&p.metadata.labels) {
            k += 1;
        }
    }
    k
}

/// `helper.DefaultSelector`, by scanning Services and controllers.
fn default_selector(w: &World, pod: &Pod) -> Selector {
    let ns = ns_of(pod);
    let mut set: BTreeMap<String, String> = BTreeMap::new();
    for s in &w.services {
        if s.metadata.namespace != ns {
            continue;
        }
        let sel = s.selector();
        if sel.is_nothing() {
            continue;
        }
        if sel.matches(&pod.metadata.labels) {
            for (k, v) in s.spec.selector.as_ref().unwrap().iter() {
                set.insert(k.to_string(), v.to_string());
            }
        }
    }
    let mut extra = Vec::new();
    if let Some(o) = pod
        .metadata
        .owner_references
        .iter()
        .find(|o| o.controller == Some(true))
    {
        let kind = match (o.api_version.as_str(), o.kind.as_str()) {
            ("v1", "ReplicationController") => Some(WorkloadKind::ReplicationController),
            ("apps/v1", "ReplicaSet") => Some(WorkloadKind::ReplicaSet),
            ("apps/v1", "StatefulSet") => Some(WorkloadKind::StatefulSet),
            _ => None,
        };
        if let Some(kind) = kind {
            for wl in &w.workloads {
                if wl.kind == kind && wl.metadata.namespace == ns && wl.metadata.name == o.name {
                    let sel = wl.selector();
                    if kind == WorkloadKind::ReplicationController {
                        for r in sel.requirements() {
                            set.insert(r.key().to_string(), r.values()[0].clone());
                        }
                    } else if !sel.is_nothing() {
                        extra.extend(sel.requirements().iter().cloned());
                    }
                }
            }
        }
    }
    let mut sel = Selector::from_map(&set).unwrap();
    for r in extra {
        sel.push(r);
    }
    sel
}

/// The pod's constraints (its own, or the defaults) and whether they are the system defaults.
fn constraints_of(
    w: &World,
    profile: &Profile,
    pod: &Pod,
) -> Result<(Vec<SpreadConstraint>, bool), String> {
    if pod.spec.topology_spread_constraints.is_empty() {
        let sel = default_selector(w, pod);
        if sel.is_everything() {
            return Ok((Vec::new(), profile.system_defaulting));
        }
        let defaults = if profile.system_defaulting {
            let mk = |key: &str, skew| label_selector::k8s::TopologySpreadConstraint {
                max_skew: skew,
                topology_key: key.into(),
                when_unsatisfiable: WhenUnsatisfiable::ScheduleAnyway,
                ..Default::default()
            };
            vec![
                mk("kubernetes.io/hostname", 3),
                mk("topology.kubernetes.io/zone", 5),
            ]
        } else {
            profile.default_constraints.clone()
        };
        let mut out = Vec::new();
        for c in &defaults {
            let mut c =
                SpreadConstraint::compile(c, &pod.metadata.labels).map_err(|e| e.one_line())?;
            c.selector = sel.clone();
            out.push(c);
        }
        return Ok((out, profile.system_defaulting));
    }
    let mut out = Vec::new();
    for (i, c) in pod.spec.topology_spread_constraints.iter().enumerate() {
        out.push(
            SpreadConstraint::compile(c, &pod.metadata.labels)
                .map_err(|e| format!("topologySpreadConstraints[{i}].{}", e.one_line()))?,
        );
    }
    Ok((out, false))
}

/// An incoming term with its namespace selector turned into names.
struct Term {
    key: String,
    sel: Selector,
    namespaces: HashSet<String>,
    weight: i64,
}

impl Term {
    fn matches_pod(&self, p: &Pod) -> bool {
        self.namespaces.contains(ns_of(p)) && self.sel.matches(&p.metadata.labels)
    }
}

#[derive(Default)]
struct Terms {
    affinity: Vec<Term>,
    anti: Vec<Term>,
    preferred: Vec<Term>,
    preferred_anti: Vec<Term>,
}

fn incoming(w: &World, pod: &Pod, ns: &str) -> Result<Terms, String> {
    use label_selector::k8s::TermRole::*;
    let mut out = Terms::default();
    for (role, weight, t) in pod.spec.affinity_terms() {
        if matches!(role, PreferredAffinity | PreferredAntiAffinity) && weight == 0 {
            continue;
        }
        let c = AffinityTerm::compile(t, ns, &pod.metadata.labels).map_err(|e| e.one_line())?;
        let mut namespaces: HashSet<String> = c.namespaces().iter().cloned().collect();
        if let Some(sel) = c.namespace_selector() {
            for n in &w.namespaces {
                if sel.matches(&n.metadata.labels) {
                    namespaces.insert(n.metadata.name.clone());
                }
            }
        }
        let term = Term {
            key: c.topology_key().to_string(),
            sel: c.selector().clone(),
            namespaces,
            weight: i64::from(weight),
        };
        match role {
            RequiredAffinity => out.affinity.push(term),
            RequiredAntiAffinity => out.anti.push(term),
            PreferredAffinity => out.preferred.push(term),
            PreferredAntiAffinity => out.preferred_anti.push(term),
        }
    }
    Ok(out)
}

fn default_normalize(v: &mut [i64], reverse: bool) {
    let mut max = 0;
    for x in v.iter() {
        if *x > max {
            max = *x;
        }
    }
    if max == 0 {
        if reverse {
            for x in v.iter_mut() {
                *x = 100;
            }
        }
        return;
    }
    for x in v.iter_mut() {
        let s = 100 * *x / max;
        *x = if reverse { 100 - s } else { s };
    }
}

fn taint_score(infos: &[(&Node, Vec<&PodInfo>)], fidx: &[usize], pod: &Pod) -> Vec<i64> {
    let mut out = Vec::new();
    for &i in fidx {
        let mut k = 0;
        for taint in &infos[i].0.spec.taints {
            if taint.effect != TaintEffect::PreferNoSchedule {
                continue;
            }
            let mut ok = false;
            for t in &pod.spec.tolerations {
                let prefer = t.effect.is_none() || t.effect == Some(TaintEffect::PreferNoSchedule);
                if prefer && tolerates(t, taint) {
                    ok = true;
                }
            }
            if !ok {
                k += 1;
            }
        }
        out.push(k);
    }
    default_normalize(&mut out, true);
    out
}

fn node_affinity_score(
    infos: &[(&Node, Vec<&PodInfo>)],
    fidx: &[usize],
    pod: &Pod,
    profile: &Profile,
) -> Result<Option<Vec<i64>>, String> {
    let pod_pref = pod
        .spec
        .affinity
        .as_ref()
        .and_then(|a| a.node_affinity.as_ref())
        .map(|n| {
            n.preferred_during_scheduling_ignored_during_execution
                .clone()
        })
        .unwrap_or_default();
    let added = profile.added_affinity.as_ref().map(|a| {
        a.preferred_during_scheduling_ignored_during_execution
            .clone()
    });
    if pod_pref.is_empty() && added.is_none() {
        return Ok(None);
    }
    let mut terms = added.unwrap_or_default();
    terms.extend(pod_pref);
    // Parse first: one invalid term fails the plugin.
    let mut parsed = Vec::new();
    for (i, t) in terms.iter().enumerate() {
        let p = &t.preference;
        if t.weight == 0
            || (p
                .match_expressions
                .as_deref()
                .unwrap_or_default()
                .is_empty()
                && p.match_fields.as_deref().unwrap_or_default().is_empty())
        {
            continue;
        }
        let m = NodeSelectorMatcher::new(&NodeSelector {
            node_selector_terms: vec![p.clone()],
        })
        .map_err(|e| format!("PreferredSchedulingTerms[{i}]: {}", e.one_line()))?;
        parsed.push((i64::from(t.weight), m));
    }
    let mut out = Vec::new();
    for &i in fidx {
        let n = infos[i].0;
        let mut s = 0;
        for (w, m) in &parsed {
            if m.matches(&n.metadata.name, labels(n)) == Ok(true) {
                s += w;
            }
        }
        out.push(s);
    }
    default_normalize(&mut out, false);
    Ok(Some(out))
}

fn spread_score(
    w: &World,
    infos: &[(&Node, Vec<&PodInfo>)],
    fidx: &[usize],
    pod: &Pod,
    profile: &Profile,
) -> Option<Vec<i64>> {
    let (all, defaulted) = constraints_of(w, profile, pod).ok()?;
    let cs: Vec<SpreadConstraint> = all
        .into_iter()
        .filter(|c| c.when_unsatisfiable == WhenUnsatisfiable::ScheduleAnyway)
        .collect();
    if cs.is_empty() {
        return None;
    }
    let ns = ns_of(pod).to_string();
    let require_all = !pod.spec.topology_spread_constraints.is_empty() || !defaulted;
    let has_all = |n: &Node| cs.iter().all(|c| labels(n).get(&c.topology_key).is_some());
    let mut ignored = HashSet::new();
    let mut pair_counts: HashMap<(String, String), i64> = HashMap::new();
    let mut sizes = vec![0usize; cs.len()];
    for &i in fidx {
        let n = infos[i].0;
        if require_all && !has_all(n) {
            ignored.insert(i);
            continue;
        }
        for (ci, c) in cs.iter().enumerate() {
            if c.topology_key == "kubernetes.io/hostname" {
                continue;
            }
            let v = labels(n).get(&c.topology_key).unwrap_or("").to_string();
            let key = (format!("{ci}\0{}", c.topology_key), v);
            if !pair_counts.contains_key(&key) {
                pair_counts.insert(key, 0);
                sizes[ci] += 1;
            }
        }
    }
    let weights: Vec<f64> = cs
        .iter()
        .enumerate()
        .map(|(ci, c)| {
            let size = if c.topology_key == "kubernetes.io/hostname" {
                fidx.len() - ignored.len()
            } else {
                sizes[ci]
            };
            ((size + 2) as f64).ln()
        })
        .collect();
    for (n, pods) in infos {
        if require_all && !has_all(n) {
            continue;
        }
        for (ci, c) in cs.iter().enumerate() {
            if !inclusion(c, pod, n) {
                continue;
            }
            if c.topology_key == "kubernetes.io/hostname" {
                continue;
            }
            let v = labels(n).get(&c.topology_key).unwrap_or("").to_string();
            if let Some(x) = pair_counts.get_mut(&(format!("{ci}\0{}", c.topology_key), v)) {
                *x += count_matching(pods, &c.selector, &ns);
            }
        }
    }
    let mut raw = Vec::new();
    for &i in fidx {
        if ignored.contains(&i) {
            raw.push(0);
            continue;
        }
        let (n, pods) = &infos[i];
        let mut s = 0f64;
        for (ci, c) in cs.iter().enumerate() {
            if let Some(v) = labels(n).get(&c.topology_key) {
                let cnt = if c.topology_key == "kubernetes.io/hostname" {
                    count_matching(pods, &c.selector, &ns)
                } else {
                    pair_counts[&(format!("{ci}\0{}", c.topology_key), v.to_string())]
                };
                s += cnt as f64 * weights[ci] + f64::from(c.max_skew - 1);
            }
        }
        raw.push(s.round() as i64);
    }
    let mut min = i64::MAX;
    let mut max = 0;
    for (k, &i) in fidx.iter().enumerate() {
        if ignored.contains(&i) {
            continue;
        }
        min = min.min(raw[k]);
        max = max.max(raw[k]);
    }
    let mut out = Vec::new();
    for (k, &i) in fidx.iter().enumerate() {
        if ignored.contains(&i) {
            out.push(0);
        } else if max == 0 {
            out.push(100);
        } else {
            out.push(100 * (max + min - raw[k]) / max);
        }
    }
    Some(out)
}

fn inter_pod_score(
    w: &World,
    infos: &[(&Node, Vec<&PodInfo>)],
    fidx: &[usize],
    pod: &Pod,
    profile: &Profile,
    ns_labels: Option<&LabelSet>,
) -> Option<Vec<i64>> {
    let ns = ns_of(pod).to_string();
    let terms = incoming(w, pod, &ns).ok()?;
    let has_pref = pod.spec.affinity.as_ref().is_some_and(|a| {
        a.pod_affinity.as_ref().is_some_and(|p| {
            !p.preferred_during_scheduling_ignored_during_execution
                .is_empty()
        }) || a.pod_anti_affinity.as_ref().is_some_and(|p| {
            !p.preferred_during_scheduling_ignored_during_execution
                .is_empty()
        })
    });
    if profile.ignore_preferred_terms_of_existing_pods && !has_pref {
        return None;
    }
    let mut topo: HashMap<String, HashMap<String, i64>> = HashMap::new();
    let mut add = |key: &str, n: &Node, v: i64| {
        if let Some(val) = labels(n).get(key) {
            *topo
                .entry(key.to_string())
                .or_default()
                .entry(val.to_string())
                .or_insert(0) += v;
        }
    };
    for (n, pods) in infos {
        for p in pods {
            for t in &terms.preferred {
                if t.matches_pod(p) {
                    add(&t.key, n, t.weight);
                }
            }
            for t in &terms.preferred_anti {
                if t.matches_pod(p) {
                    add(&t.key, n, -t.weight);
                }
            }
            for (role, weight, c) in &p.terms {
                use label_selector::k8s::TermRole::*;
                let weight = *weight;
                if !c.matches(&ns, &pod.metadata.labels, ns_labels) {
                    continue;
                }
                match role {
                    RequiredAffinity if profile.hard_pod_affinity_weight > 0 => {
                        add(c.topology_key(), n, profile.hard_pod_affinity_weight)
                    }
                    PreferredAffinity if !profile.ignore_preferred_terms_of_existing_pods => {
                        add(c.topology_key(), n, i64::from(weight))
                    }
                    PreferredAntiAffinity if !profile.ignore_preferred_terms_of_existing_pods => {
                        add(c.topology_key(), n, -i64::from(weight))
                    }
                    _ => {}
                }
            }
        }
    }
    if topo.is_empty() {
        return None;
    }
    let mut raw = Vec::new();
    for &i in fidx {
        let n = infos[i].0;
        let mut s = 0;
        for (key, vals) in &topo {
            if let Some(v) = labels(n).get(key) {
                s += vals.get(v).copied().unwrap_or(0);
            }
        }
        raw.push(s);
    }
    let min = raw.iter().copied().min().unwrap_or(0);
    let max = raw.iter().copied().max().unwrap_or(0);
    Some(
        raw.iter()
            .map(|&s| {
                if max > min {
                    (100.0 * ((s - min) as f64 / (max - min) as f64)) as i64
                } else {
                    0
                }
            })
            .collect(),
    )
}
