//! kubectl's column logic: READY, STATUS and RESTARTS of pods, STATUS, ROLES and addresses of
//! nodes, as kubectl's printers compute them.

use label_selector::k8s::{Condition, Container, ContainerState, Node, Pod, StateDetail};

use super::table::human_duration;

/// kubectl's READY, STATUS and RESTARTS cells of one pod.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct PodCells {
    pub(crate) ready: String,
    pub(crate) status: String,
    pub(crate) restarts: String,
}

/// The later of two `finishedAt` times (seconds; `None` is Go's zero time).
fn later(date: &mut Option<i64>, state: Option<&ContainerState>) {
    let finished = state
        .and_then(|s| s.terminated.as_ref())
        .and_then(|t| t.finished_at.as_deref())
        .and_then(label_selector::k8s::parse_timestamp);
    if finished > *date {
        *date = finished;
    }
}

fn condition<'a>(pod: &'a Pod, type_: &str) -> Option<&'a Condition> {
    pod.status.conditions.iter().find(|c| c.type_ == type_)
}

/// A terminated state's reason, else `Signal:N` or `ExitCode:N` (with `prefix`).
fn terminated_reason(t: &StateDetail, prefix: &str) -> String {
    match (t.reason.as_deref(), t.signal.unwrap_or(0)) {
        (Some(r), _) if !r.is_empty() => format!("{prefix}{r}"),
        (_, 0) => format!("{prefix}ExitCode:{}", t.exit_code.unwrap_or(0)),
        (_, signal) => format!("{prefix}Signal:{signal}"),
    }
}

/// kubectl's READY, STATUS and RESTARTS of a pod (`printPod` in kubectl's internal printers),
/// with `now` in seconds since the epoch for the RESTARTS suffix:
/// - STATUS is the pod's `reason`, else its phase (printed as is, even empty); then
///   `SchedulingGated` while a gate holds it; then the first init container that has not
///   finished (`Init:N/M`, `Init:<reason>`, `Init:ExitCode:N`, `Init:Signal:N`); once
///   initialized, the last container's waiting or terminated reason, `Running`/`NotReady`
///   when a `Completed` pod still runs a container; `Terminating` (`Unknown` on a lost node)
///   once deletion started, unless the pod finished;
/// - READY counts containers that are ready and running, plus native sidecars (init
///   containers with `restartPolicy: Always`) that started and are ready, out of the
///   containers and sidecars of the spec;
/// - RESTARTS sums restart counts (init containers' only while initializing), with
///   ` (AGE ago)` from the latest `lastState.terminated.finishedAt`.
pub(crate) fn pod_cells(pod: &Pod, now: i64) -> PodCells {
    let status = &pod.status;
    let mut reason = match status.reason.as_deref() {
        Some(r) if !r.is_empty() => r.to_string(),
        _ => status.phase.clone(),
    };
    if status
        .conditions
        .iter()
        .any(|c| c.type_ == "PodScheduled" && c.reason.as_deref() == Some("SchedulingGated"))
    {
        reason = "SchedulingGated".into();
    }
    let sidecar = |name: &str| {
        pod.spec
            .init_containers
            .iter()
            .find(|c| c.name == name)
            .is_some_and(Container::is_sidecar)
    };
    let sidecars = pod
        .spec
        .init_containers
        .iter()
        .filter(|c| c.is_sidecar())
        .count();
    let total = pod.spec.containers.len() + sidecars;
    let (mut ready, mut restarts, mut sidecar_restarts) = (0usize, 0i64, 0i64);
    let (mut last_restart, mut last_sidecar_restart) = (None, None);
    let mut initializing = false;
    for (i, c) in status.init_container_statuses.iter().enumerate() {
        restarts += i64::from(c.restart_count);
        later(&mut last_restart, c.last_state.as_ref());
        let is_sidecar = sidecar(&c.name);
        if is_sidecar {
            sidecar_restarts += i64::from(c.restart_count);
            later(&mut last_sidecar_restart, c.last_state.as_ref());
        }
        let state = c.state.as_ref();
        let terminated = state.and_then(|s| s.terminated.as_ref());
        let waiting = state
            .and_then(|s| s.waiting.as_ref())
            .and_then(|w| w.reason.as_deref())
            .filter(|r| !r.is_empty() && *r != "PodInitializing");
        if terminated.is_some_and(|t| t.exit_code.unwrap_or(0) == 0) {
            continue;
        }
        if is_sidecar && c.started == Some(true) {
            ready += usize::from(c.ready);
            continue;
        }
        reason = match (terminated, waiting) {
            (Some(t), _) => terminated_reason(t, "Init:"),
            (None, Some(w)) => format!("Init:{w}"),
            (None, None) => format!("Init:{i}/{}", pod.spec.init_containers.len()),
        };
        initializing = true;
        break;
    }
    let initialized = condition(pod, "Initialized").is_some_and(|c| c.status == "True");
    if !initializing || initialized {
        restarts = sidecar_restarts;
        last_restart = last_sidecar_restart;
        let mut running = false;
        for c in status.container_statuses.iter().rev() {
            restarts += i64::from(c.restart_count);
            later(&mut last_restart, c.last_state.as_ref());
            let state = c.state.as_ref();
            let waiting = state
                .and_then(|s| s.waiting.as_ref())
                .and_then(|w| w.reason.as_deref())
                .filter(|r| !r.is_empty());
            if let Some(w) = waiting {
                reason = w.to_string();
            } else if let Some(t) = state.and_then(|s| s.terminated.as_ref()) {
                reason = terminated_reason(t, "");
            } else if c.ready && state.is_some_and(|s| s.running.is_some()) {
                running = true;
                ready += 1;
            }
        }
        if reason == "Completed" && running {
            reason = if pod.is_ready() {
                "Running"
            } else {
                "NotReady"
            }
            .into();
        }
    }
    if pod.is_terminating() {
        if status.reason.as_deref() == Some("NodeLost") {
            reason = "Unknown".into();
        } else if !matches!(status.phase.as_str(), "Succeeded" | "Failed") {
            reason = "Terminating".into();
        }
    }
    let restarts = match last_restart {
        Some(t) if restarts != 0 => format!("{restarts} ({} ago)", human_duration(now - t)),
        _ => restarts.to_string(),
    };
    PodCells {
        ready: format!("{ready}/{total}"),
        status: reason,
        restarts,
    }
}

/// kubectl's READINESS GATES column: the gates whose condition (the first of its type) is
/// `True`, out of the gates, or `<none>`.
pub(crate) fn readiness_gates(pod: &Pod) -> String {
    let gates = &pod.spec.readiness_gates;
    if gates.is_empty() {
        return "<none>".into();
    }
    let ok = gates
        .iter()
        .filter(|g| condition(pod, &g.condition_type).is_some_and(|c| c.status == "True"))
        .count();
    format!("{ok}/{}", gates.len())
}

/// kubectl's STATUS column: `Ready`, `NotReady` or `Unknown`, plus `,SchedulingDisabled`
/// when cordoned.
pub(crate) fn node_status(node: &Node) -> String {
    // kubectl keys the conditions by type: the last `Ready` one counts.
    let ready = node.status.conditions.iter().rfind(|c| c.type_ == "Ready");
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

#[cfg(test)]
mod tests {
    use super::{PodCells, pod_cells, readiness_gates};
    use label_selector::k8s::{Pod, parse_timestamp};

    /// kubectl's printer tests (`TestPrintPod`, `TestPrintPodWithRestartableInitContainer`,
    /// `TestPrintPodwide`), their inputs written as manifests, "now" 2026-12-02T12:00:00Z.
    const NOW: &str = "2026-12-02T12:00:00Z";

    fn cells(yaml: &str) -> PodCells {
        let pod: Pod = serde_saphyr::from_str(yaml).unwrap_or_else(|e| panic!("{e}\n{yaml}"));
        pod_cells(&pod, parse_timestamp(NOW).unwrap())
    }

    fn check(yaml: &str, ready: &str, status: &str, restarts: &str) {
        let want = PodCells {
            ready: ready.into(),
            status: status.into(),
            restarts: restarts.into(),
        };
        assert_eq!(cells(yaml), want, "{yaml}");
    }

    const TWO: &str = "spec: {containers: [{name: a}, {name: b}]}";
    const RUNNING: &str = "{ready: true, restartCount: 3, state: {running: {}}}";

    #[test]
    fn containers_decide_ready_and_status() {
        let two = |status: &str| format!("{TWO}\nstatus: {status}");
        check(
            &two(&format!(
                "{{phase: podPhase, containerStatuses: [{RUNNING}, {{restartCount: 3}}]}}"
            )),
            "1/2",
            "podPhase",
            "6",
        );
        check(
            &two(&format!(
                "{{phase: podPhase, containerStatuses: [{RUNNING}, {{restartCount: 3, state: {{waiting: {{reason: ContainerWaitingReason}}}}}}]}}"
            )),
            "1/2",
            "ContainerWaitingReason",
            "6",
        );
        // The first container's state is read last and wins.
        check(
            &two(
                "{phase: podPhase, containerStatuses: [{restartCount: 3, state: {waiting: {reason: ContainerWaitingReason}}}, {restartCount: 3, state: {terminated: {reason: ContainerTerminatedReason}}}]}",
            ),
            "0/2",
            "ContainerWaitingReason",
            "6",
        );
        // Ready without running does not count.
        check(
            &two(&format!(
                "{{phase: podPhase, containerStatuses: [{RUNNING}, {{ready: true, restartCount: 3}}]}}"
            )),
            "1/2",
            "podPhase",
            "6",
        );
        check(
            &two(&format!(
                "{{reason: podReason, phase: podPhase, containerStatuses: [{RUNNING}, {{ready: true, restartCount: 3}}]}}"
            )),
            "1/2",
            "podReason",
            "6",
        );
        let completed_and_running = |conditions: &str| {
            two(&format!(
                "{{phase: Running, reason: '', conditions: [{conditions}], containerStatuses: [{{ready: true, restartCount: 3, state: {{terminated: {{reason: Completed, exitCode: 0}}}}}}, {RUNNING}]}}"
            ))
        };
        check(&completed_and_running(""), "1/2", "NotReady", "6");
        check(
            &completed_and_running("{type: Ready, status: 'True'}"),
            "1/2",
            "Running",
            "6",
        );
        check(
            &two(
                "{phase: podPhase, conditions: [{type: PodScheduled, status: 'False', reason: SchedulingGated}]}",
            ),
            "0/2",
            "SchedulingGated",
            "0",
        );
        check(
            "spec: {containers: [{name: a}]}\nstatus: {phase: Failed, containerStatuses: [{state: {terminated: {reason: Error, exitCode: 1}}}]}",
            "0/1",
            "Error",
            "0",
        );
        // A terminated container without a reason: its signal, else its exit code.
        check(
            "spec: {containers: [{name: a}]}\nstatus: {phase: Running, containerStatuses: [{state: {terminated: {exitCode: 2}}}]}",
            "0/1",
            "ExitCode:2",
            "0",
        );
        check(
            "spec: {containers: [{name: a}]}\nstatus: {phase: Running, containerStatuses: [{state: {terminated: {exitCode: 137, signal: 9}}}]}",
            "0/1",
            "Signal:9",
            "0",
        );
        // No phase: kubectl prints the empty phase.
        check("spec: {containers: [{name: a}]}", "0/1", "", "0");
    }

    #[test]
    fn terminating_only_while_unfinished() {
        let deleted = "metadata: {name: p, deletionTimestamp: '2026-12-02T11:00:00Z'}\nspec: {containers: [{name: a}]}\n";
        check(
            &format!(
                "{deleted}status: {{phase: Succeeded, containerStatuses: [{{state: {{terminated: {{reason: Completed, exitCode: 0}}}}}}]}}"
            ),
            "0/1",
            "Completed",
            "0",
        );
        check(
            &format!(
                "{deleted}status: {{phase: Running, containerStatuses: [{{state: {{running: {{}}}}}}]}}"
            ),
            "0/1",
            "Terminating",
            "0",
        );
        check(
            &format!("{deleted}status: {{phase: Pending}}"),
            "0/1",
            "Terminating",
            "0",
        );
        check(
            &format!("{deleted}status: {{phase: Running, reason: NodeLost}}"),
            "0/1",
            "Unknown",
            "0",
        );
    }

    #[test]
    fn init_containers_and_restart_ages() {
        let ago = |s: &str| format!("lastState: {{terminated: {{finishedAt: '{s}'}}}}");
        let s10 = ago("2026-12-02T11:59:50Z");
        let s20 = ago("2026-12-02T11:59:40Z");
        let m2 = ago("2026-12-02T11:58:00Z");
        let init = |n: usize, statuses: &str, containers: &str, phase: &str| {
            let inits = (0..n)
                .map(|i| format!("{{name: i{i}}}"))
                .collect::<Vec<_>>();
            format!(
                "spec: {{initContainers: [{}], containers: [{{name: a}}]}}\nstatus: {{phase: {phase}, initContainerStatuses: [{statuses}], containerStatuses: [{containers}]}}",
                inits.join(", ")
            )
        };
        let waiting = "{state: {waiting: {}}}";
        check(
            &init(
                1,
                &format!("{{name: i0, restartCount: 3, state: {{running: {{}}}}, {s10}}}"),
                waiting,
                "podPhase",
            ),
            "0/1",
            "Init:0/1",
            "3 (10s ago)",
        );
        check(
            &init(
                2,
                &format!(
                    "{{name: i0, restartCount: 3, state: {{running: {{}}}}, {s10}}}, {{name: i1, state: {{waiting: {{}}}}}}"
                ),
                waiting,
                "podPhase",
            ),
            "0/1",
            "Init:0/2",
            "3 (10s ago)",
        );
        check(
            &init(
                2,
                &format!(
                    "{{name: i0, state: {{terminated: {{}}}}}}, {{name: i1, restartCount: 3, state: {{running: {{}}}}, {s10}}}"
                ),
                waiting,
                "podPhase",
            ),
            "0/1",
            "Init:1/2",
            "3 (10s ago)",
        );
        check(
            &init(
                2,
                &format!(
                    "{{name: i0, restartCount: 2, state: {{terminated: {{}}}}, {m2}}}, {{name: i1, restartCount: 3, state: {{running: {{}}}}, {s10}}}"
                ),
                waiting,
                "podPhase",
            ),
            "0/1",
            "Init:1/2",
            "5 (10s ago)",
        );
        // Initialized: only the app containers' restarts count.
        check(
            &init(
                1,
                &format!("{{name: i0, restartCount: 2, state: {{terminated: {{}}}}, {m2}}}"),
                &format!("{{restartCount: 4, state: {{running: {{}}}}, {s20}}}"),
                "Running",
            ),
            "0/1",
            "Running",
            "4 (20s ago)",
        );
        check(
            &init(
                1,
                "{name: i0, state: {terminated: {reason: OOMKilled, exitCode: 137}}}",
                waiting,
                "Pending",
            ),
            "0/1",
            "Init:OOMKilled",
            "0",
        );
        check(
            &init(
                1,
                "{name: i0, state: {terminated: {exitCode: 3}}}",
                waiting,
                "Pending",
            ),
            "0/1",
            "Init:ExitCode:3",
            "0",
        );
        check(
            &init(
                1,
                "{name: i0, state: {terminated: {exitCode: 143, signal: 15}}}",
                waiting,
                "Pending",
            ),
            "0/1",
            "Init:Signal:15",
            "0",
        );
        check(
            &init(
                1,
                "{name: i0, restartCount: 4, state: {waiting: {reason: CrashLoopBackOff}}}",
                waiting,
                "Pending",
            ),
            "0/1",
            "Init:CrashLoopBackOff",
            "4",
        );
        // Waiting for PodInitializing is the plain count; once the init containers are
        // done the app container's own waiting reason shows.
        check(
            &init(
                1,
                "{name: i0, state: {waiting: {reason: PodInitializing}}}",
                waiting,
                "Pending",
            ),
            "0/1",
            "Init:0/1",
            "0",
        );
        check(
            &init(
                1,
                "{name: i0, state: {terminated: {reason: Completed, exitCode: 0}}}",
                "{state: {waiting: {reason: PodInitializing}}}",
                "Pending",
            ),
            "0/1",
            "PodInitializing",
            "0",
        );
        // Restart ages: the latest termination of any container.
        let two_restarted = |a: &str, b: &str| {
            format!(
                "{TWO}\nstatus: {{phase: Running, containerStatuses: [{{ready: true, restartCount: 6, state: {{running: {{}}}}, {a}}}, {{ready: true, restartCount: 3, state: {{running: {{}}}}, {b}}}]}}"
            )
        };
        check(
            &two_restarted(&ago("2026-11-27T12:00:00Z"), &ago("2026-11-12T12:00:00Z")),
            "2/2",
            "Running",
            "9 (5d ago)",
        );
        check(
            &format!(
                "{TWO}\nstatus: {{phase: Running, containerStatuses: [{{ready: true, state: {{running: {{}}}}}}, {{ready: true, restartCount: 3, state: {{running: {{}}}}, {}}}]}}",
                ago("2026-11-22T12:00:00Z")
            ),
            "2/2",
            "Running",
            "3 (10d ago)",
        );
    }

    #[test]
    fn native_sidecars_count_in_ready() {
        let sidecars = "spec: {initContainers: [{name: s1, restartPolicy: Always}, {name: s2, restartPolicy: Always}], containers: [{name: a}]}";
        let s10 = "lastState: {terminated: {finishedAt: '2026-12-02T11:59:50Z'}}";
        let s20 = "lastState: {terminated: {finishedAt: '2026-12-02T11:59:40Z'}}";
        let pod = |phase: &str, s1: &str, s2: &str, app: &str, initialized: &str| {
            format!(
                "{sidecars}\nstatus: {{phase: {phase}, initContainerStatuses: [{{name: s1, restartCount: 3, {s10}, {s1}}}, {{name: s2, {s2}}}], containerStatuses: [{app}], conditions: [{{type: Initialized, status: '{initialized}'}}]}}"
            )
        };
        let waiting = "{state: {waiting: {}}}";
        check(
            &pod(
                "Pending",
                "state: {running: {}}, started: false",
                "state: {waiting: {}}, started: false",
                waiting,
                "False",
            ),
            "0/3",
            "Init:0/2",
            "3 (10s ago)",
        );
        check(
            &pod(
                "Pending",
                "state: {running: {}}, started: true",
                "state: {running: {}}, started: false",
                waiting,
                "False",
            ),
            "0/3",
            "Init:1/2",
            "3 (10s ago)",
        );
        check(
            &pod(
                "Running",
                "state: {running: {}}, started: true",
                "state: {running: {}}, started: true, ready: true",
                &format!("{{ready: true, restartCount: 4, state: {{running: {{}}}}, {s20}}}"),
                "True",
            ),
            "2/3",
            "Running",
            "7 (10s ago)",
        );
        check(
            &pod(
                "Succeeded",
                "state: {terminated: {reason: Error, exitCode: 137}}, started: false",
                "state: {terminated: {reason: Error, exitCode: 137}}, started: false",
                &format!(
                    "{{restartCount: 4, state: {{terminated: {{reason: Completed, exitCode: 0}}}}, {s20}}}"
                ),
                "True",
            ),
            "0/3",
            "Completed",
            "7 (10s ago)",
        );
        // Statuses for containers the spec does not have.
        check(
            "spec: {initContainers: [{name: init1}, {name: sidecar1, restartPolicy: Always}], containers: [{name: container1}]}\nstatus: {phase: Running, initContainerStatuses: [{name: initinvalid}, {name: init1}, {name: sidecar1}], containerStatuses: [{name: containerinvalid}, {name: container1}]}",
            "0/2",
            "Init:0/2",
            "0",
        );
    }

    #[test]
    fn readiness_gates_read_the_first_condition_of_their_type() {
        let pod: Pod = serde_saphyr::from_str(
            "spec: {readinessGates: [{conditionType: c1}, {conditionType: c2}, {conditionType: c3}]}\nstatus: {conditions: [{type: c1, status: 'False'}, {type: c2, status: 'True'}, {type: c1, status: 'True'}]}",
        )
        .unwrap();
        assert_eq!(readiness_gates(&pod), "1/3");
        assert_eq!(readiness_gates(&Pod::default()), "<none>");
    }
}
