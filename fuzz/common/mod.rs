//! What the differential targets share: the pools their inputs are drawn from, a reader of the
//! fuzzer's bytes, and the selector generator.

use label_selector::{Operator, Requirement, Selector};

pub const NAMESPACES: &[&str] = &["", "a", "b"];
pub const KEYS: &[&str] = &["app", "env", "x.io/n", "cores", "abcdefghi", "abcdefghj"];
/// Valid label values, so valid in selectors too.
pub const VALUES: &[&str] = &[
    "",
    "web",
    "db",
    "1",
    "007",
    "42",
    "9223372036854775807",
    "abcdefgh1",
];
/// Thresholds of `>` and `<`; `041` checks that the text is kept as written.
pub const THRESHOLDS: &[&str] = &["0", "7", "41", "041", "9223372036854775806"];
pub const OPS: &[Operator] = &[
    Operator::Equals,
    Operator::DoubleEquals,
    Operator::NotEquals,
    Operator::In,
    Operator::NotIn,
    Operator::Exists,
    Operator::DoesNotExist,
    Operator::GreaterThan,
    Operator::LessThan,
];

/// The fuzzer's input, read a byte at a time; `None` once it is used up.
pub struct Bytes<'a>(pub &'a [u8]);

impl Bytes<'_> {
    pub fn next(&mut self) -> Option<usize> {
        let (&b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(usize::from(b))
    }

    pub fn pick<'p, T>(&mut self, pool: &'p [T]) -> Option<&'p T> {
        Some(&pool[self.next()? % pool.len()])
    }
}

/// A selector: `nothing`, `everything`, or 1-4 requirements of any operator over the pools.
pub fn selector(b: &mut Bytes<'_>) -> Option<Selector> {
    match b.next()? % 16 {
        0 => return Some(Selector::nothing()),
        1 => return Some(Selector::everything()),
        _ => {}
    }
    let n = 1 + b.next()? % 4;
    let mut reqs = Vec::new();
    for _ in 0..n {
        let key = *b.pick(KEYS)?;
        let op = *b.pick(OPS)?;
        let values: Vec<&str> = match op {
            Operator::Exists | Operator::DoesNotExist => vec![],
            Operator::GreaterThan | Operator::LessThan => vec![*b.pick(THRESHOLDS)?],
            Operator::In | Operator::NotIn => {
                let m = 1 + b.next()? % 3;
                (0..m)
                    .map(|_| b.pick(VALUES).copied())
                    .collect::<Option<_>>()?
            }
            _ => vec![*b.pick(VALUES)?],
        };
        reqs.push(Requirement::new(key, op, values).expect("pool requirements are valid"));
    }
    Some(Selector::from_requirements(reqs))
}
