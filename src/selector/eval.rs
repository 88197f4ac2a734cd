//! Plain evaluation of a selector against one object's labels.

use std::cmp::Ordering;

use super::fingerprint;
use super::labels::Label;
use super::{Labels, Selector};

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

    /// Merge walk over requirements and labels, both sorted by key; fingerprints settle most
    /// comparisons without touching the strings.
    #[inline]
    fn matches_sorted(&self, labels: &[Label]) -> bool {
        let mut at = 0;
        for r in &self.requirements {
            let (key, key_fp) = (r.key(), r.key_fp());
            let mut value = None;
            while let Some(l) = labels.get(at) {
                match fingerprint::cmp(&l.key, l.key_fp, key, key_fp) {
                    Ordering::Less => at += 1,
                    Ordering::Equal => {
                        value = Some((&*l.value, l.value_fp));
                        break;
                    }
                    Ordering::Greater => break,
                }
            }
            if !r.matches_value_fp(value) {
                return false;
            }
        }
        true
    }
}
