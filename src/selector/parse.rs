//! From a selector string to the model: the syntax layer's tree, validated in Kubernetes' order.

use std::str::FromStr;

use smallvec::SmallVec;

use super::requirement::Spans;
use super::validate::key_fault;
use super::{Requirement, Selector};
use crate::error::Error;
use crate::syntax::{self, AstRequirement, Limits};

fn key_error(key: &str, at: usize, input: &str) -> Result<(), Error> {
    key_fault(key).map_err(|(kind, span)| Error::new(kind, span.start + at..span.end + at, input))
}

/// Validates one requirement of the tree: its key first, then its values, as Kubernetes does.
fn translate(r: &AstRequirement<'_>, input: &str) -> Result<Requirement, Error> {
    key_error(r.key(), r.key_span().start, input)?;
    let values: SmallVec<[String; 2]> = r.values().iter().map(|v| v.text().to_string()).collect();
    let value_span = |i: usize| r.values()[i].span();
    let spans = Spans {
        key: r.key_span(),
        values: &value_span,
        operator: r.operator_span(),
    };
    Requirement::build_spanned(r.key(), r.operator(), values, &spans, input)
}

impl Selector {
    /// Parses a selector string (`kubectl -l` syntax) with the default [`Limits`].
    ///
    /// Follows Kubernetes 1.35's `labels.Parse`, with one deliberate difference: ASCII control
    /// bytes other than tab, CR and LF are rejected (Go's lexer silently stops at NUL).
    ///
    /// # Errors
    ///
    /// The first fault in reading order, with its byte span in `input`:
    /// - grammar: `"a,"`, `",a"`, `"a,,b"`, `"!a=b"`, `"x in a"`, `"x in (a"`, `"x IN (a)"`,
    ///   `"a>=1"` ([`ErrorKind::Expected`](crate::ErrorKind::Expected));
    /// - keys and values: `"-a"`, `"a=b c"`, `"x=a||y=b"` (one invalid value `a||y`);
    /// - numbers: `"a>1.5"`, `"a>9223372036854775808"`
    ///   ([`ErrorKind::NotAnInteger`](crate::ErrorKind::NotAnInteger));
    /// - `"a\0"` ([`ErrorKind::ControlCharacter`](crate::ErrorKind::ControlCharacter)) and the
    ///   limits.
    ///
    /// # Examples
    ///
    /// ```
    /// use label_selector::Selector;
    ///
    /// let s = Selector::parse("x in (b,,a), in notin (in), y==")?;
    /// assert_eq!(s.to_string(), "in notin (in),x in (,a,b),y==");
    ///
    /// let err = Selector::parse("env in (prod staging)").unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "expected ',' or ')' to close the value list of 'env', found 'staging' at byte 13\n  \
    ///      env in (prod staging)\n               \
    ///      ^^^^^^^"
    /// );
    /// # Ok::<(), label_selector::Error>(())
    /// ```
    pub fn parse(input: &str) -> Result<Selector, Error> {
        Selector::parse_with(input, &Limits::default())
    }

    /// [`Selector::parse`] with explicit [`Limits`].
    ///
    /// # Errors
    ///
    /// As [`Selector::parse`], plus the limit kinds when `limits` is broken.
    pub fn parse_with(input: &str, limits: &Limits) -> Result<Selector, Error> {
        match syntax::parse_partial(input, limits) {
            Ok(ast) => {
                let mut requirements = Vec::with_capacity(ast.requirements().len());
                for r in ast.requirements() {
                    requirements.push(translate(r, input)?);
                }
                Ok(Selector::from_requirements(requirements))
            }
            Err(failure) => {
                // Kubernetes validates each key as it reads it and each requirement when it is
                // complete, so a fault before the syntax error is the one it reports.
                for r in &failure.partial {
                    translate(r, input)?;
                }
                if let Some((key, span)) = &failure.pending_key {
                    key_error(key, span.start, input)?;
                }
                Err(failure.error)
            }
        }
    }
}

impl FromStr for Selector {
    type Err = Error;

    fn from_str(s: &str) -> Result<Selector, Error> {
        Selector::parse(s)
    }
}
