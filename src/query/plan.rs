//! Compiling a selector against a view, and running the plan.

use std::fmt;
use std::ops::Bound;

use smallvec::SmallVec;

use crate::index::{ObjectId, ObjectSet, PostingRef, View};
use crate::selector::{Operator, Selector};

/// One input set of a plan.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Term {
    /// The objects with one `key=value`.
    Pair(u32),
    /// The objects with a key.
    Key(u32),
    /// The objects of a namespace.
    Namespace(u32),
    /// The objects with any of these pairs (all of one key, so the postings are disjoint).
    Union(SmallVec<[u32; 4]>),
}

/// A selector compiled against one [`View`]: interned ids resolved, constants folded, inputs
/// ordered cheapest first. Reusable for any number of queries on that view; `Send + Sync`.
///
/// # Examples
///
/// ```
/// use label_selector::{Inventory, LabelSet, Selector};
///
/// let mut inv = Inventory::new();
/// for (name, env) in [("a", "prod"), ("b", "dev"), ("c", "prod")] {
///     inv.insert("ns", name, &LabelSet::from_pairs([("env", env)])?)?;
/// }
/// inv.insert("ns", "gpu-box", &LabelSet::from_pairs([("env", "prod"), ("gpu", "true")])?)?;
/// let snap = inv.snapshot();
/// let plan = snap.compile(&"env=prod,!gpu".parse::<Selector>()?);
/// assert_eq!(plan.count(), 2);
/// let names: Vec<_> = plan.select().iter().map(|id| snap.get(id).unwrap().name()).collect();
/// assert_eq!(names, ["a", "c"]);
/// assert_eq!(plan.to_string(), "(env=prod [3]) - (gpu [1])");
/// # Ok::<(), label_selector::Error>(())
/// ```
#[derive(Clone)]
pub struct Plan<'v> {
    view: &'v View,
    /// The answer is empty whatever the objects.
    empty: bool,
    /// Intersected, cheapest (estimated size) first.
    include: Vec<(Term, u64)>,
    /// Subtracted.
    exclude: Vec<Term>,
}

impl fmt::Debug for Plan<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Plan")
            .field("empty", &self.empty)
            .field("include", &self.include)
            .field("exclude", &self.exclude)
            .finish_non_exhaustive()
    }
}

impl<'v> Plan<'v> {
    pub(crate) fn compile(view: &'v View, selector: &Selector) -> Plan<'v> {
        let mut plan = Plan {
            view,
            empty: selector.is_nothing(),
            include: Vec::new(),
            exclude: Vec::new(),
        };
        for r in selector.requirements() {
            if plan.empty {
                break;
            }
            let key = view.key_id(r.key());
            let found = |k: u32| -> SmallVec<[u32; 4]> {
                r.values()
                    .iter()
                    .filter_map(|v| view.pair_id(k, v))
                    .collect()
            };
            match (r.operator(), key) {
                (Operator::NotEquals | Operator::NotIn | Operator::DoesNotExist, None) => {}
                (_, None) => plan.empty = true,
                (Operator::Equals | Operator::DoubleEquals | Operator::In, Some(k)) => {
                    plan.include_any(found(k));
                }
                (Operator::NotEquals | Operator::NotIn, Some(k)) => {
                    for p in found(k) {
                        plan.exclude_term(Term::Pair(p));
                    }
                }
                (Operator::Exists, Some(k)) => {
                    // Every live object has the key: the requirement holds everywhere.
                    if view.key_posting(k).len() < view.live().len() {
                        plan.include_term(Term::Key(k));
                    }
                }
                (Operator::DoesNotExist, Some(k)) => plan.exclude_term(Term::Key(k)),
                (Operator::GreaterThan, Some(k)) => {
                    let t = r.threshold().unwrap_or(i64::MAX);
                    plan.include_any(
                        view.numeric_pairs(k, (Bound::Excluded(t), Bound::Unbounded))
                            .collect(),
                    );
                }
                (Operator::LessThan, Some(k)) => {
                    let t = r.threshold().unwrap_or(i64::MIN);
                    plan.include_any(
                        view.numeric_pairs(k, (Bound::Unbounded, Bound::Excluded(t)))
                            .collect(),
                    );
                }
            }
        }
        if plan.empty {
            plan.include.clear();
            plan.exclude.clear();
        }
        plan.include.sort_by_key(|&(_, est)| est);
        plan
    }

    /// Restricts the plan to one namespace (an unknown namespace makes it empty).
    ///
    /// ```
    /// use label_selector::{Inventory, LabelSet, Selector};
    ///
    /// let mut inv = Inventory::new();
    /// let web = LabelSet::from_pairs([("app", "web")])?;
    /// inv.insert("shop", "a", &web)?;
    /// inv.insert("blog", "a", &web)?;
    /// let sel: Selector = "app=web".parse()?;
    /// assert_eq!(inv.compile(&sel).in_namespace("shop").count(), 1);
    /// assert_eq!(inv.compile(&sel).in_namespace("none").count(), 0);
    /// # Ok::<(), label_selector::Error>(())
    /// ```
    pub fn in_namespace(mut self, namespace: &str) -> Plan<'v> {
        match self.view.namespace_id(namespace) {
            Some(ns) => {
                self.include_term(Term::Namespace(ns));
                self.include.sort_by_key(|&(_, est)| est);
            }
            None => {
                self.empty = true;
                self.include.clear();
                self.exclude.clear();
            }
        }
        self
    }

    /// Whether the plan is known to select nothing, whatever the objects.
    pub fn is_empty(&self) -> bool {
        self.empty
    }

    fn include_any(&mut self, pairs: SmallVec<[u32; 4]>) {
        match pairs.len() {
            0 => self.empty = true,
            1 => self.include_term(Term::Pair(pairs[0])),
            _ => self.include_term(Term::Union(pairs)),
        }
    }

    fn include_term(&mut self, t: Term) {
        let est = self.estimate(&t);
        if est == 0 {
            self.empty = true;
        }
        if !self.include.iter().any(|(have, _)| *have == t) {
            self.include.push((t, est));
        }
    }

    fn exclude_term(&mut self, t: Term) {
        // Everything live is in it: nothing survives the subtraction.
        if self.estimate(&t) == self.view.live().len() {
            self.empty = true;
        }
        if !self.exclude.contains(&t) {
            self.exclude.push(t);
        }
    }

    /// Exact size of a term (the parts of a union are disjoint).
    fn estimate(&self, t: &Term) -> u64 {
        match t {
            Term::Union(ps) => ps.iter().map(|&p| self.view.pair_posting(p).len()).sum(),
            t => self.single(t).len(),
        }
    }

    fn single(&self, t: &Term) -> PostingRef<'v> {
        match *t {
            Term::Pair(p) => self.view.pair_posting(p),
            Term::Key(k) => self.view.key_posting(k),
            Term::Namespace(n) => self.view.namespace_posting(n),
            Term::Union(_) => PostingRef::EMPTY,
        }
    }

    fn materialize(&self, t: &Term) -> ObjectSet {
        match t {
            Term::Union(ps) => PostingRef::union_all(ps.iter().map(|&p| self.view.pair_posting(p))),
            t => self.single(t).to_set(),
        }
    }

    fn contains(&self, t: &Term, id: u32) -> bool {
        match t {
            Term::Union(ps) => ps.iter().any(|&p| self.view.pair_posting(p).contains(id)),
            t => self.single(t).contains(id),
        }
    }

    fn intersect(&self, acc: &mut ObjectSet, t: &Term) {
        // A small accumulator probes the input instead of building it.
        if acc.len() <= 16 || matches!(t, Term::Union(_)) && acc.len() <= 256 {
            acc.retain(|id| self.contains(t, id));
            return;
        }
        match t {
            Term::Union(_) => *acc &= &self.materialize(t),
            t => self.single(t).intersect_into(acc),
        }
    }

    fn subtract(&self, acc: &mut ObjectSet, t: &Term) {
        match t {
            Term::Union(_) => *acc -= &self.materialize(t),
            t => self.single(t).subtract_from(acc),
        }
    }

    fn run(&self) -> ObjectSet {
        self.run_except(&[])
    }

    /// The selected objects, except that the excluded pairs in `kept` are not subtracted.
    fn run_except(&self, kept: &[u32]) -> ObjectSet {
        if self.empty {
            return ObjectSet::new();
        }
        let mut acc = match self.include.first() {
            Some((t, _)) => self.materialize(t),
            None => self.view.live().to_set(),
        };
        for (t, _) in self.include.iter().skip(1) {
            if acc.is_empty() {
                return acc;
            }
            self.intersect(&mut acc, t);
        }
        for t in &self.exclude {
            if acc.is_empty() {
                break;
            }
            if !matches!(t, Term::Pair(p) if kept.contains(p)) {
                self.subtract(&mut acc, t);
            }
        }
        acc
    }

    /// Counts what [`run`](Plan::run) selects. The excluded values of one key are disjoint
    /// sets (`version notin (v1,v2)`), so they are counted rather than subtracted:
    /// `|A − (P1 ∪ … ∪ Pn)| = |A| − Σ |A ∩ Pi|`, which reads their postings and writes nothing.
    fn count_run(&self) -> u64 {
        let excluded: SmallVec<[(u32, u32); 8]> = self
            .exclude
            .iter()
            .filter_map(|t| match *t {
                Term::Pair(p) => Some((self.view.pair_key(p)?, p)),
                _ => None,
            })
            .collect();
        // The key with the most excluded values.
        let Some(key) = excluded
            .iter()
            .map(|&(k, _)| k)
            .max_by_key(|&k| excluded.iter().filter(|e| e.0 == k).count())
        else {
            return self.run().len();
        };
        let counted: SmallVec<[u32; 8]> = excluded
            .iter()
            .filter(|e| e.0 == key)
            .map(|e| e.1)
            .collect();
        let acc = self.run_except(&counted);
        let hit: u64 = counted
            .iter()
            .map(|&p| self.view.pair_posting(p).intersection_len_set(&acc))
            .sum();
        acc.len() - hit
    }

    /// The selected objects, in id order.
    pub fn select(&self) -> ObjectSet {
        self.run()
    }

    /// How many objects are selected; common shapes (one input, or one input and one
    /// subtraction, or two inputs) are counted without building the set, and excluded values
    /// of one key (`version notin (v1,v2)`) are counted rather than subtracted.
    pub fn count(&self) -> u64 {
        if self.empty {
            return 0;
        }
        let live = self.view.live().len();
        let plain = |t: &Term| !matches!(t, Term::Union(_));
        match (self.include.as_slice(), self.exclude.as_slice()) {
            ([], []) => live,
            ([(_, est)], []) => *est,
            ([], [t]) if plain(t) => live - self.single(t).len(),
            ([(a, _)], [b]) if plain(a) && plain(b) => {
                let a = self.single(a);
                a.len() - a.intersection_len(self.single(b))
            }
            ([(a, _), (b, _)], []) if plain(a) && plain(b) => {
                self.single(a).intersection_len(self.single(b))
            }
            _ => self.count_run(),
        }
    }

    /// Whether one object is selected, without building any set.
    pub fn matches(&self, id: ObjectId) -> bool {
        let id = id.get();
        !self.empty
            && self.view.live().contains(id)
            && self.include.iter().all(|(t, _)| self.contains(t, id))
            && !self.exclude.iter().any(|t| self.contains(t, id))
    }

    fn write_term(&self, f: &mut fmt::Formatter<'_>, t: &Term) -> fmt::Result {
        let pair = |p: u32| self.view.pair_text(p).unwrap_or(("?", "?"));
        match t {
            Term::Pair(p) => {
                let (k, v) = pair(*p);
                write!(f, "{k}={v}")?;
            }
            Term::Key(k) => f.write_str(self.view.key_text(*k).unwrap_or("?"))?,
            Term::Namespace(n) => {
                let ns = self.view.namespace_text(*n).unwrap_or("?");
                write!(f, "namespace {ns}")?;
            }
            Term::Union(ps) => {
                let (k, _) = pair(ps[0]);
                write!(f, "{k} in {{")?;
                for (i, &p) in ps.iter().enumerate() {
                    write!(f, "{}{}", if i > 0 { "," } else { "" }, pair(p).1)?;
                }
                f.write_str("}")?;
            }
        }
        write!(f, " [{}]", self.estimate(t))
    }
}

/// The plan in words: `(a [n]) & (b [m]) - (c [k])`, sizes in brackets; `live` when the
/// plan starts from the live set, `empty` when it is folded to nothing.
impl fmt::Display for Plan<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.empty {
            return f.write_str("empty");
        }
        if self.include.is_empty() {
            write!(f, "live [{}]", self.view.live().len())?;
        }
        for (i, (t, _)) in self.include.iter().enumerate() {
            f.write_str(if i > 0 { " & (" } else { "(" })?;
            self.write_term(f, t)?;
            f.write_str(")")?;
        }
        for t in &self.exclude {
            f.write_str(" - (")?;
            self.write_term(f, t)?;
            f.write_str(")")?;
        }
        Ok(())
    }
}

impl View {
    /// Compiles `selector` against this view; see [`Plan`].
    pub fn compile(&self, selector: &Selector) -> Plan<'_> {
        Plan::compile(self, selector)
    }

    /// The objects `selector` selects, in id order: exactly those for which
    /// [`Selector::matches`] is true.
    ///
    /// ```
    /// use label_selector::{Inventory, LabelSet, Selector};
    ///
    /// let mut inv = Inventory::new();
    /// let a = inv.insert("ns", "a", &LabelSet::from_pairs([("cores", "8")])?)?;
    /// inv.insert("ns", "b", &LabelSet::from_pairs([("cores", "2")])?)?;
    /// inv.insert("ns", "c", &LabelSet::new())?;
    /// let big: Selector = "cores>4".parse()?;
    /// assert_eq!(inv.select(&big).iter().collect::<Vec<_>>(), [a]);
    /// // Requirements that absent keys satisfy:
    /// assert_eq!(inv.count(&"cores notin (2)".parse()?), 2);
    /// # Ok::<(), label_selector::Error>(())
    /// ```
    pub fn select(&self, selector: &Selector) -> ObjectSet {
        self.compile(selector).select()
    }

    /// How many objects `selector` selects.
    pub fn count(&self, selector: &Selector) -> u64 {
        self.compile(selector).count()
    }

    /// The objects of `namespace` that `selector` selects.
    pub fn select_in(&self, namespace: &str, selector: &Selector) -> ObjectSet {
        self.compile(selector).in_namespace(namespace).select()
    }

    /// How many objects of `namespace` `selector` selects.
    pub fn count_in(&self, namespace: &str, selector: &Selector) -> u64 {
        self.compile(selector).in_namespace(namespace).count()
    }
}
