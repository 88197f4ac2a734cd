//! Reading manifests as kubectl reads them: explicit nulls, repeated keys, numbers, encodings,
//! over the corpus in `tests/data/manifests/`.

use label_selector::Cluster;
use label_selector::k8s::Object;
use label_selector::load::{
    Document, DuplicateKeys, LoadError, LoadErrorKind, ReadLimits, read_path, read_str,
};
use serde_json::Value;

fn dir() -> String {
    format!("{}/tests/data/manifests", env!("CARGO_MANIFEST_DIR"))
}

fn manifest(name: &str) -> String {
    std::fs::read_to_string(format!("{}/{name}", dir())).unwrap()
}

/// Every object of `docs`, lists flattened, as `Kind namespace/name`.
fn names(docs: &[Document]) -> Vec<String> {
    fn walk(o: &Object, out: &mut Vec<String>) {
        match o {
            Object::List(items) => items.iter().for_each(|i| walk(i, out)),
            o => out.push(o.to_string()),
        }
    }
    let mut out = Vec::new();
    docs.iter().for_each(|d| walk(&d.object, &mut out));
    out
}

#[test]
fn the_corpus_reads_and_its_json_and_yaml_agree() {
    let want: &[(&str, &[&str])] = &[
        ("pod", &["Pod shop/web-7d4b9c-x2k8p"]),
        (
            "workloads",
            &[
                "Deployment shop/web",
                "ReplicaSet shop/web-7d4b9c",
                "StatefulSet shop/db",
                "DaemonSet monitoring/node-exporter",
                "ReplicationController shop/legacy",
            ],
        ),
        (
            "service-pdb",
            &[
                "Service shop/web",
                "Service shop/upstream",
                "PodDisruptionBudget shop/web",
                "PodDisruptionBudget shop/db",
            ],
        ),
        ("node-namespace", &["Node node-a", "Namespace shop"]),
        (
            "skipped-kinds",
            &[
                "Secret shop/web-tls",
                "PersistentVolumeClaim shop/data-db-0",
                "ConfigMap shop/web-config",
            ],
        ),
        (
            "duplicates",
            &[
                "Pod shop/web-0",
                "Secret shop/creds",
                "PersistentVolumeClaim shop/data",
            ],
        ),
        ("bom", &["Pod shop/bom"]),
    ];
    let mut seen = 0;
    for (stem, objects) in want {
        let yaml = read_path(format!("{}/{stem}.yaml", dir())).unwrap();
        let json = read_path(format!("{}/{stem}.json", dir())).unwrap();
        assert_eq!(names(&yaml), *objects, "{stem}.yaml");
        assert_eq!(yaml, json, "{stem}: YAML and JSON differ");
        seen += 2;
    }
    let single: &[(&str, &[&str])] = &[
        (
            "nulls.yaml",
            &[
                "Pod shop/empty-spec",
                "Pod shop/null-fields",
                "Deployment shop/web",
                "Node node-a",
                "PodDisruptionBudget shop/web",
            ],
        ),
        (
            "flow-anchors.yaml",
            &["object <unnamed>", "Pod shop/web-1", "Deployment shop/web"],
        ),
        ("crlf.yaml", &["Pod shop/crlf"]),
    ];
    for (file, objects) in single {
        let docs = read_path(format!("{}/{file}", dir())).unwrap();
        assert_eq!(names(&docs), *objects, "{file}");
        seen += 1;
    }
    // Every file of the corpus is covered above.
    assert_eq!(std::fs::read_dir(dir()).unwrap().count(), seen);
}

#[test]
fn the_corpus_loads_into_a_store() {
    let mut c = Cluster::new();
    for entry in std::fs::read_dir(dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            c.load_path(&path).unwrap();
        }
    }
    c.internal_validate().unwrap();
    let pod = c.pod_named("shop", "web-0").unwrap();
    assert_eq!(pod.node_name(), Some("node-a"));
    assert_eq!(pod.to_object().metadata.labels.get("app"), Some("web"));
    let flow = c.pod_named("shop", "web-1").unwrap();
    assert_eq!(flow.to_object().metadata.labels.get("app"), Some("web"));
}

/// Every value of `v` with its path, depth first.
fn paths(v: &Value, at: &mut Vec<PathStep>, out: &mut Vec<Vec<PathStep>>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                at.push(PathStep::Key(k.clone()));
                out.push(at.clone());
                paths(x, at, out);
                at.pop();
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                at.push(PathStep::Index(i));
                out.push(at.clone());
                paths(x, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

#[derive(Clone, Debug)]
enum PathStep {
    Key(String),
    Index(usize),
}

fn at_mut<'a>(v: &'a mut Value, path: &[PathStep]) -> &'a mut Value {
    path.iter().fold(v, |v, s| match s {
        PathStep::Key(k) => &mut v[k.as_str()],
        PathStep::Index(i) => &mut v[*i],
    })
}

/// The Go zero value of the JSON type of `v`.
fn zero_of(v: &Value) -> Value {
    match v {
        Value::Object(_) => Value::Object(Default::default()),
        Value::Array(_) => Value::Array(Vec::new()),
        Value::String(_) => Value::String(String::new()),
        Value::Number(_) => Value::from(0),
        Value::Bool(_) => Value::Bool(false),
        Value::Null => Value::Null,
    }
}

fn read_json(v: &Value) -> Result<Vec<Document>, LoadError> {
    read_str("t.json", &v.to_string())
}

/// Setting any field of a realistic object to `null` reads as Kubernetes reads it: as if the
/// field were absent (a pointer left nil) or held its type's zero value (`""`, `0`, `false`,
/// `[]`, `{}`), never as a different object, and an error only where both of those are errors
/// too. The same holds for YAML's `~`.
#[test]
fn null_anywhere_is_the_zero_value() {
    let mut checked = 0;
    for file in [
        "pod.json",
        "workloads.json",
        "service-pdb.json",
        "node-namespace.json",
        "skipped-kinds.json",
    ] {
        let text = manifest(file);
        let docs: Vec<Value> = serde_json::Deserializer::from_str(&text)
            .into_iter()
            .collect::<Result<_, _>>()
            .unwrap();
        for doc in docs {
            let mut all = Vec::new();
            paths(&doc, &mut Vec::new(), &mut all);
            for path in all {
                let mut nulled = doc.clone();
                let original = std::mem::replace(at_mut(&mut nulled, &path), Value::Null);
                let mut zeroed = doc.clone();
                *at_mut(&mut zeroed, &path) = zero_of(&original);
                let mut alternatives = vec![read_json(&zeroed)];
                if original.is_string() {
                    // A quantity's zero value is the number 0.
                    *at_mut(&mut zeroed, &path) = Value::from(0);
                    alternatives.push(read_json(&zeroed));
                }
                if let Some((PathStep::Key(k), parent)) = path.split_last() {
                    let mut absent = doc.clone();
                    at_mut(&mut absent, parent)
                        .as_object_mut()
                        .unwrap()
                        .remove(k);
                    alternatives.push(read_json(&absent));
                }
                let got = read_json(&nulled);
                match &got {
                    Ok(docs) => assert!(
                        alternatives.iter().any(|a| a.as_ref() == Ok(docs)),
                        "{file} {path:?}: null read as neither absent nor zero"
                    ),
                    Err(e) => assert!(
                        alternatives.iter().all(Result::is_err),
                        "{file} {path:?}: null refused ({e}), the zero value is not"
                    ),
                }
                // YAML's null.
                let yaml = serde_saphyr::to_string(&nulled).unwrap();
                let from_yaml = read_str("t.yaml", &yaml);
                assert_eq!(
                    from_yaml.is_ok(),
                    got.is_ok(),
                    "{file} {path:?}: YAML and JSON disagree\n{yaml}"
                );
                if let (Ok(a), Ok(b)) = (&from_yaml, &got) {
                    assert_eq!(a, b, "{file} {path:?}");
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 400, "{checked}");
}

#[test]
fn empty_yaml_values_are_zero_values() {
    let docs = read_path(format!("{}/nulls.yaml", dir())).unwrap();
    let Object::Pod(empty) = &docs[0].object else {
        panic!()
    };
    assert!(empty.metadata.labels.is_empty());
    assert_eq!(**empty, {
        let mut p = label_selector::k8s::Pod::default();
        p.metadata.name = "empty-spec".into();
        p.metadata.namespace = "shop".into();
        p
    });
    let Object::Pod(pod) = &docs[1].object else {
        panic!()
    };
    // A null label value is the empty value, as a Go map reads it.
    assert_eq!(pod.metadata.labels.get("tier"), Some(""));
    assert_eq!(pod.spec.node_name, None);
    assert_eq!(pod.status.container_statuses[0].restart_count, 0);
    assert!(!pod.status.container_statuses[0].ready);
    let Object::PodDisruptionBudget(pdb) = &docs[4].object else {
        panic!()
    };
    assert_eq!(pdb.spec.max_unavailable.unwrap().to_string(), "1");
    assert_eq!(pdb.spec.min_available, None);
}

#[test]
fn repeated_keys_take_the_last_value_or_fail_in_strict_mode() {
    let strict = ReadLimits {
        duplicate_keys: DuplicateKeys::Error,
        ..ReadLimits::default()
    };
    let err = |name: &str| strict.read_str(name, &manifest(name)).unwrap_err();
    let json = err("duplicates.json");
    assert_eq!(json.kind(), LoadErrorKind::Invalid);
    assert_eq!(
        json.to_string(),
        r#"duplicates.json: document 1, line 2, column 53: duplicate key "name""#
    );
    let yaml = err("duplicates.yaml");
    assert_eq!(yaml.kind(), LoadErrorKind::Invalid);
    assert_eq!((yaml.line(), yaml.column()), (Some(7), Some(3)));
    assert!(yaml.message().contains("name"), "{yaml}");
    // Only in a kind the crate skips: strict mode still sees it.
    for (name, text, line) in [
        (
            "secret.json",
            r#"{"kind": "Secret", "metadata": {"name": "s"}, "data": {"a": "", "a": ""}}"#,
            1,
        ),
        (
            "secret.yaml",
            "kind: Secret\nmetadata: {name: s}\ndata:\n  a: x\n  a: y\n",
            5,
        ),
    ] {
        assert!(read_str(name, text).is_ok(), "{name}");
        let e = strict.read_str(name, text).unwrap_err();
        assert_eq!(e.line(), Some(line), "{name}: {e}");
        assert_eq!(e.kind(), LoadErrorKind::Invalid, "{name}: {e}");
    }
    // The streaming loader takes the last one too, and refuses in strict mode.
    let text = manifest("duplicates.json");
    let mut c = Cluster::new();
    c.load_reader("duplicates.json", text.as_bytes()).unwrap();
    assert_eq!(
        c.pod_named("shop", "web-0").unwrap().node_name(),
        Some("node-a")
    );
    assert!(c.pod_named("shop", "first").is_none());
    // A repeated key whose overridden value is invalid: the invalid value is never read.
    let docs = read_str(
        "t.json",
        r#"{"kind": "Pod", "metadata": {"name": "a", "labels": {"x": "not valid!"}, "labels": {"x": "ok"}}}"#,
    )
    .unwrap();
    assert_eq!(names(&docs), ["Pod a"]);
    // An overridden value over several lines (CRLF among them) is skipped, and a later error
    // still names its own line.
    let text = "{\"kind\": \"Pod\", \"metadata\": {\"name\": \"a\",\n\"labels\": {\r\n\"x\": \"1\"\n},\n\"labels\": {\"x\": \"2\"},\n\"namespace\": \"a b\"}}\n";
    let e = read_str("t.json", text).unwrap_err();
    assert_eq!((e.document(), e.line()), (Some(1), Some(6)), "{e}");
    assert!(e.to_string().contains("namespace"), "{e}");
}

#[test]
fn numbers_read_as_kubernetes_reads_them() {
    let read = |yaml: &str| read_str("t.yaml", yaml);
    let deploy = |replicas: &str| {
        format!(
            "kind: Deployment\nmetadata: {{name: web}}\nspec:\n  replicas: {replicas}\n  selector: {{matchLabels: {{a: b}}}}\n"
        )
    };
    for (replicas, want) in [("3", 3), ("3.0", 3), ("0.0", 0), ("3e0", 3)] {
        let docs = read(&deploy(replicas)).unwrap();
        let Object::Workload(w) = &docs[0].object else {
            panic!()
        };
        assert_eq!(w.spec.replicas, Some(want), "{replicas}");
    }
    for (replicas, message) in [
        (
            "3.5",
            "spec.replicas: invalid value: floating point `3.5`, expected an integer",
        ),
        (
            "\"3\"",
            "spec.replicas: invalid type: string \"3\", expected i32",
        ),
    ] {
        let e = read(&deploy(replicas)).unwrap_err();
        assert_eq!(e.field(), Some("spec.replicas"), "{e}");
        assert!(
            e.to_string()
                .ends_with(&format!("Deployment web: {message}")),
            "{e}"
        );
    }
    let json = r#"{"kind": "Deployment", "metadata": {"name": "web"}, "spec": {"replicas": 2.5}}"#;
    let e = read_str("t.json", json).unwrap_err();
    assert_eq!(
        e.to_string(),
        "t.json: document 1, line 1, column 76: Deployment web: spec.replicas: invalid value: floating point `2.5`, expected an integer"
    );
    // IntOrString and IntOrPercent fields.
    let svc = "kind: Service\nmetadata: {name: s}\nspec:\n  ports:\n  - {port: 80.0, targetPort: 8080.0}\n";
    let docs = read(svc).unwrap();
    let Object::Service(s) = &docs[0].object else {
        panic!()
    };
    assert_eq!(s.spec.ports[0].port, 80);
    assert_eq!(
        s.spec.ports[0].target_port,
        Some(label_selector::k8s::IntOrString::Int(8080))
    );
    let pdb = |v: &str| {
        format!("kind: PodDisruptionBudget\nmetadata: {{name: p}}\nspec:\n  maxUnavailable: {v}\n")
    };
    assert!(read(&pdb("1.0")).is_ok());
    let e = read(&pdb("1.5")).unwrap_err();
    assert_eq!(e.field(), Some("spec.maxUnavailable"));
    assert!(e.message().contains("expected an integer"), "{e}");
}

#[test]
fn a_byte_that_is_not_utf8_is_named() {
    let dir = std::env::temp_dir().join(format!("labelsel-utf8-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("pod.yaml");
    std::fs::write(
        &path,
        b"kind: Pod\nmetadata:\n  name: a\n  labels: {x: \"\xe9t\xe9\"}\n",
    )
    .unwrap();
    let want = format!(
        "{}: line 4, column 16: byte 0xe9 (offset 45) is not UTF-8; manifests must be UTF-8",
        path.display()
    );
    let e = read_path(&path).unwrap_err();
    assert_eq!(
        (e.kind(), e.to_string()),
        (LoadErrorKind::Syntax, want.clone())
    );
    let mut c = Cluster::new();
    assert_eq!(c.load_path(&path).unwrap_err().to_string(), want);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// serde-saphyr's default budget (250 000 nodes) refused `kubectl get -o yaml` of about 800
/// pods; the readers scale the size-bound counts to the input and keep the alias limits, and a
/// breach is a sentence, not a debug structure.
#[test]
fn the_yaml_budget_follows_the_input_and_stops_alias_bombs() {
    let mut big = String::from("kind: ConfigMap\nmetadata: {name: big}\ndata:\n");
    for i in 0..130_000 {
        big.push_str(&format!("  k{i}: v\n"));
    }
    assert_eq!(
        names(&read_str("big.yaml", &big).unwrap()),
        ["ConfigMap big"]
    );

    let mut bomb = String::from(
        "kind: ConfigMap\nmetadata: {name: bomb}\ndata:\n  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n",
    );
    for i in 1..9 {
        let refs = vec![format!("*a{}", i - 1); 10].join(", ");
        bomb.push_str(&format!("  a{i}: &a{i} [{refs}]\n"));
    }
    let e = read_str("bomb.yaml", &bomb).unwrap_err();
    assert_eq!(e.kind(), LoadErrorKind::TooLarge, "{e}");
    assert!(
        e.message()
            .starts_with("the YAML is over the reader's budget ("),
        "{e}"
    );
    assert!(!e.message().contains('{'), "{e}");
}

// ---- hostile and extreme inputs (their times are the `load/200k-labels` bench's) ----

/// A Pod with `n` labels `k0: v`, `k1: v`, ... (keys out of lexical order), as JSON.
fn many_labels_json(n: usize) -> String {
    let labels: Vec<String> = (0..n).map(|i| format!(r#""k{i}":"v""#)).collect();
    format!(
        r#"{{"kind":"Pod","metadata":{{"name":"p","namespace":"a","labels":{{{}}}}}}}"#,
        labels.join(",")
    )
}

#[test]
fn an_object_with_a_hundred_thousand_labels_reads_and_loads() {
    // Labels out of key order are sorted once (they were inserted one by one, n² moves:
    // 200 000 labels took 8 s); past 65 536 labels the index's room check no longer counts a
    // whole arena segment per string (it refused such an object as "cannot hold more keys").
    let json = many_labels_json(100_000);
    let docs = read_str("p.json", &json).unwrap();
    let Object::Pod(p) = &docs[0].object else {
        panic!("{docs:?}")
    };
    assert_eq!(p.metadata.labels.len(), 100_000);
    assert_eq!(p.metadata.labels.get("k99999"), Some("v"));
    assert!(
        p.metadata
            .labels
            .iter()
            .zip(p.metadata.labels.iter().skip(1))
            .all(|(a, b)| a.0 < b.0)
    );
    let mut c = Cluster::new();
    c.load_str("p.json", &json).unwrap();
    c.internal_validate().unwrap();
    let pod = c.pod_named("a", "p").unwrap();
    assert_eq!(pod.labels().len(), 100_000);
    let sel = label_selector::Selector::parse("k77777=v,k5").unwrap();
    assert_eq!(c.pods().select(&sel).len(), 1);
    // The same in YAML, where a repeated key still keeps its last value.
    let mut yaml = String::from("kind: Pod\nmetadata:\n  name: p\n  namespace: a\n  labels:\n");
    for i in (0..70_000).rev() {
        yaml.push_str(&format!("    k{i}: v\n"));
    }
    yaml.push_str("    k5: last\n");
    let docs = read_str("p.yaml", &yaml).unwrap();
    let Object::Pod(p) = &docs[0].object else {
        panic!("{docs:?}")
    };
    assert_eq!(p.metadata.labels.len(), 70_000);
    assert_eq!(p.metadata.labels.get("k5"), Some("last"));
}

#[test]
fn extreme_inputs_get_a_clear_answer() {
    // Deep nesting in a field the model skips: read (no recursion into it).
    let deep = format!(
        r#"{{"kind":"Pod","metadata":{{"name":"p"}},"spec":{{"x":{}{}}}}}"#,
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    assert_eq!(read_str("deep.json", &deep).unwrap().len(), 1);
    // YAML nesting past the budget's 64 levels: a sentence.
    let mut yaml = String::from("kind: Pod\nmetadata: {name: p}\nspec:\n");
    for i in 0..100 {
        yaml.push_str(&" ".repeat(2 * i + 2));
        yaml.push_str("a:\n");
    }
    let e = read_str("deep.yaml", &yaml).unwrap_err();
    assert_eq!(e.kind(), LoadErrorKind::TooLarge);
    assert_eq!(
        e.to_string(),
        "deep.yaml: document 1, line 67, column 129: spec: the YAML is over the reader's budget \
         (65 levels of nesting): too many anchors, aliases, nesting levels or merge keys for its size"
    );
    // A huge string where the model skips it reads; in a label it is named by its head and
    // length, not printed whole.
    let huge = "x".repeat(10_000_000);
    let annotated =
        format!(r#"{{"kind":"Pod","metadata":{{"name":"p","annotations":{{"a":"{huge}"}}}}}}"#);
    assert_eq!(read_str("a.json", &annotated).unwrap().len(), 1);
    let labelled = annotated.replace("annotations", "labels");
    let e = read_str("l.json", &labelled).unwrap_err();
    assert_eq!(e.kind(), LoadErrorKind::Invalid);
    let shown = e.to_string();
    assert!(shown.len() < 500, "{} bytes", shown.len());
    assert!(
        shown.starts_with(
            "l.json: document 1, line 1, column 10000054: Pod p: metadata.labels: invalid label: \
             [a]: label value longer than 63 bytes (10000000): 'xxxx"
        ),
        "{shown}"
    );
    assert!(shown.ends_with("…' (10000000 bytes)"), "{shown}");
    // Many tiny documents: counted, and refused past the limit with its number.
    let docs = "---\nkind: ConfigMap\nmetadata: {name: c}\n".repeat(20_000);
    assert_eq!(read_str("docs.yaml", &docs).unwrap().len(), 20_000);
    let few = ReadLimits {
        max_documents: 1_000,
        ..ReadLimits::default()
    };
    let e = few.read_str("docs.yaml", &docs).unwrap_err();
    assert_eq!(e.kind(), LoadErrorKind::TooLarge);
    assert!(e.to_string().contains("more than 1000 documents"), "{e}");
    let e = few
        .read_str("docs.json", &r#"{"kind":"ConfigMap"}"#.repeat(1_001))
        .unwrap_err();
    assert!(e.to_string().contains("more than 1000 documents"), "{e}");
    // A selector at its limits: 4 096 values in one set is the most.
    let values: Vec<String> = (0..4_097).map(|i| format!("\"v{i}\"")).collect();
    let deployment = |n: usize| {
        format!(
            r#"{{"kind":"Deployment","apiVersion":"apps/v1","metadata":{{"name":"d","namespace":"a"}},"spec":{{"selector":{{"matchExpressions":[{{"key":"a","operator":"In","values":[{}]}}]}}}}}}"#,
            values[..n].join(",")
        )
    };
    assert_eq!(read_str("d.json", &deployment(4_096)).unwrap().len(), 1);
    let e = read_str("d.json", &deployment(4_097)).unwrap_err();
    assert!(
        e.to_string().ends_with(
            "Deployment a/d: spec.selector: matchExpressions[0].values: more than 4096 values in one set"
        ),
        "{e}"
    );
}

#[test]
fn an_error_found_after_a_mapping_still_names_its_document_and_line() {
    // serde-saphyr gives no location for an error raised once a mapping is read (a Pod
    // without a name): the reader finds the document that fails alone (found by the
    // `read_k8s_trees` fuzz target). The object is named once, not twice.
    let cases = [
        (
            "---\n{\"kind\":\"Pod\"}\n",
            "y.yaml: document 1, line 2, column 1: Pod <unnamed>: metadata.name is required",
        ),
        (
            "kind: ConfigMap\nmetadata: {name: c}\n---\n# nothing\n---\nkind: Pod\nmetadata:\n  namespace: x\n",
            "y.yaml: document 2, line 6, column 1: Pod x/<unnamed>: metadata.name is required",
        ),
        // A separator with a comment; a first line that reads alone (so the document, not
        // the line, is what fails).
        (
            "kind: ConfigMap\nmetadata: {name: c}\n--- # second\napiVersion: v1\nkind: Pod\nmetadata:\n  namespace: x\n",
            "y.yaml: document 2, line 4, column 1: Pod x/<unnamed>: metadata.name is required",
        ),
        // Content on the separator's own line.
        (
            "kind: ConfigMap\nmetadata: {name: c}\n--- {kind: Pod, metadata: {namespace: x}}\n",
            "y.yaml: document 2, line 3, column 1: Pod x/<unnamed>: metadata.name is required",
        ),
        // Directives (after a `...`) belong to the document they precede: cut before the
        // `---`, they made the document before fail alone (a directive with no document), and
        // the error was placed on the separator, in document 1.
        (
            "kind: ConfigMap\nmetadata: {name: c}\n...\n%YAML 1.2\n---\nkind: Pod\nmetadata:\n  namespace: x\n",
            "y.yaml: document 2, line 6, column 1: Pod x/<unnamed>: metadata.name is required",
        ),
        (
            "kind: ConfigMap\nmetadata: {name: c}\n...\n# tags\n%TAG !e! tag:example.com,2026:\n\n%YAML 1.2\n--- # the pod\n\nkind: Pod\nmetadata:\n  namespace: x\n",
            "y.yaml: document 2, line 10, column 1: Pod x/<unnamed>: metadata.name is required",
        ),
    ];
    for (yaml, want) in cases {
        let e = read_str("y.yaml", yaml).unwrap_err();
        assert_eq!(e.to_string(), want);
        assert_eq!(e.kind(), LoadErrorKind::Invalid);
    }
    let e = read_str("j.json", r#"{"kind":"Pod"}"#).unwrap_err();
    assert_eq!(
        e.to_string(),
        "j.json: document 1, line 1, column 14: Pod <unnamed>: metadata.name is required"
    );
}

/// An input the `read_objects` fuzz target found, kept in `tests/data/fuzz/`.
fn fuzz_input(name: &str) -> String {
    let path = format!("{}/tests/data/fuzz/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap()
}

#[test]
fn malformed_json_is_never_repaired_by_blanking() {
    // The repeated-key fallback blanks overridden members and reads again; on malformed text
    // its scanner took strings for keys and blanked the broken part away, so the whole-text
    // reader "read" a Node the streaming loader refused (found by the `read_objects` fuzz
    // target). Malformed text is now never scanned: both refuse.
    let text = fuzz_input("read_objects-malformed-blanked.json");
    let e = read_str("m.json", &text).unwrap_err();
    assert_eq!(e.kind(), LoadErrorKind::Invalid);
    assert_eq!(e.field(), Some("spec.taints[1]"));
    let mut c = Cluster::new();
    assert!(c.load_reader("m.json", text.as_bytes()).is_err());
    assert_eq!(c.nodes().len(), 0);
    // Well-formed text with a repeated key still takes its last value.
    let docs = read_str(
        "d.json",
        r#"{"kind":"Node","metadata":{"name":"a","name":"b"},"spec":{"taints":[{"key":"k","effect":"NoSchedule"}]}}"#,
    )
    .unwrap();
    assert_eq!(names(&docs), ["Node b"]);
}

#[test]
fn every_part_of_a_load_error_is_reachable() {
    // A bad label value in the second document: every part is known.
    let yaml = "kind: Pod\nmetadata: {name: a}\n---\nkind: Pod\nmetadata:\n  name: b\n  namespace: shop\n  labels: {tier: 'a b'}\n";
    let err = read_str("pods.yaml", yaml).unwrap_err();
    assert_eq!(err.kind(), LoadErrorKind::Invalid);
    assert_eq!(err.source_name(), "pods.yaml");
    assert_eq!(err.document(), Some(2));
    assert_eq!((err.line(), err.column()), (Some(8), Some(11)));
    assert_eq!(err.object(), Some("Pod shop/b"));
    assert_eq!(err.field(), Some("metadata.labels"));
    let cause = err.cause().expect("the label's own error");
    assert!(
        matches!(cause.kind(), label_selector::ErrorKind::ValueInvalid),
        "{cause:?}"
    );
    assert_eq!(
        std::error::Error::source(&err).map(ToString::to_string),
        Some(cause.to_string())
    );
    assert_eq!(
        err.to_string(),
        format!(
            "pods.yaml: document 2, line 8, column 11: Pod shop/b: metadata.labels: {}",
            err.message()
        )
    );
    // The same error on the last line before a separator: the object is found in its own
    // document, not in the text up to the next separator.
    let yaml = "kind: Pod\nmetadata:\n  name: b\n  namespace: shop\n  labels: {tier: 'a b'}\n---\nkind: Pod\nmetadata: {name: c}\n";
    let err = read_str("pods.yaml", yaml).unwrap_err();
    assert_eq!(
        (err.document(), err.line(), err.object()),
        (Some(1), Some(5), Some("Pod shop/b"))
    );

    // In a list, the item that fails is named, not the first item.
    for (file, list) in [
        (
            "l.json",
            r#"{"kind": "List", "items": [{"kind": "Pod", "metadata": {"name": "a", "namespace": "shop"}},
            {"kind": "Pod", "metadata": {"name": "b", "namespace": "shop", "labels": {"tier": "a b"}}}]}"#,
        ),
        (
            "l.yaml",
            "kind: List\nitems:\n- {kind: Pod, metadata: {name: a, namespace: shop}}\n- kind: Pod\n  metadata: {name: b, namespace: shop, labels: {tier: 'a b'}}\n",
        ),
    ] {
        let err = read_str(file, list).unwrap_err();
        assert_eq!(err.object(), Some("Pod shop/b"), "{err}");
    }

    // A fractional count in a JSON object on standard input: the field, no cause.
    let json = r#"{"kind": "Deployment", "metadata": {"name": "web"}, "spec": {"replicas": 1.5}}"#;
    let err = read_str("-", json).unwrap_err();
    assert_eq!(err.kind(), LoadErrorKind::Invalid);
    assert_eq!(err.source_name(), "-");
    assert_eq!(err.object(), Some("Deployment web"));
    assert_eq!(err.field(), Some("spec.replicas"));
    assert!(err.cause().is_none());
    assert_eq!(
        err.message(),
        "invalid value: floating point `1.5`, expected an integer"
    );
    assert_eq!(
        (err.document(), err.line(), err.column()),
        (Some(1), Some(1), Some(76))
    );
    assert_eq!(
        err.to_string(),
        "-: document 1, line 1, column 76: Deployment web: spec.replicas: \
         invalid value: floating point `1.5`, expected an integer"
    );
}

#[test]
fn entry_points_read_text_watch_streams_and_json_streams() {
    use label_selector::k8s::WatchEvent;
    use label_selector::load::{read_text, read_watch_str};

    assert_eq!(
        read_text("pod.yaml", &b"kind: Pod\r\n"[..]).unwrap(),
        "kind: Pod\r\n"
    );
    let docs = label_selector::load::read_reader(
        "pod.yaml",
        &b"kind: Pod\nmetadata: {name: a, namespace: s}\n"[..],
    )
    .unwrap();
    assert_eq!(names(&docs), ["Pod s/a"]);

    // Watch events, in JSON and YAML, through the free function and under limits.
    let json = r#"{"type": "ADDED", "object": {"kind": "Pod", "metadata": {"name": "a", "namespace": "s"}}}
{"type": "BOOKMARK", "object": {"kind": "Pod", "metadata": {"resourceVersion": "7"}}}"#;
    let yaml = "type: ADDED\nobject:\n  kind: Pod\n  metadata: {name: a, namespace: s}\n---\ntype: BOOKMARK\nobject: {kind: Pod, metadata: {resourceVersion: '7'}}\n";
    for (name, text) in [("w.json", json), ("w.yaml", yaml)] {
        for events in [
            read_watch_str(name, text).unwrap(),
            ReadLimits::default().read_watch_str(name, text).unwrap(),
        ] {
            assert_eq!(events.len(), 2, "{name}");
            assert!(
                matches!(&events[0].event, WatchEvent::Added(o) if o.to_string() == "Pod s/a"),
                "{name}: {:?}",
                events[0].event
            );
            assert!(
                matches!(&events[1].event, WatchEvent::Bookmark { resource_version } if resource_version == "7"),
                "{name}: {:?}",
                events[1].event
            );
            assert_eq!((events[0].index, events[1].index), (1, 2), "{name}");
        }
    }

    // JSON objects one after another on one line: a repeated key in the second is placed on
    // that line, at its own column.
    let strict = ReadLimits {
        duplicate_keys: DuplicateKeys::Error,
        ..ReadLimits::default()
    };
    let line = r#"{"kind": "Node", "metadata": {"name": "a"}} {"kind": "Node", "metadata": {"name": "b", "name": "c"}}"#;
    assert_eq!(read_str("n.json", line).unwrap().len(), 2);
    let e = strict.read_str("n.json", line).unwrap_err();
    assert_eq!(
        e.to_string(),
        r#"n.json: document 2, line 1, column 88: duplicate key "name""#
    );
    // The streaming loader finds it at the same place: on the object's first line the column
    // counts from the object's start; on a later line, from the line's.
    let e = Cluster::with_limits(strict)
        .load_reader("n.json", line.as_bytes())
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        r#"n.json: document 2, line 1, column 88: duplicate key "name""#
    );
    let two_lines = r#"{"kind": "Node", "metadata": {"name": "a"}} {"kind": "Node", "metadata": {"name": "b",
  "name": "c"}}"#;
    for e in [
        strict.read_str("n.json", two_lines).unwrap_err(),
        Cluster::with_limits(strict)
            .load_reader("n.json", two_lines.as_bytes())
            .unwrap_err(),
    ] {
        assert_eq!(
            e.to_string(),
            r#"n.json: document 2, line 2, column 3: duplicate key "name""#
        );
    }
    // A value in the stream that is not an object says what was expected.
    let e = read_str("n.json", r#"{"kind": "Node", "metadata": {"name": "a"}} 5"#).unwrap_err();
    assert_eq!(e.document(), Some(2), "{e}");
    assert!(
        e.message()
            .contains("expected a Kubernetes object or an array of objects"),
        "{e}"
    );
}

#[test]
fn lists_read_alike_through_the_reader_and_the_streaming_loader() {
    // Items without kind take a typed list's kind; a generic List's items keep their own.
    let typed = r#"{"kind": "PodList", "apiVersion": "v1", "items": [
        {"metadata": {"name": "a", "namespace": "s", "labels": {"app": "x"}}},
        {"metadata": {"name": "b", "namespace": "s"}, "spec": {"nodeName": "n"}}]}"#;
    let generic = r#"{"kind": "List", "items": [
        {"kind": "Pod", "metadata": {"name": "a", "namespace": "s", "labels": {"app": "x"}}},
        {"kind": "Node", "metadata": {"name": "n"}}]}"#;
    for (text, want) in [
        (typed, vec!["Pod s/a", "Pod s/b"]),
        (generic, vec!["Pod s/a", "Node n"]),
    ] {
        assert_eq!(names(&read_str("l.json", text).unwrap()), want);
        let mut c = Cluster::new();
        c.load_reader("l.json", text.as_bytes()).unwrap();
        assert_eq!(c.pods().len(), 1 + usize::from(want[1] == "Pod s/b"));
        assert!(c.pod_named("s", "a").is_some());
    }
    let mut c = Cluster::new();
    c.load_reader("l.json", typed.as_bytes()).unwrap();
    assert_eq!(c.pod_named("s", "b").unwrap().node_name(), Some("n"));

    // Items on an object that is not a list, and an item that is not an object: refused by
    // both, with the same reason.
    for (text, reason) in [
        (
            r#"{"kind": "Node", "metadata": {"name": "a"}, "items": [{"kind": "Pod", "metadata": {"name": "p"}}]}"#,
            "the object has items but is not a List (Node)",
        ),
        (
            r#"{"kind": "List", "items": [5]}"#,
            "expected a Kubernetes object",
        ),
    ] {
        let e = read_str("l.json", text).unwrap_err();
        assert!(e.message().contains(reason), "read_str: {e}");
        let e = Cluster::new()
            .load_reader("l.json", text.as_bytes())
            .unwrap_err();
        assert!(e.to_string().contains(reason), "load_reader: {e}");
    }
}

/// An error in a list item, an array element or a watch event names that object, and its
/// field inside it, whatever the input's shape and format.
#[test]
fn an_error_names_the_object_and_the_field_inside_it() {
    let json = "invalid type: integer `5`, expected a map of label keys to string values";
    let yaml = "expected mapping start";
    let cases = [
        (
            "{\"kind\": \"List\", \"items\": [\n{\"kind\": \"Pod\", \"metadata\": {\"name\": \"a\"}},\n{\"kind\": \"Pod\", \"metadata\": {\"name\": \"b\", \"namespace\": \"x\", \"labels\": 5}}]}",
            ("line 3, column 71: Pod x/b", json),
        ),
        (
            "[{\"kind\": \"Pod\", \"metadata\": {\"name\": \"a\"}},\n {\"kind\": \"Node\", \"metadata\": {\"name\": \"n\", \"labels\": 5}}]",
            ("line 2, column 55: Node n", json),
        ),
        (
            "kind: List\nitems:\n- kind: Pod\n  metadata: {name: a}\n- kind: Pod\n  metadata:\n    name: b\n    labels: 5\n",
            ("line 8, column 13: Pod b", yaml),
        ),
        (
            "kind: PodList\napiVersion: v1\nitems:\n- metadata:\n    name: b\n    labels: 5\n",
            ("line 6, column 13: Pod b", yaml),
        ),
        (
            "{\"kind\": \"NodeList\", \"apiVersion\": \"v1\", \"items\": [\n{\"metadata\": {\"name\": \"n\", \"labels\": 5}}]}",
            ("line 2, column 38: Node n", json),
        ),
    ];
    for (text, (place, why)) in cases {
        let err = read_str("t", text).unwrap_err();
        assert_eq!(err.field(), Some("metadata.labels"), "{text}");
        assert_eq!(
            err.to_string(),
            format!("t: document 1, {place}: metadata.labels: {why}")
        );
        // Loaded into a store (streamed, for JSON), the same answer.
        let loaded = Cluster::new().load_str("t", text).unwrap_err();
        assert_eq!(loaded.to_string(), err.to_string(), "{text}");
    }
    // kubectl's key order puts `kind` after `items`: streamed, a failing item is read before
    // its list's kind, and is named without it (README, "Errors").
    let text = "{\"apiVersion\": \"v1\", \"items\": [{\"metadata\": {\"name\": \"n\", \"labels\": 5}}], \"kind\": \"NodeList\"}";
    assert_eq!(read_str("t", text).unwrap_err().object(), Some("Node n"));
    let streamed = Cluster::new().load_str("t", text).unwrap_err();
    assert_eq!(
        (streamed.object(), streamed.field()),
        (Some("object n"), Some("metadata.labels"))
    );
    // A list's own metadata is the list's: its field is named from the list.
    let text = "{\"kind\": \"List\", \"metadata\": {\"resourceVersion\": 5}, \"items\": []}";
    let err = read_str("t", text).unwrap_err();
    assert_eq!(
        (err.object(), err.field()),
        (None, Some("metadata.resourceVersion"))
    );
}

#[test]
fn a_scalar_ended_by_a_newline_is_placed_on_its_own_line() {
    // A bare word as a List's second `kind`, ended by a newline: the streaming loader's
    // scanner counted that newline without reading it, so the line began after the position
    // the error was placed at and the column underflowed (found by the `read_objects` fuzz
    // target). Both loaders refuse it: the whole text at the word, the stream (which has
    // handed the items on) at the second `kind`'s end, still on line 1.
    let text = fuzz_input("read_objects-scalar-ends-at-newline.json");
    let newline = text.find('\n').unwrap();
    let whole = read_str("s.json", &text).unwrap_err();
    assert_eq!(whole.kind(), LoadErrorKind::Syntax);
    assert_eq!((whole.line(), whole.column()), (Some(1), Some(80)));
    let mut c = Cluster::new();
    let streamed = c.load_reader("s.json", text.as_bytes()).unwrap_err();
    assert!(
        streamed.message().contains("`kind` is written twice"),
        "{streamed}"
    );
    assert_eq!(
        (streamed.line(), streamed.column()),
        (Some(1), Some(newline + 1))
    );
    assert_eq!(c.pods().len(), 0);
    c.internal_validate().unwrap();
}
