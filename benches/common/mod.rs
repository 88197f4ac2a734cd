//! Shared bench inputs: the selectors S1 / S2 / S3 / S20, a pod's labels, and the peers we
//! compare against (kube-core's `Selector`, a hand-written parser, a plain `Vec` loop).
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};

use kube_core::{Expression, Selector as KubeSelector};
use label_selector::{Operator, Selector};

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
