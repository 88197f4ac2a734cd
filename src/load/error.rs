//! [`LoadError`]: an input that could not be read, located.

use std::fmt;

use crate::error::Error;

/// Why an input could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LoadErrorKind {
    /// The file or stream could not be read, or is not UTF-8.
    Io,
    /// Not well-formed JSON or YAML.
    Syntax,
    /// Well-formed, but a field has the wrong type or an invalid value (a bad label, a selector
    /// with an unknown operator, a list item without `kind`).
    Invalid,
    /// Over a [`ReadLimits`](super::ReadLimits) bound.
    TooLarge,
    /// An index ran out of ids while the objects were added.
    Capacity,
}

/// An input that could not be read: the source, the document, the line and column, the object
/// (`Pod shop/web-1`) when it is known, and the reason.
///
/// # Examples
///
/// ```
/// use label_selector::load::{LoadErrorKind, read_str};
///
/// let yaml = "kind: Pod\nmetadata: {name: a}\n---\nkind: Pod\nmetadata:\n  name: b\n  labels: {app: 'a b'}\n";
/// let err = read_str("pods.yaml", yaml).unwrap_err();
/// assert!(matches!(err.kind(), LoadErrorKind::Invalid));
/// assert_eq!((err.document(), err.line()), (Some(2), Some(7)));
/// assert_eq!(err.object(), Some("Pod b"));
/// assert!(err.to_string().starts_with("pods.yaml: document 2, line 7, column "), "{err}");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadError {
    pub(super) inner: Box<Inner>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Inner {
    pub(super) kind: LoadErrorKind,
    pub(super) source: String,
    pub(super) document: Option<usize>,
    pub(super) line: Option<usize>,
    pub(super) column: Option<usize>,
    pub(super) object: Option<String>,
    pub(super) field: Option<String>,
    pub(super) message: String,
    pub(super) cause: Option<Error>,
}

impl LoadError {
    pub(crate) fn new(kind: LoadErrorKind, source: &str, message: impl Into<String>) -> LoadError {
        LoadError {
            inner: Box::new(Inner {
                kind,
                source: source.to_string(),
                document: None,
                line: None,
                column: None,
                object: None,
                field: None,
                message: message.into(),
                cause: None,
            }),
        }
    }

    /// An [`LoadErrorKind::Io`] error for `source`.
    ///
    /// ```
    /// use label_selector::load::{LoadError, LoadErrorKind};
    ///
    /// let io = std::io::Error::new(std::io::ErrorKind::NotFound, "no such file");
    /// let err = LoadError::io("pods.json", &io);
    /// assert_eq!(err.kind(), LoadErrorKind::Io);
    /// assert_eq!(err.to_string(), "pods.json: no such file");
    /// ```
    pub fn io(source: &str, error: &std::io::Error) -> LoadError {
        LoadError::new(LoadErrorKind::Io, source, error.to_string())
    }

    pub(crate) fn with_object(mut self, object: impl Into<String>) -> LoadError {
        self.inner.object = Some(object.into());
        self
    }

    /// Attaches the typed error behind this one (a bad label's [`Error`], with its kind and
    /// span), returned by [`source`](std::error::Error::source).
    pub(crate) fn with_cause(mut self, cause: Option<Error>) -> LoadError {
        self.inner.cause = cause;
        self
    }

    pub(crate) fn with_document(mut self, document: usize) -> LoadError {
        self.inner.document = Some(document);
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> LoadErrorKind {
        self.inner.kind
    }

    /// The file name, as given (`-` for standard input).
    pub fn source_name(&self) -> &str {
        &self.inner.source
    }

    /// The document, from 1.
    pub fn document(&self) -> Option<usize> {
        self.inner.document
    }

    /// The line, from 1.
    pub fn line(&self) -> Option<usize> {
        self.inner.line
    }

    /// The column, from 1.
    pub fn column(&self) -> Option<usize> {
        self.inner.column
    }

    /// The object at fault, as `Kind namespace/name` or `Kind name`.
    pub fn object(&self) -> Option<&str> {
        self.inner.object.as_deref()
    }

    /// The field at fault inside the object, as a path (`spec.replicas`,
    /// `spec.template.spec.containers[0].resources`), when the reader knows it.
    ///
    /// ```
    /// use label_selector::load::read_str;
    ///
    /// let yaml = "kind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 1.5\n";
    /// let err = read_str("web.yaml", yaml).unwrap_err();
    /// assert_eq!(err.field(), Some("spec.replicas"));
    /// assert!(err.to_string().contains(": Deployment web: spec.replicas: "), "{err}");
    /// ```
    pub fn field(&self) -> Option<&str> {
        self.inner.field.as_deref()
    }

    /// Sets the field at fault (a message that already starts with it is not prefixed twice).
    pub(crate) fn with_field(mut self, field: Option<String>) -> LoadError {
        self.inner.field = field.filter(|f| !f.is_empty());
        self
    }

    /// The reason alone.
    pub fn message(&self) -> &str {
        &self.inner.message
    }

    /// The typed error behind an [`Invalid`](LoadErrorKind::Invalid) label, name, namespace or
    /// selector, with its [`ErrorKind`](crate::ErrorKind) and span inside the field's text; also
    /// reachable as [`source`](std::error::Error::source).
    ///
    /// ```
    /// use label_selector::ErrorKind;
    /// use label_selector::load::read_str;
    ///
    /// let err = read_str("pod.json", r#"{"kind": "Pod", "metadata": {"name": "a", "labels": {"tier": "a b"}}}"#)
    ///     .unwrap_err();
    /// let cause = err.cause().unwrap();
    /// assert!(matches!(cause.kind(), ErrorKind::ValueInvalid));
    /// assert_eq!((cause.input(), cause.span()), ("a b", 1..2));
    /// let source = std::error::Error::source(&err).unwrap();
    /// assert_eq!(source.to_string(), cause.to_string());
    /// ```
    pub fn cause(&self) -> Option<&Error> {
        self.inner.cause.as_ref()
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.inner.source)?;
        // `source: document D, line L, column C: object: message`, each part when known.
        let mut sep = ": ";
        if let Some(d) = self.inner.document {
            write!(f, "{sep}document {d}")?;
            sep = ", ";
        }
        if let Some(l) = self.inner.line {
            write!(f, "{sep}line {l}")?;
            if let Some(c) = self.inner.column {
                write!(f, ", column {c}")?;
            }
        }
        // The object, unless the message names it first already.
        if let Some(o) = &self.inner.object
            && !self
                .inner
                .message
                .strip_prefix(o.as_str())
                .is_some_and(|rest| rest.starts_with(':'))
        {
            write!(f, ": {o}")?;
        }
        if let Some(field) = &self.inner.field
            && !self.inner.message.starts_with(field.as_str())
        {
            write!(f, ": {field}")?;
        }
        write!(f, ": {}", self.inner.message)
    }
}

impl std::error::Error for LoadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner
            .cause
            .as_ref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}
