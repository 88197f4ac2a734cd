//! The spanned syntax tree of a selector string, before validation.

use std::fmt;
use std::ops::Range;

use smallvec::SmallVec;

use crate::vocab::Operator;

/// A parsed, not yet validated selector string: requirements in source order, each with the byte
/// spans of its parts.
///
/// Printing an `Ast` writes the requirements back in source order with the whitespace dropped;
/// [`Selector`](crate::Selector) is the validated, canonical form.
///
/// # Examples
///
/// ```
/// use label_selector::syntax;
///
/// let ast = syntax::parse(" b in ( y , x ) , !a ", &Default::default()).unwrap();
/// assert_eq!(ast.to_string(), "b in (y,x),!a");
/// assert_eq!(ast.requirements()[1].key_span(), 19..20);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ast<'a> {
    pub(crate) input: &'a str,
    pub(crate) requirements: Vec<AstRequirement<'a>>,
}

impl<'a> Ast<'a> {
    /// The text that was parsed.
    pub fn input(&self) -> &'a str {
        self.input
    }

    /// The requirements in source order.
    pub fn requirements(&self) -> &[AstRequirement<'a>] {
        &self.requirements
    }
}

/// One requirement as written: key, operator and values with their spans.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AstRequirement<'a> {
    pub(crate) span: Range<usize>,
    pub(crate) key: &'a str,
    pub(crate) key_span: Range<usize>,
    pub(crate) operator: Operator,
    pub(crate) operator_span: Range<usize>,
    pub(crate) values: SmallVec<[AstValue<'a>; 2]>,
}

impl<'a> AstRequirement<'a> {
    /// The whole requirement, from `!` or the key to its last token.
    pub fn span(&self) -> Range<usize> {
        self.span.clone()
    }

    /// The key as written.
    pub fn key(&self) -> &'a str {
        self.key
    }

    /// Where the key is.
    pub fn key_span(&self) -> Range<usize> {
        self.key_span.clone()
    }

    /// The operator; `Exists` for a bare key, `DoesNotExist` for `!key`.
    pub fn operator(&self) -> Operator {
        self.operator
    }

    /// Where the operator is (`!`, `=`, `in`, ...); for a bare key, the empty span after it.
    pub fn operator_span(&self) -> Range<usize> {
        self.operator_span.clone()
    }

    /// The values in source order, duplicates and empty slots included.
    pub fn values(&self) -> &[AstValue<'a>] {
        &self.values
    }
}

/// One value as written; an empty slot (`x=`, `(a,)`) is the empty string with an empty span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AstValue<'a> {
    pub(crate) text: &'a str,
    pub(crate) span: Range<usize>,
}

impl<'a> AstValue<'a> {
    /// The value's text.
    pub fn text(&self) -> &'a str {
        self.text
    }

    /// Where the value is.
    pub fn span(&self) -> Range<usize> {
        self.span.clone()
    }
}

impl fmt::Display for Ast<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, r) in self.requirements.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            r.fmt(f)?;
        }
        Ok(())
    }
}

impl fmt::Display for AstRequirement<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let values = self.values.iter().map(AstValue::text);
        crate::vocab::write_requirement(f, self.key, self.operator, values)
    }
}
