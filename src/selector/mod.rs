//! The validated model: [`Selector`], [`Requirement`], [`Operator`], label sources, validation,
//! canonical printing and plain matching.
//!
//! A `Selector` is built only through constructors that keep it canonical: requirements sorted
//! by key with a stable sort, each requirement's values sorted and deduplicated. Every later
//! stage relies on that.

mod display;
mod eval;
mod fingerprint;
mod labels;

mod parse;
mod requirement;
pub(crate) mod serde;
mod validate;

pub use crate::vocab::Operator;
pub use labels::{LabelEdit, LabelSet, Labels};
pub use requirement::Requirement;
pub use validate::{
    MAX_NAME_LEN, MAX_PREFIX_LEN, validate_label_key, validate_label_value, validate_namespace,
};
pub(crate) use validate::{check_name, check_namespace};

pub(crate) use requirement::parse_int;

/// A label selector: an AND of [`Requirement`]s, or [`nothing`](Selector::nothing).
///
/// - [`Selector::everything()`] (no requirements) matches every object, also one without labels;
///   it is what `""`, `{}` and `{matchLabels: {}}` mean.
/// - [`Selector::nothing()`] matches no object; it is what a nil (absent) structured selector
///   means. The two are distinct values.
///
/// # Examples
///
/// ```
/// use label_selector::{LabelSet, Selector};
///
/// let s: Selector = "tier, env in (staging,prod), !gpu, version!=v1".parse()?;
/// assert_eq!(s.to_string(), "env in (prod,staging),!gpu,tier,version!=v1");
///
/// let pod = LabelSet::from_pairs([("env", "prod"), ("tier", "web")])?;
/// assert!(s.matches(&pod));
/// assert!(Selector::everything().matches(&pod));
/// assert!(!Selector::nothing().matches(&pod));
/// # Ok::<(), label_selector::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Selector {
    requirements: Vec<Requirement>,
    nothing: bool,
}

impl Selector {
    /// The selector with no requirements: matches every object.
    pub fn everything() -> Selector {
        Selector {
            requirements: Vec::new(),
            nothing: false,
        }
    }

    /// The selector that matches no object (a nil structured selector).
    pub fn nothing() -> Selector {
        Selector {
            requirements: Vec::new(),
            nothing: true,
        }
    }

    /// Whether this is [`everything`](Selector::everything): no requirements and not nothing
    /// (Kubernetes' `Empty()`).
    pub fn is_everything(&self) -> bool {
        !self.nothing && self.requirements.is_empty()
    }

    /// Whether this is [`nothing`](Selector::nothing).
    pub fn is_nothing(&self) -> bool {
        self.nothing
    }

    /// The requirements, sorted by key (stable: equal keys keep the order they were given in).
    pub fn requirements(&self) -> &[Requirement] {
        &self.requirements
    }

    /// Builds a selector from requirements, sorting them by key with a stable sort.
    ///
    /// # Examples
    ///
    /// ```
    /// use label_selector::{Operator, Requirement, Selector};
    ///
    /// let s = Selector::from_requirements([
    ///     Requirement::new("b", Operator::Exists, Vec::<String>::new())?,
    ///     Requirement::new("a", Operator::Equals, ["x"])?,
    /// ]);
    /// assert_eq!(s.to_string(), "a=x,b");
    /// # Ok::<(), label_selector::Error>(())
    /// ```
    pub fn from_requirements(requirements: impl IntoIterator<Item = Requirement>) -> Selector {
        let mut requirements: Vec<Requirement> = requirements.into_iter().collect();
        requirements.sort_by(|a, b| a.key().cmp(b.key()));
        Selector {
            requirements,
            nothing: false,
        }
    }

    /// The selector of a label map (a Service's `spec.selector`, a pod's `nodeSelector`): an
    /// AND of `key=value`. An empty map gives [`everything`](Selector::everything), as
    /// Kubernetes' `SelectorFromSet`; callers that treat an empty map as nothing (Services) say
    /// so themselves.
    ///
    /// # Errors
    ///
    /// An invalid key (the error's input is the key) or value (path `[key]`), as Kubernetes'
    /// `ValidatedSelectorFromSet`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::collections::BTreeMap;
    /// use label_selector::Selector;
    ///
    /// let map = BTreeMap::from([("app", "web"), ("tier", "")]);
    /// assert_eq!(Selector::from_map(&map)?.to_string(), "app=web,tier=");
    /// # Ok::<(), label_selector::Error>(())
    /// ```
    pub fn from_map<I, K, V>(map: I) -> Result<Selector, Error>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let mut reqs = Vec::new();
        for (k, v) in map {
            let (k, v) = (k.as_ref(), v.as_ref());
            // Re-home the error: a key fault has the key as input and no path, a value fault
            // the path `[key]`, as Kubernetes writes them.
            let r = Requirement::new(k, Operator::Equals, [v]).map_err(|e| {
                let (kind, span) = (e.kind().clone(), e.span());
                if e.path() == Some("key") {
                    Error::new(kind, span, k)
                } else {
                    Error::new(kind, span, v).at_path(format!("[{k}]"))
                }
            })?;
            reqs.push(r);
        }
        Ok(Selector::from_requirements(reqs))
    }

    /// Adds a requirement after those with the same key (Kubernetes' `Add`). Adding to
    /// [`nothing`](Selector::nothing) leaves it nothing.
    pub fn push(&mut self, requirement: Requirement) {
        if self.nothing {
            return;
        }
        let at = self
            .requirements
            .partition_point(|r| r.key() <= requirement.key());
        self.requirements.insert(at, requirement);
    }

    /// [`push`](Selector::push) by value, for chaining.
    pub fn and(mut self, requirement: Requirement) -> Selector {
        self.push(requirement);
        self
    }

    /// The value `key` must equal for this selector to match, if its first requirement on `key`
    /// is `=`, `==`, or `in` with one value (Kubernetes' `RequiresExactMatch`, which looks only
    /// at that first requirement).
    ///
    /// # Examples
    ///
    /// ```
    /// use label_selector::Selector;
    ///
    /// assert_eq!(Selector::parse("a=y,a!=x")?.requires_exact_match("a"), Some("y"));
    /// assert_eq!(Selector::parse("a!=x,a=y")?.requires_exact_match("a"), None);
    /// assert_eq!(Selector::parse("a in ()")?.requires_exact_match("a"), Some(""));
    /// # Ok::<(), label_selector::Error>(())
    /// ```
    pub fn requires_exact_match(&self, key: &str) -> Option<&str> {
        let first = self.requirements.iter().find(|r| r.key() == key)?;
        match first.operator() {
            Operator::Equals | Operator::DoubleEquals => Some(&first.values()[0]),
            Operator::In if first.values().len() == 1 => Some(&first.values()[0]),
            _ => None,
        }
    }
}

use crate::error::Error;

impl Default for Selector {
    /// [`Selector::everything`], as the empty string parses.
    fn default() -> Selector {
        Selector::everything()
    }
}
