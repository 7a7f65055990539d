//! Generated modules compiled into standalone binaries through the cache; the module
//! is generated from `fixtures/greeter.asl.json`, a Task and a Succeed state.
//!
//! The cache lives in cargo's temporary directory for tests, so the runtime compiles
//! once per checkout; each test compiles modules no run compiled before (a unique
//! comment), so that the cargo path is exercised every time.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use asl_cli::{Cache, Durability, Profile, compile};

/// The Rust generated for `fixtures/greeter.asl.json`.
fn greeter() -> String {
    let text = include_str!("fixtures/greeter.asl.json");
    let source = asl_codegen::SourceFile::new("greeter.asl.json", text);
    let workflow = asl_codegen::check(&source)
        .workflow
        .expect("the fixture is valid");
    let mut settings = asl_codegen::Settings::default();
    settings.with_machine_name("greeter");
    asl_codegen::to_source(asl_codegen::generate(&workflow, &settings).expect("generated"))
}

fn cache() -> Cache {
    Cache::new(concat!(env!("CARGO_TARGET_TMPDIR"), "/asl-cache"))
}

/// The greeter module, made different from every module compiled before.
fn fresh_greeter(label: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{}\n// {label} {} {nanos}\n", greeter(), std::process::id())
}

/// Runs `binary` with `args`, `stdin` as its standard input.
fn run(binary: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(binary)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).unwrap()
}

#[test]
fn a_module_compiles_once_and_runs_with_its_bindings() {
    let cache = cache();
    let module = fresh_greeter("once");
    let started = Instant::now();
    let binary = compile(&module, Profile::Run, Durability::None, &cache)
        .unwrap_or_else(|error| panic!("{error}"));
    eprintln!("first compile: {:?}", started.elapsed());
    assert!(
        binary.starts_with(cache.root().join("target/debug")),
        "{}",
        binary.display()
    );

    // A compiled module is used as it is: its crate is not even looked at.
    let crates = cache.root().join("crates");
    let name = binary.file_stem().unwrap();
    std::fs::remove_dir_all(crates.join(name)).unwrap();
    let started = Instant::now();
    assert_eq!(
        compile(&module, Profile::Run, Durability::None, &cache).unwrap(),
        binary
    );
    eprintln!("second compile: {:?}", started.elapsed());
    assert!(!crates.join(name).exists());

    let dir = tempfile::tempdir().unwrap();
    let bindings = dir.path().join("bindings.toml");
    std::fs::write(&bindings, "[states.Greet]\ncommand = [\"cat\"]\n").unwrap();
    let bindings = bindings.to_str().unwrap();
    let output = run(
        &binary,
        &["--bindings", bindings, "--input", "-"],
        r#"{"name": "Ada"}"#,
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(text(&output.stdout), "{\"name\":\"Ada\"}\n");

    let failing = dir.path().join("failing.toml");
    std::fs::write(
        &failing,
        "[resources.\"arn:aws:lambda:us-east-1:123456789012:function:greet\"]\n\
         command = \"echo '{\\\"error\\\": \\\"Declined\\\"}'; exit 1\"\n",
    )
    .unwrap();
    let output = run(&binary, &["--bindings", failing.to_str().unwrap()], "");
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    assert_eq!(
        text(&output.stdout),
        "{\"error\":\"Declined\",\"cause\":null}\n"
    );

    let output = run(&binary, &[], "");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output.stderr).starts_with("error: Task state `Greet` (Resource `arn:aws:lambda:us-east-1:123456789012:function:greet`) has no binding"),
        "{}",
        text(&output.stderr)
    );
}

#[test]
fn concurrent_compiles_of_different_modules_share_the_cache() {
    let cache = cache();
    let modules = [fresh_greeter("left"), fresh_greeter("right")];
    let binaries: Vec<_> = std::thread::scope(|scope| {
        let compiles: Vec<_> = modules
            .iter()
            .map(|module| scope.spawn(|| compile(module, Profile::Run, Durability::None, &cache)))
            .collect();
        compiles
            .into_iter()
            .map(|compile| {
                compile
                    .join()
                    .unwrap()
                    .unwrap_or_else(|error| panic!("{error}"))
            })
            .collect()
    });
    assert_ne!(binaries[0], binaries[1]);
    for binary in &binaries {
        let output = run(binary, &["--input", "[]"], "");
        // Unbound, but running: the binary got as far as checking its bindings.
        assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
    }
}

#[test]
fn a_module_that_does_not_compile_reports_the_compiler_errors() {
    let module = format!(
        "{}\nfn broken() -> u8 {{ \"text\" }}\n",
        fresh_greeter("broken")
    );
    let error = compile(&module, Profile::Run, Durability::None, &cache()).unwrap_err();
    let message = error.to_string();
    assert!(
        message.starts_with("compiling the workflow failed:\n"),
        "{message}"
    );
    assert!(message.contains("mismatched types"), "{message}");
}

#[test]
fn a_release_binary_runs_like_the_run_binary() {
    let cache = cache();
    let started = Instant::now();
    let binary = compile(
        &fresh_greeter("release"),
        Profile::Release,
        Durability::None,
        &cache,
    )
    .unwrap_or_else(|error| panic!("{error}"));
    eprintln!("release compile: {:?}", started.elapsed());
    assert!(
        binary.starts_with(cache.root().join("target/release")),
        "{}",
        binary.display()
    );
    let dir = tempfile::tempdir().unwrap();
    let bindings = dir.path().join("bindings.toml");
    std::fs::write(
        &bindings,
        "[states.Greet]\ncommand = \"echo '\\\"hi\\\"'\"\n",
    )
    .unwrap();
    let output = run(&binary, &["--bindings", bindings.to_str().unwrap()], "");
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(text(&output.stdout), "\"hi\"\n");
}
