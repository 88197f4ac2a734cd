//! Readers: kubectl's JSON and YAML (one object, `List`s, streams) and watch-event streams into
//! [`Object`](crate::k8s::Object)s, with errors that name the source, the document, the line and
//! column, and the object.
//!
//! - [`read_str`], [`read_reader`] and [`read_path`] (and [`ReadLimits`] for untrusted input)
//!   read kubectl's JSON (`-o json`, one object or a `List`), JSON streams and multi-document
//!   YAML.
//! - A [`LoadError`] names the place and carries the typed [`Error`](crate::Error) behind a bad
//!   label, name or selector as its [`source`](std::error::Error::source).

mod dups;
mod error;
#[cfg(feature = "k8s-openapi")]
mod openapi;
mod read;
mod stream;

pub use error::{LoadError, LoadErrorKind};
#[cfg(feature = "k8s-openapi")]
pub use openapi::object_from_resource;
pub use read::{
    Document, DuplicateKeys, EventDocument, Input, ReadLimits, is_watch_stream, read_input,
    read_path, read_reader, read_str, read_text, read_watch_str,
};
pub(crate) use read::{is_json, text_of_reader};
pub(crate) use stream::{Item, is_streamed_twice, read_json_stream};
