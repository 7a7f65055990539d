//! Task and Parallel states.

use super::fields::Fields;
use super::machine::Scope;
use super::schema::{BRANCH, CREDENTIALS};
use super::{Express, Lowerer, Reported, Result, all_ok};
use crate::diagnostic::{Code, Diagnostic};
use crate::ir::QueryLanguage;
use crate::ir::param::Param;
use crate::ir::resource::{IntegrationPattern, Resource, ResourceKind};
use crate::ir::state::{Parallel, Task};
use crate::ir::template::Template;
use crate::spec::Node;

/// The largest `TimeoutSeconds` and `HeartbeatSeconds` of a Task.
const MAX_TASK_SECONDS: u64 = 99_999_999;

impl Lowerer<'_> {
    pub(super) fn task(
        &mut self,
        fields: &Fields<'_>,
        scope: &Scope,
        language: QueryLanguage,
    ) -> Result<Task> {
        let resource = self
            .required(fields, "Resource", "a Task state")
            .and_then(|node| {
                let resource = self.resource(node)?;
                self.check_express_resource(node, &resource)?;
                Ok(resource)
            });
        let timeout_seconds =
            self.integer_param(fields, "TimeoutSeconds", 1..=MAX_TASK_SECONDS, language);
        let heartbeat_seconds =
            self.integer_param(fields, "HeartbeatSeconds", 1..=MAX_TASK_SECONDS, language);
        let heartbeat_seconds = match (&heartbeat_seconds, &timeout_seconds) {
            (Ok(Some(Param::Fixed(heartbeat))), Ok(timeout)) => {
                // Only a written TimeoutSeconds is compared: whether AWS also compares
                // with its default of 99999999 is not known.
                let timeout = match timeout {
                    Some(Param::Fixed(timeout)) => Some(*timeout),
                    _ => None,
                };
                match timeout {
                    Some(timeout) if *heartbeat >= timeout => {
                        let node = fields
                            .get("HeartbeatSeconds")
                            .expect("fixed heartbeat is present");
                        Err(self.error_help(
                            node,
                            format!("`HeartbeatSeconds` ({heartbeat}) must be less than `TimeoutSeconds` ({timeout})"),
                            "lower HeartbeatSeconds, or raise TimeoutSeconds",
                        ))
                    }
                    _ => heartbeat_seconds,
                }
            }
            _ => heartbeat_seconds,
        };
        let credentials = fields
            .get("Credentials")
            .map(|node| self.credentials(node, language))
            .transpose();
        let retry = self.retriers(fields);
        let catch = self.catchers(fields, scope, language);
        let next = self.transition(fields, scope);
        all_ok!(
            resource,
            timeout_seconds,
            heartbeat_seconds,
            credentials,
            retry,
            catch,
            next
        );
        Ok(Task {
            resource,
            timeout_seconds,
            heartbeat_seconds,
            credentials,
            retry,
            catch,
            next,
        })
    }

    /// A resource ARN (INVALID_RESOURCE when it is not one Step Functions can run).
    pub(super) fn resource(&mut self, node: &Node) -> Result<Resource> {
        let arn = self.non_empty_string(node, "Resource")?;
        Resource::parse(arn).map_err(|error| {
            self.report(
                Diagnostic::at(Code::InvalidResource, node, error.message).with_help(error.help),
            )
        })
    }

    /// In an EXPRESS state machine or Distributed Map processor, a Task cannot wait
    /// for a job (`.sync`), a callback (`.waitForTaskToken`) or an activity: AWS
    /// rejects the definition.
    fn check_express_resource(&mut self, node: &Node, resource: &Resource) -> Result<()> {
        let Some(express) = self.express else {
            return Ok(());
        };
        let what = match &resource.kind {
            ResourceKind::Activity { .. } => "an activity",
            ResourceKind::Integration { pattern, .. } => match pattern {
                IntegrationPattern::RequestResponse => return Ok(()),
                IntegrationPattern::Sync | IntegrationPattern::Sync2 => "the `.sync` pattern",
                IntegrationPattern::WaitForTaskToken => "the `.waitForTaskToken` pattern",
            },
            ResourceKind::LambdaFunction { .. } => return Ok(()),
        };
        let (message, help) = match express {
            Express::Machine => (
                format!("an EXPRESS state machine cannot use {what}"),
                "call the service without waiting (no suffix), or make the state machine STANDARD",
            ),
            Express::MapProcessor => (
                format!("an EXPRESS child execution cannot use {what}"),
                "call the service without waiting (no suffix), or set \"ExecutionType\": \"STANDARD\" in the Map's ProcessorConfig",
            ),
        };
        Err(self.error_help(node, message, help))
    }

    /// `Credentials`: `{"RoleArn": ...}` (or `"RoleArn.$"` in JSONPath).
    fn credentials(&mut self, node: &Node, language: QueryLanguage) -> Result<Template> {
        let fields = self.fields(node, &CREDENTIALS, language)?;
        if fields.get("RoleArn").is_none() && fields.get("RoleArn.$").is_none() {
            if fields.has_misspelling(&["RoleArn"]) {
                return Err(Reported);
            }
            return Err(self.error_help(
                node,
                "`Credentials` needs `RoleArn`",
                "add \"RoleArn\": \"arn:aws:iam::ACCOUNT:role/NAME\"",
            ));
        }
        self.at_most_one(&fields, &["RoleArn", "RoleArn.$"])?;
        self.template(node, "Credentials", language, true)
    }

    pub(super) fn parallel(
        &mut self,
        fields: &Fields<'_>,
        scope: &Scope,
        language: QueryLanguage,
    ) -> Result<Parallel> {
        let branches = self.branches(fields);
        let retry = self.retriers(fields);
        let catch = self.catchers(fields, scope, language);
        let next = self.transition(fields, scope);
        all_ok!(branches, retry, catch, next);
        Ok(Parallel {
            branches,
            retry,
            catch,
            next,
        })
    }

    fn branches(&mut self, fields: &Fields<'_>) -> Result<Vec<crate::ir::Machine>> {
        let node = self.required(fields, "Branches", "a Parallel state")?;
        let items = self.non_empty_array(node, "Branches", "branches", "branch")?;
        self.each(items, |lowerer, item| {
            let fields = lowerer.fields(item, &BRANCH, lowerer.top_language)?;
            lowerer.machine(&fields, "a Parallel branch")
        })
    }
}
