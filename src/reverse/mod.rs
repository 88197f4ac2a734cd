//! Reverse matching: many registered selectors, one object; which selectors select it.
//!
//! Every controller asks this on each pod event: which Services route to the pod, which
//! ReplicaSets, StatefulSets or DaemonSets own it, which PodDisruptionBudgets count it, whose
//! anti-affinity terms it falls under. Kubernetes scans every selector of the namespace
//! (`GetPodServices`, `GetPodReplicaSets`, `GetPodPodDisruptionBudgets`); a
//! [`SelectorIndex`] looks up a handful of postings instead.
//!
//! # How it works
//!
//! Each registered selector is compiled to interned key and `key=value` ids and filed under
//! one **anchor**: one of its requirements that only an object carrying some label can
//! satisfy.
//!
//! - `k=v` and `k==v` file the selector under the pair `k=v`; `k in (a,b)` under both `k=a`
//!   and `k=b` (an object has one value per key, so it reaches the selector at most once);
//!   `k`, `k>n` and `k<n` under the key `k`.
//! - Among its positive requirements, a selector takes the one through which the fewest
//!   selectors are expected to be reached per object event: the length of its postings in
//!   its scope, divided for `k=v` and `k in (…)` by how many distinct values of `k` the
//!   registered selectors mention (one object carries one of them), and not divided for `k`,
//!   `k>n`, `k<n` (every object with the key reaches them). Ties go to the value fewer
//!   selectors mention. A Service on `app.kubernetes.io/name` and `component` goes under its
//!   name, of which there is one per app, even while its `component` posting is shorter;
//!   a ReplicaSet's `pod-template-hash` beats the `instance` it shares with its siblings.
//! - Postings grow after their members chose them: when one outgrows 4, 8, 16, … members,
//!   each member moves to another of its requirements if that is now strictly cheaper.
//!   A posting churning around one length is examined once, not on every insert.
//! - A selector with no positive requirement (`everything`, or only `!=`, `notin`, `!k`) is
//!   filed under its scope's *unanchored* posting, which every object of the scope reaches.
//!   [`nothing`](crate::Selector::nothing) is kept but filed nowhere.
//!
//! `matching` interns the object's labels by lookup (labels no selector mentions are
//! skipped), reads the postings of each `(scope, pair)`, `(scope, key)` and the unanchored
//! posting, for the object's namespace and for cluster-wide selectors, and checks each
//! selector reached against all of its requirements. Every selector is reached at most once,
//! so no deduplication or counting is needed, and the check is exact: the same result as
//! [`Selector::matches`](crate::Selector::matches) for every operator, including `!=`,
//! `notin` and `!k`, which hold when the key is absent.
//!
//! This is the k-index of Whang et al. ("Indexing Boolean Expressions", PVLDB 2009) reduced
//! to one posting per conjunction: where the k-index files every predicate and counts hits,
//! this files the single most selective one and verifies, so selectors that share `app`
//! cost nothing unless the object also carries their rarer label, and purely negative
//! selectors are verified once each instead of adding one entry per predicate.

mod compiled;
mod postings;
mod slab;
mod strings;

use std::borrow::Borrow;
use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::hash::Hash;

use smallvec::SmallVec;

use crate::error::Error;
use crate::selector::check_namespace;
use crate::selector::{Requirement, Selector, parse_int};
use compiled::{MAX_KEY, NO_PAIR, ObjLabel, Object, Words, op};
use postings::{MAX_NS, MAX_SLOT, Postings, UNANCHORED as UNANCHORED_CODE};
use slab::Slab;
use strings::Strings;

/// Where a registered selector applies: which namespaces' objects it may select.
///
/// # Examples
///
/// ```
/// use label_selector::Scope;
///
/// assert!(Scope::namespace("shop").contains("shop"));
/// assert!(!Scope::namespace("shop").contains("kube-system"));
/// assert!(Scope::namespaces(["a", "b"]).contains("b"));
/// assert!(Scope::All.contains("anything"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Scope {
    /// Objects of every namespace, and cluster-scoped objects (namespace `""`).
    All,
    /// Objects of one namespace: a Service, ReplicaSet or PodDisruptionBudget.
    Namespace(String),
    /// Objects of any of these namespaces: a pod affinity term with `namespaces`. An empty set
    /// selects nothing.
    Namespaces(BTreeSet<String>),
}

impl Scope {
    /// The scope of one namespace.
    pub fn namespace(ns: impl Into<String>) -> Scope {
        Scope::Namespace(ns.into())
    }

    /// The scope of a set of namespaces.
    pub fn namespaces<I, S>(namespaces: I) -> Scope
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Scope::Namespaces(namespaces.into_iter().map(Into::into).collect())
    }

    /// Whether an object of namespace `ns` is in the scope.
    pub fn contains(&self, ns: &str) -> bool {
        match self {
            Scope::All => true,
            Scope::Namespace(n) => n == ns,
            Scope::Namespaces(set) => set.contains(ns),
        }
    }
}

impl fmt::Display for Scope {
    /// `*` for all namespaces, the namespace, or the set as `{a,b}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scope::All => f.write_str("*"),
            Scope::Namespace(ns) => f.write_str(ns),
            Scope::Namespaces(set) => {
                f.write_str("{")?;
                for (i, ns) in set.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    f.write_str(ns)?;
                }
                f.write_str("}")
            }
        }
    }
}

/// One label of an object given to [`SelectorIndex::matching`]: a `(key, value)` pair of
/// anything that reads as `str`, owned or borrowed, so that maps, label sets and slices of
/// pairs all work.
///
/// # Examples
///
/// ```
/// use label_selector::LabelPair;
///
/// let owned = ("app".to_string(), "web".to_string());
/// assert_eq!((&owned).key(), "app");
/// assert_eq!(("tier", "db").value(), "db");
/// ```
pub trait LabelPair {
    /// The label's key.
    fn key(&self) -> &str;
    /// The label's value.
    fn value(&self) -> &str;
}

impl<K: AsRef<str>, V: AsRef<str>> LabelPair for (K, V) {
    #[inline]
    fn key(&self) -> &str {
        self.0.as_ref()
    }
    #[inline]
    fn value(&self) -> &str {
        self.1.as_ref()
    }
}

impl<K: AsRef<str>, V: AsRef<str>> LabelPair for &(K, V) {
    #[inline]
    fn key(&self) -> &str {
        self.0.as_ref()
    }
    #[inline]
    fn value(&self) -> &str {
        self.1.as_ref()
    }
}

/// The namespace id that stands for cluster-wide selectors in posting keys.
const ALL: u32 = u32::MAX;
/// Marks a slot's scope as an index into `sets`.
const SET: u32 = 1 << 31;
/// The anchor of a selector with no positive requirement.
const UNANCHORED: u32 = u32::MAX;
/// The anchor of [`Selector::nothing`]: filed nowhere.
const NOWHERE: u32 = u32::MAX - 1;

#[inline]
fn pair_code(pair: u32) -> u32 {
    pair << 1
}

#[inline]
fn key_code(key: u32) -> u32 {
    key << 1 | 1
}

/// A registered selector.
#[derive(Clone, Debug)]
struct Slot<K> {
    /// The caller's key; `None` for a free slot.
    key: Option<K>,
    /// A namespace id, [`ALL`], or [`SET`] plus an index into `sets`.
    scope: u32,
    /// Where the anchoring predicate starts in `preds`, [`UNANCHORED`] or [`NOWHERE`].
    anchor: u32,
    preds: Words,
}

impl<K> Default for Slot<K> {
    /// A free slot.
    fn default() -> Self {
        Slot {
            key: None,
            scope: ALL,
            anchor: NOWHERE,
            preds: Words::new(),
        }
    }
}

/// A reference count per interned id.
#[derive(Clone, Debug, Default)]
struct Refs(Vec<u32>);

impl Refs {
    fn acquire(&mut self, id: u32) {
        let i = id as usize;
        if self.0.len() <= i {
            self.0.resize(i + 1, 0);
        }
        self.0[i] += 1;
    }

    /// Drops one reference; true when it was the last.
    fn release(&mut self, id: u32) -> bool {
        let r = &mut self.0[id as usize];
        *r -= 1;
        *r == 0
    }

    #[inline]
    fn get(&self, id: u32) -> u32 {
        self.0.get(id as usize).copied().unwrap_or(0)
    }

    /// The first id counted differently here and in `other`.
    fn differs(&self, other: &Refs) -> Option<u32> {
        (0..self.0.len().max(other.0.len()) as u32).find(|&id| self.get(id) != other.get(id))
    }
}

/// The cost of filing a selector under one of its predicates (see
/// `SelectorIndex::anchor_cost`): `load / spread` selectors reached per object event, ties
/// going to the values fewer selectors mention (a ReplicaSet's `pod-template-hash` before the
/// `instance` its siblings will share).
#[derive(Clone, Copy, Debug)]
struct Cost {
    load: u64,
    spread: u64,
    mentions: u64,
}

impl Cost {
    /// `load / spread` against `other`'s, mentions aside.
    fn reach_cmp(&self, other: &Cost) -> std::cmp::Ordering {
        (u128::from(self.load) * u128::from(other.spread))
            .cmp(&(u128::from(other.load) * u128::from(self.spread)))
    }

    /// Whether `self` expects strictly fewer selectors reached than `other`.
    fn expects_fewer(&self, other: &Cost) -> bool {
        self.reach_cmp(other).is_lt()
    }
}

impl PartialEq for Cost {
    fn eq(&self, other: &Cost) -> bool {
        self.cmp(other).is_eq()
    }
}

impl Eq for Cost {}

impl PartialOrd for Cost {
    fn partial_cmp(&self, other: &Cost) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Cost {
    fn cmp(&self, other: &Cost) -> std::cmp::Ordering {
        self.reach_cmp(other)
            .then(self.mentions.cmp(&other.mentions))
    }
}

/// Selectors registered under caller-chosen keys, answering which of them select an object.
///
/// `K` is whatever the caller uses to name the selector's owner: a `(kind, namespace, name)`
/// tuple, a UID, a dense `u32`. Each selector has a [`Scope`]. Registering under a key that is
/// already present replaces that selector. Matching takes `&self`, allocates only the result,
/// and is exact: a key is returned when the object's namespace is in the selector's scope and
/// [`Selector::matches`] holds for the object's labels. See the [module docs](self) for how.
///
/// # Examples
///
/// A pod event in, the owning ReplicaSets and the selecting Services out:
///
/// ```
/// use std::collections::BTreeMap;
/// use label_selector::{Scope, Selector, SelectorIndex};
///
/// #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
/// enum Owner {
///     Service(String),
///     ReplicaSet(String),
/// }
///
/// let mut index = SelectorIndex::new();
/// let shop = || Scope::namespace("shop");
/// // A Service's spec.selector is a map; a ReplicaSet's selector a structured selector.
/// let web = Selector::from_map([("app", "web")])?;
/// index.insert(Owner::Service("web".into()), shop(), &web)?;
/// let canary: Selector = "app=web,track=canary".parse()?;
/// index.insert(Owner::Service("web-canary".into()), shop(), &canary)?;
/// let rs: Selector = "app=web,pod-template-hash=7d9f8b6c5d".parse()?;
/// index.insert(Owner::ReplicaSet("web-7d9f8b6c5d".into()), shop(), &rs)?;
///
/// // The informer hands us a pod.
/// let pod = BTreeMap::from([("app", "web"), ("pod-template-hash", "7d9f8b6c5d")]);
/// let mut owners = index.matching("shop", &pod);
/// owners.sort();
/// assert_eq!(
///     owners,
///     [
///         &Owner::Service("web".into()),
///         &Owner::ReplicaSet("web-7d9f8b6c5d".into()),
///     ]
/// );
/// // The same labels in another namespace match nothing here.
/// assert_eq!(index.matching_count("other", &pod), 0);
///
/// // The Deployment rolls out: the ReplicaSet is deleted.
/// assert!(index.remove(&Owner::ReplicaSet("web-7d9f8b6c5d".into())));
/// assert_eq!(index.matching_count("shop", &pod), 1);
/// # Ok::<(), label_selector::Error>(())
/// ```
#[derive(Clone)]
pub struct SelectorIndex<K> {
    keys: Strings,
    pairs: Strings,
    namespaces: Strings,
    key_refs: Refs,
    pair_refs: Refs,
    ns_refs: Refs,
    /// Distinct values interned per key id: how finely a key splits the objects that carry it.
    values: Refs,
    /// Slots anchored in the cluster-wide scope.
    all_scoped: usize,
    slots: Slab<Slot<K>>,
    by_key: HashMap<K, u32>,
    sets: Slab<Box<[u32]>>,
    postings: Postings,
}

impl<K> fmt::Debug for SelectorIndex<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SelectorIndex")
            .field("selectors", &self.by_key.len())
            .field("keys", &self.keys.len())
            .field("pairs", &self.pairs.len())
            .field("namespaces", &self.namespaces.len())
            .field("postings", &self.postings.len())
            .finish_non_exhaustive()
    }
}

impl<K: Eq + Hash + Clone> Default for SelectorIndex<K> {
    fn default() -> Self {
        SelectorIndex::new()
    }
}

/// Ids acquired while registering a selector, released again if registration fails.
#[derive(Default)]
struct Acquired {
    keys: SmallVec<[u32; 8]>,
    pairs: SmallVec<[u32; 8]>,
    namespaces: SmallVec<[u32; 4]>,
}

impl<K: Eq + Hash + Clone> SelectorIndex<K> {
    /// An empty index.
    pub fn new() -> SelectorIndex<K> {
        SelectorIndex {
            keys: Strings::new(),
            pairs: Strings::new(),
            namespaces: Strings::new(),
            key_refs: Refs::default(),
            pair_refs: Refs::default(),
            ns_refs: Refs::default(),
            values: Refs::default(),
            all_scoped: 0,
            slots: Slab::default(),
            by_key: HashMap::new(),
            sets: Slab::default(),
            postings: Postings::default(),
        }
    }

    /// Registers `selector` under `key` for objects in `scope`, replacing the selector that
    /// `key` had. Returns whether one was replaced.
    ///
    /// # Errors
    ///
    /// Nothing changes on error; a replaced selector stays as it was.
    ///
    /// - [`ErrorKind::NamespaceInvalid`](crate::ErrorKind::NamespaceInvalid): a namespace of the scope is not a DNS label, such as
    ///   `Shop` or `-a`;
    /// - [`ErrorKind::CapacityExceeded`](crate::ErrorKind::CapacityExceeded): more than 2^28 distinct keys, 2^31 distinct
    ///   `key=value` pairs, namespaces or selectors.
    ///
    /// # Examples
    ///
    /// ```
    /// use label_selector::{ErrorKind, Scope, Selector, SelectorIndex};
    ///
    /// let mut index = SelectorIndex::new();
    /// let s: Selector = "app=web".parse()?;
    /// assert!(!index.insert("svc/web", Scope::namespace("shop"), &s)?);
    /// assert!(index.insert("svc/web", Scope::All, &s)?);
    /// let err = index.insert("svc/x", Scope::namespace("Shop"), &s).unwrap_err();
    /// assert_eq!(err.kind(), &ErrorKind::NamespaceInvalid);
    /// # Ok::<(), label_selector::Error>(())
    /// ```
    pub fn insert(&mut self, key: K, scope: Scope, selector: &Selector) -> Result<bool, Error> {
        match &scope {
            Scope::All => {}
            Scope::Namespace(ns) => check_namespace(ns)?,
            Scope::Namespaces(set) => set.iter().try_for_each(|ns| check_namespace(ns))?,
        }
        if self.slots.next_place() > MAX_SLOT as usize && !self.by_key.contains_key(&key) {
            return Err(Error::capacity("selectors"));
        }
        let mut got = Acquired::default();
        let compiled = self
            .compile(selector, &mut got)
            .and_then(|preds| Ok((preds, self.intern_scope(&scope, &mut got)?)));
        let (preds, scope) = match compiled {
            Ok(c) => c,
            Err(e) => {
                self.release(&got);
                return Err(e);
            }
        };
        let replaced = match self.by_key.get(&key) {
            Some(&slot) => {
                self.unlink(slot);
                true
            }
            None => false,
        };
        let anchor = if selector.is_nothing() {
            NOWHERE
        } else {
            self.choose_anchor(&preds, scope)
        };
        let slot = Slot {
            key: Some(key.clone()),
            scope,
            anchor,
            preds,
        };
        let at = self.slots.insert(slot);
        self.by_key.insert(key, at);
        for (ns, code) in self.file(at, 1) {
            self.rebalance(ns, code);
        }
        Ok(replaced)
    }

    /// Unregisters the selector of `key`. Returns whether there was one.
    ///
    /// # Examples
    ///
    /// ```
    /// use label_selector::{Scope, Selector, SelectorIndex};
    ///
    /// let mut index = SelectorIndex::new();
    /// index.insert(1_u32, Scope::All, &Selector::everything())?;
    /// assert!(index.remove(&1));
    /// assert!(!index.remove(&1));
    /// assert!(index.is_empty());
    /// # Ok::<(), label_selector::Error>(())
    /// ```
    pub fn remove<Q>(&mut self, key: &Q) -> bool
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        match self.by_key.remove(key) {
            Some(slot) => {
                self.unlink(slot);
                true
            }
            None => false,
        }
    }

    /// Whether a selector is registered under `key`.
    pub fn contains_key<Q>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.by_key.contains_key(key)
    }

    /// The scope and selector registered under `key`, rebuilt from the index (equal to the
    /// ones given to [`insert`](SelectorIndex::insert)).
    ///
    /// # Examples
    ///
    /// ```
    /// use label_selector::{Scope, Selector, SelectorIndex};
    ///
    /// let mut index = SelectorIndex::new();
    /// let s: Selector = "tier notin (db),app==web,cores>4".parse()?;
    /// index.insert("pdb/web", Scope::namespaces(["a", "b"]), &s)?;
    /// let (scope, back) = index.get("pdb/web").unwrap();
    /// assert_eq!(back, s);
    /// assert_eq!(scope.to_string(), "{a,b}");
    /// # Ok::<(), label_selector::Error>(())
    /// ```
    pub fn get<Q>(&self, key: &Q) -> Option<(Scope, Selector)>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let slot = &self.slots[*self.by_key.get(key)?];
        let scope = match slot.scope {
            ALL => Scope::All,
            s if s & SET != 0 => Scope::Namespaces(
                self.sets[s & !SET]
                    .iter()
                    .map(|&ns| self.namespace_text(ns).to_string())
                    .collect(),
            ),
            ns => Scope::Namespace(self.namespace_text(ns).to_string()),
        };
        if slot.anchor == NOWHERE {
            return Some((scope, Selector::nothing()));
        }
        let requirements = compiled::preds(&slot.preds).map(|p| {
            let key = self.keys.get(p.key).map_or("", |(_, k)| k);
            let values = p
                .pairs
                .iter()
                .map(|&id| self.pairs.get(id).map_or("", |(_, v)| v));
            Requirement::new(key, compiled::operator(p.op), values)
                .expect("a registered requirement was valid and is rebuilt from its own parts")
        });
        Some((scope, Selector::from_requirements(requirements)))
    }

    /// How many selectors are registered.
    pub fn len(&self) -> usize {
        self.by_key.len()
    }

    /// Whether no selector is registered.
    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }

    /// The registered keys, in no particular order.
    pub fn keys(&self) -> impl Iterator<Item = &K> + '_ {
        self.by_key.keys()
    }

    /// The keys of the selectors that select an object of namespace `namespace` (`""` for a
    /// cluster-scoped object) with these labels, in no particular order.
    ///
    /// `labels` is any sequence of [`LabelPair`]s: `&BTreeMap<String, String>`,
    /// `&HashMap<String, String>`, `&[(String, String)]`, a [`LabelSet`](crate::LabelSet)'s
    /// [`iter`](crate::LabelSet::iter). If a key
    /// repeats, its last value counts, as in a map. Labels need not be valid: an invalid value
    /// simply equals no selector's value.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::collections::HashMap;
    /// use label_selector::{Scope, Selector, SelectorIndex};
    ///
    /// let mut index = SelectorIndex::new();
    /// index.insert("no-gpu", Scope::All, &"!gpu".parse::<Selector>()?)?;
    /// index.insert("big", Scope::All, &"cores>8".parse::<Selector>()?)?;
    /// let node = HashMap::from([("cores".to_string(), "16".to_string())]);
    /// let mut hits = index.matching("", &node);
    /// hits.sort();
    /// assert_eq!(hits, [&"big", &"no-gpu"]);
    /// # Ok::<(), label_selector::Error>(())
    /// ```
    pub fn matching<I, L>(&self, namespace: &str, labels: I) -> Vec<&K>
    where
        I: IntoIterator<Item = L>,
        L: LabelPair,
    {
        // Most objects are selected by a handful of selectors: one allocation, usually.
        let mut out = Vec::with_capacity(8);
        self.for_each_match(namespace, labels, |k| out.push(k));
        out
    }

    /// How many selectors select the object; see [`matching`](SelectorIndex::matching).
    pub fn matching_count<I, L>(&self, namespace: &str, labels: I) -> usize
    where
        I: IntoIterator<Item = L>,
        L: LabelPair,
    {
        let mut n = 0;
        self.for_each_match(namespace, labels, |_| n += 1);
        n
    }

    /// Calls `f` with the key of each selector that selects the object; see
    /// [`matching`](SelectorIndex::matching). Allocates nothing for objects of up to 16 labels
    /// that some selector mentions.
    pub fn for_each_match<'a, I, L>(&'a self, namespace: &str, labels: I, mut f: impl FnMut(&'a K))
    where
        I: IntoIterator<Item = L>,
        L: LabelPair,
    {
        if self.by_key.is_empty() {
            return;
        }
        let obj = self.object(labels);
        let ns = self.namespaces.find(0, namespace);
        // All postings are read before any selector is checked: the reads do not depend on
        // each other, so their cache misses overlap instead of queueing behind the checks.
        // Up to 16 labels, two codes each, in two scopes, and two unanchored postings.
        let mut reached: SmallVec<[&[u32]; 66]> = SmallVec::new();
        for scope in [ns, (self.all_scoped > 0).then_some(ALL)]
            .into_iter()
            .flatten()
        {
            for l in &obj {
                if l.pair != NO_PAIR {
                    reached.push(self.postings.get(scope, pair_code(l.pair)));
                }
                reached.push(self.postings.get(scope, key_code(l.key)));
            }
            reached.push(self.postings.get(scope, UNANCHORED_CODE));
        }
        for &slot in reached.iter().flat_map(|p| p.iter()) {
            let s = &self.slots[slot];
            if let Some(k) = &s.key
                && compiled::holds(&s.preds, &obj)
            {
                f(k);
            }
        }
    }

    /// Heap bytes held by the index, excluding whatever the keys `K` themselves own on the
    /// heap (nothing for integer keys).
    pub fn memory_usage(&self) -> usize {
        let buckets = match self.by_key.capacity() {
            0 => 0,
            c => (c * 8 / 7).next_power_of_two(),
        };
        let refs = [&self.key_refs, &self.pair_refs, &self.ns_refs, &self.values];
        self.keys.heap_bytes()
            + self.pairs.heap_bytes()
            + self.namespaces.heap_bytes()
            + refs.iter().map(|r| r.0.capacity() * 4).sum::<usize>()
            + self.slots.heap_bytes()
            + self
                .slots
                .iter()
                .filter(|s| s.preds.spilled())
                .map(|s| s.preds.capacity() * 4)
                .sum::<usize>()
            + buckets * (size_of::<(K, u32)>() + 1)
            + self.sets.heap_bytes()
            + self.sets.iter().map(|s| s.len() * 4).sum::<usize>()
            + self.postings.heap_bytes()
    }

    /// The object's labels as interned ids; labels whose key no selector mentions are left out.
    fn object<I, L>(&self, labels: I) -> Object
    where
        I: IntoIterator<Item = L>,
        L: LabelPair,
    {
        // Keys first (a small table, in cache), then the pairs (a large one) back to back, so
        // that their cache misses overlap.
        let mut known: SmallVec<[(u32, u64, L); 16]> = SmallVec::new();
        for label in labels {
            if let Some(key) = self.keys.find(0, label.key()) {
                let hash = self.pairs.hash(key, label.value());
                known.push((key, hash, label));
            }
        }
        let mut obj = Object::new();
        for (key, hash, label) in &known {
            let v = label.value();
            obj.push(ObjLabel {
                key: *key,
                pair: self.pairs.find_hashed(*key, v, *hash).unwrap_or(NO_PAIR),
                number: parse_int(v),
            });
        }
        compiled::normalize(&mut obj);
        obj
    }

    fn namespace_text(&self, ns: u32) -> &str {
        self.namespaces.get(ns).map_or("", |(_, t)| t)
    }

    /// Compiles a selector's requirements, acquiring their key and pair ids.
    fn compile(&mut self, selector: &Selector, got: &mut Acquired) -> Result<Words, Error> {
        let mut words = Words::new();
        let mut pairs: SmallVec<[u32; 4]> = SmallVec::new();
        for r in selector.requirements() {
            let (key, _) = self
                .keys
                .intern(0, r.key())
                .ok_or_else(|| Error::capacity("keys"))?;
            self.key_refs.acquire(key);
            got.keys.push(key);
            if key > MAX_KEY {
                return Err(Error::capacity("keys"));
            }
            pairs.clear();
            let code = compiled::code(r.operator());
            {
                for v in r.values() {
                    let (pair, new) = self
                        .pairs
                        .intern(key, v)
                        .ok_or_else(|| Error::capacity("label values"))?;
                    if new {
                        self.values.acquire(key);
                    }
                    self.pair_refs.acquire(pair);
                    got.pairs.push(pair);
                    if pair >= 1 << 31 {
                        return Err(Error::capacity("label values"));
                    }
                    pairs.push(pair);
                }
            }
            compiled::push(&mut words, code, key, &pairs, r.threshold().unwrap_or(0));
        }
        words.shrink_to_fit();
        Ok(words)
    }

    /// Interns a scope's namespaces; the slot's scope word.
    fn intern_scope(&mut self, scope: &Scope, got: &mut Acquired) -> Result<u32, Error> {
        let mut one = |this: &mut Self, ns: &str| -> Result<u32, Error> {
            let (id, _) = this
                .namespaces
                .intern(0, ns)
                .ok_or_else(|| Error::capacity("namespaces"))?;
            this.ns_refs.acquire(id);
            got.namespaces.push(id);
            if id >= SET || id > MAX_NS {
                return Err(Error::capacity("namespaces"));
            }
            Ok(id)
        };
        match scope {
            Scope::All => Ok(ALL),
            Scope::Namespace(ns) => one(self, ns),
            Scope::Namespaces(set) => {
                let ids = set
                    .iter()
                    .map(|ns| one(self, ns))
                    .collect::<Result<Box<[u32]>, Error>>()?;
                if self.sets.next_place() >= (SET - 1) as usize {
                    return Err(Error::capacity("namespaces"));
                }
                Ok(SET | self.sets.insert(ids))
            }
        }
    }

    /// Releases ids acquired by a registration that failed.
    fn release(&mut self, got: &Acquired) {
        for &p in &got.pairs {
            if self.pair_refs.release(p) {
                if let Some(key) = self.pairs.tag(p) {
                    self.values.release(key);
                }
                self.pairs.remove(p);
            }
        }
        for &k in &got.keys {
            if self.key_refs.release(k) {
                self.keys.remove(k);
            }
        }
        for &ns in &got.namespaces {
            if self.ns_refs.release(ns) {
                self.namespaces.remove(ns);
            }
        }
    }

    /// The namespace ids a scope word stands for ([`ALL`] for cluster-wide).
    fn scope_ids<'s>(&'s self, scope: &'s u32) -> &'s [u32] {
        if *scope != ALL && *scope & SET != 0 {
            &self.sets[*scope & !SET]
        } else {
            std::slice::from_ref(scope)
        }
    }

    /// The positive predicate of least [`anchor_cost`](Self::anchor_cost) in the scope (the
    /// first of equal ones), or [`UNANCHORED`].
    fn choose_anchor(&self, preds: &[u32], scope: u32) -> u32 {
        let ids = self.scope_ids(&scope);
        compiled::preds(preds)
            .filter(|p| p.is_positive())
            .map(|p| (self.anchor_cost(&p, ids, false), p.at))
            .min()
            .map_or(UNANCHORED, |(_, at)| at)
    }

    /// What anchoring on `p` costs, as an estimate of the selectors an object event reaches
    /// through it: the length its postings in the namespaces `ids` have with the selector in
    /// them (`filed`: it is there already), times the share of objects expected to carry
    /// the predicate's values. For `k=v` and `k in (…)` that share is one over the number of
    /// distinct values of `k` that selectors mention (`app.kubernetes.io/name` has one per
    /// app, `component` a handful, so a Service on both is filed under its name even while
    /// few Services share its component); for `k`, `k>n` and `k<n`, every object with the key.
    fn anchor_cost(&self, p: &compiled::Pred<'_>, ids: &[u32], filed: bool) -> Cost {
        let load = |code: u32| -> u64 {
            ids.iter()
                .map(|&ns| (self.postings.get(ns, code).len() + usize::from(!filed)) as u64)
                .sum()
        };
        match p.op {
            op::EQ | op::DEQ | op::IN => Cost {
                load: p.pairs.iter().map(|&v| load(pair_code(v))).sum(),
                spread: u64::from(self.values.get(p.key).max(1)),
                mentions: p
                    .pairs
                    .iter()
                    .map(|&v| u64::from(self.pair_refs.get(v)))
                    .sum(),
            },
            _ => Cost {
                load: load(key_code(p.key)),
                spread: 1,
                mentions: u64::MAX,
            },
        }
    }

    /// Re-anchors the members of a posting that outgrew its room: a selector filed when this
    /// posting was short (its `component=web` when it was the first Service of that component in
    /// the namespace) moves to another of its predicates if that one is now strictly cheaper
    /// ([`anchor_cost`](Self::anchor_cost), with the selector counted where it is filed). The
    /// unanchored posting has nothing to move.
    fn rebalance(&mut self, ns: u32, code: u32) {
        if code == UNANCHORED_CODE {
            return;
        }
        let members: SmallVec<[u32; 16]> = SmallVec::from_slice(self.postings.get(ns, code));
        for at in members {
            let slot = &self.slots[at];
            if slot.key.is_none() || slot.anchor == UNANCHORED || slot.anchor == NOWHERE {
                continue;
            }
            let ids = self.scope_ids(&slot.scope);
            let preds = compiled::preds(&slot.preds);
            let Some(now) = preds.clone().find(|p| p.at == slot.anchor) else {
                continue;
            };
            let current = self.anchor_cost(&now, ids, true);
            let better = preds
                .filter(|p| p.is_positive() && p.at != slot.anchor)
                .map(|p| (self.anchor_cost(&p, ids, false), p.at))
                .min()
                .filter(|(cost, _)| cost.expects_fewer(&current));
            if let Some((_, anchor)) = better {
                self.file(at, -1);
                self.slots[at].anchor = anchor;
                self.file(at, 1);
            }
        }
    }

    /// The posting codes a slot is filed under.
    fn codes(slot: &Slot<K>) -> SmallVec<[u32; 4]> {
        match slot.anchor {
            NOWHERE => SmallVec::new(),
            UNANCHORED => SmallVec::from_slice(&[UNANCHORED_CODE]),
            at => {
                let p = compiled::preds(&slot.preds[at as usize..])
                    .next()
                    .expect("an anchor points at a predicate");
                match p.op {
                    op::EQ | op::DEQ | op::IN => p.pairs.iter().map(|&v| pair_code(v)).collect(),
                    _ => SmallVec::from_slice(&[key_code(p.key)]),
                }
            }
        }
    }

    /// Adds (`sign` 1) or removes (-1) a slot's postings entries; returns the postings an add
    /// made outgrow their room (see [`Postings::add`]).
    fn file(&mut self, at: u32, sign: i32) -> SmallVec<[(u32, u32); 2]> {
        let slot = &self.slots[at];
        let codes = Self::codes(slot);
        let scope = slot.scope;
        let ids: SmallVec<[u32; 4]> = SmallVec::from_slice(self.scope_ids(&scope));
        let mut outgrown = SmallVec::new();
        for &ns in &ids {
            for &code in &codes {
                if sign > 0 {
                    if self.postings.add(ns, code, at) {
                        outgrown.push((ns, code));
                    }
                } else {
                    self.postings.remove(ns, code, at);
                }
            }
            if ns == ALL && !codes.is_empty() {
                self.all_scoped = self.all_scoped.wrapping_add_signed(sign as isize);
            }
        }
        outgrown
    }

    /// Removes a slot's postings, releases its ids and frees it (its key is already out of
    /// `by_key`, or about to be overwritten).
    fn unlink(&mut self, at: u32) {
        self.file(at, -1);
        let slot = self.slots.remove(at);
        let mut got = Acquired::default();
        for p in compiled::preds(&slot.preds) {
            got.keys.push(p.key);
            got.pairs.extend_from_slice(p.pairs);
        }
        if slot.scope != ALL {
            got.namespaces
                .extend_from_slice(self.scope_ids(&slot.scope));
        }
        if slot.scope != ALL && slot.scope & SET != 0 {
            self.sets.remove(slot.scope & !SET);
        }
        self.release(&got);
    }

    /// Checks the index against its slots: postings, reference and anchor counts, interning
    /// tables. For tests and fuzzing.
    #[doc(hidden)]
    pub fn internal_validate(&self) -> Result<(), String> {
        self.keys.validate()?;
        self.pairs.validate()?;
        self.namespaces.validate()?;
        let mut want: HashMap<(u32, u32), Vec<u32>> = HashMap::new();
        let (mut keys, mut pairs, mut nss) = (Refs::default(), Refs::default(), Refs::default());
        let mut all_scoped = 0;
        let mut live = 0;
        for (at, slot) in self.slots.iter().enumerate() {
            let Some(k) = &slot.key else { continue };
            live += 1;
            if self.by_key.get(k) != Some(&(at as u32)) {
                return Err(format!("slot {at} is not its key's slot"));
            }
            for p in compiled::preds(&slot.preds) {
                keys.acquire(p.key);
                p.pairs.iter().for_each(|&v| pairs.acquire(v));
                if self
                    .pairs
                    .tag(p.pairs.first().copied().unwrap_or(u32::MAX))
                    .is_some_and(|t| t != p.key)
                {
                    return Err(format!("slot {at}: a pair of another key"));
                }
            }
            let codes = Self::codes(slot);
            for &ns in self.scope_ids(&slot.scope) {
                if ns != ALL {
                    nss.acquire(ns);
                } else if !codes.is_empty() {
                    all_scoped += 1;
                }
                for &code in &codes {
                    want.entry((ns, code)).or_default().push(at as u32);
                }
            }
        }
        if live != self.by_key.len() {
            return Err(format!("{live} live slots, {} keys", self.by_key.len()));
        }
        if all_scoped != self.all_scoped {
            return Err(format!("all_scoped {} but {all_scoped}", self.all_scoped));
        }
        let same = |a: &Refs, b: &Refs, what: &str, dict: &Strings| -> Result<(), String> {
            if let Some(id) = a.differs(b) {
                return Err(format!(
                    "{what} {id}: {} counted, {} recorded",
                    a.get(id),
                    b.get(id)
                ));
            }
            if dict.len() != a.0.iter().filter(|&&r| r > 0).count() {
                return Err(format!(
                    "{what}: {} interned, not all referenced",
                    dict.len()
                ));
            }
            Ok(())
        };
        same(&keys, &self.key_refs, "key", &self.keys)?;
        same(&pairs, &self.pair_refs, "pair", &self.pairs)?;
        same(&nss, &self.ns_refs, "namespace", &self.namespaces)?;
        let mut values = Refs::default();
        for (_, key, _) in self.pairs.iter() {
            values.acquire(key);
        }
        if let Some(key) = values.differs(&self.values) {
            return Err(format!(
                "key {key}: {} values interned, {} counted",
                values.get(key),
                self.values.get(key)
            ));
        }
        for (ns, code, members) in self.postings.entries() {
            let mut got = members.to_vec();
            got.sort_unstable();
            let mut members = want.remove(&(ns, code)).unwrap_or_default();
            members.sort_unstable();
            if got.is_empty() || got != members {
                return Err(format!(
                    "posting {ns}/{code}: {got:?}, expected {members:?}"
                ));
            }
        }
        if let Some(((ns, code), members)) = want.into_iter().next() {
            return Err(format!("posting {ns}/{code} missing: {members:?}"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::{Scope, Selector, SelectorIndex};

    /// The key of the predicate `key`'s selector is filed under.
    fn anchor_key(index: &SelectorIndex<u32>, key: u32) -> &str {
        let slot = &index.slots[index.by_key[&key]];
        let p = super::compiled::preds(&slot.preds[slot.anchor as usize..])
            .next()
            .unwrap();
        index.keys.get(p.key).unwrap().1
    }

    fn insert(index: &mut SelectorIndex<u32>, key: u32, text: &str) {
        let s: Selector = text.parse().unwrap();
        index.insert(key, Scope::namespace("shop"), &s).unwrap();
        index.internal_validate().unwrap();
    }

    #[test]
    fn a_posting_that_outgrows_its_room_sheds_selectors_with_a_shorter_one() {
        let mut index = SelectorIndex::new();
        // Nothing to tell `x=1` from `y=1` yet: the first predicate.
        insert(&mut index, 0, "x=1,y=1");
        assert_eq!(anchor_key(&index, 0), "x");
        for k in 1..=3 {
            insert(&mut index, k, "x=1");
            assert_eq!(anchor_key(&index, 0), "x", "{k} selectors beside it");
        }
        // The fifth member outgrows the posting's four places: selector 0 moves to `y=1`,
        // which nothing else is filed under; the ones with nowhere else to go stay.
        insert(&mut index, 4, "x=1");
        assert_eq!(anchor_key(&index, 0), "y");
        assert_eq!(index.postings.get(0, super::pair_code(0)).len(), 4);
        let mut got = index.matching("shop", [("x", "1"), ("y", "1")]);
        got.sort_unstable();
        assert_eq!(got, [&0, &1, &2, &3, &4]);
        assert_eq!(index.matching("shop", [("x", "1")]).len(), 4);
        // Selector 5 goes to `x=1` while `w=1` is crowded, then `w=1` empties.
        for k in 10..20 {
            insert(&mut index, k, "w=1");
        }
        insert(&mut index, 5, "w=1,x=1");
        assert_eq!(anchor_key(&index, 5), "x");
        for k in 10..20 {
            assert!(index.remove(&k));
        }
        // A posting churning around one length (five members, room for eight) is not examined
        // again on every add...
        for round in 0..3 {
            assert!(index.remove(&4));
            insert(&mut index, 4, "x=1");
            assert_eq!(anchor_key(&index, 5), "x", "round {round}");
        }
        // ...but when it outgrows eight places.
        for k in 6..=8 {
            insert(&mut index, k, "x=1");
            assert_eq!(anchor_key(&index, 5), "x", "{k}");
        }
        insert(&mut index, 9, "x=1");
        assert_eq!(anchor_key(&index, 5), "w");
        assert_eq!(index.matching("shop", [("x", "1"), ("w", "1")]).len(), 9);
    }

    #[test]
    fn a_key_with_many_values_anchors_before_a_shorter_posting_of_a_key_with_few() {
        let mut index = SelectorIndex::new();
        for i in 0..10 {
            insert(&mut index, i, &format!("name=n{i}"));
        }
        insert(&mut index, 10, "name=n3");
        insert(&mut index, 11, "tier=t1");
        insert(&mut index, 12, "tier=t2");
        // `name=n3` anchors two selectors and `tier=t0` none, but a pod carries one of ten
        // names and one of three tiers: 3/10 reached per event against 1/3.
        insert(&mut index, 13, "name=n3,tier=t0");
        assert_eq!(anchor_key(&index, 13), "name");
        // With as many tiers as names, the shorter posting wins.
        for i in 3..10 {
            insert(&mut index, 11 + i, &format!("tier=t{i}"));
        }
        insert(&mut index, 30, "name=n3,tier=t0");
        assert_eq!(anchor_key(&index, 30), "tier");
        // Equal costs: the value fewer selectors mention (in any namespace) goes first.
        let other: Selector = "instance=i1".parse().unwrap();
        index.insert(40, Scope::namespace("other"), &other).unwrap();
        index.insert(41, Scope::namespace("other"), &other).unwrap();
        let other: Selector = "pod-template-hash=h1".parse().unwrap();
        index.insert(42, Scope::namespace("other"), &other).unwrap();
        insert(&mut index, 31, "instance=i1,pod-template-hash=h1");
        // Then a key of more values: the ReplicaSet's siblings.
        insert(&mut index, 32, "instance=i1,pod-template-hash=h2");
        insert(&mut index, 33, "instance=i1,pod-template-hash=h3");
        for k in 31..34 {
            assert_eq!(anchor_key(&index, k), "pod-template-hash", "selector {k}");
        }
    }
}
