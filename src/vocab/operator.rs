//! The operators of label requirements.

use std::fmt;

/// How a requirement relates a label key to its values.
///
/// | operator | string form | structured form | key absent | key present with value `v` |
/// |---|---|---|---|---|
/// | `Equals` | `k=v` | matchLabels | false | `v` equals the value |
/// | `DoubleEquals` | `k==v` | - | false | `v` equals the value |
/// | `NotEquals` | `k!=v` | - | **true** | `v` differs from the value |
/// | `In` | `k in (a,b)` | `In` | false | `v` is in the set |
/// | `NotIn` | `k notin (a,b)` | `NotIn` | **true** | `v` is not in the set |
/// | `Exists` | `k` | `Exists` | false | true, even for `""` |
/// | `DoesNotExist` | `!k` | `DoesNotExist` | true | false, even for `""` |
/// | `GreaterThan` | `k>5` | `Gt` (node selectors) | false | `v` parses as int64 and is greater |
/// | `LessThan` | `k<5` | `Lt` (node selectors) | false | `v` parses as int64 and is less |
///
/// # Examples
///
/// ```
/// use label_selector::Operator;
///
/// assert_eq!(Operator::NotIn.as_str(), "notin");
/// assert_eq!(Operator::GreaterThan.structured_name(), "Gt");
/// assert!(Operator::NotEquals.matches_absent());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Operator {
    /// `k=v`; also what a `matchLabels` entry means.
    Equals,
    /// `k==v`: the same as `Equals`, kept apart so that it prints back as written.
    DoubleEquals,
    /// `k!=v`: the key is absent or has another value.
    NotEquals,
    /// `k in (a,b)`: the key is present with one of the values.
    In,
    /// `k notin (a,b)`: the key is absent or has none of the values.
    NotIn,
    /// `k`: the key is present.
    Exists,
    /// `!k`: the key is absent.
    DoesNotExist,
    /// `k>n`: the value is an integer greater than `n`.
    GreaterThan,
    /// `k<n`: the value is an integer less than `n`.
    LessThan,
}

impl Operator {
    /// The operator as written in selector strings: `=`, `==`, `!=`, `in`, `notin`, `exists`
    /// (a bare key), `!`, `>`, `<`.
    pub fn as_str(self) -> &'static str {
        match self {
            Operator::Equals => "=",
            Operator::DoubleEquals => "==",
            Operator::NotEquals => "!=",
            Operator::In => "in",
            Operator::NotIn => "notin",
            Operator::Exists => "exists",
            Operator::DoesNotExist => "!",
            Operator::GreaterThan => ">",
            Operator::LessThan => "<",
        }
    }

    /// The operator's name in structured selectors (`In`, `NotIn`, `Exists`, `DoesNotExist`,
    /// `Gt`, `Lt`); the equality operators, which have none, give their string form.
    pub fn structured_name(self) -> &'static str {
        match self {
            Operator::In => "In",
            Operator::NotIn => "NotIn",
            Operator::Exists => "Exists",
            Operator::DoesNotExist => "DoesNotExist",
            Operator::GreaterThan => "Gt",
            Operator::LessThan => "Lt",
            other => other.as_str(),
        }
    }

    /// Whether a requirement with this operator is satisfied by an object that lacks the key
    /// (`!=`, `notin`, `!k`).
    pub fn matches_absent(self) -> bool {
        matches!(
            self,
            Operator::NotEquals | Operator::NotIn | Operator::DoesNotExist
        )
    }

    /// Whether the operator takes a set of one or more values (`in`, `notin`).
    pub fn is_set(self) -> bool {
        matches!(self, Operator::In | Operator::NotIn)
    }

    /// Whether the operator compares integers (`>`, `<`).
    pub fn is_numeric(self) -> bool {
        matches!(self, Operator::GreaterThan | Operator::LessThan)
    }
}

impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Writes one requirement in Kubernetes' `Requirement.String()` form.
pub(crate) fn write_requirement<'v>(
    f: &mut fmt::Formatter<'_>,
    key: &str,
    operator: Operator,
    values: impl Iterator<Item = &'v str>,
) -> fmt::Result {
    match operator {
        Operator::Exists => f.write_str(key),
        Operator::DoesNotExist => write!(f, "!{key}"),
        Operator::In | Operator::NotIn => {
            write!(f, "{key} {} (", operator.as_str())?;
            for (i, v) in values.enumerate() {
                if i > 0 {
                    f.write_str(",")?;
                }
                f.write_str(v)?;
            }
            f.write_str(")")
        }
        _ => {
            write!(f, "{key}{}", operator.as_str())?;
            for v in values {
                f.write_str(v)?;
            }
            Ok(())
        }
    }
}
