//! Loading kubectl JSON: our readers (only the modelled fields, borrowed strings, the rest
//! skipped) against a plain `serde_json::Value` load and k8s-openapi's typed `Pod`s, on the
//! same `kubectl get pods -A -o json` text; and the same pods as kubectl's `-o yaml`, read by
//! our reader against serde-saphyr's own untyped value.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use label_selector::Cluster;
use label_selector::generate::{GenerateOptions, generate};
use label_selector::load::{DuplicateKeys, ReadLimits, read_str};
use serde::Deserialize;

/// `kubectl get pods -A -o json`: a `List` of full Pod objects, indented by 4 as kubectl does.
fn kubectl_pods(pods: usize) -> String {
    let mut list = generate(&GenerateOptions {
        pods,
        nodes: pods / 30,
        seed: 42,
    });
    let items = list["items"].as_array_mut().unwrap();
    items.retain(|o| o["kind"] == "Pod");
    assert_eq!(items.len(), pods);
    let mut buf = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
    serde::Serialize::serialize(&list, &mut ser).unwrap();
    String::from_utf8(buf).unwrap()
}

#[derive(Deserialize)]
struct OpenApiList {
    items: Vec<k8s_openapi::api::core::v1::Pod>,
}

fn load(c: &mut Criterion) {
    let text = kubectl_pods(5_000);
    // Before timing: every contender reads the same 5 000 pods.
    assert_eq!(
        read_str("bench", &text).unwrap().len(),
        1,
        "one document, a List"
    );
    let mut cluster = Cluster::new();
    cluster.load_str("bench", &text).unwrap();
    assert_eq!(cluster.pods().len(), 5_000);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["items"].as_array().unwrap().len(), 5_000);
    let o: OpenApiList = serde_json::from_str(&text).unwrap();
    assert_eq!(o.items.len(), 5_000);

    let mut g = c.benchmark_group(format!("load/kubectl-json-{}MB", text.len() >> 20));
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.sample_size(10);
    g.bench_function("read_str (models)", |b| {
        b.iter(|| black_box(read_str("bench", black_box(&text)).unwrap()))
    });
    g.bench_function("Cluster::load_str (models + index)", |b| {
        b.iter(|| {
            let mut c = Cluster::new();
            c.load_str("bench", black_box(&text)).unwrap();
            black_box(c)
        })
    });
    g.bench_function("serde_json::Value", |b| {
        b.iter(|| black_box(serde_json::from_str::<serde_json::Value>(black_box(&text)).unwrap()))
    });
    g.bench_function("k8s-openapi Pod", |b| {
        b.iter(|| black_box(serde_json::from_str::<OpenApiList>(black_box(&text)).unwrap()))
    });
    g.finish();

    // The same list as YAML (serde-saphyr writes block style, as kubectl -o yaml does).
    let yaml = serde_saphyr::to_string(&v).unwrap();
    assert_eq!(
        read_str("bench.yaml", &yaml).unwrap(),
        read_str("bench", &text).unwrap()
    );
    let mut g = c.benchmark_group(format!("load/kubectl-yaml-{}MB", yaml.len() >> 20));
    g.throughput(Throughput::Bytes(yaml.len() as u64));
    g.sample_size(10);
    g.bench_function("read_str (models)", |b| {
        b.iter(|| black_box(read_str("bench.yaml", black_box(&yaml)).unwrap()))
    });
    let strict = ReadLimits {
        duplicate_keys: DuplicateKeys::Error,
        ..ReadLimits::default()
    };
    g.bench_function("read_str, strict (repeated keys refused)", |b| {
        b.iter(|| black_box(strict.read_str("bench.yaml", black_box(&yaml)).unwrap()))
    });
    // serde-saphyr's default budget refuses a list this size: the reader's scaled one.
    let options = || {
        let mut budget = serde_saphyr::budget::Budget::default();
        budget.max_nodes = yaml.len();
        budget.max_events = yaml.len();
        budget.max_total_scalar_bytes = yaml.len();
        let mut o = serde_saphyr::Options::default();
        o.budget = Some(budget);
        o
    };
    g.bench_function("serde-saphyr to serde_json::Value", |b| {
        b.iter(|| {
            black_box(
                serde_saphyr::from_str_with_options::<serde_json::Value>(
                    black_box(&yaml),
                    options(),
                )
                .unwrap(),
            )
        })
    });
    g.finish();
}

/// A Pod with `n` labels `k0: v`, `k1: v`, ... (keys out of lexical order), as JSON and YAML.
fn many_labels(n: usize) -> (String, String) {
    let mut json =
        String::from(r#"{"kind":"Pod","metadata":{"name":"p","namespace":"a","labels":{"#);
    let mut yaml = String::from("kind: Pod\nmetadata:\n  name: p\n  namespace: a\n  labels:\n");
    for i in 0..n {
        if i > 0 {
            json.push(',');
        }
        json.push_str(&format!(r#""k{i}":"v""#));
        yaml.push_str(&format!("    k{i}: v\n"));
    }
    json.push_str("}}}");
    (json, yaml)
}

/// Hostile inputs (issue: reading must stay near linear, ≤ 1 s for any 3 MB object): a Pod
/// with 200 000 labels, read and loaded, against the untyped parse of the same text.
fn hostile(c: &mut Criterion) {
    let (json, yaml) = many_labels(200_000);
    for (name, text) in [("json", &json), ("yaml", &yaml)] {
        let docs = read_str(name, text).unwrap();
        let label_selector::k8s::Object::Pod(p) = &docs[0].object else {
            panic!("a pod")
        };
        assert_eq!(p.metadata.labels.len(), 200_000);
    }
    let mut g = c.benchmark_group(format!("load/200k-labels-{}MB", json.len() >> 20));
    g.sample_size(10);
    g.bench_function("json: read_str", |b| {
        b.iter(|| black_box(read_str("p.json", black_box(&json)).unwrap()))
    });
    g.bench_function("json: Cluster::load_str", |b| {
        b.iter(|| {
            let mut c = Cluster::new();
            black_box(c.load_str("p.json", black_box(&json)).unwrap());
        })
    });
    g.bench_function("json: serde_json::Value", |b| {
        b.iter(|| black_box(serde_json::from_str::<serde_json::Value>(black_box(&json)).unwrap()))
    });
    g.bench_function("yaml: read_str", |b| {
        b.iter(|| black_box(read_str("p.yaml", black_box(&yaml)).unwrap()))
    });
    g.bench_function("yaml: serde-saphyr to serde_json::Value", |b| {
        b.iter(|| {
            let mut budget = serde_saphyr::budget::Budget::default();
            budget.max_nodes = yaml.len();
            budget.max_events = yaml.len();
            let mut o = serde_saphyr::Options::default();
            o.budget = Some(budget);
            black_box(
                serde_saphyr::from_str_with_options::<serde_json::Value>(black_box(&yaml), o)
                    .unwrap(),
            )
        })
    });
    g.finish();
}

criterion_group!(benches, load, hostile);
criterion_main!(benches);
