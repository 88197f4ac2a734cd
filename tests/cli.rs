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
            "document 2, line 13, column 5: Pod shop/broken: metadata.labels: invalid label: [tier]",
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
    // Without -n they belong to `default`, as `kubectl apply -f` treats them: listed there,
    // and under NAMESPACE `default` with -A.
    let solo = "kind: Pod\nmetadata: {name: solo}\n";
    let r = run_with_stdin(&["get", "pods", "-f", "-"], Some(solo));
    assert_eq!(first_column(&r.stdout), ["solo"], "{}", r.stderr);
    let r = run_with_stdin(&["get", "pods", "-A", "-f", "-"], Some(solo));
    assert!(r.stdout.starts_with("NAMESPACE "), "{}", r.stdout);
    assert_eq!(first_column(&r.stdout), ["default"]);
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

// ---- workloads over the bundled sample (its `demo` namespace) ----

/// The table's rows with the AGE column (which depends on today) cut out.
fn without_age(table: &str) -> Vec<String> {
    let mut lines = table.lines();
    let header = lines.next().unwrap_or_default();
    let age = header.find("AGE").unwrap();
    let end = header[age..]
        .find(|c: char| c != 'A' && c != 'G' && c != 'E' && c != ' ')
        .map(|i| age + i);
    std::iter::once(header)
        .chain(lines)
        .map(|l| {
            let tail = end.and_then(|e| l.get(e..)).unwrap_or("");
            format!("{}{}", &l[..age.min(l.len())], tail)
                .trim_end()
                .to_string()
        })
        .collect()
}

#[test]
fn get_lists_services_workloads_and_budgets_in_kubectls_columns() {
    let r = run(&["get", "svc", "-n", "demo"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        without_age(&r.stdout),
        [
            "NAME          TYPE           CLUSTER-IP    EXTERNAL-IP        PORT(S)",
            "cart          ClusterIP      172.20.41.7   <none>             80/TCP",
            "cart-public   LoadBalancer   172.20.41.9   a1b2c3-demo.e...   443:31443/TCP",
        ]
    );
    let r = run(&["get", "services", "-n", "demo", "-o", "wide"]);
    assert!(
        r.stdout
            .lines()
            .next()
            .unwrap()
            .ends_with("AGE       SELECTOR")
    );
    assert!(r.stdout.contains("a1b2c3-demo.elb.eu-west-1.amazonaws.com"));
    assert!(
        r.stdout
            .lines()
            .nth(1)
            .unwrap()
            .ends_with("app.kubernetes.io/name=cart")
    );

    let r = run(&["get", "deploy", "-n", "demo"]);
    assert_eq!(
        without_age(&r.stdout),
        [
            "NAME      READY     UP-TO-DATE   AVAILABLE",
            "cart      1/3       3            1"
        ]
    );
    let r = run(&["get", "rs", "-n", "demo", "-o", "wide"]);
    let lines = without_age(&r.stdout);
    assert_eq!(
        lines[0],
        "NAME          DESIRED   CURRENT   READY     CONTAINERS   IMAGES                           SELECTOR"
    );
    assert!(lines[1].starts_with(
        "cart-6d9f7c   3         3         1         cart         ghcr.io/example/cart:2.4.1"
    ));
    assert!(lines[2].ends_with("app.kubernetes.io/name=cart"));
    let r = run(&["get", "sts", "-n", "shop", "-o", "name"]);
    assert_eq!(
        r.stdout,
        "statefulset.apps/postgres\nstatefulset.apps/redis\n"
    );
    let r = run(&["get", "ds", "-A"]);
    assert_eq!(
        without_age(&r.stdout)[0],
        "NAMESPACE     NAME            DESIRED   CURRENT   READY     UP-TO-DATE   AVAILABLE   NODE SELECTOR"
    );
    let r = run(&["get", "rc", "-A"]);
    assert_eq!(
        (r.code, r.stdout.as_str(), r.stderr.as_str()),
        (0, "", "No resources found\n")
    );
    let r = run(&["get", "pdb", "-n", "demo"]);
    assert_eq!(
        without_age(&r.stdout),
        [
            "NAME      MIN AVAILABLE   MAX UNAVAILABLE   ALLOWED DISRUPTIONS",
            "cart      2               N/A               0"
        ]
    );
    let r = run(&["get", "svc", "cart", "-A"]);
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (
            1,
            "error: a resource cannot be retrieved by name across all namespaces\n"
        )
    );
    let r = run(&["get", "pods", "cart-debug", "-n", "demo", "-o", "name"]);
    assert_eq!(r.stdout, "pod/cart-debug\n");
    let r = run(&["get", "deployment", "nope", "-n", "demo"]);
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (
            1,
            "Error from server (NotFound): deployments.apps \"nope\" not found\n"
        )
    );
    let r = run(&[
        "get",
        "svc",
        "-l",
        "app.kubernetes.io/name=web",
        "-A",
        "-o",
        "name",
    ]);
    assert_eq!(r.stdout.lines().count(), 3, "{}", r.stdout);
}

#[test]
fn get_pdb_as_json_carries_the_computed_status() {
    let r = run(&["get", "pdb", "cart", "-n", "demo", "-o", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["kind"], "PodDisruptionBudget");
    assert_eq!(v["apiVersion"], "policy/v1");
    let s = &v["status"];
    assert_eq!(
        (
            s["expectedPods"].as_i64(),
            s["currentHealthy"].as_i64(),
            s["desiredHealthy"].as_i64(),
            s["disruptionsAllowed"].as_i64()
        ),
        (Some(3), Some(1), Some(2), Some(0))
    );
    assert_eq!(s["observedGeneration"], 1);
    assert_eq!(s["conditions"][0]["type"], "DisruptionAllowed");
    assert_eq!(s["conditions"][0]["reason"], "InsufficientPods");
    let r = run(&["get", "pdb", "-A", "-o", "yaml"]);
    assert!(
        r.stdout.starts_with("apiVersion: v1\nitems:\n"),
        "{}",
        &r.stdout[..200.min(r.stdout.len())]
    );
}

#[test]
fn endpoints_prints_the_services_endpoint_slices() {
    let r = run(&["endpoints", "-n", "demo", "cart"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        without_age(&r.stdout),
        [
            "NAME         ADDRESSTYPE   PORTS     ENDPOINTS",
            "cart-9shfr   IPv4          8080      10.244.1.17,10.244.2.31,10.244.3.12 + 2 more...",
        ]
    );
    let r = run(&["endpoints", "-n", "demo", "cart", "-o", "json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["kind"], "List");
    let slice = &v["items"][0];
    assert_eq!(slice["apiVersion"], "discovery.k8s.io/v1");
    assert_eq!(slice["kind"], "EndpointSlice");
    assert_eq!(
        slice["metadata"]["labels"]["kubernetes.io/service-name"],
        "cart"
    );
    assert_eq!(
        slice["ports"],
        serde_json::json!([{"name": "http", "port": 8080, "protocol": "TCP"}])
    );
    let eps = slice["endpoints"].as_array().unwrap();
    assert_eq!(eps.len(), 5);
    let terminating = eps
        .iter()
        .find(|e| e["targetRef"]["name"] == "cart-6d9f7c-t7m3r")
        .unwrap();
    assert_eq!(
        terminating["conditions"],
        serde_json::json!({"ready": false, "serving": true, "terminating": true})
    );
    assert_eq!(terminating["zone"], "eu-west-1b");
    assert_eq!(terminating["targetRef"]["kind"], "Pod");
    assert_eq!(
        terminating["nodeName"],
        "ip-10-0-0-14.eu-west-1.compute.internal"
    );
    let r = run(&["endpoints", "-n", "demo", "nope"]);
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (
            1,
            "Error from server (NotFound): services \"nope\" not found\n"
        )
    );
}

#[test]
fn owners_and_evict_answer_for_one_pod() {
    let r = run(&["owners", "-n", "demo", "cart-debug"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "Pod:            demo/cart-debug\n\
         Controller:     <none> (orphan)\n\
         Would adopt:    ReplicaSet/cart-canary\n\
         Would release:  <none>\n\
         Services:       cart (ready)\n\
         Budgets:        <none>\n"
    );
    let r = run(&["owners", "-n", "demo", "cart-6d9f7c-q4w9z", "-o", "json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["ownership"]["controller"]["name"], "cart-6d9f7c");
    assert_eq!(v["ownership"]["deployment"]["name"], "cart");
    assert_eq!(v["budgets"][0]["status"]["currentHealthy"], 1);

    let r = run(&["evict", "-n", "demo", "cart-6d9f7c-k8x2p"]);
    assert_eq!(
        (r.code, r.stdout.as_str(), r.stderr.as_str()),
        (
            1,
            "",
            "error when evicting pods/\"cart-6d9f7c-k8x2p\" -n \"demo\": Cannot evict pod as it would violate the pod's disruption budget. (The disruption budget cart needs 2 healthy pods and has 1 currently)\n"
        )
    );
    let r = run(&["evict", "-n", "demo", "cart-6d9f7c-k8x2p", "-o", "json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stderr).unwrap();
    assert_eq!(
        (v["code"].as_i64(), v["reason"].as_str()),
        (Some(429), Some("TooManyRequests"))
    );
    assert_eq!(v["details"]["causes"][0]["reason"], "DisruptionBudget");
    let r = run(&["evict", "-n", "demo", "cart-6d9f7c-t7m3r"]);
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (
            0,
            "pod/cart-6d9f7c-t7m3r evicted (dry run): the pod is Terminating: it is deleted without checking disruption budgets\n"
        )
    );
    let r = run(&["evict", "-n", "demo", "gone"]);
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (1, "Error from server (NotFound): pods \"gone\" not found\n")
    );
}

#[test]
fn watch_replays_the_sample_stream_and_prints_each_change() {
    let r = run(&["watch"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let want = "\
#1 MODIFIED Pod demo/cart-6d9f7c-q4w9z
  endpoint  svc/cart             ~ cart-6d9f7c-q4w9z 10.244.2.31: not ready, not serving -> ready
  endpoint  svc/cart-public      ~ cart-6d9f7c-q4w9z 10.244.2.31: not ready, not serving -> ready
  budget    pdb/cart             allowed 0 (healthy 1, desired 2, expected 3) -> allowed 0 (healthy 2, desired 2, expected 3)
#2 DELETED Pod demo/cart-6d9f7c-t7m3r
  endpoint  svc/cart             - cart-6d9f7c-t7m3r 10.244.3.12 (not ready, terminating)
  endpoint  svc/cart-public      - cart-6d9f7c-t7m3r 10.244.3.12 (not ready, terminating)
  owner     pod/cart-6d9f7c-t7m3r gone
  budget    pdb/cart             allowed 0 (healthy 2, desired 2, expected 3) -> allowed 0 (healthy 2, desired 2, expected 2)
#3 ADDED Pod demo/cart-6d9f7c-h2j6d
  endpoint  svc/cart             + cart-6d9f7c-h2j6d 10.244.3.40 (not ready, not serving)
  endpoint  svc/cart-public      + cart-6d9f7c-h2j6d 10.244.3.40 (not ready, not serving)
  owner     pod/cart-6d9f7c-h2j6d new: ReplicaSet/cart-6d9f7c of Deployment/cart
  budget    pdb/cart             allowed 0 (healthy 2, desired 2, expected 2) -> allowed 0 (healthy 2, desired 2, expected 3)
#4 MODIFIED Pod demo/cart-debug
  endpoint  svc/cart             - cart-debug 10.244.1.90 (ready)
  owner     pod/cart-debug       orphan, adopted by ReplicaSet/cart-canary -> orphan
#5 BOOKMARK 905: no change
";
    assert_eq!(r.stdout, want);
    // A stream given with -f, over the state of the files before it; JSON lines.
    let watch = fixture("watch.json");
    let r = run(&["watch", "-f", &watch, "-o", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let first: serde_json::Value = serde_json::from_str(r.stdout.lines().next().unwrap()).unwrap();
    assert_eq!(first["event"], 1);
    assert_eq!(first["what"], "ADDED Pod shop/web-1");
    assert!(
        r.stderr.contains("watch error: 410 Expired"),
        "{}",
        r.stderr
    );
}

#[test]
fn schedule_explains_a_pending_pod() {
    let r = run(&["schedule", "checkout/api-3"]);
    assert_eq!(r.code, 1, "no node fits: {}", r.stderr);
    assert_eq!(r.stderr, "");
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(
        lines[0].split_whitespace().collect::<Vec<_>>(),
        ["NAME", "FEASIBLE", "SCORE", "REASON"]
    );
    assert_eq!(lines.len(), 1 + 12 + 2);
    let b11 = lines
        .iter()
        .find(|l| l.starts_with("ip-10-0-0-11."))
        .unwrap();
    assert!(
        b11.ends_with("false      <none>    node(s) didn't match pod anti-affinity rules"),
        "{b11}"
    );
    assert_eq!(
        *lines.last().unwrap(),
        "checkout/api-3: FailedScheduling: 0/12 nodes are available: 2 node(s) didn't match pod anti-affinity rules, 5 node(s) didn't match Pod's node affinity/selector, 5 node(s) had untolerated taint(s). preemption: not simulated."
    );
    // -o wide names the taint, the failing requirement, the pods behind the verdict.
    let w = run(&["schedule", "checkout/api-3", "-o", "wide"]);
    assert!(
        w.stdout
            .contains("TaintToleration: taint nvidia.com/gpu=present:NoSchedule not tolerated"),
        "{}",
        w.stdout
    );
    assert!(w.stdout.contains("NodeAffinity: nodeSelector topology.kubernetes.io/zone=eu-west-1b: the node has topology.kubernetes.io/zone=eu-west-1c"));
    assert!(w.stdout.contains("NodeAffinity: nodeSelectorTerms[0]: node.kubernetes.io/instance-type in (m5.xlarge,r5.xlarge) fails"));
    assert!(w.stdout.contains("InterPodAffinity: anti-affinity term 0 (app=api): 1 matching pod(s) in kubernetes.io/hostname=ip-10-0-0-14.eu-west-1.compute.internal"));
    let s = run(&["schedule", "checkout/report-0", "-o", "wide"]);
    assert!(s.stdout.contains("InterPodAffinity: a pod on ip-10-0-0-16.eu-west-1.compute.internal has anti-affinity to this pod in topology.kubernetes.io/zone=eu-west-1a"), "{}", s.stdout);
}

#[test]
fn schedule_json_is_one_object_per_the_contract() {
    let r = run(&["schedule", "checkout/api-4", "-o", "json"]);
    assert_eq!(r.code, 1);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["pod"], "checkout/api-4");
    assert_eq!(v["nodes"].as_array().unwrap().len(), 12);
    let n = &v["nodes"][2];
    assert_eq!(n["name"], "ip-10-0-0-12.eu-west-1.compute.internal");
    assert_eq!(n["feasible"], false);
    assert_eq!(
        n["filters"]["PodTopologySpread"],
        serde_json::json!({"code": "Unschedulable", "reasons": ["node(s) didn't match pod topology spread constraints"]})
    );
    assert_eq!(n["filters"]["NodeAffinity"]["code"], "Success");
    assert_eq!(n["filters"].as_object().unwrap().len(), 7);
    assert!(n.get("scores").is_none(), "scores only for feasible nodes");
    assert_eq!(n["score"], 0);
    assert!(v["message"].as_str().unwrap().starts_with(
        "0/12 nodes are available: 3 node(s) didn't match pod topology spread constraints"
    ));
    // A pod that fits: scores per plugin, the weighted sum, a null message.
    let r = run(&["schedule", "demo/cart-6d9f7c-k8x2p", "-o", "json"]);
    assert_eq!(r.code, 0);
    assert_eq!(
        r.stderr,
        "note: demo/cart-6d9f7c-k8x2p is bound to ip-10-0-0-11.eu-west-1.compute.internal; evaluated as if it were pending\n"
    );
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(v["message"].is_null());
    let feasible: Vec<&serde_json::Value> = v["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["feasible"] == true)
        .collect();
    assert!(!feasible.is_empty());
    for n in feasible {
        let scores = n["scores"].as_object().unwrap();
        let weights = [
            ("TaintToleration", 3),
            ("NodeAffinity", 2),
            ("PodTopologySpread", 2),
            ("InterPodAffinity", 2),
        ];
        let sum: i64 = scores
            .iter()
            .map(|(p, s)| s.as_i64().unwrap() * weights.iter().find(|(q, _)| q == p).unwrap().1)
            .sum();
        assert_eq!(n["score"].as_i64().unwrap(), sum);
    }
}

#[test]
fn schedule_plugins_config_pod_files_and_replicas() {
    // Only the named plugins run.
    let r = run(&[
        "schedule",
        "checkout/api-3",
        "--plugins",
        "NodeAffinity",
        "-o",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        v["nodes"][0]["filters"]
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
        ["NodeAffinity"]
    );
    let r = run(&[
        "schedule",
        "checkout/api-3",
        "--plugins",
        "NodeAffinity,Magic",
    ]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .starts_with("error: unknown plugin \"Magic\" (known: NodeUnschedulable, NodeName,"),
        "{}",
        r.stderr
    );
    // A configuration file.
    let dir = std::env::temp_dir().join(format!("labelsel-schedule-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cfg = dir.join("config.yaml");
    std::fs::write(&cfg, "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\nprofiles:\n- plugins:\n    filter:\n      disabled: [{name: TaintToleration}]\n      enabled: [{name: VolumeBinding}]\n").unwrap();
    let r = run(&[
        "schedule",
        "checkout/ledger-0",
        "--config",
        cfg.to_str().unwrap(),
    ]);
    assert_eq!(r.stderr, "note: not simulated: VolumeBinding\n");
    assert!(r.stdout.ends_with("0/12 nodes are available: 12 node(s) didn't match pod affinity rules. preemption: not simulated.\n"), "{}", r.stdout);
    std::fs::write(&cfg, "apiVersion: v1\nkind: Pod\n").unwrap();
    let r = run(&[
        "schedule",
        "checkout/ledger-0",
        "--config",
        cfg.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .contains("apiVersion must be kubescheduler.config.k8s.io/v1"),
        "{}",
        r.stderr
    );
    // A pod from a file, placed three times one after another with anti-affinity on hostname.
    let pod = dir.join("pod.yaml");
    std::fs::write(&pod, "apiVersion: v1\nkind: Pod\nmetadata: {name: solo, labels: {app: solo}}\nspec:\n  nodeSelector: {topology.kubernetes.io/zone: eu-west-1b}\n  affinity: {podAntiAffinity: {requiredDuringSchedulingIgnoredDuringExecution: [{topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {app: solo}}}]}}\n  containers: [{name: c}]\n").unwrap();
    let r = run(&[
        "schedule",
        "--pod",
        pod.to_str().unwrap(),
        "-n",
        "checkout",
        "--replicas",
        "5",
    ]);
    assert_eq!(r.code, 1, "zone b has three untainted nodes: {}", r.stdout);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(
        lines[0].split_whitespace().collect::<Vec<_>>(),
        ["POD", "NODE", "SCORE"]
    );
    let nodes: Vec<&str> = lines[1..5]
        .iter()
        .map(|l| l.split_whitespace().nth(1).unwrap())
        .collect();
    assert_eq!(
        &nodes[..3]
            .iter()
            .collect::<std::collections::BTreeSet<_>>()
            .len(),
        &3
    );
    assert_eq!(nodes[3], "<none>");
    assert_eq!(lines[1].split_whitespace().next(), Some("checkout/solo-1"));
    assert!(lines.last().unwrap().starts_with("checkout/solo-4: FailedScheduling: 0/12 nodes are available: 3 node(s) didn't match pod anti-affinity rules,"), "{}", r.stdout);
    let r = run(&["schedule", "checkout/nope"]);
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (
            1,
            "Error from server (NotFound): pods \"nope\" not found in namespace \"checkout\"\n"
        )
    );
    std::fs::remove_dir_all(&dir).ok();
}

// ---- kubectl's pod and node columns ----

/// RFC 3339 (UTC) of seconds since the epoch (days to civil date, the proleptic Gregorian
/// calendar).
fn rfc3339(secs: i64) -> String {
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    let (h, mi, s) = (rem / 3600, rem / 60 % 60, rem % 60);
    format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
}

#[test]
fn pod_columns_are_kubectls() {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    // Ten days ago prints "10d" for a whole day, whatever the test's own duration.
    let ten_days = rfc3339(now - 10 * 86_400);
    let yaml = format!(
        "
kind: Pod
metadata: {{name: a-init, namespace: shop}}
spec: {{initContainers: [{{name: migrate}}, {{name: seed}}], containers: [{{name: app}}]}}
status: {{phase: Pending, podIP: 10.0.0.1, initContainerStatuses: [{{name: migrate, state: {{terminated: {{exitCode: 0, reason: Completed}}}}}}, {{name: seed, state: {{running: {{}}}}}}], containerStatuses: [{{name: app, state: {{waiting: {{reason: PodInitializing}}}}}}]}}
---
kind: Pod
metadata: {{name: b-crash, namespace: shop}}
spec: {{containers: [{{name: app}}]}}
status: {{phase: Running, podIPs: [{{ip: 10.0.0.2}}, {{ip: 'fd00::2'}}], containerStatuses: [{{name: app, restartCount: 5, state: {{waiting: {{reason: CrashLoopBackOff}}}}, lastState: {{terminated: {{exitCode: 1, reason: Error, finishedAt: '{ten_days}'}}}}}}]}}
---
kind: Pod
metadata: {{name: c-sidecar, namespace: shop}}
spec: {{initContainers: [{{name: proxy, restartPolicy: Always}}], containers: [{{name: app}}]}}
status: {{phase: Running, conditions: [{{type: Initialized, status: 'True'}}, {{type: Ready, status: 'True'}}], initContainerStatuses: [{{name: proxy, started: true, ready: true, state: {{running: {{}}}}}}], containerStatuses: [{{name: app, ready: true, state: {{running: {{}}}}}}]}}
---
kind: Pod
metadata: {{name: d-gated, namespace: shop}}
spec: {{containers: [{{name: app}}]}}
status: {{phase: Pending, conditions: [{{type: PodScheduled, status: 'False', reason: SchedulingGated}}]}}
---
kind: Pod
metadata: {{name: e-done, namespace: shop, deletionTimestamp: '{ten_days}'}}
spec: {{containers: [{{name: app}}]}}
status: {{phase: Succeeded, containerStatuses: [{{name: app, state: {{terminated: {{exitCode: 0, reason: Completed}}}}}}]}}
---
kind: Pod
metadata: {{name: f-leaving, namespace: shop, deletionTimestamp: '{ten_days}'}}
spec: {{containers: [{{name: app}}]}}
status: {{phase: Running, containerStatuses: [{{name: app, ready: true, state: {{running: {{}}}}}}]}}
---
kind: Pod
metadata: {{name: g-nophase, namespace: shop}}
spec: {{containers: [{{name: app}}]}}
"
    );
    let r = run_with_stdin(
        &["get", "pods", "-n", "shop", "-o", "wide", "-f", "-"],
        Some(&yaml),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        without_age(&r.stdout),
        [
            "NAME        READY     STATUS             RESTARTS      IP         NODE      NOMINATED NODE   READINESS GATES",
            "a-init      0/1       Init:1/2           0             10.0.0.1   <none>    <none>           <none>",
            "b-crash     0/1       CrashLoopBackOff   5 (10d ago)   10.0.0.2   <none>    <none>           <none>",
            "c-sidecar   2/2       Running            0             <none>     <none>    <none>           <none>",
            "d-gated     0/1       SchedulingGated    0             <none>     <none>    <none>           <none>",
            "e-done      0/1       Completed          0             <none>     <none>    <none>           <none>",
            "f-leaving   1/1       Terminating        0             <none>     <none>    <none>           <none>",
            "g-nophase   0/1                          0             <none>     <none>    <none>           <none>",
        ],
        "{}",
        r.stdout
    );
}

#[test]
fn node_wide_columns_are_kubectls() {
    let yaml = "
kind: Node
metadata: {name: n1, labels: {node-role.kubernetes.io/worker: ''}}
status:
  conditions: [{type: Ready, status: 'False'}, {type: Ready, status: 'True'}]
  addresses: [{type: InternalIP, address: 10.1.0.1}]
  nodeInfo: {kubeletVersion: v1.35.0, osImage: Ubuntu 24.04.1 LTS, kernelVersion: 6.8.0-1015-aws, containerRuntimeVersion: 'containerd://2.0.2'}
---
kind: Node
metadata: {name: n2}
";
    let r = run_with_stdin(&["get", "nodes", "-o", "wide", "-f", "-"], Some(yaml));
    assert_eq!(r.code, 0, "{}", r.stderr);
    // The last Ready condition counts, as kubectl keys conditions by type.
    assert_eq!(
        without_age(&r.stdout),
        [
            "NAME      STATUS    ROLES     VERSION   INTERNAL-IP   EXTERNAL-IP   OS-IMAGE             KERNEL-VERSION   CONTAINER-RUNTIME",
            "n1        Ready     worker    v1.35.0   10.1.0.1      <none>        Ubuntu 24.04.1 LTS   6.8.0-1015-aws   containerd://2.0.2",
            "n2        Unknown   <none>              <none>        <none>        <unknown>            <unknown>        <unknown>",
        ],
        "{}",
        r.stdout
    );
}

#[test]
fn directories_are_read_as_kubectl_reads_them() {
    // -f DIR reads its .json, .yaml and .yml files in name order; -R goes into
    // subdirectories; other files are left alone.
    let dir = std::env::temp_dir().join(format!("labelsel-dir-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("sub/deeper")).unwrap();
    let pod = |name: &str| format!("kind: Pod\nmetadata: {{name: {name}, namespace: x}}\n");
    std::fs::write(dir.join("a.yaml"), pod("a")).unwrap();
    std::fs::write(
        dir.join("b.json"),
        r#"{"kind": "Pod", "metadata": {"name": "b", "namespace": "x"}}"#,
    )
    .unwrap();
    std::fs::write(dir.join("c.yml"), pod("c")).unwrap();
    std::fs::write(dir.join("notes.txt"), "not a manifest: {").unwrap();
    std::fs::write(dir.join("sub/d.yaml"), pod("d")).unwrap();
    std::fs::write(dir.join("sub/deeper/e.yaml"), pod("e")).unwrap();
    let d = dir.display().to_string();
    let r = run(&["get", "pods", "-n", "x", "-o", "name", "-f", &d]);
    assert_eq!(
        (r.code, r.stdout.as_str(), r.stderr.as_str()),
        (0, "pod/a\npod/b\npod/c\n", "")
    );
    let r = run(&["get", "pods", "-n", "x", "-o", "name", "-R", "-f", &d]);
    assert_eq!(
        r.stdout, "pod/a\npod/b\npod/c\npod/d\npod/e\n",
        "{}",
        r.stderr
    );
    // The same object in two inputs is not merged silently: the copy read last replaces the
    // other, with a warning naming the input and document.
    std::fs::write(
        dir.join("sub/again.yaml"),
        format!("{}---\n{}", pod("x1"), pod("a")),
    )
    .unwrap();
    let r = run(&["get", "pods", "-n", "x", "-o", "name", "-R", "-f", &d]);
    assert_eq!(r.code, 0);
    assert_eq!(
        r.stderr.trim_end(),
        format!(
            "warning: {}: document 2: Pod x/a was already read (from this or an earlier input); this copy replaces it",
            dir.join("sub/again.yaml").display()
        )
    );
    // An empty directory is no input at all (not the bundled sample).
    std::fs::create_dir_all(dir.join("empty")).unwrap();
    let empty = dir.join("empty").display().to_string();
    let r = run(&["get", "pods", "-A", "-f", &empty]);
    assert_eq!((r.code, r.stdout.as_str()), (0, ""), "{}", r.stderr);
    assert!(r.stderr.contains("No resources found"), "{}", r.stderr);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn strict_refuses_a_key_written_twice() {
    let yaml = "kind: Pod\nmetadata: {name: a, name: b, namespace: x}\n";
    let r = run_with_stdin(
        &["get", "pods", "-n", "x", "-o", "name", "-f", "-"],
        Some(yaml),
    );
    assert_eq!((r.code, r.stdout.as_str()), (0, "pod/b\n"), "{}", r.stderr);
    let r = run_with_stdin(
        &["get", "pods", "-n", "x", "--strict", "-f", "-"],
        Some(yaml),
    );
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr.trim_end(),
        "error: -: document 1, line 2, column 21: metadata: duplicate key \"name\""
    );
    let json = r#"{"kind":"Pod","metadata":{"name":"a","name":"b","namespace":"x"}}"#;
    let r = run_with_stdin(
        &["get", "pods", "-n", "x", "--strict", "-f", "-"],
        Some(json),
    );
    assert_eq!(
        (r.code, r.stderr.trim_end()),
        (
            1,
            "error: -: document 1, line 1, column 38: duplicate key \"name\""
        )
    );
}
