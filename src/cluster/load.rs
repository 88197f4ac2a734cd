//! Whole inputs into the store: manifests, kubectl output and watch streams, all or nothing.

use std::io::Read;
use std::path::Path;

use super::event::{Applied, ApplyError};
use super::store::Cluster;
use crate::k8s::{Object, ObjectKey, Status};
use crate::load::{Input, LoadError, LoadErrorKind, text_of_path, text_of_reader};

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
        let input = self.config.limits.read_input(source, text)?;
        self.load_input(source, input)
    }

    /// Reads a whole stream and loads it as [`load_str`](Cluster::load_str) does.
    ///
    /// # Errors
    ///
    /// [`LoadErrorKind::Io`] if the stream fails or is not UTF-8, otherwise as
    /// [`load_str`](Cluster::load_str).
    pub fn load_reader(
        &mut self,
        source: &str,
        reader: impl Read,
    ) -> Result<LoadSummary, LoadError> {
        self.load_str(source, &text_of_reader(source, reader)?)
    }

    /// Reads a file and loads it as [`load_str`](Cluster::load_str) does.
    ///
    /// # Errors
    ///
    /// [`LoadErrorKind::Io`] if the file cannot be read, otherwise as
    /// [`load_str`](Cluster::load_str).
    pub fn load_path(&mut self, path: impl AsRef<Path>) -> Result<LoadSummary, LoadError> {
        let (source, text) = text_of_path(path.as_ref())?;
        self.load_str(&source, &text)
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
                    let mut stack = vec![doc.object];
                    while let Some(object) = stack.pop() {
                        if let Object::List(items) = object {
                            stack.extend(items.into_iter().rev());
                            continue;
                        }
                        let applied = self
                            .upsert(object)
                            .map_err(|e| load_error(source, doc.index, e))?;
                        summary.count(doc.index, applied);
                    }
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
