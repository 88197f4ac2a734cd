//! Label key and value validation, exactly as Kubernetes' `IsLabelKey` / `IsLabelValue`.

use std::ops::Range;

use crate::error::{Error, ErrorKind};

/// The longest label key prefix (a DNS-1123 subdomain), in bytes.
pub const MAX_PREFIX_LEN: usize = 253;
/// The longest label key name and the longest label value, in bytes.
pub const MAX_NAME_LEN: usize = 63;

/// A fault inside one field: the kind and the byte span within that field.
pub(crate) type Fault = (ErrorKind, Range<usize>);

/// The span of the char starting at byte `i` of `s`.
fn char_span(s: &str, i: usize) -> Range<usize> {
    let len = s[i..].chars().next().map_or(0, char::len_utf8);
    i..i + len
}

/// The char boundary at or before byte `i` of `s`: where a "too long" span starts, so that it
/// never splits a multi-byte character.
fn boundary_before(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Checks `[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?` over a non-empty `s`; returns the span of
/// the first offending char.
fn check_name_chars(s: &str) -> Result<(), Range<usize>> {
    let b = s.as_bytes();
    if let Some(i) = b
        .iter()
        .position(|&c| !(c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.')))
    {
        return Err(char_span(s, i));
    }
    if !b[0].is_ascii_alphanumeric() {
        return Err(0..1);
    }
    if !b[b.len() - 1].is_ascii_alphanumeric() {
        return Err(b.len() - 1..b.len());
    }
    Ok(())
}

/// Checks a lowercase DNS-1123 subdomain: labels of `[a-z0-9]` with `-` inside, joined by single
/// dots. Label lengths are not checked (Kubernetes does not either).
fn check_subdomain(s: &str) -> Result<(), Range<usize>> {
    let b = s.as_bytes();
    if let Some(i) = b
        .iter()
        .position(|&c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, b'-' | b'.')))
    {
        return Err(char_span(s, i));
    }
    let mut start = 0;
    for label in s.split('.') {
        let end = start + label.len();
        if label.is_empty() {
            // `..`, or a leading / trailing dot: point at the dot.
            let at = if start < b.len() { start } else { start - 1 };
            return Err(at..at + 1);
        }
        if label.starts_with('-') {
            return Err(start..start + 1);
        }
        if label.ends_with('-') {
            return Err(end - 1..end);
        }
        start = end + 1;
    }
    Ok(())
}

pub(crate) fn key_fault(key: &str) -> Result<(), Fault> {
    let mut slashes = key.match_indices('/').map(|(i, _)| i);
    let (name_start, prefix) = match (slashes.next(), slashes.next()) {
        (None, _) => (0, None),
        (Some(p), None) => (p + 1, Some(&key[..p])),
        (Some(_), Some(second)) => {
            return Err((ErrorKind::KeyTooManySlashes, second..second + 1));
        }
    };
    if let Some(prefix) = prefix {
        let p = prefix.len();
        if prefix.is_empty() {
            return Err((ErrorKind::KeyPrefixEmpty, 0..1));
        }
        if p > MAX_PREFIX_LEN {
            let start = boundary_before(key, MAX_PREFIX_LEN);
            return Err((ErrorKind::KeyPrefixTooLong { len: p }, start..p));
        }
        check_subdomain(prefix).map_err(|span| (ErrorKind::KeyPrefixInvalid, span))?;
    }
    let name = &key[name_start..];
    if name.is_empty() {
        return Err((ErrorKind::KeyNameEmpty, key.len()..key.len()));
    }
    if name.len() > MAX_NAME_LEN {
        return Err((
            ErrorKind::KeyNameTooLong { len: name.len() },
            boundary_before(key, name_start + MAX_NAME_LEN)..key.len(),
        ));
    }
    check_name_chars(name).map_err(|span| {
        (
            ErrorKind::KeyNameInvalid,
            span.start + name_start..span.end + name_start,
        )
    })
}

pub(crate) fn value_fault(value: &str) -> Result<(), Fault> {
    if value.is_empty() {
        return Ok(());
    }
    if value.len() > MAX_NAME_LEN {
        return Err((
            ErrorKind::ValueTooLong { len: value.len() },
            boundary_before(value, MAX_NAME_LEN)..value.len(),
        ));
    }
    check_name_chars(value).map_err(|span| (ErrorKind::ValueInvalid, span))
}

/// Checks a label key as Kubernetes does (`IsLabelKey`): an optional prefix that is a lowercase
/// DNS-1123 subdomain of at most 253 bytes, a `/`, and a name of 1 to 63 bytes matching
/// `[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?`.
///
/// # Errors
///
/// The error's input is the key and its span the faulty part: `""`
/// ([`KeyNameEmpty`](ErrorKind::KeyNameEmpty)), `"a/b/c"`
/// ([`KeyTooManySlashes`](ErrorKind::KeyTooManySlashes)), `"/a"`
/// ([`KeyPrefixEmpty`](ErrorKind::KeyPrefixEmpty)), `"Example.com/a"`
/// ([`KeyPrefixInvalid`](ErrorKind::KeyPrefixInvalid)), `"a-"`
/// ([`KeyNameInvalid`](ErrorKind::KeyNameInvalid)), a 64-byte name
/// ([`KeyNameTooLong`](ErrorKind::KeyNameTooLong)), a 254-byte prefix
/// ([`KeyPrefixTooLong`](ErrorKind::KeyPrefixTooLong)).
///
/// # Examples
///
/// ```
/// use label_selector::{validate_label_key, ErrorKind};
///
/// assert!(validate_label_key("app.kubernetes.io/name").is_ok());
/// assert!(validate_label_key("a__B").is_ok());
/// let err = validate_label_key("example.com/-web").unwrap_err();
/// assert_eq!(err.kind(), &ErrorKind::KeyNameInvalid);
/// assert_eq!(err.span(), 12..13);
/// ```
pub fn validate_label_key(key: &str) -> Result<(), Error> {
    key_fault(key).map_err(|(kind, span)| Error::new(kind, span, key))
}

/// Checks a label value as Kubernetes does (`IsValidLabelValue`): empty, or 1 to 63 bytes
/// matching `[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?`.
///
/// # Errors
///
/// [`ValueTooLong`](ErrorKind::ValueTooLong) for 64 bytes or more,
/// [`ValueInvalid`](ErrorKind::ValueInvalid) for `"-a"`, `"a b"`, `"a\n"`, `"é"`.
///
/// # Examples
///
/// ```
/// use label_selector::{validate_label_value, ErrorKind};
///
/// assert!(validate_label_value("").is_ok());
/// assert!(validate_label_value("v1.2_3-rc").is_ok());
/// let err = validate_label_value("web!").unwrap_err();
/// assert_eq!(err.kind(), &ErrorKind::ValueInvalid);
/// assert_eq!(err.span(), 3..4);
/// ```
pub fn validate_label_value(value: &str) -> Result<(), Error> {
    value_fault(value).map_err(|(kind, span)| Error::new(kind, span, value))
}

/// Checks a namespace name: empty (cluster-scoped) or a DNS label (RFC 1123): at most 63 bytes
/// of `[a-z0-9-]`, starting and ending alphanumeric.
///
/// # Errors
///
/// [`ErrorKind::NamespaceInvalid`] pointing at the first bad byte (`"Shop"`, `"-a"`).
///
/// ```
/// use label_selector::validate_namespace;
///
/// assert!(validate_namespace("kube-system").is_ok());
/// assert_eq!(validate_namespace("shop_1").unwrap_err().span(), 4..5);
/// ```
pub fn validate_namespace(ns: &str) -> Result<(), Error> {
    check_namespace(ns)
}

/// A namespace must be empty or a DNS label (RFC 1123).
pub(crate) fn check_namespace(ns: &str) -> Result<(), Error> {
    let b = ns.as_bytes();
    if b.is_empty() {
        return Ok(());
    }
    if b.len() > 63 {
        return Err(Error::new(ErrorKind::NamespaceInvalid, 63..b.len(), ns));
    }
    for (i, &c) in b.iter().enumerate() {
        let edge = i == 0 || i == b.len() - 1;
        let ok = c.is_ascii_lowercase() || c.is_ascii_digit() || (c == b'-' && !edge);
        if !ok {
            // The first non-ASCII byte fails, so `i` starts a character; span all of it.
            let end = (i + 1..=b.len())
                .find(|&e| ns.is_char_boundary(e))
                .unwrap_or(b.len());
            return Err(Error::new(ErrorKind::NamespaceInvalid, i..end, ns));
        }
    }
    Ok(())
}

/// Kubernetes' path-segment rule for object names, plus a length bound.
pub(crate) fn check_name(name: &str) -> Result<(), Error> {
    let err = |span| Err(Error::new(ErrorKind::NameInvalid, span, name));
    if name.is_empty() || name == "." || name == ".." {
        return err(0..name.len());
    }
    if name.len() > 253 {
        let start = (0..=253)
            .rev()
            .find(|&i| name.is_char_boundary(i))
            .unwrap_or(0);
        return err(start..name.len());
    }
    if let Some((i, c)) = name
        .char_indices()
        .find(|&(_, c)| c == '/' || c == '%' || c.is_control())
    {
        return err(i..i + c.len_utf8());
    }
    Ok(())
}
