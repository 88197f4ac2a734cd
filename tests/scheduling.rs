//! The scheduler's label plugins: each rule of `../shared/spec/scheduling.md` §1 and each trap
//! of §5 pinned with kube-scheduler's reason strings, and every decision on random worlds
//! held to `benches/common/direct.rs`, the plain evaluation written from the spec.

use label_selector::Cluster;
use label_selector::k8s::Pod;
use label_selector::scheduling::{Code, Decision, Plugin, Profile, Scheduler};
use proptest::prelude::*;

#[path = "../benches/common/direct.rs"]
mod direct;
#[path = "support/sched_world.rs"]
mod world;

fn load(yaml: &str) -> Cluster {
    let mut c = Cluster::new();
    c.load_str("world.yaml", yaml).unwrap();
    c.internal_validate().unwrap();
    c
}

fn pod(yaml: &str) -> Pod {
    serde_saphyr::from_str(yaml).unwrap()
}

fn decide(c: &Cluster, p: &str) -> Decision {
    Scheduler::new(Profile::default()).schedule(c, &pod(p))
}

/// The code and reasons of one plugin's status on one node.
#[track_caller]
fn status(d: &Decision, node: &str, plugin: Plugin) -> (Code, Vec<String>) {
    let v = d.node(node).unwrap_or_else(|| panic!("no node {node}"));
    let s = v.filters().iter().find(|s| s.plugin() == plugin).unwrap();
    (s.code(), v.reasons(s))
}

#[track_caller]
fn fails(d: &Decision, node: &str, plugin: Plugin, code: Code, reason: &str) {
    assert_eq!(status(d, node, plugin), (code, vec![reason.to_string()]), "{node} {plugin}");
}

#[track_caller]
fn passes(d: &Decision, node: &str, plugin: Plugin) {
    assert_eq!(status(d, node, plugin).0, Code::Success, "{node} {plugin}: {:?}", status(d, node, plugin));
}

fn oracle_equal(objects: &[serde_json::Value], incoming: &Pod, profile: &Profile) {
    let c = world::cluster(objects);
    c.internal_validate().unwrap();
    let d = Scheduler::new(profile.clone()).schedule(&c, incoming);
    let want = direct::evaluate(&direct::World::from_cluster(&c), profile, incoming);
    let got = d.to_json();
    if got != want {
        let pod = serde_json::to_string(incoming).unwrap();
        panic!(
            "indexed and direct evaluations differ for {pod}\n got: {}\nwant: {}",
            serde_json::to_string(&got).unwrap(),
            serde_json::to_string(&want).unwrap()
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    #[test]
    fn indexed_decisions_equal_the_direct_evaluation(seed in any::<u64>()) {
        let (objects, incoming) = world::world(seed);
        oracle_equal(&objects, &incoming, &world::profile(seed));
    }
}

/// The random worlds reach every filter reason and every score plugin, so that the
/// equivalence above covers them.
#[test]
fn random_worlds_reach_every_rule() {
    let mut seen: std::collections::BTreeSet<String> = Default::default();
    let mut feasible = 0;
    for seed in 0..1000u64 {
        let (objects, incoming) = world::world(seed);
        let c = world::cluster(&objects);
        let d = Scheduler::new(world::profile(seed)).schedule(&c, &incoming);
        feasible += usize::from(d.feasible_count() > 0);
        for (p, _) in d.scorers() {
            seen.insert(format!("score {p}"));
        }
        for v in d.nodes() {
            for s in v.filters() {
                seen.extend(v.reasons(s));
            }
        }
    }
    for p in Plugin::ALL {
        for r in p.reasons() {
            assert!(seen.contains(*r), "no world reaches {r:?}");
        }
        if p.scores() {
            assert!(seen.contains(&format!("score {p}")), "no world scores with {p}");
        }
    }
    assert!((150..850).contains(&feasible), "{feasible} of 1000 worlds have a feasible node");
}
