//! Structure-aware reading: arbitrary JSON trees whose keys and strings are mostly the ones
//! Kubernetes objects use (`kind`, `metadata`, `labels`, `matchExpressions`, `Pod`, `In`,
//! ...), written as JSON and as YAML, one or several documents, with repeated keys and nulls.
//! Reading never panics; an error always names the source, a document and a position (line
//! and column); what loads passes the store's invariant checks, and a refused load leaves the
//! store empty. Raw bytes rarely get past a JSON or YAML parser into the models: these trees
//! do.

#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use label_selector::Cluster;
use label_selector::load::read_str;
use libfuzzer_sys::fuzz_target;

const KEYS: &[&str] = &[
    "apiVersion",
    "kind",
    "metadata",
    "name",
    "namespace",
    "labels",
    "annotations",
    "uid",
    "resourceVersion",
    "ownerReferences",
    "controller",
    "deletionTimestamp",
    "creationTimestamp",
    "generation",
    "spec",
    "status",
    "items",
    "selector",
    "matchLabels",
    "matchExpressions",
    "key",
    "operator",
    "values",
    "template",
    "replicas",
    "minAvailable",
    "maxUnavailable",
    "containers",
    "initContainers",
    "ports",
    "containerPort",
    "protocol",
    "targetPort",
    "port",
    "nodePort",
    "resources",
    "requests",
    "limits",
    "cpu",
    "memory",
    "restartPolicy",
    "nodeName",
    "nodeSelector",
    "affinity",
    "nodeAffinity",
    "podAffinity",
    "podAntiAffinity",
    "requiredDuringSchedulingIgnoredDuringExecution",
    "preferredDuringSchedulingIgnoredDuringExecution",
    "nodeSelectorTerms",
    "matchFields",
    "weight",
    "preference",
    "podAffinityTerm",
    "labelSelector",
    "namespaces",
    "namespaceSelector",
    "topologyKey",
    "matchLabelKeys",
    "mismatchLabelKeys",
    "topologySpreadConstraints",
    "maxSkew",
    "whenUnsatisfiable",
    "minDomains",
    "nodeAffinityPolicy",
    "nodeTaintsPolicy",
    "tolerations",
    "effect",
    "value",
    "tolerationSeconds",
    "taints",
    "unschedulable",
    "conditions",
    "type",
    "reason",
    "phase",
    "podIP",
    "podIPs",
    "ip",
    "nominatedNodeName",
    "containerStatuses",
    "initContainerStatuses",
    "ready",
    "started",
    "restartCount",
    "state",
    "lastState",
    "waiting",
    "running",
    "terminated",
    "exitCode",
    "signal",
    "finishedAt",
    "addresses",
    "address",
    "nodeInfo",
    "kubeletVersion",
    "allocatable",
    "pods",
    "clusterIP",
    "ipFamilies",
    "externalName",
    "publishNotReadyAddresses",
    "hostname",
    "subdomain",
    "readinessGates",
    "conditionType",
    "disruptedPods",
    "object",
    "overhead",
];

const WORDS: &[&str] = &[
    "Pod",
    "Node",
    "Namespace",
    "Service",
    "Deployment",
    "ReplicaSet",
    "StatefulSet",
    "DaemonSet",
    "ReplicationController",
    "PodDisruptionBudget",
    "List",
    "PodList",
    "NodeList",
    "ConfigMap",
    "Secret",
    "v1",
    "apps/v1",
    "policy/v1",
    "In",
    "NotIn",
    "Exists",
    "DoesNotExist",
    "Gt",
    "Lt",
    "Equal",
    "NoSchedule",
    "NoExecute",
    "PreferNoSchedule",
    "DoNotSchedule",
    "ScheduleAnyway",
    "Honor",
    "Ignore",
    "True",
    "False",
    "Ready",
    "Running",
    "Pending",
    "Succeeded",
    "Failed",
    "Always",
    "TCP",
    "UDP",
    "IPv4",
    "IPv6",
    "ADDED",
    "MODIFIED",
    "DELETED",
    "BOOKMARK",
    "ERROR",
    "web",
    "db",
    "a",
    "b",
    "shop",
    "default",
    "app",
    "app.kubernetes.io/name",
    "kubernetes.io/hostname",
    "topology.kubernetes.io/zone",
    "100m",
    "1Gi",
    "2",
    "50%",
    "10.0.0.1",
    "fd00::1",
    "2026-12-02T10:00:00Z",
    "",
    " ",
    "a b",
    "-x",
    "None",
];

#[derive(Arbitrary, Debug)]
enum Word {
    Known(u8),
    Other(String),
}

impl Word {
    fn text(&self, table: &[&str]) -> String {
        match self {
            Word::Known(i) => table[usize::from(*i) % table.len()].to_string(),
            Word::Other(s) => s.chars().take(12).collect(),
        }
    }
}

#[derive(Arbitrary, Debug)]
enum Tree {
    Null,
    Bool(bool),
    Int(i32),
    Big(i64),
    Float(i16, u8),
    Str(Word),
    Array(Vec<Tree>),
    Object(Vec<(Word, Tree)>),
}

/// JSON text of `t`, at most `budget` nodes deep and wide (arbitrary trees can be large).
fn json(t: &Tree, out: &mut String, depth: usize) {
    match t {
        Tree::Null => out.push_str("null"),
        Tree::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Tree::Int(i) => out.push_str(&i.to_string()),
        Tree::Big(i) => out.push_str(&i.to_string()),
        Tree::Float(i, f) => out.push_str(&format!("{i}.{}", f % 4 * 25)),
        Tree::Str(w) => out.push_str(&serde_json::to_string(&w.text(WORDS)).unwrap()),
        Tree::Array(items) if depth < 12 => {
            out.push('[');
            for (i, item) in items.iter().take(8).enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json(item, out, depth + 1);
            }
            out.push(']');
        }
        Tree::Object(members) if depth < 12 => {
            out.push('{');
            for (i, (k, v)) in members.iter().take(10).enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::to_string(&k.text(KEYS)).unwrap());
                out.push(':');
                json(v, out, depth + 1);
            }
            out.push('}');
        }
        _ => out.push_str("null"),
    }
}

#[derive(Arbitrary, Debug)]
struct Input {
    documents: Vec<Tree>,
    yaml: bool,
    stream: bool,
}

fn check(name: &str, text: &str) {
    match read_str(name, text) {
        Ok(_) => {}
        Err(e) => {
            assert_eq!(e.source_name(), name);
            assert!(e.document().is_some(), "no document: {e}");
            assert!(
                e.line().is_some() && e.column().is_some(),
                "no position: {e}"
            );
            assert!(e.to_string().starts_with(name), "{e}");
        }
    }
    let mut c = Cluster::new();
    match c.load_str(name, text) {
        Ok(_) => c.internal_validate().unwrap(),
        Err(e) => {
            assert!(e.document().is_some(), "no document: {e}");
            assert_eq!(c.pods().len() + c.nodes().len() + c.services().len(), 0);
            c.internal_validate().unwrap();
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(input) = Input::arbitrary(&mut Unstructured::new(data)) else {
        return;
    };
    let docs: Vec<String> = input
        .documents
        .iter()
        .take(6)
        .map(|d| {
            let mut s = String::new();
            json(d, &mut s, 0);
            s
        })
        .collect();
    if docs.is_empty() {
        return;
    }
    // JSON: a stream of documents (or one); YAML: the same trees in flow style, one document
    // after each `---` (JSON is YAML).
    let text = if input.yaml {
        docs.iter()
            .map(|d| format!("---\n{d}\n"))
            .collect::<String>()
    } else if input.stream {
        docs.join("\n")
    } else {
        docs[0].clone()
    };
    check(if input.yaml { "fuzz.yaml" } else { "fuzz.json" }, &text);
});
