//! A JSON reader that does not hold its input: the items of a `List` (and the documents of a
//! stream, the elements of an array, the events of a watch stream) are handed over one by one
//! as they are read, so memory stays at the largest item, not the whole input.
//!
//! A byte scanner finds the extent of each item (strings and nesting, nothing more) in a
//! buffer that keeps only the item being read; serde_json then reads the item from that slice,
//! exactly as [`read_str`](super::read_str) would, borrowed strings included. A document
//! without `items` (one object) is kept whole and read the same way.

use std::io::Read;

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::dups;
use super::error::{LoadError, LoadErrorKind};
use super::read::{DuplicateKeys, ReadLimits, json_error, name_culprit, typed_cause};
use crate::error::Error;
use crate::k8s::{
    Object, ObjectMeta, WatchEvent, adopt_list_kind, is_list_kind, needs_list_kind, not_a_list,
};

/// What the stream hands over, with the document (from 1) it came from.
#[derive(Debug)]
pub(crate) enum Item {
    /// An object (a list item, a document, an array element).
    Object(usize, Object),
    /// A watch event.
    Event(usize, WatchEvent),
}

/// How much to read at a time.
const CHUNK: usize = 1 << 20;

struct Scanner<R> {
    reader: R,
    source: String,
    /// The buffer; `buf[..end]` holds input.
    buf: Vec<u8>,
    end: usize,
    /// Next byte to scan, in `buf`.
    pos: usize,
    /// Absolute offset of `buf[0]`.
    base: usize,
    /// First byte of `buf` still needed; everything before may be dropped.
    keep: usize,
    eof: bool,
    /// 1-based line of `pos`, and the absolute offset where that line starts.
    line: usize,
    line_start: usize,
    limits: ReadLimits,
    /// The document being read, from 1.
    document: usize,
    /// The least the buffer grows by.
    chunk: usize,
    /// The kind the items being read take when they have none (`Pod` in a `PodList` whose
    /// `kind` came before its items), to name an item at fault.
    item_kind: String,
}

/// Where an item starts, to place serde's positions (relative to the item) in the input.
#[derive(Clone, Copy)]
struct At {
    /// Absolute offset in the input (the buffer's first byte moves as it is refilled).
    offset: usize,
    line: usize,
    column: usize,
}

impl<R: Read> Scanner<R> {
    fn abs(&self) -> usize {
        self.base + self.pos
    }

    fn at(&self) -> At {
        At {
            offset: self.abs(),
            line: self.line,
            column: self.abs() - self.line_start + 1,
        }
    }

    fn error(&self, kind: LoadErrorKind, message: impl Into<String>) -> LoadError {
        let mut e = LoadError::new(kind, &self.source, message);
        if self.document > 0 {
            e.inner.document = Some(self.document);
        }
        e.inner.line = Some(self.line);
        e.inner.column = Some(self.abs() - self.line_start + 1);
        e
    }

    /// Makes `buf[pos]` available; `false` at the end of the input.
    fn fill(&mut self) -> Result<bool, LoadError> {
        if self.pos < self.end {
            return Ok(true);
        }
        self.more()
    }

    /// Reads more input after `buf[..end]`; `false` at the end of the input.
    fn more(&mut self) -> Result<bool, LoadError> {
        if self.eof {
            return Ok(false);
        }
        if self.keep > 0 {
            // Drop what is no longer needed; the item being read moves to the front.
            self.buf.copy_within(self.keep..self.end, 0);
            self.base += self.keep;
            self.pos -= self.keep;
            self.end -= self.keep;
            self.keep = 0;
        }
        if self.end == self.buf.len() {
            // An item larger than the buffer: grow it (doubling, so reading stays linear).
            let grown = (self.buf.len() * 2).max(self.chunk);
            self.buf.resize(grown, 0);
        }
        // Read until the free space is full (or the input ends), whatever sizes the reader
        // hands out, so that a value cut by a refill is read again at most once per chunk.
        let start = self.end;
        while self.end < self.buf.len() {
            match self.reader.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(n) => self.end += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(LoadError::io(&self.source, &e)),
            }
        }
        if self.end == start {
            return Ok(false);
        }
        if self.base + self.end > self.limits.max_input_len {
            return Err(LoadError::new(
                LoadErrorKind::TooLarge,
                &self.source,
                format!(
                    "the input is over the limit of {} bytes",
                    self.limits.max_input_len
                ),
            ));
        }
        Ok(true)
    }

    fn peek(&mut self) -> Result<Option<u8>, LoadError> {
        Ok(if self.fill()? {
            Some(self.buf[self.pos])
        } else {
            None
        })
    }

    fn bump(&mut self) {
        if self.buf[self.pos] == b'\n' {
            self.line += 1;
            self.line_start = self.abs() + 1;
        }
        self.pos += 1;
    }

    fn skip_ws(&mut self) -> Result<Option<u8>, LoadError> {
        while let Some(c) = self.peek()? {
            if !matches!(c, b' ' | b'\t' | b'\r' | b'\n') {
                return Ok(Some(c));
            }
            self.bump();
        }
        Ok(None)
    }

    /// The input ended inside a value: placed as serde_json places it, on the last byte read
    /// (column 0 after a final newline).
    fn unexpected_end(&self) -> LoadError {
        let mut e = self.error(LoadErrorKind::Syntax, "EOF while parsing a value");
        e.inner.column = Some(self.abs() - self.line_start);
        e
    }

    /// Expects `c` (after white space) and steps over it.
    fn expect(&mut self, c: u8, what: &str) -> Result<(), LoadError> {
        match self.skip_ws()? {
            Some(x) if x == c => {
                self.bump();
                Ok(())
            }
            Some(x) => Err(self.error(
                LoadErrorKind::Syntax,
                format!("expected {what}, found '{}'", x.escape_ascii()),
            )),
            None => Err(self.unexpected_end()),
        }
    }

    /// Steps to the next member of an object or element of an array whose opening bracket is
    /// read, over the `,` between them: `false` at the closing bracket `close`.
    fn next_member(&mut self, close: u8, first: bool) -> Result<bool, LoadError> {
        match self.skip_ws()? {
            Some(c) if c == close => {
                self.bump();
                return Ok(false);
            }
            Some(_) if !first => {
                let what = if close == b']' {
                    "',' or ']'"
                } else {
                    "',' or '}'"
                };
                self.expect(b',', what)?;
            }
            Some(_) => {}
            None => return Err(self.unexpected_end()),
        }
        self.skip_ws()?;
        Ok(true)
    }

    /// Steps over one string, the opening quote at `pos`.
    fn skip_string(&mut self) -> Result<(), LoadError> {
        self.bump();
        loop {
            if !self.fill()? {
                return Err(self.unexpected_end());
            }
            // The fast path: up to the next quote, backslash or newline within the buffer.
            let rest = &self.buf[self.pos..self.end];
            let skip = rest
                .iter()
                .position(|&c| matches!(c, b'"' | b'\\' | b'\n'))
                .unwrap_or(rest.len());
            self.pos += skip;
            if self.pos == self.end {
                continue;
            }
            let c = self.buf[self.pos];
            self.bump();
            match c {
                b'"' => return Ok(()),
                b'\\' => {
                    if self.peek()?.is_none() {
                        return Err(self.unexpected_end());
                    }
                    self.bump();
                }
                _ => {}
            }
        }
    }

    /// Steps over one value (serde_json checks it when the item is read): strings, nesting and
    /// scalars are found in one pass over the buffer, newlines counted on the way.
    fn skip_value(&mut self) -> Result<(), LoadError> {
        let mut depth = 0_usize;
        let mut in_string = false;
        let mut escaped = false;
        // A scalar at depth 0 has begun (it ends at the next delimiter, not consumed).
        let mut scalar = false;
        loop {
            if !self.fill()? {
                if scalar && depth == 0 {
                    return Ok(());
                }
                return Err(self.unexpected_end());
            }
            let mut i = self.pos;
            let end = self.end;
            let mut done = false;
            while i < end {
                let c = self.buf[i];
                // A newline that ends a scalar at depth 0 is left unread, so it is not counted
                // here (the line would start past the position an error is placed at).
                if c == b'\n' && (in_string || depth > 0 || !scalar) {
                    self.line += 1;
                    self.line_start = self.base + i + 1;
                }
                if in_string {
                    if escaped {
                        escaped = false;
                    } else if c == b'\\' {
                        escaped = true;
                    } else if c == b'"' {
                        in_string = false;
                        if depth == 0 {
                            i += 1;
                            done = true;
                            break;
                        }
                    } else {
                        // Inside a string: jump to the next byte that matters.
                        match memchr::memchr3(b'"', b'\\', b'\n', &self.buf[i + 1..end]) {
                            Some(k) => i += k + 1,
                            None => i = end,
                        }
                        continue;
                    }
                    i += 1;
                    continue;
                }
                if c == b' ' && depth > 0 {
                    // Indentation: a run of spaces.
                    i += 1;
                    while i < end && self.buf[i] == b' ' {
                        i += 1;
                    }
                    continue;
                }
                match c {
                    b' ' | b'\t' | b'\r' | b'\n' | b',' | b':' if depth == 0 => {
                        if scalar {
                            done = true;
                            break;
                        }
                        if matches!(c, b',' | b':') {
                            self.pos = i;
                            return Err(self.error(
                                LoadErrorKind::Syntax,
                                format!("expected a value, found '{}'", c as char),
                            ));
                        }
                    }
                    b'"' => {
                        in_string = true;
                        match memchr::memchr3(b'"', b'\\', b'\n', &self.buf[i + 1..end]) {
                            Some(k) => i += k + 1,
                            None => i = end,
                        }
                        continue;
                    }
                    b'{' | b'[' if !scalar => depth += 1,
                    b'}' | b']' => {
                        if depth == 0 {
                            if scalar {
                                done = true;
                                break;
                            }
                            self.pos = i;
                            return Err(self.error(
                                LoadErrorKind::Syntax,
                                format!("expected a value, found '{}'", c as char),
                            ));
                        }
                        depth -= 1;
                        if depth == 0 {
                            i += 1;
                            done = true;
                            break;
                        }
                    }
                    _ if depth == 0 => scalar = true,
                    _ => {}
                }
                i += 1;
            }
            self.pos = i;
            if done {
                return Ok(());
            }
        }
    }

    /// Reads the next value at `pos` with serde_json, reading more input while the value is
    /// incomplete (at most one value per refill is read twice), and steps over it.
    fn read_next<T: DeserializeOwned>(&mut self, document: usize) -> Result<T, LoadError> {
        self.keep = self.pos;
        loop {
            let at = self.at();
            let slice = &self.buf[self.pos..self.end];
            Error::take_serde_cause();
            crate::k8s::take_fault_path();
            let mut values = serde_json::Deserializer::from_slice(slice).into_iter::<T>();
            match values.next() {
                Some(Ok(v)) => {
                    let used = values.byte_offset();
                    let read = &self.buf[self.pos..self.pos + used];
                    if self.limits.duplicate_keys == DuplicateKeys::Error {
                        self.refuse_repeated(read, at, document)?;
                    }
                    if let Some(last) = memchr::memrchr(b'\n', read) {
                        self.line += memchr::memchr_iter(b'\n', read).count();
                        self.line_start = self.base + self.pos + last + 1;
                    }
                    self.pos += used;
                    return Ok(v);
                }
                Some(Err(e)) if e.is_eof() && !self.eof => {}
                None if !self.eof => {}
                // A syntax error (or the input's real end): serde placed it in the slice, which
                // holds everything up to it; no object is named for a syntax error.
                Some(Err(e)) if !e.is_data() => return Err(self.located(e, at, document, &[])),
                Some(Err(_)) | None => {
                    // serde may refuse a value before its end arrives: find the whole value,
                    // then let the slice reader word the error, place it and name the object.
                    let _ = self.skip_value();
                    // Ok only when it reads once its overridden repeated keys are blanked.
                    return self.read::<T>(at, document);
                }
            }
            // Incomplete: keep it, read more, try again.
            self.more()?;
        }
    }

    /// In strict mode: the first repeated key of `value` (which starts at `at`), as an error.
    fn refuse_repeated(&self, value: &[u8], at: At, document: usize) -> Result<(), LoadError> {
        super::read::first_repeat(&self.source, value, (at.line, at.column), Some(document))
    }

    /// Reads the value in `buf[at.offset..pos]` with serde_json.
    fn read<T: DeserializeOwned>(&self, at: At, document: usize) -> Result<T, LoadError> {
        self.read_between(at, self.abs(), document)
    }

    /// Reads the value between absolute offsets `at.offset` and `end` with serde_json.
    fn read_between<T: DeserializeOwned>(
        &self,
        at: At,
        end: usize,
        document: usize,
    ) -> Result<T, LoadError> {
        let slice = &self.buf[at.offset - self.base..end - self.base];
        Error::take_serde_cause();
        crate::k8s::take_fault_path();
        let mut result = serde_json::from_slice(slice);
        if result.as_ref().is_err_and(serde_json::Error::is_eof) && end < self.base + self.end {
            // A scalar cut short by a delimiter (`tru}`): serde words it with that byte, as
            // reading the whole text does.
            let longer = &self.buf[at.offset - self.base..=end - self.base];
            Error::take_serde_cause();
            crate::k8s::take_fault_path();
            if let Err(e) = serde_json::from_slice::<T>(longer) {
                result = Err(e);
            }
        }
        if result.as_ref().is_err_and(serde_json::Error::is_data)
            && self.limits.duplicate_keys == DuplicateKeys::Error
        {
            // Strict: a repeated key is the fault, wherever serde stopped.
            self.refuse_repeated(slice, at, document)?;
        }
        let blanked;
        let mut slice = slice;
        if result.as_ref().is_err_and(serde_json::Error::is_data)
            && self.limits.duplicate_keys == DuplicateKeys::LastWins
        {
            // Only now look for repeated keys: blank the overridden members, read again.
            let found = dups::overridden_members(slice);
            if !found.is_empty() {
                blanked = dups::blank(slice, &found);
                slice = &blanked;
                Error::take_serde_cause();
                crate::k8s::take_fault_path();
                result = serde_json::from_slice(slice);
            }
        }
        result.map_err(|e| self.located(e, at, document, slice))
    }

    /// serde_json's error `e` from reading a slice that starts at `at`, placed in the input;
    /// a data error names the object `slice` (the value read) holds.
    fn located(&self, e: serde_json::Error, at: At, document: usize, slice: &[u8]) -> LoadError {
        let mut err = json_error(&self.source, &e).with_document(document);
        let (line, column) = (e.line(), e.column());
        if line > 0 {
            err.inner.line = Some(at.line + line - 1);
            err.inner.column = Some(if line == 1 {
                at.column + column - 1
            } else {
                column
            });
        }
        if err.kind() == LoadErrorKind::Invalid {
            // The first value of the slice: what follows it (the next items) is not read.
            let value = serde_json::Deserializer::from_slice(slice)
                .into_iter::<Value>()
                .next()
                .and_then(Result::ok);
            name_culprit(&mut err, value.as_ref(), &self.item_kind);
        }
        err
    }
}

/// Reads a JSON input from `reader`, handing each object (or watch event) to `sink` as soon as
/// it is read. `watch` reads every document as a watch event.
pub(crate) fn read_json_stream<R: Read>(
    source: &str,
    reader: R,
    limits: ReadLimits,
    watch: bool,
    sink: impl FnMut(Item) -> Result<(), LoadError>,
) -> Result<usize, LoadError> {
    read_chunked(source, reader, limits, watch, CHUNK, sink)
}

fn read_chunked<R: Read>(
    source: &str,
    reader: R,
    limits: ReadLimits,
    watch: bool,
    chunk: usize,
    sink: impl FnMut(Item) -> Result<(), LoadError>,
) -> Result<usize, LoadError> {
    scan(
        &mut Scanner::new(source, reader, limits, chunk),
        watch,
        sink,
    )
}

impl<R: Read> Scanner<R> {
    fn new(source: &str, reader: R, limits: ReadLimits, chunk: usize) -> Scanner<R> {
        Scanner {
            reader,
            source: source.to_string(),
            buf: Vec::new(),
            end: 0,
            pos: 0,
            base: 0,
            keep: 0,
            eof: false,
            line: 1,
            line_start: 0,
            limits,
            document: 0,
            chunk,
            item_kind: String::new(),
        }
    }
}

/// Reads every document of the input behind `s`; the number of documents.
fn scan<R: Read>(
    s: &mut Scanner<R>,
    watch: bool,
    mut sink: impl FnMut(Item) -> Result<(), LoadError>,
) -> Result<usize, LoadError> {
    let limits = s.limits;
    let mut document = 0;
    loop {
        s.keep = s.pos;
        let Some(c) = s.skip_ws()? else {
            return Ok(document);
        };
        document += 1;
        s.document = document;
        if document > limits.max_documents {
            return Err(LoadError::new(
                LoadErrorKind::TooLarge,
                &s.source,
                format!("more than {} documents", limits.max_documents),
            ));
        }
        s.keep = s.pos;
        let start = s.at();
        match c {
            b'{' if watch => sink(Item::Event(document, s.read_next(document)?))?,
            b'{' => object_or_list(s, start, document, &mut sink)?,
            b'[' => {
                // An array of objects, read as a list.
                s.bump();
                let mut first = true;
                while s.next_member(b']', first)? {
                    first = false;
                    let object: Object = s.read_next(document)?;
                    sink(Item::Object(document, object))?;
                }
            }
            other => {
                return Err(s
                    .error(
                        LoadErrorKind::Syntax,
                        format!(
                            "expected an object or an array, found '{}'",
                            other.escape_ascii()
                        ),
                    )
                    .with_document(document));
            }
        }
    }
}

/// One top-level object: a `List` whose items are handed over one by one, or one object read
/// whole.
fn object_or_list<R: Read>(
    s: &mut Scanner<R>,
    start: At,
    document: usize,
    sink: &mut impl FnMut(Item) -> Result<(), LoadError>,
) -> Result<(), LoadError> {
    s.bump();
    let mut kind: Option<String> = None;
    let mut api_version = String::new();
    let mut streamed = false;
    let mut seen_items = false;
    let mut seen = std::collections::BTreeSet::new();
    let mut before_items: Vec<(String, At, usize)> = Vec::new();
    let mut count = 0_usize;
    // Items that need the list's kind, which comes after them.
    let mut waiting: Vec<(usize, Object)> = Vec::new();
    let mut first = true;
    while s.next_member(b'}', first)? {
        first = false;
        if s.peek()? != Some(b'"') {
            return Err(s.error(LoadErrorKind::Syntax, "expected a key"));
        }
        let key_at = s.at();
        s.skip_string()?;
        let key: String = s.read(key_at, document)?;
        s.expect(b':', "':'")?;
        s.skip_ws()?;
        if key == "items" && seen_items {
            return Err(s
                .error(LoadErrorKind::Invalid, streamed_twice("items"))
                .with_document(document));
        }
        seen_items |= key == "items";
        if key == "items" && s.peek()? == Some(b'[') {
            streamed = true;
            for (key, at, end) in std::mem::take(&mut before_items) {
                check_member(s, &key, at, end, document)?;
            }
            s.bump();
            let list_kind = kind.as_deref().unwrap_or_default();
            s.item_kind = list_kind.strip_suffix("List").unwrap_or("").to_string();
            let mut i = 0;
            while s.next_member(b']', i == 0)? {
                let mut item: Object = s.read_next(document)?;
                count += 1;
                if needs_list_kind(&item) {
                    // The kind and apiVersion it takes are final once both were seen.
                    // A kind it cannot adopt waits too: a later `kind` may still come and be
                    // refused below, as the whole-text reader would take it.
                    match &kind {
                        Some(k)
                            if seen.contains("apiVersion")
                                && adopt(s, &api_version, k, i, &mut item, document).is_ok() => {}
                        _ => {
                            waiting.push((i, item));
                            i += 1;
                            continue;
                        }
                    }
                }
                sink(Item::Object(document, item))?;
                i += 1;
            }
            s.item_kind.clear();
            continue;
        }
        let at = s.at();
        s.skip_value()?;
        match key.as_str() {
            // Repeated before the items: the last wins, as in the whole-text reader; after
            // them it would change what items already handed on adopted.
            "kind" | "apiVersion" if !seen.insert(key.clone()) && streamed => {
                return Err(s
                    .error(LoadErrorKind::Invalid, streamed_twice(&key))
                    .with_document(document));
            }
            "kind" => kind = Some(s.read::<Option<String>>(at, document)?.unwrap_or_default()),
            "apiVersion" => {
                api_version = s.read::<Option<String>>(at, document)?.unwrap_or_default()
            }
            // The other members of a list are read as the whole-text reader reads them, so
            // that both refuse alike; those before `items` once `items` starts (a single
            // object is read whole at its end instead).
            _ if streamed => check_member(s, &key, at, s.abs(), document)?,
            _ => before_items.push((key, at, s.abs())),
        }
    }
    if !streamed || count == 0 {
        // One object (or a list with no items), whole in the buffer from its first byte.
        let object: Object = s.read(start, document)?;
        return sink(Item::Object(document, object));
    }
    let list_kind = kind.unwrap_or_default();
    if count > 0 && !is_list_kind(&list_kind) {
        return Err(s
            .error(LoadErrorKind::Invalid, not_a_list(&list_kind))
            .with_document(document));
    }
    for (i, mut item) in waiting {
        adopt(s, &api_version, &list_kind, i, &mut item, document)?;
        sink(Item::Object(document, item))?;
    }
    Ok(())
}

/// Whether `e` is the refusal below: a caller holding the whole text reads it whole instead.
pub(crate) fn is_streamed_twice(e: &LoadError) -> bool {
    e.message()
        .contains("is written twice in a List read as a stream")
}

/// The refusal of a list key repeated after the list's items were handed on.
fn streamed_twice(key: &str) -> String {
    format!(
        "`{key}` is written twice in a List read as a stream: its items were handed on as they \
         were read, so the last `{key}` cannot win (read the input whole, or write the key once)"
    )
}

/// Reads a list's member `key` (in `at..end`) as the whole-text reader would, for its errors.
fn check_member<R: Read>(
    s: &Scanner<R>,
    key: &str,
    at: At,
    end: usize,
    document: usize,
) -> Result<(), LoadError> {
    let read = if key == "metadata" {
        // Read under Kubernetes' rules, as the whole-text reader reads it.
        s.read_between::<crate::k8s::Lenient<Option<ObjectMeta>>>(at, end, document)
            .map(drop)
    } else {
        s.read_between::<serde::de::IgnoredAny>(at, end, document)
            .map(drop)
    };
    // The member was read alone: its field is named from the list, as reading it whole does,
    // and it names no object (a list is not one; its items were read on their own).
    read.map_err(|mut e| {
        e.inner.object = None;
        e.inner.field = match e.inner.field.take() {
            Some(inside) if inside.starts_with('[') => Some(format!("{key}{inside}")),
            Some(inside) => Some(format!("{key}.{inside}")),
            None if e.kind() == LoadErrorKind::Invalid => Some(key.to_string()),
            None => None,
        };
        e
    })
}

fn adopt<R: Read>(
    s: &Scanner<R>,
    api_version: &str,
    list_kind: &str,
    i: usize,
    item: &mut Object,
    document: usize,
) -> Result<(), LoadError> {
    adopt_list_kind::<serde_json::Error>(api_version, list_kind, i, item).map_err(|e| {
        let message = e.to_string();
        let cause = typed_cause(&message);
        s.error(LoadErrorKind::Invalid, message)
            .with_document(document)
            .with_cause(cause)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(text: &str, watch: bool, chunk: usize) -> Result<Vec<String>, String> {
        let mut out = Vec::new();
        read_chunked(
            "t",
            text.as_bytes(),
            ReadLimits::default(),
            watch,
            chunk,
            |item| {
                out.push(format!("{item:?}"));
                Ok(())
            },
        )
        .map_err(|e| e.to_string())?;
        Ok(out)
    }

    /// Every buffer size, down to one byte, reads the same items and the same errors at the
    /// same places: refills cut strings, escapes, numbers and items anywhere.
    #[test]
    fn refills_anywhere_read_the_same() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/k8s/");
        let cases = [
            ("cluster.json", false),
            ("podlist.json", false),
            ("watch.json", true),
            ("truncated.json", false),
            ("bad-operator.json", false),
        ];
        for (name, watch) in cases {
            let text = std::fs::read_to_string(format!("{dir}{name}")).unwrap();
            let whole = items(&text, watch, CHUNK);
            for chunk in [1, 2, 3, 7, 64, 1000] {
                assert_eq!(items(&text, watch, chunk), whole, "{name}, chunk {chunk}");
            }
        }
        let tricky = r#"[{"kind":"Pod","metadata":{"name":"a\"}{","labels":{"x":"1"}}}] {"kind":"Node","metadata":{"name":"n"}}"#;
        let whole = items(tricky, false, CHUNK);
        assert_eq!(whole.as_ref().map(Vec::len), Ok(2), "{whole:?}");
        for chunk in 1..40 {
            assert_eq!(items(tricky, false, chunk), whole, "chunk {chunk}");
        }
    }

    /// `text` read as a stream of objects with `chunk`-byte refills: its documents.
    fn stream(text: &str, chunk: usize) -> Result<usize, LoadError> {
        read_chunked(
            "t",
            text.as_bytes(),
            ReadLimits::default(),
            false,
            chunk,
            |_| Ok(()),
        )
    }

    /// The error of reading `text` as a stream with `chunk`-byte refills, and of reading it
    /// whole, as what a user sees of each: kind, document, line, column, object, field.
    fn both(text: &str, chunk: usize) -> [String; 2] {
        let show = |e: &LoadError| {
            let field = if e.kind() == LoadErrorKind::Invalid {
                e.field()
            } else {
                // The whole-text reader names the list member a syntax error is in.
                None
            };
            format!(
                "{:?} {:?} {:?} {:?} {:?} {field:?}",
                e.kind(),
                e.document(),
                e.line(),
                e.column(),
                e.object()
            )
        };
        let streamed = stream(text, chunk);
        let whole = crate::load::read_input("t", text);
        [
            streamed.map_or_else(|e| show(&e), |n| format!("{n} documents")),
            whole.map_or_else(|e| show(&e), |_| "read".to_string()),
        ]
    }

    /// A broken input is placed where reading it whole places it, whatever the refills: the
    /// document, line and column, and for a data error the object and the field inside it.
    #[test]
    fn errors_are_placed_as_reading_whole_places_them() {
        let pod = |name: &str| format!(r#"{{"kind": "Pod", "metadata": {{"name": "{name}"}}}}"#);
        let (a, b) = (pod("a"), pod("b"));
        let list = |items: &str| format!("{{\"kind\": \"List\",\n \"items\": [\n  {items}]}}");
        let bad_labels = r#"{"kind": "Pod", "metadata": {"name": "b", "labels": 5}}"#;
        let cases = [
            // Syntax: a missing comma, a missing colon, a trailing comma, a cut literal, a bad
            // escape, a control character, a bad number, garbage between documents.
            list(&format!("{a}\n  {b}")),
            format!("{{\"kind\": \"List\",\n \"items\" [{a}]}}"),
            format!("{{\"kind\": \"List\",\n \"items\": [{a}] \"x\": 1}}"),
            format!("[{a}, \n    ]"),
            format!("{{\"kind\": \"List\",\n \"items\": [{a}], \"x\": tru}}"),
            list(r#"{"kind": "Pod", "metadata": {"name": "a\q"}}"#),
            list("{\"kind\": \"Pod\", \"metadata\": {\"name\": \"a\tb\"}}"),
            list(r#"{"kind": "Pod", "metadata": {"name": "a"}, "spec": {"priority": 1e}}"#),
            list(r#"{"kind": "Pod", "metadata": {"name": "a"}, "spec": {"nodeName": nul}}"#),
            format!("{a}\n\n   {b} x"),
            // The input ends inside a value.
            format!("{{\"kind\": \"List\", \"items\": [\n  {a},\n  {b}"),
            format!("{a}\n{{\"kind\": \"Pod\", \"metadata\": {{\"name\": \"b"),
            format!("[{a},\n"),
            // Data: an item, an array element, a document, the list's own metadata.
            list(&format!("{a},\n  {bad_labels}")),
            format!("[{a},\n {bad_labels}]"),
            format!("{a}\n{bad_labels}"),
            format!(
                "{{\"kind\": \"List\", \"metadata\": {{\"resourceVersion\": 5}},\n \"items\": [{a}]}}"
            ),
            list(
                r#"{"kind": "Pod", "metadata": {"name": "c"}, "spec": {"tolerations": [{"key": "k"}, {"key": 7}]}}"#,
            ),
            list(&format!(
                r#"{{"kind": "Pod", "metadata": {{"name": "b", "labels": 5, "annotations": {{"x": "}}]\"{{"}}}}}}, {a}"#
            )),
            // After values stepped over across lines, and over strings holding brackets and
            // quotes: the place still counts from the right line start.
            "{\"kind\": \"List\", \"metadata\": {\n  \"resourceVersion\": \"1\"} \"items\": []}"
                .to_string(),
            format!("[{{\n\"kind\": \"Pod\", \"metadata\": {{\"name\": \"a\"}}}} {b}]"),
            format!(
                "{{\"kind\": \"List\", \"metadata\": {{\"annotations\": {{\"a\": \"}}{{\\\"]\", \"b\": \"\\\\\"}}}},\n \"items\": [{a}], \"x\": {{\"y\": \"]\"}}, \"z\": tru}}"
            ),
            format!("{{\"kind\": \"List\", \"metadata\": 5, \"items\": [{a}]}}"),
            format!("{{\"kind\": \"List\", \"items\": [{a}], \"x\":"),
            format!("{{\"kind\": \"List\", \"items\": [{a}], \"x\": "),
            format!("{{\"kind\": \"List\", \"items\": [{a}], \"metadata\": [1]}}"),
            format!("{{\"kind\": \"List\", \"items\": [{a}], \"x\": 1 2}}"),
        ];
        for text in &cases {
            let [streamed, whole] = both(text, CHUNK);
            assert!(
                whole.starts_with("Syntax") || whole.starts_with("Invalid"),
                "{text}: {whole}"
            );
            assert_eq!(streamed, whole, "{text}");
            for chunk in [1, 2, 5, 16] {
                assert_eq!(both(text, chunk)[0], whole, "{text}, chunk {chunk}");
            }
        }
        // A syntax error in a list's member names no field, as reading whole does.
        let cut = stream(&cases[4], 5).unwrap_err();
        assert_eq!((cut.message(), cut.field()), ("expected ident", None));
        assert_eq!(
            crate::load::read_input("t", &cases[4]).unwrap_err().field(),
            None
        );
        // A scalar ends at a blank: what follows is not part of it.
        let err = stream(cases.last().unwrap(), 3).unwrap_err();
        assert_eq!(err.message(), "expected ',' or '}', found '2'");
        // What the user reads, for a data error in a list's second item on its third line.
        let err = stream(&cases[13], 7).unwrap_err();
        assert_eq!(
            err.to_string(),
            "t: document 1, line 4, column 55: Pod b: metadata.labels: invalid type: integer `5`, \
             expected a map of label keys to string values"
        );
    }

    /// Valid inputs: the streamed objects are the whole-text reader's, list items adopting
    /// their list's kind and apiVersion in either key order.
    #[test]
    fn streamed_objects_are_the_whole_text_objects() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/k8s/");
        let item = r#"{"metadata": {"name": "a", "namespace": "x", "labels": {"app": "web"}}}"#;
        let mut cases: Vec<String> = ["cluster.json", "podlist.json"]
            .iter()
            .map(|name| std::fs::read_to_string(format!("{dir}{name}")).unwrap())
            .collect();
        cases.extend([
            format!(r#"{{"kind": "PodList", "apiVersion": "v1", "items": [{item}, {item}]}}"#),
            // Items with and without their own kind keep their order.
            format!(
                r#"{{"kind": "PodList", "apiVersion": "v1", "items": [{item}, {{"kind": "Pod", "metadata": {{"name": "k"}}}}, {item}]}}"#
            ),
            format!(r#"{{"apiVersion": "apps/v1", "items": [{item}], "kind": "DeploymentList"}}"#),
            format!(
                r#"{{"items": [{item}], "apiVersion": "v1", "kind": "NodeList", "metadata": {{}}}}"#
            ),
            format!(
                r#"[{{"kind": "Pod", "apiVersion": "v1", "metadata": {{"name": "p"}}}}] {item}"#
            ),
            // A key written twice in an item: the last one wins (a map reads it at once; a
            // struct's field fails first and is read again with the first one blanked).
            r#"[{"kind": "Pod", "metadata": {"name": "a", "labels": {"x": "1", "x": "2"}}}]"#.to_string(),
            r#"{"kind": "List", "items": [{"kind": "Pod", "metadata": {"name": "a", "name": "b", "labels": {"x": "1", "x": "2"}}}]}"#.to_string(),
            // The apiVersion an item takes shows in kinds kept whole, and in a PDB's selector
            // (an empty one selects nothing in policy/v1beta1).
            format!(
                r#"{{"kind": "ConfigMapList", "y": 2, "e\"q": "", "apiVersion": "v1", "items": [{item}], "x": [1], "z": null, "w\\": ""}}"#
            ),
            r#"{"kind": "PodDisruptionBudgetList", "apiVersion": "policy/v1beta1", "items": [{"metadata": {"name": "b", "namespace": "x"}, "spec": {"selector": {}, "minAvailable": 1}}]}"#.to_string(),
        ]);
        for text in &cases {
            let mut whole = Vec::new();
            let Ok(crate::load::Input::Objects(documents)) = crate::load::read_input("t", text)
            else {
                panic!("{text}");
            };
            for d in documents {
                match d.object {
                    Object::List(items) => whole.extend(items.iter().map(|o| format!("{o:?}"))),
                    o => whole.push(format!("{o:?}")),
                }
            }
            for chunk in [3, CHUNK] {
                let mut streamed = Vec::new();
                read_chunked(
                    "t",
                    text.as_bytes(),
                    ReadLimits::default(),
                    false,
                    chunk,
                    |item| {
                        let Item::Object(_, o) = item else { panic!() };
                        streamed.push(format!("{o:?}"));
                        Ok(())
                    },
                )
                .unwrap();
                assert_eq!(streamed, whole, "{text}");
            }
        }
    }

    #[test]
    fn only_a_repeated_list_key_is_streamed_twice() {
        let twice = LoadError::new(LoadErrorKind::Invalid, "t", streamed_twice("kind"));
        assert!(is_streamed_twice(&twice));
        let other = LoadError::new(LoadErrorKind::Syntax, "t", "expected value");
        assert!(!is_streamed_twice(&other));
    }

    /// A reader that hands out `step` bytes at a time and is interrupted before each read.
    struct Interrupted<'a> {
        bytes: &'a [u8],
        interrupt: bool,
        fail_at_end: bool,
    }

    impl Read for Interrupted<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            self.interrupt = !self.interrupt;
            if self.interrupt {
                return Err(std::io::ErrorKind::Interrupted.into());
            }
            if self.bytes.is_empty() && self.fail_at_end {
                return Err(std::io::Error::other("the disk is gone"));
            }
            let n = 5.min(out.len()).min(self.bytes.len());
            out[..n].copy_from_slice(&self.bytes[..n]);
            self.bytes = &self.bytes[n..];
            Ok(n)
        }
    }

    fn podlist() -> String {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/k8s/");
        std::fs::read_to_string(format!("{dir}podlist.json")).unwrap()
    }

    #[test]
    fn interrupted_reads_are_retried_and_failed_reads_reported() {
        let text = podlist();
        let whole = items(&text, false, 64);
        let mut out = Vec::new();
        let reader = Interrupted {
            bytes: text.as_bytes(),
            interrupt: false,
            fail_at_end: false,
        };
        read_chunked("t", reader, ReadLimits::default(), false, 64, |item| {
            out.push(format!("{item:?}"));
            Ok(())
        })
        .unwrap();
        assert_eq!(Ok(out), whole);
        let reader = Interrupted {
            bytes: text.as_bytes(),
            interrupt: false,
            fail_at_end: true,
        };
        let err =
            read_chunked("t", reader, ReadLimits::default(), false, 64, |_| Ok(())).unwrap_err();
        assert_eq!(err.kind(), LoadErrorKind::Io);
        assert!(err.to_string().contains("the disk is gone"), "{err}");
    }

    #[test]
    fn the_document_limit_is_the_last_document_allowed() {
        let text = "{\"kind\": \"Pod\", \"metadata\": {\"name\": \"a\"}}\n".repeat(3);
        let limits = |n: usize| ReadLimits {
            max_documents: n,
            ..ReadLimits::default()
        };
        let read = |n| read_chunked("t", text.as_bytes(), limits(n), false, 16, |_| Ok(()));
        assert_eq!(read(3).unwrap(), 3);
        let err = read(2).unwrap_err();
        assert_eq!(err.kind(), LoadErrorKind::TooLarge);
        assert_eq!(err.message(), "more than 2 documents");
    }

    #[test]
    fn the_input_limit_is_the_last_byte_allowed() {
        let text = podlist();
        for chunk in [7, CHUNK] {
            let limits = |n: usize| ReadLimits {
                max_input_len: n,
                ..ReadLimits::default()
            };
            let read = |n| read_chunked("t", text.as_bytes(), limits(n), false, chunk, |_| Ok(()));
            assert!(read(text.len()).is_ok(), "chunk {chunk}");
            let err = read(text.len() - 1).unwrap_err();
            assert_eq!(err.kind(), LoadErrorKind::TooLarge);
            assert_eq!(
                err.message(),
                format!("the input is over the limit of {} bytes", text.len() - 1)
            );
        }
    }

    /// Memory stays at the largest item: the buffer drops what was read, however long the
    /// input, and grows only for an item larger than it.
    #[test]
    fn the_buffer_holds_one_item_not_the_input() {
        let item = r#"{"kind":"Pod","metadata":{"name":"p","namespace":"s"}}"#;
        let items = vec![item; 5_000].join(",\n");
        for (text, lines) in [
            (
                format!("{{\"kind\":\"List\",\"items\":[\n{items}\n]}}"),
                5_002,
            ),
            (format!("[{items}]"), 5_000),
        ] {
            let mut s = Scanner::new("t", text.as_bytes(), ReadLimits::default(), 256);
            let mut n = 0;
            scan(&mut s, false, |_| {
                n += 1;
                Ok(())
            })
            .unwrap();
            assert_eq!(n, 5_000);
            assert_eq!(s.buf.len(), 256, "{}", &text[..20]);
            assert_eq!(s.line, lines);
        }
        let big = format!(
            r#"{{"kind":"Pod","metadata":{{"name":"n","annotations":{{"a":"{}"}}}}}}"#,
            "n".repeat(1000)
        );
        let mut s = Scanner::new("t", big.as_bytes(), ReadLimits::default(), 256);
        assert_eq!(scan(&mut s, false, |_| Ok(())).unwrap(), 1);
        assert_eq!(s.buf.len(), 2048);
    }
}
