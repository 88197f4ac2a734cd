//! Copy-on-write storage shared between the writer and published snapshots.
//!
//! A [`CowVec`] is a two-level persistent vector (see its docs). Cloning it (publishing a
//! snapshot) copies one pointer per 4 096 elements; the writer's first change to an element
//! that a snapshot still shares copies 64 pointers and 64 elements. An [`Arena`] holds interned string bytes
//! the same way, in 64 KiB segments that strings never straddle.

use std::sync::Arc;

const LEAF_BITS: usize = 6;
/// Elements per leaf: the unit the writer copies on its first change after a publish.
const LEAF: usize = 1 << LEAF_BITS;
const NODE_BITS: usize = 6;
/// Leaves per node.
const NODE: usize = 1 << NODE_BITS;
/// Elements per node.
pub(crate) const CHUNK: usize = LEAF * NODE;

/// A two-level persistent vector: nodes of 64 leaves of 64 elements, each level behind an
/// `Arc`. Cloning copies one pointer per 4 096 elements; the writer's first change to an
/// element after a clone copies its node (64 pointers) and its leaf (64 elements) if they are
/// shared, so random writes across a million entries copy kilobytes, not megabytes.
#[derive(Clone, Debug)]
pub(crate) struct CowVec<T> {
    nodes: Vec<Arc<[Arc<[T]>]>>,
    len: usize,
}

impl<T> Default for CowVec<T> {
    fn default() -> Self {
        CowVec {
            nodes: Vec::new(),
            len: 0,
        }
    }
}

impl<T: Clone + Default> CowVec<T> {
    /// `n` copies of `value`.
    ///
    /// Built node by node (a rehash fills millions of slots), not by `push`, which copies
    /// on write element by element.
    pub(crate) fn filled(n: usize, value: T) -> CowVec<T> {
        let leaf = |start: usize| -> Arc<[T]> {
            (start..start + LEAF)
                .map(|i| if i < n { value.clone() } else { T::default() })
                .collect()
        };
        let node = |start: usize| -> Arc<[Arc<[T]>]> {
            (0..NODE).map(|l| leaf(start + l * LEAF)).collect()
        };
        CowVec {
            nodes: (0..n.div_ceil(CHUNK)).map(|i| node(i * CHUNK)).collect(),
            len: n,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    #[inline]
    pub(crate) fn get(&self, i: usize) -> Option<&T> {
        if i >= self.len {
            return None;
        }
        self.nodes
            .get(i >> (LEAF_BITS + NODE_BITS))?
            .get((i >> LEAF_BITS) & (NODE - 1))?
            .get(i & (LEAF - 1))
    }

    #[inline]
    pub(crate) fn get_mut(&mut self, i: usize) -> Option<&mut T> {
        if i >= self.len {
            return None;
        }
        let node = Arc::make_mut(self.nodes.get_mut(i >> (LEAF_BITS + NODE_BITS))?);
        let leaf = Arc::make_mut(node.get_mut((i >> LEAF_BITS) & (NODE - 1))?);
        leaf.get_mut(i & (LEAF - 1))
    }

    /// The element at `i`, first growing the vector with default elements if it is shorter.
    pub(crate) fn get_or_grow(&mut self, i: usize) -> Option<&mut T> {
        while self.len <= i {
            self.push(T::default());
        }
        self.get_mut(i)
    }

    pub(crate) fn push(&mut self, value: T) {
        if self.len.is_multiple_of(CHUNK) {
            let leaves: Vec<Arc<[T]>> = (0..NODE)
                .map(|_| Arc::from(vec![T::default(); LEAF]))
                .collect();
            self.nodes.push(Arc::from(leaves));
        }
        self.len += 1;
        if let Some(slot) = self.get_mut(self.len - 1) {
            *slot = value;
        }
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &T> + '_ {
        self.nodes
            .iter()
            .flat_map(|n| n.iter().flat_map(|l| l.iter()))
            .take(self.len)
    }

    /// Bytes owned: the node table, nodes and leaves (shared ones counted in full, as the
    /// writer sees them).
    pub(crate) fn heap_bytes(&self) -> usize {
        self.nodes.capacity() * size_of::<Arc<[Arc<[T]>]>>()
            + self.nodes.len() * (16 + NODE * (size_of::<Arc<[T]>>() + 16 + LEAF * size_of::<T>()))
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
    /// Appends `bytes` (shorter than 64 KiB - 2) after a two-byte length, and returns their
    /// offset, or `None` when the arena would pass 4 GiB.
    pub(crate) fn push(&mut self, bytes: &[u8]) -> Option<u32> {
        let len = u16::try_from(bytes.len())
            .ok()
            .filter(|&l| usize::from(l) + 2 <= SEGMENT)?;
        let need = bytes.len() + 2;
        let fits = self
            .segments
            .last()
            .is_some_and(|s| s.len() + need <= SEGMENT);
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
        buf.extend_from_slice(&len.to_le_bytes());
        buf.extend_from_slice(bytes);
        u32::try_from(seg * SEGMENT + pos).ok()
    }

    /// Whether `strings` more strings of `bytes` bytes in all surely fit. A string opens a
    /// segment only when the last one cannot take it, so any two consecutive segments hold
    /// more than one segment's bytes: the new ones number at most `2 * need / SEGMENT + 2`
    /// (`need` counting the two-byte lengths), and never more than the strings.
    pub(crate) fn has_room(&self, strings: usize, bytes: usize) -> bool {
        let need = bytes.saturating_add(strings.saturating_mul(2));
        let opened = strings.min((need / SEGMENT).saturating_mul(2).saturating_add(2));
        self.segments
            .len()
            .saturating_add(opened)
            .saturating_mul(SEGMENT)
            <= u32::MAX as usize + 1 - SEGMENT
    }

    /// The bytes pushed at `off`; empty if out of range (never for offsets it issued).
    #[inline]
    pub(crate) fn get(&self, off: u32) -> &[u8] {
        let off = off as usize;
        let Some(seg) = self.segments.get(off / SEGMENT) else {
            return &[];
        };
        let at = off % SEGMENT;
        match seg.get(at..at + 2) {
            Some(&[lo, hi]) => {
                let len = usize::from(u16::from_le_bytes([lo, hi]));
                seg.get(at + 2..at + 2 + len).unwrap_or(&[])
            }
            _ => &[],
        }
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
    fn filled_equals_pushing_and_grows_on() {
        for n in [0, 1, 63, 64, 65, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 5] {
            let mut pushed = CowVec::default();
            for _ in 0..n {
                pushed.push(7u8);
            }
            let mut filled = CowVec::filled(n, 7u8);
            assert_eq!(filled.len(), n);
            assert!(filled.iter().eq(pushed.iter()), "{n}");
            assert_eq!(filled.get(n), None);
            filled.push(1);
            *filled.get_or_grow(n + 70).unwrap() = 2;
            let want: Vec<u8> = (0..n)
                .map(|_| 7)
                .chain([1])
                .chain(vec![0; 69])
                .chain([2])
                .collect();
            assert!(filled.iter().copied().eq(want), "{n}");
        }
    }

    #[test]
    fn arena_strings_never_straddle_segments() {
        let mut arena = Arena::default();
        let s = [b'x'; 1000];
        let offs: Vec<u32> = (0..200).map(|_| arena.push(&s).unwrap()).collect();
        let copy = arena.clone();
        let late = arena.push(b"late").unwrap();
        for &o in &offs {
            assert_eq!(copy.get(o), &s[..]);
            assert!((o as usize % super::SEGMENT) + 1002 <= super::SEGMENT);
        }
        assert_eq!(arena.get(late), b"late");
        assert_eq!(copy.get(late), b"");
        assert_eq!(arena.push(&vec![b'y'; super::SEGMENT]), None);
    }

    #[test]
    fn room_counts_bytes_not_a_segment_per_string() {
        let arena = Arena::default();
        // 200 000 short labels need a few segments, not 200 000.
        assert!(arena.has_room(200_000, 3_000_000));
        // 70 000 strings of 65 000 bytes would need 4.5 GiB.
        assert!(!arena.has_room(70_000, 70_000 * 65_000));
        // The bound holds for any lengths: pushing strings opens at most the segments
        // `has_room` counted (a simulation with lengths that waste up to half a segment).
        for (n, len) in [(1_000, 40_000), (2_000, 33_000), (3_000, 20), (300, 65_000)] {
            let mut a = Arena::default();
            a.push(b"seed").unwrap();
            let before = a.segments.len();
            let need = n * len + 2 * n;
            let bound = n.min(need / super::SEGMENT * 2 + 2);
            let s = vec![b'z'; len];
            for _ in 0..n {
                a.push(&s).unwrap();
            }
            assert!(a.segments.len() - before <= bound, "{n} x {len}");
        }
    }
}
