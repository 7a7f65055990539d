//! The layering of `docs/ARCHITECTURE.md`, checked: which crate may depend on which,
//! what the runtime may not link, and that the modules of `asl-runtime` and
//! `asl-engine` form no dependency cycle and cross no forbidden boundary.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Each workspace crate and its layer (and, in layer 0, its order): a crate may
/// depend only on crates below it, so two crates of one layer never depend on each
/// other.
const LAYERS: &[(&str, (u8, u8))] = &[
    ("asl-jsonata", (0, 0)),
    ("asl-codegen", (0, 1)),
    ("asl-macros", (0, 2)),
    ("asl-runtime", (1, 0)),
    ("asl-engine", (2, 0)),
    ("asl-store-sqlite", (3, 0)),
    ("asl-store-postgres", (3, 0)),
    ("asl-integrations", (3, 0)),
    ("asl-build", (4, 0)),
    ("asl-standalone", (4, 0)),
    ("asl-server", (5, 0)),
    ("asl-cli", (6, 0)),
];

/// What generated code links: never a database, an HTTP client, a command-line
/// parser, process control or a configuration format.
const NOT_IN_THE_RUNTIME: &[&str] = &[
    "rusqlite",
    "libsqlite3-sys",
    "ureq",
    "hyper",
    "reqwest",
    "axum",
    "tokio-postgres",
    "clap",
    "nix",
    "toml",
];

/// Modules of `asl-runtime` that may touch files: the local buckets of Distributed
/// Map readers and writers (see `docs/ARCHITECTURE.md`).
const RUNTIME_FILE_IO: &[&str] = &["storage", "map"];

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate is inside the workspace")
        .to_owned()
}

/// The `asl-*` crates `krate` depends on (normal dependencies, not dev or build).
fn asl_dependencies(krate: &str) -> BTreeSet<String> {
    let manifest = std::fs::read_to_string(workspace().join(krate).join("Cargo.toml")).unwrap();
    let mut in_dependencies = false;
    let mut found = BTreeSet::new();
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_dependencies = line == "[dependencies]"
                || line.ends_with(".dependencies]")
                    && !line.contains("dev-")
                    && !line.contains("build-");
            continue;
        }
        if in_dependencies && line.starts_with("asl-") {
            let name = line.split(['=', '.', ' ']).next().unwrap();
            found.insert(name.to_owned());
        }
    }
    found
}

#[test]
fn crates_depend_only_on_lower_layers() {
    let layer: BTreeMap<&str, (u8, u8)> = LAYERS.iter().copied().collect();
    let mut wrong = Vec::new();
    for (krate, own) in LAYERS {
        for dependency in asl_dependencies(krate) {
            match layer.get(dependency.as_str()) {
                Some(theirs) if theirs < own => {}
                Some(theirs) => wrong.push(format!(
                    "{krate} (layer {own:?}) depends on {dependency} (layer {theirs:?})"
                )),
                None => wrong.push(format!("{krate} depends on {dependency}, in no layer")),
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "forbidden crate dependencies:\n{}",
        wrong.join("\n")
    );
}

/// An `asl!` user depends on `asl-macros` and `asl-runtime`: neither brings a
/// database, an HTTP client or a command-line parser along.
#[test]
fn an_asl_macro_user_compiles_no_database_http_client_or_cli_parser() {
    for (krate, expected) in [("asl-runtime", "tokio"), ("asl-macros", "asl-codegen")] {
        let output = Command::new(env!("CARGO"))
            .args(["tree", "-p", krate, "-e", "normal", "--prefix", "none"])
            .current_dir(workspace())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{stderr}");
        let tree = String::from_utf8(output.stdout).unwrap();
        let linked: BTreeSet<&str> = tree
            .lines()
            .filter_map(|line| line.split_whitespace().next())
            .collect();
        assert!(
            linked.contains(krate) && linked.contains(expected),
            "{tree}"
        );
        let forbidden: Vec<&&str> = NOT_IN_THE_RUNTIME
            .iter()
            .filter(|name| linked.contains(**name))
            .collect();
        assert!(forbidden.is_empty(), "{krate} links {forbidden:?}:\n{tree}");
    }
}

/// The sources of `krate`'s top-level module `module` (a file, or a directory of
/// them), without their `#[cfg(test)] mod tests` and test files.
fn module_sources(krate: &str) -> BTreeMap<String, String> {
    let src = workspace().join(krate).join("src");
    let mut files = Vec::new();
    list(&src, &mut files);
    let mut modules: BTreeMap<String, String> = BTreeMap::new();
    for file in files {
        let relative = file.strip_prefix(&src).unwrap();
        let in_tests = relative
            .iter()
            .any(|part| part == "tests" || part == "tests.rs");
        let top = relative.iter().next().unwrap().to_string_lossy();
        let top = top.trim_end_matches(".rs").to_owned();
        if in_tests || top == "lib" {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        let text = match text.find("#[cfg(test)]\nmod tests") {
            Some(at) => &text[..at],
            None => &text,
        };
        let code: String = text
            .lines()
            .filter(|line| !line.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        // In a top-level file, `super::` is the crate root.
        let code = if relative.components().count() == 1 {
            code.replace("super::", "crate::")
        } else {
            code
        };
        modules.entry(top).or_default().push_str(&code);
    }
    modules
}

fn list(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            list(&path, files);
        } else if path.extension().is_some_and(|extension| extension == "rs") {
            files.push(path);
        }
    }
}

/// The top-level modules each module of `krate` names through `crate::`.
fn module_graph(krate: &str) -> BTreeMap<String, BTreeSet<String>> {
    let sources = module_sources(krate);
    let names: BTreeSet<String> = sources.keys().cloned().collect();
    sources
        .iter()
        .map(|(module, code)| {
            let mut uses = BTreeSet::new();
            for (at, _) in code.match_indices("crate::") {
                let rest = &code[at + "crate::".len()..];
                if let Some(group) = rest.strip_prefix('{') {
                    let group = &group[..group.find('}').unwrap_or(group.len())];
                    for item in group.split(',') {
                        uses.insert(identifier(item.trim()));
                    }
                } else {
                    uses.insert(identifier(rest));
                }
            }
            uses.retain(|used| used != module && names.contains(used));
            (module.clone(), uses)
        })
        .collect()
}

fn identifier(text: &str) -> String {
    text.chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

/// A cycle in `graph`, as the modules along it, if there is one.
fn cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        module: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|seen| seen == module) {
            let mut found = path[at..].to_vec();
            found.push(module.to_owned());
            return Some(found);
        }
        if done.contains(module) {
            return None;
        }
        path.push(module.to_owned());
        for used in &graph[module] {
            if let Some(found) = visit(used, graph, path, done) {
                return Some(found);
            }
        }
        path.pop();
        done.insert(module.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|module| visit(module, graph, &mut Vec::new(), &mut done))
}

#[test]
fn the_modules_of_the_runtime_and_the_engine_form_no_cycle() {
    for krate in ["asl-runtime", "asl-engine"] {
        let graph = module_graph(krate);
        assert!(graph.len() > 5, "{krate}: {graph:?}");
        if let Some(found) = cycle(&graph) {
            panic!("{krate}: the modules {} form a cycle", found.join(" -> "));
        }
    }
}

#[test]
fn the_cycle_check_finds_a_cycle() {
    let graph: BTreeMap<String, BTreeSet<String>> = [("a", "b"), ("b", "c"), ("c", "a")]
        .into_iter()
        .map(|(from, to)| (from.to_owned(), BTreeSet::from([to.to_owned()])))
        .collect();
    assert_eq!(cycle(&graph).unwrap(), ["a", "b", "c", "a"]);
}

/// The executor's lowest modules stay below the executor: the hooks an engine
/// implements and the data they carry never reach up into the context or the
/// executor, so an engine can implement them without the executor's internals.
#[test]
fn the_hooks_depend_on_no_executor_module() {
    let graph = module_graph("asl-runtime");
    let low = [
        "hooks", "events", "machine", "place", "clock", "arn", "error",
    ];
    let high = ["context", "exec", "task", "map", "retry", "wait", "journal"];
    let mut wrong = Vec::new();
    for module in low {
        for used in &graph[module] {
            if high.contains(&used.as_str()) {
                wrong.push(format!("{module} -> {used}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "forbidden edges in asl-runtime: {wrong:?}"
    );
}

#[test]
fn the_runtime_does_no_network_or_process_io_and_files_only_for_map_buckets() {
    let mut wrong = Vec::new();
    for (module, code) in module_sources("asl-runtime") {
        for forbidden in ["std::net", "tokio::net", "std::process", "tokio::process"] {
            if code.contains(forbidden) {
                wrong.push(format!("{module} uses {forbidden}"));
            }
        }
        let files = code.contains("std::fs") || code.contains("tokio::fs");
        if files && !RUNTIME_FILE_IO.contains(&module.as_str()) {
            wrong.push(format!("{module} touches files"));
        }
    }
    assert!(wrong.is_empty(), "{wrong:?}");
}

/// The engine does no network I/O of its own, and only the store crates know a
/// database.
#[test]
fn the_engine_knows_no_network_and_no_database() {
    for (module, code) in module_sources("asl-engine") {
        for forbidden in ["std::net", "tokio::net", "rusqlite", "ureq"] {
            assert!(
                !code.contains(forbidden),
                "asl-engine's {module} uses {forbidden}"
            );
        }
    }
}
