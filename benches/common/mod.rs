//! Shared bench inputs: the selectors S1 / S2 / S3 / S20, a pod's labels, and the peers we
//! compare against (kube-core's `Selector`, a hand-written parser, a plain `Vec` loop).
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};

use kube_core::{Expression, Selector as KubeSelector};
use label_selector::{LabelSet, Operator, Selector};

/// One equality.
pub(crate) const S1: &str = "app=web";
/// Equalities and an inequality.
pub(crate) const S2: &str = "app=web,env=prod,tier!=db";
/// Set-based, with requirements satisfied by absence.
pub(crate) const S3: &str = "env in (prod,staging),!gpu,version notin (v1,v2),team";

/// A 20-requirement selector mixing every operator kube-core also has.
pub(crate) fn s20() -> String {
    (0..20)
        .map(|i| match i % 5 {
            0 => format!("k{i:02}=v{i}"),
            1 => format!("k{i:02} in (a{i},v{i},z{i})"),
            2 => format!("k{i:02}!=x{i}"),
            3 => format!("k{i:02} notin (x{i},y{i})"),
            _ => format!("k{i:02}"),
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// The named selectors, in bench order.
pub(crate) fn selectors() -> Vec<(&'static str, String)> {
    vec![
        ("S1", S1.to_string()),
        ("S2", S2.to_string()),
        ("S3", S3.to_string()),
        ("S20", s20()),
    ]
}

/// A pod that every bench selector matches, so every requirement is evaluated: eight
/// realistic labels plus the twenty `kNN` keys of S20.
pub(crate) fn pod_labels(with_s20_keys: bool) -> Vec<(String, String)> {
    let mut labels: Vec<(String, String)> = [
        ("app", "web"),
        ("env", "prod"),
        ("team", "payments"),
        ("tier", "frontend"),
        ("version", "v3"),
        ("pod-template-hash", "7d9f8b6c5d"),
        ("instance", "web-7d9f8b6c5d-x2x9q"),
        ("controller-revision-hash", "5f6b7c8d9"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    if with_s20_keys {
        labels.extend((0..20).map(|i| (format!("k{i:02}"), format!("v{i}"))));
    }
    labels
}

/// The same selector as kube-core's type.
pub(crate) fn to_kube(sel: &Selector) -> KubeSelector {
    sel.requirements()
        .iter()
        .map(|r| {
            let k = r.key().to_string();
            let set = || r.values().iter().cloned().collect::<BTreeSet<String>>();
            match r.operator() {
                Operator::Equals | Operator::DoubleEquals => {
                    Expression::Equal(k, r.values()[0].clone())
                }
                Operator::NotEquals => Expression::NotEqual(k, r.values()[0].clone()),
                Operator::In => Expression::In(k, set()),
                Operator::NotIn => Expression::NotIn(k, set()),
                Operator::Exists => Expression::Exists(k),
                Operator::DoesNotExist => Expression::DoesNotExist(k),
                op => panic!("kube-core has no {op}"),
            }
        })
        .collect()
}

/// A hand-written, unvalidated parser of the kind people write instead of a real one: split on
/// commas outside parentheses, then recognise each requirement's operator. The baseline for
/// `parse`, since no Rust peer parses selector strings.
pub(crate) fn naive_parse(s: &str) -> Option<KubeSelector> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&s[start..]);
    let set = |list: &str| -> BTreeSet<String> {
        list.trim()
            .trim_start_matches('(')
            .trim_end_matches(')')
            .split(',')
            .map(|v| v.trim().to_string())
            .collect()
    };
    let mut exprs = Vec::with_capacity(parts.len());
    for p in parts {
        let p = p.trim();
        let e = if let Some((k, rest)) = p.split_once(" notin ") {
            Expression::NotIn(k.trim().to_string(), set(rest))
        } else if let Some((k, rest)) = p.split_once(" in ") {
            Expression::In(k.trim().to_string(), set(rest))
        } else if let Some((k, v)) = p.split_once("!=") {
            Expression::NotEqual(k.trim().to_string(), v.trim().to_string())
        } else if let Some((k, v)) = p.split_once('=') {
            Expression::Equal(
                k.trim().to_string(),
                v.trim_start_matches('=').trim().to_string(),
            )
        } else if let Some(k) = p.strip_prefix('!') {
            Expression::DoesNotExist(k.trim().to_string())
        } else if !p.is_empty() {
            Expression::Exists(p.to_string())
        } else {
            return None;
        };
        exprs.push(e);
    }
    Some(exprs.into_iter().collect())
}

/// The plain loop: requirements as tuples, labels as a `Vec` searched linearly.
pub(crate) struct Plain(Vec<(String, Operator, Vec<String>)>);

impl Plain {
    pub(crate) fn new(sel: &Selector) -> Plain {
        Plain(
            sel.requirements()
                .iter()
                .map(|r| (r.key().to_string(), r.operator(), r.values().to_vec()))
                .collect(),
        )
    }

    pub(crate) fn matches(&self, labels: &[(String, String)]) -> bool {
        self.0.iter().all(|(k, op, vals)| {
            let v = labels.iter().find(|(lk, _)| lk == k).map(|(_, v)| v);
            match op {
                Operator::Equals | Operator::DoubleEquals | Operator::In => {
                    v.is_some_and(|v| vals.contains(v))
                }
                Operator::NotEquals | Operator::NotIn => v.is_none_or(|v| !vals.contains(v)),
                Operator::Exists => v.is_some(),
                Operator::DoesNotExist => v.is_none(),
                Operator::GreaterThan => {
                    let t: i64 = vals[0].parse().unwrap();
                    v.and_then(|v| v.parse::<i64>().ok()).is_some_and(|n| n > t)
                }
                Operator::LessThan => {
                    let t: i64 = vals[0].parse().unwrap();
                    v.and_then(|v| v.parse::<i64>().ok()).is_some_and(|n| n < t)
                }
            }
        })
    }
}

/// The labels as a `BTreeMap`, what kube-core matches against.
pub(crate) fn btree(labels: &[(String, String)]) -> BTreeMap<String, String> {
    labels.iter().cloned().collect()
}

/// A seeded SplitMix64 generator, so every run builds the same inventory.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n`.
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(n)) >> 64) as u64
    }
}

/// `n` bits of a hash of `x`, as lowercase hex (the shape of `pod-template-hash`).
fn hex(x: u64, digits: usize) -> String {
    let mut r = Rng::new(x ^ 0xfeed);
    let v = r.next();
    format!("{v:016x}")[..digits].to_string()
}

/// One synthetic pod.
pub(crate) struct Pod {
    pub(crate) namespace: String,
    pub(crate) name: String,
    pub(crate) labels: LabelSet,
}

/// Pods with 8 labels each, seeded: `app` uniform over 1 000 values (value 0 is `web`), `env`
/// over 4, `tier` over 5, `version` over 20, `team` over 50 (also the namespace),
/// `pod-template-hash` shared by the 10 pods of a ReplicaSet, `instance` unique, and
/// `gpu=true` on 10 % of pods, the rest carrying a `controller-revision-hash`.
pub(crate) fn synthetic_pods(n: usize, seed: u64) -> Vec<Pod> {
    const ENVS: [&str; 4] = ["prod", "staging", "dev", "test"];
    const TIERS: [&str; 5] = ["frontend", "backend", "db", "cache", "worker"];
    let mut rng = Rng::new(seed);
    (0..n)
        .map(|i| {
            let app_n = rng.below(1000);
            let app = if app_n == 0 {
                "web".to_string()
            } else {
                format!("app-{app_n:03}")
            };
            let team = format!("team-{:02}", rng.below(50));
            let rs = hex(i as u64 / 10, 10);
            let instance = hex(i as u64 | (1 << 40), 12);
            let name = format!("{app}-{rs}-{}", &instance[..5]);
            let mut pairs = vec![
                ("app".to_string(), app),
                ("env".into(), ENVS[rng.below(4) as usize].into()),
                ("tier".into(), TIERS[rng.below(5) as usize].into()),
                ("version".into(), format!("v{}", rng.below(20) + 1)),
                ("team".into(), team.clone()),
                ("pod-template-hash".into(), rs),
                ("instance".into(), instance),
            ];
            if rng.below(10) == 0 {
                pairs.push(("gpu".into(), "true".into()));
            } else {
                pairs.push((
                    "controller-revision-hash".into(),
                    hex((i as u64 / 20) | (1 << 41), 10),
                ));
            }
            Pod {
                namespace: team,
                name,
                labels: LabelSet::from_pairs(pairs).unwrap(),
            }
        })
        .collect()
}

/// An inventory holding `pods`.
pub(crate) fn inventory_of(pods: &[Pod]) -> label_selector::Inventory {
    let mut inv = label_selector::Inventory::new();
    for p in pods {
        inv.insert(&p.namespace, &p.name, &p.labels).unwrap();
    }
    inv
}

/// The same inventory as [`inventory_of`], built by one `insert_all`.
pub(crate) fn inventory_bulk(pods: &[Pod]) -> label_selector::Inventory {
    let mut inv = label_selector::Inventory::new();
    inv.insert_all(
        pods.iter()
            .map(|p| (p.namespace.as_str(), p.name.as_str(), &p.labels)),
    )
    .unwrap();
    inv
}

/// The reverse-matching population: selectors as controllers register them, and pod events.
pub(crate) struct Population {
    /// `(namespace, selector, kind)`; kind is `svc`, `rs`, `pdb` or `set`.
    pub(crate) selectors: Vec<(String, Selector, &'static str)>,
    /// `(namespace, labels)` of pods, ten labels each, owned by the generated workloads.
    pub(crate) pods: Vec<(String, Vec<(String, String)>)>,
}

const COMPONENTS: &[&str] = &["api", "worker", "frontend", "cache", "db", "metrics"];
const TIERS: &[&str] = &["frontend", "backend", "data"];
const ENVS: &[&str] = &["prod", "staging", "dev"];

/// Namespace sizes are Zipf-distributed (weight 1/rank): the largest of 500 namespaces holds
/// about 15 % of all selectors, the smallest a few dozen.
fn zipf_cumulative(n: usize) -> Vec<f64> {
    let mut acc = 0.0;
    (0..n)
        .map(|i| {
            acc += 1.0 / (i + 1) as f64;
            acc
        })
        .collect()
}

fn zipf_pick(rng: &mut Rng, cumulative: &[f64]) -> usize {
    let total = cumulative[cumulative.len() - 1];
    let x = (rng.next() >> 11) as f64 / (1u64 << 53) as f64 * total;
    cumulative
        .partition_point(|&c| c <= x)
        .min(cumulative.len() - 1)
}

/// How a population's apps are spread over its namespaces.
#[derive(Clone, Copy)]
pub(crate) enum Spread {
    /// Weight 1/rank: a few large namespaces and a long tail ([`zipf_cumulative`]).
    Zipf,
    /// Uniform: many namespaces of about the same, small size.
    Even,
}

/// About `n` selectors over `namespaces` namespaces spread as `spread` says, and `pods` pod
/// events.
///
/// Each app (`app.kubernetes.io/name` N, `instance` N-rK) has:
/// - Services with 1-3 equality requirements on `app.kubernetes.io/name`, `component`,
///   `instance` (1-2 per app);
/// - three ReplicaSets (a Deployment's revision history): `name`, `instance` and
///   `pod-template-hash`;
/// - a PodDisruptionBudget on `name` and `instance`.
///
/// About one selector in ten is set-based, with `in`, `notin` and `!key` (some purely
/// negative). Pods carry ten labels: the six `app.kubernetes.io/*` labels,
/// `pod-template-hash` of their app's current ReplicaSet, `environment`, `tier` and `team`.
pub(crate) fn reverse_population(
    n: usize,
    namespaces: usize,
    spread: Spread,
    pods: usize,
    seed: u64,
) -> Population {
    let mut rng = Rng::new(seed);
    let cumulative = zipf_cumulative(namespaces);
    let ns_name = |i: usize| format!("team-{i:03}");
    let mut selectors = Vec::with_capacity(n + 16);
    // Per app: namespace, name, instance, component, current hash, environment, tier.
    let mut apps: Vec<[String; 7]> = Vec::new();
    let sel = |text: String| Selector::parse(&text).expect("generated selectors are valid");
    while selectors.len() < n {
        let ns = ns_name(match spread {
            Spread::Zipf => zipf_pick(&mut rng, &cumulative),
            Spread::Even => rng.below(namespaces as u64) as usize,
        });
        let a = apps.len();
        let name = format!("app{a}");
        let instance = format!("{name}-r{}", rng.below(3));
        let component = COMPONENTS[rng.below(COMPONENTS.len() as u64) as usize].to_string();
        let env = ENVS[rng.below(3) as usize].to_string();
        let tier = TIERS[rng.below(3) as usize].to_string();
        let base = format!("app.kubernetes.io/name={name}");
        let comp = format!("app.kubernetes.io/component={component}");
        let inst = format!("app.kubernetes.io/instance={instance}");
        selectors.push((ns.clone(), sel(base.clone()), "svc"));
        match rng.below(3) {
            0 => selectors.push((ns.clone(), sel(format!("{base},{comp}")), "svc")),
            1 => selectors.push((ns.clone(), sel(format!("{base},{comp},{inst}")), "svc")),
            _ => {}
        }
        let mut hash = String::new();
        for _ in 0..3 {
            hash = hex(rng.next(), 10);
            selectors.push((
                ns.clone(),
                sel(format!("{base},{inst},pod-template-hash={hash}")),
                "rs",
            ));
        }
        selectors.push((ns.clone(), sel(format!("{base},{inst}")), "pdb"));
        // About 10 % of all selectors: one set-based selector for two apps in three, such as a
        // PodDisruptionBudget or an anti-affinity term. One in 32 of those is purely negative
        // and selects most of its namespace, as such selectors do.
        if rng.below(3) < 2 {
            let other = format!("app{}", rng.below(a as u64 + 1));
            let text = match rng.below(32) {
                0 => format!("tier notin ({tier}),!canary"),
                1..=10 => format!("app.kubernetes.io/name in ({name},{other}),tier notin (data)"),
                11..=20 => format!("{base},environment in ({env},dev),!canary"),
                _ => format!(
                    "app.kubernetes.io/instance in ({instance},{other}-r0),environment!=dev"
                ),
            };
            selectors.push((ns.clone(), sel(text), "set"));
        }
        apps.push([ns, name, instance, component, hash, env, tier]);
    }
    let mut pod_events = Vec::with_capacity(pods);
    for p in 0..pods {
        // A pod of an app chosen the way pods are spread: namespaces by the same skew.
        let [ns, name, instance, component, hash, env, tier] =
            &apps[rng.below(apps.len() as u64) as usize];
        let labels = [
            ("app.kubernetes.io/name", name.clone()),
            ("app.kubernetes.io/instance", instance.clone()),
            ("app.kubernetes.io/component", component.clone()),
            ("app.kubernetes.io/part-of", format!("suite{}", p % 7)),
            ("app.kubernetes.io/managed-by", "helm".to_string()),
            ("app.kubernetes.io/version", format!("1.{}.0", p % 13)),
            ("pod-template-hash", hash.clone()),
            ("environment", env.clone()),
            ("tier", tier.clone()),
            ("team", ns.clone()),
        ];
        let labels = labels
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        pod_events.push((ns.clone(), labels));
    }
    Population {
        selectors,
        pods: pod_events,
    }
}
