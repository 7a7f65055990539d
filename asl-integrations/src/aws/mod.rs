//! AWS service integrations: Task states whose Resource names an AWS service
//! (`arn:aws:states:::dynamodb:putItem`, a Lambda function ARN ...) call it, on
//! real AWS or on any AWS-compatible endpoint (moto, LocalStack), signed with
//! Signature Version 4 and configured as the AWS SDKs are ([`config`]).

pub mod config;
mod http;
mod optimized;
mod protocol;

use serde_json::Value;

use asl_runtime::task::{TaskContext, TaskError};

pub use config::Config;
use optimized::Optimized;

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

    /// Whether a Task of `resource` (its ARN) calls an AWS service asl calls.
    pub fn serves(resource: &str) -> bool {
        integration(resource).is_some()
    }

    /// Runs `task`, whose Resource is an AWS service asl calls (see
    /// [`Aws::serves`]), on `input`.
    pub async fn call(&self, task: &TaskContext<'_>, input: Value) -> Result<Value, TaskError> {
        match integration(task.resource()) {
            Some(integration) => self.optimized(integration, task, input).await,
            None => Err(TaskError::new(
                "States.Runtime",
                format!("asl does not call the AWS service of `{}`", task.resource()),
            )),
        }
    }
}

/// The optimized integration `arn` names: `arn:<partition>:states:::<service>:
/// <action>[.<pattern>]`, or a Lambda function ARN.
fn integration(arn: &str) -> Option<Optimized> {
    let mut parts = arn.splitn(6, ':');
    let (Some("arn"), Some(_partition), Some(service)) = (parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    let (region, account, rest) = (parts.next()?, parts.next()?, parts.next()?);
    match service {
        "lambda" if rest.starts_with("function:") => Some(Optimized::LambdaFunction),
        "states" if region.is_empty() && account.is_empty() => {
            let (service, action) = rest.split_once(':')?;
            let action = match action.split_once('.') {
                Some((action, "waitForTaskToken")) => action,
                Some(_) => return None,
                None => action,
            };
            Optimized::named(service, action)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources_name_the_integrations_asl_calls() {
        assert_eq!(
            integration("arn:aws:states:::dynamodb:putItem"),
            Some(Optimized::DynamoDb("PutItem"))
        );
        assert_eq!(
            integration("arn:aws:states:::sqs:sendMessage.waitForTaskToken"),
            Some(Optimized::SqsSendMessage)
        );
        assert_eq!(
            integration("arn:aws:lambda:us-east-1:123456789012:function:f"),
            Some(Optimized::LambdaFunction)
        );
        assert_eq!(integration("arn:aws:states:::glue:startJobRun.sync"), None);
        assert_eq!(integration("arn:aws:states:::dynamodb:scan"), None);
        assert!(!Aws::serves(
            "arn:aws:states:us-east-1:123456789012:activity:a"
        ));
    }
}
