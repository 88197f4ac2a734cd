//! Selector strings: never panic; every accepted input round-trips through its canonical form;
//! every error points inside the input on char boundaries and renders.
#![no_main]

use label_selector::{Limits, Selector, syntax};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    match Selector::parse(input) {
        Ok(sel) => {
            // The syntax layer accepts whatever the whole pipeline accepts.
            assert!(syntax::parse(input, &Limits::default()).is_ok());
            let canonical = sel.to_string();
            let again = Selector::parse(&canonical)
                .unwrap_or_else(|e| panic!("canonical {canonical:?} of {input:?} fails: {e}"));
            assert_eq!(again, sel, "{input:?}");
            assert_eq!(again.to_string(), canonical);
        }
        Err(err) => {
            let span = err.span();
            assert!(
                span.start <= span.end && span.end <= input.len(),
                "{input:?}: {span:?}"
            );
            assert!(input.is_char_boundary(span.start) && input.is_char_boundary(span.end));
            assert_eq!(err.input(), input);
            let _ = err.to_string();
        }
    }
});
