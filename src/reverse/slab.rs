//! A vector whose freed places are reused: slots, namespace sets and posting lists.

use std::ops::{Index, IndexMut};

/// Items by `u32` place; a removed item leaves `T::default()` and its place is handed out
/// again, most recently freed first.
#[derive(Clone, Debug)]
pub(super) struct Slab<T> {
    items: Vec<T>,
    free: Vec<u32>,
}

impl<T> Default for Slab<T> {
    fn default() -> Self {
        Slab {
            items: Vec::new(),
            free: Vec::new(),
        }
    }
}

impl<T: Default> Slab<T> {
    /// The place the next [`insert`](Slab::insert) will use.
    pub(super) fn next_place(&self) -> usize {
        self.free.last().map_or(self.items.len(), |&at| at as usize)
    }

    /// Stores `item` in a freed place, or a new one; returns the place.
    pub(super) fn insert(&mut self, item: T) -> u32 {
        match self.free.pop() {
            Some(at) => {
                self.items[at as usize] = item;
                at
            }
            None => {
                self.items.push(item);
                (self.items.len() - 1) as u32
            }
        }
    }

    /// Takes the item out of `at` and frees the place.
    pub(super) fn remove(&mut self, at: u32) -> T {
        self.free.push(at);
        std::mem::take(&mut self.items[at as usize])
    }

    /// Every place's item, freed places included (as `T::default()`).
    pub(super) fn iter(&self) -> std::slice::Iter<'_, T> {
        self.items.iter()
    }

    /// Places ever used, freed or not.
    #[cfg(test)]
    pub(super) fn places(&self) -> usize {
        self.items.len()
    }

    /// Heap bytes of the items' vector and the free list (not what the items own).
    pub(super) fn heap_bytes(&self) -> usize {
        self.items.capacity() * size_of::<T>() + self.free.capacity() * 4
    }
}

impl<T> Index<u32> for Slab<T> {
    type Output = T;
    #[inline]
    fn index(&self, at: u32) -> &T {
        &self.items[at as usize]
    }
}

impl<T> IndexMut<u32> for Slab<T> {
    #[inline]
    fn index_mut(&mut self, at: u32) -> &mut T {
        &mut self.items[at as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::Slab;

    #[test]
    fn freed_places_are_reused_last_freed_first() {
        let mut s = Slab::default();
        assert_eq!([s.insert(10), s.insert(11), s.insert(12)], [0, 1, 2]);
        assert_eq!(s.remove(0), 10);
        assert_eq!(s.remove(2), 12);
        assert_eq!(s[0], 0);
        assert_eq!(s.next_place(), 2);
        assert_eq!(s.insert(13), 2);
        assert_eq!(s.insert(14), 0);
        assert_eq!(s.next_place(), 3);
        assert_eq!(s.places(), 3);
    }
}
