//! Serde: a selector is its canonical string; nothing is `null`.

use serde::de::{self, Deserializer, Visitor};
use serde::ser::Serializer;
use serde::{Deserialize, Serialize};
use std::fmt;

use std::borrow::Cow;

use serde::de::MapAccess;
use serde::ser::SerializeMap;

use super::labels::Label;
use super::{LabelSet, Selector};

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

/// Serializes as a map from key to value, sorted by key (`metadata.labels`).
///
/// # Examples
///
/// ```
/// use label_selector::LabelSet;
///
/// let set: LabelSet = serde_json::from_str(r#"{"tier": "db", "app": "web"}"#).unwrap();
/// assert_eq!(set.to_string(), "app=web,tier=db");
/// assert_eq!(serde_json::to_string(&set).unwrap(), r#"{"app":"web","tier":"db"}"#);
/// let err = serde_json::from_str::<LabelSet>(r#"{"app": "a b"}"#).unwrap_err();
/// assert!(err.to_string().starts_with("invalid label: [app]: "), "{err}");
/// ```
impl Serialize for LabelSet {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.len()))?;
        for (k, v) in self.iter() {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

struct LabelSetVisitor;

impl<'de> Visitor<'de> for LabelSetVisitor {
    type Value = LabelSet;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map of label keys to string values")
    }

    fn visit_unit<E: de::Error>(self) -> Result<LabelSet, E> {
        Ok(LabelSet::new())
    }

    fn visit_none<E: de::Error>(self) -> Result<LabelSet, E> {
        Ok(LabelSet::new())
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<LabelSet, D::Error> {
        d.deserialize_map(LabelSetVisitor)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<LabelSet, A::Error> {
        let mut labels = smallvec::SmallVec::new();
        while let Some((k, v)) = map.next_entry::<Text<'de>, Text<'de>>()? {
            labels.push(Label::checked(&k.0, &v.0).map_err(|e| e.into_serde("invalid label"))?);
        }
        Ok(LabelSet::from_labels(labels))
    }
}

/// Reads a map of labels, validating each key and value (`null` is the empty set). A repeated
/// key keeps its last value, as Kubernetes' JSON decoding does.
impl<'de> Deserialize<'de> for LabelSet {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<LabelSet, D::Error> {
        deserializer.deserialize_option(LabelSetVisitor)
    }
}

/// A string borrowed from the input when the format allows it, owned otherwise (serde's own
/// `Cow<str>` always copies).
pub(crate) struct Text<'de>(pub(crate) Cow<'de, str>);

struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Text<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Text<'de>, E> {
        Ok(Text(Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Text<'de>, E> {
        Ok(Text(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Text<'de>, E> {
        Ok(Text(Cow::Owned(v)))
    }
}

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Text<'de>, D::Error> {
        deserializer.deserialize_str(TextVisitor)
    }
}
