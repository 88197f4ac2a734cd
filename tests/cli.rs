//! The `labelsel` binary on fixture files: tables, formats, errors, exit codes.

use std::io::Write;
use std::process::{Command, Stdio};

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn fixture(name: &str) -> String {
    format!("{}/tests/data/k8s/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[track_caller]
fn run(args: &[&str]) -> Run {
    run_with_stdin(args, None)
}

#[track_caller]
fn run_with_stdin(args: &[&str], stdin: Option<&str>) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_labelsel"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("labelsel runs");
    {
        let mut pipe = child.stdin.take().unwrap();
        if let Some(text) = stdin {
            pipe.write_all(text.as_bytes()).unwrap();
        }
    }
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// The first column of every row but the header.
fn first_column(table: &str) -> Vec<&str> {
    table
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().next())
        .collect()
}

#[test]
fn get_pods_prints_kubectls_table() {
    let r = run(&["get", "pods", "-n", "shop", "-f", &fixture("stream.yaml")]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stderr, "");
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(
        lines[0].starts_with("NAME                   READY     STATUS             RESTARTS   AGE"),
        "{}",
        lines[0]
    );
    let cells: Vec<&str> = lines[1].split_whitespace().collect();
    assert_eq!(
        &cells[..4],
        ["web-7d9f8b6c5d-x2x4p", "1/2", "CrashLoopBackOff", "5"]
    );
    assert!(cells[4].ends_with('d'), "{}", cells[4]);
}

#[test]
fn wide_labels_and_label_columns() {
    let r = run(&[
        "get",
        "pods",
        "-A",
        "-o",
        "wide",
        "--show-labels",
        "-L",
        "pod-template-hash,app.kubernetes.io/name",
        "-f",
        &fixture("stream.yaml"),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let header: Vec<&str> = r
        .stdout
        .lines()
        .next()
        .unwrap()
        .split("   ")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    assert_eq!(
        header,
        [
            "NAMESPACE",
            "NAME",
            "READY",
            "STATUS",
            "RESTARTS",
            "AGE",
            "IP",
            "NODE",
            "NOMINATED NODE",
            "READINESS GATES",
            "POD-TEMPLATE-HASH",
            "NAME",
            "LABELS"
        ]
    );
    let row = r.stdout.lines().nth(1).unwrap();
    for cell in [
        "shop",
        "10.244.1.17",
        "node-a",
        "<none>",
        "7d9f8b6c5d",
        "web",
        "app.kubernetes.io/instance=web-shop,app.kubernetes.io/name=web,pod-template-hash=7d9f8b6c5d",
    ] {
        assert!(row.contains(cell), "{cell} in {row}");
    }
}

#[test]
fn selectors_filter_like_kubectl() {
    let json = fixture("cluster.json");
    let yaml = fixture("cluster.yaml");
    for sel in [
        "app.kubernetes.io/name=web",
        "app.kubernetes.io/component in (database),app.kubernetes.io/part-of=shop",
        "!pod-template-hash",
    ] {
        let a = run(&["get", "pods", "-A", "-l", sel, "-o", "name", "-f", &json]);
        let b = run(&["get", "pods", "-A", "-l", sel, "-o", "name", "-f", &yaml]);
        assert_eq!(a.code, 0, "{}", a.stderr);
        assert_eq!(a.stdout, b.stdout, "{sel}");
        assert!(!a.stdout.is_empty(), "{sel}");
        assert!(a.stdout.lines().all(|l| l.starts_with("pod/")));
    }
    // Without -A, only the default namespace: none there.
    let r = run(&[
        "get",
        "pods",
        "-l",
        "app.kubernetes.io/name=web",
        "-f",
        &json,
    ]);
    assert_eq!((r.code, r.stdout.as_str()), (0, ""));
    assert_eq!(r.stderr, "No resources found in default namespace.\n");
}

#[test]
fn empty_results_and_unknown_namespaces() {
    let json = fixture("cluster.json");
    let r = run(&["get", "pods", "-n", "nosuch", "-f", &json]);
    assert_eq!((r.code, r.stdout.as_str()), (0, ""));
    assert_eq!(r.stderr, "No resources found in nosuch namespace.\n");
    let r = run(&["get", "pods", "-A", "-l", "app=none", "-f", &json]);
    assert_eq!(r.stderr, "No resources found\n");
    let r = run(&["get", "nodes", "-l", "gpu", "-f", &json]);
    assert_eq!(r.stderr, "No resources found\n");
    // -o json of nothing is an empty List, as kubectl prints it.
    let r = run(&[
        "get", "pods", "-A", "-l", "app=none", "-o", "json", "-f", &json,
    ]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["items"].as_array().unwrap().len(), 0);
    // A namespace that cannot exist is an error.
    let r = run(&["get", "pods", "-n", "Shop", "-f", &json]);
    assert_eq!((r.code, r.stdout.as_str()), (1, ""));
    assert!(
        r.stderr.starts_with("error: invalid namespace \"Shop\""),
        "{}",
        r.stderr
    );
}

#[test]
fn nodes_table() {
    let r = run(&[
        "get",
        "nodes",
        "-l",
        "node-role.kubernetes.io/control-plane",
        "-f",
        &fixture("cluster.json"),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert!(lines[0].starts_with("NAME "));
    assert!(
        lines[0].ends_with("STATUS    ROLES           AGE       VERSION"),
        "{}",
        lines[0]
    );
    assert_eq!(lines.len(), 2);
    assert!(
        lines[1].contains("   Ready     control-plane   "),
        "{}",
        lines[1]
    );
    assert!(lines[1].ends_with("v1.34.1"));
}

#[test]
fn json_and_yaml_output_read_back() {
    let json = fixture("cluster.json");
    for fmt in ["json", "yaml"] {
        let r = run(&[
            "get",
            "pods",
            "-n",
            "shop",
            "-l",
            "app.kubernetes.io/name=web",
            "-o",
            fmt,
            "-f",
            &json,
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        // What we print loads again, with the same pods.
        let back = run_with_stdin(
            &["get", "pods", "-n", "shop", "-o", "name", "-f", "-"],
            Some(&r.stdout),
        );
        let direct = run(&[
            "get",
            "pods",
            "-n",
            "shop",
            "-l",
            "app.kubernetes.io/name=web",
            "-o",
            "name",
            "-f",
            &json,
        ]);
        assert_eq!(back.stdout, direct.stdout, "{fmt}");
        assert!(!direct.stdout.is_empty());
    }
}

#[test]
fn several_files_and_stdin() {
    let text = std::fs::read_to_string(fixture("podlist.json")).unwrap();
    let r = run_with_stdin(
        &[
            "get",
            "pods",
            "-A",
            "-f",
            &fixture("stream.yaml"),
            "-f",
            "-",
        ],
        Some(&text),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(first_column(&r.stdout), ["shop", "shop", "shop"]);
    assert!(
        r.stdout.contains("a-1 ")
            && r.stdout.contains("b-1 ")
            && r.stdout.contains("web-7d9f8b6c5d-x2x4p")
    );
    assert!(r.stdout.contains("Succeeded"));
}

#[test]
fn bad_input_fails_cleanly() {
    for (file, want) in [
        ("truncated.json", "truncated.json: document 1, line "),
        (
            "bad-label.yaml",
            "document 2, line 13, column 5: Pod shop/broken: invalid label: [tier]",
        ),
        (
            "bad-operator.json",
            "ReplicaSet shop/web-1: spec.selector: matchExpressions[0].operator",
        ),
        ("bad-indent.yaml", "bad-indent.yaml: document 1, line 5"),
    ] {
        // The good file comes first: nothing of it may be printed.
        let r = run(&[
            "get",
            "pods",
            "-A",
            "-f",
            &fixture("cluster.json"),
            "-f",
            &fixture(file),
        ]);
        assert_eq!(r.code, 1, "{file}");
        assert_eq!(r.stdout, "", "{file}");
        assert!(r.stderr.starts_with("error: "), "{}", r.stderr);
        assert!(r.stderr.contains(want), "{file}: {}", r.stderr);
    }
    let r = run(&["get", "pods", "-f", &fixture("missing.json")]);
    assert_eq!((r.code, r.stdout.as_str()), (1, ""));
    assert!(r.stderr.contains("missing.json"), "{}", r.stderr);
}

#[test]
fn selector_errors_draw_a_caret() {
    let r = run(&[
        "get",
        "pods",
        "-A",
        "-l",
        "app=web,,x",
        "-f",
        &fixture("cluster.json"),
    ]);
    assert_eq!((r.code, r.stdout.as_str()), (1, ""));
    assert_eq!(
        r.stderr,
        "error: invalid selector: expected a label key or '!' after ',', found ',' at byte 8\n  app=web,,x\n          ^\n"
    );
    let r = run(&["parse", "env in (prod"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("\n  env in (prod\n              ^"),
        "{}",
        r.stderr
    );
    let r = run(&["parse", " env in (prod, staging) , app = web,!gpu"]);
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (0, "app=web,env in (prod,staging),!gpu\n")
    );
}

#[test]
fn explain_shows_each_requirement() {
    let r = run(&[
        "explain",
        "-l",
        "app.kubernetes.io/name=web,track notin (canary),tier,!gpu",
        "shop/web-7d9f8b6c5d-x2x4p",
        "-f",
        &fixture("stream.yaml"),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "REQUIREMENT                  VALUE      VERDICT\n\
         app.kubernetes.io/name=web   web        ok\n\
         !gpu                         <absent>   ok\n\
         tier                         <absent>   REJECT\n\
         track notin (canary)         <absent>   ok\n\
         pod shop/web-7d9f8b6c5d-x2x4p is not selected by 'app.kubernetes.io/name=web,!gpu,tier,track notin (canary)'\n"
    );
    let r = run(&[
        "explain",
        "nodes",
        "-l",
        "topology.kubernetes.io/zone=eu-west-1a",
        "node-a",
        "-f",
        &fixture("stream.yaml"),
    ]);
    assert!(
        r.stdout
            .ends_with("node node-a is selected by 'topology.kubernetes.io/zone=eu-west-1a'\n"),
        "{}",
        r.stdout
    );
    let r = run(&[
        "explain",
        "-l",
        "a",
        "shop/nope",
        "-f",
        &fixture("stream.yaml"),
    ]);
    assert_eq!((r.code, r.stdout.as_str()), (1, ""));
    assert_eq!(r.stderr, "error: pod \"shop/nope\" not found\n");
}

#[test]
fn generate_is_reproducible_and_loads() {
    let a = run(&["generate", "--pods", "50", "--nodes", "4", "--seed", "9"]);
    let b = run(&["generate", "--pods", "50", "--nodes", "4", "--seed", "9"]);
    assert_eq!(a.code, 0);
    assert_eq!(a.stdout, b.stdout);
    let r = run_with_stdin(
        &["get", "pods", "-A", "-o", "name", "-f", "-"],
        Some(&a.stdout),
    );
    assert_eq!(r.stdout.lines().count(), 50);
    let y = run(&[
        "generate", "--pods", "50", "--nodes", "4", "--seed", "9", "-o", "yaml",
    ]);
    let r = run_with_stdin(&["get", "nodes", "-o", "name", "-f", "-"], Some(&y.stdout));
    assert_eq!(r.stdout.lines().count(), 4);
}

#[test]
fn the_bundled_sample_is_the_generators_output() {
    // examples/cluster.json is what `generate` prints with its defaults.
    let r = run(&["generate"]);
    let bundled = std::fs::read_to_string(format!(
        "{}/examples/cluster.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    assert!(
        r.stdout == bundled,
        "examples/cluster.json is stale: run `labelsel generate > examples/cluster.json`"
    );
    // And `get` reads it when no -f is given.
    let r = run(&["get", "pods", "-A", "-l", "app.kubernetes.io/name=web"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let namespaces: std::collections::BTreeSet<&str> =
        first_column(&r.stdout).into_iter().collect();
    assert_eq!(
        namespaces.into_iter().collect::<Vec<_>>(),
        ["payments", "search", "shop"]
    );
}

#[test]
fn no_progress_bar_when_piped() {
    // A large input through a pipe: stderr stays empty.
    let big = run(&["generate", "--pods", "3000", "--nodes", "40"]);
    let path = std::env::temp_dir().join(format!("labelsel-big-{}.json", std::process::id()));
    std::fs::write(&path, &big.stdout).unwrap();
    let r = run(&[
        "get",
        "pods",
        "-A",
        "-l",
        "app.kubernetes.io/name=web",
        "-o",
        "name",
        "-f",
        path.to_str().unwrap(),
    ]);
    std::fs::remove_file(&path).ok();
    assert!(big.stdout.len() > 8 << 20, "{}", big.stdout.len());
    assert_eq!(r.code, 0);
    assert_eq!(r.stderr, "");
    assert!(r.stdout.lines().count() > 100);
}

#[test]
fn watch_streams_replay_to_their_final_state() {
    let watch = fixture("watch.json");
    let r = run(&["get", "pods", "-A", "-f", &watch]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // web-1 was deleted; web-2 is in its last state; db-0 had no namespace: `default`.
    assert_eq!(first_column(&r.stdout), ["default", "shop"]);
    let web2 = r.stdout.lines().find(|l| l.contains("web-2")).unwrap();
    assert!(web2.contains("1/1") && web2.contains("Running"), "{web2}");
    assert_eq!(
        r.stderr,
        "warning: {w}: event 8: watch error: 410 Expired: too old resource version: 90 (106)\n\
         warning: {w}: delete of Pod shop/ghost, which was not there\n"
            .replace("{w}", &watch)
    );
    let r = run(&[
        "get",
        "pods",
        "-n",
        "shop",
        "-l",
        "version=v2",
        "-o",
        "name",
        "-f",
        &watch,
    ]);
    assert_eq!(r.stdout, "pod/web-2\n");
}

#[test]
fn the_namespace_flag_places_objects_that_have_none() {
    let watch = fixture("watch.json");
    // With -n, objects without a namespace land there, as `kubectl apply -f -n` puts them.
    let r = run(&["get", "pods", "-n", "data", "-o", "name", "-f", &watch]);
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (0, "pod/db-0\n"),
        "{}",
        r.stderr
    );
    let r = run(&["get", "pods", "-o", "name", "-f", &watch]);
    assert_eq!(r.stdout, "pod/db-0\n");
    let r = run_with_stdin(
        &["get", "pods", "-n", "team-a", "-f", "-"],
        Some("kind: Pod\nmetadata: {name: solo}\n"),
    );
    assert!(r.stdout.starts_with("NAME "), "{}", r.stderr);
    assert_eq!(first_column(&r.stdout), ["solo"]);
    let r = run(&[
        "explain", "-n", "data", "-l", "app=db", "db-0", "-f", &watch,
    ]);
    assert!(
        r.stdout
            .ends_with("pod data/db-0 is selected by 'app=db'\n"),
        "{}",
        r.stdout
    );
}
