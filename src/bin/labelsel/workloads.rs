//! `get services|deployments|replicasets|replicationcontrollers|statefulsets|daemonsets|pdb`,
//! `endpoints`, `owners`, `evict` and `watch`: kubectl's columns and shapes over the store's
//! workload answers.

use label_selector::k8s::{Kind, ObjectKey, ObjectMeta, Service, Workload, WorkloadKind};
use label_selector::workloads::{
    DisruptionStatus, Endpoint, EndpointSlice, Eviction, Ownership, Report, Workloads,
};
use label_selector::{Cluster, LabelSet, Selector};
use serde_json::{Value, json};

use super::table::{self, Options, age, extra_cells, extra_headers, render};
use super::{Failure, Output};

/// The kinds `get` lists besides pods and nodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Listed {
    Services,
    Workloads(WorkloadKind),
    Pdbs,
}

impl Listed {
    /// kubectl's resource name, for messages (`services "x" not found`).
    fn resource(self) -> &'static str {
        match self {
            Listed::Services => "services",
            Listed::Pdbs => "poddisruptionbudgets.policy",
            Listed::Workloads(k) => match k {
                WorkloadKind::Deployment => "deployments.apps",
                WorkloadKind::ReplicaSet => "replicasets.apps",
                WorkloadKind::StatefulSet => "statefulsets.apps",
                WorkloadKind::DaemonSet => "daemonsets.apps",
                _ => "replicationcontrollers",
            },
        }
    }

    /// The prefix of `-o name`.
    fn name_prefix(self) -> &'static str {
        match self {
            Listed::Services => "service",
            Listed::Pdbs => "poddisruptionbudget.policy",
            Listed::Workloads(k) => match k {
                WorkloadKind::Deployment => "deployment.apps",
                WorkloadKind::ReplicaSet => "replicaset.apps",
                WorkloadKind::StatefulSet => "statefulset.apps",
                WorkloadKind::DaemonSet => "daemonset.apps",
                _ => "replicationcontroller",
            },
        }
    }
}

/// One object to print: where it is, its labels, its cells and its JSON.
struct Item {
    namespace: String,
    name: String,
    labels: LabelSet,
    cells: Vec<String>,
    json: Value,
}

fn none_if_empty(s: String) -> String {
    if s.is_empty() { "<none>".into() } else { s }
}

/// `labels.FormatLabels`: `k=v,k2=v2`, `<none>` when empty.
fn format_labels<'a>(pairs: impl Iterator<Item = (&'a str, &'a str)>) -> String {
    none_if_empty(
        pairs
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(","),
    )
}

fn service_cells(svc: &Service, opts: &Options<'_>) -> Vec<String> {
    let s = &svc.spec;
    let type_ = s.type_.clone().unwrap_or_else(|| "ClusterIP".into());
    let cluster_ip = s
        .cluster_ip
        .clone()
        .filter(|ip| !ip.is_empty())
        .unwrap_or_else(|| "<none>".into());
    let lb: Vec<String> = svc
        .status
        .load_balancer
        .ingress
        .iter()
        .filter_map(|i| i.ip.clone().or_else(|| i.hostname.clone()))
        .collect();
    let mut lb = lb.join(",");
    if !opts.wide && lb.len() > 16 {
        lb = format!("{}...", lb.chars().take(13).collect::<String>());
    }
    let external = match type_.as_str() {
        "ClusterIP" | "NodePort" => none_if_empty(s.external_ips.join(",")),
        "LoadBalancer" => {
            let mut all = s.external_ips.clone();
            if !lb.is_empty() {
                all.push(lb.clone());
            }
            if all.is_empty() {
                "<pending>".into()
            } else {
                all.join(",")
            }
        }
        "ExternalName" => s.external_name.clone().unwrap_or_default(),
        _ => "<unknown>".into(),
    };
    let ports = none_if_empty(
        s.ports
            .iter()
            .map(|p| match p.node_port {
                Some(n) if n > 0 => format!("{}:{n}/{}", p.port, p.protocol()),
                _ => format!("{}/{}", p.port, p.protocol()),
            })
            .collect::<Vec<_>>()
            .join(","),
    );
    let mut cells = vec![
        type_,
        cluster_ip,
        external,
        ports,
        age(svc.metadata.creation_timestamp.as_deref(), opts.now),
    ];
    if opts.wide {
        let sel = s.selector.as_ref();
        cells.push(format_labels(sel.into_iter().flat_map(|l| l.iter())));
    }
    cells
}

fn containers(w: &Workload) -> (String, String) {
    let c = &w.spec.template.spec.containers;
    (
        c.iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>()
            .join(","),
        c.iter()
            .map(|c| c.image.as_str())
            .collect::<Vec<_>>()
            .join(","),
    )
}

fn selector_text(w: &Workload) -> String {
    if w.kind == WorkloadKind::ReplicationController {
        let labels = w
            .spec
            .selector
            .as_ref()
            .and_then(|s| s.match_labels.as_ref());
        return format_labels(
            labels
                .into_iter()
                .flatten()
                .map(|(k, v)| (k.as_str(), v.as_str())),
        );
    }
    // metav1.LabelSelectorAsSelector(...).String(): nothing and everything both print "".
    w.selector().to_string()
}

fn workload_cells(w: &Workload, opts: &Options<'_>) -> Vec<String> {
    let st = &w.status;
    let n = |v: Option<i32>| v.unwrap_or(0).to_string();
    let age = age(w.metadata.creation_timestamp.as_deref(), opts.now);
    let desired = w.spec.replicas.unwrap_or(1);
    let (names, images) = containers(w);
    let mut cells = match w.kind {
        WorkloadKind::Deployment => vec![
            format!("{}/{desired}", st.ready_replicas.unwrap_or(0)),
            n(st.updated_replicas),
            n(st.available_replicas),
            age,
        ],
        WorkloadKind::StatefulSet => {
            vec![format!("{}/{desired}", st.ready_replicas.unwrap_or(0)), age]
        }
        WorkloadKind::DaemonSet => vec![
            n(st.desired_number_scheduled),
            n(st.current_number_scheduled),
            n(st.number_ready),
            n(st.updated_number_scheduled),
            n(st.number_available),
            format_labels(
                w.spec
                    .template
                    .spec
                    .node_selector
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str())),
            ),
            age,
        ],
        _ => vec![
            desired.to_string(),
            n(st.replicas),
            n(st.ready_replicas),
            age,
        ],
    };
    if opts.wide {
        cells.push(names);
        cells.push(images);
        if w.kind != WorkloadKind::StatefulSet {
            cells.push(selector_text(w));
        }
    }
    cells
}

fn headers(listed: Listed, wide: bool) -> Vec<&'static str> {
    let mut h = match listed {
        Listed::Services => vec![
            "NAME",
            "TYPE",
            "CLUSTER-IP",
            "EXTERNAL-IP",
            "PORT(S)",
            "AGE",
        ],
        Listed::Pdbs => vec![
            "NAME",
            "MIN AVAILABLE",
            "MAX UNAVAILABLE",
            "ALLOWED DISRUPTIONS",
            "AGE",
        ],
        Listed::Workloads(WorkloadKind::Deployment) => {
            vec!["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]
        }
        Listed::Workloads(WorkloadKind::StatefulSet) => vec!["NAME", "READY", "AGE"],
        Listed::Workloads(WorkloadKind::DaemonSet) => {
            vec![
                "NAME",
                "DESIRED",
                "CURRENT",
                "READY",
                "UP-TO-DATE",
                "AVAILABLE",
                "NODE SELECTOR",
                "AGE",
            ]
        }
        Listed::Workloads(_) => vec!["NAME", "DESIRED", "CURRENT", "READY", "AGE"],
    };
    if wide {
        match listed {
            Listed::Services => h.push("SELECTOR"),
            Listed::Pdbs => {}
            Listed::Workloads(WorkloadKind::StatefulSet) => h.extend(["CONTAINERS", "IMAGES"]),
            Listed::Workloads(_) => h.extend(["CONTAINERS", "IMAGES", "SELECTOR"]),
        }
    }
    h
}

fn with_type(mut v: Value, api_version: &str, kind: &str) -> Value {
    let mut out = serde_json::Map::new();
    out.insert("apiVersion".into(), json!(api_version));
    out.insert("kind".into(), json!(kind));
    if let Value::Object(m) = &mut v {
        for (k, val) in std::mem::take(m) {
            if k != "apiVersion" && k != "kind" {
                out.insert(k, val);
            }
        }
    }
    Value::Object(out)
}

fn items(cluster: &Cluster, listed: Listed, opts: &Options<'_>) -> Vec<Item> {
    let w = Workloads::new(cluster, opts.now);
    let item = |meta: &ObjectMeta, cells: Vec<String>, json: Value| Item {
        namespace: meta.namespace.clone(),
        name: meta.name.clone(),
        labels: meta.labels.clone(),
        cells,
        json,
    };
    match listed {
        Listed::Services => cluster
            .services()
            .map(|s| {
                let json = with_type(
                    serde_json::to_value(s).unwrap_or(Value::Null),
                    "v1",
                    "Service",
                );
                item(&s.metadata, service_cells(s, opts), json)
            })
            .collect(),
        Listed::Workloads(kind) => cluster
            .workloads()
            .filter(|x| x.kind == kind)
            .map(|x| {
                item(
                    &x.metadata,
                    workload_cells(x, opts),
                    serde_json::to_value(x).unwrap_or(Value::Null),
                )
            })
            .collect(),
        Listed::Pdbs => cluster
            .pdbs()
            .map(|p| {
                let key = ObjectKey::new(
                    Kind::PodDisruptionBudget,
                    &p.metadata.namespace,
                    &p.metadata.name,
                );
                let status = w.disruption(&key).unwrap_or_default();
                let na = |v: Option<label_selector::k8s::IntOrPercent>| {
                    v.map_or("N/A".to_string(), |v| v.to_string())
                };
                let cells = vec![
                    na(p.spec.min_available),
                    na(p.spec.max_unavailable),
                    status.disruptions_allowed.to_string(),
                    age(p.metadata.creation_timestamp.as_deref(), opts.now),
                ];
                let mut json = with_type(
                    serde_json::to_value(p).unwrap_or(Value::Null),
                    "policy/v1",
                    "PodDisruptionBudget",
                );
                json["status"] = serde_json::to_value(status.to_status()).unwrap_or(Value::Null);
                item(&p.metadata, cells, json)
            })
            .collect(),
    }
}

/// `get KIND [NAME]` for the workload kinds.
#[allow(clippy::too_many_arguments)]
pub(crate) fn get(
    cluster: &Cluster,
    listed: Listed,
    name: Option<&str>,
    namespace: Option<&str>,
    sel: &Selector,
    output: Option<Output>,
    opts: &Options<'_>,
) -> Result<(String, Option<String>), Failure> {
    let mut found: Vec<Item> = items(cluster, listed, opts)
        .into_iter()
        .filter(|i| namespace.is_none_or(|ns| i.namespace == ns))
        .filter(|i| name.is_none_or(|n| i.name == n))
        .filter(|i| sel.matches(&i.labels))
        .collect();
    found.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
    if let (Some(n), true) = (name, found.is_empty()) {
        return Err(Failure(format!(
            "Error from server (NotFound): {} \"{n}\" not found",
            listed.resource()
        )));
    }
    if found.is_empty() && !matches!(output, Some(Output::Json | Output::Yaml)) {
        let msg = match namespace {
            Some(ns) => format!("No resources found in {ns} namespace."),
            None => "No resources found".into(),
        };
        return Ok((String::new(), Some(msg)));
    }
    let out = match output {
        Some(Output::Name) => found
            .iter()
            .map(|i| format!("{}/{}\n", listed.name_prefix(), i.name))
            .collect(),
        Some(o @ (Output::Json | Output::Yaml)) => {
            let v = if name.is_some() && found.len() == 1 {
                found.remove(0).json
            } else {
                list(found.into_iter().map(|i| i.json).collect())
            };
            print(&v, o)?
        }
        _ => {
            let mut header: Vec<String> = Vec::new();
            if opts.all_namespaces {
                header.push("NAMESPACE".into());
            }
            header.extend(headers(listed, opts.wide).into_iter().map(String::from));
            extra_headers(&mut header, opts);
            let mut rows = vec![header];
            for i in found {
                let mut row = Vec::new();
                if opts.all_namespaces {
                    row.push(i.namespace.clone());
                }
                row.push(i.name.clone());
                row.extend(i.cells);
                extra_cells(&mut row, &i.labels, opts);
                rows.push(row);
            }
            render(&rows)
        }
    };
    Ok((out, None))
}

fn list(items: Vec<Value>) -> Value {
    json!({"apiVersion": "v1", "items": items, "kind": "List", "metadata": {"resourceVersion": ""}})
}

fn print(v: &Value, o: Output) -> Result<String, Failure> {
    match o {
        Output::Yaml => table::to_yaml(v),
        _ => table::to_json(v),
    }
}

/// kubectl's ENDPOINTS and PORTS cells: the first three, then `+ N more...`.
fn first_three(list: Vec<String>) -> String {
    let n = list.len();
    if n == 0 {
        return "<unset>".into();
    }
    let head = list.into_iter().take(3).collect::<Vec<_>>().join(",");
    if n > 3 {
        format!("{head} + {} more...", n - 3)
    } else {
        head
    }
}

/// `endpoints SERVICE`: `kubectl get endpointslices -l kubernetes.io/service-name=SERVICE`.
pub(crate) fn endpoints(
    cluster: &Cluster,
    namespace: &str,
    service: &str,
    output: Option<Output>,
    now: i64,
) -> Result<(String, Option<String>), Failure> {
    let w = Workloads::new(cluster, now);
    let key = ObjectKey::new(Kind::Service, namespace, service);
    let Some(slices) = w.endpoint_slices(&key) else {
        return Err(Failure(format!(
            "Error from server (NotFound): services \"{service}\" not found"
        )));
    };
    let created = cluster
        .service(namespace, service)
        .and_then(|s| s.metadata.creation_timestamp.clone());
    if let Some(o @ (Output::Json | Output::Yaml)) = output {
        let items = slices
            .iter()
            .map(|s| {
                let mut v = s.to_json();
                if let Some(t) = &created {
                    v["metadata"]["creationTimestamp"] = json!(t);
                }
                v
            })
            .collect();
        return Ok((print(&list(items), o)?, None));
    }
    if slices.is_empty() {
        return Ok((
            String::new(),
            Some(format!("No resources found in {namespace} namespace.")),
        ));
    }
    let mut rows = vec![
        ["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"]
            .map(String::from)
            .to_vec(),
    ];
    for s in &slices {
        rows.push(slice_row(s, created.as_deref(), now));
    }
    Ok((render(&rows), None))
}

fn slice_row(s: &EndpointSlice, created: Option<&str>, now: i64) -> Vec<String> {
    let ports = first_three(s.ports.iter().map(|p| p.port.to_string()).collect());
    let addrs = first_three(
        s.endpoints
            .iter()
            .flat_map(|e| e.addresses.iter().map(|a| a.to_string()))
            .collect(),
    );
    vec![
        s.name.clone(),
        s.address_type.to_string(),
        ports,
        addrs,
        age(created, now),
    ]
}

fn conditions(e: &Endpoint) -> String {
    let c = e.conditions;
    let mut parts = vec![if c.ready { "ready" } else { "not ready" }];
    if !c.serving {
        parts.push("not serving");
    }
    if c.terminating {
        parts.push("terminating");
    }
    parts.join(", ")
}

fn ownership_text(o: &Ownership) -> String {
    let mut s = match (&o.controller_ref, &o.controller) {
        (None, _) => "orphan".to_string(),
        (Some(_), Some(c)) => format!("{}/{}", c.kind(), c.name()),
        (Some(r), None) => format!("{}/{} (not found with uid {:?})", r.kind, r.name, r.uid),
    };
    if let Some(d) = &o.deployment {
        s += &format!(" of Deployment/{}", d.name());
    }
    if !o.adopters.is_empty() {
        let a: Vec<String> = o
            .adopters
            .iter()
            .map(|k| format!("{}/{}", k.kind(), k.name()))
            .collect();
        s += &format!(", adopted by {}", a.join(", "));
    }
    if let Some(r) = &o.releaser {
        s += &format!(", released by {}/{}", r.kind(), r.name());
    }
    s
}

fn budget_text(s: &DisruptionStatus) -> String {
    let mut t = format!(
        "allowed {} (healthy {}, desired {}, expected {})",
        s.disruptions_allowed, s.current_healthy, s.desired_healthy, s.expected_pods
    );
    if let Some(e) = &s.sync_error {
        t += &format!(", sync failed: {e}");
    }
    t
}

/// `owners POD`.
pub(crate) fn owners(
    cluster: &Cluster,
    namespace: &str,
    pod: &str,
    output: Option<Output>,
    now: i64,
) -> Result<String, Failure> {
    let w = Workloads::new(cluster, now);
    let Some(id) = cluster.pod_id(namespace, pod) else {
        return Err(Failure(format!(
            "Error from server (NotFound): pods \"{pod}\" not found"
        )));
    };
    let Some(own) = w.ownership(id) else {
        return Err(Failure(format!(
            "Error from server (NotFound): pods \"{pod}\" not found"
        )));
    };
    let services = w.services_of(id);
    let budgets: Vec<(ObjectKey, Option<DisruptionStatus>)> = cluster
        .pdbs_for_pod(id)
        .into_iter()
        .map(|k| (k.clone(), w.disruption(k)))
        .collect();
    if let Some(o @ (Output::Json | Output::Yaml)) = output {
        let v = json!({
            "pod": ObjectKey::pod(namespace, pod),
            "ownership": own,
            "services": services.iter().map(|(k, e)| json!({"service": k, "endpoint": e})).collect::<Vec<_>>(),
            "budgets": budgets.iter().map(|(k, s)| json!({"budget": k, "status": s})).collect::<Vec<_>>(),
        });
        return print(&v, o);
    }
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut line = |k: &str, v: String| rows.push(vec![format!("{k}:"), v]);
    line("Pod", format!("{namespace}/{pod}"));
    line(
        "Controller",
        match (&own.controller_ref, &own.controller) {
            (None, _) => "<none> (orphan)".into(),
            (Some(_), Some(c)) => format!("{}/{}", c.kind(), c.name()),
            (Some(r), None) => format!("{}/{} (not found with uid {:?})", r.kind, r.name, r.uid),
        },
    );
    if let Some(d) = &own.deployment {
        line("Deployment", d.name().to_string());
    }
    let keys = |ks: &[ObjectKey]| {
        none_if_empty(
            ks.iter()
                .map(|k| format!("{}/{}", k.kind(), k.name()))
                .collect::<Vec<_>>()
                .join(", "),
        )
    };
    line("Would adopt", keys(&own.adopters));
    line("Would release", keys(own.releaser.as_slice()));
    line(
        "Services",
        none_if_empty(
            services
                .iter()
                .map(|(k, e)| match e {
                    Some(e) => format!("{} ({})", k.name(), conditions(e)),
                    None => format!("{} (no endpoint)", k.name()),
                })
                .collect::<Vec<_>>()
                .join(", "),
        ),
    );
    line(
        "Budgets",
        none_if_empty(
            budgets
                .iter()
                .map(|(k, s)| match s {
                    Some(s) => format!("{} ({})", k.name(), budget_text(s)),
                    None => k.name().to_string(),
                })
                .collect::<Vec<_>>()
                .join(", "),
        ),
    );
    Ok(render_pairs(&rows))
}

/// `key: value` lines with the values aligned, as `kubectl describe` prints them.
fn render_pairs(rows: &[Vec<String>]) -> String {
    let width = rows.iter().map(|r| r[0].len()).max().unwrap_or(0);
    rows.iter()
        .map(|r| format!("{:width$}  {}\n", r[0], r[1]))
        .collect()
}

/// `evict POD`: the verdict, changing nothing. A refusal is a failure (exit 1), as kubectl's.
pub(crate) fn evict(
    cluster: &Cluster,
    namespace: &str,
    pod: &str,
    output: Option<Output>,
    now: i64,
) -> Result<String, Failure> {
    let e = Workloads::new(cluster, now).eviction(namespace, pod);
    if let Some(o @ (Output::Json | Output::Yaml)) = output {
        let mut v = json!({"apiVersion": "v1", "kind": "Status", "metadata": {}});
        if e.allowed() {
            v["status"] = json!("Success");
        } else {
            v["status"] = json!("Failure");
            v["message"] = json!(e.to_string());
            v["reason"] = json!(e.reason());
            v["code"] = json!(e.code());
            let mut details = json!({"name": pod, "kind": "pods"});
            if let Some(c) = e.cause() {
                details["causes"] = json!([{"reason": "DisruptionBudget", "message": c}]);
            }
            v["details"] = details;
        }
        let text = print(&v, o)?;
        return if e.allowed() {
            Ok(text)
        } else {
            Err(Failure(text.trim_end().to_string()))
        };
    }
    if e.allowed() {
        return Ok(format!("pod/{pod} evicted (dry run): {e}\n"));
    }
    let mut msg = match &e {
        Eviction::NotFound { .. } => format!("Error from server (NotFound): {e}"),
        _ => format!("error when evicting pods/\"{pod}\" -n \"{namespace}\": {e}"),
    };
    if let Some(c) = e.cause() {
        msg += &format!(" ({c})");
    }
    if let Eviction::MultipleBudgets { budgets } = &e {
        let names: Vec<&str> = budgets.iter().map(|b| b.name()).collect();
        msg += &format!(" (budgets: {})", names.join(", "));
    }
    Err(Failure(msg))
}

/// One event's report as text lines.
pub(crate) fn report_text(index: usize, what: &str, r: &Report) -> String {
    let mut out = format!("#{index} {what}\n");
    let pod_name = |k: &ObjectKey| k.name().to_string();
    for c in &r.endpoints {
        let svc = format!("svc/{}", c.service.name());
        let line = match (&c.before, &c.after) {
            (None, Some(a)) => format!(
                "+ {} {} ({})",
                pod_name(&c.pod),
                a.addresses.as_slice().join(","),
                conditions(a)
            ),
            (Some(b), None) => format!(
                "- {} {} ({})",
                pod_name(&c.pod),
                b.addresses.as_slice().join(","),
                conditions(b)
            ),
            (Some(b), Some(a)) if b.conditions != a.conditions => {
                format!(
                    "~ {} {}: {} -> {}",
                    pod_name(&c.pod),
                    a.addresses.as_slice().join(","),
                    conditions(b),
                    conditions(a)
                )
            }
            (Some(_), Some(a)) => format!(
                "~ {} {} ({}): address, node, zone or ports changed",
                pod_name(&c.pod),
                a.addresses.as_slice().join(","),
                conditions(a)
            ),
            (None, None) => continue,
        };
        out += &format!("  endpoint  {svc:<20} {line}\n");
    }
    for c in &r.ownership {
        let text = |o: &Option<Ownership>| o.as_ref().map_or("gone".to_string(), ownership_text);
        let (b, a) = (text(&c.before), text(&c.after));
        let line = if c.before.is_none() {
            format!("new: {a}")
        } else if c.after.is_none() {
            "gone".into()
        } else {
            format!("{b} -> {a}")
        };
        out += &format!("  owner     pod/{:<16} {line}\n", c.pod.name());
    }
    for c in &r.budgets {
        let text =
            |s: &Option<DisruptionStatus>| s.as_ref().map_or("gone".to_string(), budget_text);
        out += &format!(
            "  budget    pdb/{:<16} {} -> {}\n",
            c.budget.name(),
            text(&c.before),
            text(&c.after)
        );
    }
    out
}

/// One event's report as a JSON line.
pub(crate) fn report_json(index: usize, what: &str, r: &Report) -> String {
    let v = json!({
        "event": index,
        "what": what,
        "endpoints": r.endpoints,
        "ownership": r.ownership,
        "budgets": r.budgets,
    });
    format!("{v}\n")
}
