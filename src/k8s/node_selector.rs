//! `v1.NodeSelector`: OR of terms, each an AND of label expressions and `metadata.name` fields.

use serde::{Deserialize, Serialize};

use super::label_selector::{structured_expressions, structured_operator};
use crate::error::{Error, ErrorKind};
use crate::selector::{Labels, Operator, Selector};
use crate::syntax::Limits;

/// A node selector (`requiredDuringSchedulingIgnoredDuringExecution` of node affinity): the
/// terms are ORed.
///
/// # Examples
///
/// ```
/// use label_selector::{LabelSet, NodeSelector, NodeSelectorMatcher};
///
/// let json = r#"{"nodeSelectorTerms": [
///     {"matchExpressions": [{"key": "zone", "operator": "In", "values": ["a", "b"]},
///                           {"key": "cores", "operator": "Gt", "values": ["8"]}]},
///     {"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["node-7"]}]}
/// ]}"#;
/// let ns: NodeSelector = serde_json::from_str(json).unwrap();
/// let m = NodeSelectorMatcher::new(&ns)?;
/// let labels = LabelSet::from_pairs([("zone", "a"), ("cores", "16")])?;
/// assert_eq!(m.matches("node-1", &labels), Ok(true));
/// assert_eq!(m.matches("node-7", &LabelSet::new()), Ok(true));
/// assert_eq!(m.matches("node-2", &LabelSet::new()), Ok(false));
/// # Ok::<(), label_selector::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeSelector {
    /// The terms, ORed. An empty list matches no node.
    #[serde(default)]
    pub node_selector_terms: Vec<NodeSelectorTerm>,
}

/// One term of a [`NodeSelector`]: expressions and fields, ANDed. A term with neither matches no
/// node.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeSelectorTerm {
    /// Requirements on node labels (`In`, `NotIn`, `Exists`, `DoesNotExist`, `Gt`, `Lt`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub match_expressions: Option<Vec<NodeSelectorRequirement>>,
    /// Requirements on node fields: only `metadata.name`, `In` / `NotIn`, one value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub match_fields: Option<Vec<NodeSelectorRequirement>>,
}

/// One requirement of a [`NodeSelectorTerm`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeSelectorRequirement {
    /// The label key (or field key, in `matchFields`).
    pub key: String,
    /// The operator name, case-sensitive.
    pub operator: String,
    /// The values; `Gt` / `Lt` take one integer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<String>>,
}

/// A `matchFields` requirement: the node's field `key` (only `metadata.name` exists; any other
/// key reads as `""`, as in Kubernetes) equals (`In`) or differs from (`NotIn`) `value`. Field
/// keys and values are not label-validated: node names may be 253 bytes long.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FieldRequirement {
    key: String,
    operator: Operator,
    value: String,
}

impl FieldRequirement {
    /// The field key.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// `In` or `NotIn`.
    pub fn operator(&self) -> Operator {
        self.operator
    }

    /// The one value.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// Evaluates the requirement on a node with this (non-empty) name.
    pub fn matches(&self, node_name: &str) -> bool {
        let field = if self.key == "metadata.name" {
            node_name
        } else {
            ""
        };
        (field == self.value) == (self.operator == Operator::In)
    }
}

/// A compiled [`NodeSelectorTerm`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct NodeTerm {
    labels: Option<Selector>,
    fields: Option<Vec<FieldRequirement>>,
}

impl NodeTerm {
    /// The label requirements, if the term had `matchExpressions`.
    pub fn labels(&self) -> Option<&Selector> {
        self.labels.as_ref()
    }

    /// The field requirements, if the term had `matchFields`.
    pub fn fields(&self) -> Option<&[FieldRequirement]> {
        self.fields.as_deref()
    }

    /// Whether a node matches: a term with neither part matches nothing; the fields are ignored
    /// for a node without a name (`node_name` empty), as Kubernetes does.
    pub fn matches(&self, node_name: &str, labels: &(impl Labels + ?Sized)) -> bool {
        if self.labels.is_none() && self.fields.is_none() {
            return false;
        }
        if let Some(sel) = &self.labels
            && !sel.matches(labels)
        {
            return false;
        }
        match &self.fields {
            Some(fields) if !node_name.is_empty() => fields.iter().all(|f| f.matches(node_name)),
            _ => true,
        }
    }

    fn compile(term: &NodeSelectorTerm, limits: &Limits) -> Result<NodeTerm, Error> {
        const LABEL_OPS: &[&str] = &["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"];
        const FIELD_OPS: &[&str] = &["In", "NotIn"];
        let exprs = term.match_expressions.as_deref().unwrap_or_default();
        let fields = term.match_fields.as_deref().unwrap_or_default();
        if exprs.len() > limits.max_requirements || fields.len() > limits.max_requirements {
            return Err(Error::new(
                ErrorKind::TooManyRequirements {
                    limit: limits.max_requirements,
                },
                0..0,
                "",
            ));
        }
        let labels = if exprs.is_empty() {
            None
        } else {
            let mut reqs = Vec::with_capacity(exprs.len());
            structured_expressions(
                exprs
                    .iter()
                    .map(|e| (e.key.as_str(), e.operator.as_str(), e.values.as_deref())),
                LABEL_OPS,
                limits,
                &mut reqs,
            )?;
            Some(Selector::from_requirements(reqs))
        };
        let fields = if fields.is_empty() {
            None
        } else {
            let mut out = Vec::with_capacity(fields.len());
            for (j, e) in fields.iter().enumerate() {
                let at = format!("matchFields[{j}]");
                // As Kubernetes: the operator is checked first, then In / NotIn's one value.
                let operator = structured_operator(&e.operator, FIELD_OPS)
                    .map_err(|err| err.at_path(at.clone()))?;
                let values = e.values.as_deref().unwrap_or_default();
                if values.len() != 1 {
                    return Err(Error::new(
                        ErrorKind::FieldValueCount {
                            found: values.len(),
                        },
                        0..0,
                        "",
                    )
                    .at_path(format!("{at}.values")));
                }
                out.push(FieldRequirement {
                    key: e.key.clone(),
                    operator,
                    value: values[0].clone(),
                });
            }
            Some(out)
        };
        Ok(NodeTerm { labels, fields })
    }
}

/// A compiled [`NodeSelector`]: matches a node when any term does.
///
/// [`new`](NodeSelectorMatcher::new) is strict (Kubernetes' `NewNodeSelector`: any invalid term
/// is an error). [`new_lazy`](NodeSelectorMatcher::new_lazy) is what the scheduler and the
/// DaemonSet controller use (`LazyErrorNodeSelector`): an invalid term never matches, and its
/// error is returned only when no valid term matches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeSelectorMatcher {
    terms: Vec<Result<NodeTerm, Error>>,
}

impl NodeSelectorMatcher {
    /// Compiles every term, failing on the first invalid one.
    ///
    /// # Errors
    ///
    /// The first fault, with a path such as `nodeSelectorTerms[0].matchExpressions[1].values[0]`
    /// (`Gt` with `"1.5"`), `nodeSelectorTerms[2].matchFields[0].values` (two names) or
    /// `nodeSelectorTerms[0].matchExpressions[0].operator` (`"Equals"`).
    pub fn new(selector: &NodeSelector) -> Result<NodeSelectorMatcher, Error> {
        let m = NodeSelectorMatcher::new_lazy(selector);
        if let Some(Err(e)) = m.terms.iter().find(|t| t.is_err()) {
            return Err(e.clone());
        }
        Ok(m)
    }

    /// Compiles every term, keeping faults for match time.
    pub fn new_lazy(selector: &NodeSelector) -> NodeSelectorMatcher {
        NodeSelectorMatcher::new_lazy_with(selector, &Limits::default())
    }

    /// [`new_lazy`](NodeSelectorMatcher::new_lazy) with explicit [`Limits`] (per term).
    pub fn new_lazy_with(selector: &NodeSelector, limits: &Limits) -> NodeSelectorMatcher {
        let terms = selector
            .node_selector_terms
            .iter()
            .enumerate()
            .map(|(i, t)| {
                NodeTerm::compile(t, limits)
                    .map_err(|e| e.at_path(format!("nodeSelectorTerms[{i}]")))
            })
            .collect();
        NodeSelectorMatcher { terms }
    }

    /// The compiled terms, with the fault of each invalid one.
    pub fn terms(&self) -> &[Result<NodeTerm, Error>] {
        &self.terms
    }

    /// Whether a node with this name (empty if unknown) and these labels matches some term.
    ///
    /// # Errors
    ///
    /// The first invalid term's error, only when no valid term matched.
    pub fn matches(&self, node_name: &str, labels: &(impl Labels + ?Sized)) -> Result<bool, Error> {
        let mut first_err = None;
        for t in &self.terms {
            match t {
                Ok(term) if term.matches(node_name, labels) => return Ok(true),
                Ok(_) => {}
                Err(e) => {
                    first_err.get_or_insert(e);
                }
            }
        }
        match first_err {
            Some(e) => Err(e.clone()),
            None => Ok(false),
        }
    }
}
