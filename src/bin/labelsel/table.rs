//! kubectl's output: aligned tables, AGE, and `-o json|yaml` lists.

use std::time::{SystemTime, UNIX_EPOCH};

use label_selector::k8s::{Node, Pod};
use label_selector::{Cluster, ObjectId};
use serde::Serialize;
use serde_json::Value;

use super::{Failure, Output, columns};

pub(crate) struct Options<'a> {
    pub(crate) all_namespaces: bool,
    pub(crate) wide: bool,
    pub(crate) show_labels: bool,
    pub(crate) label_columns: &'a [String],
    /// Seconds since the Unix epoch.
    pub(crate) now: i64,
}

pub(crate) fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Aligns rows as kubectl's tabwriter does (minimum cell width 10, padding 3); the last column
/// is not padded.
pub(crate) fn render(rows: &[Vec<String>]) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0; cols];
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if i + 1 < row.len() {
                let width = (widths[i] + 3).max(10);
                line.extend(std::iter::repeat_n(' ', width - cell.chars().count()));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// kubectl's header for a `-L` column: the key's last path segment, upper-cased.
fn label_header(key: &str) -> String {
    key.rsplit('/').next().unwrap_or(key).to_uppercase()
}

fn labels_text(labels: &label_selector::LabelSet) -> String {
    if labels.is_empty() {
        "<none>".into()
    } else {
        labels.to_string()
    }
}

pub(crate) fn extra_headers(header: &mut Vec<String>, opts: &Options<'_>) {
    header.extend(opts.label_columns.iter().map(|k| label_header(k)));
    if opts.show_labels {
        header.push("LABELS".into());
    }
}

pub(crate) fn extra_cells(
    row: &mut Vec<String>,
    labels: &label_selector::LabelSet,
    opts: &Options<'_>,
) {
    for k in opts.label_columns {
        row.push(labels.get(k).unwrap_or("").to_string());
    }
    if opts.show_labels {
        row.push(labels_text(labels));
    }
}

pub(crate) fn pods(cluster: &Cluster, ids: &[ObjectId], opts: &Options<'_>) -> String {
    let mut header: Vec<String> = Vec::new();
    if opts.all_namespaces {
        header.push("NAMESPACE".into());
    }
    header.extend(["NAME", "READY", "STATUS", "RESTARTS", "AGE"].map(String::from));
    if opts.wide {
        header.extend(["IP", "NODE", "NOMINATED NODE", "READINESS GATES"].map(String::from));
    }
    extra_headers(&mut header, opts);
    let mut rows = vec![header];
    for &id in ids {
        let Some(pod) = cluster.pod_by_object_id(id) else {
            continue;
        };
        rows.push(pod_row(&pod.to_object(), opts));
    }
    render(&rows)
}

fn pod_row(pod: &Pod, opts: &Options<'_>) -> Vec<String> {
    let m = &pod.metadata;
    let mut row = Vec::new();
    if opts.all_namespaces {
        row.push(m.namespace.clone());
    }
    let cells = columns::pod_cells(pod, opts.now);
    row.push(m.name.clone());
    row.extend([cells.ready, cells.status, cells.restarts]);
    row.push(age(m.creation_timestamp.as_deref(), opts.now));
    if opts.wide {
        let none = || "<none>".to_string();
        row.push(pod.status.ips().next().map_or_else(none, str::to_string));
        let named = |n: &Option<String>| n.clone().filter(|n| !n.is_empty()).unwrap_or_else(none);
        row.push(named(&pod.spec.node_name));
        row.push(named(&pod.status.nominated_node_name));
        row.push(columns::readiness_gates(pod));
    }
    extra_cells(&mut row, &m.labels, opts);
    row
}

pub(crate) fn nodes(cluster: &Cluster, ids: &[ObjectId], opts: &Options<'_>) -> String {
    let mut header: Vec<String> = ["NAME", "STATUS", "ROLES", "AGE", "VERSION"]
        .map(String::from)
        .to_vec();
    if opts.wide {
        header.extend(
            [
                "INTERNAL-IP",
                "EXTERNAL-IP",
                "OS-IMAGE",
                "KERNEL-VERSION",
                "CONTAINER-RUNTIME",
            ]
            .map(String::from),
        );
    }
    extra_headers(&mut header, opts);
    let mut rows = vec![header];
    for &id in ids {
        let Some(node) = cluster.node_by_object_id(id) else {
            continue;
        };
        rows.push(node_row(&node.to_object(), opts));
    }
    render(&rows)
}

fn node_row(node: &Node, opts: &Options<'_>) -> Vec<String> {
    let m = &node.metadata;
    let mut row = vec![
        m.name.clone(),
        columns::node_status(node),
        columns::roles(node),
        age(m.creation_timestamp.as_deref(), opts.now),
        node.status
            .node_info
            .as_ref()
            .map_or(String::new(), |i| i.kubelet_version.clone()),
    ];
    if opts.wide {
        for type_ in ["InternalIP", "ExternalIP"] {
            row.push(
                columns::address(node, type_)
                    .unwrap_or("<none>")
                    .to_string(),
            );
        }
        let info = node.status.node_info.clone().unwrap_or_default();
        for v in [
            info.os_image,
            info.kernel_version,
            info.container_runtime_version,
        ] {
            row.push(if v.is_empty() { "<unknown>".into() } else { v });
        }
    }
    extra_cells(&mut row, &m.labels, opts);
    row
}

/// `-o json` / `-o yaml`: a `kind: List` of the modelled part of each object.
pub(crate) fn list(
    pods: bool,
    cluster: &Cluster,
    ids: &[ObjectId],
    output: Option<Output>,
) -> Result<String, Failure> {
    #[derive(Serialize)]
    struct Typed<'a, T: Serialize> {
        #[serde(rename = "apiVersion")]
        api_version: &'static str,
        kind: &'static str,
        #[serde(flatten)]
        object: &'a T,
    }
    let items: Vec<Value> = ids
        .iter()
        .filter_map(|&id| {
            if pods {
                let object = &cluster.pod_by_object_id(id)?.to_object();
                serde_json::to_value(Typed {
                    api_version: "v1",
                    kind: "Pod",
                    object,
                })
                .ok()
            } else {
                let object = &cluster.node_by_object_id(id)?.to_object();
                serde_json::to_value(Typed {
                    api_version: "v1",
                    kind: "Node",
                    object,
                })
                .ok()
            }
        })
        .collect();
    let list = serde_json::json!({
        "apiVersion": "v1",
        "items": items,
        "kind": "List",
        "metadata": {"resourceVersion": ""},
    });
    match output {
        Some(Output::Yaml) => to_yaml(&list),
        _ => to_json(&list),
    }
}

/// JSON indented by 4 spaces, as kubectl prints it.
pub(crate) fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<String, Failure> {
    let mut buf = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
    value
        .serialize(&mut ser)
        .map_err(|e| Failure(format!("error: cannot print JSON: {e}")))?;
    buf.push(b'\n');
    String::from_utf8(buf).map_err(|e| Failure(format!("error: cannot print JSON: {e}")))
}

pub(crate) fn to_yaml<T: Serialize>(value: &T) -> Result<String, Failure> {
    serde_saphyr::to_string(value).map_err(|e| Failure(format!("error: cannot print YAML: {e}")))
}

/// kubectl's AGE: the time since `timestamp` (RFC 3339, UTC), in its short human form.
pub(crate) fn age(timestamp: Option<&str>, now: i64) -> String {
    match timestamp.and_then(label_selector::k8s::parse_timestamp) {
        Some(t) => human_duration(now - t),
        None => "<unknown>".into(),
    }
}

/// kubectl's `duration.HumanDuration`.
pub(crate) fn human_duration(seconds: i64) -> String {
    if seconds < -1 {
        return "<invalid>".into();
    }
    if seconds < 0 {
        return "0s".into();
    }
    if seconds < 120 {
        return format!("{seconds}s");
    }
    let minutes = seconds / 60;
    if minutes < 10 {
        let s = seconds % 60;
        return if s == 0 {
            format!("{minutes}m")
        } else {
            format!("{minutes}m{s}s")
        };
    }
    if minutes < 180 {
        return format!("{minutes}m");
    }
    let hours = seconds / 3600;
    if hours < 8 {
        let m = minutes % 60;
        return if m == 0 {
            format!("{hours}h")
        } else {
            format!("{hours}h{m}m")
        };
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    if hours < 24 * 8 {
        let h = hours % 24;
        return if h == 0 {
            format!("{}d", hours / 24)
        } else {
            format!("{}d{h}h", hours / 24)
        };
    }
    if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    }
    if hours < 24 * 365 * 8 {
        let dy = hours / 24 % 365;
        return if dy == 0 {
            format!("{}y", hours / 24 / 365)
        } else {
            format!("{}y{dy}d", hours / 24 / 365)
        };
    }
    format!("{}y", hours / 24 / 365)
}

#[cfg(test)]
mod tests {
    use super::{human_duration, render};
    use label_selector::k8s::parse_timestamp as parse_rfc3339;

    #[test]
    fn rfc3339() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339("2026-11-22T10:30:00Z"), Some(1_795_343_400));
        assert_eq!(
            parse_rfc3339("2026-11-22T12:30:00.123+02:00"),
            Some(1_795_343_400)
        );
        assert_eq!(parse_rfc3339("2026-11-22"), None);
    }

    #[test]
    fn kubectl_durations() {
        for (s, want) in [
            (-5, "<invalid>"),
            (-1, "0s"),
            (59, "59s"),
            (119, "119s"),
            (125, "2m5s"),
            (600, "10m"),
            (3 * 3600 + 60, "3h1m"),
            (8 * 3600, "8h"),
            (47 * 3600, "47h"),
            (3 * 86400 + 5 * 3600, "3d5h"),
            (30 * 86400, "30d"),
            (3 * 365 * 86400 + 86400, "3y1d"),
            (9 * 365 * 86400, "9y"),
        ] {
            assert_eq!(human_duration(s), want, "{s}");
        }
    }

    #[test]
    fn tabwriter_alignment() {
        let rows = vec![
            vec!["NAME".to_string(), "READY".to_string()],
            vec!["web-1".to_string(), "1/1".to_string()],
        ];
        assert_eq!(render(&rows), "NAME      READY\nweb-1     1/1\n");
    }
}
