//! Readers: kubectl JSON (one object, a `List`, a stream of objects, an array) and YAML streams,
//! into [`Object`]s, with errors that name the place and the object.

use std::fmt;
use std::io::Read;
use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use super::object::{Object, write_identity};

/// Limits for untrusted input. YAML additionally runs under serde-saphyr's default budget
/// (anchors, aliases, nesting), and JSON under serde_json's nesting limit of 128.
///
/// # Examples
///
/// ```
/// use label_selector::k8s::{LoadErrorKind, ReadLimits, read_str};
///
/// let limits = ReadLimits { max_input_len: 16, ..ReadLimits::default() };
/// let err = ReadLimits::read_str(&limits, "pods.json", r#"{"kind": "Pod", "metadata": {}}"#)
///     .unwrap_err();
/// assert!(matches!(err.kind(), LoadErrorKind::TooLarge));
/// assert!(read_str("pods.json", r#"{"kind": "Pod", "metadata": {"name": "a"}}"#).is_ok());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadLimits {
    /// The largest input, in bytes (default 4 GiB).
    pub max_input_len: usize,
    /// The most documents in one input (default 10 000 000).
    pub max_documents: usize,
}

impl Default for ReadLimits {
    fn default() -> Self {
        ReadLimits {
            max_input_len: 4 << 30,
            max_documents: 10_000_000,
        }
    }
}

/// One document of an input: a top-level JSON value or a YAML document.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    /// Its position in the input, from 1 (empty YAML documents are not counted).
    pub index: usize,
    /// What it holds (a [`Object::List`] for lists).
    pub object: Object,
}

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
    /// Over a [`ReadLimits`] bound.
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
/// use label_selector::k8s::{LoadErrorKind, read_str};
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
    inner: Box<Inner>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Inner {
    kind: LoadErrorKind,
    source: String,
    document: Option<usize>,
    line: Option<usize>,
    column: Option<usize>,
    object: Option<String>,
    message: String,
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
                message: message.into(),
            }),
        }
    }

    /// An [`LoadErrorKind::Io`] error for `source`.
    ///
    /// ```
    /// use label_selector::k8s::{LoadError, LoadErrorKind};
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

    /// The reason alone.
    pub fn message(&self) -> &str {
        &self.inner.message
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
        if let Some(o) = &self.inner.object {
            write!(f, ": {o}")?;
        }
        write!(f, ": {}", self.inner.message)
    }
}

impl std::error::Error for LoadError {}

/// Reads every document of `text`, JSON or YAML (JSON when the first non-blank character is
/// `{` or `[`). `source` names the input in errors.
///
/// Accepted shapes: one object, a `kind: List` or typed list (`PodList`), a stream of JSON
/// objects, a JSON array of objects, and YAML streams separated by `---`.
///
/// # Errors
///
/// A [`LoadError`] for the first fault: bad syntax, a field of the wrong type, an invalid label
/// (`app: "a b"`), name (`a/b`) or namespace (`Shop`), a workload selector that does not compile
/// (`operator: Foo`), a PDB `minAvailable: "5"` (a string must be a percentage), or input over
/// the default [`ReadLimits`]. Nothing is dropped silently.
///
/// # Examples
///
/// ```
/// use label_selector::k8s::{Object, read_str};
///
/// let docs = read_str("-", r#"{"kind": "Node", "metadata": {"name": "n1"}}
///                            {"kind": "Node", "metadata": {"name": "n2"}}"#)?;
/// assert_eq!(docs.len(), 2);
/// assert_eq!(docs[1].object.to_string(), "Node n2");
/// # Ok::<(), label_selector::k8s::LoadError>(())
/// ```
pub fn read_str(source: &str, text: &str) -> Result<Vec<Document>, LoadError> {
    ReadLimits::default().read_str(source, text)
}

/// Reads a whole stream, then [`read_str`].
///
/// # Errors
///
/// [`LoadErrorKind::Io`] if the stream fails or is not UTF-8, otherwise as [`read_str`].
pub fn read_reader(source: &str, reader: impl Read) -> Result<Vec<Document>, LoadError> {
    read_str(source, &text_of_reader(source, reader)?)
}

/// The whole stream as text; an I/O or UTF-8 failure is a [`LoadErrorKind::Io`] error.
pub(crate) fn text_of_reader(source: &str, mut reader: impl Read) -> Result<String, LoadError> {
    let mut text = String::new();
    reader
        .read_to_string(&mut text)
        .map_err(|e| LoadError::io(source, &e))?;
    Ok(text)
}

/// The file's name as errors show it, and its text.
pub(crate) fn text_of_path(path: &Path) -> Result<(String, String), LoadError> {
    let source = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| LoadError::io(&source, &e))?;
    Ok((source, text))
}

/// Reads a file, then [`read_str`].
///
/// # Errors
///
/// [`LoadErrorKind::Io`] if the file cannot be read, otherwise as [`read_str`].
pub fn read_path(path: impl AsRef<Path>) -> Result<Vec<Document>, LoadError> {
    let (source, text) = text_of_path(path.as_ref())?;
    read_str(&source, &text)
}

impl ReadLimits {
    /// [`read_str`] under these limits.
    ///
    /// # Errors
    ///
    /// As [`read_str`], and [`LoadErrorKind::TooLarge`] over a limit.
    pub fn read_str(&self, source: &str, text: &str) -> Result<Vec<Document>, LoadError> {
        if text.len() > self.max_input_len {
            return Err(LoadError::new(
                LoadErrorKind::TooLarge,
                source,
                format!(
                    "the input is {} bytes, over the limit of {}",
                    text.len(),
                    self.max_input_len
                ),
            ));
        }
        let docs = match text.trim_start().as_bytes().first() {
            Some(b'{' | b'[') => self.read_json(source, text)?,
            _ => self.read_yaml(source, text)?,
        };
        Ok(docs)
    }

    fn too_many(&self, source: &str) -> LoadError {
        LoadError::new(
            LoadErrorKind::TooLarge,
            source,
            format!("more than {} documents", self.max_documents),
        )
    }

    fn read_json(&self, source: &str, text: &str) -> Result<Vec<Document>, LoadError> {
        let mut docs = Vec::new();
        let mut stream = serde_json::Deserializer::from_str(text).into_iter::<JsonTop>();
        let mut start = 0;
        loop {
            let next = stream.next();
            let Some(next) = next else { break };
            let index = docs.len() + 1;
            match next {
                Ok(JsonTop(object)) => {
                    if index > self.max_documents {
                        return Err(self.too_many(source));
                    }
                    docs.push(Document { index, object });
                    start = stream.byte_offset();
                }
                Err(e) => {
                    let kind = if e.is_syntax() || e.is_eof() {
                        LoadErrorKind::Syntax
                    } else if e.is_io() {
                        LoadErrorKind::Io
                    } else {
                        LoadErrorKind::Invalid
                    };
                    let (line, column) = (e.line(), e.column());
                    let full = e.to_string();
                    let suffix = format!(" at line {line} column {column}");
                    let message = full.strip_suffix(&suffix).unwrap_or(&full).to_string();
                    let mut err = LoadError::new(kind, source, message).with_document(index);
                    if line > 0 {
                        err.inner.line = Some(line);
                        err.inner.column = Some(column);
                    }
                    if kind == LoadErrorKind::Invalid {
                        // The error path only: find the object by reading the document again.
                        let value = serde_json::Deserializer::from_str(&text[start..])
                            .into_iter::<Value>()
                            .next()
                            .and_then(Result::ok);
                        err.inner.object = value.and_then(|v| culprit(&v));
                    }
                    return Err(err);
                }
            }
        }
        Ok(docs)
    }

    fn read_yaml(&self, source: &str, text: &str) -> Result<Vec<Document>, LoadError> {
        match serde_saphyr::from_multiple::<Object>(text) {
            Ok(objects) => {
                if objects.len() > self.max_documents {
                    return Err(self.too_many(source));
                }
                Ok(objects
                    .into_iter()
                    .enumerate()
                    .map(|(i, object)| Document {
                        index: i + 1,
                        object,
                    })
                    .collect())
            }
            Err(e) => {
                let location = e.location();
                let message = yaml_message(&e);
                let kind = match e.without_snippet() {
                    serde_saphyr::Error::ExternalMessage { .. }
                    | serde_saphyr::Error::Eof { .. }
                    | serde_saphyr::Error::IndentationError { .. } => LoadErrorKind::Syntax,
                    serde_saphyr::Error::Budget { .. } => LoadErrorKind::TooLarge,
                    _ => LoadErrorKind::Invalid,
                };
                let mut err = LoadError::new(kind, source, message);
                if let Some(loc) = location.filter(|l| l.line() > 0) {
                    let line = usize::try_from(loc.line()).unwrap_or(usize::MAX);
                    err.inner.line = Some(line);
                    err.inner.column = usize::try_from(loc.column()).ok();
                    let (doc, body) = yaml_document_at(text, line);
                    err.inner.document = Some(doc);
                    if let Some(body) = body {
                        err.inner.object = serde_saphyr::from_str::<Value>(body)
                            .ok()
                            .and_then(|v| culprit(&v));
                    }
                }
                Err(err)
            }
        }
    }
}

/// A top-level JSON value: an object, or an array of objects read as a list.
struct JsonTop(Object);

impl<'de> Deserialize<'de> for JsonTop {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<JsonTop, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = JsonTop;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a Kubernetes object or an array of objects")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<JsonTop, A::Error> {
                Object::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(JsonTop)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<JsonTop, A::Error> {
                let mut items = Vec::new();
                while let Some(o) = seq.next_element::<Object>()? {
                    items.push(o);
                }
                Ok(JsonTop(Object::List(items)))
            }
        }
        d.deserialize_any(V)
    }
}

/// serde-saphyr's message without its location and snippet.
fn yaml_message(e: &serde_saphyr::Error) -> String {
    let full = e.without_snippet().to_string();
    let first = full.lines().next().unwrap_or("").trim();
    // Drop a trailing " at line N, column M" if the formatter added one.
    match first.rfind(" at line ") {
        Some(i) => first[..i].to_string(),
        None => first.to_string(),
    }
}

/// The document (from 1, not counting empty ones) that holds `line`, and its text.
fn yaml_document_at(text: &str, line: usize) -> (usize, Option<&str>) {
    let mut docs = 0;
    let mut in_doc = false;
    let mut doc_start = 0;
    let mut offset = 0;
    let mut doc_of_line = (0, 0);
    for (i, l) in text.split_inclusive('\n').enumerate() {
        let t = l.trim_end();
        let marker = t == "---" || t.starts_with("--- ") || t.starts_with("---\t");
        if marker {
            in_doc = false;
            doc_start = offset;
            let rest = t[3..].trim();
            if !rest.is_empty() && !rest.starts_with('#') {
                docs += 1;
                in_doc = true;
            }
        } else if t == "..." {
            in_doc = false;
        } else if !in_doc
            && !t.trim().is_empty()
            && !t.trim_start().starts_with('#')
            && !t.starts_with('%')
        {
            docs += 1;
            in_doc = true;
        }
        if i + 1 == line {
            doc_of_line = (docs.max(1), doc_start);
        }
        offset += l.len();
        if i + 1 > line && marker {
            return (doc_of_line.0, Some(&text[doc_of_line.1..offset - l.len()]));
        }
    }
    if doc_of_line.0 == 0 {
        return (docs.max(1), None);
    }
    (doc_of_line.0, Some(&text[doc_of_line.1..]))
}

/// The object a failing document is about: the first item (lists searched depth first) that
/// fails to read on its own, named from its raw `kind` and `metadata`.
fn culprit(v: &Value) -> Option<String> {
    if let Some(items) = v.get("items").and_then(Value::as_array) {
        for item in items {
            if let Some(c) = culprit(item) {
                return Some(c);
            }
        }
    }
    let fails = Object::deserialize(v).is_err();
    let has_items = v.get("items").is_some();
    if !fails || (has_items && v.get("metadata").and_then(|m| m.get("name")).is_none()) {
        return None;
    }
    let s = |x: Option<&Value>| x.and_then(Value::as_str).unwrap_or("").to_string();
    let meta = v.get("metadata");
    let mut out = String::new();
    let _ = write_identity(
        &mut out,
        &s(v.get("kind")),
        &s(meta.and_then(|m| m.get("namespace"))),
        &s(meta.and_then(|m| m.get("name"))),
    );
    Some(out)
}
