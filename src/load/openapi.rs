//! Conversions from k8s-openapi 0.29 types (feature `k8s-openapi`). The library enables no
//! Kubernetes version of k8s-openapi: the application picks one (`v1_34`, `latest`, ...).

use k8s_openapi::api::core::v1 as core;
use k8s_openapi::apimachinery::pkg::apis::meta::v1 as meta;

use super::error::{LoadError, LoadErrorKind};
use crate::error::Error;
use crate::k8s::{LabelSelector, LabelSelectorRequirement, Node, NodeSelector, Pod};
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

/// Field for field; compile it with [`NodeSelectorMatcher`](super::NodeSelectorMatcher).
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

/// Converts through the wire form, so that every modelled field keeps its exact meaning.
fn via_wire<T: serde::Serialize, U: serde::de::DeserializeOwned>(
    what: &str,
    object: &T,
) -> Result<U, LoadError> {
    let value = serde_json::to_value(object)
        .map_err(|e| LoadError::new(LoadErrorKind::Invalid, "k8s-openapi", e.to_string()))?;
    serde_json::from_value(value).map_err(|e| {
        LoadError::new(
            LoadErrorKind::Invalid,
            "k8s-openapi",
            format!("{what}: {e}"),
        )
    })
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
