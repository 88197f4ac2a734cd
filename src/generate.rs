//! A synthetic but consistent cluster in kubectl's output shape, for demos, tests and benches.
//!
//! Its own module, above the wire models: it writes kubectl's JSON (`serde_json::Value`) and
//! imports nothing of the crate, so it adds no dependency and no weight to a build that does not
//! call it.

use serde_json::{Value, json};

/// What [`generate`] builds.
///
/// # Examples
///
/// ```
/// use label_selector::Cluster;
/// use label_selector::generate::{GenerateOptions, generate};
///
/// let list = generate(&GenerateOptions { pods: 120, nodes: 6, seed: 7 });
/// let text = serde_json::to_string(&list).unwrap();
/// let mut cluster = Cluster::new();
/// cluster.load_str("generated.json", &text)?;
/// assert_eq!(cluster.pods().len(), 120);
/// assert_eq!(cluster.nodes().len(), 6);
/// // Every controller selects exactly the pods it owns.
/// for w in cluster.workloads().filter(|w| w.kind.as_str() != "Deployment") {
///     let selected = cluster.pods().select_in(&w.metadata.namespace, w.selector());
///     let owned = cluster.pod_entries().filter(|pod| {
///         pod.owner_references().iter().any(|o| o.uid == w.metadata.uid)
///     });
///     assert_eq!(selected.len() as usize, owned.count(), "{}", w.metadata.name);
/// }
/// # Ok::<(), label_selector::load::LoadError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GenerateOptions {
    /// Pods, DaemonSet pods included (at least one per node once there are enough).
    pub pods: usize,
    /// Nodes; the first is the tainted control plane (when there are at least 2).
    pub nodes: usize,
    /// The seed: the same options give the same cluster, byte for byte.
    pub seed: u64,
}

impl Default for GenerateOptions {
    fn default() -> Self {
        GenerateOptions {
            pods: 300,
            nodes: 12,
            seed: 1,
        }
    }
}

/// SplitMix64: small, seeded, reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    /// Kubernetes' random suffix alphabet (no vowels, no confusable digits).
    fn suffix(&mut self, len: usize) -> String {
        const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
        (0..len)
            .map(|_| ALPHABET[self.below(ALPHABET.len())] as char)
            .collect()
    }

    fn uid(&mut self) -> String {
        let a = self.next();
        let b = self.next();
        format!(
            "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xfff,
            b >> 52,
            b & 0xffff_ffff_ffff
        )
    }
}

const ZONES: [&str; 3] = ["eu-west-1a", "eu-west-1b", "eu-west-1c"];
const INSTANCE_TYPES: [&str; 4] = ["m5.large", "m5.xlarge", "c5.2xlarge", "r5.xlarge"];
const GPU_TYPE: &str = "g4dn.xlarge";
const KUBELET: &str = "v1.34.1";

/// One application of the catalogue: name, component, kind, replicas weight, image.
struct App {
    name: &'static str,
    component: &'static str,
    kind: &'static str,
    weight: usize,
    image: &'static str,
    gpu: bool,
}

const fn app(
    name: &'static str,
    component: &'static str,
    kind: &'static str,
    weight: usize,
    image: &'static str,
) -> App {
    App {
        name,
        component,
        kind,
        weight,
        image,
        gpu: false,
    }
}

/// Namespaces and their applications.
fn catalogue() -> Vec<(&'static str, Vec<App>)> {
    vec![
        (
            "shop",
            vec![
                app("web", "frontend", "Deployment", 6, "nginx:1.27"),
                app(
                    "api",
                    "backend",
                    "Deployment",
                    4,
                    "ghcr.io/acme/shop-api:2.14.0",
                ),
                app(
                    "cart",
                    "backend",
                    "Deployment",
                    3,
                    "ghcr.io/acme/cart:1.9.3",
                ),
                app("postgres", "database", "StatefulSet", 1, "postgres:16.4"),
                app("redis", "cache", "StatefulSet", 1, "redis:7.4"),
            ],
        ),
        (
            "payments",
            vec![
                app("web", "frontend", "Deployment", 3, "nginx:1.27"),
                app(
                    "checkout",
                    "backend",
                    "Deployment",
                    4,
                    "ghcr.io/acme/checkout:3.2.1",
                ),
                app(
                    "ledger",
                    "backend",
                    "Deployment",
                    2,
                    "ghcr.io/acme/ledger:0.8.0",
                ),
            ],
        ),
        (
            "search",
            vec![
                app("web", "frontend", "Deployment", 2, "nginx:1.27"),
                app(
                    "indexer",
                    "worker",
                    "Deployment",
                    3,
                    "ghcr.io/acme/indexer:5.0.2",
                ),
                App {
                    gpu: true,
                    ..app(
                        "ranker",
                        "inference",
                        "Deployment",
                        2,
                        "ghcr.io/acme/ranker:1.3.0",
                    )
                },
                app(
                    "opensearch",
                    "database",
                    "StatefulSet",
                    1,
                    "opensearchproject/opensearch:2.17.0",
                ),
            ],
        ),
        (
            "auth",
            vec![
                app(
                    "keycloak",
                    "backend",
                    "Deployment",
                    2,
                    "quay.io/keycloak/keycloak:26.0",
                ),
                app(
                    "oauth2-proxy",
                    "proxy",
                    "Deployment",
                    2,
                    "quay.io/oauth2-proxy/oauth2-proxy:7.7.1",
                ),
            ],
        ),
        (
            "monitoring",
            vec![
                app(
                    "prometheus",
                    "server",
                    "StatefulSet",
                    1,
                    "quay.io/prometheus/prometheus:v3.0.0",
                ),
                app(
                    "grafana",
                    "dashboard",
                    "Deployment",
                    1,
                    "grafana/grafana:11.3.0",
                ),
                app(
                    "node-exporter",
                    "exporter",
                    "DaemonSet",
                    0,
                    "quay.io/prometheus/node-exporter:v1.8.2",
                ),
            ],
        ),
        (
            "kube-system",
            vec![
                app(
                    "coredns",
                    "dns",
                    "Deployment",
                    1,
                    "registry.k8s.io/coredns/coredns:v1.11.3",
                ),
                app(
                    "kube-proxy",
                    "proxy",
                    "DaemonSet",
                    0,
                    "registry.k8s.io/kube-proxy:v1.34.1",
                ),
            ],
        ),
    ]
}

fn timestamp(seconds: u64) -> String {
    // 2026-09-01T00:00:00Z plus `seconds`, within September and October 2026.
    let days = seconds / 86_400;
    let rest = seconds % 86_400;
    let (month, day) = if days < 30 {
        (9, days + 1)
    } else {
        (10, (days - 30).min(30) + 1)
    };
    format!(
        "2026-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest / 60 % 60,
        rest % 60
    )
}

fn managed_fields(manager: &str, time: &str, fields: Value) -> Value {
    json!([{
        "apiVersion": "v1",
        "fieldsType": "FieldsV1",
        "fieldsV1": fields,
        "manager": manager,
        "operation": "Update",
        "time": time,
    }])
}

struct NodeInfo {
    name: String,
    gpu: bool,
    control_plane: bool,
    ready: bool,
}

/// A `kind: List` holding namespaces, nodes, Deployments, ReplicaSets, StatefulSets,
/// DaemonSets, Services, PDBs and pods, each in the full shape kubectl prints (`managedFields`,
/// container specs, status). Selectors match their pods; pods sit on nodes that their
/// `nodeSelector` and tolerations allow; nodes carry hostname, zone, region, instance-type,
/// os and arch labels; pods carry the `app.kubernetes.io/*` recommended labels.
pub fn generate(options: &GenerateOptions) -> Value {
    let mut rng = Rng(options.seed ^ 0x6c61_6265_6c73_656c);
    let mut items = Vec::new();
    let catalogue = catalogue();

    for (i, (ns, _)) in catalogue.iter().enumerate() {
        let created = timestamp(i as u64 * 60);
        items.push(json!({
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": {
                "creationTimestamp": created,
                "labels": {
                    "kubernetes.io/metadata.name": ns,
                    "team": if *ns == "kube-system" || *ns == "monitoring" { "platform" } else { *ns },
                },
                "managedFields": managed_fields("kubectl-create", &created, json!({"f:metadata": {"f:labels": {}}})),
                "name": ns,
                "resourceVersion": (100 + i).to_string(),
                "uid": rng.uid(),
            },
            "spec": {"finalizers": ["kubernetes"]},
            "status": {"phase": "Active"},
        }));
    }

    // Nodes.
    let mut nodes = Vec::new();
    for i in 0..options.nodes {
        let zone = ZONES[i % ZONES.len()];
        let control_plane = i == 0 && options.nodes > 1;
        let gpu = !control_plane && options.nodes >= 4 && i % 4 == 3;
        let name = format!(
            "ip-10-0-{}-{}.eu-west-1.compute.internal",
            i / 200,
            10 + i % 200
        );
        let instance = if gpu {
            GPU_TYPE
        } else {
            INSTANCE_TYPES[rng.below(INSTANCE_TYPES.len())]
        };
        let ready = control_plane || !rng.chance(6);
        let created = timestamp(3_600 + i as u64 * 97);
        let mut labels = json!({
            "beta.kubernetes.io/arch": "amd64",
            "beta.kubernetes.io/os": "linux",
            "kubernetes.io/arch": "amd64",
            "kubernetes.io/hostname": name,
            "kubernetes.io/os": "linux",
            "node.kubernetes.io/instance-type": instance,
            "topology.kubernetes.io/region": "eu-west-1",
            "topology.kubernetes.io/zone": zone,
        });
        let mut taints = Vec::new();
        if control_plane {
            labels["node-role.kubernetes.io/control-plane"] = json!("");
            taints.push(
                json!({"effect": "NoSchedule", "key": "node-role.kubernetes.io/control-plane"}),
            );
        } else {
            labels["node-role.kubernetes.io/worker"] = json!("");
        }
        if gpu {
            labels["nvidia.com/gpu.present"] = json!("true");
            taints
                .push(json!({"effect": "NoSchedule", "key": "nvidia.com/gpu", "value": "present"}));
        }
        if !ready {
            taints.push(json!({"effect": "NoSchedule", "key": "node.kubernetes.io/not-ready", "timeAddedAt": created}));
        }
        let ip = format!("10.0.{}.{}", i / 200, 10 + i % 200);
        let mut spec = json!({
            "podCIDR": format!("10.244.{}.0/24", i % 256),
            "providerID": format!("aws:///{zone}/i-0{:016x}", rng.next() >> 4),
        });
        if !taints.is_empty() {
            spec["taints"] = json!(taints);
        }
        let condition = |t: &str, s: &str, reason: &str| {
            json!({"lastHeartbeatTime": "2026-10-31T12:00:00Z", "lastTransitionTime": created,
                   "message": format!("kubelet reports {reason}"), "reason": reason, "status": s, "type": t})
        };
        items.push(json!({
            "apiVersion": "v1",
            "kind": "Node",
            "metadata": {
                "annotations": {
                    "node.alpha.kubernetes.io/ttl": "0",
                    "volumes.kubernetes.io/controller-managed-attach-detach": "true",
                },
                "creationTimestamp": created,
                "labels": labels,
                "managedFields": managed_fields("kubelet", &created, json!({"f:metadata": {"f:labels": {"f:kubernetes.io/hostname": {}}}, "f:status": {"f:conditions": {}}})),
                "name": name,
                "resourceVersion": (1000 + i).to_string(),
                "uid": rng.uid(),
            },
            "spec": spec,
            "status": {
                "addresses": [
                    {"address": ip, "type": "InternalIP"},
                    {"address": name, "type": "Hostname"},
                ],
                "allocatable": {"cpu": "7910m", "memory": "31Gi", "pods": "110"},
                "capacity": {"cpu": "8", "memory": "32Gi", "pods": "110"},
                "conditions": [
                    condition("MemoryPressure", "False", "KubeletHasSufficientMemory"),
                    condition("DiskPressure", "False", "KubeletHasNoDiskPressure"),
                    condition("PIDPressure", "False", "KubeletHasSufficientPID"),
                    if ready { condition("Ready", "True", "KubeletReady") } else { condition("Ready", "Unknown", "NodeStatusUnknown") },
                ],
                "nodeInfo": {
                    "architecture": "amd64",
                    "containerRuntimeVersion": "containerd://1.7.22",
                    "kernelVersion": "6.1.112-124.190.amzn2023.x86_64",
                    "kubeletVersion": KUBELET,
                    "operatingSystem": "linux",
                    "osImage": "Amazon Linux 2023.6.20241010",
                },
            },
        }));
        nodes.push(NodeInfo {
            name,
            gpu,
            control_plane,
            ready,
        });
    }

    // Budget: DaemonSet pods first (one per ready-or-not node), then weights.
    let daemonsets: usize = catalogue
        .iter()
        .flat_map(|(_, apps)| apps)
        .filter(|a| a.kind == "DaemonSet")
        .count();
    let ds_pods_each = if options.pods >= daemonsets * nodes.len() * 2 {
        nodes.len()
    } else {
        0
    };
    let remaining = options.pods - ds_pods_each * daemonsets;
    let weights: usize = catalogue
        .iter()
        .flat_map(|(_, apps)| apps)
        .map(|a| a.weight)
        .sum();
    let mut quotas = Vec::new();
    let mut given = 0;
    for (_, apps) in &catalogue {
        for a in apps {
            let q = if a.kind == "DaemonSet" {
                ds_pods_each
            } else {
                remaining * a.weight / weights
            };
            if a.kind != "DaemonSet" {
                given += q;
            }
            quotas.push(q);
        }
    }
    // Hand the rounding remainder to the first applications.
    let mut extra = remaining - given;
    let mut qi = 0;
    for (_, apps) in &catalogue {
        for a in apps {
            if extra > 0 && a.kind != "DaemonSet" {
                quotas[qi] += 1;
                extra -= 1;
            }
            qi += 1;
        }
    }

    let mut qi = 0;
    let mut pod_counter = 0u64;
    for (ns, apps) in &catalogue {
        for a in apps {
            let replicas = quotas[qi];
            qi += 1;
            let created = timestamp(7_200 + rng.below(20 * 86_400) as u64);
            let version = a.image.rsplit(':').next().unwrap_or("latest");
            let version = version.trim_start_matches('v');
            let instance = format!("{}-{ns}", a.name);
            let mut template_labels = json!({
                "app.kubernetes.io/component": a.component,
                "app.kubernetes.io/instance": instance,
                "app.kubernetes.io/name": a.name,
                "app.kubernetes.io/part-of": ns,
                "app.kubernetes.io/version": version,
            });
            if a.kind != "DaemonSet" {
                template_labels["app.kubernetes.io/managed-by"] = json!("Helm");
            }
            let selector = json!({"matchLabels": {
                "app.kubernetes.io/instance": instance,
                "app.kubernetes.io/name": a.name,
            }});
            let owner_uid = rng.uid();
            let mut owner_kind = a.kind;
            let mut owner_name = a.name.to_string();
            let mut owner_ref_uid = owner_uid.clone();
            let mut pod_labels = template_labels.clone();
            let hash = rng.suffix(10);
            let workload_spec = |replicas: Option<usize>| {
                let mut spec = json!({
                    "selector": selector,
                    "template": {
                        "metadata": {"creationTimestamp": null, "labels": template_labels},
                        "spec": {"containers": [{"image": a.image, "name": a.name}]},
                    },
                });
                if let Some(r) = replicas {
                    spec["replicas"] = json!(r);
                }
                spec
            };
            let meta = |name: &str, uid: &str, owner: Option<(&str, &str, &str)>| {
                let mut m = json!({
                    "annotations": {"meta.helm.sh/release-name": instance},
                    "creationTimestamp": created,
                    "generation": 1,
                    "labels": template_labels,
                    "managedFields": managed_fields("helm", &created, json!({"f:spec": {"f:replicas": {}, "f:selector": {}, "f:template": {}}})),
                    "name": name,
                    "namespace": ns,
                    "resourceVersion": (5000 + pod_counter).to_string(),
                    "uid": uid,
                });
                if let Some((kind, oname, ouid)) = owner {
                    m["ownerReferences"] = json!([{"apiVersion": "apps/v1", "blockOwnerDeletion": true,
                        "controller": true, "kind": kind, "name": oname, "uid": ouid}]);
                }
                m
            };
            match a.kind {
                "Deployment" => {
                    items.push(json!({"apiVersion": "apps/v1", "kind": "Deployment",
                        "metadata": meta(a.name, &owner_uid, None),
                        "spec": workload_spec(Some(replicas)),
                        "status": {"availableReplicas": replicas, "observedGeneration": 1, "readyReplicas": replicas,
                            "replicas": replicas, "updatedReplicas": replicas}}));
                    // The current ReplicaSet, selecting on pod-template-hash as Kubernetes does.
                    let rs_name = format!("{}-{hash}", a.name);
                    let rs_uid = rng.uid();
                    let mut spec = workload_spec(Some(replicas));
                    spec["selector"]["matchLabels"]["pod-template-hash"] = json!(hash);
                    spec["template"]["metadata"]["labels"]["pod-template-hash"] = json!(hash);
                    let mut m = meta(&rs_name, &rs_uid, Some(("Deployment", a.name, &owner_uid)));
                    m["labels"]["pod-template-hash"] = json!(hash);
                    items.push(
                        json!({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": m,
                        "spec": spec, "status": {"availableReplicas": replicas, "observedGeneration": 1,
                            "readyReplicas": replicas, "replicas": replicas}}),
                    );
                    pod_labels["pod-template-hash"] = json!(hash);
                    owner_kind = "ReplicaSet";
                    owner_name = rs_name;
                    owner_ref_uid = rs_uid;
                }
                "StatefulSet" => {
                    let mut spec = workload_spec(Some(replicas));
                    spec["serviceName"] = json!(a.name);
                    items.push(json!({"apiVersion": "apps/v1", "kind": "StatefulSet",
                        "metadata": meta(a.name, &owner_uid, None), "spec": spec,
                        "status": {"availableReplicas": replicas, "currentReplicas": replicas,
                            "observedGeneration": 1, "readyReplicas": replicas, "replicas": replicas,
                            "updatedReplicas": replicas}}));
                }
                _ => {
                    items.push(json!({"apiVersion": "apps/v1", "kind": "DaemonSet",
                        "metadata": meta(a.name, &owner_uid, None), "spec": workload_spec(None),
                        "status": {"currentNumberScheduled": replicas, "desiredNumberScheduled": replicas,
                            "numberAvailable": replicas, "numberReady": replicas, "observedGeneration": 1,
                            "updatedNumberScheduled": replicas}}));
                }
            }
            if a.kind != "DaemonSet" {
                let port = if a.component == "frontend" { 80 } else { 8080 };
                items.push(json!({"apiVersion": "v1", "kind": "Service",
                    "metadata": {"creationTimestamp": created, "labels": template_labels,
                        "managedFields": managed_fields("helm", &created, json!({"f:spec": {"f:selector": {}}})),
                        "name": a.name, "namespace": ns, "resourceVersion": "7000", "uid": rng.uid()},
                    "spec": {"clusterIP": format!("172.20.{}.{}", rng.below(256), rng.below(256)),
                        "ports": [{"name": "http", "port": port, "protocol": "TCP", "targetPort": port}],
                        "publishNotReadyAddresses": a.kind == "StatefulSet",
                        "selector": {"app.kubernetes.io/instance": instance, "app.kubernetes.io/name": a.name},
                        "sessionAffinity": "None", "type": "ClusterIP"},
                    "status": {"loadBalancer": {}}}));
                if replicas >= 2 {
                    let budget = if a.component == "database" {
                        json!({"minAvailable": 1})
                    } else if replicas >= 4 {
                        json!({"maxUnavailable": "25%"})
                    } else {
                        json!({"minAvailable": "50%"})
                    };
                    let mut spec = budget;
                    spec["selector"] = selector.clone();
                    if a.component == "frontend" {
                        spec["unhealthyPodEvictionPolicy"] = json!("AlwaysAllow");
                    }
                    items.push(json!({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
                        "metadata": {"creationTimestamp": created, "generation": 1, "name": a.name,
                            "namespace": ns, "resourceVersion": "7100", "uid": rng.uid()},
                        "spec": spec,
                        "status": {"currentHealthy": replicas, "desiredHealthy": replicas.saturating_sub(1),
                            "disruptionsAllowed": 1, "expectedPods": replicas, "observedGeneration": 1}}));
                }
            }

            // Pods.
            let eligible: Vec<&NodeInfo> = nodes
                .iter()
                .filter(|n| {
                    a.kind == "DaemonSet" || (!n.control_plane && n.gpu == a.gpu && n.ready)
                })
                .collect();
            for r in 0..replicas {
                pod_counter += 1;
                let name = match a.kind {
                    "StatefulSet" => format!("{}-{r}", a.name),
                    "DaemonSet" => format!("{}-{}", a.name, rng.suffix(5)),
                    _ => format!("{owner_name}-{}", rng.suffix(5)),
                };
                let node = if a.kind == "DaemonSet" {
                    nodes.get(r)
                } else if eligible.is_empty() {
                    None
                } else {
                    Some(eligible[rng.below(eligible.len())])
                };
                let pod_created = timestamp(30 * 86_400 + rng.below(25 * 86_400) as u64);
                let mut labels = pod_labels.clone();
                if a.kind == "StatefulSet" {
                    labels["apps.kubernetes.io/pod-index"] = json!(r.to_string());
                    labels["statefulset.kubernetes.io/pod-name"] = json!(name);
                }
                if a.kind == "DaemonSet" {
                    labels["pod-template-generation"] = json!("1");
                }
                let roll = rng.below(100);
                let (phase, state, ready, restarts) = match (node, roll) {
                    (None, _) => ("Pending", None, false, 0),
                    (Some(n), _) if !n.ready => ("Running", Some(("running", "")), false, 0),
                    (_, 0..=2) => (
                        "Running",
                        Some(("waiting", "CrashLoopBackOff")),
                        false,
                        5 + rng.below(40),
                    ),
                    (_, 3) => ("Pending", Some(("waiting", "ImagePullBackOff")), false, 0),
                    (_, 4..=9) => ("Running", Some(("running", "")), true, 1 + rng.below(3)),
                    _ => ("Running", Some(("running", "")), true, 0),
                };
                let ip = node.map(|_| format!("10.244.{}.{}", rng.below(64), 2 + rng.below(250)));
                let mut spec = json!({
                    "containers": [{
                        "image": a.image,
                        "imagePullPolicy": "IfNotPresent",
                        "name": a.name,
                        "ports": [{"containerPort": 8080, "name": "http", "protocol": "TCP"}],
                        "resources": {"limits": {"memory": "512Mi"}, "requests": {"cpu": "100m", "memory": "256Mi"}},
                        "terminationMessagePath": "/dev/termination-log",
                        "terminationMessagePolicy": "File",
                        "volumeMounts": [{"mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "name": "kube-api-access", "readOnly": true}],
                    }],
                    "dnsPolicy": "ClusterFirst",
                    "enableServiceLinks": true,
                    "preemptionPolicy": "PreemptLowerPriority",
                    "priority": 0,
                    "restartPolicy": "Always",
                    "schedulerName": "default-scheduler",
                    "securityContext": {},
                    "serviceAccount": "default",
                    "serviceAccountName": "default",
                    "terminationGracePeriodSeconds": 30,
                    "tolerations": [
                        {"effect": "NoExecute", "key": "node.kubernetes.io/not-ready", "operator": "Exists", "tolerationSeconds": 300},
                        {"effect": "NoExecute", "key": "node.kubernetes.io/unreachable", "operator": "Exists", "tolerationSeconds": 300},
                    ],
                    "volumes": [{"name": "kube-api-access", "projected": {"defaultMode": 420, "sources": [{"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}}]}}],
                });
                if let Some(n) = node {
                    spec["nodeName"] = json!(n.name);
                }
                if a.kind == "DaemonSet" {
                    spec["tolerations"] = json!([{"operator": "Exists"}]);
                    if let Some(n) = node {
                        spec["affinity"] = json!({"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
                            "nodeSelectorTerms": [{"matchFields": [{"key": "metadata.name", "operator": "In", "values": [n.name]}]}]}}});
                    }
                } else {
                    let app_selector = json!({"matchLabels": {"app.kubernetes.io/instance": instance, "app.kubernetes.io/name": a.name}});
                    spec["affinity"] = json!({"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{
                        "podAffinityTerm": {"labelSelector": app_selector, "topologyKey": "kubernetes.io/hostname"},
                        "weight": 100}]}});
                    if a.component == "frontend" {
                        spec["topologySpreadConstraints"] = json!([{"labelSelector": app_selector,
                            "matchLabelKeys": ["pod-template-hash"], "maxSkew": 1,
                            "topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "ScheduleAnyway"}]);
                    }
                    if a.gpu {
                        spec["nodeSelector"] = json!({"nvidia.com/gpu.present": "true"});
                        if let Some(t) = spec["tolerations"].as_array_mut() {
                            t.push(json!({"effect": "NoSchedule", "key": "nvidia.com/gpu", "operator": "Equal", "value": "present"}));
                        }
                    }
                }
                let cond = |t: &str, ok: bool| json!({"lastProbeTime": null, "lastTransitionTime": pod_created, "status": if ok { "True" } else { "False" }, "type": t});
                let mut status = json!({"phase": phase, "qosClass": "Burstable"});
                if let Some(n) = node {
                    let host_ip = n
                        .name
                        .trim_start_matches("ip-")
                        .split('.')
                        .next()
                        .unwrap_or("")
                        .replace('-', ".");
                    status["hostIP"] = json!(host_ip);
                    status["podIP"] = json!(ip);
                    status["podIPs"] = json!([{"ip": ip}]);
                    status["startTime"] = json!(pod_created);
                    status["conditions"] = json!([
                        cond("PodReadyToStartContainers", true),
                        cond("Initialized", true),
                        cond("Ready", ready),
                        cond("ContainersReady", ready),
                        cond("PodScheduled", true),
                    ]);
                    let (state_name, reason) = state.unwrap_or(("running", ""));
                    let state = if state_name == "running" {
                        json!({"running": {"startedAt": pod_created}})
                    } else {
                        json!({"waiting": {"message": format!("back-off restarting failed container {}", a.name), "reason": reason}})
                    };
                    status["containerStatuses"] = json!([{
                        "containerID": format!("containerd://{:016x}{:016x}", rng.next(), rng.next()),
                        "image": a.image, "imageID": format!("docker.io/library/{}@sha256:{:016x}", a.image, rng.next()),
                        "lastState": {}, "name": a.name, "ready": ready, "restartCount": restarts,
                        "started": ready, "state": state,
                    }]);
                } else {
                    status["conditions"] = json!([{
                        "lastProbeTime": null, "lastTransitionTime": pod_created,
                        "message": "0/1 nodes are available: 1 node(s) had untolerated taint {nvidia.com/gpu: present}.",
                        "reason": "Unschedulable", "status": "False", "type": "PodScheduled"}]);
                }
                items.push(json!({
                    "apiVersion": "v1",
                    "kind": "Pod",
                    "metadata": {
                        "creationTimestamp": pod_created,
                        "generateName": format!("{owner_name}-"),
                        "labels": labels,
                        "managedFields": [
                            {"apiVersion": "v1", "fieldsType": "FieldsV1", "fieldsV1": {"f:metadata": {"f:generateName": {}, "f:labels": {}, "f:ownerReferences": {}}, "f:spec": {"f:containers": {}}},
                             "manager": "kube-controller-manager", "operation": "Update", "time": pod_created},
                            {"apiVersion": "v1", "fieldsType": "FieldsV1", "fieldsV1": {"f:status": {"f:conditions": {}, "f:containerStatuses": {}, "f:podIP": {}}},
                             "manager": "kubelet", "operation": "Update", "subresource": "status", "time": pod_created},
                        ],
                        "name": name,
                        "namespace": ns,
                        "ownerReferences": [{"apiVersion": "apps/v1", "blockOwnerDeletion": true, "controller": true,
                            "kind": owner_kind, "name": owner_name, "uid": owner_ref_uid}],
                        "resourceVersion": (20000 + pod_counter).to_string(),
                        "uid": rng.uid(),
                    },
                    "spec": spec,
                    "status": status,
                }));
            }
        }
    }
    json!({"apiVersion": "v1", "items": items, "kind": "List", "metadata": {"resourceVersion": ""}})
}
