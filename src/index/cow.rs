//! Copy-on-write storage shared between the writer and published snapshots.
//!
//! A [`CowVec`] is a vector cut into chunks of 1 024 elements, each behind an `Arc`. Cloning it
//! (publishing a snapshot) copies one pointer per chunk; the writer's first change to a chunk
//! that a snapshot still shares copies that chunk only. An [`Arena`] holds interned string bytes
//! the same way, in 64 KiB segments that strings never straddle.

use std::sync::Arc;

const BITS: usize = 10;
/// Elements per chunk.
pub(crate) const CHUNK: usize = 1 << BITS;
const MASK: usize = CHUNK - 1;

/// A chunked vector whose clones share unchanged chunks.
#[derive(Clone, Debug)]
pub(crate) struct CowVec<T> {
    chunks: Vec<Arc<Vec<T>>>,
    len: usize,
}

impl<T> Default for CowVec<T> {
    fn default() -> Self {
        CowVec {
            chunks: Vec::new(),
            len: 0,
        }
    }
}

/// The chunk for writing, copied first if a snapshot shares it.
#[inline]
fn own<T: Clone>(chunk: &mut Arc<Vec<T>>) -> &mut Vec<T> {
    if Arc::get_mut(chunk).is_none() {
        let mut copy = Vec::with_capacity(CHUNK);
        copy.extend_from_slice(chunk);
        *chunk = Arc::new(copy);
    }
    // Just made unique if it was not.
    Arc::make_mut(chunk)
}

impl<T: Clone> CowVec<T> {
    /// `n` copies of `value`.
    pub(crate) fn filled(n: usize, value: T) -> CowVec<T> {
        let mut v = CowVec::default();
        for _ in 0..n {
            v.push(value.clone());
        }
        v
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    #[inline]
    pub(crate) fn get(&self, i: usize) -> Option<&T> {
        self.chunks.get(i >> BITS)?.get(i & MASK)
    }

    #[inline]
    pub(crate) fn get_mut(&mut self, i: usize) -> Option<&mut T> {
        if i >= self.len {
            return None;
        }
        own(&mut self.chunks[i >> BITS]).get_mut(i & MASK)
    }

    pub(crate) fn push(&mut self, value: T) {
        if self.len & MASK == 0 {
            self.chunks.push(Arc::new(Vec::with_capacity(CHUNK)));
        }
        if let Some(last) = self.chunks.last_mut() {
            own(last).push(value);
            self.len += 1;
        }
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &T> + '_ {
        self.chunks.iter().flat_map(|c| c.iter())
    }

    /// Bytes owned: the chunk table and every chunk at full capacity (shared chunks counted
    /// once per holder, as the writer sees it).
    pub(crate) fn heap_bytes(&self) -> usize {
        self.chunks.capacity() * size_of::<Arc<Vec<T>>>()
            + self.chunks.len() * (16 + size_of::<Vec<T>>() + CHUNK * size_of::<T>())
    }
}

/// Bytes of one arena segment.
pub(crate) const SEGMENT: usize = 1 << 16;

/// Append-only string bytes in shared segments; a string is addressed by a `u32` offset
/// (segment number times 64 KiB plus position) and its length.
#[derive(Clone, Debug, Default)]
pub(crate) struct Arena {
    segments: Vec<Arc<Vec<u8>>>,
}

impl Arena {
    /// Appends `bytes` (at most 64 KiB) and returns their offset, or `None` when the arena
    /// would pass 4 GiB.
    pub(crate) fn push(&mut self, bytes: &[u8]) -> Option<u32> {
        debug_assert!(bytes.len() <= SEGMENT);
        let fits = self
            .segments
            .last()
            .is_some_and(|s| s.len() + bytes.len() <= SEGMENT);
        if !fits {
            if self.segments.len() >= (u32::MAX as usize + 1) / SEGMENT {
                return None;
            }
            self.segments.push(Arc::new(Vec::with_capacity(SEGMENT)));
        }
        let seg = self.segments.len() - 1;
        let last = self.segments.last_mut()?;
        if Arc::get_mut(last).is_none() {
            let mut copy = Vec::with_capacity(SEGMENT);
            copy.extend_from_slice(last);
            *last = Arc::new(copy);
        }
        let buf = Arc::make_mut(last);
        let pos = buf.len();
        buf.extend_from_slice(bytes);
        u32::try_from(seg * SEGMENT + pos).ok()
    }

    /// The bytes at `off`, `len` long; empty if out of range (never for offsets it issued).
    #[inline]
    pub(crate) fn get(&self, off: u32, len: usize) -> &[u8] {
        let off = off as usize;
        self.segments
            .get(off / SEGMENT)
            .and_then(|s| s.get(off % SEGMENT..off % SEGMENT + len))
            .unwrap_or(&[])
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.segments.capacity() * size_of::<Arc<Vec<u8>>>()
            + self.segments.len() * (16 + size_of::<Vec<u8>>() + SEGMENT)
    }
}

#[cfg(test)]
mod tests {
    use super::{Arena, CHUNK, CowVec};

    #[test]
    fn clones_share_until_written() {
        let mut a = CowVec::default();
        for i in 0..(3 * CHUNK + 5) {
            a.push(i);
        }
        let snapshot = a.clone();
        *a.get_mut(CHUNK + 1).unwrap() = 7;
        a.push(99);
        assert_eq!(snapshot.get(CHUNK + 1), Some(&(CHUNK + 1)));
        assert_eq!(a.get(CHUNK + 1), Some(&7));
        assert_eq!(snapshot.len(), 3 * CHUNK + 5);
        assert_eq!(a.len(), 3 * CHUNK + 6);
        assert_eq!(snapshot.get(3 * CHUNK + 5), None);
        assert!(a.get_mut(a.len()).is_none());
        assert_eq!(a.iter().count(), a.len());
    }

    #[test]
    fn arena_strings_never_straddle_segments() {
        let mut arena = Arena::default();
        let s = [b'x'; 1000];
        let offs: Vec<u32> = (0..200).map(|_| arena.push(&s).unwrap()).collect();
        let copy = arena.clone();
        let late = arena.push(b"late").unwrap();
        for &o in &offs {
            assert_eq!(copy.get(o, 1000), &s[..]);
            assert!((o as usize % super::SEGMENT) + 1000 <= super::SEGMENT);
        }
        assert_eq!(arena.get(late, 4), b"late");
        assert_eq!(copy.get(late, 4), b"");
    }
}
