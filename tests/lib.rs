//! Integration tests: one binary, a module per capability, data in `tests/data/`.

mod util;

mod index;
mod labels;
mod matching;
mod parse;
mod props;
mod reverse;
mod structured;
