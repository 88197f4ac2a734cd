//! The facts behind one node's verdict, for `-o wide`: what kube-scheduler's reason strings
//! leave out.

use std::ops::Deref;

use super::cache::{NONE, NodeCache};
use super::profile::{Plugin, Profile};
use super::run::{
    Ctx, affinity_prefilter, any_term, misfit, node_selector_map, node_used, spread_prefilter,
    untolerated,
};
use crate::cluster::Cluster;
use crate::index::View;
use crate::k8s::Pod;
use crate::k8s::{NodeSelectorMatcher, TermRole};

fn pair_text(nodes: &View, pair: u32) -> String {
    nodes
        .pair_text(pair)
        .map_or_else(|| "?".to_string(), |(k, v)| format!("{k}={v}"))
}

pub(super) fn explain<I: Deref<Target = View>>(
    profile: &Profile,
    cache: &mut NodeCache,
    cluster: &Cluster<I>,
    pod: &Pod,
    node: &str,
) -> Vec<String> {
    let Some(slot) = cache.names.iter().position(|n| &**n == node) else {
        return Vec::new();
    };
    let ctx = Ctx::new(profile, cluster, pod);
    let id = cache.ids[slot];
    let Some(entry) = cluster.node(id) else {
        return Vec::new();
    };
    let nodes = cluster.nodes();
    let mut out = Vec::new();
    for plugin in profile.filters() {
        match plugin {
            Plugin::NodeUnschedulable if entry.get().spec.unschedulable => {
                out.push("NodeUnschedulable: the node is cordoned (spec.unschedulable)".into());
            }
            Plugin::NodeName => {
                if let Some(n) = pod
                    .spec
                    .node_name
                    .as_deref()
                    .filter(|n| !n.is_empty() && *n != node)
                {
                    out.push(format!("NodeName: the pod names node {n}"));
                }
            }
            Plugin::TaintToleration => {
                if let Some(t) = untolerated(&entry.get().spec.taints, &pod.spec.tolerations) {
                    let value = if t.value.is_empty() {
                        String::new()
                    } else {
                        format!("={}", t.value)
                    };
                    out.push(format!(
                        "TaintToleration: taint {}{value}:{} not tolerated",
                        t.key, t.effect
                    ));
                }
            }
            Plugin::NodeAffinity => {
                let labels = entry.labels();
                if !pod.spec.node_selector.is_empty() && !node_selector_map(pod).matches(&labels) {
                    for (k, v) in &pod.spec.node_selector {
                        match labels.get(k) {
                            Some(have) if have == v => {}
                            Some(have) => out.push(format!(
                                "NodeAffinity: nodeSelector {k}={v}: the node has {k}={have}"
                            )),
                            None => out.push(format!(
                                "NodeAffinity: nodeSelector {k}={v}: the node has no label {k}"
                            )),
                        }
                    }
                }
                let req = pod.spec.required_node_affinity();
                if let Some(req) = req {
                    let m = NodeSelectorMatcher::new_lazy(req);
                    if !matches!(m.matches(node, &labels), Ok(true)) {
                        for (i, t) in m.terms().iter().enumerate() {
                            match t {
                                Err(e) => out.push(format!("NodeAffinity: nodeSelectorTerms[{i}] is invalid and matches no node: {}", e.one_line())),
                                Ok(t) => {
                                    let plan = nodes.compile_any(None, &[any_term(t)]);
                                    let Some(tree) = plan.explain(id.object_id()) else {
                                        continue;
                                    };
                                    let term = &tree.terms[0];
                                    if term.labels.is_none() && term.names.is_none() {
                                        out.push(format!("NodeAffinity: nodeSelectorTerms[{i}] is empty and matches no node"));
                                    }
                                    for step in term.labels.iter().flat_map(|l| l.steps()).filter(|s| !s.matched()) {
                                        out.push(format!("NodeAffinity: nodeSelectorTerms[{i}]: {} fails", step.requirement()));
                                    }
                                    for (c, _) in term.names.iter().flatten().filter(|(_, ok)| !ok) {
                                        let op = if c.equal { "In" } else { "NotIn" };
                                        out.push(format!("NodeAffinity: nodeSelectorTerms[{i}]: metadata.name {op} {} fails", c.name));
                                    }
                                }
                            }
                        }
                    }
                }
            }
            Plugin::NodeResourcesFit => {
                let req = pod.spec.requests();
                let used = node_used(cache, &ctx, slot);
                let alloc = cache.allocatable[slot];
                let bits = misfit(req, used, alloc);
                if bits & 1 != 0 {
                    out.push(format!(
                        "NodeResourcesFit: pods: {} of {} allocatable in use",
                        used.pods, alloc.pods
                    ));
                }
                if bits & 2 != 0 {
                    out.push(format!(
                        "NodeResourcesFit: cpu: requests {}m, {}m of {}m allocatable in use",
                        req.milli_cpu, used.milli_cpu, alloc.milli_cpu
                    ));
                }
                if bits & 4 != 0 {
                    out.push(format!(
                        "NodeResourcesFit: memory: requests {}, {} of {} allocatable in use",
                        req.memory, used.memory, alloc.memory
                    ));
                }
            }
            Plugin::PodTopologySpread => {
                let Ok(spread) = ctx.spread() else {
                    continue;
                };
                for (set, what) in [
                    (&spread.filter, "DoNotSchedule"),
                    (&spread.score, "ScheduleAnyway"),
                ] {
                    if set.is_empty() {
                        continue;
                    }
                    let states = spread_prefilter(set, cache, &ctx);
                    for (c, s) in set.iter().zip(&states) {
                        let d = cache.domains(nodes, &c.topology_key)[slot];
                        if d == NONE {
                            out.push(format!(
                                "PodTopologySpread: {what} {}: the node has no label {}",
                                c.topology_key, c.topology_key
                            ));
                            continue;
                        }
                        let cnt = s.counts.count(d);
                        out.push(format!(
                            "PodTopologySpread: {what} {} maxSkew {}: domain {} has {cnt} matching pod(s); {} domain(s), global minimum {}, skew {}",
                            c.topology_key, c.max_skew, pair_text(nodes, d), s.domains, s.min, cnt + s.self_match - s.min
                        ));
                    }
                }
            }
            Plugin::InterPodAffinity => {
                let Ok(terms) = ctx.terms() else {
                    continue;
                };
                let existing = ctx.existing(cache);
                let counts = affinity_prefilter(terms, existing, cache, &ctx);
                for (i, t) in terms.affinity.iter().enumerate() {
                    let d = cache.domains(nodes, t.term.topology_key())[slot];
                    if d == NONE {
                        out.push(format!(
                            "InterPodAffinity: affinity term {i}: the node has no label {}",
                            t.term.topology_key()
                        ));
                    } else {
                        let n = counts.affinity.count(d);
                        let boot = if n == 0 && counts.self_affinity {
                            " (first pod: it matches its own terms)"
                        } else {
                            ""
                        };
                        out.push(format!("InterPodAffinity: affinity term {i} ({}): {n} pod(s) matching all terms in {}{boot}", t.term.selector(), pair_text(nodes, d)));
                    }
                }
                for (i, t) in terms.anti.iter().enumerate() {
                    let d = cache.domains(nodes, t.term.topology_key())[slot];
                    if d != NONE {
                        let n = counts.anti.count(d);
                        if n > 0 {
                            out.push(format!("InterPodAffinity: anti-affinity term {i} ({}): {n} matching pod(s) in {}", t.term.selector(), pair_text(nodes, d)));
                        }
                    }
                }
                for e in existing
                    .iter()
                    .filter(|e| e.role == TermRole::RequiredAntiAffinity)
                {
                    let d = cache.domains(nodes, e.topology_key);
                    let (here, there) = (d[slot], d[e.slot]);
                    if here != NONE && here == there {
                        out.push(format!(
                            "InterPodAffinity: a pod on {} has anti-affinity to this pod in {}",
                            cache.names[e.slot],
                            pair_text(nodes, here)
                        ));
                    }
                }
            }
            _ => {}
        }
    }
    out
}
