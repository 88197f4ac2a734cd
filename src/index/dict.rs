//! Interning of tagged strings: `(tag, text)` to a dense `u32` id and back.
//!
//! One table type serves every name the index keeps: label keys (tag 0), `key=value` pairs
//! (tag = key id), namespaces (tag 0) and object names (tag = namespace id, so the id of
//! `(namespace, name)` is the object's id). The table is open addressing with linear probing
//! and backward-shift deletion (no tombstones). A slot holds the id and the high 32 bits of the
//! string's hash, so a probe reads entries and bytes only when those bits agree: new strings
//! (every pod name) are rejected within the slot array's cache lines; entries and bytes live in
//! copy-on-write storage, so a clone is a consistent snapshot. Freed ids are reused, most
//! recently freed first; the bytes of freed strings are reclaimed by compaction once they are
//! more than half the arena.

use super::cow::{Arena, CowVec};
use super::hash::Hasher;
use super::probing::{self, Probed};

/// `off` of a free entry; its `tag` links to the next free id.
const FREE: u32 = u32::MAX;
/// End of the free list.
const NONE: u32 = u32::MAX;
/// The largest id issued; `u32::MAX` is reserved for [`NONE`].
const MAX_ID: usize = u32::MAX as usize - 1;

/// A slot: the hash's high half above `id + 1` (never 0).
#[inline]
fn slot_value(hash: u64, id: u32) -> u64 {
    hash >> 32 << 32 | u64::from(id + 1)
}

#[derive(Clone, Copy, Debug, Default)]
struct Entry {
    tag: u32,
    /// Where the string's length and bytes are in the arena.
    off: u32,
}

/// A tagged string interner; see the module docs.
#[derive(Clone, Debug)]
pub(crate) struct Dict {
    entries: CowVec<Entry>,
    arena: Arena,
    /// `hash >> 32 << 32 | (id + 1)`, or 0 for an empty slot.
    slots: CowVec<u64>,
    live: usize,
    live_bytes: usize,
    dead_bytes: usize,
    free_head: u32,
    hasher: Hasher,
}

impl Dict {
    pub(crate) fn new() -> Dict {
        Dict {
            entries: CowVec::default(),
            arena: Arena::default(),
            slots: CowVec::filled(16, 0u64),
            live: 0,
            live_bytes: 0,
            dead_bytes: 0,
            free_head: NONE,
            hasher: Hasher::new(),
        }
    }

    /// Live strings.
    pub(crate) fn len(&self) -> usize {
        self.live
    }

    /// Whether `strings` more strings of `bytes` bytes in all can surely be interned.
    pub(crate) fn has_room(&self, strings: usize, bytes: usize) -> bool {
        self.entries.len() + strings <= MAX_ID && self.arena.has_room(strings, bytes)
    }

    /// One past the largest id ever issued: ids are below this.
    pub(crate) fn id_bound(&self) -> usize {
        self.entries.len()
    }

    /// The slot after `i`, wrapping around.
    #[inline]
    fn next(&self, i: usize) -> usize {
        probing::next(i, self.slots.len())
    }

    /// The home slot of a hash, or of a slot value (which keeps the hash's high half): the
    /// high half scaled to the table size, so the table can grow by half (not double) and
    /// growing needs no string re-hashed.
    #[inline]
    fn home(&self, hash: u64) -> usize {
        (((hash >> 32) * self.slots.len() as u64) >> 32) as usize
    }

    #[inline]
    fn bytes(&self, e: &Entry) -> &[u8] {
        self.arena.get(e.off)
    }

    /// The tag and text of a live id.
    #[inline]
    pub(crate) fn get(&self, id: u32) -> Option<(u32, &str)> {
        let e = self.entries.get(id as usize)?;
        if e.off == FREE {
            return None;
        }
        // Only `&str` bytes are ever stored.
        Some((
            e.tag,
            std::str::from_utf8(self.bytes(e)).unwrap_or_default(),
        ))
    }

    /// The tag of a live id.
    #[inline]
    pub(crate) fn tag(&self, id: u32) -> Option<u32> {
        let e = self.entries.get(id as usize)?;
        (e.off != FREE).then_some(e.tag)
    }

    /// Probes for `(tag, text)`: `Ok(id)` when present, else `Err(slot)` where it would go.
    #[inline]
    fn probe(&self, tag: u32, text: &[u8], hash: u64) -> Result<u32, usize> {
        let mut i = self.home(hash);
        let high = hash >> 32;
        loop {
            let v = *self.slots.get(i).unwrap_or(&0);
            if v == 0 {
                return Err(i);
            }
            let id = (v as u32).wrapping_sub(1);
            if v >> 32 == high
                && let Some(e) = self.entries.get(id as usize)
                && e.tag == tag
                && self.bytes(e) == text
            {
                return Ok(id);
            }
            i = self.next(i);
        }
    }

    /// The id of `(tag, text)`, if interned.
    #[inline]
    pub(crate) fn find(&self, tag: u32, text: &str) -> Option<u32> {
        let b = text.as_bytes();
        self.probe(tag, b, self.hasher.hash(tag, b)).ok()
    }

    /// The id of `(tag, text)`, interning it if new; `None` when ids or arena are exhausted.
    /// The flag tells whether the string was new.
    pub(crate) fn intern(&mut self, tag: u32, text: &str) -> Option<(u32, bool)> {
        let b = text.as_bytes();
        let hash = self.hasher.hash(tag, b);
        let mut slot = match self.probe(tag, b, hash) {
            Ok(id) => return Some((id, false)),
            Err(slot) => slot,
        };
        // At most 80 % full; growing by half keeps the average load near two thirds.
        if (self.live + 1) * 5 > self.slots.len() * 4 && self.slots.len() < 1 << 32 {
            self.rehash((self.slots.len() + self.slots.len() / 2).min(1 << 32));
            slot = self.probe(tag, b, hash).err()?;
        }
        if self.free_head == NONE && self.entries.len() > MAX_ID {
            return None;
        }
        let off = self.arena.push(b)?;
        let entry = Entry { tag, off };
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
        *self.slots.get_mut(slot)? = slot_value(hash, id);
        self.live += 1;
        self.live_bytes += b.len();
        Some((id, true))
    }

    /// Frees a live id; its number is reused by a later [`intern`](Dict::intern).
    pub(crate) fn remove(&mut self, id: u32) {
        let Some(e) = self.entries.get(id as usize).copied() else {
            return;
        };
        if e.off == FREE {
            return;
        }
        let len = self.bytes(&e).len();
        let hash = self.hasher.hash(e.tag, self.bytes(&e));
        let want = slot_value(hash, id);
        // Not in the table (never happens while the invariants hold): nothing to free.
        let Some(hole) =
            probing::find_in_cluster(self, self.home(hash), |i| self.slots.get(i) == Some(&want))
        else {
            return;
        };
        probing::remove_at(self, hole);
        if let Some(slot) = self.entries.get_mut(id as usize) {
            *slot = Entry {
                tag: self.free_head,
                off: FREE,
            };
        }
        self.free_head = id;
        self.live -= 1;
        self.live_bytes -= len;
        self.dead_bytes += len;
        if self.dead_bytes > self.live_bytes && self.dead_bytes > (1 << 20) {
            self.compact();
        }
    }

    /// Grows the slot table once so that `extra` more strings fit under the load limit,
    /// instead of growing by half many times while they are interned (bulk loads).
    pub(crate) fn reserve(&mut self, extra: usize) {
        let want = (self.live.saturating_add(extra)).saturating_mul(5) / 4 + 1;
        let want = want.min(1 << 32);
        if want > self.slots.len() {
            self.rehash(want);
        }
    }

    /// Moves every slot into a table of `slot_count` (at most 2^32) slots.
    fn rehash(&mut self, slot_count: usize) {
        let old = std::mem::replace(&mut self.slots, CowVec::filled(slot_count, 0u64));
        for &v in old.iter().filter(|&&v| v != 0) {
            let mut i = self.home(v);
            while self.slots.get(i).is_some_and(|&s| s != 0) {
                i = self.next(i);
            }
            if let Some(s) = self.slots.get_mut(i) {
                *s = v;
            }
        }
    }

    /// Copies the live strings into a fresh arena, dropping freed bytes.
    fn compact(&mut self) {
        let mut arena = Arena::default();
        let mut entries = CowVec::default();
        for e in self.entries.iter() {
            let mut e = *e;
            if e.off != FREE {
                // Every live string fitted before, so it fits again.
                e.off = arena.push(self.arena.get(e.off)).unwrap_or(0);
            }
            entries.push(e);
        }
        self.arena = arena;
        self.entries = entries;
        self.dead_bytes = 0;
    }

    /// Live ids with their tags and text, in id order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (u32, u32, &str)> + '_ {
        (0..self.entries.len() as u32)
            .filter_map(|id| self.get(id).map(|(tag, text)| (id, tag, text)))
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.entries.heap_bytes() + self.arena.heap_bytes() + self.slots.heap_bytes()
    }

    /// Checks the table against its entries: every live id is found from its own hash, no
    /// slot points at a free id, counts add up, the free list covers exactly the free ids.
    pub(crate) fn validate(&self) -> Result<(), String> {
        let mut live = 0;
        let mut bytes = 0;
        for (id, tag, text) in self.iter() {
            live += 1;
            bytes += text.len();
            if self.find(tag, text) != Some(id) {
                return Err(format!("id {id} ({tag}, {text:?}) is not found by lookup"));
            }
        }
        let filled = self.slots.iter().filter(|&&v| v != 0).count();
        if filled != live || live != self.live || bytes != self.live_bytes {
            return Err(format!(
                "{filled} slots, {live} live ids, count {} bytes {} vs {bytes}",
                self.live, self.live_bytes
            ));
        }
        probing::check_free_list(self.free_head, self.entries.len(), live, |at| {
            let e = self.entries.get(at as usize)?;
            Some((e.off == FREE).then_some(e.tag))
        })
    }
}

impl Probed for Dict {
    fn slot_count(&self) -> usize {
        self.slots.len()
    }
    fn home_of(&self, i: usize) -> Option<usize> {
        let v = *self.slots.get(i)?;
        (v != 0).then(|| self.home(v))
    }
    fn copy_slot(&mut self, from: usize, to: usize) {
        let v = *self.slots.get(from).unwrap_or(&0);
        if let Some(s) = self.slots.get_mut(to) {
            *s = v;
        }
    }
    fn clear_slot(&mut self, i: usize) {
        if let Some(s) = self.slots.get_mut(i) {
            *s = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Dict;

    #[test]
    fn intern_find_remove_reuse() {
        let mut d = Dict::new();
        let mut ids = Vec::new();
        for i in 0..5000 {
            let (id, new) = d.intern(i % 7, &format!("value-{i}")).unwrap();
            assert!(new);
            ids.push(id);
        }
        d.validate().unwrap();
        let snapshot = d.clone();
        assert_eq!(d.intern(3, "value-3").unwrap(), (ids[3], false));
        assert_eq!(d.find(4, "value-3"), None);
        for i in (0..5000).step_by(2) {
            d.remove(ids[i]);
        }
        d.validate().unwrap();
        assert_eq!(d.len(), 2500);
        for i in (1..5000).step_by(2) {
            assert_eq!(d.find(i as u32 % 7, &format!("value-{i}")), Some(ids[i]));
        }
        assert_eq!(d.find(0, "value-0"), None);
        // The snapshot still sees everything.
        assert_eq!(snapshot.find(0, "value-0"), Some(ids[0]));
        assert_eq!(snapshot.get(ids[4998]), Some((4998 % 7, "value-4998")));
        // Freed ids are reused.
        let (again, _) = d.intern(9, "new").unwrap();
        assert!(again < 5000 && again % 2 == 0);
        assert_eq!(d.get(again), Some((9, "new")));
        d.validate().unwrap();
        snapshot.validate().unwrap();
    }

    #[test]
    fn compaction_keeps_every_live_string() {
        let mut d = Dict::new();
        let long = "x".repeat(60);
        for round in 0..40 {
            let ids: Vec<u32> = (0..2000)
                .map(|i| d.intern(1, &format!("{long}-{round}-{i}")).unwrap().0)
                .collect();
            for id in &ids[..1990] {
                d.remove(*id);
            }
        }
        d.validate().unwrap();
        assert_eq!(d.len(), 400);
        assert!(d.heap_bytes() < 8 << 20, "{}", d.heap_bytes());
        assert!(d.find(1, &format!("{long}-39-1999")).is_some());
    }
}
