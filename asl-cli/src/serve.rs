//! `asl serve`: the Step Functions API until Ctrl-C or SIGTERM.

use std::io;

use asl_server::protocol::{Auth, Credentials, CredentialsError};
use asl_server::{Config, Server};
use asl_store_postgres::Database;
use asl_store_postgres::fleet::Lease;
use tracing_subscriber::EnvFilter;

use crate::{AuthChoice, Io, ServeArgs};

/// Exit status when the server stopped on a signal.
const STOPPED: u8 = 0;
/// Exit status when it cannot start.
const CANNOT_START: u8 = 2;

/// Serves until a signal; returns the exit status.
pub fn serve(args: &ServeArgs, io: &mut Io<'_>) -> io::Result<u8> {
    let mut config = match Config::from_env(&args.data_dir) {
        Ok(config) => config,
        Err(error) => {
            writeln!(
                io.stderr,
                "error: {error}: set AWS_REGION (or AWS_DEFAULT_REGION), ASL_ACCOUNT_ID and ASL_PARTITION to name the account of the server's ARNs"
            )?;
            return Ok(CANNOT_START);
        }
    };
    config.bindings = args.bindings.clone();
    config.execution_logs = args.execution_logs.clone();
    config.otlp_endpoint = args.otlp_endpoint.clone();
    config.database = args
        .db
        .clone()
        .or_else(|| std::env::var("ASL_DATABASE_URL").ok());
    if let Some(url) = config.database.as_deref().filter(|_| args.migrate_only) {
        return migrate(url, io);
    }
    match std::time::Duration::try_from_secs_f64(args.takeover_seconds) {
        Ok(takeover) if takeover >= std::time::Duration::from_secs(1) => {
            config.lease = Lease { takeover };
        }
        _ => {
            writeln!(io.stderr, "error: --takeover-seconds must be 1 or more")?;
            return Ok(CANNOT_START);
        }
    }
    config.mock_config = args
        .mock_config
        .clone()
        .or_else(|| std::env::var_os("SFN_MOCK_CONFIG").map(std::path::PathBuf::from));
    match (args.auth, &args.credentials) {
        (AuthChoice::None, None) => {}
        (AuthChoice::None, Some(_)) => {
            writeln!(
                io.stderr,
                "error: --credentials names the keys of --auth sigv4; add --auth sigv4"
            )?;
            return Ok(CANNOT_START);
        }
        (AuthChoice::Sigv4, file) => match access_keys(file.as_deref()) {
            Ok(credentials) if credentials.is_empty() => {
                writeln!(
                    io.stderr,
                    "error: --auth sigv4 needs access keys: --credentials FILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment"
                )?;
                return Ok(CANNOT_START);
            }
            Ok(credentials) => config = config.with_sigv4(credentials),
            Err(error) => {
                writeln!(io.stderr, "error: {error}")?;
                return Ok(CANNOT_START);
            }
        },
    }
    let auth = match &config.auth {
        Auth::None => "no authentication".to_owned(),
        Auth::SigV4(verifier) => format!(
            "SigV4 for {} with {} access key(s)",
            config.account.region(),
            verifier.credentials().len()
        ),
    };
    let server = match Server::open(config) {
        Ok(server) => server,
        Err(error) => {
            writeln!(io.stderr, "error: {error}")?;
            return Ok(CANNOT_START);
        }
    };
    // A subscriber may already be set (when tests run commands in one process).
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_ansi(io.stderr_is_terminal)
        .with_writer(io::stderr)
        .try_init();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let listener = match tokio::net::TcpListener::bind(&args.bind).await {
            Ok(listener) => listener,
            Err(error) => {
                writeln!(io.stderr, "error: cannot listen on {}: {error}", args.bind)?;
                return Ok(CANNOT_START);
            }
        };
        let data = match server.state().host.fleet() {
            Some(node) => format!("node {} of the fleet on PostgreSQL", node.id()),
            None => format!("data in {}", server.data_dir().display()),
        };
        writeln!(
            io.stderr,
            "asl serve: listening on http://{} ({data}; {auth})",
            listener.local_addr()?,
        )?;
        io.stderr.flush()?;
        server.serve(listener, stopped()).await?;
        Ok(STOPPED)
    })
}

/// `--migrate-only`: brings the schema of the database at `url` up to date.
fn migrate(url: &str, io: &mut Io<'_>) -> io::Result<u8> {
    let migrated = Database::connect(url).and_then(|database| {
        let applied = database.migrate()?;
        let (version, _) = database.schema_version()?;
        Ok((applied, version))
    });
    match migrated {
        Ok((applied, version)) => {
            writeln!(
                io.stderr,
                "asl serve: the database schema is at version {version} (applied now: {applied:?})"
            )?;
            Ok(STOPPED)
        }
        Err(error) => {
            writeln!(io.stderr, "error: cannot migrate the database: {error}")?;
            Ok(CANNOT_START)
        }
    }
}

/// The keys of `--auth sigv4`: those of `file` and of the environment.
fn access_keys(file: Option<&std::path::Path>) -> Result<Credentials, CredentialsError> {
    let from_env = Credentials::from_env()?;
    match file {
        None => Ok(from_env),
        Some(file) => Credentials::from_file(file)?.merge(
            from_env,
            &file.display().to_string(),
            "the environment",
        ),
    }
}

/// Completes on Ctrl-C or SIGTERM.
async fn stopped() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}
