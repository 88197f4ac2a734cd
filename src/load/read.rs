//! Readers: kubectl JSON (one object, a `List`, a stream of objects, an array) and YAML streams,
//! into [`Object`]s, with errors that name the place and the object.

use std::fmt;
use std::io::Read;
use std::path::Path;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::dups;
use super::error::{LoadError, LoadErrorKind};
use crate::error::Error;
use crate::k8s::{Bare, Object, WatchEvent, write_identity};

/// Limits for untrusted input, and the reading policy. YAML additionally runs under
/// serde-saphyr's default budget (anchors, aliases, nesting), and JSON under serde_json's
/// nesting limit of 128.
///
/// # Examples
///
/// ```
/// use label_selector::load::{LoadErrorKind, ReadLimits, read_str};
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
    /// A key written twice in one mapping: the last one wins (the default, as kubectl and the
    /// API server read it), or the input is refused (for linters).
    pub duplicate_keys: DuplicateKeys,
}

impl Default for ReadLimits {
    fn default() -> Self {
        ReadLimits {
            max_input_len: 4 << 30,
            max_documents: 10_000_000,
            duplicate_keys: DuplicateKeys::LastWins,
        }
    }
}

/// How a key written twice in one mapping (`metadata: {name: a, name: b}`) is read.
///
/// # Examples
///
/// ```
/// use label_selector::load::{DuplicateKeys, LoadErrorKind, ReadLimits, read_str};
///
/// let json = r#"{"kind": "Pod", "metadata": {"name": "a", "name": "b"}}"#;
/// let docs = read_str("pod.json", json)?;
/// assert_eq!(docs[0].object.to_string(), "Pod b");
///
/// let strict = ReadLimits { duplicate_keys: DuplicateKeys::Error, ..ReadLimits::default() };
/// let err = strict.read_str("pod.json", json).unwrap_err();
/// assert_eq!(err.kind(), LoadErrorKind::Invalid);
/// assert_eq!(err.to_string(), r#"pod.json: document 1, line 1, column 43: duplicate key "name""#);
/// # Ok::<(), label_selector::load::LoadError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum DuplicateKeys {
    /// The last value is read, as Kubernetes' decoders read it (also inside kinds the crate
    /// skips).
    #[default]
    LastWins,
    /// The first repeated key is an [`Invalid`](LoadErrorKind::Invalid) error at its place.
    Error,
}

/// One document of an input: a top-level JSON value or a YAML document.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    /// Its position in the input, from 1 (empty YAML documents are not counted).
    pub index: usize,
    /// What it holds (a [`Object::List`] for lists).
    pub object: Object,
}

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
/// use label_selector::load::read_str;
///
/// let docs = read_str("-", r#"{"kind": "Node", "metadata": {"name": "n1"}}
///                            {"kind": "Node", "metadata": {"name": "n2"}}"#)?;
/// assert_eq!(docs.len(), 2);
/// assert_eq!(docs[1].object.to_string(), "Node n2");
/// # Ok::<(), label_selector::load::LoadError>(())
/// ```
pub fn read_str(source: &str, text: &str) -> Result<Vec<Document>, LoadError> {
    ReadLimits::default().read_str(source, text)
}

/// Reads a watch stream: what `kubectl get pods -A -w -o json --output-watch-events` prints
/// (one `{"type": ..., "object": ...}` per event), as a JSON stream or YAML documents.
///
/// # Errors
///
/// As [`read_str`]; also an unknown event `type` or an event without `type` or `object`.
///
/// # Examples
///
/// ```
/// use label_selector::k8s::WatchEvent;
/// use label_selector::load::read_watch_str;
///
/// let events = read_watch_str("watch.json", r#"
/// {"type":"ADDED","object":{"kind":"Pod","metadata":{"name":"a","namespace":"shop"}}}
/// {"type":"DELETED","object":{"kind":"Pod","metadata":{"name":"a","namespace":"shop"}}}
/// {"type":"BOOKMARK","object":{"kind":"Pod","metadata":{"resourceVersion":"42"}}}
/// "#)?;
/// assert_eq!(events.len(), 3);
/// assert!(matches!(&events[2].event, WatchEvent::Bookmark { resource_version } if resource_version == "42"));
/// # Ok::<(), label_selector::load::LoadError>(())
/// ```
pub fn read_watch_str(source: &str, text: &str) -> Result<Vec<EventDocument>, LoadError> {
    ReadLimits::default().read_watch_str(source, text)
}

/// Reads objects or a watch stream, whichever `text` holds ([`is_watch_stream`]).
///
/// # Errors
///
/// As [`read_str`] or [`read_watch_str`].
pub fn read_input(source: &str, text: &str) -> Result<Input, LoadError> {
    ReadLimits::default().read_input(source, text)
}

/// What an input holds: objects, or watch events.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Input {
    /// Objects: manifests, kubectl's `-o json|yaml` output.
    Objects(Vec<Document>),
    /// A watch stream.
    Events(Vec<EventDocument>),
}

/// One event of a watch stream.
#[derive(Clone, Debug, PartialEq)]
pub struct EventDocument {
    /// Its position in the input, from 1.
    pub index: usize,
    /// The event.
    pub event: WatchEvent,
}

pub(crate) fn is_json(text: &str) -> bool {
    matches!(text.trim_start().as_bytes().first(), Some(b'{' | b'['))
}

/// Whether `text` is a watch stream: its first document's first key is `type` (kubectl's
/// `--output-watch-events` writes `type` before `object`), in JSON or YAML.
///
/// ```
/// use label_selector::load::is_watch_stream;
///
/// assert!(is_watch_stream(r#"{"type":"ADDED","object":{}}"#));
/// assert!(is_watch_stream("---\n# events\ntype: MODIFIED\nobject: {}\n"));
/// assert!(!is_watch_stream(r#"{"kind":"Pod"}"#));
/// ```
pub fn is_watch_stream(text: &str) -> bool {
    let t = text.trim_start_matches('\u{feff}').trim_start();
    if let Some(rest) = t.strip_prefix('{') {
        return rest.trim_start().starts_with("\"type\"");
    }
    t.lines()
        .map(str::trim_end)
        .find(|l| !l.is_empty() && !l.starts_with('#') && *l != "---" && !l.starts_with('%'))
        .is_some_and(|l| l.starts_with("type:") || l.starts_with("\"type\":"))
}

/// Reads a whole stream, then [`read_str`].
///
/// # Errors
///
/// [`LoadErrorKind::Io`] if the stream fails or is not UTF-8, otherwise as [`read_str`].
pub fn read_reader(source: &str, reader: impl Read) -> Result<Vec<Document>, LoadError> {
    read_str(source, &text_of_reader(source, reader)?)
}

/// The whole of `reader` as text, as every reader here reads its input: an I/O failure is a
/// [`LoadErrorKind::Io`] error, a byte that is not UTF-8 a [`LoadErrorKind::Syntax`] error that
/// names its line, column and offset.
///
/// # Errors
///
/// As above.
///
/// # Examples
///
/// ```
/// use label_selector::load::read_text;
///
/// let err = read_text("pod.yaml", &b"kind: Pod\nmetadata: {name: \"a\xffb\"}\n"[..]).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "pod.yaml: line 2, column 20: byte 0xff (offset 29) is not UTF-8; manifests must be UTF-8"
/// );
/// ```
pub fn read_text(source: &str, reader: impl Read) -> Result<String, LoadError> {
    text_of_reader(source, reader)
}

/// The whole stream as text ([`read_text`]).
pub(crate) fn text_of_reader(source: &str, mut reader: impl Read) -> Result<String, LoadError> {
    let mut bytes = Vec::new();
    reader
        .read_to_end(&mut bytes)
        .map_err(|e| LoadError::io(source, &e))?;
    utf8_text(source, bytes)
}

/// The file's name as errors show it, and its text.
pub(crate) fn text_of_path(path: &Path) -> Result<(String, String), LoadError> {
    let source = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| LoadError::io(&source, &e))?;
    let text = utf8_text(&source, bytes)?;
    Ok((source, text))
}

/// `bytes` as text. Kubernetes manifests are UTF-8 (YAML 1.2 and JSON require it; kubectl's
/// YAML reader refuses other bytes too): a byte that is not is an error naming its line,
/// column and value, where Go's JSON decoder would silently turn it into U+FFFD.
pub(crate) fn utf8_text(source: &str, bytes: Vec<u8>) -> Result<String, LoadError> {
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let (line, column) = dups::line_column(bytes, at);
        let mut err = LoadError::new(
            LoadErrorKind::Syntax,
            source,
            format!(
                "byte 0x{:02x} (offset {at}) is not UTF-8; manifests must be UTF-8",
                bytes[at]
            ),
        );
        err.inner.line = Some(line);
        err.inner.column = Some(column);
        err
    })
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
        self.check_len(source, text)?;
        let docs = if is_json(text) {
            self.read_json::<JsonTop>(source, text)?
        } else {
            self.read_yaml::<Object>(source, text)?
                .into_iter()
                .map(|(i, o)| (i, JsonTop(o)))
                .collect()
        };
        Ok(docs
            .into_iter()
            .map(|(index, JsonTop(object))| Document { index, object })
            .collect())
    }

    /// [`read_watch_str`] under these limits.
    ///
    /// # Errors
    ///
    /// As [`read_watch_str`], and [`LoadErrorKind::TooLarge`] over a limit.
    pub fn read_watch_str(
        &self,
        source: &str,
        text: &str,
    ) -> Result<Vec<EventDocument>, LoadError> {
        self.check_len(source, text)?;
        let events = if is_json(text) {
            self.read_json::<WatchEvent>(source, text)?
        } else {
            self.read_yaml::<WatchEvent>(source, text)?
        };
        Ok(events
            .into_iter()
            .map(|(index, event)| EventDocument { index, event })
            .collect())
    }

    /// [`read_input`] under these limits.
    ///
    /// # Errors
    ///
    /// As [`read_str`] or [`read_watch_str`].
    pub fn read_input(&self, source: &str, text: &str) -> Result<Input, LoadError> {
        if is_watch_stream(text) {
            self.read_watch_str(source, text).map(Input::Events)
        } else {
            self.read_str(source, text).map(Input::Objects)
        }
    }

    fn check_len(&self, source: &str, text: &str) -> Result<(), LoadError> {
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
        Ok(())
    }

    fn too_many(&self, source: &str) -> LoadError {
        LoadError::new(
            LoadErrorKind::TooLarge,
            source,
            format!("more than {} documents", self.max_documents),
        )
    }

    fn read_json<T: DeserializeOwned>(
        &self,
        source: &str,
        text: &str,
    ) -> Result<Vec<(usize, T)>, LoadError> {
        if self.duplicate_keys == DuplicateKeys::Error {
            repeated_key(source, text)?;
        }
        match self.read_json_once(source, text) {
            Err(e) if e.kind() == LoadErrorKind::Invalid => {
                // Only now look for repeated keys: blank the overridden members, read again.
                let found = dups::overridden_members(text.as_bytes());
                if found.is_empty() || self.duplicate_keys == DuplicateKeys::Error {
                    return Err(e);
                }
                let blanked = dups::blank(text.as_bytes(), &found);
                let blanked = String::from_utf8(blanked).map_err(|_| e.clone())?;
                self.read_json_once(source, &blanked)
            }
            other => other,
        }
    }

    fn read_json_once<T: DeserializeOwned>(
        &self,
        source: &str,
        text: &str,
    ) -> Result<Vec<(usize, T)>, LoadError> {
        let mut docs = Vec::new();
        Error::take_serde_cause();
        crate::k8s::take_fault_path();
        let mut stream = serde_json::Deserializer::from_str(text).into_iter::<T>();
        let mut start = 0;
        loop {
            let next = stream.next();
            let Some(next) = next else { break };
            let index = docs.len() + 1;
            match next {
                Ok(value) => {
                    if index > self.max_documents {
                        return Err(self.too_many(source));
                    }
                    docs.push((index, value));
                    start = stream.byte_offset();
                }
                Err(e) => {
                    let mut err = json_error(source, &e).with_document(index);
                    if e.line() > 0 {
                        err.inner.line = Some(e.line());
                        err.inner.column = Some(e.column());
                    }
                    if err.kind() == LoadErrorKind::Invalid {
                        // The error path only: find the object by reading the document again.
                        let value = serde_json::Deserializer::from_str(&text[start..])
                            .into_iter::<Value>()
                            .next()
                            .and_then(Result::ok);
                        name_culprit(&mut err, value.as_ref(), "");
                    }
                    return Err(err);
                }
            }
        }
        Ok(docs)
    }

    fn read_yaml<T: DeserializeOwned>(
        &self,
        source: &str,
        text: &str,
    ) -> Result<Vec<(usize, T)>, LoadError> {
        Error::take_serde_cause();
        crate::k8s::take_fault_path();
        let options = || {
            let mut options = serde_saphyr::Options::default();
            options.budget = Some(yaml_budget(text.len(), self.max_documents));
            options.duplicate_keys = match self.duplicate_keys {
                DuplicateKeys::LastWins => serde_saphyr::DuplicateKeyPolicy::LastWins,
                DuplicateKeys::Error => serde_saphyr::DuplicateKeyPolicy::Error,
            };
            options
        };
        match serde_saphyr::from_multiple_with_options::<T>(text, options()) {
            Ok(values) => {
                if values.len() > self.max_documents {
                    return Err(self.too_many(source));
                }
                Ok((1..).zip(values).collect())
            }
            Err(e) => {
                let location = e.location();
                let message = yaml_message(&e);
                // A budget breach (direct, or met while replaying an alias and wrapped) carries
                // its debug text: made a sentence.
                let (message, breached) = match message.split_once("budget breached: ") {
                    Some((before, rest)) => {
                        let end = rest.find('}').map_or(rest.len(), |i| i + 1);
                        let (debug, after) = rest.split_at(end);
                        // The document count is the reader's own limit: said as the JSON
                        // readers say it.
                        let sentence = if debug.starts_with("Documents") {
                            format!("more than {} documents", self.max_documents)
                        } else {
                            budget_text(debug)
                        };
                        (format!("{before}{sentence}{after}"), true)
                    }
                    None => (message, false),
                };
                let kind = match e.without_snippet() {
                    _ if breached => LoadErrorKind::TooLarge,
                    serde_saphyr::Error::ExternalMessage { .. }
                    | serde_saphyr::Error::Eof { .. }
                    | serde_saphyr::Error::IndentationError { .. } => LoadErrorKind::Syntax,
                    serde_saphyr::Error::Budget { .. } => LoadErrorKind::TooLarge,
                    _ => LoadErrorKind::Invalid,
                };
                let cause = typed_cause(&message);
                let mut err = LoadError::new(kind, source, message)
                    .with_cause(cause)
                    .with_field(crate::k8s::take_fault_path());
                let at = |l: serde_saphyr::Location| {
                    (l.line() > 0).then(|| {
                        let line = usize::try_from(l.line()).unwrap_or(usize::MAX);
                        (line, usize::try_from(l.column()).unwrap_or(0))
                    })
                };
                // An error raised once a mapping was read (a Pod without a name) has no
                // location: the document that fails alone is the place.
                let place = location
                    .and_then(at)
                    .or_else(|| failing_document::<T>(text, options));
                if let Some((line, column)) = place {
                    err.inner.line = Some(line);
                    err.inner.column = Some(column);
                    let (doc, body) = yaml_document_at(text, line);
                    err.inner.document = Some(doc);
                    if let Some(body) = body {
                        let value = serde_saphyr::from_str::<Value>(body).ok();
                        name_culprit(&mut err, value.as_ref(), "");
                    }
                }
                Err(err)
            }
        }
    }
}

/// serde_json's error as a `LoadError` of `source`: its kind, its message without serde's
/// place (the caller places it in the input), the typed cause, and the field at fault.
pub(crate) fn json_error(source: &str, e: &serde_json::Error) -> LoadError {
    let kind = if e.is_syntax() || e.is_eof() {
        LoadErrorKind::Syntax
    } else if e.is_io() {
        LoadErrorKind::Io
    } else {
        LoadErrorKind::Invalid
    };
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let message = full.strip_suffix(&suffix).unwrap_or(&full).to_string();
    let cause = typed_cause(&message);
    LoadError::new(kind, source, message)
        .with_cause(cause)
        .with_field(crate::k8s::take_fault_path())
}

/// What follows `---` on a YAML document separator line (`line` without its line break), or
/// `None` for a line that is not one: `---` alone or followed by a blank.
fn separator(line: &str) -> Option<&str> {
    line.strip_prefix("---")
        .filter(|rest| rest.is_empty() || rest.starts_with([' ', '\t']))
}

/// The line and column (its first line of content) of the first YAML document of `text` that
/// fails on its own, for an error that came without a location; `options` are the reader's.
fn failing_document<T: DeserializeOwned>(
    text: &str,
    options: impl Fn() -> serde_saphyr::Options,
) -> Option<(usize, usize)> {
    // Each chunk starts at its document's directives (`%YAML`, `%TAG` after a `...`), if it has
    // any, else at its `---`: a directive left at the end of the chunk before would make that
    // chunk fail alone, at a place of no document.
    let mut chunks: Vec<(usize, usize)> = vec![(0, 1)];
    let mut offset = 0;
    let mut directives: Option<(usize, usize)> = None;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        let t = l.trim_end();
        if t.starts_with('%') {
            directives.get_or_insert((offset, i + 1));
        } else if separator(t).is_some() {
            let start = directives.take().unwrap_or((offset, i + 1));
            if start.0 > 0 {
                chunks.push(start);
            }
        } else if !t.is_empty() && !t.starts_with('#') {
            directives = None;
        }
        offset += l.len();
    }
    let ends = chunks.iter().skip(1).map(|c| c.0).chain([text.len()]);
    let found = chunks.iter().zip(ends).find_map(|(&(start, line), end)| {
        let chunk = &text[start..end];
        serde_saphyr::from_multiple_with_options::<T>(chunk, options()).err()?;
        // The document's first line of content: not blank, a comment, a directive, or a
        // separator with nothing but a comment after it (`--- # second`).
        let first = chunk
            .lines()
            .position(|l| {
                let t = l.trim_end();
                let t = separator(t).unwrap_or(t).trim();
                !t.is_empty() && !t.starts_with('#') && !t.starts_with('%')
            })
            .unwrap_or(0);
        // The error has no place (the whole text's had none), so the document's first line is
        // the place.
        Some((line + first, 1))
    });
    // The re-reads must not leave their stashes for the next read.
    Error::take_serde_cause();
    crate::k8s::take_fault_path();
    found
}

/// The first repeated key of `text` (JSON), as an error at the repeated key.
pub(crate) fn repeated_key(source: &str, text: &str) -> Result<(), LoadError> {
    first_repeat(source, text.as_bytes(), (1, 1), None)
}

/// The first repeated key of `value` (by the position of its later member) as an error at its
/// line and column, `value` starting at `start` (line, column) of the input; `document` is the
/// document to name, else the one the scan counted.
pub(crate) fn first_repeat(
    source: &str,
    value: &[u8],
    start: (usize, usize),
    document: Option<usize>,
) -> Result<(), LoadError> {
    let found = dups::overridden_members(value);
    let Some(first) = found.iter().min_by_key(|o| o.later) else {
        return Ok(());
    };
    let (line, column) = dups::line_column(value, first.later);
    let mut err = LoadError::new(
        LoadErrorKind::Invalid,
        source,
        format!("duplicate key {:?}", first.key),
    )
    .with_document(document.unwrap_or(first.document));
    err.inner.line = Some(start.0 + line - 1);
    err.inner.column = Some(if line == 1 {
        start.1 + column - 1
    } else {
        column
    });
    Err(err)
}

/// The typed error behind a reader's message, if the deserializer stashed one and the message
/// is about it (a stale stash from an error that serde recovered from is dropped).
pub(crate) fn typed_cause(message: &str) -> Option<Error> {
    Error::take_serde_cause().filter(|e| message.contains(&e.one_line()))
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
                Bare::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(|Bare(o)| JsonTop(o))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<JsonTop, A::Error> {
                let mut items = Vec::new();
                while let Some(Bare(o)) = seq.next_element::<Bare>()? {
                    items.push(o);
                }
                Ok(JsonTop(Object::List(items)))
            }
        }
        d.deserialize_any(crate::k8s::top(V))
    }
}

/// serde-saphyr's budget, scaled to the input: its defaults suit a configuration file (250 000
/// nodes, 1 000 000 events, 1 024 documents, 64 MiB of scalars), and `kubectl get pods -A -o
/// yaml` of 800 pods is over them. The counts that grow with the text (nodes, events, scalar
/// bytes) may reach one per input byte, which no YAML text exceeds without aliases; documents
/// follow [`ReadLimits::max_documents`]. The limits that bound amplification (aliases, anchors,
/// replayed events, depth 64, merge keys) stay serde-saphyr's.
fn yaml_budget(len: usize, max_documents: usize) -> serde_saphyr::budget::Budget {
    let mut b = serde_saphyr::budget::Budget::default();
    b.max_nodes = b.max_nodes.max(len);
    b.max_events = b.max_events.max(len);
    b.max_total_scalar_bytes = b.max_total_scalar_bytes.max(len);
    b.max_documents = max_documents;
    b.max_reader_input_bytes = None;
    b
}

/// A budget breach's debug text as a sentence: `Nodes { nodes: 250001 }` is "250001 nodes".
fn budget_text(debug: &str) -> String {
    let words = |name: &str| {
        let mut out = String::new();
        for (i, c) in name.chars().enumerate() {
            if c.is_uppercase() && i > 0 {
                out.push(' ');
            }
            out.push(c.to_ascii_lowercase());
        }
        out
    };
    let what = match debug.split_once(" { ") {
        Some((_, fields)) => fields
            .trim_end_matches(" }")
            .split(", ")
            .filter_map(|f| f.split_once(": "))
            .map(|(field, value)| match field {
                "depth" => format!("{value} levels of nesting"),
                _ => format!("{value} {}", field.replace('_', " ")),
            })
            .collect::<Vec<_>>()
            .join(", "),
        None => words(debug),
    };
    format!(
        "the YAML is over the reader's budget ({what}): too many anchors, aliases, nesting \
         levels or merge keys for its size"
    )
}

/// serde-saphyr's message without its location and snippet; its repeated-key message (which
/// advises a programmer to change an option) said as the JSON readers say it.
fn yaml_message(e: &serde_saphyr::Error) -> String {
    let full = e.without_snippet().to_string();
    let first = full.lines().next().unwrap_or("").trim();
    // Drop a trailing " at line N, column M" if the formatter added one.
    let first = match first.rfind(" at line ") {
        Some(i) => &first[..i],
        None => first,
    };
    if let Some((before, rest)) = first.split_once("duplicate mapping key: ") {
        let key = rest
            .split_once(", set DuplicateKeyPolicy")
            .map_or(rest, |(k, _)| k);
        return format!("{before}duplicate key {key:?}");
    }
    first.to_string()
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
        let marker = separator(t);
        if let Some(rest) = marker {
            in_doc = false;
            doc_start = offset;
            let rest = rest.trim();
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
        if i + 1 > line && marker.is_some() {
            return (doc_of_line.0, Some(&text[doc_of_line.1..offset - l.len()]));
        }
    }
    if doc_of_line.0 == 0 {
        return (docs.max(1), None);
    }
    (doc_of_line.0, Some(&text[doc_of_line.1..]))
}

/// Names the object a failing document (`v`) is about in `err`, and makes the error's field
/// a path inside that object: a list item's `items[3].metadata.labels` is the item's
/// `metadata.labels`. `kind` is the kind `v` takes when it has none (an item read alone).
pub(crate) fn name_culprit(err: &mut LoadError, v: Option<&Value>, kind: &str) {
    let Some((object, at)) = v.and_then(|v| culprit(v, String::new(), kind)) else {
        return;
    };
    err.inner.object = Some(object);
    if at.is_empty() {
        return;
    }
    if let Some(field) = &err.inner.field
        && let Some(inside) = field.strip_prefix(at.as_str())
        && (inside.is_empty() || inside.starts_with(['.', '[']))
    {
        let inside = inside.strip_prefix('.').unwrap_or(inside);
        err.inner.field = (!inside.is_empty()).then(|| inside.to_string());
    }
}

/// The object a failing document is about, and its path in the document (as the fault path
/// writes it): the first item (lists and arrays searched depth first) that fails to read on
/// its own, named from its raw `kind` (or `inherited`, the one it takes from its list: `items`
/// of a `PodList` are Pods) and `metadata`.
fn culprit(v: &Value, at: String, inherited: &str) -> Option<(String, String)> {
    let join = |key: &str| {
        if at.is_empty() {
            key.to_string()
        } else {
            format!("{at}.{key}")
        }
    };
    if let (Some(_), Some(object)) = (v.get("type"), v.get("object")) {
        // A watch event: the object it carries.
        return culprit(object, join("object"), "");
    }
    let elements = match v {
        Value::Array(elements) => Some((elements, at.clone())),
        _ => v
            .get("items")
            .and_then(Value::as_array)
            .map(|items| (items, join("items"))),
    };
    let kind = v.get("kind").and_then(Value::as_str).unwrap_or(inherited);
    if let Some((elements, list)) = elements {
        let item_kind = kind.strip_suffix("List").unwrap_or("");
        for (i, item) in elements.iter().enumerate() {
            if let Some(c) = culprit(item, format!("{list}[{i}]"), item_kind) {
                return Some(c);
            }
        }
    }
    if !v.is_object() {
        // An array's elements were searched; a scalar is no object.
        return None;
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
        kind,
        &s(meta.and_then(|m| m.get("namespace"))),
        &s(meta.and_then(|m| m.get("name"))),
    );
    Some((out, at))
}

#[cfg(test)]
mod tests {
    use super::budget_text;
    use serde_saphyr::budget::BudgetBreach;

    #[test]
    fn budget_breaches_read_as_sentences() {
        // From serde-saphyr's own debug text, so a change of its shape shows here.
        let cases = [
            (BudgetBreach::Depth { depth: 65 }, "65 levels of nesting"),
            (BudgetBreach::Nodes { nodes: 250_001 }, "250001 nodes"),
            (
                BudgetBreach::ScalarBytes {
                    total_scalar_bytes: 9,
                },
                "9 total scalar bytes",
            ),
            (
                BudgetBreach::AliasAnchorRatio {
                    aliases: 5,
                    anchors: 1,
                },
                "5 aliases, 1 anchors",
            ),
            (BudgetBreach::SequenceUnbalanced, "sequence unbalanced"),
        ];
        for (breach, what) in cases {
            assert_eq!(
                budget_text(&format!("{breach:?}")),
                format!(
                    "the YAML is over the reader's budget ({what}): too many anchors, aliases, \
                     nesting levels or merge keys for its size"
                ),
                "{breach:?}"
            );
        }
    }
}
