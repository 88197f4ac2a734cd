//! The README's index example: build an inventory, publish a snapshot, compile a selector,
//! select, explain, relabel.
//!
//! Run with `cargo run --example inventory`.

use label_selector::{Error, Inventory, LabelEdit, LabelSet, Selector};

fn main() -> Result<(), Error> {
    let mut pods = Inventory::new();
    let web = pods.insert(
        "shop",
        "web-1",
        &LabelSet::from_pairs([("app", "web"), ("env", "prod")])?,
    )?;
    pods.insert(
        "shop",
        "web-2",
        &LabelSet::from_pairs([("app", "web"), ("env", "dev"), ("gpu", "a100")])?,
    )?;

    // Readers work on snapshots: consistent, immutable, Send + Sync, sharing storage with the
    // writer.
    let reader = pods.reader();
    pods.publish();
    let snapshot = reader.snapshot();

    let selector: Selector = "app=web,!gpu".parse()?;
    let plan = snapshot.compile(&selector); // ids resolved, constants folded, reusable
    println!("plan: {plan}");
    for id in plan.select().iter() {
        let pod = snapshot.get(id).expect("selected ids are live");
        println!("selected: {}/{}", pod.namespace(), pod.name());
    }
    if let Some(other) = snapshot.id("shop", "web-2") {
        println!("{}", snapshot.explain(other, &selector).expect("live"));
    }

    // `kubectl label pod web-1 env=staging --overwrite`; the snapshot above does not change.
    pods.relabel(web, &LabelEdit::parse_all(["env=staging"])?, true)?;
    let staging: Selector = "env=staging".parse()?;
    println!(
        "env=staging: {} in the writer, {} in the snapshot",
        pods.count(&staging),
        snapshot.count(&staging)
    );
    Ok(())
}
