//! Posting lists of selector slots, keyed by `(namespace, anchor code)`.
//!
//! An anchor code is a `key=value` pair id times two, a key id times two plus one, or
//! [`UNANCHORED`]. Most pairs anchor selectors of one namespace only (a ReplicaSet's
//! `pod-template-hash`, a Service's `instance`), so each code has a dense *head* indexed by
//! the code itself: the namespace it serves and its posting. Looking up a pair that anchors
//! nothing, or anchors selectors of one namespace, then reads one 8-byte head. A code used in
//! several namespaces moves to a hash map keyed by `(namespace, code)`.
//!
//! A posting of one slot is the slot itself; longer ones point into a side table of lists,
//! which hold up to four members inline (one memory read for a posting of a few selectors).

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};

use smallvec::SmallVec;

use super::slab::Slab;

/// Marks a posting value as an index into [`Postings::lists`] rather than a slot.
const LIST: u32 = 1 << 31;

/// The largest slot number a posting can hold.
pub(super) const MAX_SLOT: u32 = LIST - 1;

/// The code of the posting of selectors with no positive requirement.
pub(super) const UNANCHORED: u32 = u32::MAX;

/// A head's namespace when the code anchors nothing.
const EMPTY: u32 = u32::MAX - 1;
/// A head's namespace when the code's postings are in the map.
const SHARED: u32 = u32::MAX - 2;
/// The largest namespace id a posting can serve ([`EMPTY`] and [`SHARED`] are reserved; the
/// cluster-wide scope is `u32::MAX`).
pub(super) const MAX_NS: u32 = u32::MAX - 3;

/// A hasher for `u64` keys made of two dense ids: one folded multiply with a random seed.
#[derive(Clone, Copy, Debug)]
pub(super) struct IdHash(u64);

impl Default for IdHash {
    fn default() -> IdHash {
        IdHash(RandomState::new().hash_one(0x1d_u64) | 1)
    }
}

impl BuildHasher for IdHash {
    type Hasher = IdHasher;
    fn build_hasher(&self) -> IdHasher {
        IdHasher(self.0, 0)
    }
}

/// The state of one [`IdHash`] hashing.
#[derive(Debug)]
pub(super) struct IdHasher(u64, u64);

impl std::hash::Hasher for IdHasher {
    #[inline]
    fn finish(&self) -> u64 {
        let p = u128::from(self.1 ^ self.0) * u128::from(0x9e37_79b9_7f4a_7c15_u64);
        (p as u64) ^ ((p >> 64) as u64)
    }

    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.1 = self.1.rotate_left(8) ^ u64::from(b);
        }
    }

    #[inline]
    fn write_u64(&mut self, n: u64) {
        self.1 ^= n;
    }
}

/// A code's head: the namespace it serves ([`EMPTY`], [`SHARED`]) and that posting.
#[derive(Clone, Copy, Debug)]
struct Head {
    ns: u32,
    posting: u32,
}

const NO_HEAD: Head = Head {
    ns: EMPTY,
    posting: 0,
};

#[inline]
fn map_key(ns: u32, code: u32) -> u64 {
    u64::from(ns) << 32 | u64::from(code)
}

/// A posting of two or more slots.
type List = SmallVec<[u32; 4]>;

/// The postings of one index.
#[derive(Clone, Debug, Default)]
pub(super) struct Postings {
    heads: Vec<Head>,
    map: HashMap<u64, u32, IdHash>,
    lists: Slab<List>,
}

impl Postings {
    /// The members of the posting of `(ns, code)`, in no particular order.
    #[inline]
    pub(super) fn get(&self, ns: u32, code: u32) -> &[u32] {
        let head = match self.heads.get(code as usize) {
            Some(h) if h.ns == ns => &h.posting,
            Some(h) if h.ns != SHARED => return &[],
            _ => match self.map.get(&map_key(ns, code)) {
                Some(p) => p,
                None => return &[],
            },
        };
        self.members(head)
    }

    #[inline]
    fn members<'a>(&'a self, posting: &'a u32) -> &'a [u32] {
        if posting & LIST == 0 {
            std::slice::from_ref(posting)
        } else {
            &self.lists[posting & !LIST]
        }
    }

    /// Adds `slot` (at most [`MAX_SLOT`]) to the posting of `(ns, code)`. Returns whether the
    /// posting outgrew its room: a list's length passed 4, 8, 16, … (its capacity doubles
    /// then, and shrinking never lowers it, so a posting that churns around one length is
    /// reported once, not on every add).
    pub(super) fn add(&mut self, ns: u32, code: u32, slot: u32) -> bool {
        debug_assert!(slot <= MAX_SLOT && (ns <= MAX_NS || ns == u32::MAX));
        if code != UNANCHORED {
            let i = code as usize;
            if self.heads.len() <= i {
                self.heads.resize(i + 1, NO_HEAD);
            }
            let head = self.heads[i];
            if head.ns == EMPTY {
                self.heads[i] = Head { ns, posting: slot };
                return false;
            }
            if head.ns == ns {
                let (p, outgrown) = self.grow(head.posting, slot);
                self.heads[i].posting = p;
                return outgrown;
            }
            if head.ns != SHARED {
                self.map.insert(map_key(head.ns, code), head.posting);
                self.heads[i] = Head {
                    ns: SHARED,
                    posting: 0,
                };
            }
        }
        let k = map_key(ns, code);
        let (p, outgrown) = match self.map.get(&k) {
            Some(&p) => self.grow(p, slot),
            None => (slot, false),
        };
        self.map.insert(k, p);
        outgrown
    }

    /// A posting with `slot` added, and whether its list had to grow its capacity (doubled
    /// here, so that capacity marks the lengths already reported).
    fn grow(&mut self, posting: u32, slot: u32) -> (u32, bool) {
        if posting & LIST != 0 {
            let list = &mut self.lists[posting & !LIST];
            let outgrown = list.len() == list.capacity();
            if outgrown {
                list.reserve_exact(list.capacity());
            }
            list.push(slot);
            return (posting, outgrown);
        }
        (
            LIST | self.lists.insert(SmallVec::from_slice(&[posting, slot])),
            false,
        )
    }

    /// A posting with `slot` removed; `None` when it is left empty.
    fn shrink(&mut self, posting: u32, slot: u32) -> Option<u32> {
        if posting & LIST == 0 {
            return (posting != slot).then_some(posting);
        }
        let at = posting & !LIST;
        let list = &mut self.lists[at];
        if let Some(i) = list.iter().position(|&s| s == slot) {
            list.swap_remove(i);
        }
        if list.len() > 1 {
            return Some(posting);
        }
        self.lists.remove(at).first().copied()
    }

    /// Removes `slot` from the posting of `(ns, code)`, if it is there.
    pub(super) fn remove(&mut self, ns: u32, code: u32, slot: u32) {
        if let Some(&head) = self.heads.get(code as usize) {
            if head.ns == ns {
                self.heads[code as usize] = match self.shrink(head.posting, slot) {
                    Some(posting) => Head { ns, posting },
                    None => NO_HEAD,
                };
                return;
            }
            if head.ns != SHARED {
                return;
            }
        }
        let k = map_key(ns, code);
        let Some(&p) = self.map.get(&k) else {
            return;
        };
        match self.shrink(p, slot) {
            Some(p) => {
                self.map.insert(k, p);
            }
            None => {
                self.map.remove(&k);
            }
        }
    }

    /// Every non-empty posting as `(ns, code, members)`, for validation.
    pub(super) fn entries(&self) -> impl Iterator<Item = (u32, u32, &[u32])> + '_ {
        let heads = self
            .heads
            .iter()
            .enumerate()
            .filter(|(_, h)| h.ns != EMPTY && h.ns != SHARED)
            .map(|(code, h)| (h.ns, code as u32, self.members(&h.posting)));
        let map = self
            .map
            .iter()
            .map(|(&k, p)| ((k >> 32) as u32, k as u32, self.members(p)));
        heads.chain(map)
    }

    /// Distinct non-empty postings.
    pub(super) fn len(&self) -> usize {
        self.entries().count()
    }

    /// Heap bytes: heads, the map's buckets and control bytes, and the lists.
    pub(super) fn heap_bytes(&self) -> usize {
        let buckets = match self.map.capacity() {
            0 => 0,
            c => (c * 8 / 7).next_power_of_two(),
        };
        self.heads.capacity() * size_of::<Head>()
            + buckets * (size_of::<(u64, u32)>() + 1)
            + self.lists.heap_bytes()
            + self
                .lists
                .iter()
                .filter(|l| l.spilled())
                .map(|l| l.capacity() * 4)
                .sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use super::{Postings, UNANCHORED};

    fn sorted(p: &Postings, ns: u32, code: u32) -> Vec<u32> {
        let mut v = p.get(ns, code).to_vec();
        v.sort_unstable();
        v
    }

    #[test]
    fn heads_then_lists_then_shared_codes() {
        let mut p = Postings::default();
        p.add(0, 7, 1);
        assert_eq!(p.get(0, 7), [1]);
        assert!(p.get(1, 7).is_empty());
        assert!(p.get(0, 6).is_empty() && p.get(0, 1000).is_empty());
        p.add(0, 7, 2);
        p.add(0, 7, 3);
        assert_eq!(sorted(&p, 0, 7), [1, 2, 3]);
        // A second namespace moves the code to the map.
        p.add(5, 7, 4);
        assert_eq!(sorted(&p, 0, 7), [1, 2, 3]);
        assert_eq!(sorted(&p, 5, 7), [4]);
        assert!(p.get(6, 7).is_empty());
        p.remove(0, 7, 1);
        p.remove(0, 7, 3);
        assert_eq!(p.get(0, 7), [2]);
        assert_eq!(p.lists.next_place(), 0, "the emptied list's place is free");
        p.remove(0, 7, 9);
        p.remove(0, 7, 2);
        p.remove(5, 7, 4);
        assert_eq!(p.len(), 0);
        // The unanchored code lives in the map only.
        p.add(u32::MAX, UNANCHORED, 8);
        p.add(u32::MAX, UNANCHORED, 9);
        assert_eq!(sorted(&p, u32::MAX, UNANCHORED), [8, 9]);
        assert_eq!(p.lists.places(), 1, "a freed list is reused");
        // A head freed by removal serves a new namespace.
        p.add(3, 7, 10);
        assert_eq!(p.get(3, 7), [10]);
        assert_eq!(p.len(), 2);
    }
}
