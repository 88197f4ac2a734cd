//! The bitmap-indexed inventory: interning, posting bitmaps, updates and snapshots.
//!
//! An [`Inventory`] keeps objects (namespace, name, labels) and, for queries, one posting set
//! per `key=value`, per key and per namespace, plus the live set. Keys, `key=value` pairs,
//! namespaces and names are interned once into dense `u32` ids; each object stores its labels
//! as eight inline pair ids. Postings with one member are kept inline, larger ones as roaring
//! bitmaps. For `>` and `<`, each key keeps its integer-valued pairs sorted by value.
//!
//! Storage is copy-on-write in chunks, so [`Inventory::snapshot`] publishes a consistent,
//! immutable [`Snapshot`] for reader threads without copying the index.
//!
//! This module does not evaluate selectors; [`query`](crate::query) does, on any [`View`].

mod bulk;
pub(crate) mod cow;
mod dict;
mod hash;
mod inventory;
pub(crate) mod probing;
mod set;
mod snapshot;
mod view;

pub(crate) use cow::CowVec;
pub(crate) use hash::Hasher;
pub use inventory::Inventory;
pub(crate) use set::PostingRef;
pub use set::{IntoIter, ObjectId, ObjectSet};
pub use snapshot::{Reader, Snapshot};
pub use view::{ObjectRef, Stats, View};
