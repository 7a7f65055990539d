//! Task resources: the ARN a Task names, classified.

/// A Task's `Resource`, as written and classified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    /// The ARN as written.
    pub arn: String,
    /// What kind of resource it names.
    pub kind: ResourceKind,
}

/// The kinds of resource a Task can name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResourceKind {
    /// `arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]`: a Lambda function
    /// called directly (the legacy form).
    LambdaFunction {
        /// The function name (with its qualifier, if any).
        function: String,
    },
    /// `arn:aws:states:REGION:ACCOUNT:activity:NAME`: an activity worked by pollers.
    Activity {
        /// The activity name.
        name: String,
    },
    /// `arn:aws:states:::SERVICE:ACTION[.PATTERN]`: an optimized integration, an AWS
    /// SDK call (`aws-sdk:SERVICE:ACTION`) or the HTTP task (`http:invoke`). The
    /// region and account may be written (`arn:aws:states:REGION:ACCOUNT:...`); they
    /// do not change the integration.
    Integration {
        /// The service, e.g. `lambda`, `sqs`, `states`, `aws-sdk:s3`, `http`.
        service: String,
        /// The action, e.g. `invoke`, `sendMessage`, `startExecution`.
        action: String,
        /// How Step Functions waits for it.
        pattern: IntegrationPattern,
    },
}

/// The integration pattern a resource ARN's suffix selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IntegrationPattern {
    /// No suffix: call and continue with the response.
    RequestResponse,
    /// `.sync`: run a job and wait for it to finish.
    Sync,
    /// `.sync:2`: as `.sync`, with the output parsed as JSON.
    Sync2,
    /// `.waitForTaskToken`: pause until SendTaskSuccess/Failure with the task token.
    WaitForTaskToken,
}

impl Resource {
    /// Classifies a resource ARN, or says what is wrong with it and how to fix it.
    pub fn parse(arn: &str) -> Result<Resource, ResourceError> {
        let kind = classify(arn)?;
        Ok(Resource {
            arn: arn.to_owned(),
            kind,
        })
    }

    /// How its history events name it, as AWS splits it: (`resourceType`,
    /// `resource`). An integration is its service and action
    /// (`arn:aws:states:::lambda:invoke` is `lambda`, `invoke`; an AWS SDK call
    /// `aws-sdk`, `SERVICE:ACTION`), whatever its pattern, region, account or
    /// partition; a Lambda function is `lambda` and its ARN; an activity `activity`
    /// and its ARN.
    pub fn history_names(&self) -> (String, String) {
        match &self.kind {
            ResourceKind::LambdaFunction { .. } => ("lambda".to_owned(), self.arn.clone()),
            ResourceKind::Activity { .. } => ("activity".to_owned(), self.arn.clone()),
            ResourceKind::Integration {
                service, action, ..
            } => match service.split_once(':') {
                Some((sdk, service)) => (sdk.to_owned(), format!("{service}:{action}")),
                None => (service.clone(), action.clone()),
            },
        }
    }
}

/// Why a `Resource` is not one Step Functions can run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceError {
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: String,
}

/// The help for an ARN of the wrong shape.
const ARN_HELP: &str = "use a service integration such as arn:aws:states:::lambda:invoke, a Lambda function ARN or an activity ARN; tasks bind to handlers by state name";

fn error(message: String) -> ResourceError {
    ResourceError {
        message,
        help: ARN_HELP.to_owned(),
    }
}

fn classify(arn: &str) -> Result<ResourceKind, ResourceError> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let [prefix, partition, service, region, account, rest] = parts[..] else {
        return Err(error(format!(
            "`{arn}` is not an ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE)"
        )));
    };
    if prefix != "arn" || !partition.starts_with("aws") {
        return Err(error(format!(
            "`{arn}` is not an ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE)"
        )));
    }
    match service {
        "lambda" => match rest.split_once(':') {
            Some(("function", function))
                if !function.is_empty() && !region.is_empty() && !account.is_empty() =>
            {
                Ok(ResourceKind::LambdaFunction {
                    function: function.to_owned(),
                })
            }
            _ => Err(error(format!(
                "`{arn}` is not a Lambda function ARN (arn:aws:lambda:REGION:ACCOUNT:function:NAME)"
            ))),
        },
        "states" => states(arn, region, account, rest),
        _ => Err(error(format!(
            "`{arn}` is not a resource Step Functions can run: use a Lambda function, an activity or a service integration (arn:aws:states:::SERVICE:ACTION)"
        ))),
    }
}

/// Step Functions resource types that are not integrations: only an activity can be
/// a Task's resource, the others name things a Task cannot run.
const STATES_RESOURCE_TYPES: [&str; 5] =
    ["activity", "stateMachine", "execution", "express", "mapRun"];

/// An `arn:PARTITION:states:REGION:ACCOUNT:...` resource. An integration may be
/// written with or without its region and account (`arn:aws:states:::lambda:invoke`
/// and `arn:aws:states:us-east-1:123456789012:lambda:invoke` are the same resource);
/// an activity needs both.
fn states(
    arn: &str,
    region: &str,
    account: &str,
    rest: &str,
) -> Result<ResourceKind, ResourceError> {
    let resource_type = rest.split_once(':').map_or(rest, |(kind, _)| kind);
    if !STATES_RESOURCE_TYPES.contains(&resource_type) {
        return integration(arn, rest);
    }
    match rest.split_once(':') {
        Some(("activity", name))
            if !name.is_empty()
                && !name.contains(':')
                && !region.is_empty()
                && !account.is_empty() =>
        {
            Ok(ResourceKind::Activity {
                name: name.to_owned(),
            })
        }
        _ => Err(error(format!(
            "`{arn}` is neither an activity ARN (arn:aws:states:REGION:ACCOUNT:activity:NAME) nor a service integration (arn:aws:states:::SERVICE:ACTION)"
        ))),
    }
}

fn integration(arn: &str, rest: &str) -> Result<ResourceKind, ResourceError> {
    // `aws-sdk:SERVICE:ACTION` keeps `aws-sdk:SERVICE` as its service.
    let (service, action) = match rest.strip_prefix("aws-sdk:") {
        Some(sdk) => match sdk.split_once(':') {
            Some((service, action)) => (format!("aws-sdk:{service}"), action),
            None => (String::new(), ""),
        },
        None => match rest.split_once(':') {
            Some((service, action)) => (service.to_owned(), action),
            None => (String::new(), ""),
        },
    };
    let (action, pattern) = match action.split_once('.') {
        None => (action, IntegrationPattern::RequestResponse),
        Some((action, "sync")) => (action, IntegrationPattern::Sync),
        Some((action, "sync:2")) => (action, IntegrationPattern::Sync2),
        Some((action, "waitForTaskToken")) => (action, IntegrationPattern::WaitForTaskToken),
        Some((_, suffix)) => {
            let lower = suffix.to_lowercase();
            let help = if lower.starts_with("sync") {
                "did you mean `.sync` (or `.sync:2`)?"
            } else if lower.contains("wait") || lower.contains("token") {
                "did you mean `.waitForTaskToken`?"
            } else {
                "use `.sync`, `.sync:2` or `.waitForTaskToken`, or no suffix to call and continue"
            };
            return Err(ResourceError {
                message: format!("`.{suffix}` is not an integration pattern"),
                help: help.to_owned(),
            });
        }
    };
    let valid_name = |name: &str| {
        !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    let service_name = service.strip_prefix("aws-sdk:").unwrap_or(&service);
    if !valid_name(service_name) || !valid_name(action) {
        return Err(error(format!(
            "`{arn}` is not a service integration ARN (arn:aws:states:::SERVICE:ACTION[.sync|.sync:2|.waitForTaskToken])"
        )));
    }
    Ok(ResourceKind::Integration {
        service,
        action: action.to_owned(),
        pattern,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(arn: &str) -> ResourceKind {
        Resource::parse(arn).unwrap().kind
    }

    #[test]
    fn classifies_resources() {
        assert_eq!(
            kind("arn:aws:lambda:us-east-1:123456789012:function:charge:live"),
            ResourceKind::LambdaFunction {
                function: "charge:live".into()
            }
        );
        assert_eq!(
            kind("arn:aws:states:us-east-1:123456789012:activity:approve"),
            ResourceKind::Activity {
                name: "approve".into()
            }
        );
        assert_eq!(
            kind("arn:aws:states:::lambda:invoke.waitForTaskToken"),
            ResourceKind::Integration {
                service: "lambda".into(),
                action: "invoke".into(),
                pattern: IntegrationPattern::WaitForTaskToken
            }
        );
        assert_eq!(
            kind("arn:aws:states:::states:startExecution.sync:2"),
            ResourceKind::Integration {
                service: "states".into(),
                action: "startExecution".into(),
                pattern: IntegrationPattern::Sync2
            }
        );
        assert_eq!(
            kind("arn:aws:states:::aws-sdk:s3:listObjectsV2"),
            ResourceKind::Integration {
                service: "aws-sdk:s3".into(),
                action: "listObjectsV2".into(),
                pattern: IntegrationPattern::RequestResponse
            }
        );
        assert_eq!(
            kind("arn:aws-cn:states:::http:invoke"),
            ResourceKind::Integration {
                service: "http".into(),
                action: "invoke".into(),
                pattern: IntegrationPattern::RequestResponse
            }
        );
    }

    /// AWS samples write integrations with a region and an account, and in every
    /// partition; they are the same integrations as the short forms.
    #[test]
    fn integrations_with_region_and_account_classify_as_the_short_form() {
        for short in [
            "arn:aws:states:::lambda:invoke",
            "arn:aws:states:::lambda:invoke.waitForTaskToken",
            "arn:aws:states:::aws-sdk:s3:getObject",
            "arn:aws:states:::states:startExecution",
            "arn:aws:states:::states:startExecution.sync",
            "arn:aws:states:::states:startExecution.sync:2",
            "arn:aws:states:::ecs:runTask.sync",
            "arn:aws:states:::http:invoke",
        ] {
            for partition in ["aws", "aws-cn", "aws-us-gov"] {
                let short = short.replacen("arn:aws:", &format!("arn:{partition}:"), 1);
                let long = short.replacen(":::", ":us-east-1:123456789012:", 1);
                assert_eq!(kind(&long), kind(&short), "{long}");
            }
        }
    }

    /// The `resourceType` and `resource` of the history events of a Task, as the
    /// runtime reported them when it split the ARN at run time.
    #[test]
    fn resources_split_as_aws_reports_them() {
        let names = |arn: &str| Resource::parse(arn).unwrap().history_names();
        let pair = |kind: &str, name: &str| (kind.to_owned(), name.to_owned());
        assert_eq!(
            names("arn:aws:states:::lambda:invoke"),
            pair("lambda", "invoke")
        );
        assert_eq!(
            names("arn:aws:states:::states:startExecution.sync:2"),
            pair("states", "startExecution")
        );
        let activity = "arn:aws:states:us-east-1:123456789012:activity:approve";
        assert_eq!(names(activity), pair("activity", activity));
        let function = "arn:aws:lambda:us-east-1:123456789012:function:charge:live";
        assert_eq!(names(function), pair("lambda", function));
        for long in [
            "arn:aws:states:us-east-1:123456789012:lambda:invoke",
            "arn:aws-cn:states:::lambda:invoke.waitForTaskToken",
        ] {
            assert_eq!(names(long), pair("lambda", "invoke"), "{long}");
        }
        assert_eq!(
            names("arn:aws:states:::aws-sdk:s3:listObjectsV2.waitForTaskToken"),
            pair("aws-sdk", "s3:listObjectsV2")
        );
        assert_eq!(
            names("arn:aws:states:::http:invoke"),
            pair("http", "invoke")
        );
    }

    #[test]
    fn rejects_non_resources() {
        for arn in [
            "my-handler",
            "arn:aws:lambda:us-east-1:123:layer:x",
            "arn:aws:states:::lambda:invoke.wait",
            "arn:aws:states:::lambda",
            "arn:aws:states:us-east-1:1:stateMachine:x",
            "arn:aws:states:us-east-1:1:execution:x:y",
            "arn:aws:states:::stateMachine:x",
            "arn:aws:states:::activity:x",
            "arn:aws:states:us-east-1:1:activity:",
            "arn:aws:states:us-east-1:1:lambda:invoke.wait",
            "arn:aws:s3:::bucket",
            "arn:other:states:::lambda:invoke",
        ] {
            assert!(Resource::parse(arn).is_err(), "{arn}");
        }
    }
}
