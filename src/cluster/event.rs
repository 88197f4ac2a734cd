//! What applying an event did ([`Applied`]), and why it could not ([`ApplyError`]).

use std::fmt;

use crate::error::{Error, ErrorKind};
use crate::k8s::{Object, ObjectKey, Status};

/// What one event or upsert did to the store.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Applied {
    /// The object was not stored and now is.
    Added(ObjectKey),
    /// The object was stored and was replaced (a new UID under the same name included).
    Updated(ObjectKey),
    /// The object's `resourceVersion` equals the stored one: nothing changed.
    Unchanged(ObjectKey),
    /// The object was deleted.
    Deleted(ObjectKey),
    /// A delete of an object the store does not hold: nothing changed.
    UnknownDelete(ObjectKey),
    /// A kind the store does not model (`ConfigMap`); counted in
    /// [`Cluster::skipped`](crate::Cluster::skipped) when added.
    Skipped {
        /// The kind as the object says it.
        kind: String,
    },
    /// A `BOOKMARK` event: the stream is current up to this version.
    Bookmark {
        /// Its `resourceVersion`.
        resource_version: String,
    },
    /// An `ERROR` event: the watch failed (a `410 Gone` asks for a new list).
    WatchError(Status),
}

impl Applied {
    /// The object this was about, for add, update, unchanged and delete outcomes.
    pub fn key(&self) -> Option<&ObjectKey> {
        match self {
            Applied::Added(k)
            | Applied::Updated(k)
            | Applied::Unchanged(k)
            | Applied::Deleted(k)
            | Applied::UnknownDelete(k) => Some(k),
            _ => None,
        }
    }

    /// Whether the store changed.
    pub fn changed(&self) -> bool {
        matches!(
            self,
            Applied::Added(_) | Applied::Updated(_) | Applied::Deleted(_)
        )
    }
}

/// Why an event or upsert was refused. Nothing changed.
///
/// `Display` reads `Pod shop/web-1: object name must be ...`; [`cause`](ApplyError::cause)
/// (also [`source`](std::error::Error::source)) is the typed [`Error`] with its kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApplyError {
    object: String,
    error: Error,
    list: bool,
}

impl ApplyError {
    pub(crate) fn at(key: &ObjectKey, error: Error) -> ApplyError {
        ApplyError {
            object: key.to_string(),
            error,
            list: false,
        }
    }

    pub(crate) fn invalid(object: &Object, error: Error) -> ApplyError {
        ApplyError {
            object: object.to_string(),
            error,
            list: false,
        }
    }

    pub(crate) fn list() -> ApplyError {
        ApplyError {
            object: "List".to_string(),
            error: Error::new(ErrorKind::NotAnObject, 0..0, ""),
            list: true,
        }
    }

    /// The object, as `Kind namespace/name` (`Kind name` when cluster-scoped).
    pub fn object(&self) -> &str {
        &self.object
    }

    /// The typed error: [`ErrorKind::NameInvalid`], [`ErrorKind::NamespaceInvalid`],
    /// [`ErrorKind::CapacityExceeded`] or [`ErrorKind::NotAnObject`].
    pub fn cause(&self) -> &Error {
        &self.error
    }

    /// Whether an index ran out of ids.
    pub fn is_capacity(&self) -> bool {
        matches!(self.error.kind(), ErrorKind::CapacityExceeded { .. })
    }

    /// Whether the event held a list rather than one object.
    pub fn is_list(&self) -> bool {
        self.list
    }
}

impl fmt::Display for ApplyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.object, self.error.one_line())
    }
}

impl std::error::Error for ApplyError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}
