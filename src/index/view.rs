//! [`View`]: the read side of an inventory, shared by the writer and its snapshots.

use std::collections::BTreeSet;
use std::fmt;
use std::sync::Arc;

use roaring::RoaringBitmap;
use smallvec::SmallVec;

use super::cow::CowVec;
use super::dict::Dict;
use super::set::{ObjectId, Posting, PostingRef, bitmap_bytes};
use crate::selector::{LabelSet, Labels, parse_int};

/// An object's labels: `key=value` pair ids ordered by key id. Eight fit inline.
pub(crate) type PairIds = SmallVec<[u32; 8]>;

/// Per-key sorted numeric view: `(value as int64, pair id)` for every value of the key that
/// parses as an integer (leniently: `+5`, `007`, `-0`), so `>` and `<` are range scans.
pub(crate) type Numeric = Option<Arc<BTreeSet<(i64, u32)>>>;

/// A consistent, read-only view of an inventory's objects and postings.
///
/// An [`Inventory`](crate::Inventory) dereferences to the writer's current view and a
/// [`Snapshot`](crate::Snapshot) to a published one, so the read methods (lookups, iteration,
/// stats, and [`compile`](View::compile), [`select`](View::select),
/// [`count`](View::count), [`explain`](View::explain) from the query module) are the same on
/// both.
///
/// # Examples
///
/// ```
/// use label_selector::{Inventory, LabelSet};
///
/// let mut inv = Inventory::new();
/// let id = inv.insert("shop", "web-1", &LabelSet::from_pairs([("app", "web")])?)?;
/// let pod = inv.get(id).unwrap();
/// assert_eq!((pod.namespace(), pod.name()), ("shop", "web-1"));
/// assert_eq!(pod.label("app"), Some("web"));
/// assert_eq!(inv.id("shop", "web-1"), Some(id));
/// # Ok::<(), label_selector::Error>(())
/// ```
#[derive(Clone)]
pub struct View {
    pub(crate) keys: Dict,
    pub(crate) key_postings: CowVec<Posting>,
    pub(crate) numeric: CowVec<Numeric>,
    pub(crate) pairs: Dict,
    pub(crate) pair_postings: CowVec<Posting>,
    pub(crate) namespaces: Dict,
    pub(crate) ns_postings: CowVec<Posting>,
    pub(crate) names: Dict,
    pub(crate) objects: CowVec<PairIds>,
    pub(crate) live: Arc<RoaringBitmap>,
    pub(crate) version: u64,
}

impl fmt::Debug for View {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("View")
            .field("version", &self.version)
            .field("stats", &self.stats())
            .finish_non_exhaustive()
    }
}

/// Counts and sizes of an inventory; see [`View::stats`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// Live objects.
    pub objects: usize,
    /// Distinct label keys in use.
    pub keys: usize,
    /// Distinct `key=value` pairs in use.
    pub values: usize,
    /// Namespaces with at least one object.
    pub namespaces: usize,
    /// Bytes of posting bitmaps (pairs, keys, namespaces and the live set).
    pub bitmap_bytes: usize,
    /// Everything the view holds, in bytes: [`View::memory_usage`].
    pub total_bytes: usize,
}

/// One live object as seen through a [`View`].
///
/// It implements [`Labels`], so a [`Selector`](crate::Selector) can test it directly.
#[derive(Clone, Copy)]
pub struct ObjectRef<'v> {
    view: &'v View,
    id: ObjectId,
    namespace: &'v str,
    name: &'v str,
    pairs: &'v [u32],
}

impl<'v> ObjectRef<'v> {
    /// The object's id.
    pub fn id(&self) -> ObjectId {
        self.id
    }

    /// The namespace (`""` for cluster-scoped objects such as nodes).
    pub fn namespace(&self) -> &'v str {
        self.namespace
    }

    /// The name.
    pub fn name(&self) -> &'v str {
        self.name
    }

    /// The value of one label.
    pub fn label(&self, key: &str) -> Option<&'v str> {
        let key = self.view.keys.find(0, key)?;
        let i = self.view.find_key(self.pairs, key).ok()?;
        self.view.pairs.get(self.pairs[i]).map(|(_, v)| v)
    }

    /// The labels as `(key, value)`, in no particular order.
    pub fn label_pairs(&self) -> impl Iterator<Item = (&'v str, &'v str)> + 'v {
        let view = self.view;
        self.pairs.iter().filter_map(move |&p| view.pair_text(p))
    }

    /// The labels as a sorted [`LabelSet`] (allocates).
    pub fn labels(&self) -> LabelSet {
        let mut set = LabelSet::new();
        for (k, v) in self.label_pairs() {
            set.upsert(k.into(), v.into());
        }
        set
    }
}

impl fmt::Debug for ObjectRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ObjectRef")
            .field("id", &self.id)
            .field("namespace", &self.namespace)
            .field("name", &self.name)
            .field("labels", &self.labels().to_string())
            .finish()
    }
}

impl Labels for ObjectRef<'_> {
    fn get_label(&self, key: &str) -> Option<&str> {
        self.label(key)
    }
}

impl View {
    pub(crate) fn new() -> View {
        View {
            keys: Dict::new(),
            key_postings: CowVec::default(),
            numeric: CowVec::default(),
            pairs: Dict::new(),
            pair_postings: CowVec::default(),
            namespaces: Dict::new(),
            ns_postings: CowVec::default(),
            names: Dict::new(),
            objects: CowVec::default(),
            live: Arc::new(RoaringBitmap::new()),
            version: 0,
        }
    }

    /// Live objects.
    pub fn len(&self) -> usize {
        self.live.len() as usize
    }

    /// Whether there are no live objects.
    pub fn is_empty(&self) -> bool {
        self.live.is_empty()
    }

    /// How many changes (inserts, relabels, deletes) the inventory had applied when this view
    /// was taken; grows by one per change that altered something.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// The id of the object `namespace/name`.
    pub fn id(&self, namespace: &str, name: &str) -> Option<ObjectId> {
        let ns = self.namespaces.find(0, namespace)?;
        self.names.find(ns, name).map(ObjectId::new)
    }

    /// A live object by id.
    pub fn get(&self, id: ObjectId) -> Option<ObjectRef<'_>> {
        let (ns, name) = self.names.get(id.get())?;
        let (_, namespace) = self.namespaces.get(ns)?;
        Some(ObjectRef {
            view: self,
            id,
            namespace,
            name,
            pairs: self.objects.get(id.get() as usize)?,
        })
    }

    /// The live objects in id order.
    pub fn iter(&self) -> impl Iterator<Item = ObjectRef<'_>> + '_ {
        self.live
            .iter()
            .filter_map(|id| self.get(ObjectId::new(id)))
    }

    /// The namespaces that have objects, in no particular order.
    pub fn namespaces(&self) -> impl Iterator<Item = &str> + '_ {
        self.namespaces.iter().map(|(_, _, ns)| ns)
    }

    /// Counts and sizes.
    pub fn stats(&self) -> Stats {
        let bitmaps = |v: &CowVec<Posting>| v.iter().map(Posting::heap_bytes).sum::<usize>();
        let bitmap_bytes = bitmaps(&self.pair_postings)
            + bitmaps(&self.key_postings)
            + bitmaps(&self.ns_postings)
            + bitmap_bytes(&self.live);
        Stats {
            objects: self.len(),
            keys: self.keys.len(),
            values: self.pairs.len(),
            namespaces: self.namespaces.len(),
            bitmap_bytes,
            total_bytes: self.memory_usage_with(bitmap_bytes),
        }
    }

    /// Approximate bytes held by this view: interning tables, object records, postings and
    /// numeric views. Chunks shared with other snapshots are counted in full.
    ///
    /// ```
    /// use label_selector::{Inventory, LabelSet};
    ///
    /// let mut inv = Inventory::new();
    /// let before = inv.memory_usage();
    /// inv.insert("ns", "a", &LabelSet::from_pairs([("app", "web")])?)?;
    /// assert!(inv.memory_usage() > before);
    /// # Ok::<(), label_selector::Error>(())
    /// ```
    pub fn memory_usage(&self) -> usize {
        self.stats().total_bytes
    }

    fn memory_usage_with(&self, bitmap_bytes: usize) -> usize {
        let spilled: usize = self
            .objects
            .iter()
            .filter(|p| p.spilled())
            .map(|p| p.capacity() * 4)
            .sum();
        let numeric: usize = self
            .numeric
            .iter()
            .flatten()
            .map(|n| 48 + n.len() * 24)
            .sum();
        size_of::<View>()
            + self.keys.heap_bytes()
            + self.pairs.heap_bytes()
            + self.namespaces.heap_bytes()
            + self.names.heap_bytes()
            + self.key_postings.heap_bytes()
            + self.pair_postings.heap_bytes()
            + self.ns_postings.heap_bytes()
            + self.numeric.heap_bytes()
            + self.objects.heap_bytes()
            + spilled
            + numeric
            + bitmap_bytes
    }

    /// The key and value of a live pair id.
    pub(crate) fn pair_text(&self, pair: u32) -> Option<(&str, &str)> {
        let (key, value) = self.pairs.get(pair)?;
        Some((self.keys.get(key)?.1, value))
    }

    /// The key id of a live pair id.
    pub(crate) fn pair_key(&self, pair: u32) -> Option<u32> {
        self.pairs.tag(pair)
    }

    /// Where key id `key` is among an object's pairs (ordered by key id): `Ok(position)`, or
    /// `Err(insertion point)`. Looks up only the pairs it passes.
    pub(crate) fn find_key(&self, pairs: &[u32], key: u32) -> Result<usize, usize> {
        for (i, &p) in pairs.iter().enumerate() {
            match self.pairs.tag(p) {
                Some(k) if k == key => return Ok(i),
                Some(k) if k > key => return Err(i),
                _ => {}
            }
        }
        Err(pairs.len())
    }

    // ---- crate-level accessors for the query engine ----

    /// The live set, as a posting.
    pub(crate) fn live(&self) -> PostingRef<'_> {
        PostingRef::of_bitmap(&self.live)
    }

    pub(crate) fn key_text(&self, key: u32) -> Option<&str> {
        self.keys.get(key).map(|(_, s)| s)
    }

    pub(crate) fn namespace_text(&self, ns: u32) -> Option<&str> {
        self.namespaces.get(ns).map(|(_, s)| s)
    }

    pub(crate) fn key_id(&self, key: &str) -> Option<u32> {
        self.keys.find(0, key)
    }

    pub(crate) fn pair_id(&self, key: u32, value: &str) -> Option<u32> {
        self.pairs.find(key, value)
    }

    pub(crate) fn namespace_id(&self, namespace: &str) -> Option<u32> {
        self.namespaces.find(0, namespace)
    }

    pub(crate) fn pair_posting(&self, pair: u32) -> PostingRef<'_> {
        self.pair_postings
            .get(pair as usize)
            .map_or(PostingRef::EMPTY, Posting::as_ref)
    }

    pub(crate) fn key_posting(&self, key: u32) -> PostingRef<'_> {
        self.key_postings
            .get(key as usize)
            .map_or(PostingRef::EMPTY, Posting::as_ref)
    }

    pub(crate) fn namespace_posting(&self, ns: u32) -> PostingRef<'_> {
        self.ns_postings
            .get(ns as usize)
            .map_or(PostingRef::EMPTY, Posting::as_ref)
    }

    /// Pair ids of `key` whose integer value lies in `range`.
    pub(crate) fn numeric_pairs(
        &self,
        key: u32,
        range: (std::ops::Bound<i64>, std::ops::Bound<i64>),
    ) -> impl Iterator<Item = u32> + '_ {
        use std::ops::Bound::{Excluded, Included, Unbounded};
        let lo = match range.0 {
            Included(n) => Included((n, 0)),
            Excluded(n) => Excluded((n, u32::MAX)),
            Unbounded => Unbounded,
        };
        let hi = match range.1 {
            Included(n) => Included((n, u32::MAX)),
            Excluded(n) => Excluded((n, 0)),
            Unbounded => Unbounded,
        };
        self.numeric
            .get(key as usize)
            .and_then(Option::as_ref)
            .into_iter()
            .flat_map(move |set| set.range((lo, hi)).map(|&(_, p)| p))
    }

    /// Checks every invariant between the tables, postings, numeric views and objects.
    pub(crate) fn validate(&self) -> Result<(), String> {
        self.keys.validate().map_err(|e| format!("keys: {e}"))?;
        self.pairs.validate().map_err(|e| format!("pairs: {e}"))?;
        self.namespaces
            .validate()
            .map_err(|e| format!("namespaces: {e}"))?;
        self.names.validate().map_err(|e| format!("names: {e}"))?;
        self.live
            .internal_validate()
            .map_err(|e| format!("live set: {e}"))?;
        // Rebuild every posting from the objects and compare.
        let mut pair_exp: Vec<RoaringBitmap> = vec![RoaringBitmap::new(); self.pairs.id_bound()];
        let mut key_exp: Vec<RoaringBitmap> = vec![RoaringBitmap::new(); self.keys.id_bound()];
        let mut ns_exp: Vec<RoaringBitmap> = vec![RoaringBitmap::new(); self.namespaces.id_bound()];
        let mut live = RoaringBitmap::new();
        for (id, ns, _) in self.names.iter() {
            live.insert(id);
            *ns_exp
                .get_mut(ns as usize)
                .ok_or(format!("object {id} has a dead namespace {ns}"))? |= {
                let mut b = RoaringBitmap::new();
                b.insert(id);
                b
            };
            let pairs = self
                .objects
                .get(id as usize)
                .ok_or(format!("object {id} has no label record"))?;
            let mut last_key = None;
            for &p in pairs {
                let key = self
                    .pairs
                    .tag(p)
                    .ok_or(format!("object {id} holds dead pair {p}"))?;
                if last_key.is_some_and(|k| k >= key) {
                    return Err(format!(
                        "object {id}: pairs not in strictly increasing key order"
                    ));
                }
                last_key = Some(key);
                pair_exp[p as usize].insert(id);
                key_exp
                    .get_mut(key as usize)
                    .ok_or(format!("pair {p} has a dead key {key}"))?
                    .insert(id);
            }
        }
        if live != *self.live {
            return Err("live set differs from the named objects".into());
        }
        for (id, o) in self.objects.iter().enumerate() {
            if !self.live.contains(id as u32) && !o.is_empty() {
                return Err(format!("dead object {id} keeps labels"));
            }
        }
        let check = |what: &str, got: &CowVec<Posting>, exp: &[RoaringBitmap], dict: &Dict| {
            for (i, e) in exp.iter().enumerate() {
                let g = got.get(i).cloned().unwrap_or_default();
                if let Posting::Many(b) = &g {
                    b.internal_validate()
                        .map_err(|err| format!("{what} {i}: {err}"))?;
                    if b.len() < 2 {
                        return Err(format!("{what} {i}: a bitmap of {} members", b.len()));
                    }
                }
                if g.to_bitmap() != *e {
                    return Err(format!("{what} {i}: posting differs from the objects"));
                }
                if e.is_empty() == dict.tag(i as u32).is_some() {
                    return Err(format!(
                        "{what} {i}: interned exactly when its posting is empty"
                    ));
                }
            }
            if got.iter().skip(exp.len()).any(|p| p.len() > 0) {
                return Err(format!("{what}: a posting past the last id"));
            }
            Ok::<(), String>(())
        };
        check("pair", &self.pair_postings, &pair_exp, &self.pairs)?;
        check("key", &self.key_postings, &key_exp, &self.keys)?;
        check("namespace", &self.ns_postings, &ns_exp, &self.namespaces)?;
        // Numeric views hold exactly the live integer-valued pairs of each key.
        let mut num_exp: Vec<BTreeSet<(i64, u32)>> = vec![BTreeSet::new(); self.keys.id_bound()];
        for (p, key, value) in self.pairs.iter() {
            if let Some(n) = parse_int(value) {
                num_exp[key as usize].insert((n, p));
            }
        }
        for (k, exp) in num_exp.iter().enumerate() {
            let got = self.numeric.get(k).cloned().flatten();
            let got = got.as_deref().cloned().unwrap_or_default();
            if got != *exp {
                return Err(format!("numeric view of key {k} differs"));
            }
        }
        Ok(())
    }
}
