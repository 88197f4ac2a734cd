//! Service endpoints with the EndpointSlice controller's semantics
//! (`pkg/controller/endpointslice`, `staging/src/k8s.io/endpointslice`).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::ops::Deref;

use serde::Serialize;
use serde_json::{Value, json};
use smallvec::SmallVec;

use super::Workloads;
use crate::cluster::{PodEntry, PodId};
use crate::index::View;
use crate::k8s::{IntOrString, Kind, ObjectKey, Service, ServicePort};

/// The controller's default `--max-endpoints-per-slice`.
pub const MAX_ENDPOINTS_PER_SLICE: usize = 100;

/// The node label an endpoint's `zone` comes from.
const ZONE_LABEL: &str = "topology.kubernetes.io/zone";

/// `endpoints[].conditions` of an EndpointSlice.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct EndpointConditions {
    /// `serving && !terminating`, or always with `publishNotReadyAddresses`.
    pub ready: bool,
    /// The pod's `Ready` condition, terminating or not.
    pub serving: bool,
    /// `metadata.deletionTimestamp` is set.
    pub terminating: bool,
}

/// `endpoints[].targetRef`: the pod behind an endpoint.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct TargetRef<'a> {
    /// Always `Pod`.
    pub kind: &'static str,
    /// The pod's namespace.
    pub namespace: Cow<'a, str>,
    /// The pod's name.
    pub name: Cow<'a, str>,
    /// The pod's uid.
    #[serde(skip_serializing_if = "str::is_empty")]
    pub uid: Cow<'a, str>,
}

/// One `ports` entry of an EndpointSlice: a Service port resolved against one pod.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EndpointPort<'a> {
    /// The Service port's name (`""` when it has none).
    pub name: Cow<'a, str>,
    /// The pod's port: the numeric `targetPort`, or the container port of that name.
    pub port: i32,
    /// `TCP`, `UDP` or `SCTP`.
    pub protocol: Cow<'a, str>,
    /// The Service port's `appProtocol`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_protocol: Option<Cow<'a, str>>,
}

impl EndpointPort<'_> {
    /// The same port, owning its text.
    pub fn into_owned(self) -> EndpointPort<'static> {
        EndpointPort {
            name: Cow::Owned(self.name.into_owned()),
            port: self.port,
            protocol: Cow::Owned(self.protocol.into_owned()),
            app_protocol: self.app_protocol.map(|a| Cow::Owned(a.into_owned())),
        }
    }
}

/// One endpoint of a Service: a pod, as the EndpointSlice controller writes it.
///
/// Answers borrow their text from the store (`Endpoint<'c>`, no allocation per endpoint);
/// [`into_owned`](Endpoint::into_owned) keeps one past the borrow, as
/// [`EndpointChange`](super::EndpointChange) does.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Endpoint<'a> {
    /// The pod's IP of the slice's address family.
    pub addresses: SmallVec<[Cow<'a, str>; 1]>,
    /// Ready, serving, terminating.
    pub conditions: EndpointConditions,
    /// `spec.hostname`, when `spec.subdomain` names the Service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hostname: Option<Cow<'a, str>>,
    /// `spec.nodeName`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node_name: Option<Cow<'a, str>>,
    /// The pod.
    pub target_ref: TargetRef<'a>,
    /// The node's `topology.kubernetes.io/zone` label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zone: Option<Cow<'a, str>>,
    /// The Service's ports as resolved for this pod (endpoints with the same ports share
    /// slices).
    #[serde(skip)]
    pub ports: SmallVec<[EndpointPort<'a>; 2]>,
    /// `IPv4` or `IPv6`.
    #[serde(skip)]
    pub address_type: &'static str,
}

fn owned(c: Cow<'_, str>) -> Cow<'static, str> {
    Cow::Owned(c.into_owned())
}

impl Endpoint<'_> {
    /// The same endpoint, owning its text.
    pub fn into_owned(self) -> Endpoint<'static> {
        Endpoint {
            addresses: self.addresses.into_iter().map(owned).collect(),
            conditions: self.conditions,
            hostname: self.hostname.map(owned),
            node_name: self.node_name.map(owned),
            target_ref: TargetRef {
                kind: self.target_ref.kind,
                namespace: owned(self.target_ref.namespace),
                name: owned(self.target_ref.name),
                uid: owned(self.target_ref.uid),
            },
            zone: self.zone.map(owned),
            ports: self
                .ports
                .into_iter()
                .map(EndpointPort::into_owned)
                .collect(),
            address_type: self.address_type,
        }
    }
}

/// One EndpointSlice: the endpoints of one address type and one port mapping, at most
/// [`MAX_ENDPOINTS_PER_SLICE`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndpointSlice<'a> {
    /// `metadata.name`: the Service's name, `-`, and a suffix derived from the slice's
    /// contents (Kubernetes' suffix is random; this one is stable).
    pub name: String,
    /// The Service.
    pub service: ObjectKey,
    /// The Service's uid (the slice's owner reference).
    pub service_uid: String,
    /// `IPv4` or `IPv6`.
    pub address_type: &'static str,
    /// The endpoints, by pod name.
    pub endpoints: Vec<Endpoint<'a>>,
    /// The ports.
    pub ports: Vec<EndpointPort<'a>>,
}

impl EndpointSlice<'_> {
    /// The slice as `kubectl get endpointslice -o json` prints it (`discovery.k8s.io/v1`).
    pub fn to_json(&self) -> Value {
        let mut owner = json!({
            "apiVersion": "v1",
            "blockOwnerDeletion": true,
            "controller": true,
            "kind": "Service",
            "name": self.service.name(),
        });
        if !self.service_uid.is_empty() {
            owner["uid"] = json!(self.service_uid);
        }
        json!({
            "addressType": self.address_type,
            "apiVersion": "discovery.k8s.io/v1",
            "endpoints": if self.endpoints.is_empty() { Value::Null } else { json!(self.endpoints) },
            "kind": "EndpointSlice",
            "metadata": {
                "generateName": format!("{}-", generate_prefix(self.service.name())),
                "labels": {
                    "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io",
                    "kubernetes.io/service-name": self.service.name(),
                },
                "name": self.name,
                "namespace": self.service.namespace(),
                "ownerReferences": [owner],
            },
            "ports": if self.ports.is_empty() { Value::Null } else { json!(self.ports) },
        })
    }
}

/// `generateName`'s prefix: names are at most 63 characters with a 5-character suffix.
fn generate_prefix(service: &str) -> &str {
    let max = 63 - 5 - 1;
    match service.char_indices().nth(max) {
        Some((i, _)) => &service[..i],
        None => service,
    }
}

/// Whether the pod may be an endpoint at all (`ShouldPodBeInEndpoints` with
/// `includeTerminating`, as the EndpointSlice controller calls it): not Succeeded or Failed,
/// and with an IP (`podIP` or `podIPs`).
pub(super) fn should_be_in_endpoints(pod: &PodEntry<'_>) -> bool {
    let phase = pod.status().phase.as_str();
    phase != "Succeeded" && phase != "Failed" && pod.ips().next().is_some()
}

/// The address types of the Service's slices: `spec.ipFamilies`, else the family of
/// `clusterIP`, else `IPv4` (what the API server defaults a single-stack Service to).
fn address_types(svc: &Service) -> SmallVec<[&'static str; 2]> {
    let mut types = SmallVec::new();
    for f in &svc.spec.ip_families {
        let t = match f.as_str() {
            "IPv4" => "IPv4",
            "IPv6" => "IPv6",
            _ => continue,
        };
        if !types.contains(&t) {
            types.push(t);
        }
    }
    if types.is_empty() {
        types.push(match svc.spec.cluster_ip.as_deref() {
            Some(ip) if ip != "None" && ip.contains(':') => "IPv6",
            _ => "IPv4",
        });
    }
    types
}

fn family(ip: &str) -> &'static str {
    if ip.contains(':') { "IPv6" } else { "IPv4" }
}

/// `podutil.FindPort`: a numeric target is the port; a named one is the first container
/// port with that name and the Service port's protocol.
fn find_port(pod: &PodEntry<'_>, sp: &ServicePort) -> Option<i32> {
    match &sp.target_port {
        None => Some(sp.port),
        Some(IntOrString::Int(0)) => Some(sp.port),
        Some(IntOrString::Int(n)) => Some(*n),
        Some(IntOrString::String(name)) => pod
            .spec()
            .containers
            .iter()
            .flat_map(|c| &c.ports)
            .find(|p| &p.name == name && p.protocol.as_deref().unwrap_or("TCP") == sp.protocol())
            .map(|p| p.container_port),
    }
}

/// `getEndpointPorts`: the Service's ports that resolve for this pod.
fn endpoint_ports<'a>(svc: &'a Service, pod: &PodEntry<'_>) -> SmallVec<[EndpointPort<'a>; 2]> {
    svc.spec
        .ports
        .iter()
        .filter_map(|sp| {
            Some(EndpointPort {
                name: Cow::Borrowed(sp.name.as_str()),
                port: find_port(pod, sp)?,
                protocol: Cow::Borrowed(sp.protocol()),
                app_protocol: sp.app_protocol.as_deref().map(Cow::Borrowed),
            })
        })
        .collect()
}

impl<'c, I: Deref<Target = View>> Workloads<'c, I> {
    /// The endpoint `svc` makes of `pod`, if the pod is one: its labels must match the
    /// selector (the caller checks), it must be in endpoints (not Succeeded or Failed, with an
    /// IP), its node must be stored unless `publishNotReadyAddresses`, and its IP must be of
    /// one of the Service's address types.
    pub(super) fn endpoint_of(&self, svc: &'c Service, pod: &PodEntry<'c>) -> Option<Endpoint<'c>> {
        self.endpoint_with(svc, &address_types(svc), pod)
    }

    fn endpoint_with(
        &self,
        svc: &'c Service,
        types: &[&'static str],
        pod: &PodEntry<'c>,
    ) -> Option<Endpoint<'c>> {
        if !should_be_in_endpoints(pod) {
            return None;
        }
        let node = pod.node_name().and_then(|n| self.cluster.node_named(n));
        if node.is_none() && !svc.spec.publish_not_ready_addresses {
            // The controller skips (and retries) a pod whose node it does not know.
            return None;
        }
        // The first of the pod's addresses in one of the Service's families (a dual-stack
        // pod of a single-stack IPv6 Service is reached by its second address).
        let (ip, address_type) = pod
            .ips()
            .map(|ip| (ip, family(ip)))
            .find(|(_, t)| types.contains(t))?;
        let serving = pod.is_ready();
        let terminating = pod.is_terminating();
        let spec = pod.spec();
        let hostname = spec
            .hostname
            .as_deref()
            .filter(|h| {
                !h.is_empty()
                    && spec.subdomain.as_deref() == Some(svc.metadata.name.as_str())
                    && svc.metadata.namespace == pod.namespace()
            })
            .map(Cow::Borrowed);
        let mut addresses = SmallVec::new();
        addresses.push(Cow::Borrowed(ip));
        Some(Endpoint {
            addresses,
            conditions: EndpointConditions {
                ready: svc.spec.publish_not_ready_addresses || (serving && !terminating),
                serving,
                terminating,
            },
            hostname,
            node_name: pod.node_name().map(Cow::Borrowed),
            target_ref: TargetRef {
                kind: "Pod",
                namespace: Cow::Borrowed(pod.namespace()),
                name: Cow::Borrowed(pod.name()),
                uid: Cow::Borrowed(pod.uid()),
            },
            zone: node
                .and_then(|n| n.label(ZONE_LABEL))
                .filter(|z| !z.is_empty())
                .map(Cow::Borrowed),
            ports: endpoint_ports(svc, pod),
            address_type,
        })
    }

    /// The endpoint the Service `service` has for `pod`, if any (the selector is checked).
    pub fn endpoint(&self, service: &ObjectKey, pod: PodId) -> Option<Endpoint<'c>> {
        let svc = self.cluster.service(service.namespace(), service.name())?;
        let entry = self.cluster.pod(pod)?;
        if entry.namespace() != service.namespace() {
            return None;
        }
        let view = self.cluster.pods();
        if !svc.selector().matches(&view.get(pod.object_id())?) {
            return None;
        }
        self.endpoint_of(svc, &entry)
    }

    /// The endpoints of the Service `key`, by pod name: the pods its selector picks in its
    /// namespace (none for a Service without a selector or with an empty one) that are in
    /// endpoints. `None` if the Service is not stored.
    ///
    /// Cost: one bitmap query, then a record read per selected pod.
    pub fn endpoints(&self, key: &ObjectKey) -> Option<Vec<Endpoint<'c>>> {
        if key.kind() != Kind::Service {
            return None;
        }
        let svc = self.cluster.service(key.namespace(), key.name())?;
        let view = self.cluster.pods();
        let set = view.select_in(key.namespace(), &svc.selector());
        let types = address_types(svc);
        // Sort the small entries, not the endpoints built from them.
        let mut pods: Vec<PodEntry<'c>> = set
            .iter()
            .filter_map(|id| self.cluster.pod_by_object_id(id))
            .collect();
        pods.sort_unstable_by_key(|p| p.name());
        Some(
            pods.iter()
                .filter_map(|p| self.endpoint_with(svc, &types, p))
                .collect(),
        )
    }

    /// The EndpointSlices the controller keeps for the Service `key`: endpoints grouped by
    /// address type and resolved ports, [`MAX_ENDPOINTS_PER_SLICE`] per slice, and one empty
    /// placeholder per address type when there are none. Empty for a Service without a
    /// selector (the controller manages no slices for it); `None` if it is not stored.
    pub fn endpoint_slices(&self, key: &ObjectKey) -> Option<Vec<EndpointSlice<'c>>> {
        let endpoints = self.endpoints(key)?;
        let svc = self.cluster.service(key.namespace(), key.name())?;
        if svc.selector().is_nothing() {
            return Some(Vec::new());
        }
        let mut groups: BTreeMap<(&'static str, Vec<EndpointPort<'c>>), Vec<Endpoint<'c>>> =
            BTreeMap::new();
        for e in endpoints {
            groups
                .entry((e.address_type, e.ports.to_vec()))
                .or_default()
                .push(e);
        }
        let mut slices = Vec::new();
        for ((address_type, ports), eps) in groups {
            for (i, chunk) in eps.chunks(MAX_ENDPOINTS_PER_SLICE).enumerate() {
                slices.push(slice(
                    key,
                    svc,
                    address_type,
                    ports.clone(),
                    chunk.to_vec(),
                    i,
                ));
            }
        }
        if slices.is_empty() {
            for t in address_types(svc) {
                slices.push(slice(key, svc, t, Vec::new(), Vec::new(), 0));
            }
        }
        Some(slices)
    }

    /// The Services in the pod's namespace whose selector picks it, each with the endpoint it
    /// makes of the pod (`None` when the pod is selected but not an endpoint: no IP,
    /// terminal, node unknown).
    pub fn services_of(&self, pod: PodId) -> Vec<(ObjectKey, Option<Endpoint<'c>>)> {
        let Some(entry) = self.cluster.pod(pod) else {
            return Vec::new();
        };
        self.cluster
            .services_for_pod(pod)
            .into_iter()
            .filter_map(|k| {
                let svc = self.cluster.service(k.namespace(), k.name())?;
                Some((k.clone(), self.endpoint_of(svc, &entry)))
            })
            .collect()
    }
}

fn slice<'c>(
    key: &ObjectKey,
    svc: &Service,
    address_type: &'static str,
    ports: Vec<EndpointPort<'c>>,
    endpoints: Vec<Endpoint<'c>>,
    index: usize,
) -> EndpointSlice<'c> {
    EndpointSlice {
        name: format!(
            "{}-{}",
            generate_prefix(key.name()),
            suffix(address_type, &ports, index)
        ),
        service: key.clone(),
        service_uid: svc.metadata.uid.clone(),
        address_type,
        endpoints,
        ports,
    }
}

/// Five characters from Kubernetes' generateName alphabet (no vowels, no look-alikes),
/// derived from the slice's address type, ports and position.
fn suffix(address_type: &str, ports: &[EndpointPort], index: usize) -> String {
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        h ^= 0xff;
        h = h.wrapping_mul(0x0100_0000_01b3);
    };
    eat(address_type.as_bytes());
    for p in ports {
        eat(p.name.as_bytes());
        eat(&p.port.to_le_bytes());
        eat(p.protocol.as_bytes());
    }
    eat(&index.to_le_bytes());
    (0..5)
        .map(|i| ALPHABET[((h >> (i * 12)) % ALPHABET.len() as u64) as usize] as char)
        .collect()
}
