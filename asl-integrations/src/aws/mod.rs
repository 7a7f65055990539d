//! AWS service integrations: Task states whose Resource names an AWS service
//! (`arn:aws:states:::dynamodb:putItem`, a Lambda function ARN ...) call it, on
//! real AWS or on any AWS-compatible endpoint (moto, LocalStack), signed with
//! Signature Version 4 and configured as the AWS SDKs are ([`config`]).

pub mod config;
mod gateway;
mod http;
mod jobs;
mod optimized;
mod protocol;
mod s3;
pub mod sdk;

use serde_json::Value;

use asl_runtime::task::{TaskContext, TaskError};

pub use config::Config;
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

    /// Whether a Task of `resource` (its ARN) calls an AWS service asl calls.
    pub fn serves(resource: &str) -> bool {
        integration(resource).is_some()
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

    /// How requests to the service signed as `name` are signed.
    fn signing<'a>(&'a self, name: &'a str) -> http::Signing<'a> {
        http::Signing {
            credentials: self.config.credentials.as_ref(),
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
        let response = http::send(&self.agent, self.signing(name), request, task)
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
                    (service, action) => Some(Integration::Sdk(sdk::service(service)?, action)),
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
    }
}
