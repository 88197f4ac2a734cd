//! Bulk loading: many objects in one call, postings built once per `key=value`.
//!
//! Inserting objects one by one touches one posting per label per object, each a random
//! memory access into a different bitmap. [`Inventory::insert_all`] interns every name and
//! label first, collecting `(pair, id)` for the new objects, groups them by pair with one
//! counting pass, and then builds or extends each posting from its sorted ids in one step.
//! Objects already in the inventory, and objects named again later in the same batch, are
//! relabelled afterwards through the one-by-one path, so the result is exactly that of
//! inserting the objects in order.

use std::sync::Arc;

use smallvec::SmallVec;

use super::inventory::{Inventory, label_bytes};
use super::set::{ObjectId, Posting, append_sorted};
use super::view::PairIds;
use crate::error::Error;
use crate::selector::{LabelSet, check_name, check_namespace};

/// A relabel to apply after the new objects' postings are built.
type Later<'a> = (u32, &'a LabelSet);

impl Inventory {
    /// Inserts many objects at once, each as [`insert`](Inventory::insert) would (an object
    /// already present, or named twice, takes the labels given last), and returns their ids
    /// in input order. All or nothing: on error the inventory is unchanged.
    ///
    /// Faster than a loop of `insert`s for large batches (a list from the API server, a
    /// loaded file): new objects' postings are grouped by `key=value` and built once each,
    /// and the name table is sized once. The batch is collected first, so it needs
    /// transient memory of about 40 bytes per object and 8 per label.
    ///
    /// # Errors
    ///
    /// The first invalid namespace or name, as [`insert`](Inventory::insert) reports it,
    /// with the item's position as its path (`[3]`); [`ErrorKind::CapacityExceeded`] when the
    /// tables cannot take the batch.
    ///
    /// [`ErrorKind::CapacityExceeded`]: crate::ErrorKind::CapacityExceeded
    ///
    /// # Examples
    ///
    /// ```
    /// use label_selector::{Inventory, LabelSet, Selector};
    ///
    /// let web = LabelSet::from_pairs([("app", "web")])?;
    /// let db = LabelSet::from_pairs([("app", "db")])?;
    /// let mut inv = Inventory::new();
    /// let ids = inv.insert_all([("shop", "web-1", &web), ("shop", "db-1", &db), ("blog", "web-1", &web)])?;
    /// assert_eq!(ids.len(), 3);
    /// assert_eq!(inv.count(&"app=web".parse::<Selector>()?), 2);
    ///
    /// // All or nothing: the bad namespace refuses the whole batch.
    /// let err = inv.insert_all([("shop", "web-2", &web), ("Shop", "web-3", &web)]).unwrap_err();
    /// assert_eq!(err.path(), Some("[1]"));
    /// assert_eq!(inv.len(), 3);
    /// # Ok::<(), label_selector::Error>(())
    /// ```
    pub fn insert_all<'a, I>(&mut self, objects: I) -> Result<Vec<ObjectId>, Error>
    where
        I: IntoIterator<Item = (&'a str, &'a str, &'a LabelSet)>,
    {
        let objects: Vec<(&str, &str, &LabelSet)> = objects.into_iter().collect();
        let (mut labels, mut bytes) = (0usize, 0usize);
        for (i, &(namespace, name, set)) in objects.iter().enumerate() {
            check_namespace(namespace).map_err(|e| e.at_path(format!("[{i}]")))?;
            check_name(name).map_err(|e| e.at_path(format!("[{i}]")))?;
            labels = labels.saturating_add(set.len());
            bytes = bytes.saturating_add(label_bytes(set));
        }
        self.room(objects.len(), labels, bytes)?;
        if objects.is_empty() {
            return Ok(Vec::new());
        }
        let saved = self.checkpoint();
        match self.insert_all_checked(&objects, labels) {
            Ok(ids) => {
                self.changed();
                Ok(ids)
            }
            Err(e) => {
                self.restore(saved);
                Err(e)
            }
        }
    }

    /// The work of [`insert_all`](Inventory::insert_all) once the batch (of `labels` labels
    /// in all) is validated; on error the caller restores the checkpoint.
    fn insert_all_checked(
        &mut self,
        objects: &[(&str, &str, &LabelSet)],
        labels: usize,
    ) -> Result<Vec<ObjectId>, Error> {
        let mut ids = Vec::with_capacity(objects.len());
        // New objects in input order; `(pair, id)` of their labels; their ids per key and
        // per namespace.
        let mut fresh: Vec<u32> = Vec::with_capacity(objects.len());
        let mut by_pair: Vec<(u32, u32)> = Vec::with_capacity(labels);
        let mut by_key: Vec<Vec<u32>> = Vec::new();
        let mut by_ns: Vec<Vec<u32>> = Vec::new();
        // Relabels of objects that were live before, or new and named again.
        let mut later: Vec<Later<'_>> = Vec::new();
        let mut last_ns: Option<(&str, u32)> = None;
        self.view.names.reserve(objects.len());
        for &(namespace, name, set) in objects {
            let v = &mut self.view;
            let ns = match last_ns {
                Some((text, ns)) if text == namespace => ns,
                _ => {
                    let (ns, _) = v
                        .namespaces
                        .intern(0, namespace)
                        .ok_or_else(|| Error::capacity("namespaces"))?;
                    last_ns = Some((namespace, ns));
                    ns
                }
            };
            let (id, new) = v
                .names
                .intern(ns, name)
                .ok_or_else(|| Error::capacity("objects"))?;
            ids.push(ObjectId::new(id));
            if !new {
                later.push((id, set));
                continue;
            }
            fresh.push(id);
            grow(&mut by_ns, ns).push(id);
            let mut pairs: SmallVec<[(u32, u32); 8]> = SmallVec::new();
            for (key, value) in set.iter() {
                let (k, p) = self.intern_label(key, value)?;
                grow(&mut by_key, k).push(id);
                by_pair.push((p, id));
                pairs.push((k, p));
            }
            pairs.sort_unstable();
            *self
                .view
                .objects
                .get_or_grow(id as usize)
                .ok_or_else(|| Error::capacity("objects"))? =
                pairs.iter().map(|&(_, p)| p).collect::<PairIds>();
        }

        // Ids come in input order: ascending unless freed ids were reused.
        let ascending = fresh.windows(2).all(|w| w[0] < w[1]);
        let v = &mut self.view;
        let mut live = fresh;
        sort_if(&mut live, ascending);
        append_sorted(Arc::make_mut(&mut v.live), &live);
        for (ns, mut members) in by_ns.into_iter().enumerate() {
            if !members.is_empty() {
                sort_if(&mut members, ascending);
                posting_at(&mut v.ns_postings, ns, "namespaces")?.extend_sorted(&members);
            }
        }
        for (k, mut members) in by_key.into_iter().enumerate() {
            if !members.is_empty() {
                sort_if(&mut members, ascending);
                posting_at(&mut v.key_postings, k, "keys")?.extend_sorted(&members);
            }
        }
        // Group the new objects' ids by pair with one counting pass: `start[p]..start[p+1]`
        // of `grouped` holds pair `p`'s ids, in input order.
        let mut start = vec![0u32; v.pairs.id_bound() + 1];
        for &(p, _) in &by_pair {
            start[p as usize + 1] += 1;
        }
        for i in 1..start.len() {
            start[i] += start[i - 1];
        }
        let mut fill = start.clone();
        let mut grouped = vec![0u32; by_pair.len()];
        for &(p, id) in &by_pair {
            let at = &mut fill[p as usize];
            grouped[*at as usize] = id;
            *at += 1;
        }
        drop(by_pair);
        for p in 0..start.len() - 1 {
            let (from, to) = (start[p] as usize, start[p + 1] as usize);
            if from == to {
                continue;
            }
            let members = &mut grouped[from..to];
            sort_if(members, ascending);
            posting_at(&mut v.pair_postings, p, "label values")?.extend_sorted(members);
        }

        for (id, set) in later {
            self.set_labels(ObjectId::new(id), set)?;
        }
        Ok(ids)
    }
}

/// The list at `i`, growing `lists` with empty ones first.
fn grow(lists: &mut Vec<Vec<u32>>, i: u32) -> &mut Vec<u32> {
    let i = i as usize;
    if lists.len() <= i {
        lists.resize_with(i + 1, Vec::new);
    }
    &mut lists[i]
}

/// Sorts ids that did not arrive in ascending order.
fn sort_if(ids: &mut [u32], ascending: bool) {
    if !ascending {
        ids.sort_unstable();
    }
}

/// The posting at `i`, grown into place; a full table is a capacity error naming `what`.
fn posting_at<'p>(
    postings: &'p mut super::cow::CowVec<Posting>,
    i: usize,
    what: &'static str,
) -> Result<&'p mut Posting, Error> {
    postings.get_or_grow(i).ok_or_else(|| Error::capacity(what))
}
