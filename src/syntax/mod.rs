//! The string form of selectors: the nom grammar, the spanned syntax tree and the input limits.
//!
//! This layer knows the grammar of `kubectl -l` strings and nothing of what keys and values
//! may contain; [`Selector::parse`](crate::Selector::parse) runs it and then validates.
//!
//! ```text
//! selector    := <empty> | requirement ( "," requirement )*
//! requirement := "!" KEY | KEY
//!              | KEY ( "=" | "==" | "!=" | ">" | "<" ) [ VALUE ]
//!              | KEY ( "in" | "notin" ) "(" [ VALUE ] ( "," [ VALUE ] )* ")"
//! ```

mod ast;

mod parse;

pub use crate::vocab::Limits;
pub use ast::{Ast, AstRequirement, AstValue};
pub use parse::parse;
pub(crate) use parse::parse_partial;
