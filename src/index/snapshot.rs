//! Published, immutable views for reader threads.

use std::fmt;
use std::ops::Deref;
use std::sync::{Arc, RwLock};

use super::view::View;

/// An immutable, consistent view of an [`Inventory`](crate::Inventory) at one moment: every
/// query on it sees whole events only, never half of a relabel. Cheap to clone, `Send + Sync`;
/// it dereferences to [`View`] for lookups and queries.
///
/// # Examples
///
/// ```
/// use label_selector::{Inventory, LabelSet, Selector};
///
/// let mut inv = Inventory::new();
/// inv.insert("ns", "a", &LabelSet::from_pairs([("app", "web")])?)?;
/// let before = inv.snapshot();
/// inv.delete_named("ns", "a");
/// let web: Selector = "app=web".parse()?;
/// assert_eq!(before.count(&web), 1); // the snapshot does not change
/// assert_eq!(inv.snapshot().count(&web), 0);
/// # Ok::<(), label_selector::Error>(())
/// ```
#[derive(Clone)]
pub struct Snapshot {
    view: Arc<View>,
}

impl Snapshot {
    pub(crate) fn new(view: View) -> Snapshot {
        Snapshot {
            view: Arc::new(view),
        }
    }
}

impl Deref for Snapshot {
    type Target = View;
    fn deref(&self) -> &View {
        &self.view
    }
}

impl fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Snapshot").field(&*self.view).finish()
    }
}

/// A reader's handle on an inventory: [`snapshot`](Reader::snapshot) returns what the writer
/// last published with [`Inventory::publish`](crate::Inventory::publish). Clone it into each
/// reader thread.
#[derive(Clone)]
pub struct Reader {
    slot: Arc<RwLock<Snapshot>>,
}

impl Reader {
    pub(crate) fn new(slot: Arc<RwLock<Snapshot>>) -> Reader {
        Reader { slot }
    }

    /// The last published snapshot. Takes a lock only for the time of an `Arc` clone.
    pub fn snapshot(&self) -> Snapshot {
        self.slot
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }
}

impl fmt::Debug for Reader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reader")
            .field("version", &self.snapshot().version())
            .finish()
    }
}
