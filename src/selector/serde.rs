//! Serde: a selector is its canonical string; nothing is `null`.

use serde::de::{self, Deserializer, Visitor};
use serde::ser::Serializer;
use serde::{Deserialize, Serialize};
use std::fmt;

use super::Selector;

/// Serializes as the canonical string (`"app=web,!gpu"`); [`Selector::nothing`] as `null`
/// (none), so that it does not come back as everything.
///
/// # Examples
///
/// ```
/// use label_selector::Selector;
///
/// let s = Selector::parse("b,a=1")?;
/// assert_eq!(serde_json::to_string(&s).unwrap(), r#""a=1,b""#);
/// assert_eq!(serde_json::to_string(&Selector::nothing()).unwrap(), "null");
/// let back: Selector = serde_json::from_str("null").unwrap();
/// assert!(back.is_nothing());
/// # Ok::<(), label_selector::Error>(())
/// ```
impl Serialize for Selector {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.is_nothing() {
            serializer.serialize_none()
        } else {
            serializer.collect_str(self)
        }
    }
}

struct SelectorVisitor;

impl<'de> Visitor<'de> for SelectorVisitor {
    type Value = Selector;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a label selector string or null")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Selector, E> {
        Selector::parse(v).map_err(E::custom)
    }

    fn visit_none<E: de::Error>(self) -> Result<Selector, E> {
        Ok(Selector::nothing())
    }

    fn visit_unit<E: de::Error>(self) -> Result<Selector, E> {
        Ok(Selector::nothing())
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Selector, D::Error> {
        d.deserialize_str(SelectorVisitor)
    }
}

/// Parses a selector string; `null` gives [`Selector::nothing`].
impl<'de> Deserialize<'de> for Selector {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Selector, D::Error> {
        deserializer.deserialize_option(SelectorVisitor)
    }
}
