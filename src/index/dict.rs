//! Interning of tagged strings: `(tag, text)` to a dense `u32` id and back.
//!
//! One table type serves every name the index keeps: label keys (tag 0), `key=value` pairs
//! (tag = key id), namespaces (tag 0) and object names (tag = namespace id, so the id of
//! `(namespace, name)` is the object's id). The table is open addressing with linear probing
//! over `u32` slots and backward-shift deletion (no tombstones); entries and bytes live in
//! copy-on-write storage, so a clone is a consistent snapshot. Freed ids are reused, most
//! recently freed first; the bytes of freed strings are reclaimed by compaction once they are
//! more than half the arena.

use super::cow::{Arena, CowVec};
use super::hash::Hasher;

/// `len` of a free entry; its `tag` links to the next free id.
const FREE: u32 = u32::MAX;
/// End of the free list.
const NONE: u32 = u32::MAX;
/// The largest id issued; `u32::MAX` is reserved for [`NONE`].
const MAX_ID: usize = u32::MAX as usize - 1;

#[derive(Clone, Copy, Debug)]
struct Entry {
    tag: u32,
    off: u32,
    len: u32,
}

/// A tagged string interner; see the module docs.
#[derive(Clone, Debug)]
pub(crate) struct Dict {
    entries: CowVec<Entry>,
    arena: Arena,
    /// `id + 1`, or 0 for an empty slot; the length is a power of two.
    slots: CowVec<u32>,
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
            slots: CowVec::filled(16, 0),
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

    /// One past the largest id ever issued: ids are below this.
    pub(crate) fn id_bound(&self) -> usize {
        self.entries.len()
    }

    #[inline]
    fn mask(&self) -> usize {
        self.slots.len() - 1
    }

    #[inline]
    fn bytes(&self, e: &Entry) -> &[u8] {
        self.arena.get(e.off, e.len as usize)
    }

    /// The tag and text of a live id.
    #[inline]
    pub(crate) fn get(&self, id: u32) -> Option<(u32, &str)> {
        let e = self.entries.get(id as usize)?;
        if e.len == FREE {
            return None;
        }
        // Only `&str` bytes are ever stored.
        Some((e.tag, std::str::from_utf8(self.bytes(e)).unwrap_or_default()))
    }

    /// The tag of a live id.
    #[inline]
    pub(crate) fn tag(&self, id: u32) -> Option<u32> {
        let e = self.entries.get(id as usize)?;
        (e.len != FREE).then_some(e.tag)
    }

    /// Probes for `(tag, text)`: `Ok(id)` when present, else `Err(slot)` where it would go.
    #[inline]
    fn probe(&self, tag: u32, text: &[u8], hash: u64) -> Result<u32, usize> {
        let mask = self.mask();
        let mut i = hash as usize & mask;
        loop {
            let v = *self.slots.get(i).unwrap_or(&0);
            if v == 0 {
                return Err(i);
            }
            let id = v - 1;
            if let Some(e) = self.entries.get(id as usize)
                && e.tag == tag
                && e.len as usize == text.len()
                && self.bytes(e) == text
            {
                return Ok(id);
            }
            i = (i + 1) & mask;
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
        if (self.live + 1) * 4 > self.slots.len() * 3 {
            self.rehash(self.slots.len() * 2);
            slot = self.probe(tag, b, hash).err()?;
        }
        if self.free_head == NONE && self.entries.len() > MAX_ID {
            return None;
        }
        let off = self.arena.push(b)?;
        let entry = Entry {
            tag,
            off,
            len: b.len() as u32,
        };
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
        *self.slots.get_mut(slot)? = id + 1;
        self.live += 1;
        self.live_bytes += b.len();
        Some((id, true))
    }

    /// Frees a live id; its number is reused by a later [`intern`](Dict::intern).
    pub(crate) fn remove(&mut self, id: u32) {
        let Some(e) = self.entries.get(id as usize).copied() else {
            return;
        };
        if e.len == FREE {
            return;
        }
        let hash = self.hasher.hash(e.tag, self.bytes(&e));
        let mask = self.mask();
        let mut hole = hash as usize & mask;
        while self.slots.get(hole).is_some_and(|&v| v != id + 1) {
            hole = (hole + 1) & mask;
        }
        // Backward shift: pull later members of the cluster into the hole when their home
        // slot does not lie cyclically in (hole, j].
        let mut j = hole;
        loop {
            j = (j + 1) & mask;
            let v = *self.slots.get(j).unwrap_or(&0);
            if v == 0 {
                break;
            }
            let home = match self.entries.get((v - 1) as usize) {
                Some(o) => self.hasher.hash(o.tag, self.bytes(o)) as usize & mask,
                None => break,
            };
            let stays = if hole <= j {
                hole < home && home <= j
            } else {
                hole < home || home <= j
            };
            if !stays {
                if let Some(s) = self.slots.get_mut(hole) {
                    *s = v;
                }
                hole = j;
            }
        }
        if let Some(s) = self.slots.get_mut(hole) {
            *s = 0;
        }
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
        self.dead_bytes += e.len as usize;
        if self.dead_bytes > self.live_bytes && self.dead_bytes > (1 << 20) {
            self.compact();
        }
    }

    fn rehash(&mut self, slot_count: usize) {
        let mut slots = CowVec::filled(slot_count, 0u32);
        let mask = slot_count - 1;
        for (id, e) in self.entries.iter().enumerate() {
            if e.len == FREE {
                continue;
            }
            let mut i = self.hasher.hash(e.tag, self.bytes(e)) as usize & mask;
            while slots.get(i).is_some_and(|&v| v != 0) {
                i = (i + 1) & mask;
            }
            if let Some(s) = slots.get_mut(i) {
                *s = id as u32 + 1;
            }
        }
        self.slots = slots;
    }

    /// Copies the live strings into a fresh arena, dropping freed bytes.
    fn compact(&mut self) {
        let mut arena = Arena::default();
        let mut entries = CowVec::default();
        for e in self.entries.iter() {
            let mut e = *e;
            if e.len != FREE {
                // Every live string fitted before, so it fits again.
                e.off = arena.push(self.arena.get(e.off, e.len as usize)).unwrap_or(0);
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
        let mut free = 0;
        let mut at = self.free_head;
        while at != NONE {
            let e = self
                .entries
                .get(at as usize)
                .ok_or_else(|| format!("free list points past the entries at {at}"))?;
            if e.len != FREE {
                return Err(format!("free list holds live id {at}"));
            }
            free += 1;
            if free > self.entries.len() {
                return Err("free list has a cycle".into());
            }
            at = e.tag;
        }
        if free + live != self.entries.len() {
            return Err(format!(
                "{free} free + {live} live != {} ids",
                self.entries.len()
            ));
        }
        Ok(())
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
        assert_eq!(d.find(1, &format!("{long}-39-1999")).is_some(), true);
    }
}
