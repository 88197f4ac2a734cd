//! Label sources: the [`Labels`] trait and the compact [`LabelSet`].

use std::borrow::Borrow;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::hash::{BuildHasher, Hash};

use smallvec::SmallVec;

use super::fingerprint;
use super::validate::{key_fault, value_fault};
use crate::error::{Error, ErrorKind, Expected};

/// Anything that maps label keys to values: what a selector is matched against.
///
/// Implemented for `BTreeMap` and `HashMap` with string keys and values (what serde and
/// k8s-openapi give you), for [`LabelSet`], and for references to those.
///
/// # Examples
///
/// ```
/// use std::collections::HashMap;
/// use label_selector::{Labels, Selector};
///
/// let pod: HashMap<String, String> = [("app".to_string(), "web".to_string())].into();
/// assert_eq!(pod.get_label("app"), Some("web"));
/// assert!(Selector::parse("app=web,!gpu")?.matches(&pod));
/// # Ok::<(), label_selector::Error>(())
/// ```
pub trait Labels {
    /// The value of `key`, or `None` when the key is absent.
    fn get_label(&self, key: &str) -> Option<&str>;

    /// The source as a [`LabelSet`], when it is one: matching then walks the set's sorted
    /// labels and the selector's sorted requirements together instead of looking up each key.
    fn as_label_set(&self) -> Option<&LabelSet> {
        None
    }
}

impl<T: Labels + ?Sized> Labels for &T {
    #[inline]
    fn get_label(&self, key: &str) -> Option<&str> {
        (**self).get_label(key)
    }

    #[inline]
    fn as_label_set(&self) -> Option<&LabelSet> {
        (**self).as_label_set()
    }
}

impl<K, V> Labels for BTreeMap<K, V>
where
    K: Borrow<str> + Ord,
    V: AsRef<str>,
{
    #[inline]
    fn get_label(&self, key: &str) -> Option<&str> {
        self.get(key).map(AsRef::as_ref)
    }
}

impl<K, V, S> Labels for HashMap<K, V, S>
where
    K: Borrow<str> + Eq + Hash,
    V: AsRef<str>,
    S: BuildHasher,
{
    #[inline]
    fn get_label(&self, key: &str) -> Option<&str> {
        self.get(key).map(AsRef::as_ref)
    }
}

/// A validated label set, kept sorted by key in a small vector (eight labels inline, no heap
/// for the vector itself): compact and fast to match.
///
/// Built from pairs (the last value of a repeated key wins, as in a map) and edited like
/// `kubectl label`: [`insert`](LabelSet::insert), [`remove`](LabelSet::remove) and
/// [`apply`](LabelSet::apply) of [`LabelEdit`]s such as `tier=db` and `gpu-`.
///
/// # Examples
///
/// ```
/// use label_selector::{LabelEdit, LabelSet, Selector};
///
/// let mut pod = LabelSet::from_pairs([("app", "web"), ("env", "prod")])?;
/// let edits = LabelEdit::parse_all(["tier=db", "env-"])?;
/// pod.apply(&edits, false)?;
/// assert_eq!(pod.to_string(), "app=web,tier=db");
/// assert!(Selector::parse("app=web,!env")?.matches(&pod));
/// # Ok::<(), label_selector::Error>(())
/// ```
#[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LabelSet {
    pairs: SmallVec<[Label; 8]>,
}

/// One label with the fingerprints of its key and value and its key's tail (see `fingerprint`).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Label {
    pub(crate) key_fp: u64,
    pub(crate) key: Box<str>,
    pub(crate) key_tail: u64,
    pub(crate) value_fp: u64,
    pub(crate) value: Box<str>,
}

impl Label {
    /// A label from a key and value, validated.
    pub(crate) fn checked(key: &str, value: &str) -> Result<Label, Error> {
        check_pair(key, value)?;
        Ok(Label::new(key.into(), value.into()))
    }

    fn new(key: Box<str>, value: Box<str>) -> Label {
        Label {
            key_fp: fingerprint::fp(&key),
            key_tail: fingerprint::tail(&key),
            value_fp: fingerprint::fp(&value),
            key,
            value,
        }
    }

    fn set_value(&mut self, value: Box<str>) -> Box<str> {
        self.value_fp = fingerprint::fp(&value);
        std::mem::replace(&mut self.value, value)
    }
}

fn check_pair(key: &str, value: &str) -> Result<(), Error> {
    key_fault(key).map_err(|(k, s)| Error::new(k, s, key).at_path("key"))?;
    value_fault(value).map_err(|(k, s)| Error::new(k, s, value).at_path(format!("[{key}]")))
}

impl LabelSet {
    /// The labels with their fingerprints, sorted by key.
    #[inline]
    pub(crate) fn labels(&self) -> &[Label] {
        &self.pairs
    }

    /// An empty set.
    pub fn new() -> LabelSet {
        LabelSet::default()
    }

    /// Builds a set from key/value pairs; for a repeated key the last value wins.
    ///
    /// # Errors
    ///
    /// The first invalid key (`"-a"`, path `key`) or value (`"a b"`, path `[key]`).
    pub fn from_pairs<I, K, V>(pairs: I) -> Result<LabelSet, Error>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let mut labels = SmallVec::new();
        for (k, v) in pairs {
            labels.push(Label::checked(k.as_ref(), v.as_ref())?);
        }
        Ok(LabelSet::from_labels(labels))
    }

    /// The set of `labels` (validated, in any order): sorted once by key, the last of a
    /// repeated key kept. Linear for labels already in key order, `n log n` otherwise, where
    /// inserting one by one would move `n²` entries.
    pub(crate) fn from_labels(mut labels: SmallVec<[Label; 8]>) -> LabelSet {
        if !labels.is_sorted_by(|a, b| a.key < b.key) {
            // Stable: a repeated key's entries stay in input order, and the last is kept.
            labels.sort_by(|a, b| a.key.cmp(&b.key));
            let mut kept: SmallVec<[Label; 8]> = SmallVec::with_capacity(labels.len());
            for l in labels {
                match kept.last_mut() {
                    Some(last) if last.key == l.key => *last = l,
                    _ => kept.push(l),
                }
            }
            labels = kept;
        }
        LabelSet { pairs: labels }
    }

    fn position(&self, key: &str) -> Result<usize, usize> {
        self.pairs.binary_search_by(|l| (*l.key).cmp(key))
    }

    /// The value of `key`.
    #[inline]
    pub fn get(&self, key: &str) -> Option<&str> {
        self.position(key).ok().map(|i| &*self.pairs[i].value)
    }

    /// Whether `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_ok()
    }

    /// The number of labels.
    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    /// Whether there are no labels.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// The labels in key order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &str)> + '_ {
        self.pairs.iter().map(|l| (&*l.key, &*l.value))
    }

    /// Sets `key` to `value`, overwriting; returns the previous value.
    ///
    /// # Errors
    ///
    /// An invalid key or value; the set is then unchanged.
    pub fn insert(&mut self, key: &str, value: &str) -> Result<Option<Box<str>>, Error> {
        check_pair(key, value)?;
        Ok(self.upsert(key.into(), value.into()))
    }

    /// Sets a validated key to a validated value in key order; returns the previous value.
    pub(crate) fn upsert(&mut self, key: Box<str>, value: Box<str>) -> Option<Box<str>> {
        match self.position(&key) {
            Ok(i) => Some(self.pairs[i].set_value(value)),
            Err(i) => {
                self.pairs.insert(i, Label::new(key, value));
                None
            }
        }
    }

    /// Removes `key`; returns its value if it was present.
    pub fn remove(&mut self, key: &str) -> Option<Box<str>> {
        self.position(key).ok().map(|i| self.pairs.remove(i).value)
    }

    /// Applies `kubectl label` edits all or nothing: with `overwrite` false, setting a key that
    /// already has a different value is refused (as `kubectl label` without `--overwrite`);
    /// removing an absent key is not an error.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::LabelExists`] naming the key; the set is then unchanged.
    ///
    /// # Examples
    ///
    /// ```
    /// use label_selector::{ErrorKind, LabelEdit, LabelSet};
    ///
    /// let mut pod = LabelSet::from_pairs([("app", "web")])?;
    /// let edit = LabelEdit::parse_all(["app=api"])?;
    /// let err = pod.apply(&edit, false).unwrap_err();
    /// assert!(matches!(err.kind(), ErrorKind::LabelExists { .. }));
    /// pod.apply(&edit, true)?;
    /// assert_eq!(pod.get("app"), Some("api"));
    /// # Ok::<(), label_selector::Error>(())
    /// ```
    pub fn apply(&mut self, edits: &[LabelEdit], overwrite: bool) -> Result<(), Error> {
        if !overwrite {
            LabelEdit::check_no_overwrite(edits, |key| self.get(key))?;
        }
        for e in edits {
            match e {
                // Edits were validated when they were built.
                LabelEdit::Set { key, value } => {
                    self.upsert(key.clone(), value.clone());
                }
                LabelEdit::Remove { key } => {
                    self.remove(key);
                }
            }
        }
        Ok(())
    }
}

impl Labels for LabelSet {
    #[inline]
    fn get_label(&self, key: &str) -> Option<&str> {
        self.get(key)
    }

    #[inline]
    fn as_label_set(&self) -> Option<&LabelSet> {
        Some(self)
    }
}

/// Prints `k=v` pairs joined by `,` in key order, as `kubectl --show-labels` does; an empty set
/// prints as `<none>`.
impl fmt::Display for LabelSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.pairs.is_empty() {
            return f.write_str("<none>");
        }
        for (i, (k, v)) in self.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{k}={v}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for LabelSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// One `kubectl label` argument: `key=value` sets, `key-` removes.
///
/// # Examples
///
/// ```
/// use label_selector::LabelEdit;
///
/// assert_eq!(
///     LabelEdit::parse("tier=db")?,
///     LabelEdit::Set { key: "tier".into(), value: "db".into() }
/// );
/// assert_eq!(LabelEdit::parse("gpu-")?, LabelEdit::Remove { key: "gpu".into() });
/// assert!(LabelEdit::parse("tier").is_err());
/// # Ok::<(), label_selector::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum LabelEdit {
    /// `key=value`.
    Set {
        /// The key.
        key: Box<str>,
        /// The value.
        value: Box<str>,
    },
    /// `key-`.
    Remove {
        /// The key.
        key: Box<str>,
    },
}

impl LabelEdit {
    /// Parses one argument.
    ///
    /// # Errors
    ///
    /// [`Expected::LabelEdit`] for `"tier"` (neither `=` nor a trailing `-`), and the key and
    /// value errors of [`validate_label_key`](crate::validate_label_key) and
    /// [`validate_label_value`](crate::validate_label_value), positioned in the argument.
    pub fn parse(arg: &str) -> Result<LabelEdit, Error> {
        let at = |(k, s): (ErrorKind, std::ops::Range<usize>), off: usize| {
            Error::new(k, s.start + off..s.end + off, arg)
        };
        if let Some((key, value)) = arg.split_once('=') {
            key_fault(key).map_err(|f| at(f, 0))?;
            value_fault(value).map_err(|f| at(f, key.len() + 1))?;
            return Ok(LabelEdit::Set {
                key: key.into(),
                value: value.into(),
            });
        }
        if let Some(key) = arg.strip_suffix('-') {
            key_fault(key).map_err(|f| at(f, 0))?;
            return Ok(LabelEdit::Remove { key: key.into() });
        }
        Err(Error::new(
            ErrorKind::Expected {
                expected: Expected::LabelEdit,
            },
            arg.len()..arg.len(),
            arg,
        ))
    }

    /// Refuses the first `key=value` edit that would change a label `current` says the
    /// object has (`kubectl label` without `--overwrite`).
    pub(crate) fn check_no_overwrite<'a>(
        edits: &[LabelEdit],
        current: impl Fn(&str) -> Option<&'a str>,
    ) -> Result<(), Error> {
        for e in edits {
            if let LabelEdit::Set { key, value } = e
                && let Some(now) = current(key)
                && now != &**value
            {
                return Err(Error::new(
                    ErrorKind::LabelExists {
                        current: now.into(),
                    },
                    0..key.len(),
                    key,
                ));
            }
        }
        Ok(())
    }

    /// Parses several arguments.
    ///
    /// # Errors
    ///
    /// The first argument's error, as [`LabelEdit::parse`].
    pub fn parse_all<I>(args: I) -> Result<Vec<LabelEdit>, Error>
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        args.into_iter()
            .map(|a| LabelEdit::parse(a.as_ref()))
            .collect()
    }
}
