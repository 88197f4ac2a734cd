//! Shared helpers: loading the data corpus, naming error kinds, building label maps.

use std::collections::BTreeMap;
use std::path::PathBuf;

use label_selector::{Error, LabelSet};
use serde_json::Value;

/// Reads `tests/data/NAME` as JSON.
#[track_caller]
pub(crate) fn data(name: &str) -> Value {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests", "data", name]
        .iter()
        .collect();
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parsing {}: {e}", path.display()))
}

/// The variant name of an error's kind (`"Expected"`, `"KeyNameInvalid"`, ...).
pub(crate) fn kind_name(err: &Error) -> String {
    let debug = format!("{:?}", err.kind());
    debug
        .split(|c: char| !c.is_ascii_alphanumeric())
        .next()
        .unwrap_or_default()
        .to_string()
}

/// A JSON object of strings as a map.
#[track_caller]
pub(crate) fn map_of(v: &Value) -> BTreeMap<String, String> {
    v.as_object()
        .expect("a JSON object of labels")
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().expect("string value").to_string()))
        .collect()
}

/// The map as a `LabelSet`, when every key and value is valid.
pub(crate) fn set_of(map: &BTreeMap<String, String>) -> Option<LabelSet> {
    LabelSet::from_pairs(map).ok()
}

/// Checks an error against `{"kind", "message", "path"?, "span"?}`.
#[track_caller]
pub(crate) fn check_error(err: &Error, want: &Value, context: &str) {
    assert_eq!(
        kind_name(err),
        want["kind"].as_str().unwrap(),
        "{context}: kind of {err:?}"
    );
    assert_eq!(
        err.message(),
        want["message"].as_str().unwrap(),
        "{context}: message"
    );
    if let Some(path) = want.get("path") {
        assert_eq!(err.path(), path.as_str(), "{context}: path");
    }
    if let Some(span) = want.get("span") {
        let s = span.as_array().unwrap();
        let want = s[0].as_u64().unwrap() as usize..s[1].as_u64().unwrap() as usize;
        assert_eq!(err.span(), want, "{context}: span");
    }
}
