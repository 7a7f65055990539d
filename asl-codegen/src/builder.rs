//! `Builder`: compiles definitions into Rust files from a `build.rs`.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::diagnostic::render::Style;
use crate::source::SourceFile;
use crate::{Settings, check, generate, to_source};

/// Compiles ASL definitions into `$OUT_DIR/<name>.rs` from a build script, where
/// `<name>` is the file name up to its first `.` (`orders.asl.json` → `orders.rs`),
/// and tells cargo to rerun when a definition changes.
///
/// In `build.rs`'s `main`:
///
/// ```no_run
/// asl_codegen::Builder::new()
///     .file("workflows/orders.asl.json")
///     .compile()
///     .unwrap_or_else(|error| panic!("{error}"));
/// ```
///
/// ```ignore
/// // src/lib.rs
/// mod orders {
///     include!(concat!(env!("OUT_DIR"), "/orders.rs"));
/// }
/// ```
#[derive(Debug, Clone, Default)]
pub struct Builder {
    files: Vec<PathBuf>,
    out_dir: Option<PathBuf>,
    settings: Settings,
}

/// Why [`Builder::compile`] failed. `Display` and `Debug` print the same text, so that
/// `.unwrap()` or `?` in a build script show the diagnostics readably.
pub enum BuildError {
    /// A definition or the output could not be read or written.
    Io {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        error: std::io::Error,
    },
    /// Definitions are invalid or use what cannot be compiled yet: every diagnostic,
    /// rendered as `asl check` renders it.
    Invalid(String),
    /// No output directory: `OUT_DIR` is not set (not in a build script) and none
    /// was given.
    NoOutDir,
    /// Two definitions would write the same Rust file.
    DuplicateName(String),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::Io { path, error } => write!(f, "{}: {error}", path.display()),
            BuildError::Invalid(report) => f.write_str(report),
            BuildError::NoOutDir => f.write_str(
                "no output directory: run from a build script (OUT_DIR) or call Builder::out_dir",
            ),
            BuildError::DuplicateName(name) => {
                write!(
                    f,
                    "two definitions would both be written to `{name}.rs`; rename one"
                )
            }
        }
    }
}

impl fmt::Debug for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for BuildError {}

impl Builder {
    /// A builder with no files, writing to `$OUT_DIR`.
    pub fn new() -> Builder {
        Builder::default()
    }

    /// Adds a definition (JSON, or YAML when it ends in `.yaml`/`.yml`).
    pub fn file(&mut self, path: impl Into<PathBuf>) -> &mut Builder {
        self.files.push(path.into());
        self
    }

    /// Writes to `dir` instead of `$OUT_DIR`.
    pub fn out_dir(&mut self, dir: impl Into<PathBuf>) -> &mut Builder {
        self.out_dir = Some(dir.into());
        self
    }

    /// Names the runtime `path` in the generated code instead of `::asl_runtime`, for
    /// a crate that re-exports it (see [`Settings::with_runtime_path`]):
    ///
    /// ```no_run
    /// asl_codegen::Builder::new()
    ///     .file("workflows/orders.asl.json")
    ///     .runtime_path("::my_crate::asl_runtime")
    ///     .compile()
    ///     .unwrap_or_else(|error| panic!("{error}"));
    /// ```
    ///
    /// # Panics
    ///
    /// When `path` is not a Rust path without generic arguments.
    pub fn runtime_path(&mut self, path: impl Into<String>) -> &mut Builder {
        self.settings.with_runtime_path(path);
        self
    }

    /// Checks every definition, then writes one formatted Rust file per definition
    /// and prints `cargo:rerun-if-changed` for each. Returns the files written.
    pub fn compile(&self) -> Result<Vec<PathBuf>, BuildError> {
        let mut stdout = std::io::stdout().lock();
        self.compile_to(&mut stdout)
    }

    /// [`Builder::compile`], writing cargo's instructions to `cargo` instead of
    /// standard output.
    pub fn compile_to(&self, cargo: &mut impl std::io::Write) -> Result<Vec<PathBuf>, BuildError> {
        let out_dir = match &self.out_dir {
            Some(dir) => dir.clone(),
            None => std::env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or(BuildError::NoOutDir)?,
        };
        let mut report = String::new();
        let mut outputs = Vec::new();
        for path in &self.files {
            // Rerun also when the build fails, so that fixing the file rebuilds.
            let _ = writeln!(cargo, "cargo:rerun-if-changed={}", path.display());
            let text = std::fs::read_to_string(path).map_err(|error| BuildError::Io {
                path: path.clone(),
                error,
            })?;
            let name = stem(path);
            if outputs.iter().any(|(other, _)| *other == name) {
                return Err(BuildError::DuplicateName(name));
            }
            let source = SourceFile::new(path.display().to_string(), text);
            let checked = check(&source);
            let Some(workflow) = checked.workflow else {
                report.push_str(&checked.diagnostics.render(&source, Style::Plain));
                continue;
            };
            let mut settings = self.settings.clone();
            settings.with_machine_name(&name);
            match generate(&workflow, &settings) {
                Ok(tokens) => outputs.push((name, to_source(tokens))),
                Err(unsupported) => {
                    for item in unsupported {
                        report.push_str(&format!("error: {}: {item}\n", path.display()));
                    }
                }
            }
        }
        if !report.is_empty() {
            return Err(BuildError::Invalid(report));
        }
        std::fs::create_dir_all(&out_dir).map_err(|error| BuildError::Io {
            path: out_dir.clone(),
            error,
        })?;
        outputs
            .into_iter()
            .map(|(name, code)| {
                let path = out_dir.join(format!("{name}.rs"));
                write_if_changed(&path, &code)?;
                Ok(path)
            })
            .collect()
    }
}

/// The file name up to its first `.`, as a Rust-friendly name.
fn stem(path: &Path) -> String {
    let name = path
        .file_name()
        .and_then(|name| name.to_str())
        .unwrap_or("workflow");
    name.split('.').next().unwrap_or(name).replace('-', "_")
}

/// Writes `code` unless the file already holds it (keeps timestamps, so that
/// cargo does not recompile for nothing).
fn write_if_changed(path: &Path, code: &str) -> Result<(), BuildError> {
    if std::fs::read_to_string(path).is_ok_and(|existing| existing == code) {
        return Ok(());
    }
    std::fs::write(path, code).map_err(|error| BuildError::Io {
        path: path.to_owned(),
        error,
    })
}
