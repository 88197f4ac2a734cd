//! Repeated keys in JSON objects. Kubernetes (and kubectl) read a repeated key as the last one
//! written; serde's derived models refuse it. The readers parse at full speed first and, only
//! when a document fails, look for repeated keys here: each overridden member is blanked out
//! (its bytes become spaces, its line breaks stay, so every position in the text is unchanged)
//! and the document is read again. In strict mode the first repeated key is the error.

use std::ops::Range;

/// A member that a later member of the same object overrides.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Overridden {
    /// The overridden member, from its key's opening quote through the comma after its value.
    pub(crate) member: Range<usize>,
    /// The offset of the later key that overrides it.
    pub(crate) later: usize,
    /// The key, decoded.
    pub(crate) key: String,
    /// The top-level value (document) it is in, from 1.
    pub(crate) document: usize,
}

struct Member {
    key: Range<usize>,
    start: usize,
    end: usize,
}

struct Frame {
    object: bool,
    /// In an object: the next string is a key.
    want_key: bool,
    current: Option<(Range<usize>, usize)>,
    members: Vec<Member>,
}

/// Every overridden member of every object in `text` (any number of JSON values, in order of
/// the overridden member). Only well-formed text is scanned: in malformed text the scanner
/// could take a string for a key and blank what is not a member (the `read_objects` fuzz
/// target found a broken List read "successfully" that way); nothing is found there, and the
/// parser reports the syntax.
pub(crate) fn overridden_members(text: &[u8]) -> Vec<Overridden> {
    if !well_formed(text) {
        return Vec::new();
    }
    scan(text)
}

/// Whether `text` is a sequence of well-formed JSON values (serde_json skips them without
/// recursing, so deep nesting is no limit here).
fn well_formed(text: &[u8]) -> bool {
    serde_json::Deserializer::from_slice(text)
        .into_iter::<serde::de::IgnoredAny>()
        .all(|r| r.is_ok())
}

fn scan(text: &[u8]) -> Vec<Overridden> {
    let mut out = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut document = 0;
    let mut i = 0;
    while i < text.len() {
        match text[i] {
            b'"' => {
                let Some(end) = string_end(text, i) else {
                    break;
                };
                if let Some(f) = stack.last_mut()
                    && f.object
                    && f.want_key
                {
                    f.current = Some((i..end, i));
                    f.want_key = false;
                }
                i = end;
                continue;
            }
            c @ (b'{' | b'[') => {
                if stack.is_empty() {
                    document += 1;
                }
                stack.push(Frame {
                    object: c == b'{',
                    want_key: c == b'{',
                    current: None,
                    members: Vec::new(),
                });
            }
            b',' => {
                if let Some(f) = stack.last_mut()
                    && f.object
                {
                    if let Some((key, start)) = f.current.take() {
                        f.members.push(Member {
                            key,
                            start,
                            end: i + 1,
                        });
                    }
                    f.want_key = true;
                }
            }
            b'}' | b']' => {
                let Some(mut f) = stack.pop() else { break };
                if let Some((key, start)) = f.current.take() {
                    f.members.push(Member { key, start, end: i });
                }
                if f.members.len() > 1 {
                    collect(text, &f.members, document, &mut out);
                }
            }
            _ => {}
        }
        i += 1;
    }
    out.sort_by_key(|o| o.member.start);
    out
}

/// The offset just past the string that opens at `start`, if it closes.
fn string_end(text: &[u8], start: usize) -> Option<usize> {
    let mut j = start + 1;
    while j < text.len() {
        match text[j] {
            b'"' => return Some(j + 1),
            b'\\' => j += 2,
            _ => j += 1,
        }
    }
    None
}

/// A key's text, with its escapes decoded when it has any.
fn key_text(text: &[u8], key: &Range<usize>) -> String {
    let raw = &text[key.clone()];
    if raw.contains(&b'\\')
        && let Ok(s) = serde_json::from_slice::<String>(raw)
    {
        return s;
    }
    String::from_utf8_lossy(&raw[1..raw.len().saturating_sub(1)]).into_owned()
}

fn collect(text: &[u8], members: &[Member], document: usize, out: &mut Vec<Overridden>) {
    let mut keyed: Vec<(String, usize)> = members
        .iter()
        .enumerate()
        .map(|(n, m)| (key_text(text, &m.key), n))
        .collect();
    keyed.sort();
    for pair in keyed.windows(2) {
        let ((a, earlier), (b, later)) = (&pair[0], &pair[1]);
        if a == b {
            let m = &members[*earlier];
            out.push(Overridden {
                member: m.start..m.end,
                later: members[*later].key.start,
                key: a.to_string(),
                document,
            });
        }
    }
}

/// `text` with each overridden member turned into spaces (line breaks kept).
pub(crate) fn blank(text: &[u8], overridden: &[Overridden]) -> Vec<u8> {
    let mut out = text.to_vec();
    for o in overridden {
        for b in &mut out[o.member.clone()] {
            if *b != b'\n' && *b != b'\r' {
                *b = b' ';
            }
        }
    }
    out
}

/// The line and column (from 1, the column in bytes) of `offset` in `text`.
pub(crate) fn line_column(text: &[u8], offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = memchr::memchr_iter(b'\n', before).count() + 1;
    let start = memchr::memrchr(b'\n', before).map_or(0, |p| p + 1);
    (line, offset - start + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blanked(s: &str) -> String {
        String::from_utf8(blank(s.as_bytes(), &overridden_members(s.as_bytes()))).unwrap()
    }

    #[test]
    fn the_last_member_wins_and_positions_stay() {
        let s = r#"{"name": "a", "x": {"k": 1, "k": [2, {"k": 3}]}, "name": "b"}"#;
        let out = blanked(s);
        assert_eq!(out.len(), s.len());
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"name": "b", "x": {"k": [2, {"k": 3}]}})
        );
        let want = format!(
            "{{{}{}{}{}",
            " ".repeat(12),
            r#" "x": {"#,
            " ".repeat(7),
            r#" "k": [2, {"k": 3}]}, "name": "b"}"#
        );
        assert_eq!(out, want);
    }

    #[test]
    fn escaped_keys_compare_decoded_and_strings_hide_braces() {
        let s = "{\"a\\u0062\": \"}{,\\\"\",\n \"ab\": 2}";
        let found = overridden_members(s.as_bytes());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].key, "ab");
        assert_eq!(line_column(s.as_bytes(), found[0].later), (2, 2));
        let out = blanked(s);
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&out).unwrap(),
            serde_json::json!({"ab": 2})
        );
    }

    #[test]
    fn three_of_a_kind_and_malformed_text() {
        let s = r#"{"a": 1, "a": 2, "a": 3} {"b": 1, "b": 2}"#;
        let found = overridden_members(s.as_bytes());
        assert_eq!(
            found.iter().map(|o| o.member.start).collect::<Vec<_>>(),
            [1, 9, 26]
        );
        // Malformed text is not scanned at all (its scanner could take a string for a key):
        // not even the well-formed values before the fault.
        let cut = r#"{"a": 1, "a": 2, "a": 3} {"b": 1, "b""#;
        assert!(overridden_members(cut.as_bytes()).is_empty());
        assert_eq!(scan(cut.as_bytes()).len(), 2);
        assert!(overridden_members(b"{\"a\": \"unterminated").is_empty());
        assert!(overridden_members(b"}}]]").is_empty());
    }
}
