//! The layer rule of ARCHITECTURE.md: a module imports only modules below it.

use std::path::Path;

/// Bottom to top; each may import only those before it.
const LAYERS: &[&str] = &[
    "vocab",
    "error",
    "syntax",
    "selector",
    "index",
    "query",
    "reverse",
    "k8s",
    "generate",
    "load",
    "cluster",
    "workloads",
    "scheduling",
];

/// Layers at the same height: neither imports the other.
const SIBLINGS: &[(&str, &str)] = &[("scheduling", "workloads")];

fn sources(path: &Path, out: &mut Vec<(String, String)>) {
    if path.is_dir() {
        for entry in std::fs::read_dir(path).unwrap() {
            sources(&entry.unwrap().path(), out);
        }
    } else if path.extension().is_some_and(|e| e == "rs") {
        out.push((
            path.display().to_string(),
            std::fs::read_to_string(path).unwrap(),
        ));
    }
}

#[test]
fn modules_import_only_modules_below_them() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut bad = Vec::new();
    for (at, name) in LAYERS.iter().enumerate() {
        let mut files = Vec::new();
        let dir = src.join(name);
        let file = src.join(format!("{name}.rs"));
        sources(if dir.is_dir() { &dir } else { &file }, &mut files);
        assert!(!files.is_empty(), "{name}");
        for (file, text) in files {
            for (n, line) in text.lines().enumerate() {
                let code = line.trim_start();
                if code.starts_with("//") {
                    continue; // docs may link anywhere
                }
                for (i, _) in code.match_indices("crate::") {
                    let used: String = code[i + 7..]
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    let Some(layer) = LAYERS.iter().position(|l| *l == used) else {
                        continue; // a root re-export or an item, not a module
                    };
                    let sibling = SIBLINGS.contains(&(name, LAYERS[layer]));
                    if layer > at || sibling {
                        bad.push(format!("{file}:{}: {name} imports {used}", n + 1));
                    }
                }
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}
