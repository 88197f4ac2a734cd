//! Services, controllers and budgets over the live store: every rule of the EndpointSlice,
//! ReplicaSet/StatefulSet/DaemonSet, disruption controllers and the Eviction API pinned, and
//! the indexed answers (and the changes each event reports) equal to a plain recomputation
//! after random event sequences.

#[path = "../benches/common/listers.rs"]
mod plain;

use std::collections::BTreeMap;

use label_selector::Cluster;
use label_selector::k8s::{Kind, Object, ObjectKey, WatchEvent};
use label_selector::workloads::{self, Eviction, Workloads};
use proptest::prelude::*;
use serde_json::{Value, json};

/// 2026-03-01T12:00:00Z.
const NOW: i64 = 1_772_366_400;

fn load(yaml: &str) -> Cluster {
    let mut c = Cluster::new();
    c.load_str("test.yaml", yaml).unwrap();
    c.internal_validate().unwrap();
    c
}

fn svc(ns: &str, name: &str) -> ObjectKey {
    ObjectKey::new(Kind::Service, ns, name)
}

fn pdb(ns: &str, name: &str) -> ObjectKey {
    ObjectKey::new(Kind::PodDisruptionBudget, ns, name)
}

const NODES: &str = "
kind: Node
metadata: {name: n1, labels: {topology.kubernetes.io/zone: eu-1a}}
---
kind: Node
metadata: {name: n2}
";

/// A pod in `shop` on `node` with these labels, phase, readiness, IP and extra metadata.
fn pod_yaml(
    name: &str,
    labels: &str,
    node: &str,
    phase: &str,
    ready: bool,
    ip: &str,
    meta: &str,
) -> String {
    format!(
        "---\nkind: Pod\nmetadata: {{name: {name}, namespace: shop, uid: u-{name}, labels: {{{labels}}}{meta}}}\n\
         spec: {{nodeName: {node}, containers: [{{name: app, ports: [{{name: http, containerPort: 8080}}, {{name: dns, containerPort: 53, protocol: UDP}}]}}]}}\n\
         status: {{phase: {phase}, podIP: '{ip}', conditions: [{{type: Ready, status: '{}'}}]}}\n",
        if ready { "True" } else { "False" }
    )
}

#[test]
fn endpoints_follow_the_endpointslice_controllers_rules() {
    let mut y = NODES.to_string();
    y += &pod_yaml("ready", "app: web", "n1", "Running", true, "10.0.0.1", "");
    y += &pod_yaml(
        "unready", "app: web", "n2", "Running", false, "10.0.0.2", "",
    );
    y += &pod_yaml(
        "terminating",
        "app: web",
        "n1",
        "Running",
        true,
        "10.0.0.3",
        ", deletionTimestamp: '2026-03-01T11:59:00Z'",
    );
    y += &pod_yaml("done", "app: web", "n1", "Succeeded", false, "10.0.0.4", "");
    y += &pod_yaml("failed", "app: web", "n1", "Failed", false, "10.0.0.5", "");
    y += &pod_yaml("no-ip", "app: web", "n1", "Running", true, "", "");
    y += &pod_yaml(
        "lost-node",
        "app: web",
        "n9",
        "Running",
        true,
        "10.0.0.6",
        "",
    );
    y += &pod_yaml("other", "app: db", "n1", "Running", true, "10.0.0.7", "");
    y += "---
kind: Service
metadata: {name: web, namespace: shop, uid: s-web}
spec: {selector: {app: web}, ports: [{name: http, port: 80, targetPort: http}, {name: dns, port: 53, protocol: UDP, targetPort: dns}, {name: metrics, port: 9090, targetPort: missing}]}
---
kind: Service
metadata: {name: all, namespace: shop}
spec: {selector: {app: web}, publishNotReadyAddresses: true}
---
kind: Service
metadata: {name: none, namespace: shop}
spec: {selector: {}}
---
kind: Service
metadata: {name: absent, namespace: shop}
";
    let c = load(&y);
    let w = Workloads::new(&c, NOW);
    let web = w.endpoints(&svc("shop", "web")).unwrap();
    let names: Vec<&str> = web.iter().map(|e| &*e.target_ref.name).collect();
    // Succeeded, Failed, IP-less pods are out; a pod on an unknown node is skipped; the
    // terminating pod stays.
    assert_eq!(names, ["ready", "terminating", "unready"]);
    let cond = |n: &str| {
        web.iter()
            .find(|e| e.target_ref.name == n)
            .unwrap()
            .conditions
    };
    assert_eq!(
        (
            cond("ready").ready,
            cond("ready").serving,
            cond("ready").terminating
        ),
        (true, true, false)
    );
    assert_eq!(
        (cond("unready").ready, cond("unready").serving),
        (false, false)
    );
    // Terminating: serving keeps PodReady, ready is false.
    let t = cond("terminating");
    assert_eq!((t.ready, t.serving, t.terminating), (false, true, true));
    let ready = &web[0];
    assert_eq!(ready.addresses.as_slice(), ["10.0.0.1"]);
    assert_eq!(ready.zone.as_deref(), Some("eu-1a"));
    assert_eq!(ready.node_name.as_deref(), Some("n1"));
    assert_eq!(ready.target_ref.uid, "u-ready");
    // Named target ports resolve by name and protocol; one that resolves nowhere is left out.
    let ports: Vec<(&str, i32, &str)> = ready
        .ports
        .iter()
        .map(|p| (&*p.name, p.port, &*p.protocol))
        .collect();
    assert_eq!(ports, [("http", 8080, "TCP"), ("dns", 53, "UDP")]);
    assert_eq!(web[2].zone, None); // n2 has no zone label

    // publishNotReadyAddresses: every pod is ready, and a pod whose node is unknown is kept.
    let all = w.endpoints(&svc("shop", "all")).unwrap();
    let names: Vec<&str> = all.iter().map(|e| &*e.target_ref.name).collect();
    assert_eq!(names, ["lost-node", "ready", "terminating", "unready"]);
    assert!(all.iter().all(|e| e.conditions.ready));
    assert!(
        all.iter()
            .find(|e| e.target_ref.name == "terminating")
            .unwrap()
            .conditions
            .terminating
    );

    // An empty or missing selector selects nothing, and the controller keeps no slices.
    for name in ["none", "absent"] {
        assert_eq!(w.endpoints(&svc("shop", name)).unwrap(), []);
        assert_eq!(w.endpoint_slices(&svc("shop", name)).unwrap(), []);
    }
    assert_eq!(w.endpoints(&svc("shop", "nope")), None);

    // The pod -> Services direction, with each endpoint.
    let id = c.pod_id("shop", "unready").unwrap();
    let of: Vec<(String, bool)> = w
        .services_of(id)
        .into_iter()
        .map(|(k, e)| (k.name().to_string(), e.unwrap().conditions.ready))
        .collect();
    assert_eq!(of, [("all".to_string(), true), ("web".to_string(), false)]);
    let id = c.pod_id("shop", "done").unwrap();
    assert!(w.services_of(id).iter().all(|(_, e)| e.is_none()));
}

#[test]
fn slices_group_by_ports_hold_100_and_an_empty_service_has_a_placeholder() {
    let mut y = NODES.to_string();
    for i in 0..150 {
        y += &pod_yaml(
            &format!("p{i:03}"),
            "app: web",
            "n1",
            "Running",
            true,
            &format!("10.1.{}.{}", i / 200, i % 200),
            "",
        );
    }
    // A pod whose container names its port differently resolves to another port mapping.
    y += "---\nkind: Pod\nmetadata: {name: odd, namespace: shop, labels: {app: web}}\nspec: {nodeName: n1, containers: [{name: app, ports: [{name: http, containerPort: 9000}]}]}\nstatus: {phase: Running, podIP: 10.2.0.1, conditions: [{type: Ready, status: 'True'}]}\n";
    y += "---\nkind: Service\nmetadata: {name: web, namespace: shop, uid: s-web}\nspec: {selector: {app: web}, ports: [{name: http, port: 80, targetPort: http}]}\n";
    y += "---\nkind: Service\nmetadata: {name: empty, namespace: shop}\nspec: {selector: {app: nothing-here}, ports: [{port: 80}]}\n";
    let c = load(&y);
    let w = Workloads::new(&c, NOW);
    let slices = w.endpoint_slices(&svc("shop", "web")).unwrap();
    let shape: Vec<(usize, i32)> = slices
        .iter()
        .map(|s| (s.endpoints.len(), s.ports[0].port))
        .collect();
    assert_eq!(shape, [(100, 8080), (50, 8080), (1, 9000)]);
    assert!(
        slices
            .iter()
            .all(|s| s.name.starts_with("web-") && s.name.len() == 9)
    );
    let json = slices[2].to_json();
    assert_eq!(json["apiVersion"], "discovery.k8s.io/v1");
    assert_eq!(json["kind"], "EndpointSlice");
    assert_eq!(json["addressType"], "IPv4");
    assert_eq!(
        json["metadata"]["labels"]["kubernetes.io/service-name"],
        "web"
    );
    assert_eq!(json["metadata"]["ownerReferences"][0]["uid"], "s-web");
    assert_eq!(
        json["ports"],
        json!([{"name": "http", "port": 9000, "protocol": "TCP"}])
    );
    assert_eq!(
        json["endpoints"][0],
        json!({"addresses": ["10.2.0.1"], "conditions": {"ready": true, "serving": true, "terminating": false},
               "nodeName": "n1", "targetRef": {"kind": "Pod", "namespace": "shop", "name": "odd"}, "zone": "eu-1a"})
    );
    let empty = w.endpoint_slices(&svc("shop", "empty")).unwrap();
    assert_eq!(empty.len(), 1);
    assert!(empty[0].endpoints.is_empty() && empty[0].ports.is_empty());
    assert_eq!(empty[0].to_json()["endpoints"], Value::Null);
}

#[test]
fn address_families_and_hostnames() {
    let y = format!(
        "{NODES}
---
kind: Pod
metadata: {{name: v6, namespace: shop, labels: {{app: web}}}}
spec: {{nodeName: n1, hostname: v6, subdomain: web}}
status: {{phase: Running, podIP: 'fd00::1'}}
---
kind: Pod
metadata: {{name: v4, namespace: shop, labels: {{app: web}}}}
spec: {{nodeName: n1, hostname: v4, subdomain: other}}
status: {{phase: Running, podIP: 10.0.0.1}}
---
kind: Pod
metadata: {{name: dual, namespace: shop, labels: {{app: web}}}}
spec: {{nodeName: n1}}
status: {{phase: Running, podIP: 10.0.0.2, podIPs: [{{ip: 10.0.0.2}}, {{ip: 'fd00::2'}}]}}
---
kind: Pod
metadata: {{name: listed, namespace: shop, labels: {{app: web}}}}
spec: {{nodeName: n1}}
status: {{phase: Running, podIPs: [{{ip: 10.0.0.3}}]}}
---
kind: Service
metadata: {{name: web, namespace: shop}}
spec: {{selector: {{app: web}}, ipFamilies: [IPv6]}}
---
kind: Service
metadata: {{name: legacy, namespace: shop}}
spec: {{selector: {{app: web}}, clusterIP: 10.96.0.10}}
"
    );
    let c = load(&y);
    let w = Workloads::new(&c, NOW);
    // Endpoints are sorted by pod name: a dual-stack pod is reached by its IPv6 address.
    let v6 = w.endpoints(&svc("shop", "web")).unwrap();
    let addresses = |eps: &[label_selector::workloads::Endpoint<'_>]| {
        eps.iter()
            .map(|e| e.addresses.join(","))
            .collect::<Vec<_>>()
    };
    assert_eq!(addresses(&v6), ["fd00::2", "fd00::1"]);
    // The hostname is set only when the pod's subdomain names the Service.
    assert_eq!(v6[1].hostname.as_deref(), Some("v6"));
    // A pod with only `podIPs` is an endpoint too (the API server fills podIP from it).
    let legacy = w.endpoints(&svc("shop", "legacy")).unwrap();
    assert_eq!(addresses(&legacy), ["10.0.0.2", "10.0.0.3", "10.0.0.1"]);
    assert!(legacy.iter().all(|e| e.address_type == "IPv4"));
    assert_eq!(legacy[2].hostname, None);
}

const OWNERS: &str = "
kind: Deployment
apiVersion: apps/v1
metadata: {name: web, namespace: shop, uid: d-web}
spec: {replicas: 3, selector: {matchLabels: {app: web}}}
---
kind: ReplicaSet
apiVersion: apps/v1
metadata: {name: web-1, namespace: shop, uid: rs-1, ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, uid: d-web, controller: true}]}
spec: {replicas: 3, selector: {matchLabels: {app: web, pod-template-hash: '1'}}}
---
kind: ReplicaSet
apiVersion: apps/v1
metadata: {name: loose, namespace: shop, uid: rs-loose}
spec: {replicas: 2, selector: {matchLabels: {app: web}}}
---
kind: ReplicaSet
apiVersion: apps/v1
metadata: {name: everything, namespace: shop, uid: rs-all}
spec: {selector: {}}
---
kind: ReplicaSet
apiVersion: apps/v1
metadata: {name: dying, namespace: shop, uid: rs-dying, deletionTimestamp: '2026-03-01T11:00:00Z'}
spec: {selector: {matchLabels: {app: web}}}
---
kind: StatefulSet
apiVersion: apps/v1
metadata: {name: db, namespace: shop, uid: ss-db}
spec: {replicas: 2, selector: {matchLabels: {app: db}}}
---
kind: DaemonSet
apiVersion: apps/v1
metadata: {name: agent, namespace: shop, uid: ds-agent}
spec: {selector: {matchLabels: {app: agent}}}
---
kind: ReplicationController
apiVersion: v1
metadata: {name: legacy, namespace: shop, uid: rc-legacy}
spec: {replicas: 4, template: {metadata: {labels: {app: legacy}}}}
";

fn owned(name: &str, labels: &str, owner: &str, extra: &str) -> String {
    let refs = if owner.is_empty() {
        String::new()
    } else {
        let (kind, n, uid) = {
            let mut it = owner.split('/');
            (it.next().unwrap(), it.next().unwrap(), it.next().unwrap())
        };
        let api = if kind == "ReplicationController" {
            "v1"
        } else {
            "apps/v1"
        };
        format!(
            ", ownerReferences: [{{apiVersion: {api}, kind: {kind}, name: {n}, uid: {uid}, controller: true}}]"
        )
    };
    format!(
        "---\nkind: Pod\nmetadata: {{name: {name}, namespace: shop, labels: {{{labels}}}{refs}{extra}}}\nstatus: {{phase: Running, conditions: [{{type: Ready, status: 'True'}}]}}\n"
    )
}

#[test]
fn ownership_resolves_by_uid_and_claims_as_the_controllers_would() {
    let mut y = OWNERS.to_string();
    y += &owned(
        "web-1-a",
        "app: web, pod-template-hash: '1'",
        "ReplicaSet/web-1/rs-1",
        "",
    );
    y += &owned("web-1-b", "app: web", "ReplicaSet/web-1/rs-1", ""); // labels no longer match
    y += &owned(
        "stale",
        "app: web, pod-template-hash: '1'",
        "ReplicaSet/web-1/rs-OLD",
        "",
    );
    y += &owned("orphan", "app: web", "", "");
    y += &owned(
        "orphan-gone",
        "app: web",
        "",
        ", deletionTimestamp: '2026-03-01T11:00:00Z'",
    );
    y += &owned("db-0", "app: db", "", "");
    y += &owned("dbx", "app: db", "", "");
    y += &owned("agent-x", "app: agent", "", "");
    y += &owned("legacy-x", "app: legacy", "", "");
    y += &owned(
        "legacy-1",
        "app: other",
        "ReplicationController/legacy/rc-legacy",
        "",
    );
    let c = load(&y);
    let w = Workloads::new(&c, NOW);
    let own = |name: &str| w.ownership(c.pod_id("shop", name).unwrap()).unwrap();
    let rs = |n: &str| ObjectKey::new(Kind::ReplicaSet, "shop", n);

    let a = own("web-1-a");
    assert_eq!(a.controller, Some(rs("web-1")));
    assert_eq!(
        a.deployment,
        Some(ObjectKey::new(Kind::Deployment, "shop", "web"))
    );
    assert_eq!((a.releaser.clone(), a.adopters.clone()), (None, vec![]));
    // Owned, but the selector no longer matches: the ReplicaSet would release it.
    assert_eq!(own("web-1-b").releaser, Some(rs("web-1")));
    // A reference whose uid is not the stored object's resolves to nothing.
    let stale = own("stale");
    assert!(stale.controller_ref.is_some() && stale.controller.is_none() && !stale.is_orphan());
    assert!(stale.adopters.is_empty());
    // An orphan is adopted by every matching controller (overlap), but not by a ReplicaSet
    // with an empty selector, one being deleted, or a Deployment (which adopts ReplicaSets).
    assert_eq!(own("orphan").adopters, [rs("loose")]);
    assert!(own("orphan-gone").adopters.is_empty());
    // A StatefulSet adopts only pods named after it.
    assert_eq!(
        own("db-0").adopters,
        [ObjectKey::new(Kind::StatefulSet, "shop", "db")]
    );
    assert!(own("dbx").adopters.is_empty());
    assert_eq!(
        own("agent-x").adopters,
        [ObjectKey::new(Kind::DaemonSet, "shop", "agent")]
    );
    // A ReplicationController's empty selector defaults to its template's labels.
    let rc = ObjectKey::new(Kind::ReplicationController, "shop", "legacy");
    assert_eq!(own("legacy-x").adopters, std::slice::from_ref(&rc));
    assert_eq!(own("legacy-1").releaser, Some(rc.clone()));

    // Deployment -> ReplicaSets -> pods, by controller reference and uid.
    let d = ObjectKey::new(Kind::Deployment, "shop", "web");
    assert_eq!(w.replica_sets_of(&d), [rs("web-1")]);
    let pods: Vec<&str> = w
        .pods_of(&d)
        .into_iter()
        .map(|p| c.pod(p).unwrap().name())
        .collect();
    assert_eq!(pods, ["web-1-a", "web-1-b"]);
    assert_eq!(w.pods_of(&rc).len(), 1);

    // Overlaps: the loose ReplicaSet and the Deployment (and the dying one) select the same
    // pods; a Deployment and its own ReplicaSet do not count.
    let overlaps: Vec<(String, String, usize)> = w
        .overlaps("shop")
        .into_iter()
        .map(|o| {
            (
                o.first.name().to_string(),
                o.second.name().to_string(),
                o.pods,
            )
        })
        .collect();
    assert!(overlaps.contains(&("dying".into(), "loose".into(), 5)));
    assert!(
        overlaps.contains(&("web".into(), "loose".into(), 5))
            || overlaps.contains(&("loose".into(), "web".into(), 5))
    );
    assert!(
        !overlaps
            .iter()
            .any(|(a, b, _)| (a == "web" && b == "web-1") || (a == "web-1" && b == "web"))
    );
    let adoptable: Vec<&str> = w
        .adoptable("shop")
        .into_iter()
        .map(|(p, _)| c.pod(p).unwrap().name())
        .collect();
    assert_eq!(adoptable, ["agent-x", "db-0", "legacy-x", "orphan"]);
}

#[test]
fn terminal_pods_are_not_claimed_by_replica_sets() {
    let y = format!(
        "{OWNERS}---\nkind: Pod\nmetadata: {{name: done, namespace: shop, labels: {{app: web}}}}\nstatus: {{phase: Succeeded}}\n---\nkind: Pod\nmetadata: {{name: agent-done, namespace: shop, labels: {{app: agent}}}}\nstatus: {{phase: Failed}}\n"
    );
    let c = load(&y);
    let w = Workloads::new(&c, NOW);
    assert!(
        w.ownership(c.pod_id("shop", "done").unwrap())
            .unwrap()
            .adopters
            .is_empty()
    );
    // A DaemonSet claims every pod, terminal ones too.
    assert_eq!(
        w.ownership(c.pod_id("shop", "agent-done").unwrap())
            .unwrap()
            .adopters
            .len(),
        1
    );
}

fn budget_yaml(name: &str, spec: &str, extra: &str) -> String {
    format!(
        "---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {{name: {name}, namespace: shop, generation: 2}}\nspec: {{{spec}}}\n{extra}"
    )
}

#[test]
fn budgets_count_as_the_disruption_controller_does() {
    let mut y = OWNERS.to_string();
    for (i, ready) in [true, true, false].into_iter().enumerate() {
        y += &owned(
            &format!("web-1-{i}"),
            "app: web, pod-template-hash: '1', pdb: yes",
            "ReplicaSet/web-1/rs-1",
            "",
        );
        if !ready {
            y = y.replace(
                &format!("name: web-1-{i},"),
                &format!("name: web-1-{i}, annotations: {{}},"),
            );
        }
    }
    // web-1-2 is not ready.
    y += &owned("db-0", "app: db, pdb: yes", "StatefulSet/db/ss-db", "");
    y = y.replace(
        "metadata: {name: web-1-2, annotations: {}, namespace: shop, labels: {app: web, pod-template-hash: '1', pdb: yes}, ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-1, uid: rs-1, controller: true}]}\nstatus: {phase: Running, conditions: [{type: Ready, status: 'True'}]}",
        "metadata: {name: web-1-2, namespace: shop, labels: {app: web, pod-template-hash: '1', pdb: yes}, ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-1, uid: rs-1, controller: true}]}\nstatus: {phase: Running, conditions: [{type: Ready, status: 'False'}]}",
    );
    y += &owned("lone", "pdb: solo", "", "");
    y += &owned("job-x", "pdb: job", "", "");
    y = y.replace("name: job-x, namespace: shop, labels: {pdb: job}", "name: job-x, namespace: shop, labels: {pdb: job}, ownerReferences: [{apiVersion: batch/v1, kind: Job, name: j, uid: j1, controller: true}]");
    y += &owned("agent-1", "pdb: ds", "DaemonSet/agent/ds-agent", "");
    y += &budget_yaml(
        "int",
        "minAvailable: 2, selector: {matchLabels: {app: web, pdb: 'yes'}}",
        "",
    );
    y += &budget_yaml(
        "pct",
        "minAvailable: 50%, selector: {matchLabels: {pdb: 'yes'}}",
        "",
    );
    y += &budget_yaml(
        "max",
        "maxUnavailable: 34%, selector: {matchLabels: {pdb: 'yes'}}",
        "",
    );
    y += &budget_yaml(
        "maxint",
        "maxUnavailable: 9, selector: {matchLabels: {pdb: 'yes'}}",
        "",
    );
    y += &budget_yaml(
        "solo",
        "minAvailable: 50%, selector: {matchLabels: {pdb: solo}}",
        "",
    );
    y += &budget_yaml(
        "solo-int",
        "minAvailable: 1, selector: {matchLabels: {pdb: solo}}",
        "",
    );
    y += &budget_yaml(
        "job",
        "maxUnavailable: 1, selector: {matchLabels: {pdb: job}}",
        "status: {currentHealthy: 7, desiredHealthy: 6, expectedPods: 8, disruptionsAllowed: 1, observedGeneration: 1}\n",
    );
    y += &budget_yaml(
        "ds",
        "maxUnavailable: 1, selector: {matchLabels: {pdb: ds}}",
        "",
    );
    y += &budget_yaml("none", "selector: {matchLabels: {pdb: 'yes'}}", "");
    let c = load(&y);
    let w = Workloads::new(&c, NOW);
    let st = |n: &str| w.disruption(&pdb("shop", n)).unwrap();
    let counts = |n: &str| {
        let s = st(n);
        (
            s.expected_pods,
            s.current_healthy,
            s.desired_healthy,
            s.disruptions_allowed,
        )
    };
    // Integer minAvailable: expected is the number of selected pods.
    assert_eq!(counts("int"), (3, 2, 2, 0));
    // A percentage: expected is the Deployment's scale (3, found through the ReplicaSet) plus
    // the StatefulSet's (2) = 5; desired = ceil(50% of 5) = 3.
    assert_eq!(counts("pct"), (5, 3, 3, 0));
    // maxUnavailable 34% of 5 rounds up to 2: desired 3.
    assert_eq!(counts("max"), (5, 3, 3, 0));
    // maxUnavailable larger than expected: desired 0.
    assert_eq!(counts("maxint"), (5, 3, 0, 3));
    // An unmanaged pod counts for nothing in a percentage, and is reported.
    assert_eq!(counts("solo"), (0, 1, 0, 0));
    assert_eq!(st("solo").unmanaged_pods, ["lone"]);
    assert_eq!(counts("solo-int"), (1, 1, 1, 0));
    // No minAvailable and no maxUnavailable: nothing expected, nothing allowed.
    assert_eq!(counts("none"), (0, 3, 0, 0));
    // A pod owned by a kind without /scale fails the sync: disruptionsAllowed 0, the last
    // written counts kept, the error as the controller reports it.
    let job = st("job");
    assert_eq!(
        (
            job.expected_pods,
            job.current_healthy,
            job.desired_healthy,
            job.disruptions_allowed
        ),
        (8, 7, 6, 0)
    );
    assert_eq!(
        job.sync_error.as_deref(),
        Some("jobs.batch does not implement the scale subresource")
    );
    assert_eq!(job.observed_generation, Some(1));
    assert_eq!(
        st("ds").sync_error.as_deref(),
        Some("daemonsets.apps does not implement the scale subresource")
    );
    let status = st("pct").to_status();
    assert_eq!(status.observed_generation, Some(2));
    assert_eq!(
        (
            status.conditions[0].reason.as_str(),
            status.conditions[0].status.as_str()
        ),
        ("InsufficientPods", "False")
    );
    assert_eq!(
        st("maxint").to_status().conditions[0].reason,
        "SufficientPods"
    );
    assert_eq!(st("job").to_status().conditions[0].reason, "SyncFailed");
}

#[test]
fn missing_controllers_and_scale_fallbacks() {
    let y = "
kind: ReplicaSet
apiVersion: apps/v1
metadata: {name: orphaned-rs, namespace: shop, uid: rs-o, ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: gone, uid: d-gone, controller: true}]}
spec: {replicas: 4, selector: {matchLabels: {app: a}}}
---
kind: Pod
metadata: {name: a-1, namespace: shop, labels: {app: a}, ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: orphaned-rs, uid: rs-o, controller: true}]}
status: {phase: Running, conditions: [{type: Ready, status: 'True'}]}
---
kind: Pod
metadata: {name: b-1, namespace: shop, labels: {app: b}, ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: missing, uid: rs-m, controller: true}]}
status: {phase: Running, conditions: [{type: Ready, status: 'True'}]}
---
kind: Pod
metadata: {name: c-1, namespace: shop, labels: {app: c}, ownerReferences: [{apiVersion: a/b/c, kind: ReplicaSet, name: x, uid: x, controller: true}]}
status: {phase: Running}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: a, namespace: shop}
spec: {maxUnavailable: 1, selector: {matchLabels: {app: a}}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: b, namespace: shop}
spec: {maxUnavailable: 1, selector: {matchLabels: {app: b}}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: c, namespace: shop}
spec: {maxUnavailable: 1, selector: {matchLabels: {app: c}}}
";
    let c = load(y);
    let w = Workloads::new(&c, NOW);
    // The ReplicaSet's Deployment is gone: /scale of the ReplicaSet itself answers.
    let a = w.disruption(&pdb("shop", "a")).unwrap();
    assert_eq!(
        (a.expected_pods, a.desired_healthy, a.disruptions_allowed),
        (4, 3, 0)
    );
    let b = w.disruption(&pdb("shop", "b")).unwrap();
    assert_eq!(
        b.sync_error.as_deref(),
        Some("found no controllers for pod \"b-1\"")
    );
    let cc = w.disruption(&pdb("shop", "c")).unwrap();
    assert_eq!(
        cc.sync_error.as_deref(),
        Some("unexpected GroupVersion string: a/b/c")
    );
}

#[test]
fn empty_selectors_and_disrupted_pods() {
    let at = |secs_ago: i64| {
        let t = NOW - secs_ago;
        // 2026-03-01T12:00:00Z minus seconds, written in RFC 3339.
        format!(
            "2026-03-01T11:{:02}:{:02}Z",
            (3600 - secs_ago) / 60 % 60,
            (3600 - t % 60) % 60
        )
    };
    assert_eq!(at(60), "2026-03-01T11:59:00Z");
    assert_eq!(at(120), "2026-03-01T11:58:00Z");
    let mut y = String::new();
    for n in ["a", "b", "c", "d"] {
        y += &owned(n, "app: web", "", "");
    }
    y += &format!(
        "---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {{name: all, namespace: shop}}
spec: {{selector: {{}}, minAvailable: 1}}
status: {{disruptedPods: {{a: '{}', b: '{}', c: '{}', gone: '{}'}}}}
---
apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata: {{name: old, namespace: shop}}
spec: {{selector: {{}}, minAvailable: 1}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {{name: nil, namespace: shop}}
spec: {{minAvailable: 1}}
",
        at(60),
        at(120),
        at(180),
        at(10)
    );
    let c = load(&y);
    let w = Workloads::new(&c, NOW);
    // policy/v1 {} covers the whole namespace; v1beta1 {} and a missing selector nothing.
    assert_eq!(w.pods_of_budget(&pdb("shop", "all")).len(), 4);
    assert!(w.pods_of_budget(&pdb("shop", "old")).is_empty());
    assert!(w.pods_of_budget(&pdb("shop", "nil")).is_empty());
    let s = w.disruption(&pdb("shop", "all")).unwrap();
    // a (1 min ago) still counts as disrupted; b at exactly the timeout is kept in the map but
    // counts as healthy again; c has expired; gone is not a selected pod.
    assert_eq!(s.disrupted_pods.keys().collect::<Vec<_>>(), ["a", "b"]);
    assert_eq!(
        (s.current_healthy, s.desired_healthy, s.disruptions_allowed),
        (3, 1, 2)
    );
    // The Eviction API ignores a budget with an empty selector, even in policy/v1.
    assert_eq!(w.eviction("shop", "d"), Eviction::NoBudget);
}

#[test]
fn evictions_answer_as_the_eviction_api() {
    let mut y = OWNERS.to_string();
    y += &owned(
        "web-1-a",
        "app: web, pod-template-hash: '1'",
        "ReplicaSet/web-1/rs-1",
        "",
    );
    y += &owned(
        "web-1-b",
        "app: web, pod-template-hash: '1'",
        "ReplicaSet/web-1/rs-1",
        "",
    );
    y += &owned(
        "sick",
        "app: web, pod-template-hash: '1'",
        "ReplicaSet/web-1/rs-1",
        "",
    );
    y = y.replace(
        "name: sick, namespace: shop, labels: {app: web, pod-template-hash: '1'}, ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-1, uid: rs-1, controller: true}]}\nstatus: {phase: Running, conditions: [{type: Ready, status: 'True'}]}",
        "name: sick, namespace: shop, labels: {app: web, pod-template-hash: '1'}, ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-1, uid: rs-1, controller: true}]}\nstatus: {phase: Running, conditions: [{type: Ready, status: 'False'}]}",
    );
    y += "---\nkind: Pod\nmetadata: {name: pending, namespace: shop, labels: {app: web}}\nstatus: {phase: Pending}\n";
    y += &owned(
        "leaving",
        "app: web",
        "",
        ", deletionTimestamp: '2026-03-01T11:00:00Z'",
    );
    y += &owned("db-0", "app: db", "StatefulSet/db/ss-db", "");
    y += &owned("free", "app: free", "", "");
    y += &budget_yaml(
        "web",
        "minAvailable: 2, selector: {matchLabels: {app: web}}",
        "",
    );
    y += &budget_yaml(
        "db",
        "maxUnavailable: 0, selector: {matchLabels: {app: db}}",
        "",
    );
    y += &budget_yaml(
        "db-too",
        "minAvailable: 0, selector: {matchLabels: {app: db}}",
        "",
    );
    let c = load(&y);
    let w = Workloads::new(&c, NOW);
    let web = pdb("shop", "web");
    // 2 of 3 healthy, 2 desired: refused with the API's message and cause.
    let e = w.eviction("shop", "web-1-a");
    assert_eq!(
        e,
        Eviction::Refused {
            budget: web.clone(),
            desired_healthy: 2,
            current_healthy: 2
        }
    );
    assert_eq!(
        (e.code(), e.reason(), e.allowed()),
        (429, "TooManyRequests", false)
    );
    assert_eq!(
        e.to_string(),
        "Cannot evict pod as it would violate the pod's disruption budget."
    );
    assert_eq!(
        e.cause().unwrap(),
        "The disruption budget web needs 2 healthy pods and has 2 currently"
    );
    // A pod that is not ready: IfHealthyBudget lets it go while the budget is healthy.
    assert_eq!(
        w.eviction("shop", "sick"),
        Eviction::Unhealthy {
            budget: web.clone(),
            policy: "IfHealthyBudget"
        }
    );
    for (pod, why) in [("pending", "Pending"), ("leaving", "Terminating")] {
        let e = w.eviction("shop", pod);
        assert_eq!(e, Eviction::Bypass { why });
        assert_eq!(e.code(), 201);
    }
    let e = w.eviction("shop", "db-0");
    assert_eq!(e.code(), 500);
    assert_eq!(
        e.to_string(),
        "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support."
    );
    assert_eq!(w.eviction("shop", "free"), Eviction::NoBudget);
    let e = w.eviction("shop", "nope");
    assert_eq!(
        (e.code(), e.to_string()),
        (404, "pods \"nope\" not found".to_string())
    );

    // A looser budget allows one; AlwaysAllow lets any unready pod go.
    let y2 = y.replace("minAvailable: 2, selector: {matchLabels: {app: web}}}", "minAvailable: 1, selector: {matchLabels: {app: web}}, unhealthyPodEvictionPolicy: AlwaysAllow}");
    let c2 = load(&y2);
    let w2 = Workloads::new(&c2, NOW);
    let e = w2.eviction("shop", "web-1-a");
    assert_eq!(
        e,
        Eviction::Allowed {
            budget: web.clone(),
            disruptions_allowed: 1
        }
    );
    assert!(e.allowed());
    assert_eq!(
        w2.eviction("shop", "sick"),
        Eviction::Unhealthy {
            budget: web.clone(),
            policy: "AlwaysAllow"
        }
    );

    // IfHealthyBudget with the budget not healthy: the unready pod is refused.
    let y3 = y.replace(
        "minAvailable: 2, selector: {matchLabels: {app: web}}}",
        "minAvailable: 3, selector: {matchLabels: {app: web}}}",
    );
    let w3c = load(&y3);
    let e = Workloads::new(&w3c, NOW).eviction("shop", "sick");
    assert_eq!(
        e,
        Eviction::Refused {
            budget: web.clone(),
            desired_healthy: 3,
            current_healthy: 2
        }
    );

    // More than 2000 evictions the controller has not seen: 403.
    let mut entries = String::new();
    for i in 0..2001 {
        entries += &format!("web-1-{i}: '2026-03-01T11:59:30Z', ");
    }
    let mut c4 = load(OWNERS);
    for chunk in 0..5 {
        let mut y4 = String::new();
        for i in chunk * 401..(chunk + 1) * 401 {
            y4 += &owned(
                &format!("web-1-{i}"),
                "app: web, pod-template-hash: '1'",
                "ReplicaSet/web-1/rs-1",
                "",
            );
        }
        c4.load_str("pods.yaml", &y4).unwrap();
    }
    let y4 = owned(
        "extra",
        "app: web, pod-template-hash: '1'",
        "ReplicaSet/web-1/rs-1",
        "",
    ) + &budget_yaml(
        "web",
        "maxUnavailable: 0, selector: {matchLabels: {app: web}}",
        &format!("status: {{disruptedPods: {{{entries}}}}}\n"),
    );
    c4.load_str("pdb.yaml", &y4).unwrap();
    let e = Workloads::new(&c4, NOW).eviction("shop", "extra");
    assert_eq!(
        e,
        Eviction::TooManyDisrupted {
            budget: web,
            entries: 2001
        }
    );
    assert_eq!(e.code(), 403);
    assert!(
        e.to_string().starts_with(
            "poddisruptionbudget.policy \"web\" is forbidden: DisruptedPods map too big"
        )
    );
}

#[test]
fn a_disrupted_pods_entry_must_be_a_timestamp() {
    let y = "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: p, namespace: shop}\nspec: {minAvailable: 1}\nstatus: {disruptedPods: {a: yesterday}}\n";
    let err = Cluster::new().load_str("p.yaml", y).unwrap_err();
    assert!(err.to_string().contains("disruptedPods"), "{err}");
}

/// The nodes, the owners, one ready `web` pod of ReplicaSet `web-1`, a Service and a budget
/// over it.
fn one_web_pod() -> String {
    let mut y = format!("{NODES}---{OWNERS}");
    y += &pod_yaml(
        "web-1-a",
        "app: web, pod-template-hash: '1'",
        "n1",
        "Running",
        true,
        "10.0.0.1",
        ", ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-1, uid: rs-1, controller: true}]",
    );
    y += "---\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec: {selector: {app: web}}\n";
    y + &budget_yaml(
        "web",
        "minAvailable: 1, selector: {matchLabels: {app: web}}",
        "",
    )
}

#[test]
fn apply_reports_endpoint_ownership_and_budget_changes() {
    let mut c = load(&one_web_pod());
    let pod = |ready: bool, app: &str| -> Object {
        let text = pod_yaml(
            "web-1-a",
            &format!("app: {app}, pod-template-hash: '1'"),
            "n1",
            "Running",
            ready,
            "10.0.0.1",
            ", ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-1, uid: rs-1, controller: true}]",
        );
        serde_saphyr::from_str(text.trim_start_matches("---\n")).unwrap()
    };
    // A readiness flip: the endpoint's conditions and the budget change; ownership does not.
    let r = workloads::apply(&mut c, WatchEvent::Modified(pod(false, "web")), NOW).unwrap();
    assert_eq!(r.endpoints.len(), 1);
    assert!(r.endpoints[0].before.as_ref().unwrap().conditions.ready);
    assert!(!r.endpoints[0].after.as_ref().unwrap().conditions.ready);
    assert!(r.ownership.is_empty());
    assert_eq!(r.budgets.len(), 1);
    assert_eq!(r.budgets[0].before.as_ref().unwrap().disruptions_allowed, 0);
    assert_eq!(r.budgets[0].after.as_ref().unwrap().current_healthy, 0);
    // The same event again changes nothing.
    assert!(
        workloads::apply(&mut c, WatchEvent::Modified(pod(false, "web")), NOW)
            .unwrap()
            .is_empty()
    );
    // A relabel out of the Service: the endpoint goes, the ReplicaSet would release the pod.
    let r = workloads::apply(&mut c, WatchEvent::Modified(pod(false, "db")), NOW).unwrap();
    assert!(r.endpoints[0].after.is_none());
    assert_eq!(
        r.ownership[0].after.as_ref().unwrap().releaser,
        Some(ObjectKey::new(Kind::ReplicaSet, "shop", "web-1"))
    );
    // Deleting the node removes the endpoint of the pod on it.
    let r = workloads::apply(&mut c, WatchEvent::Modified(pod(true, "web")), NOW).unwrap();
    assert!(r.endpoints[0].before.is_none());
    let node: Object =
        serde_json::from_value(json!({"kind": "Node", "metadata": {"name": "n1"}})).unwrap();
    let r = workloads::apply(&mut c, WatchEvent::Deleted(node), NOW).unwrap();
    assert_eq!(r.endpoints.len(), 1);
    assert!(r.endpoints[0].after.is_none());
    c.internal_validate().unwrap();
}

// ---- random event sequences against the plain recomputation ----

#[path = "support/workload_events.rs"]
mod events;

use events::{Ev, to_object};

fn ev() -> impl Strategy<Value = Ev> {
    (
        0..7u8,
        0..2u8,
        0..5u8,
        prop::array::uniform6(0..8u8),
        prop::bool::weighted(0.15),
    )
        .prop_map(|(kind, ns, name, v, delete)| Ev {
            kind,
            ns,
            name,
            v,
            delete,
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// After every event, every derived answer equals the plain recomputation over the stored
    /// objects, and the changes `apply` reports are exactly the differences.
    #[test]
    fn workload_answers_follow_events(events in prop::collection::vec(ev(), 1..60)) {
        let mut c = Cluster::new();
        let mut model: BTreeMap<ObjectKey, Object> = BTreeMap::new();
        let all = |m: &BTreeMap<ObjectKey, Object>| {
            let mut l = plain::Listers::new();
            for o in m.values() {
                l.upsert(o.clone());
            }
            l.all(NOW)
        };
        let mut before = all(&model);
        for e in &events {
            let o = to_object(e);
            let key = o.key().unwrap();
            let event = if e.delete { WatchEvent::Deleted(o.clone()) } else { WatchEvent::Modified(o.clone()) };
            let report = workloads::apply(&mut c, event, NOW).unwrap();
            if e.delete {
                model.remove(&key);
            } else {
                model.insert(key, o);
            }
            let after = all(&model);
            prop_assert_eq!(&plain::store_all(&c, NOW, true), &after);
            prop_assert_eq!(plain::reported(&report), plain::changes(&before, &after));
            before = after;
        }
        c.internal_validate().map_err(TestCaseError::fail)?;
    }
}

/// The README's example, as written there.
#[test]
fn the_readme_example_holds() {
    let dir = env!("CARGO_MANIFEST_DIR");
    let mut cluster = Cluster::new();
    cluster
        .load_path(format!("{dir}/examples/cluster.json"))
        .unwrap();
    cluster
        .load_path(format!("{dir}/examples/demo.yaml"))
        .unwrap();
    let now = 1_796_000_000;
    let w = Workloads::new(&cluster, now);
    let cart = ObjectKey::new(Kind::Service, "demo", "cart");
    assert_eq!(w.endpoints(&cart).unwrap().len(), 5);
    let pod = cluster.pod_id("demo", "cart-debug").unwrap();
    assert_eq!(
        w.ownership(pod).unwrap().adopters,
        [ObjectKey::new(Kind::ReplicaSet, "demo", "cart-canary")]
    );
    let s = w.disruption(&pdb("demo", "cart")).unwrap();
    assert_eq!(
        (
            s.expected_pods,
            s.current_healthy,
            s.desired_healthy,
            s.disruptions_allowed
        ),
        (3, 1, 2, 0)
    );
    let verdict = w.eviction("demo", "cart-6d9f7c-k8x2p");
    assert_eq!(verdict.code(), 429);
    let event: WatchEvent = serde_json::from_str(
        r#"{"type": "DELETED", "object": {"kind": "Pod",
        "metadata": {"name": "cart-debug", "namespace": "demo"}}}"#,
    )
    .unwrap();
    let report = workloads::apply(&mut cluster, event, now).unwrap();
    assert_eq!(report.endpoints.len(), 1);
    assert_eq!(report.endpoints[0].service, cart);
}

/// A snapshot keeps answering as of its moment while the writer moves on.
#[test]
fn snapshots_answer_consistently() {
    let mut c = load(&one_web_pod());
    let snap = c.snapshot();
    c.delete(&ObjectKey::pod("shop", "web-1-a"));
    let before = Workloads::new(&snap, NOW);
    let now = Workloads::new(&c, NOW);
    assert_eq!(before.endpoints(&svc("shop", "web")).unwrap().len(), 1);
    assert!(now.endpoints(&svc("shop", "web")).unwrap().is_empty());
    assert_eq!(
        before
            .disruption(&pdb("shop", "web"))
            .unwrap()
            .current_healthy,
        1
    );
    assert_eq!(
        now.disruption(&pdb("shop", "web")).unwrap().current_healthy,
        0
    );
    let handle = std::thread::spawn(move || {
        Workloads::new(&snap, NOW)
            .eviction("shop", "web-1-a")
            .code()
    });
    assert_eq!(handle.join().unwrap(), 429);
}
