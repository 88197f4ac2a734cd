//! A counting index of conjunctions, after the k-index of Whang et al. ("Indexing Boolean
//! Expressions", PVLDB 2009), as the peer `SelectorIndex`'s one-anchor design is measured
//! against in `benches/reverse.rs`.
//!
//! Every predicate of every selector is filed: `=`, `==` and each value of `in` as a positive
//! entry under `(namespace, key, value)`; exists, `>` and `<` as positive entries under
//! `(namespace, key, *)`; `!=` and each value of `notin` as negative entries under the pair,
//! `!k` under the key. A selector's *size* is its number of positive predicates. An object
//! looks up its labels' pairs and keys, counts positive hits per selector and marks negative
//! hits; a selector of size K matches when it counted K hits and no negative one, a selector
//! of size 0 (only negative predicates, or none) when no negative entry hit it. `>` and `<`
//! count only when the value passes the comparison, which is left to `Selector::matches` (the
//! population has none). Counters are dense arrays reset through a list of touched selectors.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use label_selector::{LabelSet, Operator, Selector};

/// The multiply-rotate hash of rustc's `FxHasher`: what a fast hand-written index would use
/// for short keys (SipHash would slow this peer down for no reason of its design).
#[derive(Default)]
pub(crate) struct Fx(u64);

impl Hasher for Fx {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for c in bytes.chunks(8) {
            let mut w = [0u8; 8];
            w[..c.len()].copy_from_slice(c);
            self.write_u64(u64::from_le_bytes(w));
        }
    }
    fn write_u8(&mut self, n: u8) {
        self.write_u64(u64::from(n));
    }
    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
}

type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<Fx>>;

/// The value id of a key entry (`exists`, `!k`, `>`, `<`).
const ANY: u32 = u32::MAX;

#[derive(Clone, Copy, Debug)]
struct Entry {
    selector: u32,
    negative: bool,
}

/// The counting index; see the module docs.
#[derive(Default)]
pub(crate) struct KIndex {
    /// Keys, values and namespaces, interned.
    ids: FxMap<String, u32>,
    postings: FxMap<(u32, u32, u32), Vec<Entry>>,
    /// Selectors of size 0, by namespace.
    zero: FxMap<u32, Vec<u32>>,
    size: Vec<u32>,
    /// Selectors with `>` or `<`, checked by `Selector::matches` after counting.
    verify: Vec<Option<Selector>>,
}

/// Per-query counters, reused across queries.
#[derive(Default)]
pub(crate) struct Counts {
    hits: Vec<u32>,
    rejected: Vec<bool>,
    touched: Vec<u32>,
}

impl KIndex {
    fn id(&mut self, s: &str) -> u32 {
        let n = self.ids.len() as u32;
        *self.ids.entry(s.to_string()).or_insert(n)
    }

    /// Files every predicate of `selector` (selector number `i`, numbered from 0 in order)
    /// under namespace `ns`.
    pub(crate) fn push(&mut self, ns: &str, selector: &Selector) {
        let i = self.size.len() as u32;
        let ns = self.id(ns);
        let mut size = 0;
        let mut verify = false;
        for r in selector.requirements() {
            let key = self.id(r.key());
            let mut values: Vec<u32> = r.values().iter().map(|v| self.id(v)).collect();
            values.sort_unstable();
            values.dedup();
            let (negative, targets) = match r.operator() {
                Operator::Equals | Operator::DoubleEquals | Operator::In => (false, values),
                Operator::NotEquals | Operator::NotIn => (true, values),
                Operator::Exists => (false, vec![ANY]),
                Operator::DoesNotExist => (true, vec![ANY]),
                Operator::GreaterThan | Operator::LessThan => {
                    verify = true;
                    (false, vec![ANY])
                }
            };
            if !negative {
                size += 1;
            }
            for v in targets {
                self.postings.entry((ns, key, v)).or_default().push(Entry {
                    selector: i,
                    negative,
                });
            }
        }
        if size == 0 && !selector.is_nothing() {
            self.zero.entry(ns).or_default().push(i);
        }
        self.size.push(size);
        self.verify.push(verify.then(|| selector.clone()));
    }

    /// Pushes onto `out` the numbers of the selectors that select an object of namespace `ns`
    /// with these labels (`set` is the same labels, for `>` and `<`).
    pub(crate) fn matching(
        &self,
        ns: &str,
        labels: &[(String, String)],
        set: &LabelSet,
        counts: &mut Counts,
        out: &mut Vec<u32>,
    ) {
        let n = self.size.len();
        if counts.hits.len() < n {
            counts.hits.resize(n, 0);
            counts.rejected.resize(n, false);
        }
        let Some(&ns) = self.ids.get(ns) else {
            return;
        };
        let hit = |entries: Option<&Vec<Entry>>, counts: &mut Counts| {
            for e in entries.into_iter().flatten() {
                let s = e.selector as usize;
                if counts.hits[s] == 0 && !counts.rejected[s] {
                    counts.touched.push(e.selector);
                }
                if e.negative {
                    counts.rejected[s] = true;
                } else {
                    counts.hits[s] += 1;
                }
            }
        };
        for (k, v) in labels {
            let Some(&key) = self.ids.get(k.as_str()) else {
                continue;
            };
            if let Some(&value) = self.ids.get(v.as_str()) {
                hit(self.postings.get(&(ns, key, value)), counts);
            }
            hit(self.postings.get(&(ns, key, ANY)), counts);
        }
        let verified = |s: u32| {
            self.verify[s as usize]
                .as_ref()
                .is_none_or(|sel| sel.matches(set))
        };
        for &s in self.zero.get(&ns).into_iter().flatten() {
            if !counts.rejected[s as usize] && verified(s) {
                out.push(s);
            }
        }
        for &s in &counts.touched {
            let i = s as usize;
            if !counts.rejected[i]
                && self.size[i] > 0
                && counts.hits[i] == self.size[i]
                && verified(s)
            {
                out.push(s);
            }
            counts.hits[i] = 0;
            counts.rejected[i] = false;
        }
        counts.touched.clear();
    }

    /// Entries filed, over all postings.
    pub(crate) fn entries(&self) -> usize {
        self.postings.values().map(Vec::len).sum()
    }
}
