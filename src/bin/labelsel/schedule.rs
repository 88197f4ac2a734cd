//! `labelsel schedule`: where a pod can go and why not elsewhere, as kube-scheduler decides.

use label_selector::Cluster;
use label_selector::k8s::{Object, Pod};
use label_selector::load::read_str;
use label_selector::scheduling::{Decision, Plugin, Profile, Scheduler};

use crate::{Failure, Output, table};

/// The profile from `--config` and `--plugins`: the configuration's arguments, and only the
/// named plugins when given.
pub(crate) fn profile(config: Option<&str>, plugins: &[String]) -> Result<Profile, Failure> {
    let mut profile = match config {
        None => Profile::default(),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| Failure(format!("error: {path}: {e}")))?;
            Profile::from_config(&text).map_err(|e| Failure(format!("error: {path}: {e}")))?
        }
    };
    if !plugins.is_empty() {
        let mut named = Vec::new();
        for p in plugins {
            let plugin = Plugin::from_name(p).ok_or_else(|| {
                let known: Vec<&str> = Plugin::ALL.iter().map(|p| p.name()).collect();
                Failure(format!(
                    "error: unknown plugin {p:?} (known: {})",
                    known.join(", ")
                ))
            })?;
            named.push(plugin);
        }
        let only = Profile::only(&named);
        let args = profile;
        profile = only;
        profile.added_affinity = args.added_affinity;
        profile.hard_pod_affinity_weight = args.hard_pod_affinity_weight;
        profile.ignore_preferred_terms_of_existing_pods =
            args.ignore_preferred_terms_of_existing_pods;
        profile.default_constraints = args.default_constraints;
        profile.system_defaulting = args.system_defaulting;
    }
    Ok(profile)
}

/// The pod to place: a stored pod (evaluated as if pending: its binding is cleared and its
/// stored copy left out of every count), or the first Pod of a file.
pub(crate) fn incoming(
    cluster: &Cluster,
    target: Option<&str>,
    pod_file: Option<&str>,
    namespace: &str,
    notes: &mut Vec<String>,
) -> Result<Pod, Failure> {
    if let Some(path) = pod_file {
        let text = if path == "-" {
            label_selector::load::read_text("-", std::io::stdin().lock())
        } else {
            std::fs::File::open(path)
                .map_err(|e| label_selector::load::LoadError::io(path, &e))
                .and_then(|file| label_selector::load::read_text(path, file))
        }
        .map_err(|e| Failure(format!("error: {e}")))?;
        let docs = read_str(path, &text).map_err(|e| Failure(format!("error: {e}")))?;
        let mut pods = docs.into_iter().flat_map(|d| match d.object {
            Object::Pod(p) => vec![*p],
            Object::List(items) => items
                .into_iter()
                .filter_map(|o| match o {
                    Object::Pod(p) => Some(*p),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        });
        let mut pod = pods
            .next()
            .ok_or_else(|| Failure(format!("error: {path}: no Pod in the file")))?;
        if pod.metadata.namespace.is_empty() {
            pod.metadata.namespace = namespace.to_string();
        }
        return Ok(pod);
    }
    let target =
        target.ok_or_else(|| Failure("error: give a pod (NAMESPACE/NAME) or --pod FILE".into()))?;
    let (ns, name) = target.split_once('/').unwrap_or((namespace, target));
    let entry = cluster.pod_named(ns, name).ok_or_else(|| {
        Failure(format!(
            "Error from server (NotFound): pods \"{name}\" not found in namespace \"{ns}\""
        ))
    })?;
    let mut pod = entry.to_object();
    if let Some(node) = pod.spec.node_name.take() {
        notes.push(format!(
            "note: {ns}/{name} is bound to {node}; evaluated as if it were pending"
        ));
    }
    Ok(pod)
}

fn reason(v: &label_selector::scheduling::NodeVerdict<'_>) -> String {
    match v.first_failure() {
        Some(s) => v.reasons(s).join(", "),
        None => "<none>".into(),
    }
}

/// The table of nodes, feasible ones first by score, then the message.
pub(crate) fn table_text(
    d: &Decision,
    scheduler: &mut Scheduler,
    cluster: &Cluster,
    pod: &Pod,
    wide: bool,
) -> String {
    let mut nodes: Vec<_> = d.nodes().collect();
    nodes.sort_by(|a, b| {
        b.feasible()
            .cmp(&a.feasible())
            .then(b.score().cmp(&a.score()))
            .then(a.name().cmp(b.name()))
    });
    let mut header: Vec<String> = ["NAME", "FEASIBLE", "SCORE", "REASON"]
        .map(String::from)
        .to_vec();
    if wide {
        header.push("DETAILS".into());
    }
    let mut rows = vec![header];
    for v in &nodes {
        let mut row = vec![
            v.name().to_string(),
            if v.feasible() { "true" } else { "false" }.to_string(),
            if v.feasible() {
                v.score().to_string()
            } else {
                "<none>".into()
            },
            reason(v),
        ];
        if wide {
            let facts = scheduler.explain(cluster, pod, v.name());
            row.push(if facts.is_empty() {
                "<none>".into()
            } else {
                facts.join("; ")
            });
        }
        rows.push(row);
    }
    let mut out = if nodes.is_empty() {
        String::new()
    } else {
        table::render(&rows)
    };
    match (d.best(), d.message()) {
        (Some(best), _) => out.push_str(&format!("\n{}: would be scheduled on {best}\n", d.pod())),
        (None, Some(msg)) => out.push_str(&format!("\n{}: FailedScheduling: {msg}\n", d.pod())),
        (None, None) => {}
    }
    out
}

/// Runs `schedule`: one pod, or `replicas` copies placed one after another.
pub(crate) fn run(
    cluster: &mut Cluster,
    profile: Profile,
    pod: Pod,
    replicas: Option<usize>,
    output: Option<Output>,
) -> Result<(String, bool), Failure> {
    let mut scheduler = Scheduler::new(profile);
    let Some(n) = replicas else {
        let d = scheduler.schedule(cluster, &pod);
        let ok = d.best().is_some();
        let text = match output {
            Some(Output::Json) => table::to_json(&d)?,
            Some(Output::Yaml) => table::to_yaml(&d)?,
            Some(Output::Wide) => table_text(&d, &mut scheduler, cluster, &pod, true),
            _ => table_text(&d, &mut scheduler, cluster, &pod, false),
        };
        return Ok((text, ok));
    };
    let mut rows = vec![["POD", "NODE", "SCORE"].map(String::from).to_vec()];
    let mut decisions = Vec::new();
    let mut failure = None;
    for i in 1..=n {
        let mut replica = pod.clone();
        replica.metadata.name = format!("{}-{i}", pod.metadata.name);
        let (d, node) = scheduler
            .place(cluster, replica)
            .map_err(|e| Failure(format!("error: {e}")))?;
        let score = node.as_deref().and_then(|n| d.node(n)).map(|v| v.score());
        rows.push(vec![
            d.pod().to_string(),
            node.clone().unwrap_or_else(|| "<none>".into()),
            score.map_or("<none>".into(), |s| s.to_string()),
        ]);
        let stop = node.is_none();
        if stop {
            failure = d
                .message()
                .map(|m| format!("{}: FailedScheduling: {m}", d.pod()));
        }
        decisions.push(d);
        if stop {
            break;
        }
    }
    let placed = failure.is_none();
    let text = match output {
        Some(Output::Json) => table::to_json(&decisions)?,
        Some(Output::Yaml) => table::to_yaml(&decisions)?,
        _ => {
            let mut t = table::render(&rows);
            if let Some(f) = failure {
                t.push_str(&format!("\n{f}\n"));
            }
            t
        }
    };
    Ok((text, placed))
}
