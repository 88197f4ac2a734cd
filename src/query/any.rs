//! OR of plans: a node selector's terms (each an AND of label requirements and object-name
//! conditions), ANDed with a base selector (a pod's `nodeSelector`), compiled against one
//! view; and its explanation as a tree (term → requirement → verdict).

use std::fmt;

use super::explain::Explanation;
use super::plan::Plan;
use crate::index::{ObjectId, ObjectSet, View};
use crate::selector::Selector;

/// A condition on a cluster-scoped object's name (namespace `""`, as nodes are stored): it is
/// (`equal`) or is not `name`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameCondition {
    /// The name.
    pub name: String,
    /// `true`: the object must have this name (`In`); `false`: it must not (`NotIn`).
    pub equal: bool,
}

/// One ORed term: label requirements (`None`: no `matchExpressions`) and name conditions
/// (`None`: no `matchFields`). A term with neither selects nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AnyTerm {
    /// The label requirements.
    pub labels: Option<Selector>,
    /// The name conditions, ANDed.
    pub names: Option<Vec<NameCondition>>,
}

/// A base selector ANDed with an OR of [`AnyTerm`]s, compiled against one view: what
/// kube-scheduler's required node affinity is (`nodeSelector` AND (term OR term ...)).
///
/// ```
/// use label_selector::{Inventory, LabelSet, Selector};
/// use label_selector::query::{AnyTerm, NameCondition};
///
/// let mut inv = Inventory::new();
/// for (name, zone) in [("a", "z1"), ("b", "z2"), ("c", "z3")] {
///     inv.insert("", name, &LabelSet::from_pairs([("zone", zone), ("disk", "ssd")])?)?;
/// }
/// let terms = vec![
///     AnyTerm { labels: Some("zone=z1".parse()?), names: None },
///     AnyTerm { labels: None, names: Some(vec![NameCondition { name: "c".into(), equal: true }]) },
/// ];
/// let base: Selector = "disk=ssd".parse()?;
/// let plan = inv.compile_any(Some(&base), &terms);
/// let names: Vec<_> = plan.select().iter().map(|id| inv.get(id).unwrap().name()).collect();
/// assert_eq!(names, ["a", "c"]);
/// let b = inv.id("", "b").unwrap();
/// let tree = plan.explain(b).unwrap();
/// assert!(!tree.matched());
/// assert_eq!(tree.to_string(), "b is not selected\n\
///     base: ok     disk=ssd  (disk=\"ssd\")\n\
///     term 0: REJECT zone=z1  (zone=\"z2\")\n\
///     term 1: REJECT name c  (name \"b\")");
/// # Ok::<(), label_selector::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct AnyPlan<'v> {
    view: &'v View,
    base: Option<(Selector, Plan<'v>)>,
    terms: Vec<(AnyTerm, Option<Plan<'v>>)>,
}

impl<'v> AnyPlan<'v> {
    /// The objects selected: the base's, intersected with the union of the terms'.
    pub fn select(&self) -> ObjectSet {
        let mut union = ObjectSet::new();
        for (term, plan) in &self.terms {
            union |= &self.term_set(term, plan.as_ref());
        }
        match &self.base {
            Some((_, plan)) => union & &plan.select(),
            None => union,
        }
    }

    fn term_set(&self, term: &AnyTerm, plan: Option<&Plan<'v>>) -> ObjectSet {
        if term.labels.is_none() && term.names.is_none() {
            return ObjectSet::new();
        }
        let mut set = match plan {
            Some(p) => p.select(),
            None => self.view.live().to_set(),
        };
        for c in term.names.iter().flatten() {
            let named: ObjectSet = self.view.id("", &c.name).into_iter().collect();
            if c.equal {
                set &= &named;
            } else {
                set -= &named;
            }
        }
        set
    }

    /// Whether one object is selected.
    pub fn matches(&self, id: ObjectId) -> bool {
        self.explain(id).is_some_and(|t| t.matched())
    }

    /// Each part's verdict on object `id`; `None` if `id` is not live.
    pub fn explain(&self, id: ObjectId) -> Option<PlanTree> {
        let obj = self.view.get(id)?;
        let base = match &self.base {
            Some((sel, _)) => Some(self.view.explain(id, sel)?),
            None => None,
        };
        let mut terms = Vec::with_capacity(self.terms.len());
        for (term, _) in &self.terms {
            let labels = match &term.labels {
                Some(sel) => Some(self.view.explain(id, sel)?),
                None => None,
            };
            // Name conditions are about cluster-scoped objects, as `term_set` looks them up:
            // a namespaced object of the same name is never `In` and always `NotIn`.
            let cluster_scoped = obj.namespace().is_empty();
            let names = term.names.as_ref().map(|ns| {
                ns.iter()
                    .map(|c| {
                        (
                            c.clone(),
                            (cluster_scoped && obj.name() == c.name) == c.equal,
                        )
                    })
                    .collect()
            });
            terms.push(TermTree { labels, names });
        }
        Some(PlanTree {
            object: obj.name().to_string(),
            base,
            terms,
        })
    }
}

/// One term's verdicts on one object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TermTree {
    /// The label requirements, each with its verdict.
    pub labels: Option<Explanation>,
    /// The name conditions with their verdicts.
    pub names: Option<Vec<(NameCondition, bool)>>,
}

impl TermTree {
    /// Whether the term selects the object (a term with neither part selects nothing).
    pub fn matched(&self) -> bool {
        (self.labels.is_some() || self.names.is_some())
            && self.labels.as_ref().is_none_or(Explanation::matched)
            && self.names.iter().flatten().all(|(_, ok)| *ok)
    }
}

/// An [`AnyPlan`]'s verdict on one object, part by part: term → requirement → verdict.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanTree {
    object: String,
    /// The base selector's steps.
    pub base: Option<Explanation>,
    /// Each term's verdicts, in order.
    pub terms: Vec<TermTree>,
}

impl PlanTree {
    /// Whether the object is selected: the base holds and some term does.
    pub fn matched(&self) -> bool {
        self.base.as_ref().is_none_or(Explanation::matched)
            && self.terms.iter().any(TermTree::matched)
    }
}

impl fmt::Display for PlanTree {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verdict = if self.matched() {
            "is selected"
        } else {
            "is not selected"
        };
        write!(f, "{} {verdict}", self.object)?;
        if let Some(b) = &self.base {
            for s in b.steps() {
                write!(f, "\nbase: {s}")?;
            }
        }
        for (i, t) in self.terms.iter().enumerate() {
            if t.labels.is_none() && t.names.is_none() {
                write!(f, "\nterm {i}: REJECT (empty term)")?;
            }
            if let Some(l) = &t.labels {
                for s in l.steps() {
                    write!(f, "\nterm {i}: {s}")?;
                }
            }
            for (c, ok) in t.names.iter().flatten() {
                let verdict = super::explain::verdict(*ok);
                let op = if c.equal { "" } else { "not " };
                write!(
                    f,
                    "\nterm {i}: {verdict} name {op}{}  (name {:?})",
                    c.name, self.object
                )?;
            }
        }
        Ok(())
    }
}

impl View {
    /// Compiles `base` AND (`terms[0]` OR `terms[1]` ...) against this view; see
    /// [`AnyPlan`]. No terms select nothing.
    pub fn compile_any(&self, base: Option<&Selector>, terms: &[AnyTerm]) -> AnyPlan<'_> {
        AnyPlan {
            view: self,
            base: base.map(|s| (s.clone(), self.compile(s))),
            terms: terms
                .iter()
                .map(|t| (t.clone(), t.labels.as_ref().map(|s| self.compile(s))))
                .collect(),
        }
    }
}
