#!/bin/bash
# Test runner for `cargo mutants` (see mutants.md): stops a test binary at its first failing
# test, so that a caught mutant costs the time of one failure instead of the whole suite.
# libtest's `--fail-fast` is still unstable; RUSTC_BOOTSTRAP=1 lets the stable harness take it.
# Use: CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUNNER=$PWD/.cargo/mutants-runner.sh cargo mutants ...
exe="$1"
shift
RUSTC_BOOTSTRAP=1 exec "$exe" "$@" -Zunstable-options --fail-fast
