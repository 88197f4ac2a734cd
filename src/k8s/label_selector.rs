//! `metav1.LabelSelector` and its conversions.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind};
use crate::selector::{Operator, Requirement, Selector};
use crate::syntax::Limits;

/// A structured label selector (`metav1.LabelSelector`), as it appears in Deployments,
/// ReplicaSets, PDBs, pod affinity terms and topology spread constraints. Unknown fields are
/// ignored.
///
/// # Examples
///
/// ```
/// use label_selector::{LabelSelector, Selector};
///
/// let json = r#"{"matchLabels": {"app": "web"},
///                "matchExpressions": [{"key": "env", "operator": "NotIn", "values": ["dev"]}]}"#;
/// let ls: LabelSelector = serde_json::from_str(json).unwrap();
/// let s = Selector::from_label_selector(Some(&ls))?;
/// assert_eq!(s.to_string(), "app=web,env notin (dev)");
/// assert!(Selector::from_label_selector(None)?.is_nothing());
/// # Ok::<(), label_selector::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LabelSelector {
    /// `key: value` pairs, each meaning `key=value`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub match_labels: Option<BTreeMap<String, String>>,
    /// Requirements, ANDed with `matchLabels`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub match_expressions: Option<Vec<LabelSelectorRequirement>>,
}

/// One `matchExpressions` entry of a [`LabelSelector`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LabelSelectorRequirement {
    /// The label key.
    pub key: String,
    /// `In`, `NotIn`, `Exists` or `DoesNotExist` (case-sensitive); kept as text so that a wrong
    /// operator is reported with its path rather than as a decoding error.
    pub operator: String,
    /// The values: non-empty for `In` / `NotIn`, absent or empty otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<String>>,
}

const LABEL_SELECTOR_OPERATORS: &[&str] = &["In", "NotIn", "Exists", "DoesNotExist"];

/// Parses an operator name from `allowed`, or reports it at `path.operator`.
pub(crate) fn structured_operator(
    name: &str,
    allowed: &'static [&'static str],
) -> Result<Operator, Error> {
    let op = match name {
        "In" => Operator::In,
        "NotIn" => Operator::NotIn,
        "Exists" => Operator::Exists,
        "DoesNotExist" => Operator::DoesNotExist,
        "Gt" => Operator::GreaterThan,
        "Lt" => Operator::LessThan,
        _ => return Err(unknown_operator(name, allowed)),
    };
    if allowed.contains(&name) {
        Ok(op)
    } else {
        Err(unknown_operator(name, allowed))
    }
}

fn unknown_operator(name: &str, allowed: &'static [&'static str]) -> Error {
    Error::new(ErrorKind::UnknownOperator { allowed }, 0..name.len(), name).at_path("operator")
}

/// Builds one requirement of a structured selector, checking the limit on values.
pub(crate) fn structured_requirement(
    key: &str,
    operator: Operator,
    values: Option<&[String]>,
    limits: &Limits,
) -> Result<Requirement, Error> {
    let values = values.unwrap_or_default();
    if values.len() > limits.max_values {
        return Err(Error::new(
            ErrorKind::TooManyValues {
                limit: limits.max_values,
            },
            0..0,
            "",
        )
        .at_path("values"));
    }
    Requirement::new(key, operator, values.iter().map(String::as_str))
}

/// Converts `matchExpressions` entries (key, operator, values) with the operators `allowed`,
/// reporting faults under `matchExpressions[i]`.
pub(crate) fn structured_expressions<'r>(
    exprs: impl Iterator<Item = (&'r str, &'r str, Option<&'r [String]>)>,
    allowed: &'static [&'static str],
    limits: &Limits,
    out: &mut Vec<Requirement>,
) -> Result<(), Error> {
    for (i, (key, operator, values)) in exprs.enumerate() {
        let r = structured_operator(operator, allowed)
            .and_then(|op| structured_requirement(key, op, values, limits))
            .map_err(|err| err.at_path(format!("matchExpressions[{i}]")))?;
        out.push(r);
    }
    Ok(())
}

fn too_many_requirements(limits: &Limits, path: &str) -> Error {
    Error::new(
        ErrorKind::TooManyRequirements {
            limit: limits.max_requirements,
        },
        0..0,
        "",
    )
    .at_path(path)
}

impl Selector {
    /// Converts a structured selector with Kubernetes' `LabelSelectorAsSelector` semantics:
    /// - `None` (a nil selector) gives [`Selector::nothing`];
    /// - `{}`, `{matchLabels: {}}` and `{matchExpressions: []}` give [`Selector::everything`];
    /// - each `matchLabels` entry is `key=value`; expressions use `In`, `NotIn`, `Exists` and
    ///   `DoesNotExist` exactly (case-sensitive); `In` / `NotIn` need values, `Exists` /
    ///   `DoesNotExist` take none;
    /// - requirements are sorted by key, a `matchLabels` entry before expressions on the same
    ///   key.
    ///
    /// Values are deduplicated (Kubernetes keeps duplicates, which changes only its printed form).
    ///
    /// # Errors
    ///
    /// The first fault, with its path: `matchExpressions[0].operator` for `"Gt"` or `"in"`
    /// ([`ErrorKind::UnknownOperator`]), `matchExpressions[1].operator` for `In` without
    /// values ([`ErrorKind::ValueCount`]), `matchExpressions[0].key` / `.values[2]` /
    /// `matchLabels` / `matchLabels[app]` for invalid keys and values.
    pub fn from_label_selector(selector: Option<&LabelSelector>) -> Result<Selector, Error> {
        Selector::from_label_selector_with(selector, &Limits::default())
    }

    /// [`Selector::from_label_selector`] with explicit [`Limits`] (requirements per selector,
    /// values per expression).
    ///
    /// # Errors
    ///
    /// As [`Selector::from_label_selector`], plus the limit kinds.
    pub fn from_label_selector_with(
        selector: Option<&LabelSelector>,
        limits: &Limits,
    ) -> Result<Selector, Error> {
        let Some(ls) = selector else {
            return Ok(Selector::nothing());
        };
        let labels = ls.match_labels.as_ref();
        let exprs = ls.match_expressions.as_deref().unwrap_or_default();
        let n = labels.map_or(0, BTreeMap::len) + exprs.len();
        if n > limits.max_requirements {
            return Err(too_many_requirements(limits, "matchExpressions"));
        }
        let mut reqs = Vec::with_capacity(n);
        if let Some(map) = labels {
            reqs.extend(
                Selector::from_map(map)
                    .map_err(|e| e.at_path("matchLabels"))?
                    .requirements()
                    .iter()
                    .cloned(),
            );
        }
        structured_expressions(
            exprs
                .iter()
                .map(|e| (e.key.as_str(), e.operator.as_str(), e.values.as_deref())),
            LABEL_SELECTOR_OPERATORS,
            limits,
            &mut reqs,
        )?;
        Ok(Selector::from_requirements(reqs))
    }

    /// Writes the selector as a structured [`LabelSelector`] without changing its meaning:
    /// `None` for [`nothing`](Selector::nothing), `{}` for everything; `=` and `==` go to
    /// `matchLabels` (a second equality on the same key becomes `In` with one value, so
    /// `a=x,a=y` stays unsatisfiable), `in` / `notin` / `k` / `!k` to `In` / `NotIn` / `Exists` /
    /// `DoesNotExist`.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::NotExpressible`] for `!=`, `>` and `<`, which a `LabelSelector` cannot
    /// state (as Kubernetes' `ParseToLabelSelector`); the error's input is the requirement.
    ///
    /// # Examples
    ///
    /// ```
    /// use label_selector::Selector;
    ///
    /// let ls = Selector::parse("app=web,!gpu")?.to_label_selector()?.unwrap();
    /// assert_eq!(
    ///     serde_json::to_string(&ls).unwrap(),
    ///     r#"{"matchLabels":{"app":"web"},"matchExpressions":[{"key":"gpu","operator":"DoesNotExist"}]}"#
    /// );
    /// assert!(Selector::parse("version!=v1")?.to_label_selector().is_err());
    /// # Ok::<(), label_selector::Error>(())
    /// ```
    pub fn to_label_selector(&self) -> Result<Option<LabelSelector>, Error> {
        if self.is_nothing() {
            return Ok(None);
        }
        let mut labels = BTreeMap::new();
        let mut exprs = Vec::new();
        for r in self.requirements() {
            let (operator, values) = match r.operator() {
                Operator::Equals | Operator::DoubleEquals => {
                    if !labels.contains_key(r.key()) {
                        labels.insert(r.key().to_string(), r.values()[0].clone());
                        continue;
                    }
                    ("In", Some(r.values().to_vec()))
                }
                Operator::In => ("In", Some(r.values().to_vec())),
                Operator::NotIn => ("NotIn", Some(r.values().to_vec())),
                Operator::Exists => ("Exists", None),
                Operator::DoesNotExist => ("DoesNotExist", None),
                op @ (Operator::NotEquals | Operator::GreaterThan | Operator::LessThan) => {
                    let text = r.to_string();
                    let reason = match op {
                        Operator::NotEquals => {
                            "'!=' has no structured form; write 'key notin (value)'"
                        }
                        _ => "'>' and '<' exist only in node selectors",
                    };
                    return Err(Error::new(
                        ErrorKind::NotExpressible { reason },
                        0..text.len(),
                        &text,
                    ));
                }
            };
            exprs.push(LabelSelectorRequirement {
                key: r.key().to_string(),
                operator: operator.to_string(),
                values,
            });
        }
        Ok(Some(LabelSelector {
            match_labels: (!labels.is_empty()).then_some(labels),
            match_expressions: (!exprs.is_empty()).then_some(exprs),
        }))
    }
}

impl TryFrom<&LabelSelector> for Selector {
    type Error = Error;

    /// [`Selector::from_label_selector`] of a present selector.
    fn try_from(ls: &LabelSelector) -> Result<Selector, Error> {
        Selector::from_label_selector(Some(ls))
    }
}
