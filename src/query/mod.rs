//! Queries on an index: compile a [`Selector`](crate::Selector) into a [`Plan`] bound to one
//! [`View`](crate::View), then [`select`](Plan::select) or [`count`](Plan::count); and
//! [`explain`](crate::View::explain) why an object is or is not selected. [`AnyPlan`] ORs
//! terms (label requirements and name conditions) under a base selector, as a node selector
//! does, and explains itself as a tree.
//!
//! Compiling resolves keys and values to interned ids and folds what it can: an unknown value
//! in `=` / `in` or an unknown key in a positive requirement makes the plan empty, negative
//! requirements on unknown keys or values disappear, `k` on a key every object has
//! disappears, and `!k` on such a key makes the plan empty. The positive inputs are intersected
//! cheapest first; a selector with only negative requirements starts from the live set and
//! subtracts.
//!
//! The contract of this module, checked by property tests and a differential fuzz target: the
//! result is exactly the set of live objects for which
//! [`Selector::matches`](crate::Selector::matches) is true.

mod any;
mod explain;
mod plan;

pub use any::{AnyPlan, AnyTerm, NameCondition, PlanTree, TermTree};
pub use explain::{Explanation, Step};
pub use plan::Plan;
