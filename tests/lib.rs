//! Integration tests: one binary, a module per capability, data in `tests/data/`.

mod util;

#[cfg(feature = "cli")]
mod cli;
mod cluster;
mod index;
mod k8s;
mod labels;
mod layout;
mod matching;
mod parse;
mod props;
mod readers;
mod reverse;
mod scheduling;
mod structured;
mod workloads;
