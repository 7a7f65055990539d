//! AWS service integrations: Task states whose Resource names an AWS service
//! (`arn:aws:states:::dynamodb:putItem`, a Lambda function ARN ...) call it, on
//! real AWS or on any AWS-compatible endpoint (moto, LocalStack), signed with
//! Signature Version 4 and configured as the AWS SDKs are ([`config`]).

pub mod config;
pub mod credentials;
mod gateway;
mod http;
mod jobs;
mod operations;
mod optimized;
mod protocol;
mod s3;
pub mod sdk;

use serde_json::Value;

use asl_runtime::task::{TaskContext, TaskError};

pub use config::{Config, Credentials};
use optimized::Optimized;
pub use s3::S3Objects;

/// The AWS services asl calls, and how it reaches them.
#[derive(Debug, Clone)]
pub struct Aws {
    config: Config,
    agent: ureq::Agent,
}

impl Aws {
    /// Calls the services as `config` says.
    pub fn new(config: Config) -> Aws {
        let agent = ureq::Agent::new_with_config(
            ureq::Agent::config_builder()
                .http_status_as_error(false)
                .build(),
        );
        Aws { config, agent }
    }

    /// Calls the services as the process's environment and AWS files say.
    pub fn from_env() -> Aws {
        Aws::new(Config::from_env(&|name| std::env::var(name).ok()))
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Whether Distributed Map buckets are S3's: `ASL_S3=aws`, or an S3 endpoint is
    /// configured (`AWS_ENDPOINT_URL_S3`, `AWS_ENDPOINT_URL`, the profile's).
    pub fn buckets_on_s3(&self, env: config::Env<'_>) -> bool {
        env("ASL_S3").is_some_and(|value| value == "aws")
            || self.config.configured_endpoint("S3").is_some()
    }

    /// Whether requests can be signed: keys are configured, or the credentials
    /// chain gives some now (it is asked, and may wait for the services it asks).
    pub fn has_credentials(&self) -> bool {
        self.config.credentials.get_blocking().is_ok()
    }

    /// Whether a Task of `resource` (its ARN) calls an AWS service asl calls.
    pub fn serves(resource: &str) -> bool {
        integration(resource).is_some()
    }

    /// Why asl calls no AWS service for a Task of `resource`, when `resource`
    /// looks like a Resource of an AWS service integration: the service or action
    /// asl does not call, and what it calls instead. `None` for the Resources it
    /// calls and those that name no AWS integration (activities, anything else).
    pub fn why_not(resource: &str) -> Option<String> {
        if Aws::serves(resource) || crate::http_task::is_http_task(resource) {
            return None;
        }
        let rest = resource
            .strip_prefix("arn:")?
            .split_once(':')?
            .1
            .strip_prefix("states:::")?;
        let (service, action) = rest.split_once(':')?;
        if service != "aws-sdk" {
            let action = action.split('.').next().unwrap_or(action);
            return Some(match sdk::service(service) {
                Some(sdk) if sdk.has(action) => format!(
                    "asl has no optimized integration `{service}:{action}`; the AWS SDK \
                     integration `arn:aws:states:::aws-sdk:{}:{action}` calls that action",
                    sdk.sdk
                ),
                _ => format!("asl calls no AWS service integration `{service}:{action}`"),
            });
        }
        let (service, action) = action.split_once(':').unwrap_or((action, ""));
        let action = action.split('.').next().unwrap_or(action);
        if service == "s3" {
            return Some(format!(
                "asl calls these S3 actions only: {}",
                s3::ACTIONS.join(", ")
            ));
        }
        let Some(sdk) = sdk::service(service) else {
            let names: Vec<&str> = sdk::SERVICES.iter().map(|service| service.sdk).collect();
            return Some(format!(
                "asl does not call the AWS SDK service `{service}`; it calls s3, {}",
                names.join(", ")
            ));
        };
        Some(match sdk.like(action) {
            Some(like) => {
                format!("`aws-sdk:{service}` has no action `{action}`; did you mean `{like}`?")
            }
            None => format!("`aws-sdk:{service}` has no action `{action}`"),
        })
    }

    /// Runs `task`, whose Resource is an AWS service asl calls (see
    /// [`Aws::serves`]), on `input`.
    pub async fn call(&self, task: &TaskContext<'_>, input: Value) -> Result<Value, TaskError> {
        self.dispatch(task, input).await.map_err(|mut error| {
            // Say which Task reached AWS without credentials, and how else to run it.
            if let Some(cause) = error.cause.as_mut()
                && cause.starts_with(http::NO_CREDENTIALS)
            {
                cause.push_str(&format!(
                    " (Task `{}`, Resource `{}`; bind or mock it to run it without AWS)",
                    task.state_name(),
                    task.resource()
                ));
            }
            error
        })
    }

    /// How requests to the service signed as `name` are signed, with `keys`
    /// (see [`credentials::Keys::get`]).
    fn signing<'a>(
        &'a self,
        keys: &'a Result<Credentials, String>,
        name: &'a str,
    ) -> http::Signing<'a> {
        http::Signing {
            credentials: keys.as_ref().map_err(String::as_str),
            region: &self.config.region,
            name,
            s3: false,
        }
    }

    /// Signs `request` for the service signed as `name` and sends it: its
    /// answer, an error named after `prefix` when none came, or what `error`
    /// makes of an answer that is not a success.
    async fn exchange(
        &self,
        name: &str,
        prefix: &str,
        request: http::Request,
        task: &TaskContext<'_>,
        error: impl FnOnce(&http::Response) -> TaskError,
    ) -> Result<http::Response, TaskError> {
        let keys = self.config.credentials.get().await;
        let response = http::send(&self.agent, self.signing(&keys, name), request, task)
            .await
            .map_err(|why| http::unsent(prefix, why))?;
        if (200..300).contains(&response.status) {
            Ok(response)
        } else {
            Err(error(&response))
        }
    }

    async fn dispatch(&self, task: &TaskContext<'_>, input: Value) -> Result<Value, TaskError> {
        match integration(task.resource()) {
            Some(Integration::Optimized(integration)) => {
                self.optimized(integration, task, input).await
            }
            Some(Integration::Sdk(service, action)) => self.sdk(service, action, task, input).await,
            Some(Integration::S3(action)) => self.s3(action, task, input).await,
            Some(Integration::Job(job, wait)) => self.job(job, wait, task, input).await,
            Some(Integration::ApiGateway) => self.api_gateway(task, input).await,
            Some(Integration::Bedrock) => self.bedrock(task, input).await,
            None => Err(TaskError::new(
                "States.Runtime",
                format!("asl does not call the AWS service of `{}`", task.resource()),
            )),
        }
    }
}

/// What a Resource asl calls names.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Integration<'a> {
    /// An optimized integration.
    Optimized(Optimized),
    /// Action `.1` of a service of the generic AWS SDK integration.
    Sdk(&'static sdk::SdkService, &'a str),
    /// An S3 action (`aws-sdk:s3:<action>`).
    S3(&'a str),
    /// A job integration, waited for (`.sync`, `.sync:2`) or not.
    Job(jobs::Job, jobs::Wait),
    /// `apigateway:invoke`.
    ApiGateway,
    /// `bedrock:invokeModel`.
    Bedrock,
}

impl PartialEq for sdk::SdkService {
    fn eq(&self, other: &sdk::SdkService) -> bool {
        self.sdk == other.sdk
    }
}

/// The integration `arn` names: `arn:<partition>:states:::<service>:<action>
/// [.<pattern>]` or `...:aws-sdk:<service>:<action>[.waitForTaskToken]`, or a
/// Lambda function ARN.
fn integration(arn: &str) -> Option<Integration<'_>> {
    let mut parts = arn.splitn(6, ':');
    let (Some("arn"), Some(_partition), Some(service)) = (parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    let (region, account, rest) = (parts.next()?, parts.next()?, parts.next()?);
    match service {
        "lambda" if rest.starts_with("function:") => {
            Some(Integration::Optimized(Optimized::LambdaFunction))
        }
        "states" if region.is_empty() && account.is_empty() => {
            let (service, action) = rest.split_once(':')?;
            let (action, wait) = match action.split_once('.') {
                Some((action, "waitForTaskToken")) => (action, jobs::Wait::No),
                Some((action, "sync")) => (action, jobs::Wait::Sync),
                Some((action, "sync:2")) => (action, jobs::Wait::Sync2),
                Some(_) => return None,
                None => (action, jobs::Wait::No),
            };
            if let Some(job) = jobs::Job::named(service, action) {
                return job.waits(wait).then_some(Integration::Job(job, wait));
            }
            if wait != jobs::Wait::No {
                return None;
            }
            match (service, action) {
                ("apigateway", "invoke") => return Some(Integration::ApiGateway),
                ("bedrock", "invokeModel") => return Some(Integration::Bedrock),
                _ => {}
            }
            match service {
                "aws-sdk" => match action.split_once(':')? {
                    ("s3", action) => s3::ACTIONS
                        .contains(&action)
                        .then_some(Integration::S3(action)),
                    (service, action) => {
                        let service = sdk::service(service)?;
                        service
                            .has(action)
                            .then_some(Integration::Sdk(service, action))
                    }
                },
                service => Optimized::named(service, action).map(Integration::Optimized),
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources_name_the_integrations_asl_calls() {
        let optimized = |arn| match integration(arn) {
            Some(Integration::Optimized(optimized)) => Some(optimized),
            _ => None,
        };
        assert_eq!(
            optimized("arn:aws:states:::dynamodb:putItem"),
            Some(Optimized::DynamoDb("PutItem"))
        );
        assert_eq!(
            optimized("arn:aws:states:::sqs:sendMessage.waitForTaskToken"),
            Some(Optimized::SqsSendMessage)
        );
        assert_eq!(
            optimized("arn:aws:lambda:us-east-1:123456789012:function:f"),
            Some(Optimized::LambdaFunction)
        );
        assert!(matches!(
            integration("arn:aws:states:::aws-sdk:secretsmanager:getSecretValue"),
            Some(Integration::Sdk(service, "getSecretValue")) if service.sdk == "secretsmanager"
        ));
        assert_eq!(
            integration("arn:aws:states:::aws-sdk:s3:getObject"),
            Some(Integration::S3("getObject"))
        );
        assert_eq!(
            integration("arn:aws:states:::aws-sdk:s3:selectObjectContent"),
            None
        );
        assert_eq!(
            integration("arn:aws:states:::glue:startJobRun.sync"),
            Some(Integration::Job(jobs::Job::GlueJobRun, jobs::Wait::Sync))
        );
        assert_eq!(
            integration("arn:aws:states:::states:startExecution.sync:2"),
            Some(Integration::Job(jobs::Job::Execution, jobs::Wait::Sync2))
        );
        assert_eq!(
            integration("arn:aws:states:::glue:startJobRun.sync:2"),
            None
        );
        assert_eq!(
            integration("arn:aws:states:::athena:getQueryResults.sync"),
            None
        );
        assert_eq!(integration("arn:aws:states:::lambda:invoke.sync"), None);
        assert_eq!(integration("arn:aws:states:::dynamodb:scan"), None);
        assert!(!Aws::serves(
            "arn:aws:states:us-east-1:123456789012:activity:a"
        ));
        assert!(!Aws::serves(
            "arn:aws:states:::aws-sdk:secretsmanager:getSecretValu"
        ));
    }

    #[test]
    fn every_sdk_service_knows_its_actions() {
        for service in sdk::SERVICES {
            assert!(
                operations::OPERATIONS
                    .iter()
                    .any(|(sdk, operations)| *sdk == service.sdk && !operations.is_empty()),
                "no operations for aws-sdk:{}",
                service.sdk
            );
        }
        assert!(operations::OPERATIONS.is_sorted_by_key(|(sdk, _)| *sdk));
        assert!(
            operations::OPERATIONS
                .iter()
                .all(|(_, operations)| operations.is_sorted())
        );
        let sfn = sdk::service("sfn").unwrap();
        assert!(sfn.has("startExecution") && sfn.has("sendTaskSuccess"));
        assert!(!sfn.has("startExecutions"));
        // Step Functions does not call Kinesis' event stream.
        assert!(!sdk::service("kinesis").unwrap().has("subscribeToShard"));
    }

    #[test]
    fn resources_asl_does_not_call_say_why() {
        let why = |arn| Aws::why_not(arn);
        assert_eq!(
            why("arn:aws:states:::aws-sdk:secretsmanager:getSecretvalue").as_deref(),
            Some(
                "`aws-sdk:secretsmanager` has no action `getSecretvalue`; did you mean `getSecretValue`?"
            )
        );
        assert_eq!(
            why("arn:aws:states:::aws-sdk:sfn:startThing.waitForTaskToken").as_deref(),
            Some("`aws-sdk:sfn` has no action `startThing`")
        );
        assert!(
            why("arn:aws:states:::aws-sdk:nosuch:doIt")
                .unwrap()
                .starts_with(
                    "asl does not call the AWS SDK service `nosuch`; it calls s3, dynamodb, sqs"
                )
        );
        assert_eq!(
            why("arn:aws:states:::dynamodb:scan").as_deref(),
            Some(
                "asl has no optimized integration `dynamodb:scan`; the AWS SDK integration \
                 `arn:aws:states:::aws-sdk:dynamodb:scan` calls that action"
            )
        );
        assert_eq!(
            why("arn:aws:states:::aws-sdk:s3:createBucket").as_deref(),
            Some(
                "asl calls these S3 actions only: getObject, putObject, headObject, listObjectsV2, copyObject, deleteObject"
            )
        );
        assert_eq!(
            why("arn:aws:states:::mediaconvert:createJob.sync").as_deref(),
            Some("asl calls no AWS service integration `mediaconvert:createJob`")
        );
        assert_eq!(why("arn:aws:states:::aws-sdk:sfn:startExecution"), None);
        assert_eq!(
            why("arn:aws:states:us-east-1:123456789012:activity:a"),
            None
        );
        assert_eq!(why("my-handler"), None);
        assert_eq!(why("arn:aws:states:::http:invoke"), None);
    }
}
