//! [`Inventory`]: the single writer, and publishing [`Snapshot`]s to readers.

use std::fmt;
use std::ops::Deref;
use std::sync::{Arc, RwLock};

use smallvec::SmallVec;

use super::set::ObjectId;
use super::snapshot::{Reader, Snapshot};
use super::view::{PairIds, View};
use crate::error::{Error, ErrorKind};
use crate::selector::{LabelEdit, LabelSet, parse_int};
use crate::selector::{check_name, check_namespace};

/// A labeled inventory (pods, nodes, ...) indexed for selector queries.
///
/// Every object has a namespace (`""` for cluster-scoped ones), a name unique in its namespace,
/// and a [`LabelSet`]. The inventory keeps one posting bitmap per `key=value`, per key, per
/// namespace and one live set, so that [`select`](View::select) and [`count`](View::count) are
/// a few bitmap operations instead of a scan.
///
/// It has one writer (this value, `&mut self`) and any number of readers: each
/// [`snapshot`](Inventory::snapshot) or [`Reader::snapshot`] is a consistent, immutable view
/// that shares unchanged storage with the writer (copy-on-write in chunks of 1 024 entries
/// and per posting). Reads on the inventory itself ([`View`]'s methods, through `Deref`) see
/// every change at once.
///
/// # Examples
///
/// ```
/// use label_selector::{Inventory, LabelEdit, LabelSet, Selector};
///
/// let mut pods = Inventory::new();
/// let web = pods.insert("shop", "web-1", &LabelSet::from_pairs([("app", "web"), ("env", "prod")])?)?;
/// pods.insert("shop", "db-1", &LabelSet::from_pairs([("app", "db"), ("env", "prod")])?)?;
///
/// let sel: Selector = "env=prod,app!=db".parse()?;
/// assert_eq!(pods.select(&sel).iter().collect::<Vec<_>>(), [web]);
///
/// // `kubectl label pod web-1 env=dev --overwrite`
/// pods.relabel(web, &LabelEdit::parse_all(["env=dev"])?, true)?;
/// assert_eq!(pods.count(&sel), 0);
/// # Ok::<(), label_selector::Error>(())
/// ```
pub struct Inventory {
    pub(super) view: View,
    /// The last published snapshot, if nothing changed since.
    current: Option<Snapshot>,
    published: Arc<RwLock<Snapshot>>,
}

impl fmt::Debug for Inventory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Inventory")
            .field("view", &self.view)
            .finish_non_exhaustive()
    }
}

impl Default for Inventory {
    fn default() -> Self {
        Inventory::new()
    }
}

impl Deref for Inventory {
    type Target = View;
    fn deref(&self) -> &View {
        &self.view
    }
}

fn no_such(id: ObjectId) -> Error {
    let text = id.get().to_string();
    Error::new(ErrorKind::NoSuchObject, 0..text.len(), &text)
}

impl Inventory {
    /// An empty inventory.
    pub fn new() -> Inventory {
        let view = View::new();
        let first = Snapshot::new(view.clone());
        Inventory {
            view,
            current: Some(first.clone()),
            published: Arc::new(RwLock::new(first)),
        }
    }

    /// Inserts `namespace/name` with `labels`, or replaces the labels of the object of that
    /// name (an upsert, like applying a manifest); returns its id.
    ///
    /// # Errors
    ///
    /// - [`ErrorKind::NamespaceInvalid`]: the namespace is not empty and not a DNS label
    ///   (`"Shop"`, `"-a"`, 64 bytes);
    /// - [`ErrorKind::NameInvalid`]: `""`, `"."`, `"a/b"`, `"50%"`, or over 253 bytes;
    /// - [`ErrorKind::CapacityExceeded`]: over `u32::MAX - 1` objects or distinct strings.
    ///
    /// The inventory is unchanged on error.
    ///
    /// ```
    /// use label_selector::{ErrorKind, Inventory, LabelSet};
    ///
    /// let mut inv = Inventory::new();
    /// let labels = LabelSet::from_pairs([("app", "web")])?;
    /// let a = inv.insert("shop", "web-1", &labels)?;
    /// assert_eq!(inv.insert("shop", "web-1", &LabelSet::new())?, a); // same object
    /// let err = inv.insert("Shop", "web-1", &labels).unwrap_err();
    /// assert!(matches!(err.kind(), ErrorKind::NamespaceInvalid));
    /// assert_eq!(err.span(), 0..1);
    /// # Ok::<(), label_selector::Error>(())
    /// ```
    pub fn insert(
        &mut self,
        namespace: &str,
        name: &str,
        labels: &LabelSet,
    ) -> Result<ObjectId, Error> {
        check_namespace(namespace)?;
        check_name(name)?;
        self.room(1, labels.len(), label_bytes(labels))?;
        let v = &mut self.view;
        let (ns, _) = v
            .namespaces
            .intern(0, namespace)
            .ok_or_else(|| Error::capacity("namespaces"))?;
        let (id, new) = v
            .names
            .intern(ns, name)
            .ok_or_else(|| Error::capacity("objects"))?;
        if !new {
            self.set_labels(ObjectId::new(id), labels)?;
            return Ok(ObjectId::new(id));
        }
        v.ns_postings
            .get_or_grow(ns as usize)
            .ok_or_else(|| Error::capacity("namespaces"))?
            .insert(id);
        Arc::make_mut(&mut v.live).insert(id);
        v.objects.get_or_grow(id as usize);
        self.write_labels(id, &PairIds::new(), labels)?;
        self.changed();
        Ok(ObjectId::new(id))
    }

    /// Checks that every table can take `labels` new strings of at most `bytes` bytes in all
    /// (and `objects` names and namespaces), so that a change either completes or does not
    /// start.
    pub(super) fn room(&self, objects: usize, labels: usize, bytes: usize) -> Result<(), Error> {
        let v = &self.view;
        let names = objects.saturating_mul(MAX_NAME_BYTES);
        if !v.names.has_room(objects, names) {
            return Err(Error::capacity("objects"));
        }
        if !v.namespaces.has_room(objects, names) {
            return Err(Error::capacity("namespaces"));
        }
        if !v.keys.has_room(labels, bytes) {
            return Err(Error::capacity("keys"));
        }
        if !v.pairs.has_room(labels, bytes) {
            return Err(Error::capacity("label values"));
        }
        Ok(())
    }

    /// Interns a key and its `key=value` pair (a new integer value also joins the key's
    /// numeric view); returns (key id, pair id). Postings are the caller's.
    pub(super) fn intern_label(&mut self, key: &str, value: &str) -> Result<(u32, u32), Error> {
        let v = &mut self.view;
        let (k, _) = v
            .keys
            .intern(0, key)
            .ok_or_else(|| Error::capacity("keys"))?;
        let (p, new) = v
            .pairs
            .intern(k, value)
            .ok_or_else(|| Error::capacity("label values"))?;
        if new
            && let Some(n) = parse_int(value)
            && let Some(slot) = v.numeric.get_or_grow(k as usize)
        {
            Arc::make_mut(slot.get_or_insert_with(Default::default)).insert((n, p));
        }
        Ok((k, p))
    }

    /// Adds one label of object `id` to the postings; returns (key id, pair id). With `key_too`
    /// false the object already has the key (a value is being replaced).
    fn add_label(
        &mut self,
        id: u32,
        key: &str,
        value: &str,
        key_too: bool,
    ) -> Result<(u32, u32), Error> {
        let (k, p) = self.intern_label(key, value)?;
        let v = &mut self.view;
        v.pair_postings
            .get_or_grow(p as usize)
            .ok_or_else(|| Error::capacity("label values"))?
            .insert(id);
        if key_too {
            v.key_postings
                .get_or_grow(k as usize)
                .ok_or_else(|| Error::capacity("keys"))?
                .insert(id);
        }
        Ok((k, p))
    }

    /// Removes pair `p` of object `id` from the postings, freeing what becomes unused.
    /// With `key_too` false the object keeps the key (its value is being replaced), so the
    /// key's posting is left alone.
    fn drop_label(&mut self, id: u32, p: u32, key_too: bool) {
        let v = &mut self.view;
        let Some(k) = v.pairs.tag(p) else { return };
        if let Some(posting) = v.pair_postings.get_mut(p as usize) {
            posting.remove(id);
            if posting.len() == 0 {
                if let Some(n) = v.pairs.get(p).and_then(|(_, value)| parse_int(value))
                    && let Some(Some(set)) = v.numeric.get_mut(k as usize)
                {
                    Arc::make_mut(set).remove(&(n, p));
                }
                v.pairs.remove(p);
            }
        }
        if !key_too {
            return;
        }
        if let Some(posting) = v.key_postings.get_mut(k as usize) {
            posting.remove(id);
            if posting.len() == 0 {
                if let Some(n) = v.numeric.get_mut(k as usize) {
                    *n = None;
                }
                v.keys.remove(k);
            }
        }
    }

    /// Replaces all labels of object `id` (only the differences touch the postings).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::NoSuchObject`] if `id` is not live.
    pub fn set_labels(&mut self, id: ObjectId, labels: &LabelSet) -> Result<(), Error> {
        let old = self.pairs_of(id)?;
        self.room(1, labels.len(), label_bytes(labels))?;
        if self.write_labels(id.get(), &old, labels)? {
            self.changed();
        }
        Ok(())
    }

    /// Makes `labels` the labels of live object `raw`, which has the pairs `old` now: keeps
    /// the pairs that stay, drops the rest, adds what is new. Returns whether anything changed.
    fn write_labels(&mut self, raw: u32, old: &PairIds, labels: &LabelSet) -> Result<bool, Error> {
        let mut new_pairs: SmallVec<[(u32, u32); 8]> = SmallVec::new();
        let mut keep: SmallVec<[u32; 8]> = SmallVec::new();
        let mut add: SmallVec<[(&str, &str); 8]> = SmallVec::new();
        for (key, value) in labels.iter() {
            // A new object has nothing to keep: skip the lookups.
            let have = if old.is_empty() {
                None
            } else {
                self.view
                    .key_id(key)
                    .and_then(|k| Some((k, self.view.pair_id(k, value)?)))
            };
            match have {
                Some((k, p)) if old.contains(&p) => {
                    keep.push(p);
                    new_pairs.push((k, p));
                }
                _ => add.push((key, value)),
            }
        }
        if keep.len() == old.len() && add.is_empty() {
            return Ok(false);
        }
        for &p in old.iter().filter(|p| !keep.contains(p)) {
            self.drop_label(raw, p, true);
        }
        for (key, value) in add {
            new_pairs.push(self.add_label(raw, key, value, true)?);
        }
        new_pairs.sort_unstable();
        if let Some(o) = self.view.objects.get_mut(raw as usize) {
            *o = new_pairs.iter().map(|&(_, p)| p).collect();
        }
        Ok(true)
    }

    fn pairs_of(&self, id: ObjectId) -> Result<PairIds, Error> {
        if !self.view.live.contains(id.get()) {
            return Err(no_such(id));
        }
        Ok(self
            .view
            .objects
            .get(id.get() as usize)
            .cloned()
            .unwrap_or_default())
    }

    /// Applies `kubectl label` edits to object `id`, all or nothing: `key=value` sets,
    /// `key-` removes (absent keys are ignored). Without `overwrite`, changing the value of
    /// an existing label is refused, as `kubectl label` does without `--overwrite`.
    ///
    /// # Errors
    ///
    /// - [`ErrorKind::NoSuchObject`] if `id` is not live;
    /// - [`ErrorKind::LabelExists`] naming the key, without `overwrite`.
    ///
    /// ```
    /// use label_selector::{ErrorKind, Inventory, LabelEdit, LabelSet};
    ///
    /// let mut inv = Inventory::new();
    /// let id = inv.insert("ns", "p", &LabelSet::from_pairs([("app", "web"), ("canary", "1")])?)?;
    /// inv.relabel(id, &LabelEdit::parse_all(["tier=front", "canary-"])?, false)?;
    /// assert_eq!(inv.get(id).unwrap().labels().to_string(), "app=web,tier=front");
    /// let err = inv.relabel(id, &LabelEdit::parse_all(["app=db"])?, false).unwrap_err();
    /// assert!(matches!(err.kind(), ErrorKind::LabelExists { .. }));
    /// # Ok::<(), label_selector::Error>(())
    /// ```
    pub fn relabel(
        &mut self,
        id: ObjectId,
        edits: &[LabelEdit],
        overwrite: bool,
    ) -> Result<(), Error> {
        let mut pairs = self.pairs_of(id)?;
        let bytes = edits
            .iter()
            .map(|e| match e {
                LabelEdit::Set { key, value } => key.len() + value.len(),
                LabelEdit::Remove { key } => key.len(),
            })
            .sum();
        self.room(1, edits.len(), bytes)?;
        let raw = id.get();
        if !overwrite {
            let view = &self.view;
            LabelEdit::check_no_overwrite(edits, |key| {
                let i = view.find_key(&pairs, view.key_id(key)?).ok()?;
                view.pairs.get(pairs[i]).map(|(_, now)| now)
            })?;
        }
        let mut touched = false;
        for e in edits {
            let key = match e {
                LabelEdit::Set { key, .. } | LabelEdit::Remove { key } => key,
            };
            let at = match self.view.key_id(key) {
                Some(k) => self.view.find_key(&pairs, k).ok(),
                None => None,
            };
            match (e, at) {
                (LabelEdit::Set { key, value }, Some(i)) => {
                    let old = pairs[i];
                    if self.view.pairs.get(old).map(|(_, s)| s) == Some(&**value) {
                        continue;
                    }
                    // Same key: the object keeps the key and the key order.
                    self.drop_label(raw, old, false);
                    pairs[i] = self.add_label(raw, key, value, false)?.1;
                }
                (LabelEdit::Set { key, value }, None) => {
                    let (k, p) = self.add_label(raw, key, value, true)?;
                    let at = self.view.find_key(&pairs, k).unwrap_or_else(|i| i);
                    pairs.insert(at, p);
                }
                (LabelEdit::Remove { .. }, Some(i)) => {
                    let p = pairs.remove(i);
                    self.drop_label(raw, p, true);
                }
                (LabelEdit::Remove { .. }, None) => continue,
            }
            touched = true;
        }
        if touched {
            if let Some(o) = self.view.objects.get_mut(raw as usize) {
                *o = pairs;
            }
            self.changed();
        }
        Ok(())
    }

    /// Deletes object `id`; returns whether it was live. Its id may be reused.
    pub fn delete(&mut self, id: ObjectId) -> bool {
        let Ok(old) = self.pairs_of(id) else {
            return false;
        };
        let raw = id.get();
        for &p in &old {
            self.drop_label(raw, p, true);
        }
        let v = &mut self.view;
        if let Some(o) = v.objects.get_mut(raw as usize) {
            *o = PairIds::new();
        }
        Arc::make_mut(&mut v.live).remove(raw);
        if let Some(ns) = v.names.tag(raw)
            && let Some(posting) = v.ns_postings.get_mut(ns as usize)
        {
            posting.remove(raw);
            if posting.len() == 0 {
                v.namespaces.remove(ns);
            }
        }
        v.names.remove(raw);
        self.changed();
        true
    }

    /// Deletes `namespace/name`; returns its id if it existed.
    pub fn delete_named(&mut self, namespace: &str, name: &str) -> Option<ObjectId> {
        let id = self.view.id(namespace, name)?;
        self.delete(id).then_some(id)
    }

    pub(super) fn changed(&mut self) {
        self.view.version += 1;
        self.current = None;
    }

    /// Publishes the current state, if it changed, to every [`Reader`], and returns it as a
    /// snapshot.
    ///
    /// Publishing copies one pointer per 1 024-entry chunk (about 50 µs at a million pods);
    /// afterwards the writer's first change to each chunk or posting that a snapshot still
    /// shares copies it. Batch events between publishes: see the README's figures.
    pub fn snapshot(&mut self) -> Snapshot {
        if let Some(s) = &self.current {
            return s.clone();
        }
        let s = Snapshot::new(self.view.clone());
        // A poisoned lock only means a reader panicked while cloning an `Arc`; the slot
        // itself is always a whole snapshot.
        let mut slot = self
            .published
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *slot = s.clone();
        drop(slot);
        self.current = Some(s.clone());
        s
    }

    /// Publishes the current state (see [`snapshot`](Inventory::snapshot)).
    pub fn publish(&mut self) {
        self.snapshot();
    }

    /// A handle for reader threads: [`Reader::snapshot`] returns the last published state.
    ///
    /// ```
    /// use label_selector::{Inventory, LabelSet, Selector};
    ///
    /// let mut inv = Inventory::new();
    /// let reader = inv.reader();
    /// inv.insert("ns", "a", &LabelSet::from_pairs([("app", "web")])?)?;
    /// assert_eq!(reader.snapshot().len(), 0); // not published yet
    /// inv.publish();
    /// let count = std::thread::spawn(move || reader.snapshot().count(&Selector::everything()))
    ///     .join()
    ///     .unwrap();
    /// assert_eq!(count, 1);
    /// # Ok::<(), label_selector::Error>(())
    /// ```
    pub fn reader(&self) -> Reader {
        Reader::new(Arc::clone(&self.published))
    }

    /// The current state, to [`restore`](Inventory::restore) if a batch of changes must be
    /// undone. Cheap: the storage is shared copy-on-write.
    pub(crate) fn checkpoint(&self) -> View {
        self.view.clone()
    }

    /// Puts back a state taken by [`checkpoint`](Inventory::checkpoint), as a new version.
    pub(crate) fn restore(&mut self, view: View) {
        let version = self.view.version;
        self.view = view;
        self.view.version = version;
        self.changed();
    }

    /// Checks every internal invariant (postings equal what the objects' labels imply,
    /// interning tables consistent, numeric views exact). For tests and fuzzing.
    #[doc(hidden)]
    pub fn internal_validate(&self) -> Result<(), String> {
        self.view.validate()
    }
}

/// The longest object or namespace name the tables take (a DNS subdomain).
const MAX_NAME_BYTES: usize = 253;

/// The bytes of a label set's keys and values: what interning it can add at most.
pub(super) fn label_bytes(labels: &LabelSet) -> usize {
    labels.iter().map(|(k, v)| k.len() + v.len()).sum()
}

#[cfg(test)]
mod tests {
    use crate::selector::{check_name, check_namespace};

    #[test]
    fn namespace_and_name_rules() {
        for ok in ["", "a", "kube-system", "0a9", &"a".repeat(63)] {
            check_namespace(ok).unwrap();
        }
        for (bad, span) in [
            ("A", 0..1),
            ("-a", 0..1),
            ("a-", 1..2),
            ("a_b", 1..2),
            ("aé", 1..3),
            (&"a".repeat(64), 63..64),
        ] {
            assert_eq!(check_namespace(bad).unwrap_err().span(), span, "{bad}");
        }
        for ok in ["a", "Web_1.x", "a..b", &"n".repeat(253)] {
            check_name(ok).unwrap();
        }
        for (bad, span) in [
            ("", 0..0),
            (".", 0..1),
            ("..", 0..2),
            ("a/b", 1..2),
            ("50%", 2..3),
            ("a\u{7}", 1..2),
            (&"n".repeat(254), 253..254),
        ] {
            assert_eq!(check_name(bad).unwrap_err().span(), span, "{bad:?}");
        }
    }
}
