//! A selector compiled to interned ids, and its evaluation against an object's labels.
//!
//! A compiled selector is a sequence of `u32` words ([`Words`]) holding predicates, one per requirement, in the
//! selector's order. Each predicate starts with a word holding the operator (high 4 bits) and
//! the key id (low 28 bits), followed by its arguments:
//!
//! | operator | arguments |
//! |---|---|
//! | `=`, `==`, `!=` | the `key=value` pair id |
//! | `in`, `notin` | the number of values, then their pair ids |
//! | exists, `!` | none |
//! | `>`, `<` | the threshold's low and high 32 bits, then the pair id of its text (`007`) |

use smallvec::SmallVec;

use crate::vocab::Operator;

/// Bits of a predicate's first word that hold the key id.
pub(super) const KEY_BITS: u32 = 28;
/// The largest key id a predicate can hold.
pub(super) const MAX_KEY: u32 = (1 << KEY_BITS) - 1;
/// An object label whose value no registered selector mentions.
pub(super) const NO_PAIR: u32 = u32::MAX;

/// Operator codes, in the high bits of a predicate's first word.
pub(super) mod op {
    pub(in crate::reverse) const EQ: u32 = 0;
    pub(in crate::reverse) const DEQ: u32 = 1;
    pub(in crate::reverse) const NE: u32 = 2;
    pub(in crate::reverse) const IN: u32 = 3;
    pub(in crate::reverse) const NOT_IN: u32 = 4;
    pub(in crate::reverse) const EXISTS: u32 = 5;
    pub(in crate::reverse) const NOT_EXISTS: u32 = 6;
    pub(in crate::reverse) const GT: u32 = 7;
    pub(in crate::reverse) const LT: u32 = 8;
}

/// The code of an operator.
pub(super) fn code(operator: Operator) -> u32 {
    match operator {
        Operator::Equals => op::EQ,
        Operator::DoubleEquals => op::DEQ,
        Operator::NotEquals => op::NE,
        Operator::In => op::IN,
        Operator::NotIn => op::NOT_IN,
        Operator::Exists => op::EXISTS,
        Operator::DoesNotExist => op::NOT_EXISTS,
        Operator::GreaterThan => op::GT,
        Operator::LessThan => op::LT,
    }
}

/// The operator of a code.
pub(super) fn operator(code: u32) -> Operator {
    match code {
        op::EQ => Operator::Equals,
        op::DEQ => Operator::DoubleEquals,
        op::NE => Operator::NotEquals,
        op::IN => Operator::In,
        op::NOT_IN => Operator::NotIn,
        op::EXISTS => Operator::Exists,
        op::NOT_EXISTS => Operator::DoesNotExist,
        op::GT => Operator::GreaterThan,
        _ => Operator::LessThan,
    }
}

/// One decoded predicate.
#[derive(Clone, Copy, Debug)]
pub(super) struct Pred<'a> {
    /// Where the predicate starts in the compiled words.
    pub(super) at: u32,
    pub(super) op: u32,
    pub(super) key: u32,
    /// The pair ids of the values (for `>` and `<`, of the threshold as written).
    pub(super) pairs: &'a [u32],
    /// The threshold of `>` and `<`; 0 otherwise.
    pub(super) threshold: i64,
}

impl Pred<'_> {
    /// Whether the predicate can only hold when its key is present (it can anchor a selector).
    pub(super) fn is_positive(&self) -> bool {
        !matches!(self.op, op::NE | op::NOT_IN | op::NOT_EXISTS)
    }

    /// Whether an object label (`None`: the key is absent) satisfies the predicate.
    #[inline]
    pub(super) fn holds(&self, label: Option<&ObjLabel>) -> bool {
        match (self.op, label) {
            (op::EQ | op::DEQ, Some(l)) => l.pair == self.pairs[0],
            (op::NE, Some(l)) => l.pair != self.pairs[0],
            (op::IN, Some(l)) => self.pairs.contains(&l.pair),
            (op::NOT_IN, Some(l)) => !self.pairs.contains(&l.pair),
            (op::EXISTS, Some(_)) | (op::NE | op::NOT_IN | op::NOT_EXISTS, None) => true,
            (op::GT, Some(l)) => l.number.is_some_and(|n| n > self.threshold),
            (op::LT, Some(l)) => l.number.is_some_and(|n| n < self.threshold),
            _ => false,
        }
    }
}

/// Appends one predicate to `words`.
pub(super) fn push(words: &mut Words, op: u32, key: u32, pairs: &[u32], threshold: i64) {
    debug_assert!(key <= MAX_KEY);
    words.push(op << KEY_BITS | key);
    match op {
        op::EQ | op::DEQ | op::NE => words.push(pairs[0]),
        op::IN | op::NOT_IN => {
            words.push(pairs.len() as u32);
            words.extend_from_slice(pairs);
        }
        op::GT | op::LT => {
            let t = threshold as u64;
            words.extend([t as u32, (t >> 32) as u32, pairs[0]]);
        }
        _ => {}
    }
}

/// Compiled words: inline up to six, which holds three equalities (a ReplicaSet's selector),
/// so checking a selector reads no memory beyond its slot.
pub(super) type Words = SmallVec<[u32; 6]>;

/// The predicates of compiled words.
pub(super) fn preds(words: &[u32]) -> Preds<'_> {
    Preds { words, at: 0 }
}

/// Iterator over compiled predicates.
#[derive(Clone, Debug)]
pub(super) struct Preds<'a> {
    words: &'a [u32],
    at: usize,
}

impl<'a> Iterator for Preds<'a> {
    type Item = Pred<'a>;

    #[inline]
    fn next(&mut self) -> Option<Pred<'a>> {
        let at = self.at;
        let head = *self.words.get(at)?;
        let (op, key) = (head >> KEY_BITS, head & MAX_KEY);
        let rest = &self.words[at + 1..];
        let (pairs, threshold, len): (&[u32], i64, usize) = match op {
            op::EQ | op::DEQ | op::NE => (&rest[..1], 0, 2),
            op::IN | op::NOT_IN => {
                let n = rest[0] as usize;
                (&rest[1..1 + n], 0, 2 + n)
            }
            op::GT | op::LT => {
                let t = u64::from(rest[0]) | u64::from(rest[1]) << 32;
                (&rest[2..3], t as i64, 4)
            }
            _ => (&[], 0, 1),
        };
        self.at = at + len;
        Some(Pred {
            at: at as u32,
            op,
            key,
            pairs,
            threshold,
        })
    }
}

/// One label of the object being matched: its key's id, its pair's id ([`NO_PAIR`] when no
/// selector mentions the value) and the value as an integer, when it is one.
#[derive(Clone, Copy, Debug)]
pub(super) struct ObjLabel {
    pub(super) key: u32,
    pub(super) pair: u32,
    pub(super) number: Option<i64>,
}

/// An object's labels whose keys some selector mentions, sorted by key id, one per key.
pub(super) type Object = SmallVec<[ObjLabel; 16]>;

/// Sorts by key id and keeps the last label of each key, as a map built from the same
/// sequence would.
pub(super) fn normalize(obj: &mut Object) {
    obj.sort_by_key(|l| l.key);
    let mut out = 0;
    for i in 0..obj.len() {
        if i + 1 < obj.len() && obj[i + 1].key == obj[i].key {
            continue;
        }
        obj[out] = obj[i];
        out += 1;
    }
    obj.truncate(out);
}

/// Whether every predicate holds for the object.
#[inline]
pub(super) fn holds(words: &[u32], obj: &[ObjLabel]) -> bool {
    preds(words).all(|p| {
        let label = obj
            .binary_search_by_key(&p.key, |l| l.key)
            .ok()
            .map(|i| &obj[i]);
        p.holds(label)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn predicates_round_trip_through_words() {
        let mut w = Words::new();
        push(&mut w, op::EQ, 3, &[10], 0);
        push(&mut w, op::NOT_IN, MAX_KEY, &[11, 12, 13], 0);
        push(&mut w, op::NOT_EXISTS, 0, &[], 0);
        push(&mut w, op::GT, 5, &[14], i64::MIN);
        push(&mut w, op::LT, 6, &[15], -2);
        let got: Vec<_> = preds(&w)
            .map(|p| (p.at, p.op, p.key, p.pairs.to_vec(), p.threshold))
            .collect();
        assert_eq!(
            got,
            [
                (0, op::EQ, 3, vec![10], 0),
                (2, op::NOT_IN, MAX_KEY, vec![11, 12, 13], 0),
                (7, op::NOT_EXISTS, 0, vec![], 0),
                (8, op::GT, 5, vec![14], i64::MIN),
                (12, op::LT, 6, vec![15], -2),
            ]
        );
    }

    #[test]
    fn normalize_keeps_the_last_label_of_a_key() {
        let l = |key, pair| ObjLabel {
            key,
            pair,
            number: None,
        };
        let mut obj: Object = [l(2, 1), l(1, 5), l(2, 7), l(1, 6), l(0, 0)]
            .into_iter()
            .collect();
        normalize(&mut obj);
        let got: Vec<_> = obj.iter().map(|l| (l.key, l.pair)).collect();
        assert_eq!(got, [(0, 0), (1, 6), (2, 7)]);
    }
}
