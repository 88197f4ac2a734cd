//! Feeding the store from a kube-runtime watcher (feature `k8s-openapi`; with feature `kube`,
//! kube-runtime's own event type converts).

use std::collections::{BTreeMap, BTreeSet};

use super::event::Applied;
use super::store::Cluster;
use crate::k8s::{Kind, ObjectKey};
use crate::load::{LoadError, LoadErrorKind, object_from_resource};

/// One event of a kube-runtime watcher over resources `K` (k8s-openapi types), the same five
/// cases as `kube::runtime::watcher::Event`: with feature `kube`, `From` converts one.
///
/// A watcher that restarts relists: `Init`, then an `InitApply` per live object, then
/// `InitDone`. [`Cluster::apply_watcher`] deletes, at `InitDone`, every stored object of the
/// kind that the relist did not name (it was deleted while the watch was down), as
/// kube-runtime's reflector store does.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum WatcherEvent<K> {
    /// Added or modified.
    Apply(K),
    /// Deleted.
    Delete(K),
    /// A relist starts.
    Init,
    /// An object of the relist.
    InitApply(K),
    /// The relist is complete.
    InitDone,
}

#[cfg(feature = "kube")]
impl<K> From<kube::runtime::watcher::Event<K>> for WatcherEvent<K> {
    fn from(e: kube::runtime::watcher::Event<K>) -> WatcherEvent<K> {
        use kube::runtime::watcher::Event;
        match e {
            Event::Apply(k) => WatcherEvent::Apply(k),
            Event::Delete(k) => WatcherEvent::Delete(k),
            Event::Init => WatcherEvent::Init,
            Event::InitApply(k) => WatcherEvent::InitApply(k),
            Event::InitDone => WatcherEvent::InitDone,
        }
    }
}

/// The keys named by relists in progress, per kind.
pub(super) type Relists = BTreeMap<Kind, BTreeSet<ObjectKey>>;

impl Cluster {
    /// Applies one watcher event over k8s-openapi resources `K`: `Apply` and `InitApply`
    /// upsert, `Delete` deletes, and `InitDone` deletes the objects of `K`'s kind that the
    /// relist since `Init` did not name. Returns what changed (several deletes at `InitDone`).
    /// Kinds the store does not model are skipped.
    ///
    /// # Errors
    ///
    /// A [`LoadError`] (source `k8s-openapi`) for an object the reader or the store refuses;
    /// nothing changes.
    ///
    /// # Examples
    ///
    /// ```
    /// use k8s_openapi::api::core::v1::Pod;
    /// use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
    /// use label_selector::Cluster;
    /// use label_selector::cluster::WatcherEvent;
    ///
    /// let pod = |name: &str| Pod {
    ///     metadata: ObjectMeta { name: Some(name.into()), namespace: Some("shop".into()), ..Default::default() },
    ///     ..Default::default()
    /// };
    /// let mut cluster = Cluster::new();
    /// cluster.apply_watcher(WatcherEvent::Apply(pod("a")))?;
    /// cluster.apply_watcher(WatcherEvent::Apply(pod("b")))?;
    /// // The watch restarts; "a" was deleted meanwhile, so the relist names only "b".
    /// cluster.apply_watcher(WatcherEvent::<Pod>::Init)?;
    /// cluster.apply_watcher(WatcherEvent::InitApply(pod("b")))?;
    /// let done = cluster.apply_watcher(WatcherEvent::<Pod>::InitDone)?;
    /// assert_eq!(done.len(), 1);
    /// assert!(cluster.pod_named("shop", "a").is_none());
    /// assert!(cluster.pod_named("shop", "b").is_some());
    /// # Ok::<(), label_selector::load::LoadError>(())
    /// ```
    pub fn apply_watcher<K>(&mut self, event: WatcherEvent<K>) -> Result<Vec<Applied>, LoadError>
    where
        K: k8s_openapi::Resource + serde::Serialize,
    {
        let kind = Kind::parse(K::KIND);
        let fail = |e: super::ApplyError| {
            let kind = if e.is_capacity() {
                LoadErrorKind::Capacity
            } else {
                LoadErrorKind::Invalid
            };
            LoadError::new(kind, "k8s-openapi", e.cause().one_line())
                .with_object(e.object())
                .with_cause(Some(e.cause().clone()))
        };
        Ok(match event {
            WatcherEvent::Apply(r) => vec![self.upsert(object_from_resource(&r)?).map_err(fail)?],
            WatcherEvent::InitApply(r) => {
                let applied = self.upsert(object_from_resource(&r)?).map_err(fail)?;
                if let (Some(k), Some(seen)) = (
                    applied.key(),
                    kind.and_then(|k| self.config.relists.get_mut(&k)),
                ) {
                    seen.insert(k.clone());
                }
                vec![applied]
            }
            WatcherEvent::Delete(r) => {
                let mut o = object_from_resource(&r)?;
                let default = self.default_namespace().to_string();
                if let Some(m) = o.metadata_mut()
                    && kind.is_some_and(Kind::is_namespaced)
                    && m.namespace.is_empty()
                {
                    m.namespace = default;
                }
                match o.key() {
                    Some(key) => vec![self.delete(&key)],
                    None => vec![Applied::Skipped {
                        kind: o.kind().to_string(),
                    }],
                }
            }
            WatcherEvent::Init => {
                if let Some(k) = kind {
                    self.config.relists.insert(k, BTreeSet::new());
                }
                Vec::new()
            }
            WatcherEvent::InitDone => {
                let Some(k) = kind else { return Ok(Vec::new()) };
                let seen = self.config.relists.remove(&k).unwrap_or_default();
                let gone: Vec<ObjectKey> = self.keys(k).filter(|key| !seen.contains(key)).collect();
                gone.iter().map(|key| self.delete(key)).collect()
            }
        })
    }
}
