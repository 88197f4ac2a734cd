//! kubectl's column logic: READY, STATUS and RESTARTS of pods, STATUS, ROLES and addresses of
//! nodes, as kubectl's printers compute them.

use label_selector::k8s::{Node, Pod};

/// kubectl's READY column: (ready containers, containers in the spec).
pub(crate) fn ready_containers(pod: &Pod) -> (usize, usize) {
    let ready = pod
        .status
        .container_statuses
        .iter()
        .filter(|c| c.ready)
        .count();
    (ready, pod.spec.containers.len())
}

/// kubectl's RESTARTS column: the sum of the containers' restart counts.
pub(crate) fn restarts(pod: &Pod) -> i64 {
    pod.status
        .container_statuses
        .iter()
        .map(|c| i64::from(c.restart_count))
        .sum()
}

/// kubectl's STATUS column: the status reason or phase, overridden by a waiting or
/// terminated container's reason, `Terminating` once deletion started (`Unknown` for a pod
/// on a lost node).
pub(crate) fn pod_status(pod: &Pod) -> String {
    let mut reason = pod
        .status
        .reason
        .clone()
        .unwrap_or_else(|| pod.status.phase.clone());
    let mut running = false;
    for c in pod.status.container_statuses.iter().rev() {
        let Some(state) = &c.state else { continue };
        if let Some(r) = state.waiting.as_ref().and_then(|w| w.reason.as_ref()) {
            reason = r.clone();
        } else if let Some(t) = &state.terminated {
            reason = match (&t.reason, t.signal, t.exit_code) {
                (Some(r), _, _) => r.clone(),
                (None, Some(s), _) if s != 0 => format!("Signal:{s}"),
                (None, _, code) => format!("ExitCode:{}", code.unwrap_or(0)),
            };
        } else if c.ready && state.running.is_some() {
            running = true;
        }
    }
    if reason == "Completed" && running {
        reason = if pod.is_ready() {
            "Running".into()
        } else {
            "NotReady".into()
        };
    }
    if pod.is_terminating() {
        reason = if pod.status.reason.as_deref() == Some("NodeLost") {
            "Unknown".into()
        } else {
            "Terminating".into()
        };
    }
    if reason.is_empty() {
        reason = "Unknown".into();
    }
    reason
}

/// kubectl's STATUS column: `Ready`, `NotReady` or `Unknown`, plus `,SchedulingDisabled`
/// when cordoned.
pub(crate) fn node_status(node: &Node) -> String {
    let ready = node.status.conditions.iter().find(|c| c.type_ == "Ready");
    let mut s = match ready.map(|c| c.status.as_str()) {
        Some("True") => "Ready".to_string(),
        Some(_) => "NotReady".to_string(),
        None => "Unknown".to_string(),
    };
    if node.spec.unschedulable {
        s.push_str(",SchedulingDisabled");
    }
    s
}

/// kubectl's ROLES column: the `X` of every `node-role.kubernetes.io/X` label and the value
/// of `kubernetes.io/role`, sorted and joined by `,`, or `<none>`.
pub(crate) fn roles(node: &Node) -> String {
    let mut roles = std::collections::BTreeSet::new();
    for (k, v) in node.metadata.labels.iter() {
        if let Some(role) = k.strip_prefix("node-role.kubernetes.io/") {
            if !role.is_empty() {
                roles.insert(role);
            }
        } else if k == "kubernetes.io/role" && !v.is_empty() {
            roles.insert(v);
        }
    }
    if roles.is_empty() {
        "<none>".into()
    } else {
        roles.into_iter().collect::<Vec<_>>().join(",")
    }
}

/// The first address of the given type (`InternalIP`, `ExternalIP`).
pub(crate) fn address<'a>(node: &'a Node, type_: &str) -> Option<&'a str> {
    node.status
        .addresses
        .iter()
        .find(|a| a.type_ == type_)
        .map(|a| a.address.as_str())
}
