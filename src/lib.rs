//! Kubernetes label selectors, exact and fast.
//!
//! `label-selector` parses selector strings (`kubectl -l 'app=web,env in (prod),!gpu'`) and
//! structured selectors (`matchLabels` / `matchExpressions`, node selector terms) into one
//! validated model, prints it back in Kubernetes' canonical form, and matches it against label
//! sets with Kubernetes' exact semantics. An [`Inventory`] indexes many labeled objects with
//! posting bitmaps so that selecting from a million pods takes microseconds, not a scan; a
//! [`SelectorIndex`] indexes many selectors so that finding the Services, ReplicaSets and
//! PodDisruptionBudgets that select a pod takes microseconds, not a scan of every selector.
//! A [`Cluster`] keeps every modelled object current from watch events, and
//! [`workloads`] answers from it what Kubernetes' controllers compute: endpoints, ownership,
//! disruption budget status and eviction verdicts, and what each event changed in them;
//! [`scheduling`] answers where kube-scheduler would put a pod and why every other node
//! refuses it, from the same store.
//!
//! # Pipeline
//!
//! ```text
//! "env in (prod),!gpu" --syntax::parse--> Ast (spans) --validate--> Selector --matches--> bool
//! LabelSelector / NodeSelector (serde) -----------------convert---^    |
//!                                                                      | compile
//! Inventory (writer) --snapshot--> Snapshot / View --------------------+--> Plan --> select / count
//! SelectorIndex <--insert(key, Scope, Selector)   object (namespace, labels) --matching--> keys
//! ```
//!
//! # Index
//!
//! ```
//! use label_selector::{Inventory, LabelSet, Selector};
//!
//! let mut pods = Inventory::new();
//! pods.insert("shop", "web-1", &LabelSet::from_pairs([("app", "web"), ("env", "prod")])?)?;
//! pods.insert("shop", "web-2", &LabelSet::from_pairs([("app", "web"), ("env", "dev")])?)?;
//! let snapshot = pods.snapshot(); // consistent, Send + Sync, shares storage with the writer
//!
//! let selector: Selector = "app=web,env!=dev".parse()?;
//! let hits: Vec<&str> = snapshot
//!     .select(&selector)
//!     .iter()
//!     .map(|id| snapshot.get(id).unwrap().name())
//!     .collect();
//! assert_eq!(hits, ["web-1"]);
//! # Ok::<(), label_selector::Error>(())
//! ```
//!
//! # Reverse matching
//!
//! ```
//! use std::collections::BTreeMap;
//! use label_selector::{Scope, Selector, SelectorIndex};
//!
//! let mut owners = SelectorIndex::new();
//! let shop = || Scope::namespace("shop");
//! owners.insert("svc/web", shop(), &Selector::from_map([("app", "web")])?)?;
//! owners.insert("rs/web-7d9f", shop(), &"app=web,pod-template-hash=7d9f".parse()?)?;
//! owners.insert("pdb/db", shop(), &"app=db".parse()?)?;
//!
//! let pod = BTreeMap::from([("app", "web"), ("pod-template-hash", "7d9f")]);
//! let mut hits = owners.matching("shop", &pod);
//! hits.sort();
//! assert_eq!(hits, [&"rs/web-7d9f", &"svc/web"]);
//! # Ok::<(), label_selector::Error>(())
//! ```
//!
//! # Example
//!
//! ```
//! use label_selector::{LabelSet, Selector};
//!
//! let selector: Selector = "app=web, env in (prod,staging), !gpu".parse()?;
//! assert_eq!(selector.to_string(), "app=web,env in (prod,staging),!gpu");
//!
//! let pod = LabelSet::from_pairs([("app", "web"), ("env", "prod"), ("tier", "frontend")])?;
//! assert!(selector.matches(&pod));
//!
//! let err = Selector::parse("app=web,,env=prod").unwrap_err();
//! assert_eq!(err.message(), "expected a label key or '!' after ',', found ','");
//! # Ok::<(), label_selector::Error>(())
//! ```
//!
//! # Grammar
//!
//! ```text
//! selector    := <empty> | requirement ( "," requirement )*
//! requirement := "!" KEY                                 (DoesNotExist)
//!              | KEY                                     (Exists)
//!              | KEY ( "=" | "==" | "!=" | ">" | "<" ) [ VALUE ]   (no VALUE means "")
//!              | KEY ( "in" | "notin" ) "(" [ VALUE ] ( "," [ VALUE ] )* ")"
//! ```
//! Whitespace (space, tab, CR, LF) may stand between tokens. `in` / `notin` are lower-case
//! keywords only in operator position; elsewhere they are ordinary keys and values. Empty slots
//! in a list are the empty value: `(a,)` is {"", "a"}, `()` is {""}.
//!
//! # What each operator does when the key is missing
//!
//! | operator | key absent | key present with value `v` |
//! |---|---|---|
//! | `=` `==` `in` | false | `v` is one of the values |
//! | `!=` `notin` | **true** | `v` is none of the values |
//! | `k` (exists) | false | true, even for `""` |
//! | `!k` | true | false, even for `""` |
//! | `>` `<` | false | `v` parses as an int64 (`+5`, `007`) and compares; otherwise false |
//!
//! # Everything and nothing
//!
//! [`Selector::everything`] (the empty string, `{}`) matches every object;
//! [`Selector::nothing`] (a nil structured selector) matches none. They are distinct values, and
//! which one an empty selector means depends on the consumer (a Service's empty selector selects
//! nothing, a PDB v1's everything in its namespace); the caller chooses.
//!
//! # Limits
//!
//! [`Limits`] bounds input length (256 KiB), requirements (1 024) and values per set (4 096) by
//! default; breaking a limit is a typed error. Keys are at most 253 + 1 + 63 bytes and values 63,
//! as in Kubernetes. An [`Inventory`] takes namespaces that are DNS labels (or `""`) and object
//! names of 1 to 253 bytes, and up to `u32::MAX - 1` objects and distinct strings. A
//! [`SelectorIndex`] takes scopes whose namespaces are DNS labels (or `""`), up to 2^31
//! selectors, 2^28 distinct keys and 2^31 distinct `key=value` pairs.
//!
//! # Errors
//!
//! Every failure is an [`Error`]: an [`ErrorKind`], the byte span of the fault, the input, and
//! for structured selectors the field path. Its `Display` draws the input with carets under the
//! fault. Nothing panics on bad input.
//!
//! # Kubernetes objects
//!
//! [`load::read_str`] reads kubectl's JSON and YAML (one object, `List`s, streams, watch
//! streams) into [`k8s::Object`]s and [`k8s::WatchEvent`]s; a [`Cluster`] is the live store they
//! feed: pods, nodes and namespaces in [`Inventory`]s, the selectors of Services, workloads and
//! PDBs in [`SelectorIndex`]es, kept current event by event, read through consistent
//! [`ClusterSnapshot`]s. Errors ([`load::LoadError`]) name the file, the document, the line and
//! column, and the object.
//!
//! ```
//! use label_selector::{Cluster, Selector};
//!
//! let mut cluster = Cluster::new();
//! cluster.load_str("pods.json", r#"{"apiVersion": "v1", "kind": "List", "items": [
//!   {"kind": "Pod", "metadata": {"name": "web-1", "namespace": "shop", "labels": {"app": "web"}},
//!    "status": {"phase": "Running"}}]}"#)?;
//! let web: Selector = "app=web".parse().unwrap();
//! assert_eq!(cluster.pods().count_in("shop", &web), 1);
//! # Ok::<(), label_selector::load::LoadError>(())
//! ```
//!
//! # Features
//!
//! - `cli`: the `labelsel` binary (clap, indicatif).
//! - `k8s-openapi`: conversions from k8s-openapi 0.29 types, and feeding a [`Cluster`] from
//!   kube-runtime watcher events (`cluster::WatcherEvent`). It enables no Kubernetes version
//!   of k8s-openapi; the application picks one.
//! - `kube`: `WatcherEvent: From<kube::runtime::watcher::Event>` (kube 5).

pub mod cluster;
mod error;
pub mod generate;
pub mod index;
pub mod k8s;
pub mod load;
pub mod query;
pub mod reverse;
pub mod scheduling;
pub mod selector;
pub mod syntax;
mod vocab;
pub mod workloads;

pub use cluster::{Cluster, ClusterSnapshot, LoadSummary, NodeId, PodId};
pub use error::{Error, ErrorKind, Expected};
pub use index::{Inventory, ObjectId, ObjectRef, ObjectSet, Reader, Snapshot, Stats, View};
pub use k8s::{
    LabelSelector, LabelSelectorRequirement, NodeSelector, NodeSelectorMatcher,
    NodeSelectorRequirement, NodeSelectorTerm,
};
pub use query::{Explanation, Plan};
pub use reverse::{LabelPair, Scope, SelectorIndex};
pub use selector::{
    LabelEdit, LabelSet, Labels, Operator, Requirement, Selector, validate_label_key,
    validate_label_value, validate_namespace,
};
pub use syntax::Limits;
