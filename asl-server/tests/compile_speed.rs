//! How long the host takes to compile fresh definitions of the conformance corpus
//! (`../shared/conformance/cases`) prepared all at once (batched) and one at a time.
//! A measurement, not a timed test: run it by hand,
//!
//! ```text
//! cargo test -p asl-server --test compile_speed -- --ignored --nocapture
//! ```
//!
//! `ASL_SPEED_DEFINITIONS` (default 100) definitions are compiled together, then
//! `ASL_SPEED_ONE_BY_ONE` (default the same) one at a time; each run names its
//! machines afresh, so that nothing comes from the cache.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Instant, SystemTime};

use asl_build::Cache;
use asl_engine::Control;
use asl_server::host::{Host, HostConfig};
use asl_store_sqlite::SqliteStore;
use serde_json::Value;

/// The distinct definitions of the corpus, as text.
fn definitions() -> Vec<String> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/conformance/cases");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|error| panic!("{}: {error}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    paths.sort();
    let mut definitions: Vec<String> = paths
        .iter()
        .map(|path| {
            let case: Value =
                serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
            case["definition"].to_string()
        })
        .collect();
    definitions.sort();
    definitions.dedup();
    definitions
}

fn count(name: &str) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(100)
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "a measurement of several minutes"]
async fn compile_fresh_definitions_batched_and_one_by_one() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("executions.db")).unwrap();
    let control = Arc::new(Control::new(Arc::new(store)));
    let cache = Cache::new(concat!(env!("CARGO_TARGET_TMPDIR"), "/asl-cache"));
    let config = HostConfig::new(dir.path(), dir.path().join("executions.db"), cache);
    let host = Host::new(config, control);
    let nonce = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_millis();
    let definitions = definitions();
    println!("{} distinct definitions in the corpus", definitions.len());
    // Warm up: the runtime is compiled in the cache.
    let id = host
        .prepare(&format!("warm-{nonce}"), &definitions[0])
        .unwrap();
    host.compiled(&id).await.unwrap();

    let together = count("ASL_SPEED_DEFINITIONS");
    let started = Instant::now();
    let before = host.compile_count();
    let ids: Vec<_> = (0..together)
        .map(|n| {
            let text = &definitions[n % definitions.len()];
            host.prepare(&format!("batch-{nonce}-{n}"), text).unwrap()
        })
        .collect();
    let mut failed = 0;
    for id in &ids {
        if let Err(error) = host.compiled(id).await {
            failed += 1;
            println!("{error}");
        }
    }
    let batched = started.elapsed();
    println!(
        "{together} definitions together: {batched:.1?} in {} compiles, {failed} failed",
        host.compile_count() - before
    );

    // Of which generating the modules (asl-codegen, as built for this test).
    let started = Instant::now();
    for n in 0..together {
        let text = &definitions[n % definitions.len()];
        let source = asl_codegen::SourceFile::new("m", text);
        if let Some(workflow) = asl_codegen::check(&source).workflow {
            let mut settings = asl_codegen::Settings::default();
            settings.with_machine_name("m");
            if let Ok(items) = asl_codegen::generate(&workflow, &settings) {
                let _ = asl_codegen::to_source(items);
            }
        }
    }
    println!("of which generating the modules: {:.1?}", started.elapsed());

    let alone = count("ASL_SPEED_ONE_BY_ONE");
    let started = Instant::now();
    for n in 0..alone {
        let text = &definitions[n % definitions.len()];
        let id = host.prepare(&format!("alone-{nonce}-{n}"), text).unwrap();
        let _ = host.compiled(&id).await;
    }
    let one_by_one = started.elapsed();
    println!(
        "{alone} definitions one at a time: {one_by_one:.1?} ({:.2?} each; batched: {:.2?} each)",
        one_by_one / alone.max(1) as u32,
        batched / together.max(1) as u32
    );
}
