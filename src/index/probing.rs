//! What the interning tables share: linear probing's backward-shift deletion and the check of
//! a free list of ids. `Dict` (here) and the reverse index's own flat table lay out their
//! slots differently and implement [`Probed`] over them.

/// An open-addressing table with linear probing, as seen by [`remove_at`].
pub(crate) trait Probed {
    /// How many slots the table has.
    fn slot_count(&self) -> usize;
    /// The home slot of what slot `i` holds, or `None` when slot `i` is empty.
    fn home_of(&self, i: usize) -> Option<usize>;
    /// Copies what slot `from` holds into slot `to`.
    fn copy_slot(&mut self, from: usize, to: usize);
    /// Empties slot `i`.
    fn clear_slot(&mut self, i: usize);
}

/// The slot after `i` in a table of `slots` slots, wrapping around.
#[inline]
pub(crate) fn next(i: usize, slots: usize) -> usize {
    if i + 1 == slots { 0 } else { i + 1 }
}

/// The first slot from `home` on, within its cluster, for which `is(i)` holds; `None` when
/// an empty slot comes first.
pub(crate) fn find_in_cluster<T: Probed + ?Sized>(
    table: &T,
    home: usize,
    is: impl Fn(usize) -> bool,
) -> Option<usize> {
    let slots = table.slot_count();
    let mut i = home;
    loop {
        table.home_of(i)?;
        if is(i) {
            return Some(i);
        }
        i = next(i, slots);
    }
}

/// Empties slot `hole` without tombstones (backward shift): each later member of its cluster
/// whose home slot does not lie cyclically in `(hole, j]` moves into the hole, which moves to
/// where it was; the last hole is emptied.
pub(crate) fn remove_at<T: Probed + ?Sized>(table: &mut T, mut hole: usize) {
    let slots = table.slot_count();
    let mut j = hole;
    loop {
        j = next(j, slots);
        let Some(home) = table.home_of(j) else {
            break;
        };
        let stays = if hole <= j {
            hole < home && home <= j
        } else {
            hole < home || home <= j
        };
        if !stays {
            table.copy_slot(j, hole);
            hole = j;
        }
    }
    table.clear_slot(hole);
}

/// Checks a free list of ids that starts at `head` and ends at `u32::MAX`: `link(id)` is
/// `None` when `id` is not below `ids`, `Some(None)` when it is live, else `Some(Some(next))`.
/// Every id below `ids` must be either one of the `live` ones or on the list, and the list
/// must not cycle.
pub(crate) fn check_free_list(
    head: u32,
    ids: usize,
    live: usize,
    link: impl Fn(u32) -> Option<Option<u32>>,
) -> Result<(), String> {
    let mut free = 0;
    let mut at = head;
    while at != u32::MAX {
        free += 1;
        if free > ids {
            return Err("free list has a cycle".into());
        }
        at = link(at)
            .ok_or_else(|| format!("free list points past the ids at {at}"))?
            .ok_or_else(|| format!("free list holds live id {at}"))?;
    }
    if free + live != ids {
        return Err(format!("{free} free + {live} live != {ids} ids"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{Probed, check_free_list, find_in_cluster, remove_at};

    /// A table of `Some(home)` slots.
    struct Homes(Vec<Option<usize>>);

    impl Probed for Homes {
        fn slot_count(&self) -> usize {
            self.0.len()
        }
        fn home_of(&self, i: usize) -> Option<usize> {
            self.0[i]
        }
        fn copy_slot(&mut self, from: usize, to: usize) {
            self.0[to] = self.0[from];
        }
        fn clear_slot(&mut self, i: usize) {
            self.0[i] = None;
        }
    }

    #[test]
    fn backward_shift_keeps_every_member_reachable_across_the_wrap() {
        // Slots 6, 7, 0, 1 hold a cluster that wraps; slot 2 belongs at home.
        let mut t = Homes(vec![
            Some(6),
            Some(7),
            Some(2),
            None,
            None,
            None,
            Some(6),
            Some(6),
        ]);
        // Searching a cluster wraps around the end and stops at its first empty slot.
        assert_eq!(find_in_cluster(&t, 6, |i| i == 1), Some(1));
        assert_eq!(find_in_cluster(&t, 6, |i| i == 4), None);
        assert_eq!(find_in_cluster(&t, 3, |_| true), None);
        remove_at(&mut t, 6);
        // The members from 7 and 0 (home 6) move back; 1 (home 7) moves into 0; 2 stays.
        assert_eq!(
            t.0,
            [Some(7), None, Some(2), None, None, None, Some(6), Some(6)]
        );
        remove_at(&mut t, 2);
        assert_eq!(t.0[2], None);
    }

    #[test]
    fn free_lists_are_checked_for_length_cycles_and_live_ids() {
        let links = [2, u32::MAX, 1];
        let link = |at: u32| links.get(at as usize).map(|&n| Some(n));
        assert!(check_free_list(0, 3, 0, link).is_ok());
        assert!(check_free_list(0, 4, 0, link).is_err());
        assert!(check_free_list(u32::MAX, 2, 2, link).is_ok());
        let cycle = |at: u32| Some(Some(1 - at));
        assert!(
            check_free_list(0, 5, 0, cycle)
                .unwrap_err()
                .contains("cycle")
        );
        let live = |_| Some(None);
        assert!(
            check_free_list(4, 9, 8, live)
                .unwrap_err()
                .contains("live id 4")
        );
        assert!(
            check_free_list(7, 9, 8, link)
                .unwrap_err()
                .contains("past the ids at 7")
        );
    }
}
