//! The guide's examples stay true: every page of `docs/` and the README is read, and
//! what it shows is checked against the code (its Rust blocks are doctests of
//! `src/lib.rs`):
//!
//! - a `json` block that is a state machine (it has `StartAt`) is valid, without a
//!   warning, and generates code; every `json` block is JSON;
//! - a `toml` block parses as Task bindings;
//! - each command line of a `sh` block names real things: `asl` subcommands and flags
//!   (parsed with the CLI's own parser; `asl check` and `asl gen` are run), cargo
//!   packages, binaries, tests, benches and examples, and files of this repository;
//! - a block after `<!-- transcript -->` starts with `$ asl ...`, which is run here;
//!   what it prints is the rest of the block;
//! - a block after `<!-- excerpt: FILE -->` is found in FILE (`/* ... */` marks
//!   what is left out);
//! - a block after `<!-- output: BIN -->` is found, line by line and in order, in
//!   what the example binary BIN prints;
//! - a relative link names a file that exists, and its `#anchor` a heading there.
//!
//! Everything runs in one test, from the repository's root, and every stale example
//! is listed at once.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use asl_cli::{Cli, Io};
use clap::Parser;

#[test]
fn the_guide_matches_the_code() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the examples crate is in the workspace")
        .to_owned();
    // The commands the pages show run from the repository's root; this binary runs
    // this one test only, so no other test sees the change.
    std::env::set_current_dir(&root).unwrap();
    let packages = workspace_packages(&root);
    let pages = pages(&root);
    let mut problems = Vec::new();
    let mut counts = BTreeMap::<&str, usize>::new();
    for page in &pages {
        let mut problem = |line: usize, message: String| {
            problems.push(format!("{}:{line}: {message}", page.name));
        };
        for block in blocks(&page.text) {
            let marker = block.marker.as_deref();
            let kind = match (block.lang.as_str(), marker) {
                (_, Some("transcript")) => {
                    if let Err(message) = transcript(&block.body) {
                        problem(block.line, message);
                    }
                    "transcripts"
                }
                (_, Some(marker)) if marker.starts_with("excerpt: ") => {
                    let file = &marker["excerpt: ".len()..];
                    if let Err(message) = excerpt(&root.join(file), &block.body) {
                        problem(block.line, format!("not in {file}: {message}"));
                    }
                    "excerpts"
                }
                (_, Some(marker)) if marker.starts_with("output: ") => {
                    let binary = &marker["output: ".len()..];
                    if let Err(message) = output(binary, &block.body) {
                        problem(block.line, message);
                    }
                    "outputs"
                }
                (_, Some(marker)) => {
                    problem(block.line, format!("unknown marker `{marker}`"));
                    "unknown"
                }
                ("json", None) => match definition(&page.name, block.line, &block.body) {
                    Ok(true) => "definitions",
                    Ok(false) => "json",
                    Err(message) => {
                        problem(block.line, message);
                        "json"
                    }
                },
                ("toml", None) => {
                    if let Err(message) = bindings(&block.body) {
                        problem(block.line, message);
                    }
                    "bindings"
                }
                ("sh", None) => {
                    for (offset, line) in block.body.lines().enumerate() {
                        match command(&root, &packages, line) {
                            Ok(true) => *counts.entry("commands").or_default() += 1,
                            Ok(false) => {}
                            Err(message) => problem(block.line + 1 + offset, message),
                        }
                    }
                    continue;
                }
                ("rust" | "rust,no_run" | "text", None) => continue,
                (lang, None) => {
                    problem(
                        block.line,
                        format!("a `{lang}` block is not tested: mark it or use another kind"),
                    );
                    continue;
                }
            };
            *counts.entry(kind).or_default() += 1;
        }
        for (line, link) in links(&page.text) {
            match check_link(&root, &page.name, &link) {
                Ok(()) => *counts.entry("links").or_default() += 1,
                Err(message) => problem(line, format!("link `{link}`: {message}")),
            }
        }
    }
    println!("{} pages: {counts:?}", pages.len());
    assert!(
        problems.is_empty(),
        "stale examples in the guide:\n{}",
        problems.join("\n")
    );
}

/// A Markdown page, by its path from the repository's root.
struct Page {
    name: String,
    text: String,
}

/// The README and every page of `docs/`.
fn pages(root: &Path) -> Vec<Page> {
    let mut names = vec!["README.md".to_owned()];
    let mut docs: Vec<String> = std::fs::read_dir(root.join("docs"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".md"))
        .map(|name| format!("docs/{name}"))
        .collect();
    docs.sort();
    names.extend(docs);
    names
        .into_iter()
        .map(|name| Page {
            text: std::fs::read_to_string(root.join(&name)).unwrap(),
            name,
        })
        .collect()
}

/// A fenced code block.
struct Block {
    /// The info string: `rust`, `json`, `sh` ...
    lang: String,
    body: String,
    /// The line of the opening fence, from 1.
    line: usize,
    /// What an HTML comment on the line before the fence says.
    marker: Option<String>,
}

fn blocks(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut open: Option<Block> = None;
    let mut previous = "";
    for (index, line) in text.lines().enumerate() {
        let fence = line.trim_start().starts_with("```");
        match &mut open {
            Some(block) if fence => {
                blocks.push(std::mem::replace(block, empty_block()));
                open = None;
            }
            Some(block) => {
                block.body.push_str(line);
                block.body.push('\n');
            }
            None if fence => {
                let marker = previous
                    .trim()
                    .strip_prefix("<!--")
                    .and_then(|rest| rest.strip_suffix("-->"))
                    .map(|marker| marker.trim().to_owned());
                open = Some(Block {
                    lang: line.trim_start()[3..].trim().to_owned(),
                    body: String::new(),
                    line: index + 1,
                    marker,
                });
            }
            None => {}
        }
        if !line.trim().is_empty() {
            previous = line;
        }
    }
    assert!(open.is_none(), "a code block is not closed");
    blocks
}

fn empty_block() -> Block {
    Block {
        lang: String::new(),
        body: String::new(),
        line: 0,
        marker: None,
    }
}

/// Checks a `json` block; true when it is a state machine.
fn definition(page: &str, line: usize, body: &str) -> Result<bool, String> {
    let value: serde_json::Value =
        serde_json::from_str(body).map_err(|error| format!("not JSON: {error}"))?;
    if value.get("StartAt").is_none() {
        return Ok(false);
    }
    let source = asl_codegen::SourceFile::new(format!("{page}:{line}"), body);
    let checked = asl_codegen::check(&source);
    if !checked.diagnostics.is_empty() {
        let style = asl_codegen::diagnostic::render::Style::Plain;
        return Err(checked.diagnostics.render(&source, style));
    }
    let workflow = checked
        .workflow
        .expect("a definition without errors lowers");
    asl_codegen::generate(&workflow, &asl_codegen::Settings::default())
        .map_err(|unsupported| format!("cannot be compiled: {unsupported:?}"))?;
    Ok(true)
}

fn bindings(body: &str) -> Result<(), String> {
    asl_integrations::Bindings::parse(body, Path::new("docs/bindings.toml"))
        .map(drop)
        .map_err(|error| error.to_string())
}

/// Checks one line of a `sh` block; true when it was a command (not a comment).
fn command(root: &Path, packages: &Packages, line: &str) -> Result<bool, String> {
    let mut words = shell_words(line)?;
    // Leading `NAME=value` settings of the environment.
    while words.first().is_some_and(|word| {
        word.split_once('=')
            .is_some_and(|(name, _)| !name.is_empty() && !name.contains('/'))
    }) {
        words.remove(0);
    }
    let Some(program) = words.first().cloned() else {
        return Ok(false);
    };
    for word in &words {
        repository_path(root, word)?;
    }
    if program == "asl" || program.ends_with("/asl") {
        asl(&words[1..])?;
    } else if program == "cargo" {
        cargo(packages, &words[1..])?;
    }
    Ok(true)
}

/// Parses (and for `check` and `gen`, runs) an `asl` command line.
fn asl(arguments: &[String]) -> Result<(), String> {
    let mut cli =
        Cli::try_parse_from(std::iter::once("asl").chain(arguments.iter().map(String::as_str)))
            .map_err(|error| format!("`asl {}`: {error}", arguments.join(" ")))?;
    let output = tempfile::tempdir().unwrap();
    match &mut cli.command {
        asl_cli::Command::Check(_) => {}
        asl_cli::Command::Gen(args) => args.output = Some(output.path().join("out.rs")),
        _ => return Ok(()),
    }
    let (status, printed) = run_asl(cli);
    if status == 0 {
        Ok(())
    } else {
        Err(format!(
            "`asl {}` exits {status}:\n{printed}",
            arguments.join(" ")
        ))
    }
}

/// Runs the CLI in this process: its exit status, and its stderr then its stdout.
fn run_asl(cli: Cli) -> (u8, String) {
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let status = asl_cli::run(
        cli,
        &mut Io {
            stdin: &mut std::io::empty(),
            stdout: &mut stdout,
            stderr: &mut stderr,
            stderr_is_terminal: false,
        },
    )
    .unwrap();
    stderr.extend(stdout);
    (status, String::from_utf8(stderr).unwrap())
}

/// Checks what a cargo command line names: packages and their targets.
fn cargo(packages: &Packages, arguments: &[String]) -> Result<(), String> {
    let (arguments, after) = match arguments.iter().position(|word| word == "--") {
        Some(index) => (&arguments[..index], &arguments[index + 1..]),
        None => (arguments, &[][..]),
    };
    let value = |flags: &[&str]| {
        arguments
            .windows(2)
            .find(|pair| flags.contains(&pair[0].as_str()))
            .map(|pair| pair[1].clone())
    };
    let package = match value(&["-p", "--package"]) {
        Some(name) => Some(
            packages
                .get(&name)
                .ok_or_else(|| format!("no package `{name}` in the workspace"))?,
        ),
        None => None,
    };
    for (flag, folder, what) in [
        ("--bin", "src/bin", "binary"),
        ("--test", "tests", "test"),
        ("--bench", "benches", "bench"),
        ("--example", "examples", "example"),
    ] {
        let Some(name) = value(&[flag]) else { continue };
        let package = package.ok_or_else(|| format!("`{flag} {name}` without `-p`"))?;
        let file = package.join(folder).join(format!("{name}.rs"));
        if !file.exists() && !declared(package, &name) {
            return Err(format!("no {what} `{name}` in {}", package.display()));
        }
    }
    if arguments.first().is_some_and(|word| word == "run")
        && package.is_some_and(|dir| dir.ends_with("asl-cli"))
    {
        asl(after)?;
    }
    Ok(())
}

/// The workspace's packages: name → directory.
type Packages = BTreeMap<String, PathBuf>;

fn workspace_packages(root: &Path) -> Packages {
    let manifest = |dir: &Path| -> toml::Table {
        toml::from_str(&std::fs::read_to_string(dir.join("Cargo.toml")).unwrap()).unwrap()
    };
    let workspace = manifest(root);
    workspace["workspace"]["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|member| {
            let dir = root.join(member.as_str().unwrap());
            let name = manifest(&dir)["package"]["name"]
                .as_str()
                .unwrap()
                .to_owned();
            (name, dir)
        })
        .collect()
}

/// True when the package's manifest declares a target named `name` (`[[bin]]` ...).
fn declared(package: &Path, name: &str) -> bool {
    let text = std::fs::read_to_string(package.join("Cargo.toml")).unwrap();
    let manifest: toml::Table = toml::from_str(&text).unwrap();
    ["bin", "test", "bench", "example"].iter().any(|kind| {
        manifest
            .get(*kind)
            .and_then(|targets| targets.as_array())
            .is_some_and(|targets| {
                targets
                    .iter()
                    .any(|target| target["name"].as_str() == Some(name))
            })
    })
}

/// A word naming a path of this repository (its first component is one of the
/// repository's top-level entries) must exist; `@FILE` counts too.
fn repository_path(root: &Path, word: &str) -> Result<(), String> {
    let path = word.strip_prefix('@').unwrap_or(word);
    let Some((first, _)) = path.split_once('/') else {
        return Ok(());
    };
    let top_level = !first.is_empty() && first != "." && first != ".." && root.join(first).is_dir();
    // `target/` holds what a build leaves; it is not part of the repository.
    if top_level && first != "target" && !root.join(path).exists() {
        return Err(format!("`{path}` does not exist"));
    }
    Ok(())
}

/// Splits a command line as sh would (quotes, `#` comments); no expansions.
fn shell_words(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '#' if word.is_none() => break,
            c if c.is_whitespace() => words.extend(word.take()),
            '\'' => loop {
                match chars.next() {
                    Some('\'') => break,
                    Some(c) => word.get_or_insert_with(String::new).push(c),
                    None => return Err("unterminated '".to_owned()),
                }
            },
            '"' => loop {
                match chars.next() {
                    Some('"') => break,
                    Some('\\') => {
                        let escaped = chars.next().ok_or("unterminated \"")?;
                        word.get_or_insert_with(String::new).push(escaped);
                    }
                    Some(c) => word.get_or_insert_with(String::new).push(c),
                    None => return Err("unterminated \"".to_owned()),
                }
            },
            c => word.get_or_insert_with(String::new).push(c),
        }
        if matches!(c, '\'' | '"') {
            word.get_or_insert_with(String::new);
        }
    }
    words.extend(word);
    Ok(words)
}

/// Runs the `$ asl ...` line of a transcript and compares what it prints.
fn transcript(body: &str) -> Result<(), String> {
    let (first, expected) = body.split_once('\n').unwrap_or((body, ""));
    let line = first
        .strip_prefix("$ asl ")
        .ok_or("a transcript starts with `$ asl `")?;
    let arguments = shell_words(line)?;
    let cli =
        Cli::try_parse_from(std::iter::once("asl").chain(arguments.iter().map(String::as_str)))
            .map_err(|error| error.to_string())?;
    let (_, printed) = run_asl(cli);
    if printed.trim_end() == expected.trim_end() {
        Ok(())
    } else {
        Err(format!("`{first}` prints\n{printed}"))
    }
}

/// Every line of `body` is in `file`, but for the parts marked `/* ... */`.
fn excerpt(file: &Path, body: &str) -> Result<(), String> {
    let text = std::fs::read_to_string(file).map_err(|error| error.to_string())?;
    for line in body.lines() {
        for part in line.split("/* ... */") {
            if !text.contains(part) {
                return Err(format!("`{part}`"));
            }
        }
    }
    Ok(())
}

/// Every line of `body` is a line of what example binary `binary` prints, in order.
fn output(binary: &str, body: &str) -> Result<(), String> {
    let path = match binary {
        "payment" => env!("CARGO_BIN_EXE_payment"),
        "order-processing" => env!("CARGO_BIN_EXE_order-processing"),
        other => return Err(format!("no example binary `{other}` to run")),
    };
    let run = Command::new(path)
        .output()
        .map_err(|error| error.to_string())?;
    let printed = String::from_utf8(run.stdout).unwrap();
    let mut lines = printed.lines();
    for expected in body.lines() {
        if !lines.any(|line| line == expected) {
            return Err(format!(
                "`{binary}` does not print `{expected}` there; it prints\n{printed}"
            ));
        }
    }
    Ok(())
}

/// The targets of inline links outside code, with their lines.
fn links(text: &str) -> Vec<(usize, String)> {
    let mut links = Vec::new();
    let mut in_block = false;
    for (index, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            in_block = !in_block;
            continue;
        }
        if in_block {
            continue;
        }
        let mut rest = line;
        while let Some(start) = rest.find("](") {
            rest = &rest[start + 2..];
            let Some(end) = rest.find(')') else { break };
            links.push((index + 1, rest[..end].to_owned()));
            rest = &rest[end..];
        }
    }
    links
}

fn check_link(root: &Path, page: &str, link: &str) -> Result<(), String> {
    if link.starts_with("https://") || link.starts_with("http://") {
        return Ok(());
    }
    let (path, anchor) = link.split_once('#').unwrap_or((link, ""));
    let target = if path.is_empty() {
        PathBuf::from(page)
    } else {
        normalize(&Path::new(page).parent().unwrap().join(path))
    };
    let name = target.to_string_lossy().into_owned();
    if !root.join(&target).exists() {
        return Err(format!("{name} does not exist"));
    }
    if !anchor.is_empty() {
        let text =
            std::fs::read_to_string(root.join(&target)).map_err(|error| error.to_string())?;
        if !headings(&text)
            .iter()
            .any(|heading| slug(heading) == anchor)
        {
            return Err(format!("no heading `#{anchor}` in {name}"));
        }
    }
    Ok(())
}

/// `docs/../examples/x` → `examples/x`.
fn normalize(path: &Path) -> PathBuf {
    let mut normal = PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::ParentDir => {
                normal.pop();
            }
            std::path::Component::CurDir => {}
            other => normal.push(other),
        }
    }
    normal
}

fn headings(text: &str) -> Vec<String> {
    let mut in_block = false;
    let mut headings = Vec::new();
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_block = !in_block;
        } else if !in_block && line.starts_with('#') {
            headings.push(line.trim_start_matches('#').trim().to_owned());
        }
    }
    headings
}

/// The anchor GitHub gives a heading.
fn slug(heading: &str) -> String {
    heading
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}
