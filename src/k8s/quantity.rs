//! `resource.Quantity`: `500m`, `2`, `1.5Gi`, `128974848`, `129e6`, as requests and allocatable
//! write CPU, memory and pod counts.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use crate::error::{Error, ErrorKind};

const NANO: i128 = 1_000_000_000;
/// The largest magnitude kept, in nano-units: `i64::MAX` whole units (what `Value()` saturates
/// at).
const MAX_NANOS: i128 = i64::MAX as i128 * NANO;

/// A resource quantity, kept as written and as a number of nano-units (rounded up, as
/// Kubernetes rounds a quantity finer than a nano-unit).
///
/// Reads Kubernetes' grammar: an optionally signed decimal number followed by a binary suffix
/// (`Ki` … `Ei`), a decimal suffix (`n`, `u`, `m`, `k`, `M` … `E`) or an exponent (`e3`,
/// `E-2`). JSON and YAML numbers are read as their decimal text. Magnitudes beyond `i64::MAX`
/// units saturate, as `Quantity.Value()` does.
///
/// ```
/// use label_selector::k8s::Quantity;
///
/// let cpu: Quantity = "250m".parse()?;
/// assert_eq!(cpu.milli_value(), 250);
/// let mem: Quantity = "1.5Gi".parse()?;
/// assert_eq!(mem.value(), 1_610_612_736);
/// assert_eq!("1e3".parse::<Quantity>()?.value(), 1000);
/// assert_eq!("0.1m".parse::<Quantity>()?.milli_value(), 1); // rounded up
/// assert!("1.5.5".parse::<Quantity>().is_err());
/// # Ok::<(), label_selector::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Quantity {
    text: Box<str>,
    nanos: i128,
}

impl Quantity {
    /// The quantity as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whole units, rounded up in magnitude (`Quantity.Value()`): bytes of memory, pods, cores.
    pub fn value(&self) -> i64 {
        div_away_from_zero(self.nanos, NANO)
    }

    /// Thousandths of a unit, rounded up in magnitude (`Quantity.MilliValue()`): millicores of
    /// CPU.
    pub fn milli_value(&self) -> i64 {
        div_away_from_zero(self.nanos, 1_000_000)
    }

    /// Whether the quantity is zero.
    pub fn is_zero(&self) -> bool {
        self.nanos == 0
    }

    /// Parses a quantity.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::QuantityInvalid`] with the text as input.
    pub fn parse(text: &str) -> Result<Quantity, Error> {
        let invalid = || Error::new(ErrorKind::QuantityInvalid, 0..text.len(), text);
        let nanos = parse_nanos(text).ok_or_else(invalid)?;
        Ok(Quantity {
            text: text.into(),
            nanos,
        })
    }
}

/// `n / d` rounded away from zero, as Kubernetes' `int64Amount.AsScaledInt64` rounds (`-1.5`
/// is `-2` whole units), saturated to `i64`.
fn div_away_from_zero(n: i128, d: i128) -> i64 {
    let q = n / d + i128::from(n % d != 0) * n.signum();
    q.clamp(i64::MIN as i128, i64::MAX as i128) as i64
}

/// The value in nano-units, rounded up in magnitude.
fn parse_nanos(text: &str) -> Option<i128> {
    let b = text.as_bytes();
    let (negative, mut i) = match b.first()? {
        b'-' => (true, 1),
        b'+' => (false, 1),
        _ => (false, 0),
    };
    // Digits with at most one '.', at least one digit. The first 30 significant digits are
    // kept; a later one is dropped (an integer digit still counts in the scale), and if any
    // dropped digit is not zero the kept part is rounded up once, at the end.
    let (mut mantissa, mut scale, mut digits, mut dot) = (0i128, 0i32, 0usize, false);
    let mut dropped = false;
    while i < b.len() {
        match b[i] {
            c @ b'0'..=b'9' => {
                digits += 1;
                if mantissa < 10i128.pow(30) {
                    mantissa = mantissa * 10 + i128::from(c - b'0');
                    if dot {
                        scale -= 1;
                    }
                } else {
                    if !dot {
                        scale = scale.saturating_add(1);
                    }
                    dropped |= c != b'0';
                }
            }
            b'.' if !dot => dot = true,
            _ => break,
        }
        i += 1;
    }
    if digits == 0 {
        return None;
    }
    let suffix = &text[i..];
    // (power of ten, power of two)
    let (ten, two): (i32, u32) = match suffix {
        "" => (0, 0),
        "n" => (-9, 0),
        "u" => (-6, 0),
        "m" => (-3, 0),
        "k" => (3, 0),
        "M" => (6, 0),
        "G" => (9, 0),
        "T" => (12, 0),
        "P" => (15, 0),
        "E" => (18, 0),
        "Ki" => (0, 10),
        "Mi" => (0, 20),
        "Gi" => (0, 30),
        "Ti" => (0, 40),
        "Pi" => (0, 50),
        "Ei" => (0, 60),
        s if s.starts_with(['e', 'E']) => {
            let exp = &s[1..];
            let body = exp.strip_prefix(['+', '-']).unwrap_or(exp);
            if body.is_empty() || !body.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            let e: i64 = exp.parse().ok()?;
            (e.clamp(-1000, 1000) as i32, 0)
        }
        _ => return None,
    };
    let magnitude = scaled(
        mantissa + i128::from(dropped),
        scale.saturating_add(ten + 9),
        two,
    );
    Some(if negative { -magnitude } else { magnitude })
}

/// `mantissa × 10^ten × 2^two`, rounded up, saturated at [`MAX_NANOS`].
fn scaled(mantissa: i128, ten: i32, two: u32) -> i128 {
    if mantissa == 0 {
        return 0;
    }
    let mut v = mantissa;
    if ten >= 0 {
        for _ in 0..ten {
            v = v.saturating_mul(10);
            if v > MAX_NANOS {
                return MAX_NANOS;
            }
        }
    } else {
        let mut rounded_up = false;
        for _ in 0..(-ten) {
            if v % 10 != 0 {
                rounded_up = true;
            }
            v /= 10;
            if v == 0 {
                break;
            }
        }
        if rounded_up {
            v += 1;
        }
    }
    v.checked_shl(two)
        .filter(|x| *x <= MAX_NANOS && (*x >> two) == v)
        .unwrap_or(MAX_NANOS)
}

impl std::str::FromStr for Quantity {
    type Err = Error;

    fn from_str(s: &str) -> Result<Quantity, Error> {
        Quantity::parse(s)
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Serialize for Quantity {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for Quantity {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Quantity, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Quantity;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a quantity such as 500m, 2 or 1Gi")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Quantity, E> {
                Quantity::parse(v).map_err(|e| e.into_serde(""))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Quantity, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Quantity, E> {
                self.visit_str(&v.to_string())
            }
            /// `null`: the zero quantity, as Kubernetes reads it.
            fn visit_unit<E: de::Error>(self) -> Result<Quantity, E> {
                self.visit_str("0")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Quantity, E> {
                if !v.is_finite() {
                    return Err(E::custom("a quantity must be a finite number"));
                }
                self.visit_str(&v.to_string())
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units() {
        let q = |s: &str| Quantity::parse(s).unwrap();
        assert_eq!(q("2").milli_value(), 2000);
        assert_eq!(q("100m").milli_value(), 100);
        assert_eq!(q("0.5").milli_value(), 500);
        assert_eq!(q("1Ki").value(), 1024);
        assert_eq!(q("128974848").value(), 128_974_848);
        assert_eq!(q("129e6").value(), 129_000_000);
        assert_eq!(q("123Mi").value(), 128_974_848);
        assert_eq!(q("1.5k").value(), 1500);
        assert_eq!(q("1n").milli_value(), 1);
        assert_eq!(q("1n").value(), 1);
        assert_eq!(q("0").value(), 0);
        assert_eq!(q("+3").value(), 3);
        assert_eq!(q("-1").value(), -1);
        assert_eq!(q("1E2").value(), 100);
        assert_eq!(q("1e-3").milli_value(), 1);
        assert_eq!(q("5.").value(), 5);
        assert_eq!(q(".5").milli_value(), 500);
        assert_eq!(q("99999999999999999999999999999999999Ei").value(), i64::MAX);
        assert_eq!(q("1e1000").value(), i64::MAX);
        for bad in [
            "", "m", "1.2.3", "1x", "1Gb", "1e", "1e+", "Ki", "1 ", " 1", "1KiB", "--1",
        ] {
            let e = Quantity::parse(bad).unwrap_err();
            assert_eq!(e.kind(), &ErrorKind::QuantityInvalid, "{bad:?}");
        }
    }

    #[test]
    fn message_is_kubernetes() {
        let e = Quantity::parse("1.5.5").unwrap_err();
        assert_eq!(
            e.message(),
            "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
        );
    }

    #[test]
    fn numbers_read() {
        let q: Quantity = serde_json::from_str("2").unwrap();
        assert_eq!(q.milli_value(), 2000);
        let q: Quantity = serde_json::from_str("0.25").unwrap();
        assert_eq!(q.milli_value(), 250);
        assert_eq!(serde_json::to_string(&q).unwrap(), "\"0.25\"");
    }
}
