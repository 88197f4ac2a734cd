//! Plain evaluation of a selector against one object's labels.

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
        if let Some(pairs) = labels.sorted_pairs() {
            return self.matches_sorted(pairs);
        }
        self.requirements
            .iter()
            .all(|r| r.matches_value(labels.get_label(r.key())))
    }

    /// Merge walk over requirements and labels, both sorted by key.
    #[inline]
    fn matches_sorted(&self, pairs: &[(Box<str>, Box<str>)]) -> bool {
        let mut at = 0;
        for r in &self.requirements {
            let key = r.key();
            while at < pairs.len() && &*pairs[at].0 < key {
                at += 1;
            }
            let value = match pairs.get(at) {
                Some((k, v)) if &**k == key => Some(&**v),
                _ => None,
            };
            if !r.matches_value(value) {
                return false;
            }
        }
        true
    }
}
