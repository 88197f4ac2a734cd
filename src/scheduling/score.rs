//! The score plugins over the feasible nodes: PreScore (or Skip), Score, NormalizeScore, and
//! the weighted sum.

use std::ops::Deref;

use super::cache::{NONE, NodeCache, PairMap};
use super::decision::Decision;
use super::profile::{Plugin, Profile};
use super::run::{Ctx, intolerable_preferred, pods_per_slot, term_nodes};
use crate::index::View;
use crate::k8s::{NodeSelectorMatcher, PreferredSchedulingTerm, TermRole};

const MAX: i64 = 100;
const HOSTNAME: &str = "kubernetes.io/hostname";

/// `helper.DefaultNormalizeScore(100, reverse)`.
fn default_normalize(scores: &mut [i64], reverse: bool) {
    let max = scores.iter().copied().max().unwrap_or(0);
    if max == 0 {
        if reverse {
            scores.iter_mut().for_each(|s| *s = MAX);
        }
        return;
    }
    for s in scores.iter_mut() {
        let v = MAX * *s / max;
        *s = if reverse { MAX - v } else { v };
    }
}

pub(super) fn score<I: Deref<Target = View>>(
    profile: &Profile,
    cache: &mut NodeCache,
    ctx: &Ctx<'_, I>,
    d: &mut Decision,
) {
    let feasible: Vec<usize> = (0..cache.len()).filter(|s| d.feasible[*s]).collect();
    let mut columns: Vec<(Plugin, i64, Vec<i64>)> = Vec::new();
    for &(plugin, weight) in profile.scores() {
        let col = match plugin {
            Plugin::TaintToleration => Some(taint_scores(cache, ctx, &feasible)),
            Plugin::NodeAffinity => match node_affinity_scores(profile, cache, ctx, &feasible) {
                Ok(c) => c,
                Err(e) => {
                    d.score_error = Some((plugin, e));
                    return;
                }
            },
            Plugin::PodTopologySpread => spread_scores(cache, ctx, &feasible),
            Plugin::InterPodAffinity => inter_pod_scores(profile, cache, ctx, &feasible),
            _ => None,
        };
        if let Some(c) = col {
            columns.push((plugin, weight, c));
        }
    }
    let ns = columns.len();
    d.scorers = columns.iter().map(|(p, w, _)| (*p, *w)).collect();
    d.scores = vec![0; cache.len() * ns];
    for (ci, (_, w, col)) in columns.iter().enumerate() {
        for (fi, &slot) in feasible.iter().enumerate() {
            d.scores[slot * ns + ci] = col[fi];
            d.totals[slot] += w * col[fi];
        }
    }
}

fn taint_scores<I: Deref<Target = View>>(
    cache: &NodeCache,
    ctx: &Ctx<'_, I>,
    feasible: &[usize],
) -> Vec<i64> {
    let mut raw = vec![0; feasible.len()];
    for (fi, &slot) in feasible.iter().enumerate() {
        let taints = cache.taints(slot);
        if !taints.is_empty() {
            raw[fi] = intolerable_preferred(taints, &ctx.pod.spec.tolerations);
        }
    }
    default_normalize(&mut raw, true);
    raw
}

/// Preferred terms as kube-scheduler parses them: weight 0 and empty terms dropped, any
/// invalid term an error.
fn preferred_matchers(
    terms: &[PreferredSchedulingTerm],
) -> Result<Vec<(i64, crate::k8s::NodeTerm)>, String> {
    let mut out = Vec::new();
    for (i, t) in terms.iter().enumerate() {
        let p = &t.preference;
        let empty = p
            .match_expressions
            .as_deref()
            .unwrap_or_default()
            .is_empty()
            && p.match_fields.as_deref().unwrap_or_default().is_empty();
        if t.weight == 0 || empty {
            continue;
        }
        let sel = crate::k8s::NodeSelector {
            node_selector_terms: vec![p.clone()],
        };
        let m = NodeSelectorMatcher::new(&sel)
            .map_err(|e| format!("PreferredSchedulingTerms[{i}]: {}", e.one_line()))?;
        if let Some(Ok(term)) = m.terms().first() {
            out.push((i64::from(t.weight), term.clone()));
        }
    }
    Ok(out)
}

fn node_affinity_scores<I: Deref<Target = View>>(
    profile: &Profile,
    cache: &NodeCache,
    ctx: &Ctx<'_, I>,
    feasible: &[usize],
) -> Result<Option<Vec<i64>>, String> {
    let pod_pref = ctx
        .pod
        .spec
        .affinity
        .as_ref()
        .and_then(|a| a.node_affinity.as_ref())
        .map(|n| {
            n.preferred_during_scheduling_ignored_during_execution
                .as_slice()
        })
        .filter(|p| !p.is_empty());
    let added = profile.added_affinity.as_ref().map(|a| {
        a.preferred_during_scheduling_ignored_during_execution
            .as_slice()
    });
    if pod_pref.is_none() && added.is_none() {
        return Ok(None);
    }
    let mut all = added.unwrap_or_default().to_vec();
    all.extend_from_slice(pod_pref.unwrap_or_default());
    let terms = preferred_matchers(&all)?;
    let mut raw = vec![0; feasible.len()];
    for (w, t) in &terms {
        let set = cache.mask(&term_nodes(ctx.cluster, t));
        for (fi, &slot) in feasible.iter().enumerate() {
            if set[slot] {
                raw[fi] += w;
            }
        }
    }
    default_normalize(&mut raw, false);
    Ok(Some(raw))
}

fn spread_scores<I: Deref<Target = View>>(
    cache: &mut NodeCache,
    ctx: &Ctx<'_, I>,
    feasible: &[usize],
) -> Option<Vec<i64>> {
    let spread = ctx.spread().ok()?;
    let constraints = &spread.score;
    if constraints.is_empty() {
        return None;
    }
    let require_all = !spread.system_defaulted;
    let nodes = ctx.cluster.nodes();
    let domains: Vec<_> = constraints
        .iter()
        .map(|c| cache.domains(nodes, &c.topology_key))
        .collect();
    let has_all = |slot: usize| domains.iter().all(|d| d[slot] != NONE);
    let ignored: Vec<bool> = feasible
        .iter()
        .map(|&s| require_all && !has_all(s))
        .collect();
    let considered = ignored.iter().filter(|i| !**i).count();
    let required = ctx.required(cache);
    let mut per_slot = Vec::with_capacity(constraints.len());
    let mut pair_counts: Vec<PairMap> = Vec::with_capacity(constraints.len());
    let mut weights = Vec::with_capacity(constraints.len());
    for (ci, c) in constraints.iter().enumerate() {
        let counts = pods_per_slot(ctx, cache, &c.selector);
        let hostname = c.topology_key == HOSTNAME;
        let mut pairs = cache.pair_map();
        // A node without the key is in the domain of the empty value (Go reads a missing
        // label as ""): the same domain as nodes whose label is empty, when there are any.
        let empty = nodes
            .key_id(&c.topology_key)
            .and_then(|k| nodes.pair_id(k, ""));
        let domain = |slot: usize| match domains[ci][slot] {
            NONE => empty,
            d => Some(d),
        };
        let mut keyless = false;
        if !hostname {
            for (fi, &slot) in feasible.iter().enumerate() {
                if !ignored[fi] {
                    match domain(slot) {
                        None => keyless = true,
                        Some(d) => {
                            pairs.touch(d);
                        }
                    }
                }
            }
        }
        let size = if hostname {
            considered
        } else {
            pairs.len() + usize::from(keyless)
        };
        if !hostname {
            for (slot, k) in counts.iter() {
                if require_all && !has_all(slot) {
                    continue;
                }
                if !super::run::included(c, slot, required, cache, &ctx.pod.spec.tolerations) {
                    continue;
                }
                if let Some(d) = domain(slot)
                    && pairs.get(d).is_some()
                {
                    pairs.add(d, k);
                }
            }
        }
        weights.push(((size + 2) as f64).ln());
        per_slot.push(counts);
        pair_counts.push(pairs);
    }
    let mut raw = vec![0i64; feasible.len()];
    for (fi, &slot) in feasible.iter().enumerate() {
        if ignored[fi] {
            continue;
        }
        let mut s = 0f64;
        for (ci, c) in constraints.iter().enumerate() {
            let d = domains[ci][slot];
            if d == NONE {
                continue;
            }
            let cnt = if c.topology_key == HOSTNAME {
                per_slot[ci].per_slot[slot]
            } else {
                pair_counts[ci].count(d)
            };
            s += cnt as f64 * weights[ci] + f64::from(c.max_skew - 1);
        }
        raw[fi] = s.round() as i64;
    }
    // NormalizeScore: ignored nodes get 0.
    let (mut min, mut max) = (i64::MAX, 0i64);
    for (fi, &v) in raw.iter().enumerate() {
        if !ignored[fi] {
            min = min.min(v);
            max = max.max(v);
        }
    }
    for (fi, v) in raw.iter_mut().enumerate() {
        *v = if ignored[fi] {
            0
        } else if max == 0 {
            MAX
        } else {
            MAX * (max + min - *v) / max
        };
    }
    Some(raw)
}

fn inter_pod_scores<I: Deref<Target = View>>(
    profile: &Profile,
    cache: &mut NodeCache,
    ctx: &Ctx<'_, I>,
    feasible: &[usize],
) -> Option<Vec<i64>> {
    let terms = ctx.terms().ok()?;
    let has_preferred = ctx.pod.spec.affinity.as_ref().is_some_and(|a| {
        a.pod_affinity.as_ref().is_some_and(|p| {
            !p.preferred_during_scheduling_ignored_during_execution
                .is_empty()
        }) || a.pod_anti_affinity.as_ref().is_some_and(|p| {
            !p.preferred_during_scheduling_ignored_during_execution
                .is_empty()
        })
    });
    if profile.ignore_preferred_terms_of_existing_pods && !has_preferred {
        return None;
    }
    let nodes = ctx.cluster.nodes();
    // (topology key, domain) → score; a key is present once a term matched on a node with it.
    let mut keys: Vec<String> = Vec::new();
    let mut scores = cache.pair_map();
    let mut add = |cache: &mut NodeCache, key: &str, slot: usize, v: i64| {
        let d = cache.domains(nodes, key);
        if d[slot] != NONE {
            if !keys.iter().any(|k| k == key) {
                keys.push(key.to_string());
            }
            scores.add(d[slot], v);
        }
    };
    for (terms, sign) in [(&terms.preferred, 1), (&terms.preferred_anti, -1)] {
        for t in terms {
            let m = ctx.matching(t.namespaces.iter().map(String::as_str), t.term.selector());
            for id in m.iter() {
                if let Some(slot) = ctx.slot_of_pod(cache, id) {
                    add(cache, t.term.topology_key(), slot, sign * t.weight);
                }
            }
        }
    }
    for e in ctx.existing(cache) {
        let v = match e.role {
            TermRole::RequiredAffinity if profile.hard_pod_affinity_weight > 0 => {
                profile.hard_pod_affinity_weight
            }
            TermRole::PreferredAffinity if !profile.ignore_preferred_terms_of_existing_pods => {
                e.weight
            }
            TermRole::PreferredAntiAffinity if !profile.ignore_preferred_terms_of_existing_pods => {
                -e.weight
            }
            _ => continue,
        };
        add(cache, e.topology_key, e.slot, v);
    }
    if keys.is_empty() {
        return None;
    }
    let doms: Vec<_> = keys.iter().map(|k| cache.domains(nodes, k)).collect();
    let mut raw: Vec<i64> = feasible
        .iter()
        .map(|&slot| {
            doms.iter()
                .filter(|d| d[slot] != NONE)
                .map(|d| scores.count(d[slot]))
                .sum()
        })
        .collect();
    let min = raw.iter().copied().min().unwrap_or(0);
    let max = raw.iter().copied().max().unwrap_or(0);
    let diff = max - min;
    for v in raw.iter_mut() {
        *v = if diff > 0 {
            (MAX as f64 * ((*v - min) as f64 / diff as f64)) as i64
        } else {
            0
        };
    }
    Some(raw)
}
