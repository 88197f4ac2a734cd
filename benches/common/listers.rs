//! The straightforward implementation of the workload answers, as Kubernetes' controllers
//! compute them over client-go listers: objects by namespace, and a scan of the namespace's
//! Services, controllers, PDBs and pods per question. `tests/workloads.rs` holds the store's
//! indexed answers to it; `benches/workloads.rs` measures against it.

// Written as plain step-by-step code, the way the Go reads.
#![allow(clippy::collapsible_if, clippy::nonminimal_bool, dead_code)]

use std::collections::{BTreeMap, HashMap};

use label_selector::Selector;

use label_selector::k8s::{
    IntOrPercent, IntOrString, Kind, Node, Object, ObjectKey, OwnerReference, Pod,
    PodDisruptionBudget, Service, Workload, WorkloadKind, parse_timestamp,
};
use label_selector::workloads::{
    DisruptionStatus, Endpoint, EndpointConditions, EndpointPort, Eviction, Ownership, TargetRef,
};

/// Objects by kind, namespace and name, as client-go's listers hold them; Service selectors
/// parsed once (the endpoint controller's `ServiceSelectorCache`).
#[derive(Default)]
pub(crate) struct Listers {
    pods: HashMap<String, BTreeMap<String, Pod>>,
    nodes: HashMap<String, Node>,
    services: HashMap<String, BTreeMap<String, (Service, Selector)>>,
    workloads: HashMap<String, BTreeMap<(ObjectKey, ()), Workload>>,
    pdbs: HashMap<String, BTreeMap<String, PodDisruptionBudget>>,
}

/// Every answer at one moment.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct All {
    pub(crate) endpoints: BTreeMap<(ObjectKey, ObjectKey), Endpoint<'static>>,
    pub(crate) ownership: BTreeMap<ObjectKey, Ownership>,
    pub(crate) budgets: BTreeMap<ObjectKey, DisruptionStatus>,
    pub(crate) evictions: BTreeMap<ObjectKey, Eviction>,
}

/// What one pod event changed, found by scanning the namespace's Services, controllers and
/// PDBs (and, for each affected PDB, its pods).
#[derive(Debug, Default)]
pub(crate) struct PodReport {
    pub(crate) endpoints: Vec<(
        ObjectKey,
        Option<Endpoint<'static>>,
        Option<Endpoint<'static>>,
    )>,
    pub(crate) ownership: Option<(Option<Ownership>, Option<Ownership>)>,
    pub(crate) budgets: Vec<(ObjectKey, DisruptionStatus, DisruptionStatus)>,
}

fn pdb_key(p: &PodDisruptionBudget) -> ObjectKey {
    ObjectKey::new(
        Kind::PodDisruptionBudget,
        &p.metadata.namespace,
        &p.metadata.name,
    )
}

impl Listers {
    pub(crate) fn new() -> Listers {
        Listers::default()
    }

    /// Stores an object (namespaced objects must carry their namespace).
    pub(crate) fn upsert(&mut self, o: Object) {
        match o {
            Object::Pod(p) => {
                let ns = p.metadata.namespace.clone();
                self.pods
                    .entry(ns)
                    .or_default()
                    .insert(p.metadata.name.clone(), *p);
            }
            Object::Node(n) => {
                self.nodes.insert(n.metadata.name.clone(), *n);
            }
            Object::Service(s) => {
                let sel = s.selector();
                let ns = s.metadata.namespace.clone();
                self.services
                    .entry(ns)
                    .or_default()
                    .insert(s.metadata.name.clone(), (*s, sel));
            }
            Object::Workload(w) => {
                let ns = w.metadata.namespace.clone();
                self.workloads
                    .entry(ns)
                    .or_default()
                    .insert((key_of(&w), ()), *w);
            }
            Object::PodDisruptionBudget(p) => {
                let ns = p.metadata.namespace.clone();
                self.pdbs
                    .entry(ns)
                    .or_default()
                    .insert(p.metadata.name.clone(), *p);
            }
            _ => {}
        }
    }

    /// Removes the object with this key.
    pub(crate) fn delete(&mut self, key: &ObjectKey) {
        let ns = key.namespace();
        match key.kind() {
            Kind::Pod => {
                self.pods.get_mut(ns).map(|m| m.remove(key.name()));
            }
            Kind::Node => {
                self.nodes.remove(key.name());
            }
            Kind::Service => {
                self.services.get_mut(ns).map(|m| m.remove(key.name()));
            }
            Kind::PodDisruptionBudget => {
                self.pdbs.get_mut(ns).map(|m| m.remove(key.name()));
            }
            Kind::Namespace => {}
            _ => {
                self.workloads
                    .get_mut(ns)
                    .map(|m| m.remove(&(key.clone(), ())));
            }
        }
    }

    fn ns_pods(&self, ns: &str) -> impl Iterator<Item = &Pod> {
        self.pods.get(ns).into_iter().flat_map(|m| m.values())
    }

    fn ns_workloads(&self, ns: &str) -> impl Iterator<Item = &Workload> {
        self.workloads.get(ns).into_iter().flat_map(|m| m.values())
    }

    fn ns_pdbs(&self, ns: &str) -> impl Iterator<Item = &PodDisruptionBudget> {
        self.pdbs.get(ns).into_iter().flat_map(|m| m.values())
    }

    fn workload(&self, kind: WorkloadKind, ns: &str, name: &str) -> Option<&Workload> {
        let k = key_of_parts(kind, ns, name);
        self.workloads.get(ns)?.get(&(k, ()))
    }

    /// Every answer, scanning.
    pub(crate) fn all(&self, now: i64) -> All {
        let mut out = All {
            endpoints: BTreeMap::new(),
            ownership: BTreeMap::new(),
            budgets: BTreeMap::new(),
            evictions: BTreeMap::new(),
        };
        for (ns, services) in &self.services {
            for name in services.keys() {
                let skey = ObjectKey::new(Kind::Service, ns, name);
                for e in self.endpoints(ns, name) {
                    let pod = ObjectKey::pod(ns, &*e.target_ref.name);
                    out.endpoints.insert((skey.clone(), pod), e);
                }
            }
        }
        for (ns, pods) in &self.pods {
            for p in pods.values() {
                let key = ObjectKey::pod(ns, &p.metadata.name);
                out.ownership.insert(key.clone(), self.ownership(p));
                out.evictions.insert(key, self.eviction(p, now));
            }
        }
        for pdbs in self.pdbs.values() {
            for p in pdbs.values() {
                out.budgets.insert(pdb_key(p), self.budget(p, now));
            }
        }
        out
    }

    /// The Service's endpoints: a scan of its namespace's pods.
    pub(crate) fn endpoints(&self, ns: &str, name: &str) -> Vec<Endpoint<'static>> {
        let Some((svc, sel)) = self.services.get(ns).and_then(|m| m.get(name)) else {
            return Vec::new();
        };
        if sel.is_nothing() {
            return Vec::new();
        }
        self.ns_pods(ns)
            .filter(|p| sel.matches(&p.metadata.labels))
            .filter_map(|p| self.endpoint(svc, p))
            .collect()
    }

    /// The budget's status: its pods by a scan of the namespace.
    pub(crate) fn budget_named(&self, ns: &str, name: &str, now: i64) -> Option<DisruptionStatus> {
        let p = self.pdbs.get(ns)?.get(name)?;
        Some(self.budget(p, now))
    }

    /// The Eviction API's verdict for a pod.
    pub(crate) fn eviction_named(&self, ns: &str, name: &str, now: i64) -> Option<Eviction> {
        let p = self.pods.get(ns)?.get(name)?;
        Some(self.eviction(p, now))
    }

    /// Applies a pod event the way an informer handler would, and reports what changed in
    /// the pod's endpoints, ownership and budgets: the namespace's Services, controllers and
    /// PDBs scanned against the old and new labels, each affected budget recomputed (a scan of
    /// the namespace's pods) before and after. `None` deletes.
    pub(crate) fn pod_event(
        &mut self,
        ns: &str,
        name: &str,
        new: Option<Pod>,
        now: i64,
    ) -> PodReport {
        let old = self.pods.get(ns).and_then(|m| m.get(name)).cloned();
        // The shortcut the controllers' update handlers take: an update that changes nothing
        // the answers read (labels, owners, phase, deletion, readiness, IP, node, uid,
        // hostname, subdomain, containers) changes no answer.
        if let (Some(o), Some(n)) = (&old, &new) {
            let same = o.metadata.labels == n.metadata.labels
                && o.metadata.owner_references == n.metadata.owner_references
                && o.status.phase == n.status.phase
                && o.metadata.deletion_timestamp == n.metadata.deletion_timestamp
                && ready(o) == ready(n)
                && o.status.ips().eq(n.status.ips())
                && o.spec.node_name == n.spec.node_name
                && o.metadata.uid == n.metadata.uid
                && o.spec.hostname == n.spec.hostname
                && o.spec.subdomain == n.spec.subdomain
                && o.spec.containers == n.spec.containers;
            if same {
                self.upsert(Object::Pod(Box::new(n.clone())));
                return PodReport::default();
            }
        }
        let mut r = PodReport::default();
        let selects = |sel: &Selector, p: &Option<Pod>| {
            p.as_ref().is_some_and(|p| sel.matches(&p.metadata.labels))
        };
        let mut services = Vec::new();
        for (sname, (svc, sel)) in self.services.get(ns).into_iter().flatten() {
            if selects(sel, &old) || selects(sel, &new) {
                let before = old
                    .as_ref()
                    .filter(|p| sel.matches(&p.metadata.labels))
                    .and_then(|p| self.endpoint(svc, p));
                services.push((
                    ObjectKey::new(Kind::Service, ns, sname),
                    before,
                    svc.clone(),
                    sel.clone(),
                ));
            }
        }
        let affected: Vec<ObjectKey> = self
            .ns_pdbs(ns)
            .filter(|b| selects(b.selector(), &old) || selects(b.selector(), &new))
            .map(pdb_key)
            .collect();
        let budgets_before: Vec<DisruptionStatus> = affected
            .iter()
            .map(|k| self.budget_named(ns, k.name(), now).unwrap_or_default())
            .collect();
        let own_before = old.as_ref().map(|p| self.ownership(p));
        match &new {
            Some(p) => self.upsert(Object::Pod(Box::new(p.clone()))),
            None => self.delete(&ObjectKey::pod(ns, name)),
        }
        for (key, before, svc, sel) in services {
            let after = new
                .as_ref()
                .filter(|p| sel.matches(&p.metadata.labels))
                .and_then(|p| self.endpoint(&svc, p));
            if before != after {
                r.endpoints.push((key, before, after));
            }
        }
        let own_after = new.as_ref().map(|p| self.ownership(p));
        if own_before != own_after {
            r.ownership = Some((own_before, own_after));
        }
        for (key, before) in affected.into_iter().zip(budgets_before) {
            let after = self.budget_named(ns, key.name(), now).unwrap_or_default();
            if before != after {
                r.budgets.push((key, before, after));
            }
        }
        r
    }
}

fn controller(refs: &[OwnerReference]) -> Option<&OwnerReference> {
    refs.iter().find(|r| r.controller == Some(true))
}

fn ready(p: &Pod) -> bool {
    p.status
        .conditions
        .iter()
        .any(|c| c.type_ == "Ready" && c.status == "True")
}

impl Listers {
    fn endpoint(&self, svc: &Service, p: &Pod) -> Option<Endpoint<'static>> {
        if matches!(p.status.phase.as_str(), "Succeeded" | "Failed") {
            return None;
        }
        p.status.ips().next()?;
        let n = p.spec.node_name.as_deref().and_then(|n| self.nodes.get(n));
        if n.is_none() && !svc.spec.publish_not_ready_addresses {
            return None;
        }
        let mut families: Vec<&str> = svc
            .spec
            .ip_families
            .iter()
            .map(String::as_str)
            .filter(|f| *f == "IPv4" || *f == "IPv6")
            .collect();
        if families.is_empty() {
            let v6 = svc
                .spec
                .cluster_ip
                .as_deref()
                .is_some_and(|c| c != "None" && c.contains(':'));
            families.push(if v6 { "IPv6" } else { "IPv4" });
        }
        let fam = |ip: &str| if ip.contains(':') { "IPv6" } else { "IPv4" };
        let ip = p
            .status
            .ips()
            .find(|ip| families.contains(&fam(ip)))?
            .to_string();
        let fam = fam(&ip);
        let mut ports = Vec::new();
        for sp in &svc.spec.ports {
            let proto = sp.protocol.clone().unwrap_or_else(|| "TCP".into());
            let port = match &sp.target_port {
                None | Some(IntOrString::Int(0)) => Some(sp.port),
                Some(IntOrString::Int(n)) => Some(*n),
                Some(IntOrString::String(name)) => {
                    let mut found = None;
                    'c: for c in &p.spec.containers {
                        for cp in &c.ports {
                            if &cp.name == name
                                && cp.protocol.clone().unwrap_or_else(|| "TCP".into()) == proto
                            {
                                found = Some(cp.container_port);
                                break 'c;
                            }
                        }
                    }
                    found
                }
            };
            if let Some(port) = port {
                ports.push(EndpointPort {
                    name: sp.name.clone().into(),
                    port,
                    protocol: proto.into(),
                    app_protocol: sp.app_protocol.clone().map(Into::into),
                });
            }
        }
        let serving = ready(p);
        let terminating = p.metadata.deletion_timestamp.is_some();
        let hostname = match (&p.spec.hostname, &p.spec.subdomain) {
            (Some(h), Some(sub)) if !h.is_empty() && *sub == svc.metadata.name => {
                Some(h.clone().into())
            }
            _ => None,
        };
        Some(Endpoint {
            addresses: std::iter::once(ip.into()).collect(),
            conditions: EndpointConditions {
                ready: svc.spec.publish_not_ready_addresses || (serving && !terminating),
                serving,
                terminating,
            },
            hostname,
            node_name: p.spec.node_name.clone().map(Into::into),
            target_ref: TargetRef {
                kind: "Pod",
                namespace: p.metadata.namespace.clone().into(),
                name: p.metadata.name.clone().into(),
                uid: p.metadata.uid.clone().into(),
            },
            zone: n
                .and_then(|n| n.metadata.labels.get("topology.kubernetes.io/zone"))
                .filter(|z| !z.is_empty())
                .map(|z| z.to_string().into()),
            ports: ports.into_iter().collect(),
            address_type: fam,
        })
    }
}

fn key_of(w: &Workload) -> ObjectKey {
    key_of_parts(w.kind, &w.metadata.namespace, &w.metadata.name)
}

fn key_of_parts(kind: WorkloadKind, ns: &str, name: &str) -> ObjectKey {
    ObjectKey::new(kind.into(), ns, name)
}

fn resolve<'a>(l: &'a Listers, ns: &str, r: &OwnerReference) -> Option<&'a Workload> {
    l.ns_workloads(ns)
        .find(|w| w.kind.as_str() == r.kind && w.metadata.name == r.name && w.metadata.uid == r.uid)
}

fn sees(w: &Workload, p: &Pod) -> bool {
    let terminal = matches!(p.status.phase.as_str(), "Succeeded" | "Failed");
    match w.kind {
        WorkloadKind::Deployment => false,
        WorkloadKind::ReplicaSet | WorkloadKind::ReplicationController => {
            !terminal && p.metadata.deletion_timestamp.is_none()
        }
        _ => true,
    }
}

fn claim_matches(w: &Workload, p: &Pod) -> bool {
    if !w.selector().matches(&p.metadata.labels) {
        return false;
    }
    if w.kind == WorkloadKind::StatefulSet {
        let parent = p.metadata.name.rsplit_once('-').and_then(|(a, b)| {
            (!b.is_empty() && b.chars().all(|c| c.is_ascii_digit())).then_some(a)
        });
        return parent == Some(w.metadata.name.as_str());
    }
    true
}

impl Listers {
    /// The pod's ownership: its controller reference resolved by a lookup, adopters by a scan
    /// of the namespace's controllers.
    pub(crate) fn ownership(&self, p: &Pod) -> Ownership {
        let ns = p.metadata.namespace.as_str();
        let mut o = Ownership {
            controller_ref: controller(&p.metadata.owner_references).cloned(),
            ..Ownership::default()
        };
        match controller(&p.metadata.owner_references) {
            Some(r) => {
                if let Some(w) = resolve(self, ns, r) {
                    if w.kind == WorkloadKind::ReplicaSet {
                        o.deployment = controller(&w.metadata.owner_references)
                            .and_then(|d| resolve(self, ns, d))
                            .filter(|d| d.kind == WorkloadKind::Deployment)
                            .map(key_of);
                    }
                    if sees(w, p) && !claim_matches(w, p) && w.metadata.deletion_timestamp.is_none()
                    {
                        o.releaser = Some(key_of(w));
                    }
                    o.controller = Some(key_of(w));
                }
            }
            None if p.metadata.deletion_timestamp.is_none() => {
                let mut adopters: Vec<ObjectKey> = self
                    .ns_workloads(ns)
                    .filter(|w| {
                        sees(w, p) && claim_matches(w, p) && w.metadata.deletion_timestamp.is_none()
                    })
                    .map(key_of)
                    .collect();
                adopters.sort();
                o.adopters = adopters;
            }
            None => {}
        }
        o
    }
}

fn group(api_version: &str) -> Result<&str, String> {
    match api_version.matches('/').count() {
        _ if api_version.is_empty() || api_version == "/" => Ok(""),
        0 => Ok(""),
        1 => Ok(api_version.split('/').next().unwrap()),
        _ => Err(format!("unexpected GroupVersion string: {api_version}")),
    }
}

/// The finders of the disruption controller, in its order.
fn scale_of<'a>(
    m: &'a Listers,
    ns: &str,
    r: &OwnerReference,
) -> Result<Option<(&'a str, i32)>, String> {
    let g = group(&r.api_version)?;
    let get = |k, name: &str, uid: &str| m.workload(k, ns, name).filter(|w| w.metadata.uid == uid);
    if r.kind == "ReplicationController" && g.is_empty() {
        if let Some(w) = get(WorkloadKind::ReplicationController, &r.name, &r.uid) {
            return Ok(Some((&w.metadata.uid, w.spec.replicas.unwrap_or(1))));
        }
    }
    let rs_group = g == "apps" || g == "extensions";
    if r.kind == "ReplicaSet" && rs_group {
        if let Some(rs) = get(WorkloadKind::ReplicaSet, &r.name, &r.uid) {
            if let Some(d) = controller(&rs.metadata.owner_references) {
                let dg = group(&d.api_version)?;
                if d.kind == "Deployment" && (dg == "apps" || dg == "extensions") {
                    if let Some(dep) = get(WorkloadKind::Deployment, &d.name, &d.uid) {
                        return Ok(Some((&dep.metadata.uid, dep.spec.replicas.unwrap_or(1))));
                    }
                }
            }
        }
        if let Some(rs) = get(WorkloadKind::ReplicaSet, &r.name, &r.uid) {
            let by_deployment =
                controller(&rs.metadata.owner_references).is_some_and(|d| d.kind == "Deployment");
            if !by_deployment {
                return Ok(Some((&rs.metadata.uid, rs.spec.replicas.unwrap_or(1))));
            }
        }
    }
    if r.kind == "StatefulSet" && g == "apps" {
        if let Some(w) = get(WorkloadKind::StatefulSet, &r.name, &r.uid) {
            return Ok(Some((&w.metadata.uid, w.spec.replicas.unwrap_or(1))));
        }
    }
    let scalable = match (g, r.kind.as_str()) {
        ("apps" | "extensions", "ReplicaSet") => Some(WorkloadKind::ReplicaSet),
        ("apps" | "extensions", "Deployment") => Some(WorkloadKind::Deployment),
        ("apps", "StatefulSet") => Some(WorkloadKind::StatefulSet),
        ("", "ReplicationController") => Some(WorkloadKind::ReplicationController),
        _ => None,
    };
    match (scalable, g, r.kind.as_str()) {
        (Some(k), _, _) => Ok(get(k, &r.name, &r.uid)
            .map(|w| (w.metadata.uid.as_str(), w.spec.replicas.unwrap_or(1)))),
        (None, "apps" | "extensions", "DaemonSet") => {
            Err("daemonsets.apps does not implement the scale subresource".into())
        }
        (None, "batch", "Job") => Err("jobs.batch does not implement the scale subresource".into()),
        (None, "batch", "CronJob") => {
            Err("cronjobs.batch does not implement the scale subresource".into())
        }
        (None, "", "Node") => Err("nodes does not implement the scale subresource".into()),
        (None, "", "Pod") => Err("pods does not implement the scale subresource".into()),
        _ => Err(format!(
            "the scale of {} {:?} ({}) is not known to this store: only built-in kinds are modelled",
            r.kind, r.name, r.api_version
        )),
    }
}

fn percent(v: IntOrPercent, total: i32) -> i32 {
    match v {
        IntOrPercent::Int(n) => n,
        IntOrPercent::Percent(p) => (p as f64 * total as f64 / 100.0).ceil() as i32,
    }
}

impl Listers {
    fn budget(&self, pdb: &PodDisruptionBudget, now: i64) -> DisruptionStatus {
        let m = self;
        let ns = pdb.metadata.namespace.as_str();
        let mut selected: Vec<&Pod> = self
            .ns_pods(ns)
            .filter(|p| pdb.selector().matches(&p.metadata.labels))
            .collect();
        selected.sort_by(|a, b| a.metadata.name.cmp(&b.metadata.name));
        let scale = || -> Result<(i32, Vec<String>), String> {
            let mut by_uid: HashMap<&str, i32> = HashMap::new();
            let mut unmanaged = Vec::new();
            for p in &selected {
                let Some(r) = controller(&p.metadata.owner_references) else {
                    unmanaged.push(p.metadata.name.clone());
                    continue;
                };
                // As Kubernetes: a controller uid already counted is not looked up again (uids are
                // unique in a real cluster; the generated ones here are not).
                if by_uid.contains_key(r.uid.as_str()) {
                    continue;
                }
                match scale_of(m, ns, r)? {
                    Some((uid, n)) => {
                        by_uid.insert(uid, n);
                    }
                    None => {
                        return Err(format!(
                            "found no controllers for pod \"{}\"",
                            p.metadata.name
                        ));
                    }
                }
            }
            Ok((
                by_uid.values().fold(0i32, |a, &b| a.wrapping_add(b)),
                unmanaged,
            ))
        };
        let counts = if let Some(max) = pdb.spec.max_unavailable {
            scale().map(|(e, u)| (e, e.wrapping_sub(percent(max, e)).max(0), u))
        } else {
            match pdb.spec.min_available {
                Some(IntOrPercent::Int(n)) => Ok((selected.len() as i32, n, Vec::new())),
                Some(min) => scale().map(|(e, u)| (e, percent(min, e), u)),
                None => Ok((0, 0, Vec::new())),
            }
        };
        match counts {
            Err(e) => DisruptionStatus {
                expected_pods: pdb.status.expected_pods,
                current_healthy: pdb.status.current_healthy,
                desired_healthy: pdb.status.desired_healthy,
                disruptions_allowed: 0,
                disrupted_pods: pdb.status.disrupted_pods.clone(),
                observed_generation: pdb.status.observed_generation,
                unmanaged_pods: Vec::new(),
                sync_error: Some(e),
            },
            Ok((expected, desired, unmanaged)) => {
                let mut kept = BTreeMap::new();
                for p in &selected {
                    if p.metadata.deletion_timestamp.is_some() {
                        continue;
                    }
                    if let Some(t) = pdb.status.disrupted_pods.get(&p.metadata.name) {
                        let at = parse_timestamp(t).unwrap();
                        if at + 120 >= now {
                            kept.insert(p.metadata.name.clone(), (t.clone(), at));
                        }
                    }
                }
                let healthy = selected
                    .iter()
                    .filter(|p| p.metadata.deletion_timestamp.is_none() && ready(p))
                    .filter(|p| {
                        !kept
                            .get(&p.metadata.name)
                            .is_some_and(|(_, at)| at + 120 > now)
                    })
                    .count() as i32;
                let allowed = healthy - desired;
                DisruptionStatus {
                    expected_pods: expected,
                    current_healthy: healthy,
                    desired_healthy: desired,
                    disruptions_allowed: if expected <= 0 || allowed <= 0 {
                        0
                    } else {
                        allowed
                    },
                    disrupted_pods: kept.into_iter().map(|(k, (t, _))| (k, t)).collect(),
                    observed_generation: pdb.metadata.generation,
                    unmanaged_pods: unmanaged,
                    sync_error: None,
                }
            }
        }
    }
}

impl Listers {
    fn eviction(&self, p: &Pod, now: i64) -> Eviction {
        if p.metadata.deletion_timestamp.is_some() {
            return Eviction::Bypass { why: "Terminating" };
        }
        match p.status.phase.as_str() {
            "Succeeded" => return Eviction::Bypass { why: "Succeeded" },
            "Failed" => return Eviction::Bypass { why: "Failed" },
            "Pending" => return Eviction::Bypass { why: "Pending" },
            _ => {}
        }
        let mut covering: Vec<&PodDisruptionBudget> = self
            .ns_pdbs(&p.metadata.namespace)
            .filter(|b| !b.selector().is_everything() && b.selector().matches(&p.metadata.labels))
            .collect();
        covering.sort_by(|a, b| a.metadata.name.cmp(&b.metadata.name));
        let key = |b: &PodDisruptionBudget| {
            ObjectKey::new(
                Kind::PodDisruptionBudget,
                &b.metadata.namespace,
                &b.metadata.name,
            )
        };
        let b = match covering.as_slice() {
            [] => return Eviction::NoBudget,
            [b] => *b,
            many => {
                return Eviction::MultipleBudgets {
                    budgets: many.iter().map(|b| key(b)).collect(),
                };
            }
        };
        let s = self.budget(b, now);
        if !ready(p) {
            if b.spec.unhealthy_pod_eviction_policy.as_deref() == Some("AlwaysAllow") {
                return Eviction::Unhealthy {
                    budget: key(b),
                    policy: "AlwaysAllow",
                };
            }
            if s.current_healthy >= s.desired_healthy && s.desired_healthy > 0 {
                return Eviction::Unhealthy {
                    budget: key(b),
                    policy: "IfHealthyBudget",
                };
            }
        }
        if s.observed_generation.unwrap_or(0) < b.metadata.generation.unwrap_or(0) {
            return Eviction::Unsynced { budget: key(b) };
        }
        if s.disrupted_pods.len() > 2000 {
            return Eviction::TooManyDisrupted {
                budget: key(b),
                entries: s.disrupted_pods.len(),
            };
        }
        if s.disruptions_allowed == 0 {
            return Eviction::Refused {
                budget: key(b),
                desired_healthy: s.desired_healthy,
                current_healthy: s.current_healthy,
            };
        }
        Eviction::Allowed {
            budget: key(b),
            disruptions_allowed: s.disruptions_allowed,
        }
    }
}

/// Every answer of the store, in the listers' terms (evictions only if asked: they cost a
/// budget each).
pub(crate) fn store_all(c: &label_selector::Cluster, now: i64, evictions: bool) -> All {
    let w = label_selector::workloads::Workloads::new(c, now);
    let mut endpoints = BTreeMap::new();
    for k in c.keys(Kind::Service) {
        for e in w.endpoints(&k).unwrap_or_default() {
            let pod = ObjectKey::pod(&*e.target_ref.namespace, &*e.target_ref.name);
            endpoints.insert((k.clone(), pod), e.into_owned());
        }
    }
    let pods: Vec<_> = c.pod_entries().map(|p| (p.key(), p.id())).collect();
    All {
        endpoints,
        ownership: pods
            .iter()
            .filter_map(|(k, id)| Some((k.clone(), w.ownership(*id)?)))
            .collect(),
        budgets: c
            .keys(Kind::PodDisruptionBudget)
            .filter_map(|k| {
                let s = w.disruption(&k)?;
                Some((k, s))
            })
            .collect(),
        evictions: if evictions {
            pods.iter()
                .map(|(k, _)| (k.clone(), w.eviction(k.namespace(), k.name())))
                .collect()
        } else {
            BTreeMap::new()
        },
    }
}

fn differences<K: Ord + std::fmt::Debug, V: PartialEq + std::fmt::Debug>(
    before: &BTreeMap<K, V>,
    after: &BTreeMap<K, V>,
) -> Vec<String> {
    let mut out: Vec<String> = before
        .keys()
        .chain(after.keys().filter(|k| !before.contains_key(*k)))
        .filter(|k| before.get(*k) != after.get(*k))
        .map(|k| format!("{k:?}: {:?} -> {:?}", before.get(k), after.get(k)))
        .collect();
    out.sort();
    out
}

/// The endpoint, ownership and budget differences between two sets of answers, as text.
pub(crate) fn changes(before: &All, after: &All) -> (Vec<String>, Vec<String>, Vec<String>) {
    (
        differences(&before.endpoints, &after.endpoints),
        differences(&before.ownership, &after.ownership),
        differences(&before.budgets, &after.budgets),
    )
}

/// What `workloads::apply` reported, in the form of [`changes`].
pub(crate) fn reported(
    r: &label_selector::workloads::Report,
) -> (Vec<String>, Vec<String>, Vec<String>) {
    let mut e: Vec<String> = r
        .endpoints
        .iter()
        .map(|c| {
            format!(
                "{:?}: {:?} -> {:?}",
                (&c.service, &c.pod),
                c.before.as_ref(),
                c.after.as_ref()
            )
        })
        .collect();
    let mut o: Vec<String> = r
        .ownership
        .iter()
        .map(|c| {
            format!(
                "{:?}: {:?} -> {:?}",
                c.pod,
                c.before.as_ref(),
                c.after.as_ref()
            )
        })
        .collect();
    let mut b: Vec<String> = r
        .budgets
        .iter()
        .map(|c| {
            format!(
                "{:?}: {:?} -> {:?}",
                c.budget,
                c.before.as_ref(),
                c.after.as_ref()
            )
        })
        .collect();
    e.sort();
    o.sort();
    b.sort();
    (e, o, b)
}
