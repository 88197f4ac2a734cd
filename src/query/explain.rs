//! Why an object is or is not selected.

use std::fmt;

use crate::index::{ObjectId, View};
use crate::selector::{Requirement, Selector};

/// One requirement of a selector evaluated on one object; part of an [`Explanation`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    requirement: Requirement,
    value: Option<String>,
    matched: bool,
}

impl Step {
    /// The requirement.
    pub fn requirement(&self) -> &Requirement {
        &self.requirement
    }

    /// The object's value for the requirement's key (`None`: the key is absent).
    pub fn value(&self) -> Option<&str> {
        self.value.as_deref()
    }

    /// Whether the requirement holds.
    pub fn matched(&self) -> bool {
        self.matched
    }
}

/// How a requirement's verdict is printed, padded to one width.
pub(super) fn verdict(matched: bool) -> &'static str {
    if matched { "ok    " } else { "REJECT" }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verdict = verdict(self.matched);
        let key = self.requirement.key();
        match &self.value {
            Some(v) => write!(f, "{verdict} {}  ({key}={v:?})", self.requirement),
            None => write!(f, "{verdict} {}  ({key} absent)", self.requirement),
        }
    }
}

/// Which requirements of a selector an object meets, and which reject it: the answer to
/// "why is (or isn't) this pod selected?".
///
/// # Examples
///
/// ```
/// use label_selector::{Inventory, LabelSet, Selector};
///
/// let mut inv = Inventory::new();
/// let id = inv.insert("shop", "web-1", &LabelSet::from_pairs([("app", "web"), ("env", "dev")])?)?;
/// let sel: Selector = "app=web,env in (prod,staging),!gpu".parse()?;
/// let why = inv.explain(id, &sel).unwrap();
/// assert!(!why.matched());
/// let first = why.first_rejection().unwrap();
/// assert_eq!(first.requirement().key(), "env");
/// assert_eq!(first.value(), Some("dev"));
/// assert_eq!(
///     why.to_string(),
///     "shop/web-1 is not selected\n\
///      ok     app=web  (app=\"web\")\n\
///      REJECT env in (prod,staging)  (env=\"dev\")\n\
///      ok     !gpu  (gpu absent)"
/// );
/// # Ok::<(), label_selector::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Explanation {
    object: String,
    nothing: bool,
    steps: Vec<Step>,
}

impl Explanation {
    /// Whether the object is selected: every step matched and the selector is not
    /// [`nothing`](Selector::nothing).
    pub fn matched(&self) -> bool {
        !self.nothing && self.steps.iter().all(|s| s.matched)
    }

    /// Every requirement in the selector's order, with its verdict.
    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// The first requirement that rejects the object.
    pub fn first_rejection(&self) -> Option<&Step> {
        self.steps.iter().find(|s| !s.matched)
    }

    /// Whether the selector was [`Selector::nothing`], which rejects every object.
    pub fn selector_is_nothing(&self) -> bool {
        self.nothing
    }
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verdict = if self.matched() {
            "is selected"
        } else {
            "is not selected"
        };
        write!(f, "{} {verdict}", self.object)?;
        if self.nothing {
            f.write_str(": the selector matches nothing")?;
        } else if self.steps.is_empty() {
            f.write_str(": the selector matches everything")?;
        }
        for s in &self.steps {
            write!(f, "\n{s}")?;
        }
        Ok(())
    }
}

impl View {
    /// Evaluates each requirement of `selector` on object `id`; `None` if `id` is not live.
    /// Agrees with [`select`](View::select) on whether the object is selected.
    pub fn explain(&self, id: ObjectId, selector: &Selector) -> Option<Explanation> {
        let obj = self.get(id)?;
        let object = if obj.namespace().is_empty() {
            obj.name().to_string()
        } else {
            format!("{}/{}", obj.namespace(), obj.name())
        };
        let steps = selector
            .requirements()
            .iter()
            .map(|r| {
                let value = obj.label(r.key());
                Step {
                    requirement: r.clone(),
                    matched: r.matches_value(value),
                    value: value.map(str::to_string),
                }
            })
            .collect();
        Some(Explanation {
            object,
            nothing: selector.is_nothing(),
            steps,
        })
    }
}
