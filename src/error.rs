//! The crate's one error type: a kind, the byte span of the fault, the input it was found in,
//! and, for structured input, the field path.

use std::cell::RefCell;
use std::fmt;
use std::ops::Range;

use crate::vocab::Operator;

thread_local! {
    /// See [`Error::into_serde`].
    static SERDE_CAUSE: RefCell<Option<Error>> = const { RefCell::new(None) };
}

/// Why a selector string, a label key or value, or a structured selector was rejected.
///
/// Every error carries
/// - its [`ErrorKind`],
/// - the byte [`span`](Error::span) of the fault inside [`input`](Error::input),
/// - for structured selectors, the field [`path`](Error::path) (`matchExpressions[1].values[0]`).
///
/// `Display` prints the message, then the input with a caret line under the span.
///
/// # Examples
///
/// ```
/// use label_selector::{ErrorKind, Selector};
///
/// let err = Selector::parse("app=web,!tier=db").unwrap_err();
/// assert_eq!(err.span(), 13..14);
/// assert!(matches!(err.kind(), ErrorKind::Expected { .. }));
/// assert_eq!(
///     err.to_string(),
///     "expected ',' or end of input, found '=' at byte 13\n  app=web,!tier=db\n               ^"
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    span: Range<usize>,
    input: Box<str>,
    path: Option<Box<str>>,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, span: Range<usize>, input: &str) -> Error {
        debug_assert!(span.start <= span.end && span.end <= input.len());
        Error {
            kind,
            span,
            input: input.into(),
            path: None,
        }
    }

    /// [`ErrorKind::CapacityExceeded`]: an index ran out of ids for `what`; no input to show.
    pub(crate) fn capacity(what: &'static str) -> Error {
        Error::new(ErrorKind::CapacityExceeded { what }, 0..0, "")
    }

    /// Attaches a field path (structured selectors); keeps an inner path as a suffix.
    pub(crate) fn at_path(mut self, path: impl Into<String>) -> Error {
        let mut p: String = path.into();
        if let Some(inner) = self.path.take() {
            if !inner.starts_with('[') && !p.is_empty() {
                p.push('.');
            }
            p.push_str(&inner);
        }
        self.path = Some(p.into_boxed_str());
        self
    }

    /// Turns this error into a serde error that reads `context: message`, and keeps the typed
    /// error on this thread so that the reader running the deserializer can attach it as the
    /// cause of its own error ([`take_serde_cause`](Error::take_serde_cause)).
    pub(crate) fn into_serde<E: serde::de::Error>(self, context: &str) -> E {
        let e = E::custom(format_args!("{context}: {}", self.one_line()));
        SERDE_CAUSE.with(|c| *c.borrow_mut() = Some(self));
        e
    }

    /// The typed error behind the last [`into_serde`](Error::into_serde) on this thread, if any;
    /// clears it.
    pub(crate) fn take_serde_cause() -> Option<Error> {
        SERDE_CAUSE.with(|c| c.borrow_mut().take())
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// The byte range of the fault inside [`input`](Error::input). It is empty when the fault is
    /// a missing token at that position (for example the end of the input).
    pub fn span(&self) -> Range<usize> {
        self.span.clone()
    }

    /// The text in which the fault was found: the whole selector string, or for structured
    /// selectors and for [`validate_label_key`](crate::validate_label_key) the one field.
    pub fn input(&self) -> &str {
        &self.input
    }

    /// For structured selectors, the path of the faulty field, as Kubernetes writes it
    /// (`matchExpressions[0].values[1]`, `nodeSelectorTerms[2].matchFields[0].operator`).
    pub fn path(&self) -> Option<&str> {
        self.path.as_deref()
    }

    /// The message alone, without path, position or caret drawing.
    pub fn message(&self) -> String {
        let mut s = self.kind.to_string();
        if let ErrorKind::Expected { .. } = self.kind {
            s.push_str(", found ");
            s.push_str(&self.found());
        }
        s
    }

    /// One line for contexts that cannot draw carets (serde messages, load errors, a
    /// scheduler's status): `path: message: 'input'`.
    pub fn one_line(&self) -> String {
        let mut s = String::new();
        if let Some(path) = &self.path {
            s.push_str(path);
            s.push_str(": ");
        }
        s.push_str(&self.message());
        if !self.input.is_empty() && !matches!(self.kind, ErrorKind::Expected { .. }) {
            s.push_str(": ");
            s.push_str(&quoted(&self.input));
        }
        s
    }

    /// Whether the span points into an input (and `Display` draws carets under it).
    fn has_position(&self) -> bool {
        !self.input.is_empty()
            && !matches!(
                self.kind,
                ErrorKind::NoSuchObject
                    | ErrorKind::CapacityExceeded { .. }
                    | ErrorKind::NotAnObject
            )
    }

    fn found(&self) -> String {
        if self.span.start >= self.input.len() {
            "end of input".to_string()
        } else {
            format!("'{}'", self.input[self.span.clone()].escape_debug())
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(path) = &self.path {
            write!(f, "{path}: ")?;
        }
        f.write_str(&self.message())?;
        if !self.has_position() {
            // Nothing to point into (a capacity error), or the input is a value rather than a
            // text with a fault inside it (an unknown id): name it, draw nothing.
            if !self.input.is_empty() {
                write!(f, ": {}", quoted(&self.input))?;
            }
            return Ok(());
        }
        if self.path.is_none() {
            write!(f, " at byte {}", self.span.start)?;
        }
        // Draw the input with carets under the span. Control bytes are escaped so that the
        // drawing stays on two lines; the caret column follows the escaped text. A long input
        // is drawn around the span only, its cut ends marked with `…`.
        let (lo, hi) = if self.input.len() <= DRAWN {
            (0, self.input.len())
        } else {
            let start = self.span.start.min(self.input.len());
            let lo = floor_boundary(&self.input, start.saturating_sub(DRAWN / 4));
            let hi = ceil_boundary(&self.input, (lo + DRAWN).min(self.input.len()));
            (lo, hi)
        };
        let shown = &self.input[lo..hi];
        let mut line = String::with_capacity(shown.len() + 8);
        if lo > 0 {
            line.push('…');
        }
        let mut col_start = 0;
        let mut col_end = 0;
        for (i, c) in shown.char_indices().map(|(i, c)| (i + lo, c)) {
            if i == self.span.start {
                col_start = line.chars().count();
            }
            if i == self.span.end {
                col_end = line.chars().count();
            }
            if c.is_control() {
                line.extend(c.escape_debug());
            } else {
                line.push(c);
            }
        }
        let total = line.chars().count();
        if self.span.start >= hi {
            col_start = total;
        }
        if self.span.end >= hi {
            col_end = total;
        }
        if hi < self.input.len() {
            line.push('…');
        }
        let width = col_end.saturating_sub(col_start).max(1);
        write!(
            f,
            "\n  {line}\n  {}{}",
            " ".repeat(col_start),
            "^".repeat(width)
        )
    }
}

impl std::error::Error for Error {}

/// Inputs longer than this (bytes) are drawn in part: around the fault, or their head.
const DRAWN: usize = 160;

/// `input` in quotes, escaped; a long one by its head and its length.
fn quoted(input: &str) -> String {
    if input.len() > DRAWN {
        let head = &input[..floor_boundary(input, DRAWN / 2)];
        format!("'{}…' ({} bytes)", head.escape_debug(), input.len())
    } else {
        format!("'{}'", input.escape_debug())
    }
}

/// The largest char boundary of `s` at or before `i`.
fn floor_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The smallest char boundary of `s` at or after `i`.
fn ceil_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// The fault behind an [`Error`].
///
/// Messages are short and lowercase; [`Error`]'s `Display` adds what was found and where.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The grammar wanted something else at this position.
    Expected {
        /// What would have been accepted.
        expected: Expected,
    },
    /// An ASCII control byte (NUL, `\x01`, ..., DEL) other than tab, CR and LF.
    ///
    /// Kubernetes' lexer silently stops at NUL; this crate rejects every control byte.
    ControlCharacter {
        /// The byte.
        byte: u8,
    },
    /// The input is longer than [`Limits::max_input_len`](crate::Limits::max_input_len).
    InputTooLong {
        /// Length of the input in bytes.
        len: usize,
        /// The limit in force.
        limit: usize,
    },
    /// More requirements than [`Limits::max_requirements`](crate::Limits::max_requirements).
    TooManyRequirements {
        /// The limit in force.
        limit: usize,
    },
    /// More values in one set than [`Limits::max_values`](crate::Limits::max_values).
    TooManyValues {
        /// The limit in force.
        limit: usize,
    },
    /// A label key with more than one `/`.
    KeyTooManySlashes,
    /// A label key of the form `/name`.
    KeyPrefixEmpty,
    /// A label key prefix longer than 253 bytes.
    KeyPrefixTooLong {
        /// The prefix length in bytes.
        len: usize,
    },
    /// A label key prefix that is not a lowercase DNS-1123 subdomain.
    KeyPrefixInvalid,
    /// An empty label key, or a key of the form `prefix/`.
    KeyNameEmpty,
    /// A label key name longer than 63 bytes.
    KeyNameTooLong {
        /// The name length in bytes.
        len: usize,
    },
    /// A label key name with a byte outside `[A-Za-z0-9._-]`, or that does not start and end
    /// with an alphanumeric.
    KeyNameInvalid,
    /// A label value longer than 63 bytes.
    ValueTooLong {
        /// The value length in bytes.
        len: usize,
    },
    /// A non-empty label value with a byte outside `[A-Za-z0-9._-]`, or that does not start and
    /// end with an alphanumeric.
    ValueInvalid,
    /// A `>` / `<` (Gt / Lt) threshold that is not a decimal int64.
    NotAnInteger {
        /// The operator.
        operator: Operator,
    },
    /// The operator got the wrong number of values (`In` with none, `Exists` with some, `Gt`
    /// with two, ...).
    ValueCount {
        /// The operator.
        operator: Operator,
        /// How many values it got.
        found: usize,
    },
    /// A node selector `matchFields` entry without exactly one value.
    FieldValueCount {
        /// How many values it had.
        found: usize,
    },
    /// A structured selector names an operator that is not allowed there (operators are
    /// case-sensitive).
    UnknownOperator {
        /// The operators accepted at that place.
        allowed: &'static [&'static str],
    },
    /// A `kubectl label` style edit would change a label without overwrite allowed; the input
    /// is the key.
    LabelExists {
        /// The value the label has now.
        current: Box<str>,
    },
    /// A selector cannot be written in the requested structured form.
    NotExpressible {
        /// What the target form lacks.
        reason: &'static str,
    },
    /// An object's namespace is not empty (cluster-scoped) and not a DNS label: at most 63
    /// bytes of `[a-z0-9-]`, starting and ending alphanumeric. The input is the namespace.
    NamespaceInvalid,
    /// An object's name is empty, longer than 253 bytes, `.` or `..`, or contains `/`, `%` or a
    /// control character (Kubernetes' rule for every object name). The input is the name.
    NameInvalid,
    /// No live object has this id (never issued, or deleted). The input is the id.
    NoSuchObject,
    /// A store was given a `List` where it takes one object (a watch event, an upsert).
    NotAnObject,
    /// A resource quantity (`500m`, `1Gi`) that does not follow Kubernetes' grammar. The input
    /// is the quantity.
    QuantityInvalid,
    /// An [`Inventory`](crate::Inventory) or [`SelectorIndex`](crate::SelectorIndex) holds as
    /// many objects, selectors or distinct strings as its ids can name.
    CapacityExceeded {
        /// What ran out: "objects", "selectors", "keys", "label values" or "namespaces".
        what: &'static str,
    },
}

/// What the parser expected where it failed; part of [`ErrorKind::Expected`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Expected {
    /// At the start of the selector: a label key, `!` or the end of the input.
    Requirement,
    /// After a `,` between requirements.
    RequirementAfterComma,
    /// After `!`.
    KeyAfterBang,
    /// After a key: an operator, `,` or the end.
    Operator {
        /// The key that was read.
        key: Box<str>,
    },
    /// After `=`, `==`, `!=`, `>` or `<`: a value, `,` or the end.
    Value {
        /// The operator that was read.
        operator: Operator,
    },
    /// `(` after `in` / `notin`.
    OpenParen {
        /// `In` or `NotIn`.
        operator: Operator,
    },
    /// Inside a value list: a value, `,` or `)`.
    ListItem {
        /// The key whose list this is.
        key: Box<str>,
    },
    /// After a value inside a list: `,` or `)`.
    CloseParen {
        /// The key whose list this is.
        key: Box<str>,
    },
    /// After a complete requirement: `,` or the end.
    CommaOrEnd,
    /// A `kubectl label` argument: `key=value` or `key-`.
    LabelEdit,
}

impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expected::Requirement => f.write_str("expected a label key, '!' or end of input"),
            Expected::RequirementAfterComma => f.write_str("expected a label key or '!' after ','"),
            Expected::KeyAfterBang => f.write_str("expected a label key after '!'"),
            Expected::Operator { key } => write!(
                f,
                "expected an operator (=, ==, !=, in, notin, >, <), ',' or end of input after key '{key}'"
            ),
            Expected::Value { operator } => write!(
                f,
                "expected a value, ',' or end of input after '{}'",
                operator.as_str()
            ),
            Expected::OpenParen { operator } => {
                write!(f, "expected '(' after '{}'", operator.as_str())
            }
            Expected::ListItem { key } => {
                write!(
                    f,
                    "expected a value, ',' or ')' in the value list of '{key}'"
                )
            }
            Expected::CloseParen { key } => {
                write!(f, "expected ',' or ')' to close the value list of '{key}'")
            }
            Expected::CommaOrEnd => f.write_str("expected ',' or end of input"),
            Expected::LabelEdit => f.write_str("expected 'key=value' or 'key-'"),
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::Expected { expected } => expected.fmt(f),
            ErrorKind::ControlCharacter { byte } => {
                write!(f, "control character 0x{byte:02x} is not allowed")
            }
            ErrorKind::InputTooLong { len, limit } => {
                write!(f, "input of {len} bytes is longer than the limit of {limit}")
            }
            ErrorKind::TooManyRequirements { limit } => {
                write!(f, "more than {limit} requirements")
            }
            ErrorKind::TooManyValues { limit } => write!(f, "more than {limit} values in one set"),
            ErrorKind::KeyTooManySlashes => f.write_str("label key may contain at most one '/'"),
            ErrorKind::KeyPrefixEmpty => f.write_str("label key prefix must not be empty"),
            ErrorKind::KeyPrefixTooLong { len } => {
                write!(f, "label key prefix longer than 253 bytes ({len})")
            }
            ErrorKind::KeyPrefixInvalid => f.write_str(
                "label key prefix must be a lowercase DNS subdomain: [a-z0-9] labels, '-' inside, joined by single '.'",
            ),
            ErrorKind::KeyNameEmpty => f.write_str("label key name must not be empty"),
            ErrorKind::KeyNameTooLong { len } => {
                write!(f, "label key name longer than 63 bytes ({len})")
            }
            ErrorKind::KeyNameInvalid => f.write_str(
                "label key name must be [A-Za-z0-9], '-', '_' or '.', starting and ending alphanumeric",
            ),
            ErrorKind::ValueTooLong { len } => {
                write!(f, "label value longer than 63 bytes ({len})")
            }
            ErrorKind::ValueInvalid => f.write_str(
                "label value must be empty or [A-Za-z0-9], '-', '_' or '.', starting and ending alphanumeric",
            ),
            ErrorKind::NotAnInteger { operator } => write!(
                f,
                "'{}' needs a decimal integer value in the int64 range",
                operator.as_str()
            ),
            ErrorKind::ValueCount { operator, found } => {
                let want = match operator {
                    Operator::In | Operator::NotIn => "at least one value",
                    Operator::Exists | Operator::DoesNotExist => "no values",
                    _ => "exactly one value",
                };
                write!(
                    f,
                    "'{}' takes {want}, found {found}",
                    operator.structured_name()
                )
            }
            ErrorKind::FieldValueCount { found } => {
                write!(f, "a matchFields entry takes exactly one value, found {found}")
            }
            ErrorKind::UnknownOperator { allowed } => {
                write!(f, "not a valid operator here (expected ")?;
                for (i, a) in allowed.iter().enumerate() {
                    if i > 0 {
                        f.write_str(if i + 1 == allowed.len() { " or " } else { ", " })?;
                    }
                    f.write_str(a)?;
                }
                f.write_str(")")
            }
            ErrorKind::LabelExists { current } => write!(
                f,
                "label already has the value '{current}' and overwriting was not allowed"
            ),
            ErrorKind::NotExpressible { reason } => {
                write!(f, "cannot be written as a structured selector: {reason}")
            }
            ErrorKind::NamespaceInvalid => f.write_str(
                "namespace must be empty or a DNS label: at most 63 bytes of [a-z0-9-], starting and ending alphanumeric",
            ),
            ErrorKind::NameInvalid => f.write_str(
                "object name must be 1 to 253 bytes, not '.' or '..', without '/', '%' or control characters",
            ),
            ErrorKind::NoSuchObject => f.write_str("no live object has this id"),
            ErrorKind::NotAnObject => {
                f.write_str("expected one object, found a List (load lists as documents)")
            }
            ErrorKind::CapacityExceeded { what } => {
                write!(f, "the index cannot hold more {what}")
            }
            ErrorKind::QuantityInvalid => f.write_str(
                "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{LabelSet, Selector};

    #[test]
    fn a_long_input_is_drawn_around_its_fault() {
        // A 1 000-byte selector with its fault near the end: the drawing is a window of it,
        // with the caret under the fault.
        let text = format!("{}a b", "a=b,".repeat(249));
        let shown = Selector::parse(&text).unwrap_err().to_string();
        let lines: Vec<&str> = shown.lines().collect();
        assert_eq!(lines.len(), 3, "{shown}");
        assert!(lines[1].starts_with("  …"), "{shown}");
        assert!(lines[1].ends_with(",a b"), "{shown}");
        assert!(lines[1].chars().count() < 200, "{shown}");
        let caret = lines[2].find('^').unwrap();
        assert_eq!(lines[1].chars().nth(caret), Some('b'), "{shown}");
        // A short one is drawn whole, as before.
        let shown = Selector::parse("a b").unwrap_err().to_string();
        assert!(
            shown.ends_with("found 'b' at byte 2\n  a b\n    ^"),
            "{shown}"
        );
    }

    #[test]
    fn a_long_value_is_named_by_its_head_and_length() {
        // Drawn: a window of the value; on one line: its head and length.
        let value = "x".repeat(100_000);
        let err = LabelSet::from_pairs([("a", value.as_str())]).unwrap_err();
        let shown = err.to_string();
        assert!(shown.starts_with("[a]: label value longer than 63 bytes (100000)\n  …x"));
        assert!(shown.len() < 500, "{shown}");
        assert_eq!(
            err.one_line(),
            format!(
                "[a]: label value longer than 63 bytes (100000): '{}…' (100000 bytes)",
                "x".repeat(80)
            )
        );
    }
}
