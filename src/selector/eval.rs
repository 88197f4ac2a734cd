//! Plain evaluation of a selector against one object's labels.

use std::cmp::Ordering;

use super::fingerprint;
use super::labels::Label;
use super::{Labels, Requirement, Selector};

impl Selector {
    /// Whether an object with these labels is selected: every requirement holds (see
    /// [`Operator`](crate::Operator) for each operator's meaning when the key is absent).
    /// [`everything`](Selector::everything) matches any labels, also none;
    /// [`nothing`](Selector::nothing) matches none.
    ///
    /// For a [`LabelSet`](crate::LabelSet) (sorted) the selector's sorted requirements and the
    /// labels are walked together once; for maps each key is looked up.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::collections::BTreeMap;
    /// use label_selector::Selector;
    ///
    /// let s = Selector::parse("version notin (v1),!canary")?;
    /// assert!(s.matches(&BTreeMap::<String, String>::new()));
    /// let labels = BTreeMap::from([("version", "v1")]);
    /// assert!(!s.matches(&labels));
    /// # Ok::<(), label_selector::Error>(())
    /// ```
    #[inline]
    pub fn matches(&self, labels: &(impl Labels + ?Sized)) -> bool {
        if self.nothing {
            return false;
        }
        if let Some(set) = labels.as_label_set() {
            return self.matches_sorted(set.labels());
        }
        self.requirements
            .iter()
            .all(|r| r.matches_value(labels.get_label(r.key())))
    }

    /// Walk over requirements and labels, both sorted by key: fingerprints settle most
    /// comparisons without touching the strings (see [`find`]).
    #[inline]
    fn matches_sorted(&self, labels: &[Label]) -> bool {
        let mut at = 0;
        self.requirements.iter().all(|r| {
            let label = find(labels, &mut at, r);
            r.matches_value_fp(label.map(|l| (&*l.value, l.value_fp)))
        })
    }
}

/// How many labels whose fingerprints tie a key's are told apart by their tails before the
/// search falls back to byte order.
const TIED_SCAN: usize = 8;

/// The label of `labels[*at..]` (sorted by key) whose key is `r`'s. Afterwards `*at` is past
/// every label known to sort before `r`'s key, so that the next requirement (whose key is the
/// same or greater) can start there.
///
/// Labels with a smaller fingerprint sort before the key and are passed. Labels with the same
/// fingerprint share the key's first eight bytes (`app.kubernetes.io/…`): up to [`TIED_SCAN`]
/// of them are compared for equality by length and tail, which reads no string unless a key
/// longer than sixteen bytes agrees on both; a longer run is binary-searched in byte order.
#[inline]
fn find<'l>(labels: &'l [Label], at: &mut usize, r: &Requirement) -> Option<&'l Label> {
    let (key, fp, tail) = (r.key(), r.key_fp(), r.key_tail());
    while labels.get(*at).is_some_and(|l| l.key_fp < fp) {
        *at += 1;
    }
    let run = &labels[*at..];
    for (i, l) in run.iter().take(TIED_SCAN).enumerate() {
        if l.key_fp != fp {
            return None;
        }
        if fingerprint::eq_tail(&l.key, l.key_fp, l.key_tail, key, fp, tail) {
            // Every label before it sorts before this key.
            *at += i;
            return Some(l);
        }
    }
    if run.len() <= TIED_SCAN {
        return None;
    }
    let i = run.partition_point(|l| fingerprint::cmp(&l.key, l.key_fp, key, fp) == Ordering::Less);
    *at += i;
    run.get(i)
        .filter(|l| fingerprint::eq(&l.key, l.key_fp, key, fp))
}
