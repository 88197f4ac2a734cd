//! Conversions from k8s-openapi 0.29 types (feature `k8s-openapi`). The library enables no
//! Kubernetes version of k8s-openapi: the application picks one (`v1_34`, `latest`, ...).

use k8s_openapi::api::apps::v1 as apps;
use k8s_openapi::api::core::v1 as core;
use k8s_openapi::api::policy::v1 as policy;
use k8s_openapi::apimachinery::pkg::apis::meta::v1 as meta;

use super::error::{LoadError, LoadErrorKind};
use super::read::typed_cause;
use crate::error::Error;
use crate::k8s::{
    LabelSelector, LabelSelectorRequirement, Namespace, Node, NodeSelector, Object, Pod,
    PodDisruptionBudget, Service, Workload,
};
use crate::selector::{LabelSet, Selector};

/// Field for field; no check (see [`Selector::from_label_selector`] for that).
impl From<&meta::LabelSelector> for LabelSelector {
    fn from(s: &meta::LabelSelector) -> LabelSelector {
        LabelSelector {
            match_labels: s.match_labels.clone(),
            match_expressions: s.match_expressions.as_ref().map(|v| {
                v.iter()
                    .map(|r| LabelSelectorRequirement {
                        key: r.key.clone(),
                        operator: r.operator.clone(),
                        values: r.values.clone(),
                    })
                    .collect()
            }),
        }
    }
}

/// Compiles a k8s-openapi `LabelSelector` with Kubernetes' rules.
///
/// ```
/// use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
/// use label_selector::Selector;
///
/// let ls = LabelSelector {
///     match_labels: Some([("app".to_string(), "web".to_string())].into()),
///     match_expressions: None,
/// };
/// assert_eq!(Selector::try_from(&ls)?.to_string(), "app=web");
/// # Ok::<(), label_selector::Error>(())
/// ```
impl TryFrom<&meta::LabelSelector> for Selector {
    type Error = Error;

    fn try_from(s: &meta::LabelSelector) -> Result<Selector, Error> {
        Selector::from_label_selector(Some(&LabelSelector::from(s)))
    }
}

/// Field for field; compile it with [`NodeSelectorMatcher`](crate::NodeSelectorMatcher).
impl From<&core::NodeSelector> for NodeSelector {
    fn from(s: &core::NodeSelector) -> NodeSelector {
        let reqs = |v: &Option<Vec<core::NodeSelectorRequirement>>| {
            v.as_ref().map(|v| {
                v.iter()
                    .map(|r| crate::k8s::NodeSelectorRequirement {
                        key: r.key.clone(),
                        operator: r.operator.clone(),
                        values: r.values.clone(),
                    })
                    .collect()
            })
        };
        NodeSelector {
            node_selector_terms: s
                .node_selector_terms
                .iter()
                .map(|t| crate::k8s::NodeSelectorTerm {
                    match_expressions: reqs(&t.match_expressions),
                    match_fields: reqs(&t.match_fields),
                })
                .collect(),
        }
    }
}

/// The validated labels of an `ObjectMeta`.
///
/// ```
/// use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
/// use label_selector::LabelSet;
///
/// let meta = ObjectMeta {
///     labels: Some([("app".to_string(), "web".to_string())].into()),
///     ..ObjectMeta::default()
/// };
/// assert_eq!(LabelSet::try_from(&meta)?.to_string(), "app=web");
/// # Ok::<(), label_selector::Error>(())
/// ```
impl TryFrom<&meta::ObjectMeta> for LabelSet {
    type Error = Error;

    fn try_from(m: &meta::ObjectMeta) -> Result<LabelSet, Error> {
        LabelSet::from_pairs(m.labels.iter().flatten())
    }
}

/// Converts through the wire form, so that every modelled field keeps its exact meaning; an
/// invalid label or selector comes back with its typed cause.
fn via_wire<T: serde::Serialize, U: serde::de::DeserializeOwned>(
    what: &str,
    object: &T,
) -> Result<U, LoadError> {
    let value = serde_json::to_value(object)
        .map_err(|e| LoadError::new(LoadErrorKind::Invalid, "k8s-openapi", e.to_string()))?;
    Error::take_serde_cause();
    serde_json::from_value(value).map_err(|e| {
        let message = format!("{what}: {e}");
        let cause = typed_cause(&message);
        LoadError::new(LoadErrorKind::Invalid, "k8s-openapi", message).with_cause(cause)
    })
}

/// Any k8s-openapi resource as an [`Object`], read from its wire form exactly as kubectl's
/// JSON is read: Pods, Nodes, Namespaces, Services, ReplicaSets, Deployments, StatefulSets,
/// DaemonSets, ReplicationControllers and PodDisruptionBudgets become their models (with each kind's rule for `{}`
/// selectors), any other kind an [`Object::Other`].
///
/// # Errors
///
/// A [`LoadError`] (source `k8s-openapi`) for what the reader refuses: an invalid label, name
/// or selector, a missing name; [`cause`](LoadError::cause) has the typed error.
///
/// ```
/// use k8s_openapi::api::apps::v1::{Deployment, DeploymentSpec};
/// use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
/// use label_selector::k8s::Object;
/// use label_selector::load::object_from_resource;
///
/// let d = Deployment {
///     metadata: ObjectMeta { name: Some("web".into()), namespace: Some("shop".into()), ..Default::default() },
///     spec: DeploymentSpec {
///         selector: LabelSelector {
///             match_labels: Some([("app".to_string(), "web".to_string())].into()),
///             match_expressions: None,
///         },
///         ..Default::default()
///     },
///     ..Default::default()
/// };
/// let Object::Workload(w) = object_from_resource(&d)? else { panic!() };
/// assert_eq!(w.selector().to_string(), "app=web");
/// # Ok::<(), label_selector::load::LoadError>(())
/// ```
pub fn object_from_resource<K>(resource: &K) -> Result<Object, LoadError>
where
    K: k8s_openapi::Resource + serde::Serialize,
{
    via_wire(K::KIND, resource)
}

macro_rules! via_object {
    ($($from:ty => $to:ident, $variant:ident;)*) => {$(
        #[doc = concat!("A k8s-openapi `", stringify!($from), "`, checked as when reading JSON.")]
        impl TryFrom<&$from> for $to {
            type Error = LoadError;

            fn try_from(r: &$from) -> Result<$to, LoadError> {
                match object_from_resource(r)? {
                    Object::$variant(o) => Ok(*o),
                    other => Err(LoadError::new(
                        LoadErrorKind::Invalid,
                        "k8s-openapi",
                        format!("expected a {}, read {}", stringify!($to), other.kind()),
                    )),
                }
            }
        }
    )*};
}

via_object! {
    core::Namespace => Namespace, Namespace;
    core::Service => Service, Service;
    apps::ReplicaSet => Workload, Workload;
    apps::Deployment => Workload, Workload;
    apps::StatefulSet => Workload, Workload;
    apps::DaemonSet => Workload, Workload;
    core::ReplicationController => Workload, Workload;
    policy::PodDisruptionBudget => PodDisruptionBudget, PodDisruptionBudget;
}

/// A k8s-openapi `Pod`, with labels, name and namespace checked as when reading JSON.
///
/// ```
/// use k8s_openapi::api::core::v1::Pod as K8sPod;
/// use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
/// use label_selector::k8s::Pod;
///
/// let pod = K8sPod {
///     metadata: ObjectMeta {
///         name: Some("web-1".into()),
///         namespace: Some("shop".into()),
///         labels: Some([("app".to_string(), "web".to_string())].into()),
///         ..ObjectMeta::default()
///     },
///     ..K8sPod::default()
/// };
/// let ours = Pod::try_from(&pod).unwrap();
/// assert_eq!(ours.key(), "shop/web-1");
/// ```
impl TryFrom<&core::Pod> for Pod {
    type Error = LoadError;

    fn try_from(p: &core::Pod) -> Result<Pod, LoadError> {
        via_wire("Pod", p)
    }
}

/// A k8s-openapi `Node`, checked as when reading JSON.
impl TryFrom<&core::Node> for Node {
    type Error = LoadError;

    fn try_from(n: &core::Node) -> Result<Node, LoadError> {
        via_wire("Node", n)
    }
}
