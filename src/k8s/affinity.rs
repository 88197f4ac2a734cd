//! Pod affinity terms and topology spread constraints compiled with Kubernetes' rules: the
//! API server's merge of `matchLabelKeys` / `mismatchLabelKeys` into the selector, and the
//! scheduler's namespace rules.

use std::collections::BTreeSet;

use super::objects::{PodAffinity, PodAffinityTerm, TopologySpreadConstraint};
use super::vocab::{NodeInclusionPolicy, WhenUnsatisfiable};
use crate::error::Error;
use crate::reverse::Scope;
use crate::selector::{LabelSet, Labels, Operator, Requirement, Selector};

/// A compiled [`PodAffinityTerm`] of one pod (its owner), as kube-scheduler's `AffinityTerm`.
///
/// ```
/// use label_selector::LabelSet;
/// use label_selector::k8s::{AffinityTerm, PodAffinityTerm};
///
/// let term: PodAffinityTerm = serde_json::from_str(r#"{"topologyKey": "kubernetes.io/hostname",
///     "labelSelector": {"matchLabels": {"app": "db"}}, "matchLabelKeys": ["tenant"]}"#).unwrap();
/// let owner = LabelSet::from_pairs([("app", "web"), ("tenant", "t1")])?;
/// let t = AffinityTerm::compile(&term, "shop", &owner)?;
/// assert_eq!(t.selector().to_string(), "app=db,tenant in (t1)");
/// let db = LabelSet::from_pairs([("app", "db"), ("tenant", "t1")])?;
/// assert!(t.matches("shop", &db, None));
/// assert!(!t.matches("other", &db, None)); // the owner's namespace only
/// # Ok::<(), label_selector::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AffinityTerm {
    selector: Selector,
    namespaces: BTreeSet<String>,
    namespace_selector: Option<Selector>,
    topology_key: String,
}

impl AffinityTerm {
    /// Compiles `term` of a pod in namespace `owner_ns` with labels `owner`: `matchLabelKeys`
    /// add `key in (owner's value)`, `mismatchLabelKeys` add `key notin (owner's value)`, for
    /// keys the owner has, and only to a non-nil `labelSelector` (what the API server stores).
    /// Without `namespaces` and `namespaceSelector` the term covers the owner's namespace.
    ///
    /// # Errors
    ///
    /// An invalid `labelSelector` or `namespaceSelector` (with its path), or an invalid
    /// `matchLabelKeys` key.
    pub fn compile(
        term: &PodAffinityTerm,
        owner_ns: &str,
        owner: &LabelSet,
    ) -> Result<AffinityTerm, Error> {
        let mut selector = Selector::from_label_selector(term.label_selector.as_ref())
            .map_err(|e| e.at_path("labelSelector"))?;
        if term.label_selector.is_some() {
            merge_keys(&mut selector, &term.match_label_keys, owner, Operator::In)?;
            merge_keys(
                &mut selector,
                &term.mismatch_label_keys,
                owner,
                Operator::NotIn,
            )?;
        }
        let namespace_selector = match &term.namespace_selector {
            Some(ls) => Some(
                Selector::from_label_selector(Some(ls))
                    .map_err(|e| e.at_path("namespaceSelector"))?,
            ),
            None => None,
        };
        let mut namespaces: BTreeSet<String> = term.namespaces.iter().cloned().collect();
        if namespaces.is_empty() && namespace_selector.is_none() {
            namespaces.insert(owner_ns.to_string());
        }
        Ok(AffinityTerm {
            selector,
            namespaces,
            namespace_selector,
            topology_key: term.topology_key.clone(),
        })
    }

    /// The label selector, with the merged keys.
    pub fn selector(&self) -> &Selector {
        &self.selector
    }

    /// The namespaces named (the owner's when the term names none and has no selector).
    pub fn namespaces(&self) -> &BTreeSet<String> {
        &self.namespaces
    }

    /// The namespace selector (`None` when nil; `{}` selects every namespace).
    pub fn namespace_selector(&self) -> Option<&Selector> {
        self.namespace_selector.as_ref()
    }

    /// `topologyKey`.
    pub fn topology_key(&self) -> &str {
        &self.topology_key
    }

    /// The namespaces the term can reach without knowing namespace labels: its list, or
    /// every namespace when it has a namespace selector (to be checked with
    /// [`matches`](AffinityTerm::matches)).
    pub fn scope(&self) -> Scope {
        if self.namespace_selector.is_some() {
            Scope::All
        } else if self.namespaces.len() == 1 {
            Scope::namespace(self.namespaces.first().cloned().unwrap_or_default())
        } else {
            Scope::Namespaces(self.namespaces.clone())
        }
    }

    /// Whether the namespace `ns` (with labels `ns_labels`, `None` if the namespace is not
    /// known) is covered.
    pub fn covers(&self, ns: &str, ns_labels: Option<&LabelSet>) -> bool {
        self.namespaces.contains(ns)
            || match (&self.namespace_selector, ns_labels) {
                (Some(sel), Some(labels)) => sel.matches(labels),
                (Some(sel), None) => sel.matches(&LabelSet::new()),
                (None, _) => false,
            }
    }

    /// Kubernetes' `AffinityTerm.Matches`: the pod's namespace is covered and its labels match.
    pub fn matches(
        &self,
        ns: &str,
        labels: &(impl Labels + ?Sized),
        ns_labels: Option<&LabelSet>,
    ) -> bool {
        self.covers(ns, ns_labels) && self.selector.matches(labels)
    }
}

fn merge_keys(
    selector: &mut Selector,
    keys: &[String],
    owner: &LabelSet,
    op: Operator,
) -> Result<(), Error> {
    for key in keys {
        if let Some(v) = owner.get(key) {
            selector.push(Requirement::new(key.as_str(), op, [v])?);
        }
    }
    Ok(())
}

/// A compiled [`TopologySpreadConstraint`], with the defaults filled in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpreadConstraint {
    /// `maxSkew`.
    pub max_skew: i32,
    /// `topologyKey`.
    pub topology_key: String,
    /// `whenUnsatisfiable`.
    pub when_unsatisfiable: WhenUnsatisfiable,
    /// The selector, with `matchLabelKeys` merged as the API server merges them (nil stays
    /// nothing).
    pub selector: Selector,
    /// `minDomains`, 1 when absent.
    pub min_domains: i32,
    /// Whether only nodes that pass the pod's node affinity and `nodeSelector` count
    /// (`nodeAffinityPolicy`, `Honor` when absent).
    pub honor_node_affinity: bool,
    /// Whether only nodes whose `NoSchedule` / `NoExecute` taints the pod tolerates count
    /// (`nodeTaintsPolicy`, `Ignore` when absent).
    pub honor_node_taints: bool,
}

impl SpreadConstraint {
    /// Compiles a constraint of a pod with labels `owner`.
    ///
    /// ```
    /// use label_selector::LabelSet;
    /// use label_selector::k8s::{SpreadConstraint, TopologySpreadConstraint};
    ///
    /// let c: TopologySpreadConstraint = serde_json::from_str(r#"{"maxSkew": 1,
    ///     "topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "DoNotSchedule",
    ///     "labelSelector": {"matchLabels": {"app": "web"}},
    ///     "matchLabelKeys": ["pod-template-hash"]}"#).unwrap();
    /// let owner = LabelSet::from_pairs([("app", "web"), ("pod-template-hash", "7f9")])?;
    /// let c = SpreadConstraint::compile(&c, &owner)?;
    /// assert_eq!(c.selector.to_string(), "app=web,pod-template-hash in (7f9)");
    /// assert_eq!((c.min_domains, c.honor_node_affinity, c.honor_node_taints), (1, true, false));
    /// # Ok::<(), label_selector::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// An invalid `labelSelector` or `matchLabelKeys` key.
    pub fn compile(
        c: &TopologySpreadConstraint,
        owner: &LabelSet,
    ) -> Result<SpreadConstraint, Error> {
        let mut selector = Selector::from_label_selector(c.label_selector.as_ref())
            .map_err(|e| e.at_path("labelSelector"))?;
        if c.label_selector.is_some() {
            merge_keys(&mut selector, &c.match_label_keys, owner, Operator::In)?;
        }
        Ok(SpreadConstraint {
            max_skew: c.max_skew,
            topology_key: c.topology_key.clone(),
            when_unsatisfiable: c.when_unsatisfiable.clone(),
            selector,
            min_domains: c.min_domains.unwrap_or(1),
            honor_node_affinity: c.node_affinity_policy.as_ref()
                != Some(&NodeInclusionPolicy::Ignore),
            honor_node_taints: c.node_taints_policy.as_ref() == Some(&NodeInclusionPolicy::Honor),
        })
    }
}

/// Which list of a pod's `affinity` a pod affinity term comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TermRole {
    /// `podAffinity.requiredDuringSchedulingIgnoredDuringExecution`.
    RequiredAffinity,
    /// `podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution`.
    RequiredAntiAffinity,
    /// `podAffinity.preferredDuringSchedulingIgnoredDuringExecution`.
    PreferredAffinity,
    /// `podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution`.
    PreferredAntiAffinity,
}

impl super::objects::PodSpec {
    /// `affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution`, if set.
    pub fn required_node_affinity(&self) -> Option<&super::NodeSelector> {
        self.affinity
            .as_ref()?
            .node_affinity
            .as_ref()?
            .required_during_scheduling_ignored_during_execution
            .as_ref()
    }

    /// Every pod affinity and anti-affinity term with its role and weight (0 for required
    /// terms), in a fixed order: required affinity, required anti-affinity, preferred
    /// affinity, preferred anti-affinity, each in written order. The position in this order
    /// is the term's index in [`AffinityTermKey`](crate::cluster::AffinityTermKey).
    pub fn affinity_terms(&self) -> impl Iterator<Item = (TermRole, i32, &PodAffinityTerm)> + '_ {
        let a = self.affinity.as_ref();
        let aff = a.and_then(|a| a.pod_affinity.as_ref());
        let anti = a.and_then(|a| a.pod_anti_affinity.as_ref());
        required(aff, TermRole::RequiredAffinity)
            .chain(required(anti, TermRole::RequiredAntiAffinity))
            .chain(preferred(aff, TermRole::PreferredAffinity))
            .chain(preferred(anti, TermRole::PreferredAntiAffinity))
    }
}

fn required(
    p: Option<&PodAffinity>,
    role: TermRole,
) -> impl Iterator<Item = (TermRole, i32, &PodAffinityTerm)> {
    p.into_iter().flat_map(move |p| {
        p.required_during_scheduling_ignored_during_execution
            .iter()
            .map(move |t| (role, 0, t))
    })
}

fn preferred(
    p: Option<&PodAffinity>,
    role: TermRole,
) -> impl Iterator<Item = (TermRole, i32, &PodAffinityTerm)> {
    p.into_iter().flat_map(move |p| {
        p.preferred_during_scheduling_ignored_during_execution
            .iter()
            .map(move |w| (role, w.weight, &w.pod_affinity_term))
    })
}
