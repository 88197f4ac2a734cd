//! One event in, what changed in the workload answers out.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::{DisruptionStatus, Endpoint, Ownership, Workloads};
use crate::cluster::{Applied, ApplyError, Cluster, PodId};
use crate::k8s::{Kind, Object, ObjectKey, WatchEvent, WorkloadKind};

/// An endpoint of a Service that appeared, went or changed (conditions, address, node, zone,
/// ports).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EndpointChange {
    /// The Service.
    pub service: ObjectKey,
    /// The pod.
    pub pod: ObjectKey,
    /// The endpoint before the event (`None`: added).
    pub before: Option<Endpoint<'static>>,
    /// The endpoint after the event (`None`: removed).
    pub after: Option<Endpoint<'static>>,
}

/// A pod whose [`Ownership`] changed (or that appeared or went).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OwnershipChange {
    /// The pod.
    pub pod: ObjectKey,
    /// Before the event (`None`: the pod was not stored).
    pub before: Option<Ownership>,
    /// After the event (`None`: the pod is gone).
    pub after: Option<Ownership>,
}

/// A budget whose status changed (or that appeared or went).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BudgetChange {
    /// The PDB.
    pub budget: ObjectKey,
    /// Before the event (`None`: the PDB was not stored).
    pub before: Option<DisruptionStatus>,
    /// After the event (`None`: the PDB is gone).
    pub after: Option<DisruptionStatus>,
}

/// What one event did: the store's [`Applied`], and every change in endpoints, ownership and
/// budget status it caused, each list sorted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// What the store did.
    pub applied: Applied,
    /// Endpoint changes, by Service then pod.
    pub endpoints: Vec<EndpointChange>,
    /// Ownership changes, by pod.
    pub ownership: Vec<OwnershipChange>,
    /// Budget changes, by PDB.
    pub budgets: Vec<BudgetChange>,
}

impl Report {
    /// Whether the event changed no answer.
    pub fn is_empty(&self) -> bool {
        self.endpoints.is_empty() && self.ownership.is_empty() && self.budgets.is_empty()
    }
}

/// The answers an event can change, found from the store before the event and the event's
/// object (so that the same set is read before and after).
#[derive(Default)]
struct Affected {
    /// (Service, pod) pairs whose endpoint may change.
    endpoints: BTreeSet<(ObjectKey, ObjectKey)>,
    /// Pods whose ownership may change.
    pods: BTreeSet<ObjectKey>,
    /// Budgets whose status may change.
    budgets: BTreeSet<ObjectKey>,
}

/// The answers for an [`Affected`] set at one moment.
struct Answers {
    endpoints: BTreeMap<(ObjectKey, ObjectKey), Endpoint<'static>>,
    pods: BTreeMap<ObjectKey, Ownership>,
    budgets: BTreeMap<ObjectKey, DisruptionStatus>,
}

/// Applies one event to `cluster` and reports what changed in the endpoints of its Services,
/// the ownership of its pods and the status of its budgets (at `now`, seconds since the Unix
/// epoch).
///
/// The answers that can change are found before the event from the stored object and the
/// event's object: for a pod, the Services and PDBs selecting its old or new labels; for a
/// node, the endpoints of the pods on it; for a Service, the pods its old or new selector
/// picks; for a workload, the pods it selects or controls (through its ReplicaSets for a
/// Deployment) and their PDBs; for a PDB, itself. They are read before and after and
/// compared.
///
/// # Errors
///
/// As [`Cluster::apply`]; nothing changes.
///
/// # Examples
///
/// ```
/// use label_selector::Cluster;
/// use label_selector::k8s::WatchEvent;
/// use label_selector::workloads::apply;
///
/// let mut cluster = Cluster::new();
/// cluster.load_str("c.yaml", "
/// kind: Node
/// metadata: {name: n1}
/// ---
/// kind: Service
/// metadata: {name: web}
/// spec: {selector: {app: web}}
/// ")?;
/// let pod = serde_json::from_str(r#"{"kind": "Pod", "metadata": {"name": "web-1",
///     "labels": {"app": "web"}}, "spec": {"nodeName": "n1"},
///     "status": {"phase": "Running", "podIP": "10.0.0.5"}}"#).unwrap();
/// let report = apply(&mut cluster, WatchEvent::Added(pod), 0).unwrap();
/// let change = &report.endpoints[0];
/// assert_eq!(change.service.name(), "web");
/// assert!(change.before.is_none());
/// assert!(!change.after.as_ref().unwrap().conditions.ready); // not Ready yet
/// # Ok::<(), label_selector::load::LoadError>(())
/// ```
pub fn apply(cluster: &mut Cluster, event: WatchEvent, now: i64) -> Result<Report, ApplyError> {
    let affected = match &event {
        WatchEvent::Added(o) | WatchEvent::Modified(o) | WatchEvent::Deleted(o) => {
            let deleting = matches!(event, WatchEvent::Deleted(_));
            affected(&Workloads::new(cluster, now), o, deleting)
        }
        _ => Affected::default(),
    };
    let before = answers(&Workloads::new(cluster, now), &affected);
    let applied = cluster.apply(event)?;
    let after = answers(&Workloads::new(cluster, now), &affected);
    Ok(Report {
        applied,
        endpoints: diff(
            before.endpoints,
            after.endpoints,
            |(service, pod), before, after| EndpointChange {
                service,
                pod,
                before,
                after,
            },
        ),
        ownership: diff(before.pods, after.pods, |pod, before, after| {
            OwnershipChange { pod, before, after }
        }),
        budgets: diff(before.budgets, after.budgets, |budget, before, after| {
            BudgetChange {
                budget,
                before,
                after,
            }
        }),
    })
}

fn diff<K: Ord, V: PartialEq, C>(
    mut before: BTreeMap<K, V>,
    after: BTreeMap<K, V>,
    make: impl Fn(K, Option<V>, Option<V>) -> C,
) -> Vec<C> {
    let mut out = Vec::new();
    for (k, a) in after {
        match before.remove(&k) {
            Some(b) if b == a => {}
            b => out.push((k, b, Some(a))),
        }
    }
    out.extend(before.into_iter().map(|(k, b)| (k, Some(b), None)));
    out.sort_by(|x, y| x.0.cmp(&y.0));
    out.into_iter().map(|(k, b, a)| make(k, b, a)).collect()
}

fn answers(w: &Workloads<'_>, a: &Affected) -> Answers {
    let c = w.cluster();
    let mut endpoints = BTreeMap::new();
    // Pairs come grouped by Service; look each Service up once, and each pod's Services
    // once (the reverse index), instead of matching every pair's selector.
    let mut pod_services: BTreeMap<&ObjectKey, Vec<&ObjectKey>> = BTreeMap::new();
    for (s, p) in &a.endpoints {
        pod_services.entry(p).or_default().push(s);
    }
    for (p, services) in pod_services {
        let Some(entry) = c.pod_named(p.namespace(), p.name()) else {
            continue;
        };
        let selecting = c.services_for_pod(entry.id());
        for s in services {
            if !selecting.contains(&s) {
                continue;
            }
            let Some(svc) = c.service(s.namespace(), s.name()) else {
                continue;
            };
            if let Some(e) = w.endpoint_of(svc, &entry) {
                endpoints.insert((s.clone(), p.clone()), e.into_owned());
            }
        }
    }
    Answers {
        endpoints,
        pods: a
            .pods
            .iter()
            .filter_map(|p| {
                let id = c.pod_id(p.namespace(), p.name())?;
                Some((p.clone(), w.ownership(id)?))
            })
            .collect(),
        budgets: a
            .budgets
            .iter()
            .filter_map(|b| Some((b.clone(), w.disruption(b)?)))
            .collect(),
    }
}

/// Which parts of a stored pod an update leaves as they are.
#[derive(Clone, Copy)]
struct Unchanged {
    labels: bool,
    owners: bool,
    phase: bool,
    deletion: bool,
    ready: bool,
    /// IP, node, uid, hostname, subdomain and containers (ports): the rest of an endpoint.
    endpoint: bool,
}

impl Unchanged {
    fn of(old: &crate::cluster::PodEntry<'_>, new: &crate::k8s::Pod) -> Unchanged {
        let labels = old.object_ref().label_pairs().count() == new.metadata.labels.len()
            && new
                .metadata
                .labels
                .iter()
                .all(|(k, v)| old.label(k) == Some(v));
        let (os, ns) = (old.spec(), &new.spec);
        Unchanged {
            labels,
            owners: old.owner_references() == new.metadata.owner_references.as_slice(),
            phase: old.status().phase == new.status.phase,
            deletion: old.deletion_timestamp() == new.metadata.deletion_timestamp.as_deref(),
            ready: old.is_ready() == new.is_ready(),
            endpoint: old.ips().eq(new.status.ips())
                && old.node_name() == ns.node_name.as_deref()
                && old.uid() == new.metadata.uid
                && os.hostname == ns.hostname
                && os.subdomain == ns.subdomain
                && os.containers == ns.containers,
        }
    }

    /// Ownership reads labels, owner references, phase and deletion (and the name).
    fn ownership(self) -> bool {
        self.labels && self.owners && self.phase && self.deletion
    }

    /// Endpoints read labels, phase, readiness, deletion and the endpoint's fields.
    fn endpoints(self) -> bool {
        self.labels && self.phase && self.ready && self.deletion && self.endpoint
    }

    /// Budgets read labels, readiness, deletion and owner references (and the name).
    fn budgets(self) -> bool {
        self.labels && self.ready && self.deletion && self.owners
    }
}

/// What an event on `object` can change, read from the store before the event.
fn affected(w: &Workloads<'_>, object: &Object, deleting: bool) -> Affected {
    let c = w.cluster();
    let mut out = Affected::default();
    let Some(mut key) = object.key() else {
        return out;
    };
    if key.kind().is_namespaced() && key.namespace().is_empty() {
        key = ObjectKey::new(key.kind(), c.default_namespace(), key.name());
    }
    let ns = key.namespace();
    let pod_key = |id: PodId| c.pod(id).map(|p| p.key());
    match (key.kind(), object) {
        (Kind::Pod, Object::Pod(pod)) => {
            let stored = c.pod_named(ns, key.name());
            // What of the pod the answers read, and whether the event changes it: an update
            // that changes none of it (a kubelet status heartbeat, a restart count) changes
            // no answer, as the controllers' update handlers also decide.
            let same = match (&stored, deleting) {
                (Some(old), false) => Some(Unchanged::of(old, pod)),
                _ => None,
            };
            let mut services: BTreeSet<ObjectKey> = BTreeSet::new();
            let mut budgets: BTreeSet<ObjectKey> = BTreeSet::new();
            let endpoints = same.is_none_or(|s| !s.endpoints());
            let budget = same.is_none_or(|s| !s.budgets());
            if let Some(old) = &stored {
                if endpoints {
                    services.extend(c.services_for_pod(old.id()).into_iter().cloned());
                }
                if budget {
                    budgets.extend(c.pdbs_for_pod(old.id()).into_iter().cloned());
                }
            }
            // With the same labels, the new labels select what the old ones did.
            if !deleting && same.is_none_or(|s| !s.labels) {
                if endpoints {
                    let labels = pod.metadata.labels.iter();
                    services.extend(
                        c.service_selectors()
                            .matching(ns, labels)
                            .into_iter()
                            .cloned(),
                    );
                }
                if budget {
                    let labels = pod.metadata.labels.iter();
                    budgets.extend(c.pdb_selectors().matching(ns, labels).into_iter().cloned());
                }
            }
            out.endpoints = services.into_iter().map(|s| (s, key.clone())).collect();
            out.budgets = budgets;
            if same.is_none_or(|s| !s.ownership()) {
                out.pods.insert(key);
            }
        }
        (Kind::Node, _) => {
            for id in c.pods_on_node(key.name()) {
                let Some(p) = pod_key(id) else { continue };
                for s in c.services_for_pod(id) {
                    out.endpoints.insert((s.clone(), p.clone()));
                }
            }
        }
        (Kind::Service, Object::Service(svc)) => {
            let view = c.pods();
            let mut pods = view.select_in(ns, &svc.selector());
            if let Some(old) = c.service(ns, key.name()) {
                pods = crate::ObjectSet::union_all([&pods, &view.select_in(ns, &old.selector())]);
            }
            for id in pods.iter() {
                if let Some(p) = pod_key(PodId::new(id)) {
                    out.endpoints.insert((key.clone(), p));
                }
            }
        }
        (_, Object::Workload(new)) => {
            let view = c.pods();
            let mut pods = view.select_in(ns, new.selector());
            let add_controlled = |kind: &str, name: &str, uid: &str, set: &mut crate::ObjectSet| {
                for p in c.pods_controlled_by(ns, kind, name, uid) {
                    set.insert(p.object_id());
                }
            };
            add_controlled(
                new.kind.as_str(),
                &new.metadata.name,
                &new.metadata.uid,
                &mut pods,
            );
            if let Some(old) = c.workload(new.kind, ns, key.name()) {
                pods = crate::ObjectSet::union_all([&pods, &view.select_in(ns, old.selector())]);
                add_controlled(
                    old.kind.as_str(),
                    &old.metadata.name,
                    &old.metadata.uid,
                    &mut pods,
                );
            }
            if new.kind == WorkloadKind::Deployment {
                // The pods of the ReplicaSets that name this Deployment as their controller.
                for rs in c.workloads() {
                    if rs.kind == WorkloadKind::ReplicaSet
                        && rs.metadata.namespace == ns
                        && rs
                            .controller_ref()
                            .is_some_and(|r| r.kind == "Deployment" && r.name == key.name())
                    {
                        add_controlled(
                            "ReplicaSet",
                            &rs.metadata.name,
                            &rs.metadata.uid,
                            &mut pods,
                        );
                    }
                }
            }
            for id in pods.iter() {
                let id = PodId::new(id);
                let Some(p) = pod_key(id) else { continue };
                out.budgets.extend(c.pdbs_for_pod(id).into_iter().cloned());
                out.pods.insert(p);
            }
        }
        (Kind::PodDisruptionBudget, _) => {
            out.budgets.insert(key);
        }
        _ => {}
    }
    out
}
