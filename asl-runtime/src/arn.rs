//! ARNs: the partition, region and account of the ones an execution makes
//! ([`Account`]), and a Task state's `Resource` ARN as the compiler classified it
//! ([`Resource`]).
//!
//! The runtime parses neither: an execution carries its [`Account`] (given to
//! [`RunOptions::account`](crate::RunOptions::account) or to the durable engine), and
//! generated code holds each Task's [`Resource`] in a `static`.

use std::fmt;
use std::sync::{Arc, LazyLock};

/// The partition, region and account of the ARNs an execution makes:
/// `$$.Execution.Id`, `$$.StateMachine.Id`, `$$.Execution.RoleArn`, Map Run and
/// child execution ARNs, and the `region` of `TaskScheduled` events.
///
/// The default is partition `aws`, region `us-east-1`, account `123456789012`, the
/// values AWS's documentation uses in its examples.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Account {
    partition: String,
    region: String,
    id: String,
    /// `arn:<partition>:states:<region>:<id>`, made once.
    states: String,
}

impl Default for Account {
    fn default() -> Account {
        Account::make(
            Account::DEFAULT_PARTITION,
            Account::DEFAULT_REGION,
            Account::DEFAULT_ID,
        )
    }
}

impl Account {
    /// The partition of the default account.
    pub const DEFAULT_PARTITION: &'static str = "aws";
    /// The region of the default account.
    pub const DEFAULT_REGION: &'static str = "us-east-1";
    /// The id of the default account.
    pub const DEFAULT_ID: &'static str = "123456789012";

    /// Account `id` (12 digits) in `region` (e.g. `eu-west-1`), in partition `aws`.
    pub fn new(region: &str, id: &str) -> Result<Account, InvalidAccount> {
        Account::in_partition(Account::DEFAULT_PARTITION, region, id)
    }

    /// Account `id` in `region` of `partition` (`aws`, `aws-cn`, `aws-us-gov` ...).
    pub fn in_partition(
        partition: &str,
        region: &str,
        id: &str,
    ) -> Result<Account, InvalidAccount> {
        let word = |text: &str| {
            !text.is_empty()
                && text
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        };
        if !(partition == "aws" || partition.starts_with("aws-") && word(partition)) {
            return Err(InvalidAccount(format!(
                "`{partition}` is not a partition (aws, aws-cn, aws-us-gov ...)"
            )));
        }
        if !word(region) {
            return Err(InvalidAccount(format!(
                "`{region}` is not a region (e.g. us-east-1)"
            )));
        }
        if id.len() != 12 || !id.chars().all(|c| c.is_ascii_digit()) {
            return Err(InvalidAccount(format!(
                "`{id}` is not an account id (12 digits)"
            )));
        }
        Ok(Account::make(partition, region, id))
    }

    /// The account the environment names: the region from `AWS_REGION`, else
    /// `AWS_DEFAULT_REGION`; the account id from `ASL_ACCOUNT_ID`; the partition
    /// from `ASL_PARTITION`. What is not set keeps its default.
    pub fn from_env() -> Result<Account, InvalidAccount> {
        Account::from_vars(|name| std::env::var(name).ok())
    }

    /// [`Account::from_env`], reading the variables with `var`.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Account, InvalidAccount> {
        let set = |name: &str| var(name).filter(|value| !value.is_empty());
        let region = set("AWS_REGION").or_else(|| set("AWS_DEFAULT_REGION"));
        let id = set("ASL_ACCOUNT_ID");
        let partition = set("ASL_PARTITION");
        Account::in_partition(
            partition.as_deref().unwrap_or(Account::DEFAULT_PARTITION),
            region.as_deref().unwrap_or(Account::DEFAULT_REGION),
            id.as_deref().unwrap_or(Account::DEFAULT_ID),
        )
    }

    /// The account Step Functions ARN `arn` names (e.g. an execution ARN read from
    /// a store), or `None` when it is not one.
    pub fn of_arn(arn: &str) -> Option<Account> {
        match arn.splitn(6, ':').collect::<Vec<_>>()[..] {
            ["arn", partition, "states", region, id, _] => {
                Account::in_partition(partition, region, id).ok()
            }
            _ => None,
        }
    }

    /// The default account, shared: what executions not given one use, without
    /// allocating.
    pub fn shared_default() -> Arc<Account> {
        static DEFAULT: LazyLock<Arc<Account>> = LazyLock::new(|| Arc::new(Account::default()));
        Arc::clone(&DEFAULT)
    }

    fn make(partition: &str, region: &str, id: &str) -> Account {
        Account {
            partition: partition.to_owned(),
            region: region.to_owned(),
            id: id.to_owned(),
            states: format!("arn:{partition}:states:{region}:{id}"),
        }
    }

    /// The partition, e.g. `aws`.
    pub fn partition(&self) -> &str {
        &self.partition
    }

    /// The region, e.g. `us-east-1`.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// The account id, 12 digits.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The ARN of Step Functions resource `resource` in this account and region:
    /// `arn:<partition>:states:<region>:<id>:<resource>` (`resource` e.g.
    /// `stateMachine:Orders`).
    pub fn states_arn(&self, resource: impl fmt::Display) -> String {
        format!("{}:{resource}", self.states)
    }

    /// The role executions run as (`$$.Execution.RoleArn`).
    pub fn role_arn(&self) -> String {
        format!(
            "arn:{}:iam::{}:role/service-role/StepFunctions-local",
            self.partition, self.id
        )
    }
}

/// Why a partition, region or account id cannot be used in ARNs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidAccount(String);

impl fmt::Display for InvalidAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InvalidAccount {}

/// Whether `arn` is a Step Functions ARN (`arn:aws...:states:...`) of any
/// partition, region and account.
pub fn is_states_arn(arn: &str) -> bool {
    let mut parts = arn.splitn(4, ':');
    parts.next() == Some("arn")
        && parts
            .next()
            .is_some_and(|partition| partition.starts_with("aws"))
        && parts.next() == Some("states")
        && parts.next().is_some()
}

/// A Task state's `Resource`, classified when the machine was compiled: generated
/// code holds each in a `static` and hands it to the runtime with the Task's
/// context, so that nothing parses the ARN while the machine runs.
///
/// Its history events name it as AWS does: an integration by its service (the
/// `resourceType`) and action (the `resource`), a Lambda function or an activity by
/// its ARN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Resource {
    arn: &'static str,
    kind: ResourceKind,
    resource_type: &'static str,
    resource: &'static str,
}

/// What a Task's [`Resource`] names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResourceKind {
    /// `arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]`: a Lambda function
    /// called directly.
    LambdaFunction,
    /// `arn:aws:states:REGION:ACCOUNT:activity:NAME`: an activity, whose input is
    /// offered to workers.
    Activity,
    /// `arn:aws:states:::SERVICE:ACTION[.PATTERN]`: an optimized integration, an AWS
    /// SDK call or the HTTP Task, waited for as its pattern says.
    Integration(IntegrationPattern),
}

/// How Step Functions waits for an integration (the suffix of its ARN).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IntegrationPattern {
    /// No suffix: call and go on with the response.
    RequestResponse,
    /// `.sync`: run a job and wait for it to end.
    Sync,
    /// `.sync:2`: as `.sync`, with the output as JSON.
    Sync2,
    /// `.waitForTaskToken`: wait for the outcome sent with the task token.
    WaitForTaskToken,
}

impl Resource {
    /// Lambda function `arn`.
    pub const fn lambda_function(arn: &'static str) -> Resource {
        Resource {
            arn,
            kind: ResourceKind::LambdaFunction,
            resource_type: "lambda",
            resource: arn,
        }
    }

    /// Activity `arn`.
    pub const fn activity(arn: &'static str) -> Resource {
        Resource {
            arn,
            kind: ResourceKind::Activity,
            resource_type: "activity",
            resource: arn,
        }
    }

    /// Integration `arn`, which its history events name `resource_type` (the
    /// service, e.g. `lambda`) and `resource` (the action, e.g. `invoke`), waited
    /// for as `pattern` says.
    pub const fn integration(
        arn: &'static str,
        resource_type: &'static str,
        resource: &'static str,
        pattern: IntegrationPattern,
    ) -> Resource {
        Resource {
            arn,
            kind: ResourceKind::Integration(pattern),
            resource_type,
            resource,
        }
    }

    /// The ARN as the definition writes it.
    pub const fn arn(&self) -> &'static str {
        self.arn
    }

    /// What it names.
    pub const fn kind(&self) -> ResourceKind {
        self.kind
    }

    /// Whether it is an activity.
    pub const fn is_activity(&self) -> bool {
        matches!(self.kind, ResourceKind::Activity)
    }

    /// The `resourceType` of its history events: the service of an integration
    /// (`lambda`, `sqs`, `states` ...), `lambda` for a Lambda function, `activity`
    /// for an activity.
    pub const fn resource_type(&self) -> &'static str {
        self.resource_type
    }

    /// The `resource` of its history events: the action of an integration
    /// (`invoke`, `startExecution` ...), the ARN of a function or an activity.
    pub const fn resource(&self) -> &'static str {
        self.resource
    }
}

impl fmt::Display for Resource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.arn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_account_is_aws_s_example() {
        let account = Account::default();
        assert_eq!(
            account.states_arn(format_args!("stateMachine:M")),
            "arn:aws:states:us-east-1:123456789012:stateMachine:M"
        );
        assert_eq!(
            account.role_arn(),
            "arn:aws:iam::123456789012:role/service-role/StepFunctions-local"
        );
        assert_eq!(*Account::shared_default(), account);
        assert_eq!(Account::from_vars(|_| None), Ok(account));
    }

    #[test]
    fn the_environment_names_the_account() {
        let vars = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(key, _)| *key == name)
                    .map(|(_, value)| (*value).to_owned())
            }
        };
        let account = Account::from_vars(vars(&[
            ("AWS_REGION", "eu-west-1"),
            ("AWS_DEFAULT_REGION", "us-west-2"),
            ("ASL_ACCOUNT_ID", "111122223333"),
        ]))
        .unwrap();
        assert_eq!(
            (account.partition(), account.region(), account.id()),
            ("aws", "eu-west-1", "111122223333")
        );
        let account = Account::from_vars(vars(&[
            ("AWS_DEFAULT_REGION", "cn-north-1"),
            ("ASL_PARTITION", "aws-cn"),
        ]))
        .unwrap();
        assert_eq!(
            account.states_arn(format_args!("activity:a")),
            "arn:aws-cn:states:cn-north-1:123456789012:activity:a"
        );
        assert!(Account::from_vars(vars(&[("ASL_ACCOUNT_ID", "12")])).is_err());
    }

    #[test]
    fn rejects_what_would_break_an_arn() {
        assert!(Account::new("us-east-1:x", "123456789012").is_err());
        assert!(Account::new("", "123456789012").is_err());
        assert!(Account::new("eu-west-1", "12345678901a").is_err());
        assert!(Account::in_partition("azure", "eu-west-1", "123456789012").is_err());
        assert!(Account::in_partition("aws-us-gov", "us-gov-west-1", "123456789012").is_ok());
    }

    #[test]
    fn an_arn_names_its_account() {
        let account = Account::in_partition("aws-cn", "cn-north-1", "111122223333").unwrap();
        let arn = account.states_arn("execution:M:e");
        assert_eq!(Account::of_arn(&arn), Some(account));
        assert_eq!(Account::of_arn("arn:aws:states:::lambda:invoke"), None);
        assert_eq!(
            Account::of_arn("arn:aws:lambda:us-east-1:123456789012:function:f"),
            None
        );
    }

    #[test]
    fn states_arns_of_any_partition_region_and_account() {
        assert!(is_states_arn(
            "arn:aws:states:us-east-1:123456789012:execution:M:e"
        ));
        assert!(is_states_arn(
            "arn:aws-cn:states:cn-north-1:111122223333:execution:M:e"
        ));
        assert!(!is_states_arn("arn:aws:lambda:us-east-1:1:function:f"));
        assert!(!is_states_arn("no-arn"));
    }
}
