//! The shared vocabulary of the lower layers: [`Operator`] (and how a requirement is written
//! with it) and the input [`Limits`].
//!
//! This is the crate's leaf module: it imports nothing of the crate, so that the error type, the
//! string grammar (`syntax`) and the model (`selector`) can all name operators and limits without
//! importing each other.

mod limits;
mod operator;

pub use limits::Limits;
pub use operator::Operator;
pub(crate) use operator::write_requirement;
