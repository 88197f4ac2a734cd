//! Object ids, the public set of ids ([`ObjectSet`]) and the internal posting lists.

use std::fmt;
use std::ops::{BitAnd, BitAndAssign, BitOr, BitOrAssign, Sub, SubAssign};
use std::sync::Arc;

use roaring::{MultiOps, RoaringBitmap};

/// The id of an object in an [`Inventory`](crate::Inventory): dense, `u32`-backed, reused
/// after the object is deleted.
///
/// Ids are stable while an object lives (relabelling keeps it); a deleted object's id may be
/// given to a later insert, so hold `(namespace, name)` for identity across deletes.
///
/// # Examples
///
/// ```
/// use label_selector::ObjectId;
///
/// let id = ObjectId::new(7);
/// assert_eq!(id.get(), 7);
/// assert_eq!(id.to_string(), "#7");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectId(u32);

impl ObjectId {
    /// An id from its number (the inventory decides which numbers are live).
    pub const fn new(n: u32) -> ObjectId {
        ObjectId(n)
    }

    /// The id's number.
    pub const fn get(self) -> u32 {
        self.0
    }
}

impl fmt::Display for ObjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// A set of [`ObjectId`]s: what a query returns. Compressed (roaring bitmap), iterated in
/// ascending id order, combined with `&`, `|` and `-` on owned or borrowed operands; the
/// `*_len` methods count a combination without building it.
///
/// # Examples
///
/// ```
/// use label_selector::{ObjectId, ObjectSet};
///
/// let a: ObjectSet = [1, 2, 3].into_iter().map(ObjectId::new).collect();
/// let b: ObjectSet = [2, 3, 4].into_iter().map(ObjectId::new).collect();
/// assert_eq!(a.intersection_len(&b), 2);
/// let c = &a - &b;
/// assert_eq!(c.iter().collect::<Vec<_>>(), [ObjectId::new(1)]);
/// assert_eq!((a | b).len(), 4);
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ObjectSet {
    bits: RoaringBitmap,
}

impl ObjectSet {
    /// The empty set.
    pub fn new() -> ObjectSet {
        ObjectSet::default()
    }

    /// How many ids.
    pub fn len(&self) -> u64 {
        self.bits.len()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.bits.is_empty()
    }

    /// Whether `id` is in the set.
    pub fn contains(&self, id: ObjectId) -> bool {
        self.bits.contains(id.0)
    }

    /// Adds `id`; returns whether it was new.
    pub fn insert(&mut self, id: ObjectId) -> bool {
        self.bits.insert(id.0)
    }

    /// Removes `id`; returns whether it was present.
    pub fn remove(&mut self, id: ObjectId) -> bool {
        self.bits.remove(id.0)
    }

    /// The ids in ascending order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = ObjectId> + '_ {
        self.bits.iter().map(ObjectId)
    }

    /// The smallest id.
    pub fn first(&self) -> Option<ObjectId> {
        self.bits.min().map(ObjectId)
    }

    /// `|self ∩ other|`, without building the intersection.
    pub fn intersection_len(&self, other: &ObjectSet) -> u64 {
        self.bits.intersection_len(&other.bits)
    }

    /// `|self ∪ other|`, without building the union.
    pub fn union_len(&self, other: &ObjectSet) -> u64 {
        self.bits.union_len(&other.bits)
    }

    /// `|self − other|`, without building the difference.
    pub fn difference_len(&self, other: &ObjectSet) -> u64 {
        self.bits.difference_len(&other.bits)
    }

    /// The union of many sets at once (faster than folding `|`).
    ///
    /// ```
    /// use label_selector::{ObjectId, ObjectSet};
    ///
    /// let sets: Vec<ObjectSet> = (0..3).map(|i| [ObjectId::new(i)].into_iter().collect()).collect();
    /// assert_eq!(ObjectSet::union_all(&sets).len(), 3);
    /// ```
    pub fn union_all<'a>(sets: impl IntoIterator<Item = &'a ObjectSet>) -> ObjectSet {
        ObjectSet {
            bits: sets.into_iter().map(|s| &s.bits).union(),
        }
    }

    /// Keeps the ids for which `f` holds.
    pub(crate) fn retain(&mut self, f: impl FnMut(u32) -> bool) {
        self.bits.retain(f);
    }

    /// Approximate heap bytes held.
    pub fn memory_usage(&self) -> usize {
        bitmap_bytes(&self.bits)
    }
}

impl fmt::Debug for ObjectSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.bits.iter().take(32)).finish()?;
        if self.bits.len() > 32 {
            write!(f, " (+{} more)", self.bits.len() - 32)?;
        }
        Ok(())
    }
}

impl FromIterator<ObjectId> for ObjectSet {
    fn from_iter<I: IntoIterator<Item = ObjectId>>(iter: I) -> ObjectSet {
        ObjectSet {
            bits: iter.into_iter().map(|id| id.0).collect(),
        }
    }
}

impl Extend<ObjectId> for ObjectSet {
    fn extend<I: IntoIterator<Item = ObjectId>>(&mut self, iter: I) {
        self.bits.extend(iter.into_iter().map(|id| id.0));
    }
}

/// Iterator over an owned [`ObjectSet`], in ascending order.
pub struct IntoIter(roaring::bitmap::IntoIter);

impl fmt::Debug for IntoIter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IntoIter")
            .field("remaining", &self.0.size_hint().0)
            .finish()
    }
}

impl Iterator for IntoIter {
    type Item = ObjectId;
    fn next(&mut self) -> Option<ObjectId> {
        self.0.next().map(ObjectId)
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl IntoIterator for ObjectSet {
    type Item = ObjectId;
    type IntoIter = IntoIter;
    fn into_iter(self) -> IntoIter {
        IntoIter(self.bits.into_iter())
    }
}

macro_rules! set_ops {
    ($($trait:ident $method:ident $assign:ident $assign_method:ident),*) => {$(
        impl $trait<&ObjectSet> for &ObjectSet {
            type Output = ObjectSet;
            fn $method(self, rhs: &ObjectSet) -> ObjectSet {
                ObjectSet { bits: $trait::$method(&self.bits, &rhs.bits) }
            }
        }
        impl $trait<&ObjectSet> for ObjectSet {
            type Output = ObjectSet;
            fn $method(self, rhs: &ObjectSet) -> ObjectSet {
                ObjectSet { bits: $trait::$method(self.bits, &rhs.bits) }
            }
        }
        impl $trait<ObjectSet> for ObjectSet {
            type Output = ObjectSet;
            fn $method(self, rhs: ObjectSet) -> ObjectSet {
                ObjectSet { bits: $trait::$method(self.bits, rhs.bits) }
            }
        }
        impl $assign<&ObjectSet> for ObjectSet {
            fn $assign_method(&mut self, rhs: &ObjectSet) {
                $assign::$assign_method(&mut self.bits, &rhs.bits);
            }
        }
    )*};
}

set_ops!(
    BitAnd bitand BitAndAssign bitand_assign,
    BitOr bitor BitOrAssign bitor_assign,
    Sub sub SubAssign sub_assign
);

/// Approximate heap bytes of a bitmap: container payloads (array capacity, 8 KiB per bitset)
/// plus container headers. roaring's own statistics count array slots as four bytes and a
/// bitset's capacity in bits, so they are corrected here.
pub(crate) fn bitmap_bytes(b: &RoaringBitmap) -> usize {
    let s = b.statistics();
    (s.n_bytes_array_containers / 2 + s.n_bytes_run_containers) as usize
        + s.n_bitset_containers as usize * 8192
        + s.n_containers as usize * 32
}

/// Adds `ids`, sorted ascending and none of them present, to `b`: those past its largest
/// member (the usual case in a bulk load) are appended in one pass, reused ids below it are
/// inserted one by one.
pub(crate) fn append_sorted(b: &mut RoaringBitmap, ids: &[u32]) {
    let max = b.max();
    let past = ids.partition_point(|&id| max.is_some_and(|m| id <= m));
    for &id in &ids[..past] {
        b.insert(id);
    }
    if b.append(ids[past..].iter().copied()).is_err() {
        b.extend(ids[past..].iter().copied());
    }
}

/// The ids holding one `key=value`, one key or one namespace. A single member is kept inline:
/// most values of high-cardinality keys (`pod-template-hash`, instance names) have one object.
#[derive(Clone, Debug, Default)]
pub(crate) enum Posting {
    #[default]
    Empty,
    One(u32),
    Many(Arc<RoaringBitmap>),
}

/// A borrowed posting, the query engine's only handle on the index's postings: sizes,
/// membership and set operations into an [`ObjectSet`], never the representation (so that it
/// can change without touching `query/`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct PostingRef<'a>(Rep<'a>);

#[derive(Clone, Copy, Debug)]
enum Rep<'a> {
    Empty,
    One(u32),
    Many(&'a RoaringBitmap),
}

impl Posting {
    pub(crate) fn len(&self) -> u64 {
        match self {
            Posting::Empty => 0,
            Posting::One(_) => 1,
            Posting::Many(b) => b.len(),
        }
    }

    pub(crate) fn as_ref(&self) -> PostingRef<'_> {
        PostingRef(match self {
            Posting::Empty => Rep::Empty,
            Posting::One(x) => Rep::One(*x),
            Posting::Many(b) => Rep::Many(b),
        })
    }

    /// Adds `id`; returns whether it was new.
    pub(crate) fn insert(&mut self, id: u32) -> bool {
        match self {
            Posting::Empty => {
                *self = Posting::One(id);
                true
            }
            Posting::One(x) if *x == id => false,
            Posting::One(x) => {
                let mut b = RoaringBitmap::new();
                b.insert(*x);
                b.insert(id);
                *self = Posting::Many(Arc::new(b));
                true
            }
            // Not `try_push`: on a bitset container it scans for the maximum first.
            Posting::Many(b) => Arc::make_mut(b).insert(id),
        }
    }

    /// Removes `id`; returns whether it was present. Shrinks back to inline form.
    pub(crate) fn remove(&mut self, id: u32) -> bool {
        match self {
            Posting::Empty => false,
            Posting::One(x) => {
                let hit = *x == id;
                if hit {
                    *self = Posting::Empty;
                }
                hit
            }
            Posting::Many(b) => {
                // Callers remove only members, so copying a shared bitmap is never wasted.
                let b = Arc::make_mut(b);
                if !b.remove(id) {
                    return false;
                }
                if b.len() == 1 {
                    let last = b.min().unwrap_or(id);
                    *self = Posting::One(last);
                }
                true
            }
        }
    }

    /// Adds `ids`, sorted ascending and none of them present (a bulk load's new objects).
    pub(crate) fn extend_sorted(&mut self, ids: &[u32]) {
        match (&mut *self, ids) {
            (_, []) => {}
            (Posting::Empty, [x]) => *self = Posting::One(*x),
            (Posting::Many(b), _) => append_sorted(Arc::make_mut(b), ids),
            (_, _) => {
                let mut b = self.to_bitmap();
                append_sorted(&mut b, ids);
                *self = Posting::Many(Arc::new(b));
            }
        }
    }

    pub(crate) fn to_bitmap(&self) -> RoaringBitmap {
        self.as_ref().to_bitmap()
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        match self {
            Posting::Many(b) => 16 + size_of::<RoaringBitmap>() + bitmap_bytes(b),
            _ => 0,
        }
    }
}

impl<'a> PostingRef<'a> {
    /// The empty posting.
    pub(crate) const EMPTY: PostingRef<'static> = PostingRef(Rep::Empty);

    pub(crate) fn of_bitmap(b: &'a RoaringBitmap) -> PostingRef<'a> {
        PostingRef(Rep::Many(b))
    }

    /// How many ids it holds.
    pub(crate) fn len(self) -> u64 {
        match self.0 {
            Rep::Empty => 0,
            Rep::One(_) => 1,
            Rep::Many(b) => b.len(),
        }
    }

    pub(crate) fn contains(self, id: u32) -> bool {
        match self.0 {
            Rep::Empty => false,
            Rep::One(x) => x == id,
            Rep::Many(b) => b.contains(id),
        }
    }

    /// The ids, as an owned set.
    pub(crate) fn to_set(self) -> ObjectSet {
        ObjectSet {
            bits: self.to_bitmap(),
        }
    }

    pub(crate) fn to_bitmap(self) -> RoaringBitmap {
        match self.0 {
            Rep::Empty => RoaringBitmap::new(),
            Rep::One(x) => {
                let mut b = RoaringBitmap::new();
                b.insert(x);
                b
            }
            Rep::Many(b) => b.clone(),
        }
    }

    /// `acc &= self`.
    pub(crate) fn intersect_into(self, acc: &mut ObjectSet) {
        match self.0 {
            Rep::Empty => acc.bits.clear(),
            Rep::One(x) => {
                let hit = acc.bits.contains(x);
                acc.bits.clear();
                if hit {
                    acc.bits.insert(x);
                }
            }
            Rep::Many(b) => acc.bits &= b,
        }
    }

    /// `acc -= self`.
    pub(crate) fn subtract_from(self, acc: &mut ObjectSet) {
        match self.0 {
            Rep::Empty => {}
            Rep::One(x) => {
                acc.bits.remove(x);
            }
            Rep::Many(b) => acc.bits -= b,
        }
    }

    /// `|self ∩ other|`, without building it.
    pub(crate) fn intersection_len(self, other: PostingRef<'_>) -> u64 {
        match (self.0, other.0) {
            (Rep::Empty, _) | (_, Rep::Empty) => 0,
            (Rep::One(x), o) | (o, Rep::One(x)) => u64::from(PostingRef(o).contains(x)),
            (Rep::Many(a), Rep::Many(b)) => a.intersection_len(b),
        }
    }

    /// `|self ∩ set|`, without building it.
    pub(crate) fn intersection_len_set(self, set: &ObjectSet) -> u64 {
        self.intersection_len(PostingRef::of_bitmap(&set.bits))
    }

    /// The union of many postings.
    pub(crate) fn union_all(postings: impl IntoIterator<Item = PostingRef<'a>>) -> ObjectSet {
        let mut ones = Vec::new();
        let mut many = Vec::new();
        for p in postings {
            match p.0 {
                Rep::Empty => {}
                Rep::One(x) => ones.push(x),
                Rep::Many(b) => many.push(b),
            }
        }
        let mut out = many.into_iter().union();
        for x in ones {
            out.insert(x);
        }
        ObjectSet { bits: out }
    }
}
