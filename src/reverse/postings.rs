//! Posting lists of selector slots, keyed by `(scope, anchor)`.
//!
//! Most anchors name one selector (a ReplicaSet's `pod-template-hash`, a Service's
//! `instance`), so the map's value is the slot itself, and only a posting with two or more
//! members points into a side table of vectors. An entry then costs 17 bytes of table.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};

/// Marks a map value as an index into [`Postings::lists`] rather than a slot.
const LIST: u32 = 1 << 31;

/// The largest slot number a posting can hold.
pub(super) const MAX_SLOT: u32 = LIST - 1;

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

/// The postings of one index.
#[derive(Clone, Debug, Default)]
pub(super) struct Postings {
    map: HashMap<u64, u32, IdHash>,
    lists: Vec<Vec<u32>>,
    free_lists: Vec<u32>,
}

impl Postings {
    /// The members of a posting, in no particular order.
    #[inline]
    pub(super) fn get(&self, key: u64) -> &[u32] {
        match self.map.get(&key) {
            None => &[],
            Some(v) if v & LIST == 0 => std::slice::from_ref(v),
            Some(v) => &self.lists[(v & !LIST) as usize],
        }
    }

    /// How many slots a posting holds.
    pub(super) fn len(&self, key: u64) -> usize {
        self.get(key).len()
    }

    /// Adds `slot` (at most [`MAX_SLOT`]) to a posting.
    pub(super) fn add(&mut self, key: u64, slot: u32) {
        debug_assert!(slot <= MAX_SLOT);
        let Some(v) = self.map.get_mut(&key) else {
            self.map.insert(key, slot);
            return;
        };
        if *v & LIST != 0 {
            self.lists[(*v & !LIST) as usize].push(slot);
            return;
        }
        let list = vec![*v, slot];
        let at = match self.free_lists.pop() {
            Some(at) => {
                self.lists[at as usize] = list;
                at
            }
            None => {
                self.lists.push(list);
                (self.lists.len() - 1) as u32
            }
        };
        *v = LIST | at;
    }

    /// Removes `slot` from a posting, if it is there.
    pub(super) fn remove(&mut self, key: u64, slot: u32) {
        let Some(v) = self.map.get_mut(&key) else {
            return;
        };
        if *v & LIST == 0 {
            if *v == slot {
                self.map.remove(&key);
            }
            return;
        }
        let at = (*v & !LIST) as usize;
        let list = &mut self.lists[at];
        if let Some(i) = list.iter().position(|&s| s == slot) {
            list.swap_remove(i);
        }
        if list.len() == 1 {
            *v = list[0];
            self.lists[at] = Vec::new();
            self.free_lists.push(at as u32);
        }
    }

    /// Distinct posting keys.
    pub(super) fn keys(&self) -> usize {
        self.map.len()
    }

    /// Heap bytes: the map's buckets and control bytes, and the lists.
    pub(super) fn heap_bytes(&self) -> usize {
        let buckets = match self.map.capacity() {
            0 => 0,
            c => (c * 8 / 7).next_power_of_two(),
        };
        buckets * (size_of::<(u64, u32)>() + 1)
            + self.lists.capacity() * size_of::<Vec<u32>>()
            + self.lists.iter().map(|l| l.capacity() * 4).sum::<usize>()
            + self.free_lists.capacity() * 4
    }
}

#[cfg(test)]
mod tests {
    use super::Postings;

    #[test]
    fn single_members_inline_then_lists_then_back() {
        let mut p = Postings::default();
        p.add(7, 1);
        assert_eq!(p.get(7), [1]);
        p.add(7, 2);
        p.add(7, 3);
        let mut got = p.get(7).to_vec();
        got.sort_unstable();
        assert_eq!(got, [1, 2, 3]);
        p.remove(7, 1);
        p.remove(7, 3);
        assert_eq!(p.get(7), [2]);
        assert_eq!(p.free_lists, [0]);
        p.remove(7, 9);
        assert_eq!(p.get(7), [2]);
        p.remove(7, 2);
        assert!(p.get(7).is_empty());
        assert_eq!(p.keys(), 0);
        p.add(8, 4);
        p.add(8, 5);
        assert_eq!(p.lists.len(), 1, "a freed list is reused");
    }
}
