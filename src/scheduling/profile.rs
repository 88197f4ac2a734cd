//! Which plugins run, with which weights and arguments: kube-scheduler's default profile, or
//! the first profile of a `KubeSchedulerConfiguration` (`kubescheduler.config.k8s.io/v1`).

use std::fmt;

use serde::Deserialize;

use crate::k8s::{NodeAffinity, TopologySpreadConstraint, WhenUnsatisfiable};

/// A scheduler plugin this crate evaluates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Plugin {
    /// `NodeUnschedulable`: cordoned nodes.
    NodeUnschedulable,
    /// `NodeName`: `spec.nodeName`.
    NodeName,
    /// `TaintToleration`: taints and tolerations.
    TaintToleration,
    /// `NodeAffinity`: `nodeSelector` and node affinity.
    NodeAffinity,
    /// `NodeResourcesFit`: CPU, memory and pod count against allocatable.
    NodeResourcesFit,
    /// `PodTopologySpread`: topology spread constraints.
    PodTopologySpread,
    /// `InterPodAffinity`: pod affinity and anti-affinity.
    InterPodAffinity,
}

impl Plugin {
    /// Every plugin, in kube-scheduler's default order.
    pub const ALL: [Plugin; 7] = [
        Plugin::NodeUnschedulable,
        Plugin::NodeName,
        Plugin::TaintToleration,
        Plugin::NodeAffinity,
        Plugin::NodeResourcesFit,
        Plugin::PodTopologySpread,
        Plugin::InterPodAffinity,
    ];

    /// The plugin's name in configurations and messages.
    pub fn name(self) -> &'static str {
        match self {
            Plugin::NodeUnschedulable => "NodeUnschedulable",
            Plugin::NodeName => "NodeName",
            Plugin::TaintToleration => "TaintToleration",
            Plugin::NodeAffinity => "NodeAffinity",
            Plugin::NodeResourcesFit => "NodeResourcesFit",
            Plugin::PodTopologySpread => "PodTopologySpread",
            Plugin::InterPodAffinity => "InterPodAffinity",
        }
    }

    /// The plugin named `name` (case-sensitive), if this crate evaluates it.
    pub fn from_name(name: &str) -> Option<Plugin> {
        Plugin::ALL.into_iter().find(|p| p.name() == name)
    }

    /// Whether the plugin scores nodes here. (`NodeResourcesFit` scores in kube-scheduler too;
    /// that score is not modelled: see the README.)
    pub fn scores(self) -> bool {
        matches!(
            self,
            Plugin::TaintToleration
                | Plugin::NodeAffinity
                | Plugin::PodTopologySpread
                | Plugin::InterPodAffinity
        )
    }

    /// kube-scheduler's default score weight.
    pub fn default_weight(self) -> i64 {
        match self {
            Plugin::TaintToleration => 3,
            Plugin::NodeAffinity | Plugin::PodTopologySpread | Plugin::InterPodAffinity => 2,
            _ => 1,
        }
    }

    /// The reasons the plugin's filter gives, as kube-scheduler words them; a
    /// [`Status`](super::Status)'s reasons are a subset of these.
    pub fn reasons(self) -> &'static [&'static str] {
        match self {
            Plugin::NodeUnschedulable => &["node(s) were unschedulable"],
            Plugin::NodeName => &["node(s) didn't match the requested node name"],
            Plugin::TaintToleration => &["node(s) had untolerated taint(s)"],
            Plugin::NodeAffinity => &[
                "node(s) didn't match Pod's node affinity/selector",
                "node(s) didn't match scheduler-enforced node affinity",
                "node(s) didn't satisfy plugin(s) [NodeAffinity]",
            ],
            Plugin::NodeResourcesFit => {
                &["Too many pods", "Insufficient cpu", "Insufficient memory"]
            }
            Plugin::PodTopologySpread => &[
                "node(s) didn't match pod topology spread constraints",
                "node(s) didn't match pod topology spread constraints (missing required label)",
            ],
            Plugin::InterPodAffinity => &[
                "node(s) didn't match pod affinity rules",
                "node(s) didn't match pod anti-affinity rules",
                "node(s) didn't satisfy existing pods anti-affinity rules",
            ],
        }
    }
}

impl fmt::Display for Plugin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Plugins of kube-scheduler's default profile that this crate does not evaluate (ports,
/// volumes, images, DRA, queueing and binding): a configuration may name them; they are
/// listed in [`Profile::not_simulated`].
const KNOWN_OTHERS: &[&str] = &[
    "SchedulingGates",
    "PrioritySort",
    "NodePorts",
    "VolumeRestrictions",
    "NodeVolumeLimits",
    "VolumeBinding",
    "VolumeZone",
    "DefaultPreemption",
    "NodeResourcesBalancedAllocation",
    "ImageLocality",
    "DefaultBinder",
    "DynamicResources",
];

/// The plugins that run and their arguments.
///
/// ```
/// use label_selector::scheduling::{Plugin, Profile};
///
/// let p = Profile::default();
/// assert_eq!(p.filters()[0], Plugin::NodeUnschedulable);
/// assert_eq!(p.weight(Plugin::TaintToleration), Some(3));
/// let only = Profile::only(&[Plugin::TaintToleration, Plugin::NodeAffinity]);
/// assert_eq!(only.filters(), [Plugin::TaintToleration, Plugin::NodeAffinity]);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Profile {
    filters: Vec<Plugin>,
    scores: Vec<(Plugin, i64)>,
    not_simulated: Vec<String>,
    /// NodeAffinity's `addedAffinity`: ANDed into every pod's required node affinity (its
    /// preferred terms add to the score).
    pub added_affinity: Option<NodeAffinity>,
    /// InterPodAffinity's `hardPodAffinityWeight` (default 1, 0–100).
    pub hard_pod_affinity_weight: i64,
    /// InterPodAffinity's `ignorePreferredTermsOfExistingPods`.
    pub ignore_preferred_terms_of_existing_pods: bool,
    /// PodTopologySpread's `defaultConstraints` (used with `defaultingType: List`).
    pub default_constraints: Vec<TopologySpreadConstraint>,
    /// PodTopologySpread's `defaultingType: System` (the default): hostname maxSkew 3 and zone
    /// maxSkew 5, `ScheduleAnyway`, for pods without constraints.
    pub system_defaulting: bool,
}

impl Default for Profile {
    /// kube-scheduler's default profile, restricted to the plugins modelled here.
    fn default() -> Profile {
        Profile::only(&Plugin::ALL)
    }
}

impl Profile {
    /// A profile with only these plugins enabled (each at every extension point it has, with
    /// its default weight) and default arguments. Filters run in kube-scheduler's order.
    pub fn only(plugins: &[Plugin]) -> Profile {
        let mut filters: Vec<Plugin> = Plugin::ALL
            .into_iter()
            .filter(|p| plugins.contains(p))
            .collect();
        filters.dedup();
        let scores = score_order()
            .into_iter()
            .filter(|p| plugins.contains(p))
            .map(|p| (p, p.default_weight()))
            .collect();
        Profile {
            filters,
            scores,
            not_simulated: Vec::new(),
            added_affinity: None,
            hard_pod_affinity_weight: 1,
            ignore_preferred_terms_of_existing_pods: false,
            default_constraints: Vec::new(),
            system_defaulting: true,
        }
    }

    /// The filter plugins, in the order they run.
    pub fn filters(&self) -> &[Plugin] {
        &self.filters
    }

    /// The score plugins with their weights.
    pub fn scores(&self) -> &[(Plugin, i64)] {
        &self.scores
    }

    /// The weight of a score plugin, if it scores in this profile.
    pub fn weight(&self, plugin: Plugin) -> Option<i64> {
        self.scores
            .iter()
            .find(|(p, _)| *p == plugin)
            .map(|(_, w)| *w)
    }

    /// Plugins the configuration enables that this crate does not evaluate.
    pub fn not_simulated(&self) -> &[String] {
        &self.not_simulated
    }

    /// The first profile of a `KubeSchedulerConfiguration` (YAML or JSON): its plugin sets
    /// (`multiPoint`, `filter`, `score`: `disabled` first, `*` for all defaults, then
    /// `enabled`, whose `weight` sets a score weight) and its `pluginConfig` arguments for
    /// NodeAffinity, InterPodAffinity and PodTopologySpread.
    ///
    /// ```
    /// use label_selector::scheduling::{Plugin, Profile};
    ///
    /// let p = Profile::from_config(r#"
    /// apiVersion: kubescheduler.config.k8s.io/v1
    /// kind: KubeSchedulerConfiguration
    /// profiles:
    /// - schedulerName: default-scheduler
    ///   plugins:
    ///     score:
    ///       disabled: [{name: TaintToleration}]
    ///       enabled: [{name: InterPodAffinity, weight: 10}]
    ///   pluginConfig:
    ///   - name: InterPodAffinity
    ///     args: {hardPodAffinityWeight: 5}
    /// "#)?;
    /// assert_eq!(p.weight(Plugin::TaintToleration), None);
    /// assert!(p.filters().contains(&Plugin::TaintToleration));
    /// assert_eq!(p.weight(Plugin::InterPodAffinity), Some(10));
    /// assert_eq!(p.hard_pod_affinity_weight, 5);
    /// # Ok::<(), label_selector::scheduling::ConfigError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ConfigError`] for text that is not such a configuration, an unknown `apiVersion`,
    /// an unknown plugin name, or an argument out of range.
    pub fn from_config(text: &str) -> Result<Profile, ConfigError> {
        let cfg: Config = serde_saphyr::from_str(text).map_err(|e| {
            let msg = e.to_string();
            ConfigError(msg.lines().next().unwrap_or_default().to_string())
        })?;
        if cfg.api_version != "kubescheduler.config.k8s.io/v1" {
            return Err(ConfigError(format!(
                "apiVersion must be kubescheduler.config.k8s.io/v1, found {:?}",
                cfg.api_version
            )));
        }
        if cfg.kind != "KubeSchedulerConfiguration" {
            return Err(ConfigError(format!(
                "kind must be KubeSchedulerConfiguration, found {:?}",
                cfg.kind
            )));
        }
        let mut profile = Profile::default();
        let Some(first) = cfg.profiles.into_iter().next() else {
            return Ok(profile);
        };
        let plugins = first.plugins.unwrap_or_default();
        let mut others = Vec::new();
        for set in [&plugins.multi_point, &plugins.filter] {
            apply_set(set, &mut others, |names, disabled_all| {
                if disabled_all {
                    profile.filters.clear();
                }
                for n in names.disabled {
                    profile.filters.retain(|p| p.name() != n);
                }
                for (p, _) in names.enabled {
                    if !profile.filters.contains(&p) {
                        profile.filters.push(p);
                    }
                }
            })?;
        }
        for (point, set) in [(true, &plugins.multi_point), (false, &plugins.score)] {
            apply_set(set, &mut others, |names, disabled_all| {
                if disabled_all {
                    profile.scores.clear();
                }
                for n in names.disabled {
                    profile.scores.retain(|(p, _)| p.name() != n);
                }
                for (p, w) in names.enabled {
                    if point && !p.scores() {
                        continue;
                    }
                    let w = w.unwrap_or(p.default_weight());
                    match profile.scores.iter_mut().find(|(q, _)| *q == p) {
                        Some(slot) => slot.1 = w,
                        None if p.scores() => profile.scores.push((p, w)),
                        None => {}
                    }
                }
            })?;
        }
        // Filters keep kube-scheduler's order among themselves.
        profile
            .filters
            .sort_by_key(|p| Plugin::ALL.iter().position(|q| q == p));
        others.sort();
        others.dedup();
        profile.not_simulated = others;
        for pc in first.plugin_config {
            let args = pc.args.unwrap_or(serde_json::Value::Null);
            let bad = |e: serde_json::Error| ConfigError(format!("pluginConfig {}: {e}", pc.name));
            match pc.name.as_str() {
                "NodeAffinity" => {
                    let a: NodeAffinityArgs = serde_json::from_value(args).map_err(bad)?;
                    profile.added_affinity = a.added_affinity;
                }
                "InterPodAffinity" => {
                    let a: InterPodAffinityArgs = serde_json::from_value(args).map_err(bad)?;
                    if let Some(w) = a.hard_pod_affinity_weight {
                        if !(0..=100).contains(&w) {
                            return Err(ConfigError(format!(
                                "pluginConfig InterPodAffinity: hardPodAffinityWeight must be in the range 0-100, found {w}"
                            )));
                        }
                        profile.hard_pod_affinity_weight = w;
                    }
                    profile.ignore_preferred_terms_of_existing_pods =
                        a.ignore_preferred_terms_of_existing_pods;
                }
                "PodTopologySpread" => {
                    let a: SpreadArgs = serde_json::from_value(args).map_err(bad)?;
                    profile.system_defaulting = match a.defaulting_type.as_deref() {
                        None | Some("System") => a.default_constraints.is_empty(),
                        Some("List") => false,
                        Some(other) => {
                            return Err(ConfigError(format!(
                                "pluginConfig PodTopologySpread: defaultingType must be System or List, found {other:?}"
                            )));
                        }
                    };
                    if a.defaulting_type.as_deref() == Some("System")
                        && !a.default_constraints.is_empty()
                    {
                        return Err(ConfigError(
                            "pluginConfig PodTopologySpread: defaultConstraints must be empty when defaultingType is System".into(),
                        ));
                    }
                    if a.default_constraints
                        .iter()
                        .any(|c| c.label_selector.is_some())
                    {
                        return Err(ConfigError(
                            "pluginConfig PodTopologySpread: defaultConstraints may not have a labelSelector".into(),
                        ));
                    }
                    profile.default_constraints = a.default_constraints;
                }
                _ => {}
            }
        }
        Ok(profile)
    }

    /// The default constraints for a pod without constraints, before their selector is set.
    pub(crate) fn defaults(&self) -> Vec<TopologySpreadConstraint> {
        if !self.system_defaulting {
            return self.default_constraints.clone();
        }
        let c = |key: &str, skew| TopologySpreadConstraint {
            max_skew: skew,
            topology_key: key.to_string(),
            when_unsatisfiable: WhenUnsatisfiable::ScheduleAnyway,
            ..TopologySpreadConstraint::default()
        };
        vec![
            c("kubernetes.io/hostname", 3),
            c("topology.kubernetes.io/zone", 5),
        ]
    }
}

/// The scoring plugins in kube-scheduler's order.
fn score_order() -> [Plugin; 4] {
    [
        Plugin::TaintToleration,
        Plugin::NodeAffinity,
        Plugin::PodTopologySpread,
        Plugin::InterPodAffinity,
    ]
}

struct Names {
    disabled: Vec<String>,
    enabled: Vec<(Plugin, Option<i64>)>,
}

fn apply_set(
    set: &Option<PluginSet>,
    others: &mut Vec<String>,
    mut f: impl FnMut(Names, bool),
) -> Result<(), ConfigError> {
    let Some(set) = set else { return Ok(()) };
    let mut disabled_all = false;
    let mut names = Names {
        disabled: Vec::new(),
        enabled: Vec::new(),
    };
    for d in &set.disabled {
        if d.name == "*" {
            disabled_all = true;
        } else {
            check_name(&d.name)?;
            names.disabled.push(d.name.clone());
        }
    }
    for e in &set.enabled {
        check_name(&e.name)?;
        match Plugin::from_name(&e.name) {
            Some(p) => names.enabled.push((p, e.weight)),
            None => others.push(e.name.clone()),
        }
    }
    f(names, disabled_all);
    Ok(())
}

fn check_name(name: &str) -> Result<(), ConfigError> {
    if Plugin::from_name(name).is_some() || KNOWN_OTHERS.contains(&name) {
        Ok(())
    } else {
        Err(ConfigError(format!("unknown plugin {name:?}")))
    }
}

/// A scheduler configuration that cannot be used, with the reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError(String);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "scheduler configuration: {}", self.0)
    }
}

impl std::error::Error for ConfigError {}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Config {
    #[serde(default)]
    api_version: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    profiles: Vec<ProfileConfig>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProfileConfig {
    #[serde(default)]
    plugins: Option<Plugins>,
    #[serde(default)]
    plugin_config: Vec<PluginConfig>,
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Plugins {
    #[serde(default)]
    multi_point: Option<PluginSet>,
    #[serde(default)]
    filter: Option<PluginSet>,
    #[serde(default)]
    score: Option<PluginSet>,
}

#[derive(Deserialize)]
struct PluginSet {
    #[serde(default)]
    enabled: Vec<PluginRef>,
    #[serde(default)]
    disabled: Vec<PluginRef>,
}

#[derive(Deserialize)]
struct PluginRef {
    name: String,
    #[serde(default)]
    weight: Option<i64>,
}

#[derive(Deserialize)]
struct PluginConfig {
    name: String,
    #[serde(default)]
    args: Option<serde_json::Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NodeAffinityArgs {
    #[serde(default)]
    added_affinity: Option<NodeAffinity>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct InterPodAffinityArgs {
    #[serde(default)]
    hard_pod_affinity_weight: Option<i64>,
    #[serde(default)]
    ignore_preferred_terms_of_existing_pods: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SpreadArgs {
    #[serde(default)]
    default_constraints: Vec<TopologySpreadConstraint>,
    #[serde(default)]
    defaulting_type: Option<String>,
}
