//! Kubernetes timestamps (`metav1.Time`, RFC 3339 in UTC).

/// Seconds since the Unix epoch of an RFC 3339 timestamp,
/// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, as `metav1.Time` writes them; `None` if it is
/// not one.
///
/// What Go's `time.Parse(time.RFC3339, s)` accepts (`metav1.Time` reads JSON with it): an
/// uppercase `T` and `Z`, a day that exists in its month, seconds up to 59, offsets up to
/// ±23:59, a fraction of at least one digit (dropped: the answer is in whole seconds). Go's
/// fallback layout parser also takes a few forms the API server never writes (a one-digit
/// hour, `,` before the fraction, offsets of 24 hours or 60 minutes); those are refused here.
///
/// ```
/// use label_selector::k8s::parse_timestamp;
///
/// assert_eq!(parse_timestamp("1970-01-02T00:00:00Z"), Some(86_400));
/// assert_eq!(parse_timestamp("2026-03-01T12:00:00.5+01:00"), Some(1_772_362_800));
/// assert_eq!(parse_timestamp("yesterday"), None);
/// ```
pub fn parse_timestamp(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let num = |r: std::ops::Range<usize>| digits(s, r);
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || sec > 59
    {
        return None;
    }
    let mut rest = &s[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        rest = &frac[digits..];
    }
    let offset = match rest {
        "Z" => 0,
        _ => {
            let sign = match rest.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            if rest.len() != 6 || rest.as_bytes()[3] != b':' {
                return None;
            }
            let oh = digits(rest, 1..3)?;
            let om = digits(rest, 4..6)?;
            if oh > 23 || om > 59 {
                return None;
            }
            sign * (oh * 3600 + om * 60)
        }
    };
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if mo <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (mo + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + h * 3600 + mi * 60 + sec - offset)
}

/// The days of month `mo` (1–12) of year `y` in the proleptic Gregorian calendar.
fn days_in_month(y: i64, mo: i64) -> i64 {
    match mo {
        2 if y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The decimal number written with ASCII digits only in `s[r]`.
fn digits(s: &str, r: std::ops::Range<usize>) -> Option<i64> {
    let t = s.get(r)?;
    t.bytes()
        .all(|c| c.is_ascii_digit())
        .then(|| t.parse::<i64>().ok())?
}
