//! Compiling definitions in batches: one compile at a time, taking every definition
//! queued meanwhile, and the records that keep where each definition compiled to.

use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use asl_build::CompileError;
use serde_json::{Value, json};

use super::{Compiled, Definition, Host, HostError, compile, lock, write_atomically};

/// How long the first definition of a batch waits for others before the compile
/// starts: definitions prepared together (a deployment of many state machines)
/// then compile together even when no compile runs yet.
const GATHER: Duration = Duration::from_millis(50);

/// The definitions waiting for the next compile.
#[derive(Debug, Default)]
pub(super) struct Queue {
    waiting: Vec<Arc<Definition>>,
    /// Whether the task compiling the queue runs.
    compiling: bool,
}

/// A definition and its generated module.
type Generated = (Arc<Definition>, String);

impl Host {
    /// Where `definition` is compiled: at once when known, else as its record
    /// says, else once the compile of its batch ends.
    pub(super) async fn compiled_of(
        &self,
        definition: &Arc<Definition>,
    ) -> Result<Compiled, HostError> {
        if let Some(known) = definition.compiled.borrow().clone() {
            return known;
        }
        if !definition.queued.swap(true, Ordering::SeqCst) {
            // A task of its own, which the caller cannot cancel by dropping this
            // future half-way: once queued, a definition must get a result.
            let host = self.clone();
            let definition = Arc::clone(definition);
            tokio::spawn(async move {
                match host.recorded(&definition).await {
                    Some(compiled) => host.resolve(&definition, Ok(compiled)),
                    None => host.enqueue(definition),
                }
            });
        }
        let mut known = definition.compiled.subscribe();
        let known = known.wait_for(Option::is_some).await;
        // The sender lives in the definition, which outlives this call.
        known
            .map(|known| known.clone().unwrap_or_else(unreachable_result))
            .unwrap_or_else(|_| unreachable_result())
    }

    /// Sets how `definition` compiled, unless that is known already.
    fn resolve(&self, definition: &Definition, result: Result<Compiled, HostError>) {
        definition.compiled.send_if_modified(|known| {
            if known.is_some() {
                return false;
            }
            *known = Some(result);
            true
        });
    }

    /// Where the record of `definition` says it was compiled, if that binary is
    /// still there and was built from what a compile would use now.
    async fn recorded(&self, definition: &Definition) -> Option<Compiled> {
        let text = std::fs::read_to_string(self.record_path(definition)).ok()?;
        let record: Value = serde_json::from_str(&text).ok()?;
        let binary = PathBuf::from(record["binary"].as_str()?);
        let key = record["machine"].as_str()?.to_owned();
        let built = record["build"].as_str()?;
        if !binary.is_file() || self.build_key().await.ok()?.as_str() != built {
            return None;
        }
        Some(Compiled {
            binary: self.binary_at(binary),
            key,
        })
    }

    /// Keeps where `definition` compiled, for later processes.
    fn record(&self, definition: &Definition, binary: &std::path::Path, key: &str, build: &str) {
        let record = json!({"binary": binary, "machine": key, "build": build});
        let path = self.record_path(definition);
        if let Err(error) = write_atomically(&path, record.to_string().as_bytes()) {
            tracing::warn!(path = %path.display(), %error, "cannot keep where a definition compiled to; it compiles again after a restart");
        }
    }

    fn record_path(&self, definition: &Definition) -> PathBuf {
        self.inner
            .config
            .data_dir
            .join("definitions")
            .join(format!("{}.compiled.json", definition.id.0))
    }

    /// What binaries compiled now are built from besides their modules, computed
    /// once.
    async fn build_key(&self) -> Result<String, HostError> {
        self.inner
            .build_key
            .get_or_init(|| async {
                tokio::task::spawn_blocking(compile::build_key)
                    .await
                    .unwrap_or_else(|error| Err(HostError::Compile(error.to_string())))
            })
            .await
            .clone()
    }

    /// Queues `definition` for the next compile, and starts compiling unless a
    /// compile runs.
    fn enqueue(&self, definition: Arc<Definition>) {
        let start = {
            let mut queue = lock(&self.inner.queue);
            queue.waiting.push(definition);
            !std::mem::replace(&mut queue.compiling, true)
        };
        if start {
            let host = self.clone();
            tokio::spawn(async move {
                tokio::time::sleep(GATHER).await;
                host.compile_queue().await;
            });
        }
    }

    /// Compiles the queued definitions, a batch at a time, until none is left.
    async fn compile_queue(&self) {
        loop {
            let batch: Vec<Arc<Definition>> = {
                let mut queue = lock(&self.inner.queue);
                if queue.waiting.is_empty() {
                    queue.compiling = false;
                    return;
                }
                let count = queue
                    .waiting
                    .len()
                    .min(self.inner.config.limits.batch_definitions.max(1));
                queue.waiting.drain(..count).collect()
            };
            self.compile_batch(batch).await;
        }
    }

    /// Generates the modules of `batch` and compiles them, in as few builds as the
    /// size limit allows.
    async fn compile_batch(&self, batch: Vec<Arc<Definition>>) {
        let build = match self.build_key().await {
            Ok(build) => build,
            Err(error) => {
                for definition in &batch {
                    self.resolve(definition, Err(error.clone()));
                }
                return;
            }
        };
        let generated = tokio::task::spawn_blocking(move || {
            batch
                .into_iter()
                .map(|definition| {
                    // A bug of the generator's on one definition fails that one.
                    let module = std::panic::catch_unwind(AssertUnwindSafe(|| {
                        compile::module(
                            &definition.machine,
                            &definition.text,
                            definition.test.as_deref(),
                        )
                    }))
                    .unwrap_or_else(|_| {
                        Err(HostError::Compile(
                            "the code generator failed on this definition".into(),
                        ))
                    });
                    (definition, module)
                })
                .collect::<Vec<_>>()
        })
        .await
        .unwrap_or_default();
        let mut ready = Vec::new();
        for (definition, module) in generated {
            match module {
                Ok(module) => ready.push((definition, module)),
                Err(error) => self.resolve(&definition, Err(error)),
            }
        }
        let limit = self.inner.config.limits.batch_bytes;
        for chunk in chunks(ready, |(_, module)| module.len(), limit) {
            self.compile_chunk(chunk, &build).await;
        }
    }

    /// Compiles `chunk` into one binary. A module the compiler rejects fails its
    /// definition with the compiler's messages about it, and the rest are built
    /// again without it.
    async fn compile_chunk(&self, mut chunk: Vec<Generated>, build: &str) {
        while !chunk.is_empty() {
            let modules: Vec<(String, String)> = chunk
                .iter()
                .map(|(definition, module)| (definition.id.0.clone(), module.clone()))
                .collect();
            let cache = self.inner.config.cache.clone();
            let timeout = self.inner.config.limits.compile_timeout;
            self.inner.compiles.fetch_add(1, Ordering::SeqCst);
            let started = Instant::now();
            let compiled = tokio::task::spawn_blocking(move || {
                let modules: Vec<(&str, &str)> = modules
                    .iter()
                    .map(|(key, module)| (key.as_str(), module.as_str()))
                    .collect();
                compile::binary(&modules, &cache, timeout)
            })
            .await
            .unwrap_or_else(|error| Err(CompileError::Build(error.to_string())));
            match compiled {
                Ok(path) => {
                    tracing::info!(
                        definitions = chunk.len(),
                        seconds = started.elapsed().as_secs_f64(),
                        binary = %path.display(),
                        "compiled"
                    );
                    let binary = self.binary_at(path.clone());
                    for (definition, _) in &chunk {
                        let key = definition.id.0.clone();
                        self.record(definition, &path, &key, build);
                        let compiled = Compiled {
                            binary: Arc::clone(&binary),
                            key,
                        };
                        self.resolve(definition, Ok(compiled));
                    }
                    return;
                }
                Err(CompileError::Build(output)) => {
                    let (rejected, rest): (Vec<_>, Vec<_>) = chunk
                        .into_iter()
                        .partition(|(definition, _)| output.contains(&module_file(definition)));
                    if rejected.is_empty() {
                        // Not the fault of a module: all fail alike.
                        let error = HostError::Compile(CompileError::Build(output).to_string());
                        for (definition, _) in &rest {
                            self.resolve(definition, Err(error.clone()));
                        }
                        return;
                    }
                    for (definition, _) in &rejected {
                        let about = messages_about(&output, &module_file(definition));
                        let error = HostError::Compile(CompileError::Build(about).to_string());
                        self.resolve(definition, Err(error));
                    }
                    chunk = rest;
                }
                Err(CompileError::TimedOut(limit)) => {
                    let error = HostError::Compile(format!(
                        "compiling it, with {} other state machines, took longer than the limit of {} s, and was stopped",
                        chunk.len() - 1,
                        limit.as_secs()
                    ));
                    for (definition, _) in &chunk {
                        self.resolve(definition, Err(error.clone()));
                    }
                    return;
                }
                Err(other) => {
                    let error = HostError::Compile(other.to_string());
                    for (definition, _) in &chunk {
                        self.resolve(definition, Err(error.clone()));
                    }
                    return;
                }
            }
        }
    }
}

/// The result that cannot be: a definition's sender outlives its waiters.
fn unreachable_result() -> Result<Compiled, HostError> {
    Err(HostError::Compile("the compile was abandoned".into()))
}

/// The file of `definition`'s module in its batch's crate, as the compiler names it.
fn module_file(definition: &Definition) -> String {
    format!("src/m_{}.rs", definition.id.0)
}

/// The compiler's messages (blocks separated by blank lines) that name `file`; all
/// of `output` when none does alone.
fn messages_about(output: &str, file: &str) -> String {
    let about: Vec<&str> = output
        .split("\n\n")
        .filter(|block| block.contains(file))
        .collect();
    if about.is_empty() {
        output.to_owned()
    } else {
        about.join("\n\n")
    }
}

/// `items` in order, cut into chunks of at most `bytes` each (as `size_of` measures
/// them); an item larger than that is a chunk of its own.
fn chunks<T>(items: Vec<T>, size_of: impl Fn(&T) -> usize, bytes: usize) -> Vec<Vec<T>> {
    let mut chunks: Vec<Vec<T>> = Vec::new();
    let mut size = 0;
    for item in items {
        let len = size_of(&item);
        match chunks.last_mut() {
            Some(chunk) if size + len <= bytes => {
                chunk.push(item);
                size += len;
            }
            _ => {
                chunks.push(vec![item]);
                size = len;
            }
        }
    }
    chunks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modules_are_cut_into_chunks_of_a_size_and_a_large_one_alone() {
        let lengths = |chunks: Vec<Vec<&str>>| -> Vec<Vec<usize>> {
            chunks
                .iter()
                .map(|chunk| chunk.iter().map(|item| item.len()).collect())
                .collect()
        };
        let items = vec!["aaa", "bb", "cccccccc", "d", "ee", "fff"];
        assert_eq!(
            lengths(chunks(items.clone(), |item| item.len(), 5)),
            [vec![3, 2], vec![8], vec![1, 2], vec![3]]
        );
        assert_eq!(
            lengths(chunks(items, |item| item.len(), 100)),
            [vec![3, 2, 8, 1, 2, 3]]
        );
        assert!(chunks(Vec::<&str>::new(), |item| item.len(), 5).is_empty());
    }

    #[test]
    fn the_messages_about_a_module_are_kept() {
        let output = "error[E0308]: mismatched types\n --> src/m_a.rs:3:1\n\nerror: oops\n --> src/m_b.rs:9:2\n\nerror: could not compile";
        assert_eq!(
            messages_about(output, "src/m_b.rs"),
            "error: oops\n --> src/m_b.rs:9:2"
        );
        assert_eq!(messages_about(output, "src/m_c.rs"), output);
    }
}
