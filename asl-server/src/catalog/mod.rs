//! The catalog: the durable records of the API's resources (state machines, their
//! versions and aliases, activities, tags), behind the [`Catalog`] trait so that
//! another database can keep them. [`SqliteCatalog`] keeps them in `catalog.db`;
//! [`PostgresCatalog`] in a PostgreSQL database that several servers share (`asl
//! serve --db postgres://...`). Both pass the same tests (`catalog::tests`).
//!
//! A catalog stores and finds records and keeps the invariants that need a
//! transaction (unique names, version numbers never reused, an alias's versions
//! exist, quotas); what the API answers (idempotency, defaults, messages) is the
//! [`api`](crate::api)'s business. Configuration members (logging, tracing,
//! encryption) are kept as the JSON the API normalised them to.

mod postgres;
mod sqlite;
#[cfg(test)]
mod tests;

use serde_json::Value;

pub use postgres::PostgresCatalog;
pub use sqlite::SqliteCatalog;

use crate::time::Timestamp;

/// The most versions a state machine has at once.
pub const MAX_VERSIONS: u32 = 1000;
/// The most aliases a state machine has at once.
pub const MAX_ALIASES: u32 = 100;
/// The most tags a resource has.
pub const MAX_TAGS: u32 = 50;

/// STANDARD or EXPRESS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum MachineType {
    /// Durable, exactly-once executions with a history.
    Standard,
    /// In-memory, at-least-once executions without a history.
    Express,
}

impl MachineType {
    /// `STANDARD` or `EXPRESS`.
    pub fn as_str(self) -> &'static str {
        match self {
            MachineType::Standard => "STANDARD",
            MachineType::Express => "EXPRESS",
        }
    }

    /// The type spelled `text`.
    pub fn parse(text: &str) -> Option<MachineType> {
        match text {
            "STANDARD" => Some(MachineType::Standard),
            "EXPRESS" => Some(MachineType::Express),
            _ => None,
        }
    }
}

/// What a revision of a state machine is, and what a version keeps of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Revision {
    /// The ASL definition, as given.
    pub definition: String,
    /// The IAM role executions run as.
    pub role_arn: String,
    /// `loggingConfiguration`.
    pub logging: Value,
    /// `tracingConfiguration`.
    pub tracing: Value,
    /// `encryptionConfiguration`, when given.
    pub encryption: Option<Value>,
}

/// A state machine: its latest revision.
#[derive(Debug, Clone, PartialEq)]
pub struct StateMachine {
    /// `arn:...:stateMachine:<name>`.
    pub arn: String,
    /// Its name.
    pub name: String,
    /// STANDARD or EXPRESS (never changes).
    pub machine_type: MachineType,
    /// The latest revision.
    pub revision: Revision,
    /// When it was created.
    pub creation_date: Timestamp,
    /// When its latest revision was made.
    pub update_date: Timestamp,
    /// The id of its latest revision: none until it is updated or published.
    pub revision_id: Option<String>,
}

/// A published version: a revision of a state machine, numbered.
#[derive(Debug, Clone, PartialEq)]
pub struct Version {
    /// `<machine ARN>:<number>`.
    pub arn: String,
    /// The state machine's ARN.
    pub machine_arn: String,
    /// 1, 2, 3 ...: never reused, even after a delete.
    pub number: u32,
    /// The revision it keeps.
    pub revision: Revision,
    /// The id of that revision.
    pub revision_id: String,
    /// Its description.
    pub description: Option<String>,
    /// When it was published.
    pub creation_date: Timestamp,
}

/// One entry of an alias's routing: a version and the share of executions it gets.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Route {
    /// The version's ARN.
    pub version_arn: String,
    /// Percent, 0 to 100.
    pub weight: u8,
}

/// An alias: a name routing executions to one or two versions.
#[derive(Debug, Clone, PartialEq)]
pub struct Alias {
    /// `<machine ARN>:<name>`.
    pub arn: String,
    /// The state machine's ARN.
    pub machine_arn: String,
    /// Its name.
    pub name: String,
    /// Its description.
    pub description: Option<String>,
    /// One or two routes whose weights sum to 100.
    pub routing: Vec<Route>,
    /// When it was created.
    pub creation_date: Timestamp,
    /// When it was last updated.
    pub update_date: Timestamp,
}

/// An activity.
#[derive(Debug, Clone, PartialEq)]
pub struct Activity {
    /// `arn:...:activity:<name>`.
    pub arn: String,
    /// Its name.
    pub name: String,
    /// `encryptionConfiguration`, when given.
    pub encryption: Option<Value>,
    /// When it was created.
    pub creation_date: Timestamp,
}

/// A tag of a resource.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Tag {
    /// Its key.
    pub key: String,
    /// Its value.
    pub value: String,
}

/// Publishing the current revision of a state machine.
#[derive(Debug, Clone, PartialEq)]
pub struct Publish {
    /// The version's description.
    pub description: Option<String>,
    /// Publish only if this is the current revision id (`INITIAL`: the machine has
    /// none yet).
    pub expected_revision: Option<String>,
    /// The id the current revision gets if it has none.
    pub new_revision_id: String,
    /// When.
    pub date: Timestamp,
}

/// The version a publish made, or the one that already kept the same revision.
#[derive(Debug, Clone, PartialEq)]
pub struct Published {
    /// The version.
    pub version: Version,
    /// False when the revision had been published before.
    pub created: bool,
}

/// A page of a list: the items after a cursor, at most a limit of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page<'a> {
    /// The sort key of the last item of the previous page.
    pub after: Option<&'a str>,
    /// How many items at most.
    pub limit: u32,
}

/// A record of a list: where it sorts, as a page's [`Page::after`] names it.
pub trait Listed {
    /// The sort key after which the next page starts.
    fn cursor(&self) -> String;
}

impl Listed for StateMachine {
    /// The name.
    fn cursor(&self) -> String {
        self.name.clone()
    }
}

impl Listed for Activity {
    /// The name.
    fn cursor(&self) -> String {
        self.name.clone()
    }
}

impl Listed for Version {
    /// The number.
    fn cursor(&self) -> String {
        self.number.to_string()
    }
}

impl Listed for Alias {
    /// `<creation date in ms>:<name>`.
    fn cursor(&self) -> String {
        format!("{}:{}", self.creation_date.0, self.name)
    }
}

/// Why a catalog call failed.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    /// A resource of that name exists.
    #[error("'{0}' exists")]
    Exists(String),
    /// No resource has that ARN.
    #[error("'{0}' does not exist")]
    NotFound(String),
    /// The state machine's current revision is not the one expected.
    #[error("the current revision is {current:?}")]
    RevisionMismatch {
        /// The current revision id.
        current: Option<String>,
    },
    /// The version cannot go: these aliases route to it.
    #[error("aliases route to the version: {0:?}")]
    VersionInUse(Vec<String>),
    /// A version an alias would route to does not exist.
    #[error("version '{0}' does not exist")]
    MissingVersion(String),
    /// A quota is reached: the most versions or aliases of a machine.
    #[error("{0}")]
    QuotaExceeded(String),
    /// A page's [`Page::after`] is not a cursor of that list.
    #[error("'{0}' is not a cursor of this list")]
    BadCursor(String),
    /// The resource would have more than [`MAX_TAGS`] tags.
    #[error("more than {MAX_TAGS} tags")]
    TooManyTags,
    /// The database failed.
    #[error(transparent)]
    Backend(Box<dyn std::error::Error + Send + Sync>),
}

/// The durable records of the API's resources. Every call is one transaction.
pub trait Catalog: Send + Sync + std::fmt::Debug {
    /// Adds `machine` with `tags` and, if asked, publishes its revision as version
    /// 1. [`CatalogError::Exists`] when a machine has its ARN.
    fn create_machine(
        &self,
        machine: &StateMachine,
        tags: &[Tag],
        publish: Option<&Publish>,
    ) -> Result<Option<Version>, CatalogError>;

    /// The state machine `arn`.
    fn machine(&self, arn: &str) -> Result<Option<StateMachine>, CatalogError>;

    /// State machines by name, after `page.after` (a name).
    fn machines(&self, page: Page<'_>) -> Result<Vec<StateMachine>, CatalogError>;

    /// Replaces the revision of `machine` (found by its ARN) with its revision,
    /// revision id and update date and, if asked, publishes it.
    fn update_machine(
        &self,
        machine: &StateMachine,
        publish: Option<&Publish>,
    ) -> Result<Option<Version>, CatalogError>;

    /// Removes state machine `arn`, its versions, aliases and tags (nothing when it
    /// does not exist).
    fn delete_machine(&self, arn: &str) -> Result<(), CatalogError>;

    /// Publishes the current revision of state machine `arn`.
    fn publish(&self, arn: &str, publish: &Publish) -> Result<Published, CatalogError>;

    /// Version `number` of state machine `machine_arn`.
    fn version(&self, machine_arn: &str, number: u32) -> Result<Option<Version>, CatalogError>;

    /// Versions of `machine_arn`, newest first, below `page.after` (a
    /// [`Version::cursor`]).
    fn versions(&self, machine_arn: &str, page: Page<'_>) -> Result<Vec<Version>, CatalogError>;

    /// Removes version `number` of `machine_arn` (nothing when it does not exist);
    /// [`CatalogError::VersionInUse`] while an alias routes to it.
    fn delete_version(&self, machine_arn: &str, number: u32) -> Result<(), CatalogError>;

    /// Adds `alias`: [`CatalogError::Exists`] when the name is taken,
    /// [`CatalogError::MissingVersion`] when a version it routes to does not exist.
    fn create_alias(&self, alias: &Alias) -> Result<(), CatalogError>;

    /// The alias `arn`.
    fn alias(&self, arn: &str) -> Result<Option<Alias>, CatalogError>;

    /// Every alias of `machine_arn` (at most [`MAX_ALIASES`]), newest first.
    fn aliases(&self, machine_arn: &str) -> Result<Vec<Alias>, CatalogError>;

    /// Replaces the description, routing and update date of `alias` (found by its
    /// ARN).
    fn update_alias(&self, alias: &Alias) -> Result<(), CatalogError>;

    /// Removes alias `arn` (nothing when it does not exist).
    fn delete_alias(&self, arn: &str) -> Result<(), CatalogError>;

    /// Adds `activity` with `tags`; [`CatalogError::Exists`] when one has its ARN.
    fn create_activity(&self, activity: &Activity, tags: &[Tag]) -> Result<(), CatalogError>;

    /// The activity `arn`.
    fn activity(&self, arn: &str) -> Result<Option<Activity>, CatalogError>;

    /// Activities by name, after `page.after` (a name).
    fn activities(&self, page: Page<'_>) -> Result<Vec<Activity>, CatalogError>;

    /// Removes activity `arn` and its tags (nothing when it does not exist).
    fn delete_activity(&self, arn: &str) -> Result<(), CatalogError>;

    /// The tags of resource `arn`, in the order they were first set.
    fn tags(&self, arn: &str) -> Result<Vec<Tag>, CatalogError>;

    /// Sets `tags` on resource `arn` (a key set again gets the new value);
    /// [`CatalogError::TooManyTags`] when it would have more than [`MAX_TAGS`].
    fn tag(&self, arn: &str, tags: &[Tag]) -> Result<(), CatalogError>;

    /// Removes the tags of `arn` with these keys.
    fn untag(&self, arn: &str, keys: &[String]) -> Result<(), CatalogError>;
}
