//! One requirement: key, operator, values; its construction rules and its evaluation.

use std::ops::Range;

use smallvec::SmallVec;

use super::fingerprint;
use super::validate::{Fault, key_fault, value_fault};
use crate::error::{Error, ErrorKind};
use crate::vocab::Operator;

/// One condition on one label key, built only through [`Requirement::new`] so that it is always
/// valid: the key and values pass Kubernetes validation, the value count suits the operator, and
/// the values are sorted in byte order without duplicates.
///
/// # Examples
///
/// ```
/// use label_selector::{Operator, Requirement};
///
/// let r = Requirement::new("env", Operator::In, ["staging", "prod", "prod"])?;
/// assert_eq!(r.values(), ["prod", "staging"]);
/// assert_eq!(r.to_string(), "env in (prod,staging)");
/// assert!(r.matches_value(Some("prod")));
/// assert!(!r.matches_value(None));
/// # Ok::<(), label_selector::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Requirement {
    key: String,
    operator: Operator,
    values: SmallVec<[String; 2]>,
    /// The parsed threshold of `>` / `<`; 0 for other operators.
    threshold: i64,
    /// Fingerprints of the key and of each value, and the key's tail (see `fingerprint`).
    key_fp: u64,
    key_tail: u64,
    value_fps: SmallVec<[u64; 2]>,
}

/// The value-count rule of each operator, as Kubernetes' `NewRequirement`.
fn count_ok(op: Operator, n: usize) -> bool {
    match op {
        Operator::In | Operator::NotIn => n >= 1,
        Operator::Exists | Operator::DoesNotExist => n == 0,
        _ => n == 1,
    }
}

/// Parses a label value as an int64 the way Go's `strconv.ParseInt(v, 10, 64)` does: an optional
/// `+` or `-`, then ASCII digits, in range. Rust's `i64::from_str` has exactly that grammar.
pub(crate) fn parse_int(v: &str) -> Option<i64> {
    v.parse::<i64>().ok()
}

/// Where each part of a requirement is, so that checks can point into the text it came from.
pub(crate) struct Spans<'s> {
    pub(crate) key: Range<usize>,
    pub(crate) values: &'s dyn Fn(usize) -> Range<usize>,
    pub(crate) operator: Range<usize>,
}

impl Requirement {
    /// Builds a validated requirement. Values are sorted and deduplicated; `Equals`,
    /// `DoubleEquals`, `NotEquals`, `GreaterThan` and `LessThan` take exactly one value, `In` and
    /// `NotIn` at least one, `Exists` and `DoesNotExist` none.
    ///
    /// # Errors
    ///
    /// - an invalid key or value ([`validate_label_key`](crate::validate_label_key),
    ///   [`validate_label_value`](crate::validate_label_value)): the error's input is that key or
    ///   value and its path `key` or `values[i]`;
    /// - [`ErrorKind::ValueCount`]: `In` with no values, `Exists` with one, `=` with two;
    /// - [`ErrorKind::NotAnInteger`]: `GreaterThan` with `"1.5"` or `"9223372036854775808"`.
    ///
    /// # Examples
    ///
    /// ```
    /// use label_selector::{ErrorKind, Operator, Requirement};
    ///
    /// let err = Requirement::new("zone", Operator::In, Vec::<String>::new()).unwrap_err();
    /// assert!(matches!(err.kind(), ErrorKind::ValueCount { found: 0, .. }));
    /// let err = Requirement::new("cpu", Operator::GreaterThan, ["1.5"]).unwrap_err();
    /// assert_eq!(err.path(), Some("values[0]"));
    /// ```
    pub fn new<K, I>(key: K, operator: Operator, values: I) -> Result<Requirement, Error>
    where
        K: Into<String>,
        I: IntoIterator,
        I::Item: Into<String>,
    {
        let key = key.into();
        let values: SmallVec<[String; 2]> = values.into_iter().map(Into::into).collect();
        Requirement::build(key, operator, values, true).map_err(|(fault, field)| {
            let (kind, span) = fault;
            match field {
                Field::Key(k) => Error::new(kind, span, &k).at_path("key"),
                Field::Value(i, v) => Error::new(kind, span, &v).at_path(format!("values[{i}]")),
                Field::Count(text) => Error::new(kind, 0..text.len(), &text).at_path("values"),
            }
        })
    }

    /// The one place that checks and normalises a requirement. On failure it says which field
    /// was at fault so that callers can attach their own positions.
    pub(crate) fn build(
        key: String,
        operator: Operator,
        mut values: SmallVec<[String; 2]>,
        check_key: bool,
    ) -> Result<Requirement, (Fault, Field)> {
        if check_key {
            key_fault(&key).map_err(|f| (f, Field::Key(key.clone())))?;
        }
        if !count_ok(operator, values.len()) {
            let text = operator.structured_name().to_string();
            return Err((
                (
                    ErrorKind::ValueCount {
                        operator,
                        found: values.len(),
                    },
                    0..text.len(),
                ),
                Field::Count(text),
            ));
        }
        for (i, v) in values.iter().enumerate() {
            value_fault(v).map_err(|f| (f, Field::Value(i, v.clone())))?;
        }
        let mut threshold = 0;
        if operator.is_numeric() {
            threshold = parse_int(&values[0]).ok_or_else(|| {
                (
                    (ErrorKind::NotAnInteger { operator }, 0..values[0].len()),
                    Field::Value(0, values[0].clone()),
                )
            })?;
        }
        if values.len() > 1 {
            values.sort_unstable();
            values.dedup();
        }
        Ok(Requirement {
            key_fp: fingerprint::fp(&key),
            key_tail: fingerprint::tail(&key),
            value_fps: values.iter().map(|v| fingerprint::fp(v)).collect(),
            key,
            operator,
            values,
            threshold,
        })
    }

    /// Like [`Requirement::new`] but reporting faults at positions of a source text; the key
    /// was checked already (the parser reports a key fault before it reads the values).
    pub(crate) fn build_spanned(
        key: &str,
        operator: Operator,
        values: SmallVec<[String; 2]>,
        spans: &Spans<'_>,
        input: &str,
    ) -> Result<Requirement, Error> {
        Requirement::build(key.to_string(), operator, values, false).map_err(
            |((kind, span), field)| {
                let base = match field {
                    Field::Key(_) => spans.key.start,
                    Field::Value(i, _) => (spans.values)(i).start,
                    Field::Count(_) => {
                        return Error::new(kind, spans.operator.clone(), input);
                    }
                };
                Error::new(kind, base + span.start..base + span.end, input)
            },
        )
    }

    /// The label key.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The operator.
    pub fn operator(&self) -> Operator {
        self.operator
    }

    /// The values, sorted in byte order without duplicates; empty for `Exists` and
    /// `DoesNotExist`, one for the equality and numeric operators.
    pub fn values(&self) -> &[String] {
        &self.values
    }

    /// For `GreaterThan` / `LessThan`, the threshold as an integer.
    pub fn threshold(&self) -> Option<i64> {
        self.operator.is_numeric().then_some(self.threshold)
    }

    /// Whether `value` is one of the requirement's values.
    #[inline]
    pub fn has_value(&self, value: &str) -> bool {
        self.has_value_fp(value, fingerprint::fp(value))
    }

    #[inline]
    fn has_value_fp(&self, value: &str, value_fp: u64) -> bool {
        if self.values.len() <= 8 {
            self.values
                .iter()
                .zip(&self.value_fps)
                .any(|(v, &f)| fingerprint::eq(v, f, value, value_fp))
        } else {
            self.values
                .binary_search_by(|v| v.as_str().cmp(value))
                .is_ok()
        }
    }

    /// The key's fingerprint, for the merge walk over a sorted label set.
    #[inline]
    pub(crate) fn key_fp(&self) -> u64 {
        self.key_fp
    }

    /// The key's tail, to tell apart keys whose fingerprints tie.
    #[inline]
    pub(crate) fn key_tail(&self) -> u64 {
        self.key_tail
    }

    /// Evaluates the requirement on the value an object has for [`key`](Requirement::key)
    /// (`None` when the object lacks the key), with Kubernetes' semantics: see
    /// [`Operator`]'s table.
    ///
    /// # Examples
    ///
    /// ```
    /// use label_selector::Selector;
    ///
    /// let s: Selector = "cores>4".parse()?;
    /// let r = &s.requirements()[0];
    /// assert!(r.matches_value(Some("+8")));
    /// assert!(!r.matches_value(Some("8 ")));
    /// assert!(!r.matches_value(None));
    /// # Ok::<(), label_selector::Error>(())
    /// ```
    #[inline]
    pub fn matches_value(&self, value: Option<&str>) -> bool {
        self.matches_value_fp(value.map(|v| (v, fingerprint::fp(v))))
    }

    /// [`matches_value`](Requirement::matches_value) with the value's fingerprint known.
    #[inline]
    pub(crate) fn matches_value_fp(&self, value: Option<(&str, u64)>) -> bool {
        match (self.operator, value) {
            (Operator::Equals | Operator::DoubleEquals, Some((v, f))) => {
                fingerprint::eq(&self.values[0], self.value_fps[0], v, f)
            }
            (Operator::In, Some((v, f))) => self.has_value_fp(v, f),
            (Operator::NotEquals, Some((v, f))) => {
                !fingerprint::eq(&self.values[0], self.value_fps[0], v, f)
            }
            (Operator::NotIn, Some((v, f))) => !self.has_value_fp(v, f),
            (Operator::Exists, Some(_)) => true,
            (Operator::DoesNotExist, Some(_)) => false,
            (Operator::GreaterThan, Some((v, _))) => {
                parse_int(v).is_some_and(|n| n > self.threshold)
            }
            (Operator::LessThan, Some((v, _))) => parse_int(v).is_some_and(|n| n < self.threshold),
            (op, None) => op.matches_absent(),
        }
    }

    /// Evaluates the requirement on an object's labels.
    pub fn matches(&self, labels: &(impl super::Labels + ?Sized)) -> bool {
        self.matches_value(labels.get_label(&self.key))
    }
}

/// Which field of a requirement a fault is in.
#[derive(Debug)]
pub(crate) enum Field {
    Key(String),
    Value(usize, String),
    /// The operator got the wrong number of values; holds the operator's name.
    Count(String),
}
