//! Eight-byte fingerprints of short strings, to compare labels without calling `memcmp`.
//!
//! The fingerprint is the first eight bytes, big-endian, zero-padded. For strings without NUL
//! bytes (every valid label key and value) it preserves byte order: `fp(a) < fp(b)` implies
//! `a < b`. Two strings of at most eight bytes are equal exactly when their lengths and
//! fingerprints are.
//!
//! Keys often share more than eight bytes (`app.kubernetes.io/name`,
//! `app.kubernetes.io/instance`), so their fingerprints tie. The tail, a key's last eight
//! bytes, tells most of them apart without reading the strings; it keeps no order.

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

/// The tail of `s`: its last eight bytes, or 0 for strings of fewer than eight bytes (whose
/// fingerprint and length already decide equality).
#[inline]
pub(crate) fn tail(s: &str) -> u64 {
    s.as_bytes()
        .last_chunk::<8>()
        .map_or(0, |t| u64::from_le_bytes(*t))
}

/// Equality of two strings given their fingerprints and tails: the bytes are read only for
/// strings of more than sixteen bytes whose lengths, fingerprints and tails agree, and then
/// only the middle bytes neither covers.
#[inline]
pub(crate) fn eq_tail(a: &str, a_fp: u64, a_tail: u64, b: &str, b_fp: u64, b_tail: u64) -> bool {
    let n = a.len();
    a_fp == b_fp
        && a_tail == b_tail
        && n == b.len()
        && (n <= 16 || a.as_bytes()[8..n - 8] == b.as_bytes()[8..n - 8])
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
            "app.kubernetes.xx/instance",
            "app.kubernetes.io/iiinstance",
            "abcdefgh12345678",
            "abcdefgh22345678",
            "abcdefgh123456789",
            "abcdefgh023456789",
        ];
        for x in words {
            for y in words {
                let (fx, fy) = (fp(x), fp(y));
                if fx < fy {
                    assert!(x < y, "{x:?} {y:?}");
                }
                assert_eq!(eq(x, fx, y, fy), x == y, "{x:?} {y:?}");
                let (tx, ty) = (tail(x), tail(y));
                assert_eq!(eq_tail(x, fx, tx, y, fy, ty), x == y, "{x:?} {y:?}");
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
            let (tx, ty) = (tail(&x), tail(&y));
            proptest::prop_assert_eq!(eq_tail(&x, fx, tx, &y, fy, ty), x == y);
            proptest::prop_assert_eq!(eq_tail(&y, fy, ty, &x, fx, tx), x == y);
            proptest::prop_assert_eq!(cmp(&x, fx, &y, fy), x.cmp(&y));
            proptest::prop_assert_eq!(cmp(&y, fy, &x, fx), y.cmp(&x));
            proptest::prop_assert_eq!(cmp(&x, fx, &x, fx), std::cmp::Ordering::Equal);
        }

        /// Strings that share their first and last eight bytes and differ only between them:
        /// the bytes `eq_tail` has to read itself.
        #[test]
        fn tails_leave_the_middle_bytes_to_compare(
            x in "[ab/]{0,6}",
            y in "[ab/]{0,6}",
            end in "[ab]{8}",
        ) {
            let (x, y) = (format!("abcdefgh{x}{end}"), format!("abcdefgh{y}{end}"));
            let (fx, fy, tx, ty) = (fp(&x), fp(&y), tail(&x), tail(&y));
            proptest::prop_assert_eq!((fx, tx), (fy, ty));
            proptest::prop_assert_eq!(eq_tail(&x, fx, tx, &y, fy, ty), x == y);
        }
    }
}
