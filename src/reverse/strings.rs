//! Interning for the reverse index: `(tag, text)` to a dense `u32` id and back, laid out so
//! that a lookup of a short string reads one cache line.
//!
//! The inventory's `Dict` (`index/dict.rs`) keeps the inventory's names in copy-on-write chunks so that a
//! snapshot is free; a hit there reads a slot, an entry and the arena bytes, each behind a
//! chunk table. The reverse index keeps no snapshots and looks strings up on every object
//! event (each label's key and `key=value` pair), so this table is flat: a 32-byte slot holds
//! the hash's high half, the id, the tag, the length and the first 16 bytes of the text. A
//! string of up to 16 bytes (most label values: a `pod-template-hash`, an app name, a
//! version) is compared within its slot; a longer one compares its first 16 bytes there and
//! reads the rest from the arena only when those agree.
//!
//! Open addressing with linear probing and backward-shift deletion, as in `Dict`; freed ids
//! are reused, most recently freed first; freed bytes are reclaimed by compaction once they
//! are more than the live ones.

use crate::index::Hasher;
use crate::index::probing::{self, Probed};

/// Bytes of the text kept in the slot.
const HEAD: usize = 16;
/// `len` of a free entry; its `tag` links to the next free id.
const FREE: u32 = u32::MAX;
/// End of the free list.
const NONE: u32 = u32::MAX;
/// The largest id issued; `u32::MAX` is reserved for [`NONE`].
const MAX_ID: usize = u32::MAX as usize - 1;

/// One slot of the table; `id1` is the id plus one, 0 for an empty slot.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(C, align(32))]
struct Slot {
    hash: u32,
    id1: u32,
    tag: u32,
    len: u32,
    head: [u8; HEAD],
}

/// Where an id's text is in the arena, and its tag.
#[derive(Clone, Copy, Debug)]
struct Entry {
    tag: u32,
    off: u32,
    /// The text's length, or [`FREE`].
    len: u32,
}

/// The first [`HEAD`] bytes of a text, zero-padded.
#[inline]
fn head(text: &[u8]) -> [u8; HEAD] {
    let mut h = [0u8; HEAD];
    let n = text.len().min(HEAD);
    h[..n].copy_from_slice(&text[..n]);
    h
}

/// A tagged string interner; see the module docs.
#[derive(Clone, Debug)]
pub(super) struct Strings {
    slots: Vec<Slot>,
    entries: Vec<Entry>,
    arena: Vec<u8>,
    live: usize,
    live_bytes: usize,
    free_head: u32,
    hasher: Hasher,
    #[cfg(test)]
    weak: bool,
}

impl Strings {
    pub(super) fn new() -> Strings {
        Strings {
            slots: vec![Slot::default(); 16],
            entries: Vec::new(),
            arena: Vec::new(),
            live: 0,
            live_bytes: 0,
            free_head: NONE,
            hasher: Hasher::new(),
            #[cfg(test)]
            weak: false,
        }
    }

    /// Live strings.
    pub(super) fn len(&self) -> usize {
        self.live
    }

    #[inline]
    fn next(&self, i: usize) -> usize {
        probing::next(i, self.slots.len())
    }

    /// The home slot of a hash's high half, scaled to the table size (so the table can grow
    /// by half and growing re-hashes no string).
    #[inline]
    fn home(&self, high: u32) -> usize {
        ((u64::from(high) * self.slots.len() as u64) >> 32) as usize
    }

    #[inline]
    fn text(&self, e: &Entry) -> &[u8] {
        let off = e.off as usize;
        self.arena
            .get(off..off + e.len as usize)
            .unwrap_or_default()
    }

    /// Probes for `(tag, text)`: `Ok(id)` when present, else `Err(slot)` where it would go.
    #[inline]
    fn probe(&self, tag: u32, text: &[u8], hash: u64) -> Result<u32, usize> {
        let high = (hash >> 32) as u32;
        let want = head(text);
        let len = text.len();
        let mut i = self.home(high);
        loop {
            let s = self.slots.get(i).copied().unwrap_or_default();
            if s.id1 == 0 {
                return Err(i);
            }
            if s.hash == high
                && s.tag == tag
                && s.len as usize == len
                && s.head == want
                && (len <= HEAD
                    || self
                        .entries
                        .get(s.id1 as usize - 1)
                        .is_some_and(|e| self.text(e).get(HEAD..) == text.get(HEAD..)))
            {
                return Ok(s.id1 - 1);
            }
            i = self.next(i);
        }
    }

    /// The id of `(tag, text)`, if interned.
    #[inline]
    pub(super) fn find(&self, tag: u32, text: &str) -> Option<u32> {
        self.find_hashed(tag, text, self.hash(tag, text))
    }

    /// The table's hash of `(tag, text)`, for [`find_hashed`](Strings::find_hashed).
    #[inline]
    pub(super) fn hash(&self, tag: u32, text: &str) -> u64 {
        self.hash_bytes(tag, text.as_bytes())
    }

    #[inline]
    fn hash_bytes(&self, tag: u32, text: &[u8]) -> u64 {
        // Tests make strings that share their first two bytes collide whatever their tag, so
        // that the slot's comparisons of tag, length, head and tail are what tells them apart.
        #[cfg(test)]
        if self.weak {
            return self.hasher.hash(0, &text[..text.len().min(2)]);
        }
        self.hasher.hash(tag, text)
    }

    /// [`find`](Strings::find) with the hash computed beforehand, so that a caller can hash
    /// a batch of strings and then probe them back to back.
    #[inline]
    pub(super) fn find_hashed(&self, tag: u32, text: &str, hash: u64) -> Option<u32> {
        self.probe(tag, text.as_bytes(), hash).ok()
    }

    /// The tag and text of a live id.
    pub(super) fn get(&self, id: u32) -> Option<(u32, &str)> {
        let e = self.entries.get(id as usize)?;
        if e.len == FREE {
            return None;
        }
        // Only `&str` bytes are ever stored.
        Some((e.tag, std::str::from_utf8(self.text(e)).unwrap_or_default()))
    }

    /// The tag of a live id.
    pub(super) fn tag(&self, id: u32) -> Option<u32> {
        let e = self.entries.get(id as usize)?;
        (e.len != FREE).then_some(e.tag)
    }

    /// The id of `(tag, text)`, interning it if new; `None` when ids or arena (4 GiB) are
    /// exhausted, with nothing changed. The flag tells whether the string was new.
    pub(super) fn intern(&mut self, tag: u32, text: &str) -> Option<(u32, bool)> {
        let b = text.as_bytes();
        let hash = self.hash_bytes(tag, b);
        let mut at = match self.probe(tag, b, hash) {
            Ok(id) => return Some((id, false)),
            Err(at) => at,
        };
        if self.free_head == NONE && self.entries.len() > MAX_ID {
            return None;
        }
        let off = u32::try_from(self.arena.len()).ok()?;
        let len = u32::try_from(b.len()).ok().filter(|&l| l != FREE)?;
        if u32::try_from(self.arena.len() + b.len()).is_err() {
            return None;
        }
        // At most 80 % full; growing by half keeps the average load near two thirds.
        if (self.live + 1) * 5 > self.slots.len() * 4 && self.slots.len() < 1 << 32 {
            self.rehash((self.slots.len() + self.slots.len() / 2).min(1 << 32));
            at = self.probe(tag, b, hash).err()?;
        }
        self.arena.extend_from_slice(b);
        let entry = Entry { tag, off, len };
        let id = if self.free_head != NONE {
            let id = self.free_head;
            let e = self.entries.get_mut(id as usize)?;
            self.free_head = e.tag;
            *e = entry;
            id
        } else {
            self.entries.push(entry);
            (self.entries.len() - 1) as u32
        };
        *self.slots.get_mut(at)? = Slot {
            hash: (hash >> 32) as u32,
            id1: id + 1,
            tag,
            len,
            head: head(b),
        };
        self.live += 1;
        self.live_bytes += b.len();
        Some((id, true))
    }

    /// Frees a live id; its number is reused by a later [`intern`](Strings::intern).
    pub(super) fn remove(&mut self, id: u32) {
        let Some(e) = self.entries.get(id as usize).copied() else {
            return;
        };
        if e.len == FREE {
            return;
        }
        let high = (self.hash_bytes(e.tag, self.text(&e)) >> 32) as u32;
        // Not in the table (never happens while the invariants hold): nothing to free.
        let Some(hole) = probing::find_in_cluster(self, self.home(high), |i| {
            self.slots.get(i).is_some_and(|s| s.id1 == id + 1)
        }) else {
            return;
        };
        probing::remove_at(self, hole);
        if let Some(slot) = self.entries.get_mut(id as usize) {
            *slot = Entry {
                tag: self.free_head,
                off: 0,
                len: FREE,
            };
        }
        self.free_head = id;
        self.live -= 1;
        self.live_bytes -= e.len as usize;
        let dead = self.arena.len() - self.live_bytes;
        if dead > self.live_bytes && dead > 1 << 16 {
            self.compact();
        }
    }

    /// Moves every slot into a table of `slot_count` (at most 2^32) slots.
    fn rehash(&mut self, slot_count: usize) {
        let old = std::mem::replace(&mut self.slots, vec![Slot::default(); slot_count]);
        for s in old.into_iter().filter(|s| s.id1 != 0) {
            let mut i = self.home(s.hash);
            while self.slots.get(i).is_some_and(|t| t.id1 != 0) {
                i = self.next(i);
            }
            if let Some(t) = self.slots.get_mut(i) {
                *t = s;
            }
        }
    }

    /// Copies the live strings into a fresh arena, dropping freed bytes.
    fn compact(&mut self) {
        let mut arena = Vec::with_capacity(self.live_bytes);
        for e in self.entries.iter_mut().filter(|e| e.len != FREE) {
            let off = e.off as usize;
            let text = self
                .arena
                .get(off..off + e.len as usize)
                .unwrap_or_default();
            // The live bytes fitted in 4 GiB before, so they fit again.
            e.off = arena.len() as u32;
            arena.extend_from_slice(text);
        }
        self.arena = arena;
    }

    /// Live ids with their tags and text, in id order.
    pub(super) fn iter(&self) -> impl Iterator<Item = (u32, u32, &str)> + '_ {
        (0..self.entries.len() as u32)
            .filter_map(|id| self.get(id).map(|(tag, text)| (id, tag, text)))
    }

    pub(super) fn heap_bytes(&self) -> usize {
        self.slots.capacity() * size_of::<Slot>()
            + self.entries.capacity() * size_of::<Entry>()
            + self.arena.capacity()
    }

    /// Checks the table against its entries: every live id is found from its own hash in a
    /// slot that copies its tag, length and head; counts add up; the free list covers exactly
    /// the free ids.
    pub(super) fn validate(&self) -> Result<(), String> {
        let mut live = 0;
        let mut bytes = 0;
        for (id, tag, text) in self.iter() {
            live += 1;
            bytes += text.len();
            if self.find(tag, text) != Some(id) {
                return Err(format!("id {id} ({tag}, {text:?}) is not found by lookup"));
            }
        }
        let filled = self.slots.iter().filter(|s| s.id1 != 0).count();
        if filled != live || live != self.live || bytes != self.live_bytes {
            return Err(format!(
                "{filled} slots, {live} live ids, count {} bytes {} vs {bytes}",
                self.live, self.live_bytes
            ));
        }
        for s in self.slots.iter().filter(|s| s.id1 != 0) {
            let e = self.entries.get(s.id1 as usize - 1);
            let copy = e.map(|e| (e.tag, e.len, head(self.text(e))));
            if copy != Some((s.tag, s.len, s.head)) {
                return Err(format!("slot of id {} disagrees with its entry", s.id1 - 1));
            }
        }
        probing::check_free_list(self.free_head, self.entries.len(), live, |at| {
            let e = self.entries.get(at as usize)?;
            Some((e.len == FREE).then_some(e.tag))
        })
    }
}

impl Probed for Strings {
    fn slot_count(&self) -> usize {
        self.slots.len()
    }
    fn home_of(&self, i: usize) -> Option<usize> {
        let s = self.slots.get(i)?;
        (s.id1 != 0).then(|| self.home(s.hash))
    }
    fn copy_slot(&mut self, from: usize, to: usize) {
        let s = self.slots.get(from).copied().unwrap_or_default();
        if let Some(t) = self.slots.get_mut(to) {
            *t = s;
        }
    }
    fn clear_slot(&mut self, i: usize) {
        if let Some(t) = self.slots.get_mut(i) {
            *t = Slot::default();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Strings;
    use std::collections::HashMap;

    /// Texts around the 16-byte head: equal heads with different tails, a prefix of another
    /// text, embedded NUL (equal to a zero-padded head but longer).
    fn text(i: u32) -> String {
        match i % 5 {
            0 => format!("v{i}"),
            1 => format!("app.kubernetes.io/{i}"),
            2 => format!("0123456789abcdef{i}"),
            3 => format!("{:0>16}", i),
            _ => format!("a\0{i}"),
        }
    }

    /// Random interns and removes of `(tag, text)` against a `HashMap`, `steps` of them over
    /// `range` distinct texts per tag.
    fn agrees_with_a_map(mut s: Strings, steps: usize, range: u32) {
        let mut model: HashMap<(u32, String), u32> = HashMap::new();
        let mut x = 0x2545_f491_u32;
        for step in 0..steps {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            let (tag, t) = (x % 3, text((x >> 8) % range));
            if x.is_multiple_of(3) {
                if let Some(id) = model.remove(&(tag, t.clone())) {
                    s.remove(id);
                }
            } else {
                let (id, new) = s.intern(tag, &t).unwrap();
                assert_eq!(new, !model.contains_key(&(tag, t.clone())));
                assert_eq!(*model.entry((tag, t.clone())).or_insert(id), id);
            }
            assert_eq!(s.find(tag, &t), model.get(&(tag, t.clone())).copied());
            // A text that differs only past the head, or by a trailing NUL, is another string.
            let longer = format!("{t}\0");
            assert_eq!(s.find(tag, &longer), model.get(&(tag, longer)).copied());
            if step % (steps / 6) == 0 {
                s.validate().unwrap();
            }
        }
        s.validate().unwrap();
        assert_eq!(s.len(), model.len());
        for ((tag, t), id) in &model {
            assert_eq!(s.get(*id), Some((*tag, t.as_str())));
        }
    }

    #[test]
    fn agrees_with_a_map_through_interning_removal_and_growth() {
        agrees_with_a_map(Strings::new(), 60_000, 1 << 14);
    }

    #[test]
    fn colliding_hashes_are_told_apart_by_tag_length_head_and_tail() {
        let mut s = Strings::new();
        s.weak = true;
        agrees_with_a_map(s, 20_000, 1 << 10);
    }

    #[test]
    fn rollout_churn_keeps_ids_dense_and_the_arena_bounded() {
        // 500 long-lived values, and 100 000 pod-template-hash-like values that come and go
        // one at a time, as ReplicaSets do in a rollout.
        let mut s = Strings::new();
        let kept: Vec<(u32, String)> = (0..500)
            .map(|i| {
                let t = format!("app.kubernetes.io/instance-{i:0>40}");
                (s.intern(7, &t).unwrap().0, t)
            })
            .collect();
        let mut previous = None;
        for round in 0..100_000 {
            let (id, new) = s.intern(3, &format!("{round:x}-{round:0>50}")).unwrap();
            assert!(new && (id as usize) < 502, "id {id}: freed ids are reused");
            if let Some(old) = previous.replace(id) {
                s.remove(old);
            }
        }
        s.validate().unwrap();
        assert_eq!(s.len(), 501);
        assert!(s.arena.len() < 200_000, "{} arena bytes", s.arena.len());
        for (id, t) in &kept {
            assert_eq!(s.find(7, t), Some(*id));
        }
    }
}
