//! The canonical string form.

use std::fmt;

use super::{Requirement, Selector};
use crate::vocab::write_requirement;

/// The canonical form: `k`, `!k`, `k=v`, `k==v`, `k!=v`, `k>v`, `k<v`, `k in (a,b)`,
/// `k notin (a,b)`, joined by `,` in key order, values in byte order. It parses back to an
/// equal requirement.
impl fmt::Display for Requirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_requirement(
            f,
            self.key(),
            self.operator(),
            self.values().iter().map(String::as_str),
        )
    }
}

/// The canonical form of the selector: requirements joined by `,`, no spaces, in key order.
/// [`Selector::parse`] of it gives an equal selector.
///
/// [`Selector::everything`] prints as `""`. So does [`Selector::nothing`], as in Kubernetes;
/// that string parses back as *everything*, so check [`Selector::is_nothing`] before sending a
/// selector's string to an API server. (Serde keeps the two apart: nothing serializes as
/// `null`.)
impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, r) in self.requirements().iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            fmt::Display::fmt(r, f)?;
        }
        Ok(())
    }
}
