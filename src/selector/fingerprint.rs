//! Eight-byte fingerprints of short strings, to compare labels without calling `memcmp`.
//!
//! The fingerprint is the first eight bytes, big-endian, zero-padded. For strings without NUL
//! bytes (every valid label key and value) it preserves byte order: `fp(a) < fp(b)` implies
//! `a < b`. Two strings of at most eight bytes are equal exactly when their lengths and
//! fingerprints are.

use std::cmp::Ordering;

/// The fingerprint of `s`.
#[inline]
pub(crate) fn fp(s: &str) -> u64 {
    let b = s.as_bytes();
    match b.first_chunk::<8>() {
        Some(head) => u64::from_be_bytes(*head),
        // Shift the bytes in rather than copying them into a buffer and loading it: a
        // variable-length copy followed by a wide load stalls store forwarding.
        None => b
            .iter()
            .enumerate()
            .fold(0, |acc, (i, &c)| acc | (u64::from(c) << (56 - 8 * i))),
    }
}

/// Equality of two strings given their fingerprints.
#[inline]
pub(crate) fn eq(a: &str, a_fp: u64, b: &str, b_fp: u64) -> bool {
    a_fp == b_fp && a.len() == b.len() && (a.len() <= 8 || a.as_bytes()[8..] == b.as_bytes()[8..])
}

/// Byte order of two strings given their fingerprints: the fingerprints decide unless they tie;
/// a tie between two strings of at most eight bytes is settled by their lengths, and only
/// longer strings are compared byte by byte.
#[inline]
pub(crate) fn cmp(a: &str, a_fp: u64, b: &str, b_fp: u64) -> Ordering {
    match a_fp.cmp(&b_fp) {
        Ordering::Equal if a.len() <= 8 && b.len() <= 8 => a.len().cmp(&b.len()),
        Ordering::Equal => a.cmp(b),
        order => order,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_keep_byte_order_and_equality() {
        let words = [
            "",
            "B",
            "a",
            "a-b",
            "a.b",
            "a/b",
            "ab",
            "abcdefgh",
            "abcdefgh0",
            "abcdefghi",
            "b",
            "in",
            "notin",
            "zzzzzzzzzzzz",
            "app.kubernetes.io/",
            "app.kubernetes.io/instance",
            "app.kubernetes.io/nam",
            "app.kubernetes.io/name",
            "app.kubernetes.io/name\0",
            "app.kubernetes.io/name\0\0\0\0\0\0\0\0x",
            "app.kubernetes.io/namf",
            "app.kubernetes.io0name",
            "app.kubernetes",
            "app.kubernetes\0",
            "abcdefgh\0",
            "abcdefgh\0\u{1}",
            "abcdefghabcdefgh",
            "abcdefghabcdefgh\u{7f}",
            "abcdefghabcdefg\u{80}",
        ];
        for x in words {
            for y in words {
                let (fx, fy) = (fp(x), fp(y));
                if fx < fy {
                    assert!(x < y, "{x:?} {y:?}");
                }
                assert_eq!(eq(x, fx, y, fy), x == y, "{x:?} {y:?}");
                assert_eq!(cmp(x, fx, y, fy), x.cmp(y), "{x:?} {y:?}");
            }
        }
    }

    proptest::proptest! {
        /// Strings over a few bytes (NUL among them) with long shared prefixes: every word
        /// boundary and every padding case of `cmp` and `eq` against `str`'s own order.
        #[test]
        fn fingerprints_agree_with_str_order(
            prefix in "(app\\.kubernetes\\.io/)?(abcdefgh){0,2}",
            x in "[a\\x00b\\x7f\\u{80}/]{0,20}",
            y in "[a\\x00b\\x7f\\u{80}/]{0,20}",
        ) {
            let (x, y) = (format!("{prefix}{x}"), format!("{prefix}{y}"));
            let (fx, fy) = (fp(&x), fp(&y));
            proptest::prop_assert_eq!(eq(&x, fx, &y, fy), x == y);
            proptest::prop_assert_eq!(cmp(&x, fx, &y, fy), x.cmp(&y));
            proptest::prop_assert_eq!(cmp(&y, fy, &x, fx), y.cmp(&x));
            proptest::prop_assert_eq!(cmp(&x, fx, &x, fx), std::cmp::Ordering::Equal);
        }
    }
}
