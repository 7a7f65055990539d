//! The server: its configuration, the state its handlers share, and serving.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use asl_build::Cache;
use asl_engine::Control;
use asl_engine::store::StoreError;
use asl_runtime::arn::{Account, InvalidAccount};
use asl_store_postgres::fleet::{Lease, Node};
use asl_store_postgres::{Database, DatabaseError, PostgresStore};
use asl_store_sqlite::SqliteStore;

use crate::metrics::Metrics;
use tokio::net::TcpListener;

use crate::catalog::{Catalog, CatalogError, PostgresCatalog, SqliteCatalog};
use asl_integrations::mock::{MockConfig, MockConfigError};

use crate::catalog::{Page, StateMachine};
use crate::host::{DefinitionId, Host, HostConfig};
use crate::protocol::{self, Actions};
use crate::protocol::{ApiError, Auth, Credentials, SigV4};

/// What a server is opened with.
#[derive(Debug, Clone)]
pub struct Config {
    /// The directory of its durable state: `catalog.db` (the API's resources) and
    /// `executions.db` (the executions' store); created if missing.
    pub data_dir: PathBuf,
    /// The TOML file binding Task states to commands and HTTP endpoints, as `asl
    /// run --bindings` reads it.
    pub bindings: Option<PathBuf>,
    /// A mock configuration in AWS Step Functions Local's format, whose test cases
    /// executions run when started as `stateMachineArn#TestCase`.
    pub mock_config: Option<PathBuf>,
    /// The partition, region and account of the ARNs it makes.
    pub account: Account,
    /// How requests are authenticated: not at all by default.
    pub auth: Auth,
    /// Where the execution logs of the state machines whose
    /// `loggingConfiguration` asks for them go: this file (appended to), else
    /// stderr.
    pub execution_logs: Option<PathBuf>,
    /// The OTLP/HTTP endpoint (a collector's base URL) the executions' traces are
    /// exported to; without it, `OTEL_EXPORTER_OTLP_ENDPOINT` if set.
    pub otlp_endpoint: Option<String>,
    /// A PostgreSQL database (`postgres://...`) holding the catalog and the
    /// executions instead of the data directory's SQLite files: several servers
    /// may share it (see [`crate::fleet`]).
    pub database: Option<String>,
    /// On PostgreSQL, how long a dead server's executions wait at most before
    /// the others take them over.
    pub lease: Lease,
}

impl Config {
    /// Data in `data_dir`, no bindings, the account the environment names
    /// (`AWS_REGION` or `AWS_DEFAULT_REGION`, `ASL_ACCOUNT_ID`, `ASL_PARTITION`; by
    /// default `aws`, `us-east-1`, `123456789012`), no authentication.
    pub fn from_env(data_dir: impl Into<PathBuf>) -> Result<Config, InvalidAccount> {
        Ok(Config {
            data_dir: data_dir.into(),
            bindings: None,
            mock_config: None,
            account: Account::from_env()?,
            auth: Auth::None,
            execution_logs: None,
            otlp_endpoint: None,
            database: None,
            lease: Lease::default(),
        })
    }

    /// Requires every request to be signed (Signature Version 4) with one of
    /// `credentials`' keys, for this configuration's region.
    pub fn with_sigv4(mut self, credentials: Credentials) -> Config {
        self.auth = Auth::SigV4(SigV4::new(credentials, self.account.region()));
        self
    }
}

/// What the handlers of every action share.
#[derive(Debug)]
pub struct AppState {
    /// The API's resources.
    pub catalog: Arc<dyn Catalog>,
    /// The executions, in `executions.db`.
    pub control: Arc<Control>,
    /// The compiled machines and the workers running their executions.
    pub host: Host,
    /// The configuration the server was opened with.
    pub config: Config,
    /// Its mock configuration, read when it opened.
    pub mocks: Option<MockConfig>,
    /// The metrics `GET /metrics` shows.
    pub metrics: Metrics,
    /// Wakes the console's live execution pages.
    pub console_commits: crate::console::Commits,
}

impl AppState {
    /// The ARN of state machine `name` in this server's account.
    pub fn machine_arn(&self, name: &str) -> String {
        self.config
            .account
            .states_arn(format_args!("stateMachine:{name}"))
    }

    /// Hands `machine`'s latest definition to the host: compiled in the background
    /// unless it was before, and run by the executions that other executions start.
    pub fn deploy(&self, machine: &StateMachine) -> Result<DefinitionId, ApiError> {
        let id = self
            .host
            .prepare(&machine.name, &machine.revision.definition)
            .map_err(|error| ApiError::internal(&error))?;
        self.host.deploy(&machine.name, &id);
        Ok(id)
    }

    /// Deploys every state machine of the catalog.
    fn deploy_all(&self) -> Result<(), ApiError> {
        let mut after: Option<String> = None;
        loop {
            let page = Page {
                after: after.as_deref(),
                limit: 1000,
            };
            let machines = self.catalog.machines(page)?;
            for machine in &machines {
                self.deploy(machine)?;
            }
            match machines.last() {
                Some(last) if machines.len() == 1000 => after = Some(last.name.clone()),
                _ => return Ok(()),
            }
        }
    }

    /// The ARN of activity `name` in this server's account.
    pub fn activity_arn(&self, name: &str) -> String {
        self.config
            .account
            .states_arn(format_args!("activity:{name}"))
    }
}

/// Why a server cannot open.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The data directory cannot be made.
    #[error("cannot create the data directory {}: {source}", path.display())]
    DataDir {
        /// The directory.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The catalog cannot be opened.
    #[error("cannot open the catalog: {0}")]
    Catalog(#[from] CatalogError),
    /// The execution store cannot be opened.
    #[error("cannot open the execution store: {0}")]
    Store(#[from] StoreError),
    /// The PostgreSQL database cannot be opened or migrated.
    #[error("cannot open the database: {0}")]
    Database(#[from] DatabaseError),
    /// The mock configuration cannot be used.
    #[error("{0}")]
    MockConfig(#[from] MockConfigError),
}

/// Where a server keeps its catalog and executions.
struct Stores {
    catalog: Arc<dyn Catalog>,
    executions: Arc<dyn asl_engine::store::Store>,
    /// What its workers are given as `--db`: the SQLite file or the URL.
    location: PathBuf,
    /// On PostgreSQL, the server's node of the fleet.
    node: Option<Arc<Node>>,
}

impl Stores {
    /// `catalog.db` and `executions.db` in `dir`.
    fn sqlite(dir: &Path) -> Result<Stores, OpenError> {
        let location = dir.join("executions.db");
        Ok(Stores {
            catalog: Arc::new(SqliteCatalog::open(dir.join("catalog.db"))?),
            executions: Arc::new(SqliteStore::open(&location)?),
            location,
            node: None,
        })
    }

    /// The database at `url`, migrated, which the server joins as a node holding
    /// leases as `lease` says.
    fn postgres(url: &str, lease: Lease) -> Result<Stores, OpenError> {
        let database = Arc::new(Database::open(url)?);
        let node = Node::join(Arc::clone(&database), &crate::fleet::node_name(), lease)?;
        Ok(Stores {
            catalog: Arc::new(PostgresCatalog::new(Arc::clone(&database))),
            // The server's own writes (answers to task tokens, definitions, stops
            // asked of other nodes) are not fenced: its workers' are.
            executions: Arc::new(PostgresStore::on(database)),
            location: PathBuf::from(url),
            node: Some(Arc::new(node)),
        })
    }
}

/// The Step Functions API over a data directory: the actions of
/// [`api::actions`](crate::api::actions) answered over one [`AppState`].
#[derive(Debug)]
pub struct Server {
    state: Arc<AppState>,
    actions: Actions<AppState>,
}

impl Server {
    /// Opens the catalog and the execution store in `config.data_dir` (creating
    /// them if needed).
    pub fn open(config: Config) -> Result<Server, OpenError> {
        let dir = &config.data_dir;
        std::fs::create_dir_all(dir).map_err(|source| OpenError::DataDir {
            path: dir.clone(),
            source,
        })?;
        let mocks = config
            .mock_config
            .as_deref()
            .map(MockConfig::load)
            .transpose()?;
        let stores = match &config.database {
            Some(url) => Stores::postgres(url, config.lease)?,
            None => Stores::sqlite(dir)?,
        };
        let metrics = Metrics::new(Arc::clone(&stores.executions));
        let control = Arc::new(Control::new(stores.executions));
        // The cache is shared with `asl run` and `asl build` when the environment
        // names one, so that the runtime is compiled once for all of them.
        let cache = Cache::from_env().unwrap_or_else(|| Cache::new(dir.join("cache")));
        let mut host_config = HostConfig::new(dir.clone(), stores.location, cache);
        host_config.bindings = config.bindings.clone();
        host_config.mock_config = config.mock_config.clone();
        host_config.account = Arc::new(config.account.clone());
        host_config.otlp_endpoint = config.otlp_endpoint.clone();
        host_config.fleet = stores.node;
        let catalog = stores.catalog;
        let host = Host::new(host_config, Arc::clone(&control));
        Ok(Server {
            state: Arc::new(AppState {
                catalog,
                control,
                host,
                config,
                mocks,
                metrics,
                console_commits: Default::default(),
            }),
            actions: crate::api::actions(),
        })
    }

    /// The state the handlers share.
    pub fn state(&self) -> &Arc<AppState> {
        &self.state
    }

    /// The data directory.
    pub fn data_dir(&self) -> &Path {
        &self.state.config.data_dir
    }

    /// The router answering every action, for [`axum::serve()`] or for tests
    /// (`tower::ServiceExt::oneshot`).
    pub fn into_router(self) -> axum::Router {
        let auth = self.state.config.auth.clone();
        let pages = axum::Router::new()
            .route("/metrics", axum::routing::get(metrics_page))
            .with_state(Arc::clone(&self.state));
        let api = protocol::router(self.actions, Arc::clone(&self.state), auth);
        pages.merge(crate::console::router(self.state, api))
    }

    /// Answers requests on `listener` until `shutdown` completes, then finishes
    /// the requests in flight (GetActivityTask's long polls end at once, without
    /// a task). First it hands every state machine of the catalog
    /// to the host (compiled in the background unless compiled before) and goes on
    /// with the executions a previous server left running.
    pub async fn serve(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        self.state.deploy_all().map_err(std::io::Error::other)?;
        let sink: Box<dyn std::io::Write + Send> = match &self.state.config.execution_logs {
            Some(path) => Box::new(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)?,
            ),
            None => Box::new(std::io::stderr()),
        };
        crate::execution_logs::follow(
            Arc::clone(self.state.control.store()),
            Arc::clone(&self.state.catalog),
            Arc::new(std::sync::Mutex::new(sink)),
        );
        let host = self.state.host.clone();
        let node = host.fleet().cloned();
        if let Some(node) = &node {
            crate::fleet::run(Arc::clone(node), &self.state);
        }
        tokio::spawn(async move {
            match host.resume().await {
                Ok(0) => {}
                Ok(resumed) => tracing::info!(resumed, "went on with running executions"),
                Err(error) => tracing::error!(%error, "cannot go on with running executions"),
            }
        });
        let stopping = Arc::clone(&self.state);
        let shutdown = async move {
            shutdown.await;
            // The requests in flight finish, but GetActivityTask's long polls
            // end now rather than after up to 60 s, and the console's live pages
            // now.
            stopping.host.stop_polls();
            stopping.console_commits.close();
        };
        axum::serve(listener, self.into_router())
            .with_graceful_shutdown(shutdown)
            .await?;
        if let Some(node) = node
            && let Err(error) = node.leave().await
        {
            tracing::warn!(%error, "cannot leave the fleet: the others take over when the lease runs out");
        }
        Ok(())
    }
}

/// `GET /metrics`, in Prometheus's text format.
async fn metrics_page(
    axum::extract::State(state): axum::extract::State<Arc<AppState>>,
) -> impl axum::response::IntoResponse {
    let page = tokio::task::spawn_blocking(move || state.metrics.render())
        .await
        .unwrap_or_default();
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        page,
    )
}
