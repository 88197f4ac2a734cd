//! [`WatchEvent`]: one line of `kubectl get -w -o json --output-watch-events`, or one event of
//! the API's watch stream.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeOwned, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::Value;

use super::object::{Bare, Object};
use crate::selector::serde::Text;

/// One watch event: `{"type": "ADDED", "object": {...}}`.
///
/// `ADDED`, `MODIFIED` and `DELETED` carry the object; `BOOKMARK` carries only a
/// `resourceVersion` (its object has no name); `ERROR` carries a `Status` (a `410 Gone` when the
/// watch fell too far behind).
///
/// # Examples
///
/// ```
/// use label_selector::k8s::{Object, WatchEvent};
///
/// let e: WatchEvent = serde_json::from_str(
///     r#"{"type": "MODIFIED", "object": {"kind": "Pod", "metadata": {"name": "a", "namespace": "shop"}}}"#,
/// ).unwrap();
/// assert!(matches!(e, WatchEvent::Modified(Object::Pod(_))));
///
/// let e: WatchEvent = serde_json::from_str(
///     r#"{"type": "ERROR", "object": {"kind": "Status", "code": 410, "reason": "Expired",
///         "message": "too old resource version: 1 (5)"}}"#,
/// ).unwrap();
/// let WatchEvent::Error(status) = e else { panic!() };
/// assert_eq!(status.code, Some(410));
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum WatchEvent {
    /// `ADDED`: the object was created (or listed at the start of the watch).
    Added(Object),
    /// `MODIFIED`: the object changed.
    Modified(Object),
    /// `DELETED`: the object is gone; it holds the last state.
    Deleted(Object),
    /// `BOOKMARK`: the stream is current up to this resource version.
    Bookmark {
        /// `object.metadata.resourceVersion`.
        resource_version: String,
    },
    /// `ERROR`: the watch failed; the object is a `Status`.
    Error(Status),
}

/// A `meta/v1 Status`, as an `ERROR` watch event carries it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct Status {
    /// `code`: the HTTP status (410 for an expired resource version).
    #[serde(default)]
    pub code: Option<i32>,
    /// `reason` (`Expired`, `Gone`).
    #[serde(default)]
    pub reason: Option<String>,
    /// `message`.
    #[serde(default)]
    pub message: Option<String>,
}

impl fmt::Display for Status {
    /// `410 Expired: too old resource version`, with the parts that are present.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut sep = "";
        if let Some(code) = self.code {
            write!(f, "{code}")?;
            sep = " ";
        }
        if let Some(reason) = &self.reason {
            write!(f, "{sep}{reason}")?;
            sep = ": ";
        }
        match &self.message {
            Some(m) => write!(f, "{}{m}", if sep == " " { ": " } else { sep }),
            None if sep.is_empty() => f.write_str("watch error"),
            None => Ok(()),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Type {
    Added,
    Modified,
    Deleted,
    Bookmark,
    Error,
}

fn event_type<E: de::Error>(t: &str) -> Result<Type, E> {
    Ok(match t {
        "ADDED" => Type::Added,
        "MODIFIED" => Type::Modified,
        "DELETED" => Type::Deleted,
        "BOOKMARK" => Type::Bookmark,
        "ERROR" => Type::Error,
        other => {
            return Err(E::custom(format_args!(
                "unknown watch event type '{}' (expected ADDED, MODIFIED, DELETED, BOOKMARK or ERROR)",
                other.escape_debug()
            )));
        }
    })
}

/// A bookmark's object: only `metadata.resourceVersion` counts.
#[derive(Deserialize)]
struct BookmarkObject {
    #[serde(default)]
    metadata: Option<BookmarkMeta>,
}

#[derive(Deserialize)]
struct BookmarkMeta {
    #[serde(default, rename = "resourceVersion")]
    resource_version: Option<String>,
}

/// The object of an event of type `t`, once its type is known.
fn build<E: de::Error>(
    t: Type,
    read: impl FnOnce(Shape) -> Result<Read, E>,
) -> Result<WatchEvent, E> {
    Ok(match (t, read(shape_of(t))?) {
        (Type::Added, Read::Object(o)) => WatchEvent::Added(o),
        (Type::Modified, Read::Object(o)) => WatchEvent::Modified(o),
        (Type::Deleted, Read::Object(o)) => WatchEvent::Deleted(o),
        (Type::Bookmark, Read::Bookmark(b)) => WatchEvent::Bookmark {
            resource_version: b
                .metadata
                .and_then(|m| m.resource_version)
                .unwrap_or_default(),
        },
        (Type::Error, Read::Status(s)) => WatchEvent::Error(s),
        _ => return Err(E::custom("watch event object does not fit its type")),
    })
}

#[derive(Clone, Copy)]
enum Shape {
    Object,
    Bookmark,
    Status,
}

enum Read {
    Object(Object),
    Bookmark(BookmarkObject),
    Status(Status),
}

fn shape_of(t: Type) -> Shape {
    match t {
        Type::Bookmark => Shape::Bookmark,
        Type::Error => Shape::Status,
        _ => Shape::Object,
    }
}

fn from_value<T: DeserializeOwned, E: de::Error>(v: Value) -> Result<T, E> {
    T::deserialize(super::Wrap::field(v, "object"))
        .map_err(|e| E::custom(format_args!("object: {e}")))
}

struct EventVisitor;

impl<'de> Visitor<'de> for EventVisitor {
    type Value = WatchEvent;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a watch event {\"type\": ..., \"object\": ...}")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<WatchEvent, A::Error> {
        let mut t = None;
        let mut done = None;
        let mut buffered: Option<Value> = None;
        while let Some(key) = map.next_key::<Text<'de>>()? {
            match &*key.0 {
                "type" => {
                    let text = map.next_value::<Text<'de>>()?;
                    t = Some(event_type::<A::Error>(&text.0)?);
                }
                "object" if done.is_some() || buffered.is_some() => {
                    return Err(de::Error::duplicate_field("object"));
                }
                "object" => match t {
                    // kubectl writes `type` first: read the object straight into its model.
                    Some(t) => {
                        done = Some(build(t, |shape| {
                            Ok(match shape {
                                Shape::Object => Read::Object(map.next_value::<Bare>()?.0),
                                Shape::Bookmark => Read::Bookmark(map.next_value()?),
                                Shape::Status => Read::Status(map.next_value()?),
                            })
                        })?)
                    }
                    None => buffered = Some(map.next_value()?),
                },
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if let Some(e) = done {
            return Ok(e);
        }
        let t = t.ok_or_else(|| de::Error::missing_field("type"))?;
        let v = buffered.ok_or_else(|| de::Error::missing_field("object"))?;
        build(t, |shape| {
            Ok(match shape {
                Shape::Object => Read::Object(from_value(v)?),
                Shape::Bookmark => Read::Bookmark(from_value(v)?),
                Shape::Status => Read::Status(from_value(v)?),
            })
        })
    }
}

impl<'de> Deserialize<'de> for WatchEvent {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<WatchEvent, D::Error> {
        deserializer.deserialize_map(super::top(EventVisitor))
    }
}
