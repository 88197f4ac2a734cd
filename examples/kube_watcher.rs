//! A controller's view of the cluster, kept current from a real API server: kube-runtime
//! watchers over pods and Services feed one `Cluster`, and each change of a pod prints the
//! Services that now select it.
//!
//! Built in CI, not run (it needs a cluster): `cargo run --example kube_watcher --features kube`
//! with a kubeconfig.

use futures::{StreamExt, TryStreamExt, stream};
use k8s_openapi::api::core::v1::{Pod, Service};
use kube::runtime::watcher;
use kube::{Api, Client};
use label_selector::Cluster;
use label_selector::cluster::{Applied, WatcherEvent};
use label_selector::k8s::Kind;

/// A watcher event of either kind, in arrival order.
enum Change {
    Pod(Box<watcher::Event<Pod>>),
    Service(Box<watcher::Event<Service>>),
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::try_default().await?;
    let pods = watcher(Api::<Pod>::all(client.clone()), watcher::Config::default())
        .map_ok(|e| Change::Pod(Box::new(e)));
    let services = watcher(Api::<Service>::all(client), watcher::Config::default())
        .map_ok(|e| Change::Service(Box::new(e)));
    let mut changes = stream::select(pods.boxed(), services.boxed());
    let mut cluster = Cluster::new();
    while let Some(change) = changes.try_next().await? {
        let applied = match change {
            Change::Pod(e) => cluster.apply_watcher(WatcherEvent::from(*e))?,
            Change::Service(e) => cluster.apply_watcher(WatcherEvent::from(*e))?,
        };
        for a in applied {
            let (Applied::Added(key) | Applied::Updated(key)) = a else {
                continue;
            };
            if key.kind() != Kind::Pod {
                continue;
            }
            let Some(id) = cluster.pod_id(key.namespace(), key.name()) else {
                continue;
            };
            let services: Vec<String> = cluster
                .services_for_pod(id)
                .iter()
                .map(|k| k.name().to_string())
                .collect();
            println!("{key}: selected by {services:?}");
        }
    }
    Ok(())
}
