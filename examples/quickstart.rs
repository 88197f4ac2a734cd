//! Parse a selector, print its canonical form, match pods, and show an error.
//!
//! `cargo run --example quickstart`

use label_selector::{LabelSelector, LabelSet, Selector};

fn main() -> Result<(), label_selector::Error> {
    let selector: Selector = "tier, env in (staging,prod), !gpu, version!=v1".parse()?;
    println!("canonical: {selector}");

    let pods = [
        (
            "web-1",
            LabelSet::from_pairs([("env", "prod"), ("tier", "web")])?,
        ),
        (
            "web-2",
            LabelSet::from_pairs([("env", "prod"), ("tier", "web"), ("version", "v1")])?,
        ),
        (
            "gpu-1",
            LabelSet::from_pairs([("env", "staging"), ("tier", "ml"), ("gpu", "a100")])?,
        ),
        (
            "dev-1",
            LabelSet::from_pairs([("env", "dev"), ("tier", "web")])?,
        ),
    ];
    for (name, labels) in &pods {
        println!("{name:6} {:5} {labels}", selector.matches(labels));
    }

    // The structured form, as in a Deployment's spec.selector.
    let json = r#"{"matchLabels": {"app": "web"},
                   "matchExpressions": [{"key": "env", "operator": "NotIn", "values": ["dev"]}]}"#;
    let structured: LabelSelector = serde_json::from_str(json).expect("valid JSON");
    println!(
        "structured: {}",
        Selector::from_label_selector(Some(&structured))?
    );

    // Errors point at the byte where the input went wrong.
    let err = Selector::parse("env in (prod staging)").unwrap_err();
    println!("error: {err}");
    Ok(())
}
