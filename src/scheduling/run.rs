//! One pod against every node: each plugin's PreFilter, Filter, PreScore, Score and
//! NormalizeScore, as kube-scheduler runs them, over the store's indexes.

use std::collections::BTreeMap;
use std::ops::Deref;

use super::cache::{NONE, NodeCache, PairMap};
use super::decision::{Code, Decision, PREFILTER, Rejection, Status};
use super::profile::{Plugin, Profile};
use crate::cluster::{Cluster, PodId};
use crate::index::{ObjectId, ObjectSet, View};
use crate::k8s::{
    AffinityTerm, NodeSelector, NodeSelectorMatcher, NodeSelectorTerm, NodeTerm, Pod, Resources,
    SpreadConstraint, Taint, TaintEffect, TermRole, Toleration, TolerationOperator,
    TopologySpreadConstraint, WhenUnsatisfiable,
};
use crate::query::{AnyTerm, NameCondition};
use crate::selector::{LabelSet, Labels, Operator, Requirement, Selector};

/// Kubernetes' `ToleratesTaint`.
pub(crate) fn tolerates(t: &Toleration, taint: &Taint) -> bool {
    if let Some(e) = &t.effect
        && *e != taint.effect
    {
        return false;
    }
    if !t.key.is_empty() && t.key != taint.key {
        return false;
    }
    match &t.operator {
        None | Some(TolerationOperator::Equal) => t.value == taint.value,
        Some(TolerationOperator::Exists) => true,
        Some(_) => false,
    }
}

pub(crate) fn tolerated(tolerations: &[Toleration], taint: &Taint) -> bool {
    tolerations.iter().any(|t| tolerates(t, taint))
}

/// The first `NoSchedule` / `NoExecute` taint no toleration matches.
pub(crate) fn untolerated<'t>(
    taints: &'t [Taint],
    tolerations: &[Toleration],
) -> Option<&'t Taint> {
    taints.iter().find(|t| {
        matches!(t.effect, TaintEffect::NoSchedule | TaintEffect::NoExecute)
            && !tolerated(tolerations, t)
    })
}

/// `PreferNoSchedule` taints not tolerated by tolerations of effect `""` or
/// `PreferNoSchedule`.
pub(crate) fn intolerable_preferred(taints: &[Taint], tolerations: &[Toleration]) -> i64 {
    let prefer =
        |t: &&Toleration| t.effect.is_none() || t.effect == Some(TaintEffect::PreferNoSchedule);
    taints
        .iter()
        .filter(|t| t.effect == TaintEffect::PreferNoSchedule)
        .filter(|t| {
            !tolerations
                .iter()
                .filter(prefer)
                .any(|tol| tolerates(tol, t))
        })
        .count() as i64
}

const UNSCHEDULABLE_TAINT: &str = "node.kubernetes.io/unschedulable";

/// The pod's node selector map as a selector: plain string equalities, not validated (a value
/// no label can carry matches no node).
pub(crate) fn node_selector_map(pod: &Pod) -> Selector {
    Selector::from_map(&pod.spec.node_selector).unwrap_or_else(|_| Selector::nothing())
}

/// A compiled node selector term as a query term: a field other than `metadata.name` is
/// `""` on every node, so it either always holds (dropped) or never does (the term selects
/// nothing).
pub(super) fn any_term(term: &NodeTerm) -> AnyTerm {
    let mut names = None;
    if let Some(fields) = term.fields() {
        let mut out = Vec::with_capacity(fields.len());
        for f in fields {
            if f.key() != "metadata.name" {
                if !f.matches("x") {
                    return AnyTerm::default();
                }
                continue;
            }
            out.push(NameCondition {
                name: f.value().to_string(),
                equal: f.operator() == Operator::In,
            });
        }
        names = Some(out);
    }
    AnyTerm {
        labels: term.labels().cloned(),
        names,
    }
}

/// The query terms of a node selector's valid terms (invalid ones never match).
pub(super) fn any_terms(ns: &NodeSelector) -> Vec<AnyTerm> {
    NodeSelectorMatcher::new_lazy(ns)
        .terms()
        .iter()
        .flatten()
        .map(any_term)
        .collect()
}

/// The nodes of a compiled node selector term.
pub(super) fn term_nodes<I: Deref<Target = View>>(
    cluster: &Cluster<I>,
    term: &NodeTerm,
) -> ObjectSet {
    cluster
        .nodes()
        .compile_any(None, &[any_term(term)])
        .select()
}

/// The nodes a node selector's valid terms select (ORed); invalid terms select none.
pub(super) fn selector_nodes<I: Deref<Target = View>>(
    cluster: &Cluster<I>,
    ns: &NodeSelector,
) -> ObjectSet {
    cluster.nodes().compile_any(None, &any_terms(ns)).select()
}

/// The nodes that pass the pod's `nodeSelector` and required node affinity
/// (`GetRequiredNodeAffinity(pod).Match`).
pub(super) fn pod_required_nodes<I: Deref<Target = View>>(
    cluster: &Cluster<I>,
    all: &ObjectSet,
    pod: &Pod,
) -> ObjectSet {
    // One plan: the nodeSelector map as its base, the terms ORed under it.
    let base = (!pod.spec.node_selector.is_empty()).then(|| node_selector_map(pod));
    let terms = match pod.spec.required_node_affinity() {
        Some(req) => any_terms(req),
        None => vec![AnyTerm {
            labels: None,
            names: Some(Vec::new()),
        }],
    };
    cluster.nodes().compile_any(base.as_ref(), &terms).select() & all
}

/// Per slot, whether the node passes the pod's `nodeSelector` and required node affinity;
/// `None` when the pod has neither (every node passes).
fn required_mask<I: Deref<Target = View>>(
    cluster: &Cluster<I>,
    cache: &NodeCache,
    pod: &Pod,
) -> Option<Vec<bool>> {
    if pod.spec.node_selector.is_empty() && pod.spec.required_node_affinity().is_none() {
        return None;
    }
    Some(cache.mask(&pod_required_nodes(cluster, &cache.all, pod)))
}

/// NodeAffinity's PreFilter node names: when every required term names nodes with
/// `metadata.name In`, the union over terms of the intersection within each term.
pub(crate) fn prefilter_names(pod: &Pod) -> Option<std::collections::BTreeSet<String>> {
    let req = pod.spec.required_node_affinity()?;
    let mut names: Option<std::collections::BTreeSet<String>> = None;
    for t in &req.node_selector_terms {
        let term_names = term_names(t)?;
        names.get_or_insert_default().extend(term_names);
    }
    names
}

fn term_names(t: &NodeSelectorTerm) -> Option<std::collections::BTreeSet<String>> {
    let mut out: Option<std::collections::BTreeSet<String>> = None;
    for r in t.match_fields.as_deref().unwrap_or_default() {
        if r.key == "metadata.name" && r.operator == "In" {
            let s: std::collections::BTreeSet<String> =
                r.values.iter().flatten().cloned().collect();
            out = Some(match out {
                None => s,
                Some(o) => o.intersection(&s).cloned().collect(),
            });
        }
    }
    out
}

/// A pod's spread constraints split by `whenUnsatisfiable` (values other than the two are
/// ignored, as kube-scheduler ignores them).
pub(super) struct Spread {
    /// `DoNotSchedule`: PodTopologySpread's filter.
    pub(super) filter: Vec<SpreadConstraint>,
    /// `ScheduleAnyway`: its score.
    pub(super) score: Vec<SpreadConstraint>,
    /// Whether the pod has none of its own and the profile's defaults are the system's.
    pub(super) system_defaulted: bool,
}

/// The pod's spread constraints, with the system or listed defaults for a pod without any.
fn spread_constraints<I: Deref<Target = View>>(
    profile: &Profile,
    cluster: &Cluster<I>,
    pod: &Pod,
    ns: &str,
) -> Result<Spread, String> {
    let labels = &pod.metadata.labels;
    let (list, defaulted): (Vec<SpreadConstraint>, bool) =
        if pod.spec.topology_spread_constraints.is_empty() {
            let sel = default_selector(cluster, pod, ns);
            // `selector.Empty()`: no requirements, no default constraints.
            if sel.requirements().is_empty() {
                (Vec::new(), profile.system_defaulting)
            } else {
                let defaults: Vec<TopologySpreadConstraint> = profile.defaults();
                let mut out = Vec::new();
                for c in &defaults {
                    let mut c = SpreadConstraint::compile(c, labels).map_err(|e| e.one_line())?;
                    c.selector = sel.clone();
                    out.push(c);
                }
                (out, profile.system_defaulting)
            }
        } else {
            let mut out = Vec::new();
            for (i, c) in pod.spec.topology_spread_constraints.iter().enumerate() {
                out.push(
                    SpreadConstraint::compile(c, labels)
                        .map_err(|e| format!("topologySpreadConstraints[{i}].{}", e.one_line()))?,
                );
            }
            (out, false)
        };
    let of = |when: WhenUnsatisfiable| -> Vec<SpreadConstraint> {
        list.iter()
            .filter(|c| c.when_unsatisfiable == when)
            .cloned()
            .collect()
    };
    Ok(Spread {
        filter: of(WhenUnsatisfiable::DoNotSchedule),
        score: of(WhenUnsatisfiable::ScheduleAnyway),
        system_defaulted: defaulted,
    })
}

/// `helper.DefaultSelector`: the union of the selectors of the Services that select the pod,
/// ANDed with its controller's (a ReplicationController, ReplicaSet or StatefulSet, found by
/// name). Empty when there is none.
pub(crate) fn default_selector<I: Deref<Target = View>>(
    cluster: &Cluster<I>,
    pod: &Pod,
    ns: &str,
) -> Selector {
    let labels = &pod.metadata.labels;
    let mut set: BTreeMap<String, String> = BTreeMap::new();
    for key in cluster.service_selectors().matching(ns, labels.iter()) {
        if let Some(svc) = cluster.service(key.namespace(), key.name())
            && let Some(sel) = &svc.spec.selector
        {
            for (k, v) in sel.iter() {
                set.insert(k.to_string(), v.to_string());
            }
        }
    }
    let owner = pod
        .metadata
        .owner_references
        .iter()
        .find(|o| o.controller == Some(true));
    let mut extra: Vec<Requirement> = Vec::new();
    if let Some(o) = owner {
        use crate::k8s::WorkloadKind as W;
        let kind = match (o.api_version.as_str(), o.kind.as_str()) {
            ("v1", "ReplicationController") => Some(W::ReplicationController),
            ("apps/v1", "ReplicaSet") => Some(W::ReplicaSet),
            ("apps/v1", "StatefulSet") => Some(W::StatefulSet),
            _ => None,
        };
        if let Some(kind) = kind
            && let Some(w) = cluster.workload(kind, ns, &o.name)
        {
            let sel = w.selector();
            if kind == W::ReplicationController {
                for r in sel.requirements() {
                    if let Some(v) = r.values().first() {
                        set.insert(r.key().to_string(), v.clone());
                    }
                }
            } else if !sel.is_nothing() {
                extra.extend(sel.requirements().iter().cloned());
            }
        }
    }
    let mut sel = Selector::from_map(&set).unwrap_or_else(|_| Selector::everything());
    for r in extra {
        sel.push(r);
    }
    sel
}

/// An incoming pod's affinity term with its namespaces resolved (`namespaceSelector` turned
/// into the names of the Namespace objects it selects).
pub(super) struct Resolved {
    pub(super) term: AffinityTerm,
    pub(super) namespaces: Vec<String>,
    pub(super) weight: i64,
}

impl Resolved {
    /// Whether a pod matches (the namespace selector already resolved into names).
    pub(super) fn matches(&self, ns: &str, labels: &(impl Labels + ?Sized)) -> bool {
        self.namespaces.iter().any(|n| n == ns) && self.term.selector().matches(labels)
    }
}

pub(super) fn resolve<I: Deref<Target = View>>(
    cluster: &Cluster<I>,
    term: AffinityTerm,
    weight: i64,
) -> Resolved {
    let mut namespaces: Vec<String> = term.namespaces().iter().cloned().collect();
    if let Some(sel) = term.namespace_selector() {
        for id in cluster.namespaces().select(sel).iter() {
            if let Some(o) = cluster.namespaces().get(id) {
                namespaces.push(o.name().to_string());
            }
        }
    }
    namespaces.sort();
    namespaces.dedup();
    Resolved {
        term,
        namespaces,
        weight,
    }
}

/// The incoming pod's own affinity terms, by role.
#[derive(Default)]
pub(super) struct Terms {
    pub(super) affinity: Vec<Resolved>,
    pub(super) anti: Vec<Resolved>,
    pub(super) preferred: Vec<Resolved>,
    pub(super) preferred_anti: Vec<Resolved>,
}

pub(super) fn incoming_terms<I: Deref<Target = View>>(
    cluster: &Cluster<I>,
    pod: &Pod,
    ns: &str,
) -> Result<Terms, crate::Error> {
    let mut t = Terms::default();
    for (role, w, term) in pod.spec.affinity_terms() {
        if matches!(
            role,
            TermRole::PreferredAffinity | TermRole::PreferredAntiAffinity
        ) && w == 0
        {
            continue;
        }
        let c = AffinityTerm::compile(term, ns, &pod.metadata.labels)?;
        let r = resolve(cluster, c, i64::from(w));
        match role {
            TermRole::RequiredAffinity => t.affinity.push(r),
            TermRole::RequiredAntiAffinity => t.anti.push(r),
            TermRole::PreferredAffinity => t.preferred.push(r),
            TermRole::PreferredAntiAffinity => t.preferred_anti.push(r),
        }
    }
    Ok(t)
}

/// Reads of the store for one evaluation.
pub(super) struct Ctx<'a, I> {
    pub(super) profile: &'a Profile,
    pub(super) cluster: &'a Cluster<I>,
    pub(super) pod: &'a Pod,
    pub(super) ns: &'a str,
    /// The stored pod of the same name, left out of every count.
    pub(super) self_id: Option<PodId>,
    terms: std::cell::OnceCell<Result<Terms, String>>,
    existing: std::cell::OnceCell<Vec<ExistingTerm<'a>>>,
    spread: std::cell::OnceCell<Result<Spread, String>>,
    required: std::cell::OnceCell<Option<Vec<bool>>>,
    /// The stored copy's node and requests, when it is assigned.
    self_share: std::cell::OnceCell<Option<(crate::cluster::NodeId, Resources)>>,
}

impl<'a, I: Deref<Target = View>> Ctx<'a, I> {
    pub(super) fn new(profile: &'a Profile, cluster: &'a Cluster<I>, pod: &'a Pod) -> Ctx<'a, I> {
        let ns = if pod.metadata.namespace.is_empty() {
            cluster.default_namespace()
        } else {
            pod.metadata.namespace.as_str()
        };
        let self_id = (!pod.metadata.name.is_empty())
            .then(|| cluster.pod_id(ns, &pod.metadata.name))
            .flatten();
        Ctx {
            profile,
            cluster,
            pod,
            ns,
            self_id,
            terms: std::cell::OnceCell::new(),
            existing: std::cell::OnceCell::new(),
            spread: std::cell::OnceCell::new(),
            required: std::cell::OnceCell::new(),
            self_share: std::cell::OnceCell::new(),
        }
    }

    /// The pod's spread constraints (or why one does not compile), once.
    pub(super) fn spread(&self) -> Result<&Spread, &str> {
        self.spread
            .get_or_init(|| spread_constraints(self.profile, self.cluster, self.pod, self.ns))
            .as_ref()
            .map_err(String::as_str)
    }

    /// Per slot, whether the node passes the pod's `nodeSelector` and required node
    /// affinity (`None`: every node does), once.
    pub(super) fn required(&self, cache: &NodeCache) -> Option<&[bool]> {
        self.required
            .get_or_init(|| required_mask(self.cluster, cache, self.pod))
            .as_deref()
    }

    /// What the stored copy of the pod, if assigned, adds to its node (left out of the
    /// node's requests), once.
    fn self_share(&self) -> Option<(crate::cluster::NodeId, Resources)> {
        *self.self_share.get_or_init(|| {
            let me = self.self_id?;
            if !self.cluster.assigned_pods().contains(me.object_id()) {
                return None;
            }
            let node = self.cluster.pod_node(me)?;
            Some((node, self.cluster.pod_spec(me)?.requests()))
        })
    }

    /// The incoming pod's own affinity terms (or why they do not compile), once.
    pub(super) fn terms(&self) -> Result<&Terms, &str> {
        self.terms
            .get_or_init(|| {
                incoming_terms(self.cluster, self.pod, self.ns)
                    .map_err(|e| format!("parsing pod: {}", e.one_line()))
            })
            .as_ref()
            .map_err(String::as_str)
    }

    /// The terms of assigned pods that select the incoming pod, once.
    pub(super) fn existing(&self, cache: &NodeCache) -> &[ExistingTerm<'a>] {
        self.existing.get_or_init(|| existing_terms(self, cache))
    }

    /// The slot of the node an assigned pod is on, or `None` if the pod does not count.
    pub(super) fn slot_of_pod(&self, cache: &NodeCache, id: ObjectId) -> Option<usize> {
        if self.self_id.is_some_and(|s| s.object_id() == id) {
            return None;
        }
        let node = self.cluster.pod_node(PodId::new(id))?;
        cache.slot(node.object_id())
    }

    /// Assigned pods in `namespaces` that `selector` selects.
    pub(super) fn matching<'n>(
        &self,
        namespaces: impl IntoIterator<Item = &'n str>,
        selector: &Selector,
    ) -> ObjectSet {
        let mut out = ObjectSet::new();
        for ns in namespaces {
            out |= &self.cluster.pods().select_in(ns, selector);
        }
        out & self.cluster.assigned_pods()
    }

    pub(super) fn ns_labels(&self) -> Option<LabelSet> {
        self.cluster.namespace_labels(self.ns)
    }
}

/// An existing pod's term that selects the incoming pod.
pub(super) struct ExistingTerm<'c> {
    pub(super) role: TermRole,
    pub(super) weight: i64,
    pub(super) topology_key: &'c str,
    pub(super) slot: usize,
}

/// The terms of assigned pods that select the incoming pod, from the reverse index.
fn existing_terms<'c, I: Deref<Target = View>>(
    ctx: &Ctx<'c, I>,
    cache: &NodeCache,
) -> Vec<ExistingTerm<'c>> {
    let cluster: &'c Cluster<I> = ctx.cluster;
    let mut keys = Vec::new();
    cluster
        .affinity_terms()
        .for_each_match(ctx.ns, ctx.pod.metadata.labels.iter(), |k| keys.push(*k));
    let mut ns_labels: Option<Option<LabelSet>> = None;
    let mut out = Vec::new();
    for k in keys {
        let Some(slot) = ctx.slot_of_pod(cache, k.pod.object_id()) else {
            continue;
        };
        if !cluster.assigned_pods().contains(k.pod.object_id()) {
            continue;
        }
        let Some(spec) = cluster.pod_spec(k.pod) else {
            continue;
        };
        let Some((role, w, term)) = spec.affinity_terms().nth(k.index as usize) else {
            continue;
        };
        if term.namespace_selector.is_some() {
            let labels = ns_labels.get_or_insert_with(|| ctx.ns_labels());
            let Some(p) = cluster.pod(k.pod) else {
                continue;
            };
            let Ok(t) = AffinityTerm::compile(term, p.namespace(), &p.labels()) else {
                continue;
            };
            if !t.covers(ctx.ns, labels.as_ref()) {
                continue;
            }
        }
        out.push(ExistingTerm {
            role,
            weight: i64::from(w),
            topology_key: &term.topology_key,
            slot,
        });
    }
    out
}

struct Statuses<'a> {
    s: &'a mut [Status],
    nf: usize,
}

impl Statuses<'_> {
    fn fail(&mut self, slot: usize, fi: usize, code: Code, reason: u8) {
        let st = &mut self.s[slot * self.nf + fi];
        st.code = code;
        st.reasons |= reason;
    }

    fn failed(&self, slot: usize, fi: usize) -> bool {
        !self.s[slot * self.nf + fi].is_success()
    }
}

pub(super) fn evaluate<I: Deref<Target = View>>(
    profile: &Profile,
    cache: &mut NodeCache,
    cluster: &Cluster<I>,
    pod: &Pod,
) -> Decision {
    let ctx = Ctx::new(profile, cluster, pod);
    let ns = ctx.ns;
    let n = cache.len();
    let filters = profile.filters().to_vec();
    let nf = filters.len();
    let mut statuses = Vec::with_capacity(n * nf);
    for _ in 0..n {
        statuses.extend(filters.iter().map(|p| Status::success(*p)));
    }
    let mut rejection = None;
    let mut st = Statuses {
        s: &mut statuses,
        nf,
    };
    for (fi, plugin) in filters.iter().enumerate() {
        let r = match plugin {
            Plugin::NodeUnschedulable => {
                let taint = Taint {
                    key: UNSCHEDULABLE_TAINT.into(),
                    value: String::new(),
                    effect: TaintEffect::NoSchedule,
                };
                if !tolerated(&pod.spec.tolerations, &taint) {
                    for &slot in &cache.unschedulable {
                        st.fail(slot as usize, fi, Code::UnschedulableAndUnresolvable, 1);
                    }
                }
                None
            }
            Plugin::NodeName => {
                if let Some(name) = pod.spec.node_name.as_deref().filter(|n| !n.is_empty()) {
                    for slot in 0..n {
                        if &*cache.names[slot] != name {
                            st.fail(slot, fi, Code::UnschedulableAndUnresolvable, 1);
                        }
                    }
                }
                None
            }
            Plugin::TaintToleration => {
                for (slot, taints) in &cache.tainted {
                    if untolerated(taints, &pod.spec.tolerations).is_some() {
                        st.fail(*slot as usize, fi, Code::UnschedulableAndUnresolvable, 1);
                    }
                }
                None
            }
            Plugin::NodeAffinity => node_affinity_filter(cache, &ctx, &mut st, fi),
            Plugin::NodeResourcesFit => {
                resources_filter(cache, &ctx, &mut st, fi);
                None
            }
            Plugin::PodTopologySpread => spread_filter(cache, &ctx, &mut st, fi),
            Plugin::InterPodAffinity => inter_pod_filter(cache, &ctx, &mut st, fi),
        };
        if let Some(r) = r {
            for slot in 0..n {
                st.fail(slot, fi, r.code, PREFILTER);
            }
            rejection.get_or_insert(r);
        }
    }
    let feasible: Vec<bool> = (0..n)
        .map(|slot| (0..nf).all(|fi| !st.failed(slot, fi)))
        .collect();
    let mut d = Decision {
        pod: format!("{ns}/{}", pod.metadata.name),
        names: cache.names.clone(),
        filters,
        scorers: Vec::new(),
        statuses,
        scores: Vec::new(),
        totals: vec![0; n],
        feasible,
        rejection,
        score_error: None,
    };
    if d.feasible.iter().any(|f| *f) {
        super::score::score(profile, cache, &ctx, &mut d);
    }
    d
}

fn node_affinity_filter<I: Deref<Target = View>>(
    cache: &NodeCache,
    ctx: &Ctx<'_, I>,
    st: &mut Statuses<'_>,
    fi: usize,
) -> Option<Rejection> {
    let pod = ctx.pod;
    let names = prefilter_names(pod);
    if names.as_ref().is_some_and(|n| n.is_empty()) {
        return Some(Rejection {
            plugin: Plugin::NodeAffinity,
            code: Code::UnschedulableAndUnresolvable,
            message: "pod affinity terms conflict".into(),
        });
    }
    let required = ctx.required(cache);
    let added = ctx
        .profile
        .added_affinity
        .as_ref()
        .and_then(|a| {
            a.required_during_scheduling_ignored_during_execution
                .as_ref()
        })
        .map(|s| cache.mask(&selector_nodes(ctx.cluster, s)));
    for slot in 0..cache.len() {
        if let Some(names) = &names
            && !names.contains(&*cache.names[slot])
        {
            st.fail(slot, fi, Code::UnschedulableAndUnresolvable, 0b100);
            continue;
        }
        if let Some(a) = &added
            && !a[slot]
        {
            st.fail(slot, fi, Code::UnschedulableAndUnresolvable, 0b10);
        } else if required.is_some_and(|m| !m[slot]) {
            st.fail(slot, fi, Code::UnschedulableAndUnresolvable, 0b1);
        }
    }
    None
}

/// What a node has left for the pod: its requests without the pod's own stored copy.
pub(super) fn node_used<I: Deref<Target = View>>(
    cache: &NodeCache,
    ctx: &Ctx<'_, I>,
    slot: usize,
) -> Resources {
    let mut used = ctx.cluster.node_requested(cache.ids[slot]);
    if let Some((node, r)) = ctx.self_share()
        && node == cache.ids[slot]
    {
        used.milli_cpu -= r.milli_cpu;
        used.memory -= r.memory;
        used.pods -= 1;
    }
    used
}

/// `NodeResourcesFit`'s `insufficientResources`: the pod count always; CPU and memory when
/// the pod requests any.
pub(super) fn misfit(req: Resources, used: Resources, alloc: Resources) -> u8 {
    let mut bits = 0;
    if used.pods + 1 > alloc.pods {
        bits |= 1;
    }
    if req.milli_cpu == 0 && req.memory == 0 {
        return bits;
    }
    if req.milli_cpu > 0 && req.milli_cpu > alloc.milli_cpu - used.milli_cpu {
        bits |= 0b10;
    }
    if req.memory > 0 && req.memory > alloc.memory - used.memory {
        bits |= 0b100;
    }
    bits
}

fn resources_filter<I: Deref<Target = View>>(
    cache: &NodeCache,
    ctx: &Ctx<'_, I>,
    st: &mut Statuses<'_>,
    fi: usize,
) {
    let req = ctx.pod.spec.requests();
    for slot in 0..cache.len() {
        let bits = misfit(req, node_used(cache, ctx, slot), cache.allocatable[slot]);
        if bits != 0 {
            st.fail(slot, fi, Code::Unschedulable, bits);
        }
    }
}

/// Per-constraint state of PodTopologySpread's PreFilter.
pub(super) struct SpreadCounts {
    /// Domain (pair id) → matching pods, over eligible nodes.
    pub(super) counts: PairMap,
    /// Distinct domains among eligible nodes.
    pub(super) domains: usize,
    /// The global minimum (0 with fewer domains than `minDomains`).
    pub(super) min: i64,
    pub(super) self_match: i64,
}

/// Nodes eligible for a constraint under its inclusion policies (the "all keys" rule is the
/// caller's).
pub(super) fn included(
    c: &SpreadConstraint,
    slot: usize,
    required: Option<&[bool]>,
    cache: &NodeCache,
    tolerations: &[Toleration],
) -> bool {
    if c.honor_node_affinity && required.is_some_and(|m| !m[slot]) {
        return false;
    }
    if c.honor_node_taints && untolerated(cache.taints(slot), tolerations).is_some() {
        return false;
    }
    true
}

/// Matching pods of a constraint counted per slot: same namespace, assigned, not
/// terminating, selected (an empty selector counts none, as `countPodsMatchSelector`).
pub(super) fn pods_per_slot<I: Deref<Target = View>>(
    ctx: &Ctx<'_, I>,
    cache: &NodeCache,
    selector: &Selector,
) -> SlotCounts {
    let mut out = SlotCounts {
        per_slot: vec![0; cache.len()],
        slots: Vec::new(),
    };
    if selector.is_everything() {
        return out;
    }
    for id in ctx.matching([ctx.ns], selector).iter() {
        let Some(slot) = ctx.slot_of_pod(cache, id) else {
            continue;
        };
        if ctx.cluster.pod_terminating(PodId::new(id)).unwrap_or(true) {
            continue;
        }
        if out.per_slot[slot] == 0 {
            out.slots.push(slot);
        }
        out.per_slot[slot] += 1;
    }
    out
}

/// Matching pods per node slot, and the slots that have some.
pub(super) struct SlotCounts {
    pub(super) per_slot: Vec<i64>,
    pub(super) slots: Vec<usize>,
}

impl SlotCounts {
    pub(super) fn iter(&self) -> impl Iterator<Item = (usize, i64)> + '_ {
        self.slots.iter().map(|&s| (s, self.per_slot[s]))
    }
}

fn spread_filter<I: Deref<Target = View>>(
    cache: &mut NodeCache,
    ctx: &Ctx<'_, I>,
    st: &mut Statuses<'_>,
    fi: usize,
) -> Option<Rejection> {
    let constraints = match ctx.spread() {
        Ok(s) => &s.filter,
        Err(e) => {
            return Some(Rejection {
                plugin: Plugin::PodTopologySpread,
                code: Code::Error,
                message: e.to_string(),
            });
        }
    };
    if constraints.is_empty() {
        return None;
    }
    let states = spread_prefilter(constraints, cache, ctx);
    let domains: Vec<_> = constraints
        .iter()
        .map(|c| cache.domains(ctx.cluster.nodes(), &c.topology_key))
        .collect();
    for slot in 0..cache.len() {
        for ((c, doms), s) in constraints.iter().zip(&domains).zip(&states) {
            let d = doms[slot];
            if d == NONE {
                st.fail(slot, fi, Code::UnschedulableAndUnresolvable, 0b10);
                break;
            }
            let skew = s.counts.count(d) + s.self_match - s.min;
            if skew > i64::from(c.max_skew) {
                st.fail(slot, fi, Code::Unschedulable, 0b1);
                break;
            }
        }
    }
    None
}

/// PodTopologySpread's PreFilter over every node: counts per domain for each constraint.
pub(super) fn spread_prefilter<I: Deref<Target = View>>(
    constraints: &[SpreadConstraint],
    cache: &mut NodeCache,
    ctx: &Ctx<'_, I>,
) -> Vec<SpreadCounts> {
    let required = ctx.required(cache);
    let domains: Vec<_> = constraints
        .iter()
        .map(|c| cache.domains(ctx.cluster.nodes(), &c.topology_key))
        .collect();
    let has_all = |slot: usize| domains.iter().all(|d| d[slot] != NONE);
    let mut out = Vec::with_capacity(constraints.len());
    for (ci, c) in constraints.iter().enumerate() {
        let eligible = |slot: usize| {
            has_all(slot) && included(c, slot, required, cache, &ctx.pod.spec.tolerations)
        };
        let mut counts = cache.pair_map();
        for (slot, d) in domains[ci].iter().enumerate() {
            if eligible(slot) {
                counts.touch(*d);
            }
        }
        for (slot, k) in pods_per_slot(ctx, cache, &c.selector).iter() {
            if eligible(slot) {
                counts.add(domains[ci][slot], k);
            }
        }
        let n = counts.len();
        let min = if (n as i64) < i64::from(c.min_domains) {
            0
        } else {
            counts.iter().map(|(_, v)| v).min().unwrap_or(0)
        };
        let self_match = i64::from(c.selector.matches(&ctx.pod.metadata.labels));
        out.push(SpreadCounts {
            counts,
            domains: n,
            min,
            self_match,
        });
    }
    out
}

/// InterPodAffinity's PreFilter counts: (affinity counts, incoming anti counts, existing anti
/// counts), by domain, and whether the self-affinity rule applies.
pub(super) struct AffinityCounts {
    pub(super) affinity: PairMap,
    pub(super) anti: PairMap,
    pub(super) existing_anti: PairMap,
    pub(super) self_affinity: bool,
}

pub(super) fn affinity_prefilter<I: Deref<Target = View>>(
    terms: &Terms,
    existing: &[ExistingTerm],
    cache: &mut NodeCache,
    ctx: &Ctx<'_, I>,
) -> AffinityCounts {
    let nodes = ctx.cluster.nodes();
    let mut affinity = cache.pair_map();
    if !terms.affinity.is_empty() {
        let mut all: Option<ObjectSet> = None;
        for t in &terms.affinity {
            let s = ctx.matching(t.namespaces.iter().map(String::as_str), t.term.selector());
            all = Some(match all {
                None => s,
                Some(a) => a & &s,
            });
        }
        let doms: Vec<_> = terms
            .affinity
            .iter()
            .map(|t| cache.domains(nodes, t.term.topology_key()))
            .collect();
        for id in all.unwrap_or_default().iter() {
            let Some(slot) = ctx.slot_of_pod(cache, id) else {
                continue;
            };
            for d in &doms {
                if d[slot] != NONE {
                    affinity.add(d[slot], 1);
                }
            }
        }
    }
    let mut anti = cache.pair_map();
    for t in &terms.anti {
        let d = cache.domains(nodes, t.term.topology_key());
        let s = ctx.matching(t.namespaces.iter().map(String::as_str), t.term.selector());
        for id in s.iter() {
            if let Some(slot) = ctx.slot_of_pod(cache, id)
                && d[slot] != NONE
            {
                anti.add(d[slot], 1);
            }
        }
    }
    let mut existing_anti = cache.pair_map();
    for e in existing {
        if e.role == TermRole::RequiredAntiAffinity {
            let d = cache.domains(nodes, e.topology_key);
            if d[e.slot] != NONE {
                existing_anti.add(d[e.slot], 1);
            }
        }
    }
    let labels = &ctx.pod.metadata.labels;
    let self_affinity =
        affinity.is_empty() && terms.affinity.iter().all(|t| t.matches(ctx.ns, labels));
    AffinityCounts {
        affinity,
        anti,
        existing_anti,
        self_affinity,
    }
}

fn inter_pod_filter<I: Deref<Target = View>>(
    cache: &mut NodeCache,
    ctx: &Ctx<'_, I>,
    st: &mut Statuses<'_>,
    fi: usize,
) -> Option<Rejection> {
    let terms = match ctx.terms() {
        Ok(t) => t,
        Err(e) => {
            return Some(Rejection {
                plugin: Plugin::InterPodAffinity,
                code: Code::Error,
                message: e.to_string(),
            });
        }
    };
    let existing = ctx.existing(cache);
    let has_existing_anti = existing
        .iter()
        .any(|e| e.role == TermRole::RequiredAntiAffinity);
    if terms.affinity.is_empty() && terms.anti.is_empty() && !has_existing_anti {
        return None;
    }
    let counts = affinity_prefilter(terms, existing, cache, ctx);
    let nodes = ctx.cluster.nodes();
    let aff_doms: Vec<_> = terms
        .affinity
        .iter()
        .map(|t| cache.domains(nodes, t.term.topology_key()))
        .collect();
    let anti_doms: Vec<_> = terms
        .anti
        .iter()
        .map(|t| cache.domains(nodes, t.term.topology_key()))
        .collect();
    // Existing anti-affinity: every node carrying a counted pair.
    let mut blocked = ObjectSet::new();
    for (pair, k) in counts.existing_anti.iter() {
        if k > 0 {
            blocked |= &nodes.pair_posting(pair).to_set();
        }
    }
    let blocked = cache.mask(&blocked);
    for slot in 0..cache.len() {
        // (a) affinity
        let mut has_keys = true;
        let mut exist = true;
        for d in &aff_doms {
            if d[slot] == NONE {
                has_keys = false;
                break;
            }
            if counts.affinity.count(d[slot]) <= 0 {
                exist = false;
            }
        }
        if !has_keys || (!exist && !counts.self_affinity) {
            st.fail(slot, fi, Code::UnschedulableAndUnresolvable, 0b1);
            continue;
        }
        // (b) the pod's anti-affinity
        if !counts.anti.is_empty()
            && anti_doms
                .iter()
                .any(|d| d[slot] != NONE && counts.anti.count(d[slot]) > 0)
        {
            st.fail(slot, fi, Code::Unschedulable, 0b10);
            continue;
        }
        // (c) existing pods' anti-affinity
        if blocked[slot] {
            st.fail(slot, fi, Code::Unschedulable, 0b100);
        }
    }
    None
}
