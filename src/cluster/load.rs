//! Whole inputs into the store: manifests, kubectl output and watch streams, all or nothing.

use std::io::Read;
use std::path::Path;

use super::event::{Applied, ApplyError};
use super::store::Cluster;
use crate::k8s::{Object, ObjectKey, Status};
use crate::load::{
    Input, Item, LoadError, LoadErrorKind, is_json, is_streamed_twice, is_watch_stream,
    read_json_stream, text_of_reader,
};

/// How much of a stream's head [`Cluster::load_reader`] looks at to tell its format.
const SNIFF: usize = 4096;

/// What one load did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct LoadSummary {
    /// Documents (or watch events) read.
    pub documents: usize,
    /// Objects and events applied (list items counted one by one), skipped kinds included.
    pub objects: usize,
    /// Objects added.
    pub added: usize,
    /// Objects replaced.
    pub updated: usize,
    /// Objects left as they were because their `resourceVersion` was already stored.
    pub unchanged: usize,
    /// Objects deleted.
    pub deleted: usize,
    /// Objects of kinds the store does not model.
    pub skipped: usize,
    /// Deletes of objects the store did not hold, in order.
    pub unknown_deletes: Vec<ObjectKey>,
    /// `ERROR` events, with the position of each in the input.
    pub watch_errors: Vec<(usize, Status)>,
    /// The last `BOOKMARK`'s resource version.
    pub bookmark: Option<String>,
    /// Objects (not watch events) that were already stored when this load applied them, with
    /// their document: written twice in this input, or also in an input loaded before. The
    /// copy applied last is kept; a caller merging several files can warn about these (the
    /// CLI does).
    pub repeated: Vec<(usize, ObjectKey)>,
}

impl LoadSummary {
    fn count(&mut self, index: usize, applied: Applied) {
        self.objects += 1;
        match applied {
            Applied::Added(_) => self.added += 1,
            Applied::Updated(_) => self.updated += 1,
            Applied::Unchanged(_) => self.unchanged += 1,
            Applied::Deleted(_) => self.deleted += 1,
            Applied::UnknownDelete(k) => self.unknown_deletes.push(k),
            Applied::Skipped { .. } => self.skipped += 1,
            Applied::Bookmark { resource_version } => self.bookmark = Some(resource_version),
            Applied::WatchError(s) => self.watch_errors.push((index, s)),
        }
    }
}

fn load_error(source: &str, index: usize, e: ApplyError) -> LoadError {
    let kind = if e.is_capacity() {
        LoadErrorKind::Capacity
    } else {
        LoadErrorKind::Invalid
    };
    LoadError::new(kind, source, e.cause().one_line())
        .with_document(index)
        .with_object(e.object())
        .with_cause(Some(e.cause().clone()))
}

impl Cluster {
    /// Reads every document of `text` and applies it: objects (manifests, `kubectl get -o
    /// json|yaml`, lists) are upserted; a watch stream (`kubectl get -w -o json
    /// --output-watch-events`, recognized by its first key `type`) is applied event by event,
    /// so the store ends in the stream's final state. `source` names the input in errors.
    ///
    /// # Errors
    ///
    /// The first [`LoadError`], with the document and the object. A load is all or nothing:
    /// reading finishes before anything is applied, and an object the store refuses (see
    /// [`upsert`](Cluster::upsert)) undoes the ones before it, so the store is unchanged.
    ///
    /// # Examples
    ///
    /// ```
    /// use label_selector::Cluster;
    ///
    /// let mut cluster = Cluster::new();
    /// let summary = cluster.load_str("watch.json", r#"
    /// {"type":"ADDED","object":{"kind":"Pod","metadata":{"name":"a","resourceVersion":"1"}}}
    /// {"type":"ADDED","object":{"kind":"Pod","metadata":{"name":"b","resourceVersion":"2"}}}
    /// {"type":"DELETED","object":{"kind":"Pod","metadata":{"name":"a","resourceVersion":"3"}}}
    /// {"type":"DELETED","object":{"kind":"Pod","metadata":{"name":"z","resourceVersion":"4"}}}
    /// "#)?;
    /// assert_eq!((summary.added, summary.deleted, summary.unknown_deletes.len()), (2, 1, 1));
    /// assert!(cluster.pod_named("default", "b").is_some());
    /// assert!(cluster.pod_named("default", "a").is_none());
    /// # Ok::<(), label_selector::load::LoadError>(())
    /// ```
    pub fn load_str(&mut self, source: &str, text: &str) -> Result<LoadSummary, LoadError> {
        if is_json(text) {
            let watch = is_watch_stream(text);
            match self.load_json(source, text.as_bytes(), watch) {
                // The whole text is here: read it whole, and the last repeated key wins.
                Err(e) if is_streamed_twice(&e) => {}
                other => return other,
            }
        }
        let input = self.config.limits.read_input(source, text)?;
        self.load_input(source, input)
    }

    /// Reads a stream and loads it as [`load_str`](Cluster::load_str) does. JSON is read as it
    /// arrives: each list item (or document, or watch event) is applied once it is read, so
    /// the text is never held whole and memory stays at the store plus one item. YAML is read
    /// whole first.
    ///
    /// # Errors
    ///
    /// [`LoadErrorKind::Io`] if the stream fails or is not UTF-8, otherwise as
    /// [`load_str`](Cluster::load_str); all or nothing, as there.
    pub fn load_reader(
        &mut self,
        source: &str,
        mut reader: impl Read,
    ) -> Result<LoadSummary, LoadError> {
        // Enough of the head to tell JSON from YAML and objects from watch events.
        let mut head = Vec::with_capacity(SNIFF);
        (&mut reader)
            .take(SNIFF as u64)
            .read_to_end(&mut head)
            .map_err(|e| LoadError::io(source, &e))?;
        let sniffed = String::from_utf8_lossy(&head);
        if is_json(&sniffed) {
            let watch = is_watch_stream(&sniffed);
            return self.load_json(source, std::io::Cursor::new(head).chain(reader), watch);
        }
        let text = text_of_reader(source, std::io::Cursor::new(head).chain(reader))?;
        self.load_str(source, &text)
    }

    /// Reads a file and loads it as [`load_reader`](Cluster::load_reader) does.
    ///
    /// # Errors
    ///
    /// [`LoadErrorKind::Io`] if the file cannot be read, otherwise as
    /// [`load_str`](Cluster::load_str).
    pub fn load_path(&mut self, path: impl AsRef<Path>) -> Result<LoadSummary, LoadError> {
        let path = path.as_ref();
        let source = path.display().to_string();
        let file = std::fs::File::open(path).map_err(|e| LoadError::io(&source, &e))?;
        self.load_reader(&source, file)
    }

    /// A JSON input applied item by item as it is read, all or nothing.
    fn load_json(
        &mut self,
        source: &str,
        reader: impl Read,
        watch: bool,
    ) -> Result<LoadSummary, LoadError> {
        let checkpoint = self.checkpoint();
        let mut summary = LoadSummary::default();
        let limits = self.config.limits;
        let result = read_json_stream(source, reader, limits, watch, |item| {
            match item {
                Item::Object(document, object) => {
                    self.apply_object(source, document, object, &mut summary)?
                }
                Item::Event(document, event) => {
                    let applied = self
                        .apply(event)
                        .map_err(|e| load_error(source, document, e))?;
                    summary.count(document, applied);
                }
            }
            Ok(())
        });
        match result {
            Ok(documents) => {
                summary.documents = documents;
                Ok(summary)
            }
            Err(e) => {
                self.restore(checkpoint);
                Err(e)
            }
        }
    }

    /// Upserts an object, a list's items one by one.
    fn apply_object(
        &mut self,
        source: &str,
        document: usize,
        object: Object,
        summary: &mut LoadSummary,
    ) -> Result<(), LoadError> {
        let mut stack = vec![object];
        while let Some(object) = stack.pop() {
            if let Object::List(items) = object {
                stack.extend(items.into_iter().rev());
                continue;
            }
            let applied = self
                .upsert(object)
                .map_err(|e| load_error(source, document, e))?;
            if let Applied::Updated(k) | Applied::Unchanged(k) = &applied {
                summary.repeated.push((document, k.clone()));
            }
            summary.count(document, applied);
        }
        Ok(())
    }

    /// Applies what a reader returned ([`read_input`](crate::load::read_input)), all or
    /// nothing, as [`load_str`](Cluster::load_str) does.
    ///
    /// # Errors
    ///
    /// As [`load_str`](Cluster::load_str) once the input is read.
    pub fn load_input(&mut self, source: &str, input: Input) -> Result<LoadSummary, LoadError> {
        let checkpoint = self.checkpoint();
        let result = self.apply_input(source, input);
        if result.is_err() {
            self.restore(checkpoint);
        }
        result
    }

    fn apply_input(&mut self, source: &str, input: Input) -> Result<LoadSummary, LoadError> {
        let mut summary = LoadSummary::default();
        match input {
            Input::Objects(docs) => {
                summary.documents = docs.len();
                for doc in docs {
                    self.apply_object(source, doc.index, doc.object, &mut summary)?;
                }
            }
            Input::Events(events) => {
                summary.documents = events.len();
                for e in events {
                    let applied = self
                        .apply(e.event)
                        .map_err(|err| load_error(source, e.index, err))?;
                    summary.count(e.index, applied);
                }
            }
        }
        Ok(summary)
    }
}
