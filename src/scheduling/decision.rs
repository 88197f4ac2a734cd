//! What one evaluation found: per node and plugin a status, per feasible node the scores,
//! and the `FailedScheduling` message.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Value, json};

use super::profile::Plugin;

/// kube-scheduler's status codes for a filter's verdict on a node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Code {
    /// The node passes.
    Success,
    /// The node fails; preempting pods could help.
    Unschedulable,
    /// The node fails, and preemption cannot help.
    UnschedulableAndUnresolvable,
    /// The plugin could not evaluate the pod (an invalid term).
    Error,
}

impl Code {
    /// The code's name, as kube-scheduler writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Success => "Success",
            Code::Unschedulable => "Unschedulable",
            Code::UnschedulableAndUnresolvable => "UnschedulableAndUnresolvable",
            Code::Error => "Error",
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Bit of [`Status::reasons`] that stands for the plugin's PreFilter message.
pub(super) const PREFILTER: u8 = 0x80;

/// One filter's verdict on one node: a code and the reasons, a subset of
/// [`Plugin::reasons`] (or the plugin's PreFilter message, see [`Decision::rejection`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Status {
    pub(super) plugin: Plugin,
    pub(super) code: Code,
    pub(super) reasons: u8,
}

impl Status {
    pub(super) fn success(plugin: Plugin) -> Status {
        Status {
            plugin,
            code: Code::Success,
            reasons: 0,
        }
    }

    /// The plugin.
    pub fn plugin(&self) -> Plugin {
        self.plugin
    }

    /// The code.
    pub fn code(&self) -> Code {
        self.code
    }

    /// Whether the node passes.
    pub fn is_success(&self) -> bool {
        self.code == Code::Success
    }

    /// The reasons, as kube-scheduler words them (not the PreFilter message; see
    /// [`NodeVerdict::reasons`]).
    pub fn reasons(&self) -> impl Iterator<Item = &'static str> + '_ {
        let table = self.plugin.reasons();
        (0..table.len())
            .filter(move |i| self.reasons & (1 << i) != 0)
            .map(move |i| table[i])
    }
}

/// A PreFilter's verdict on the pod as a whole (every node gets it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejection {
    /// The plugin.
    pub plugin: Plugin,
    /// `UnschedulableAndUnresolvable` or `Error`.
    pub code: Code,
    /// Its message.
    pub message: String,
}

/// The evaluation of one pod against every node.
#[derive(Clone, Debug)]
pub struct Decision {
    pub(super) pod: String,
    pub(super) names: Arc<[Arc<str>]>,
    pub(super) filters: Vec<Plugin>,
    pub(super) scorers: Vec<(Plugin, i64)>,
    /// Slot-major: `slot * filters.len() + i`.
    pub(super) statuses: Vec<Status>,
    /// Slot-major: `slot * scorers.len() + i`; 0 for infeasible nodes.
    pub(super) scores: Vec<i64>,
    pub(super) totals: Vec<i64>,
    pub(super) feasible: Vec<bool>,
    pub(super) rejection: Option<Rejection>,
    /// A score plugin that could not run (an invalid preferred term): no node is chosen.
    pub(super) score_error: Option<(Plugin, String)>,
}

/// One node of a [`Decision`].
#[derive(Clone, Copy, Debug)]
pub struct NodeVerdict<'a> {
    d: &'a Decision,
    slot: usize,
}

impl<'a> NodeVerdict<'a> {
    /// The node's name.
    pub fn name(&self) -> &'a str {
        &self.d.names[self.slot]
    }

    /// Whether every filter passed.
    pub fn feasible(&self) -> bool {
        self.d.feasible[self.slot]
    }

    /// Every enabled filter's status, in profile order.
    pub fn filters(&self) -> &'a [Status] {
        let n = self.d.filters.len();
        &self.d.statuses[self.slot * n..(self.slot + 1) * n]
    }

    /// The reasons of one status, the PreFilter message included.
    pub fn reasons(&self, status: &Status) -> Vec<String> {
        let mut out: Vec<String> = status.reasons().map(str::to_string).collect();
        if status.reasons & PREFILTER != 0
            && let Some(r) = &self.d.rejection
        {
            out.push(r.message.clone());
        }
        out
    }

    /// The first failing filter, as kube-scheduler reports the node.
    pub fn first_failure(&self) -> Option<&'a Status> {
        self.filters().iter().find(|s| !s.is_success())
    }

    /// The normalized score (0–100) of each score plugin that ran, for a feasible node.
    pub fn scores(&self) -> impl Iterator<Item = (Plugin, i64)> + 'a {
        let n = self.d.scorers.len();
        let feasible = self.feasible();
        let base = self.slot * n;
        let d = self.d;
        (0..n)
            .filter(move |_| feasible)
            .map(move |i| (d.scorers[i].0, d.scores[base + i]))
    }

    /// The weighted sum of the scores (0 for an infeasible node).
    pub fn score(&self) -> i64 {
        self.d.totals[self.slot]
    }
}

impl Decision {
    /// `namespace/name` of the pod.
    pub fn pod(&self) -> &str {
        &self.pod
    }

    /// The enabled filters, in the order they ran.
    pub fn filters(&self) -> &[Plugin] {
        &self.filters
    }

    /// The score plugins that ran (a plugin with nothing to score is skipped, as
    /// kube-scheduler skips it) and their weights.
    pub fn scorers(&self) -> &[(Plugin, i64)] {
        &self.scorers
    }

    /// Every node, by name.
    pub fn nodes(&self) -> impl ExactSizeIterator<Item = NodeVerdict<'_>> + '_ {
        (0..self.names.len()).map(move |slot| NodeVerdict { d: self, slot })
    }

    /// One node by name.
    pub fn node(&self, name: &str) -> Option<NodeVerdict<'_>> {
        let slot = self.names.binary_search_by(|n| (**n).cmp(name)).ok()?;
        Some(NodeVerdict { d: self, slot })
    }

    /// How many nodes pass every filter.
    pub fn feasible_count(&self) -> usize {
        self.feasible.iter().filter(|f| **f).count()
    }

    /// The PreFilter verdict that refused the pod on every node, if one did.
    pub fn rejection(&self) -> Option<&Rejection> {
        self.rejection.as_ref()
    }

    /// The feasible node with the highest score (ties broken by name; kube-scheduler picks
    /// among ties at random), or `None` when no node fits or a score could not be computed.
    pub fn best(&self) -> Option<&str> {
        if self.score_error.is_some() {
            return None;
        }
        let mut best: Option<usize> = None;
        for slot in 0..self.names.len() {
            if self.feasible[slot] && best.is_none_or(|b| self.totals[slot] > self.totals[b]) {
                best = Some(slot);
            }
        }
        best.map(|s| &*self.names[s])
    }

    /// The `FailedScheduling` message when no node fits, worded as kube-scheduler words it
    /// (`0/12 nodes are available: 3 node(s) had untolerated taint(s), 9 node(s) didn't match
    /// pod anti-affinity rules.`): each node counted under the reasons of the first filter
    /// that refused it, the entries sorted as strings. Preemption is not simulated, and the
    /// message says so where kube-scheduler reports it.
    pub fn message(&self) -> Option<String> {
        if let Some((plugin, err)) = &self.score_error {
            return Some(format!(
                "running PreScore plugin {:?}: {err}",
                plugin.name()
            ));
        }
        if self.feasible_count() > 0 {
            return None;
        }
        let mut msg = format!("0/{} nodes are available:", self.names.len());
        if let Some(r) = &self.rejection {
            msg.push_str(&format!(" {}.", r.message));
        } else {
            let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
            for v in self.nodes() {
                let Some(s) = v.first_failure() else { continue };
                // Nodes left out by a PreFilter's node list count under its reason alone.
                let absent = v
                    .filters()
                    .iter()
                    .find(|s| s.plugin == Plugin::NodeAffinity && s.reasons & 0b100 != 0);
                for r in absent.unwrap_or(s).reasons() {
                    *counts.entry(r).or_default() += 1;
                }
            }
            let mut entries: Vec<String> = counts.iter().map(|(r, n)| format!("{n} {r}")).collect();
            entries.sort();
            if !entries.is_empty() {
                msg.push_str(&format!(" {}.", entries.join(", ")));
            }
        }
        msg.push_str(" preemption: not simulated.");
        Some(msg)
    }

    /// The decision as one JSON object, a stable contract:
    /// `{"pod": "NS/NAME", "nodes": [{"name", "feasible", "filters": {"<Plugin>": {"code",
    /// "reasons"}}, "scores": {"<Plugin>": 0..100}, "score"}], "message"}`; `scores` only for
    /// feasible nodes, `message` null when a node fits. Serializing the decision itself
    /// writes the same object with its keys in this order and the plugins in profile order.
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

struct Filters<'a>(NodeVerdict<'a>);

impl Serialize for Filters<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.filters().len()))?;
        for st in self.0.filters() {
            m.serialize_entry(
                st.plugin.name(),
                &json!({"code": st.code.as_str(), "reasons": self.0.reasons(st)}),
            )?;
        }
        m.end()
    }
}

struct Scores<'a>(NodeVerdict<'a>);

impl Serialize for Scores<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        for (p, v) in self.0.scores() {
            m.serialize_entry(p.name(), &v)?;
        }
        m.end()
    }
}

impl Serialize for NodeVerdict<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("name", self.name())?;
        m.serialize_entry("feasible", &self.feasible())?;
        m.serialize_entry("filters", &Filters(*self))?;
        if self.feasible() {
            m.serialize_entry("scores", &Scores(*self))?;
        }
        m.serialize_entry("score", &self.score())?;
        m.end()
    }
}

impl Serialize for Decision {
    /// The object [`to_json`](Decision::to_json) describes, keys in contract order.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let nodes: Vec<NodeVerdict<'_>> = self.nodes().collect();
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("pod", &self.pod)?;
        m.serialize_entry("nodes", &nodes)?;
        m.serialize_entry("message", &self.message())?;
        m.end()
    }
}
