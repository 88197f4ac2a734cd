//! `labelsel`: kubectl's label queries on files, answered from the bitmap index.
//!
//! ```text
//! labelsel get pods -A -l 'app.kubernetes.io/name=web'
//! labelsel parse 'env in (prod), !gpu'
//! labelsel explain -l 'app=web,env=prod' shop/web-1
//! labelsel generate --pods 300 --nodes 12 --seed 1 > cluster.json
//! labelsel get pdb -n demo
//! labelsel endpoints -n demo cart -o json
//! labelsel owners -n demo cart-debug
//! labelsel evict -n demo cart-6d9f7c-a1b2c
//! labelsel watch
//! ```

mod columns;
mod schedule;
mod table;
mod workloads;

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use label_selector::generate::{GenerateOptions, generate};
use label_selector::k8s::ObjectKey;
use label_selector::load::LoadError;
use label_selector::{Cluster, ObjectId, Selector, View, validate_namespace};

/// The sample cluster that every command reads when no `-f` is given: a generated cluster and
/// a hand-written namespace `demo` that shows every workload answer.
const SAMPLE: &str = include_str!("../../../examples/cluster.json");
const SAMPLE_NAME: &str = "examples/cluster.json (bundled)";
const SCENARIO: &str = include_str!("../../../examples/demo.yaml");
const SCENARIO_NAME: &str = "examples/demo.yaml (bundled)";
/// The bundled checkout namespace: pending pods that show each way a node is refused.
const PENDING: &str = include_str!("../../../examples/pending.yaml");
const PENDING_NAME: &str = "examples/pending.yaml (bundled)";
/// The watch stream `watch` replays over the sample when no `-f` is given.
const SAMPLE_WATCH: &str = include_str!("../../../examples/demo-watch.json");
const SAMPLE_WATCH_NAME: &str = "examples/demo-watch.json (bundled)";

#[derive(Parser, Debug)]
#[command(
    name = "labelsel",
    version,
    about = "Kubernetes label selectors on kubectl JSON/YAML, answered from a bitmap index"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// List pods or nodes as kubectl does, filtered by a label selector.
    Get(GetArgs),
    /// Print a selector in canonical form, or show where it is wrong.
    Parse {
        /// The selector, as for kubectl's -l.
        selector: String,
    },
    /// Show, requirement by requirement, why an object is or is not selected.
    Explain(ExplainArgs),
    /// Print a synthetic, consistent cluster as a kubectl `List` (JSON or YAML).
    Generate(GenerateArgs),
    /// A Service's EndpointSlices, as `kubectl get endpointslices -l
    /// kubernetes.io/service-name=SERVICE` shows them.
    Endpoints(EndpointsArgs),
    /// A pod's controller, the controllers that would adopt or release it, its Services and
    /// its disruption budgets.
    Owners(PodArgs),
    /// Whether the Eviction API would evict a pod now, and its answer; changes nothing.
    Evict(PodArgs),
    /// Replay a watch stream, printing each change of endpoints, ownership and budgets.
    Watch(WatchArgs),
    /// Where kube-scheduler would put a pod, and why every other node refuses it: the label
    /// plugins' filters and scores on every node, and the FailedScheduling message. Exits 1
    /// when no node fits.
    Schedule(ScheduleArgs),
}

#[derive(clap::Args, Debug)]
struct ScheduleArgs {
    /// The pod: NAMESPACE/NAME, or NAME in -n's namespace (a bound pod is evaluated as if it
    /// were pending).
    #[arg(required_unless_present = "pod_file", conflicts_with = "pod_file")]
    pod: Option<String>,
    /// Read the pod from this file (its first Pod) instead.
    #[arg(long = "pod", value_name = "FILE")]
    pod_file: Option<String>,
    /// The namespace of the pod and of objects without one ("default" when not given).
    #[arg(short = 'n', long = "namespace")]
    namespace: Option<String>,
    #[command(flatten)]
    source: Source,
    /// A KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1): its first profile's
    /// plugins and plugin arguments.
    #[arg(long = "config", value_name = "FILE")]
    config: Option<String>,
    /// Run only these plugins (comma-separated plugin names).
    #[arg(long = "plugins", value_delimiter = ',', value_name = "NAME,...")]
    plugins: Vec<String>,
    /// Place this many copies of the pod one after another, each bound before the next.
    #[arg(long = "replicas", value_name = "N")]
    replicas: Option<usize>,
    /// Output format: wide (what the reasons leave out), json (one object; an array with
    /// --replicas) or yaml.
    #[arg(short = 'o', long = "output", value_enum)]
    output: Option<Output>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Resource {
    #[value(alias = "pod", alias = "po")]
    Pods,
    #[value(alias = "node", alias = "no")]
    Nodes,
    #[value(alias = "service", alias = "svc")]
    Services,
    #[value(alias = "deployment", alias = "deploy")]
    Deployments,
    #[value(alias = "replicaset", alias = "rs")]
    Replicasets,
    #[value(alias = "replicationcontroller", alias = "rc")]
    Replicationcontrollers,
    #[value(alias = "statefulset", alias = "sts")]
    Statefulsets,
    #[value(alias = "daemonset", alias = "ds")]
    Daemonsets,
    #[value(alias = "poddisruptionbudget", alias = "pdb")]
    Poddisruptionbudgets,
}

impl Resource {
    fn listed(self) -> Option<workloads::Listed> {
        use label_selector::k8s::WorkloadKind as W;
        use workloads::Listed as L;
        Some(match self {
            Resource::Pods | Resource::Nodes => return None,
            Resource::Services => L::Services,
            Resource::Deployments => L::Workloads(W::Deployment),
            Resource::Replicasets => L::Workloads(W::ReplicaSet),
            Resource::Replicationcontrollers => L::Workloads(W::ReplicationController),
            Resource::Statefulsets => L::Workloads(W::StatefulSet),
            Resource::Daemonsets => L::Workloads(W::DaemonSet),
            Resource::Poddisruptionbudgets => L::Pdbs,
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Output {
    Wide,
    Name,
    Json,
    Yaml,
}

#[derive(clap::Args, Debug)]
struct Source {
    /// Files to read (kubectl JSON or YAML, `-` for standard input); a directory is read as
    /// its `.json`, `.yaml` and `.yml` files. The bundled sample cluster when none is given.
    #[arg(short = 'f', long = "filename", value_name = "FILE")]
    files: Vec<String>,
    /// Read the directories given with -f recursively.
    #[arg(short = 'R', long = "recursive")]
    recursive: bool,
    /// Refuse a mapping key written twice, at its line and column (kubectl and the API
    /// server take the last one; so does labelsel without this flag).
    #[arg(long = "strict")]
    strict: bool,
}

#[derive(clap::Args, Debug)]
struct GetArgs {
    /// What to list.
    #[arg(value_enum, default_value = "pods")]
    resource: Resource,
    /// Only the object with this name.
    name: Option<String>,
    /// Selector (label query) to filter on, as kubectl's -l.
    #[arg(short = 'l', long = "selector")]
    selector: Option<String>,
    /// The namespace to list pods in ("default" when neither -n nor -A is given); also the
    /// namespace of objects in the files that have none.
    #[arg(short = 'n', long = "namespace", conflicts_with = "all_namespaces")]
    namespace: Option<String>,
    /// List pods in every namespace.
    #[arg(short = 'A', long = "all-namespaces")]
    all_namespaces: bool,
    #[command(flatten)]
    source: Source,
    /// Output format.
    #[arg(short = 'o', long = "output", value_enum)]
    output: Option<Output>,
    /// Add a LABELS column with all labels.
    #[arg(long = "show-labels")]
    show_labels: bool,
    /// Add a column per label key (comma-separated, may repeat).
    #[arg(short = 'L', long = "label-columns", value_delimiter = ',')]
    label_columns: Vec<String>,
}

#[derive(clap::Args, Debug)]
struct ExplainArgs {
    /// `[pods|nodes] NAME`: the object, NAME or NAMESPACE/NAME for a pod (pods when the kind
    /// is not given).
    #[arg(num_args = 1..=2, required = true, value_name = "[KIND] NAME")]
    what: Vec<String>,
    /// The selector to explain.
    #[arg(short = 'l', long = "selector")]
    selector: String,
    /// The pod's namespace when TARGET has none ("default" otherwise).
    #[arg(short = 'n', long = "namespace")]
    namespace: Option<String>,
    #[command(flatten)]
    source: Source,
}

#[derive(clap::Args, Debug)]
struct EndpointsArgs {
    /// The Service.
    service: String,
    /// The Service's namespace ("default" when not given).
    #[arg(short = 'n', long = "namespace")]
    namespace: Option<String>,
    #[command(flatten)]
    source: Source,
    /// Output format: json or yaml (a `List` of `discovery.k8s.io/v1` EndpointSlices).
    #[arg(short = 'o', long = "output", value_enum)]
    output: Option<Output>,
}

#[derive(clap::Args, Debug)]
struct PodArgs {
    /// The pod.
    pod: String,
    /// The pod's namespace ("default" when not given).
    #[arg(short = 'n', long = "namespace")]
    namespace: Option<String>,
    #[command(flatten)]
    source: Source,
    /// Output format: json or yaml.
    #[arg(short = 'o', long = "output", value_enum)]
    output: Option<Output>,
}

#[derive(clap::Args, Debug)]
struct WatchArgs {
    /// Files: manifests and kubectl output are loaded as the starting state, watch streams
    /// (`kubectl get -w -o json --output-watch-events`) are replayed event by event. The
    /// bundled sample and its watch stream when none is given. A directory is read as its
    /// `.json`, `.yaml` and `.yml` files.
    #[arg(short = 'f', long = "filename", value_name = "FILE")]
    files: Vec<String>,
    /// Read the directories given with -f recursively.
    #[arg(short = 'R', long = "recursive")]
    recursive: bool,
    /// Refuse a mapping key written twice, at its line and column (kubectl and the API
    /// server take the last one; so does labelsel without this flag).
    #[arg(long = "strict")]
    strict: bool,
    /// The namespace of objects that have none ("default" when not given).
    #[arg(short = 'n', long = "namespace")]
    namespace: Option<String>,
    /// `json`: one JSON object per event.
    #[arg(short = 'o', long = "output", value_enum)]
    output: Option<Output>,
}

#[derive(clap::Args, Debug)]
struct GenerateArgs {
    /// Pods, DaemonSet pods included.
    #[arg(long, default_value_t = 300)]
    pods: usize,
    /// Nodes.
    #[arg(long, default_value_t = 12)]
    nodes: usize,
    /// Seed: the same arguments print the same cluster.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Output format.
    #[arg(short = 'o', long = "output", value_enum, default_value = "json")]
    output: GenFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum GenFormat {
    Json,
    Yaml,
}

/// A failure: the message for stderr. Nothing has been written to stdout.
struct Failure(String);

impl From<LoadError> for Failure {
    fn from(e: LoadError) -> Self {
        Failure(format!("error: {e}"))
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Get(args) => get(&args),
        Command::Parse { selector } => parse(&selector),
        Command::Explain(args) => explain(&args),
        Command::Generate(args) => generate_cmd(&args),
        Command::Endpoints(args) => endpoints_cmd(&args),
        Command::Owners(args) => pod_cmd(&args, false),
        Command::Evict(args) => pod_cmd(&args, true),
        Command::Watch(args) => watch_cmd(&args),
        Command::Schedule(args) => schedule_cmd(&args),
    };
    match result {
        Ok(out) => {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (`| head`) is not an error worth a message.
            let _ = stdout.write_all(out.stdout.as_bytes());
            let _ = stdout.flush();
            if !out.stderr.is_empty() {
                eprintln!("{}", out.stderr);
            }
            if out.failed {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(Failure(msg)) => {
            eprintln!("{msg}");
            ExitCode::FAILURE
        }
    }
}

/// What a command prints, written only once it has fully succeeded.
#[derive(Default)]
struct Out {
    stdout: String,
    stderr: String,
    /// Exit with status 1 (the output still printed): `schedule` found no node.
    failed: bool,
}

fn selector(text: Option<&str>) -> Result<Selector, Failure> {
    match text {
        None => Ok(Selector::everything()),
        Some(t) => Selector::parse(t).map_err(|e| Failure(format!("error: invalid selector: {e}"))),
    }
}

/// Reads the inputs into a cluster, with a progress bar on a terminal for large inputs.
/// Namespaced objects without a namespace go to `namespace` (`default` when not given), as
/// `kubectl apply -f` puts them. Watch streams are replayed to their final state; their
/// `ERROR` events and deletes of unknown objects become warnings.
fn load(source: &Source, namespace: Option<&str>) -> Result<(Cluster, Vec<String>), Failure> {
    let mut cluster = new_cluster(source.strict);
    if let Some(ns) = namespace {
        cluster
            .set_default_namespace(ns)
            .map_err(|e| Failure(format!("error: invalid namespace {ns:?}: {}", e.message())))?;
    }
    let mut warnings = Vec::new();
    if source.files.is_empty() {
        cluster.load_str(SAMPLE_NAME, SAMPLE)?;
        cluster.load_str(SCENARIO_NAME, SCENARIO)?;
        cluster.load_str(PENDING_NAME, PENDING)?;
        return Ok((cluster, warnings));
    }
    for file in &input_files(&source.files, source.recursive)? {
        // JSON is applied as it is read (the text is never held whole); YAML is read first.
        let (name, result) = if file == "-" {
            (
                "-".to_string(),
                cluster.load_reader("-", std::io::stdin().lock()),
            )
        } else {
            let f = std::fs::File::open(file).map_err(|e| LoadError::io(file, &e))?;
            let len = f.metadata().map(|m| m.len()).unwrap_or(0);
            let result = if show_progress(len) {
                let bar = indicatif::ProgressBar::new(len).with_style(
                    indicatif::ProgressStyle::with_template(
                        "loading {msg} {bar:30} {bytes}/{total_bytes}",
                    )
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
                );
                bar.set_message(file.clone());
                let result = cluster.load_reader(file, bar.wrap_read(f));
                bar.finish_and_clear();
                result
            } else {
                cluster.load_reader(file, f)
            };
            (file.clone(), result)
        };
        let summary = result?;
        for (index, status) in &summary.watch_errors {
            warnings.push(format!(
                "warning: {name}: event {index}: watch error: {status}"
            ));
        }
        for key in &summary.unknown_deletes {
            warnings.push(format!(
                "warning: {name}: delete of {key}, which was not there"
            ));
        }
        repeated_warnings(&name, &summary.repeated, &mut warnings);
    }
    Ok((cluster, warnings))
}

/// A store that reads with the default limits; `strict` refuses repeated mapping keys.
fn new_cluster(strict: bool) -> Cluster {
    Cluster::with_limits(label_selector::load::ReadLimits {
        duplicate_keys: if strict {
            label_selector::load::DuplicateKeys::Error
        } else {
            label_selector::load::DuplicateKeys::LastWins
        },
        ..label_selector::load::ReadLimits::default()
    })
}

/// At most this many "read twice" warnings per input, then a count of the rest.
const REPEATED_SHOWN: usize = 10;

/// Warns about objects an input holds that were already read (from it or an earlier input):
/// they are not merged, the copy read last replaces the other.
fn repeated_warnings(name: &str, repeated: &[(usize, ObjectKey)], warnings: &mut Vec<String>) {
    for (document, key) in repeated.iter().take(REPEATED_SHOWN) {
        warnings.push(format!(
            "warning: {name}: document {document}: {key} was already read (from this or an earlier input); this copy replaces it"
        ));
    }
    if repeated.len() > REPEATED_SHOWN {
        warnings.push(format!(
            "warning: {name}: {} more objects were already read",
            repeated.len() - REPEATED_SHOWN
        ));
    }
}

/// The manifest extensions kubectl reads from a directory.
const EXTENSIONS: [&str; 3] = ["json", "yaml", "yml"];

/// The inputs `-f` names, as kubectl reads them: a file (or `-`) as given; a directory as its
/// `.json`, `.yaml` and `.yml` files in name order, and with `recursive` its subdirectories'
/// too (depth first, as Go's `filepath.Walk` goes).
fn input_files(files: &[String], recursive: bool) -> Result<Vec<String>, Failure> {
    fn walk(dir: &Path, recursive: bool, out: &mut Vec<String>) -> Result<(), Failure> {
        let shown = dir.display().to_string();
        let io = |e: std::io::Error| Failure::from(LoadError::io(&shown, &e));
        let mut entries = std::fs::read_dir(dir)
            .map_err(io)?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(io)?;
        entries.sort();
        for path in entries {
            if path.is_dir() {
                if recursive {
                    walk(&path, recursive, out)?;
                }
            } else if path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| EXTENSIONS.contains(&e))
            {
                out.push(path.display().to_string());
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    for f in files {
        let path = Path::new(f);
        if f != "-" && path.is_dir() {
            walk(path, recursive, &mut out)?;
        } else {
            out.push(f.clone());
        }
    }
    Ok(out)
}

/// Inputs from this size on get a progress bar (on a terminal only).
const PROGRESS_FROM: u64 = 8 << 20;

fn show_progress(len: u64) -> bool {
    len >= PROGRESS_FROM && std::io::stderr().is_terminal()
}

fn get(args: &GetArgs) -> Result<Out, Failure> {
    let sel = selector(args.selector.as_deref())?;
    let namespace = match (&args.namespace, args.all_namespaces) {
        (_, true) => None,
        (Some(ns), false) => Some(ns.as_str()),
        (None, false) => Some("default"),
    };
    if namespace.is_some() {
        namespace_of(namespace)?;
    }
    if args.name.is_some() && args.all_namespaces {
        return Err(Failure(
            "error: a resource cannot be retrieved by name across all namespaces".into(),
        ));
    }
    let (cluster, warnings) = load(&args.source, args.namespace.as_deref())?;
    let mut out = Out {
        stdout: String::new(),
        stderr: warnings.join("\n"),
        ..Out::default()
    };
    let opts = table::Options {
        all_namespaces: namespace.is_none(),
        wide: args.output == Some(Output::Wide),
        show_labels: args.show_labels,
        label_columns: &args.label_columns,
        now: table::now(),
    };
    if let Some(listed) = args.resource.listed() {
        let (stdout, message) = workloads::get(
            &cluster,
            listed,
            args.name.as_deref(),
            namespace,
            &sel,
            args.output,
            &opts,
        )?;
        out.stdout = stdout;
        if let Some(m) = message {
            if !out.stderr.is_empty() {
                out.stderr.push('\n');
            }
            out.stderr.push_str(&m);
        }
        return Ok(out);
    }
    let (view, kind) = match args.resource {
        Resource::Nodes => (cluster.nodes(), "node"),
        _ => (cluster.pods(), "pod"),
    };
    let pods = args.resource == Resource::Pods;
    let set = match (pods, namespace) {
        (true, Some(ns)) => view.select_in(ns, &sel),
        _ => view.select(&sel),
    };
    let mut ids = sorted(view, set.iter());
    if let Some(name) = &args.name {
        ids.retain(|&id| view.get(id).is_some_and(|o| o.name() == name));
        if ids.is_empty() {
            return Err(Failure(format!(
                "Error from server (NotFound): {kind}s \"{name}\" not found"
            )));
        }
    }
    // kubectl prints an empty List for -o json|yaml, and the message otherwise.
    if ids.is_empty() && !matches!(args.output, Some(Output::Json | Output::Yaml)) {
        let message = match (pods, namespace) {
            (true, Some(ns)) => format!("No resources found in {ns} namespace."),
            _ => "No resources found".to_string(),
        };
        if !out.stderr.is_empty() {
            out.stderr.push('\n');
        }
        out.stderr.push_str(&message);
        return Ok(out);
    }
    out.stdout = match args.output {
        Some(Output::Name) => ids
            .iter()
            .filter_map(|&id| view.get(id))
            .map(|o| format!("{kind}/{}\n", o.name()))
            .collect(),
        Some(Output::Json | Output::Yaml) => table::list(pods, &cluster, &ids, args.output)?,
        _ if pods => table::pods(&cluster, &ids, &opts),
        _ => table::nodes(&cluster, &ids, &opts),
    };
    Ok(out)
}

/// Ids in kubectl's order: by namespace, then name.
fn sorted(view: &View, ids: impl Iterator<Item = ObjectId>) -> Vec<ObjectId> {
    let mut v: Vec<_> = ids
        .filter_map(|id| view.get(id).map(|o| (o.namespace(), o.name(), id)))
        .collect();
    v.sort_unstable();
    v.into_iter().map(|(_, _, id)| id).collect()
}

fn parse(text: &str) -> Result<Out, Failure> {
    match Selector::parse(text) {
        Ok(s) => Ok(Out {
            stdout: format!("{s}\n"),
            stderr: String::new(),
            ..Out::default()
        }),
        Err(e) => Err(Failure(format!("error: {e}"))),
    }
}

fn explain(args: &ExplainArgs) -> Result<Out, Failure> {
    let (resource, target) = match args.what.as_slice() {
        [target] => (Resource::Pods, target),
        [kind, target] => (
            Resource::from_str(kind, true)
                .ok()
                .filter(|r| r.listed().is_none())
                .ok_or_else(|| {
                    Failure(format!(
                        "error: unknown kind {kind:?}: expected pods or nodes"
                    ))
                })?,
            target,
        ),
        _ => return Err(Failure("error: expected [pods|nodes] NAME".into())),
    };
    let sel = selector(Some(&args.selector))?;
    let (cluster, warnings) = load(&args.source, args.namespace.as_deref())?;
    let (view, ns, name, kind) = match resource {
        Resource::Pods => {
            let (ns, name) = match target.split_once('/') {
                Some((ns, name)) => (ns, name),
                None => (
                    args.namespace.as_deref().unwrap_or("default"),
                    target.as_str(),
                ),
            };
            (cluster.pods(), ns, name, "pod")
        }
        _ => (cluster.nodes(), "", target.as_str(), "node"),
    };
    let shown = if ns.is_empty() {
        name.to_string()
    } else {
        format!("{ns}/{name}")
    };
    let why = view
        .id(ns, name)
        .and_then(|id| view.explain(id, &sel))
        .ok_or_else(|| Failure(format!("error: {kind} {shown:?} not found")))?;
    let mut rows = vec![vec![
        "REQUIREMENT".to_string(),
        "VALUE".to_string(),
        "VERDICT".to_string(),
    ]];
    for step in why.steps() {
        rows.push(vec![
            step.requirement().to_string(),
            step.value().map_or("<absent>".to_string(), |v| {
                if v.is_empty() {
                    "\"\"".to_string()
                } else {
                    v.to_string()
                }
            }),
            if step.matched() { "ok" } else { "REJECT" }.to_string(),
        ]);
    }
    let mut stdout = String::new();
    if rows.len() > 1 {
        stdout.push_str(&table::render(&rows));
    }
    let verdict = if why.matched() {
        "is selected"
    } else {
        "is not selected"
    };
    let note = if why.selector_is_nothing() {
        " (the selector matches nothing)"
    } else if why.steps().is_empty() {
        " (the selector matches everything)"
    } else {
        ""
    };
    stdout.push_str(&format!("{kind} {shown} {verdict} by '{sel}'{note}\n"));
    Ok(Out {
        stdout,
        stderr: warnings.join("\n"),
        ..Out::default()
    })
}

fn generate_cmd(args: &GenerateArgs) -> Result<Out, Failure> {
    let list = generate(&GenerateOptions {
        pods: args.pods,
        nodes: args.nodes,
        seed: args.seed,
    });
    let stdout = match args.output {
        GenFormat::Json => table::to_json(&list)?,
        GenFormat::Yaml => table::to_yaml(&list)?,
    };
    Ok(Out {
        stdout,
        stderr: String::new(),
        ..Out::default()
    })
}

/// The namespace of a command that names one object (`-n`, else `default`), checked.
fn namespace_of(namespace: Option<&str>) -> Result<&str, Failure> {
    let ns = namespace.unwrap_or("default");
    validate_namespace(ns)
        .map_err(|e| Failure(format!("error: invalid namespace {ns:?}: {}", e.message())))?;
    Ok(ns)
}

fn endpoints_cmd(args: &EndpointsArgs) -> Result<Out, Failure> {
    let ns = namespace_of(args.namespace.as_deref())?;
    let (cluster, warnings) = load(&args.source, args.namespace.as_deref())?;
    let (stdout, message) =
        workloads::endpoints(&cluster, ns, &args.service, args.output, table::now())?;
    let mut stderr = warnings;
    stderr.extend(message);
    Ok(Out {
        stdout,
        stderr: stderr.join("\n"),
        ..Out::default()
    })
}

fn pod_cmd(args: &PodArgs, evict: bool) -> Result<Out, Failure> {
    let ns = namespace_of(args.namespace.as_deref())?;
    let (cluster, warnings) = load(&args.source, args.namespace.as_deref())?;
    let now = table::now();
    let stdout = if evict {
        workloads::evict(&cluster, ns, &args.pod, args.output, now)?
    } else {
        workloads::owners(&cluster, ns, &args.pod, args.output, now)?
    };
    Ok(Out {
        stdout,
        stderr: warnings.join("\n"),
        ..Out::default()
    })
}

fn schedule_cmd(args: &ScheduleArgs) -> Result<Out, Failure> {
    let ns = namespace_of(args.namespace.as_deref())?;
    let profile = schedule::profile(args.config.as_deref(), &args.plugins)?;
    let (mut cluster, mut notes) = load(&args.source, args.namespace.as_deref())?;
    let pod = schedule::incoming(
        &cluster,
        args.pod.as_deref(),
        args.pod_file.as_deref(),
        ns,
        &mut notes,
    )?;
    if !profile.not_simulated().is_empty() {
        notes.push(format!(
            "note: not simulated: {}",
            profile.not_simulated().join(", ")
        ));
    }
    let (stdout, placed) = schedule::run(&mut cluster, profile, pod, args.replicas, args.output)?;
    Ok(Out {
        stdout,
        stderr: notes.join("\n"),
        failed: !placed,
    })
}

fn watch_cmd(args: &WatchArgs) -> Result<Out, Failure> {
    use label_selector::k8s::WatchEvent;
    use label_selector::load::{is_watch_stream, read_watch_str};

    let mut cluster = new_cluster(args.strict);
    if let Some(ns) = &args.namespace {
        cluster
            .set_default_namespace(ns)
            .map_err(|e| Failure(format!("error: invalid namespace {ns:?}: {}", e.message())))?;
    }
    let mut inputs: Vec<(String, String)> = Vec::new();
    if args.files.is_empty() {
        cluster.load_str(SAMPLE_NAME, SAMPLE)?;
        cluster.load_str(SCENARIO_NAME, SCENARIO)?;
        cluster.load_str(PENDING_NAME, PENDING)?;
        inputs.push((SAMPLE_WATCH_NAME.into(), SAMPLE_WATCH.into()));
    } else {
        for f in &input_files(&args.files, args.recursive)? {
            let text = if f == "-" {
                label_selector::load::read_text("-", std::io::stdin().lock())?
            } else {
                let file = std::fs::File::open(f).map_err(|e| LoadError::io(f, &e))?;
                label_selector::load::read_text(f, file)?
            };
            inputs.push((f.clone(), text));
        }
    }
    let json = args.output == Some(Output::Json);
    let now = table::now();
    let mut stdout = String::new();
    let mut stderr = Vec::new();
    for (name, text) in inputs {
        if !is_watch_stream(&text) {
            let summary = cluster.load_str(&name, &text)?;
            repeated_warnings(&name, &summary.repeated, &mut stderr);
            continue;
        }
        for doc in read_watch_str(&name, &text)? {
            let what = match &doc.event {
                WatchEvent::Added(o) | WatchEvent::Modified(o) | WatchEvent::Deleted(o) => {
                    let kind = match &doc.event {
                        WatchEvent::Added(_) => "ADDED",
                        WatchEvent::Modified(_) => "MODIFIED",
                        _ => "DELETED",
                    };
                    format!("{kind} {o}")
                }
                WatchEvent::Bookmark { resource_version } => format!("BOOKMARK {resource_version}"),
                WatchEvent::Error(status) => {
                    stderr.push(format!(
                        "warning: {name}: event {}: watch error: {status}",
                        doc.index
                    ));
                    continue;
                }
                _ => continue,
            };
            let report = label_selector::workloads::apply(&mut cluster, doc.event, now)
                .map_err(|e| Failure(format!("error: {name}: event {}: {e}", doc.index)))?;
            if json {
                stdout += &workloads::report_json(doc.index, &what, &report);
            } else if report.is_empty() {
                stdout += &format!("#{} {what}: no change\n", doc.index);
            } else {
                stdout += &workloads::report_text(doc.index, &what, &report);
            }
        }
    }
    Ok(Out {
        stdout,
        stderr: stderr.join("\n"),
        ..Out::default()
    })
}
