//! One state: its type, its effective query language, the fields every state has,
//! and the simple state types (Pass, Wait, Succeed, Fail).

use super::expr::looks_like_path;
use super::fields::Fields;
use super::machine::Scope;
use super::schema::{self, Schema};
use super::{Lowerer, Reported, Result, all_ok};
use crate::diagnostic::{Code, Diagnostic};
use crate::ir::io::{DataFlow, JsonPathFlow, JsonataFlow, ResultPath, Selection};
use crate::ir::param::Param;
use crate::ir::state::{Fail, Pass, Wait, WaitFor};
use crate::ir::timestamp::Timestamp;
use crate::ir::{QueryLanguage, State, StateKind, Transition};
use crate::spec::{Node, NodeKind};

/// The state types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Type {
    Pass,
    Task,
    Choice,
    Wait,
    Succeed,
    Fail,
    Parallel,
    Map,
}

const TYPES: &[(&str, Type)] = &[
    ("Pass", Type::Pass),
    ("Task", Type::Task),
    ("Choice", Type::Choice),
    ("Wait", Type::Wait),
    ("Succeed", Type::Succeed),
    ("Fail", Type::Fail),
    ("Parallel", Type::Parallel),
    ("Map", Type::Map),
];

impl Type {
    fn schema(self) -> &'static Schema {
        match self {
            Type::Pass => &schema::PASS,
            Type::Task => &schema::TASK,
            Type::Choice => &schema::CHOICE,
            Type::Wait => &schema::WAIT,
            Type::Succeed => &schema::SUCCEED,
            Type::Fail => &schema::FAIL,
            Type::Parallel => &schema::PARALLEL,
            Type::Map => &schema::MAP,
        }
    }
}

/// The largest `Seconds` of a Wait state.
const MAX_WAIT_SECONDS: u64 = 99_999_999;

impl Lowerer<'_> {
    /// Lowers the state `name` of a machine whose names are `scope`.
    pub(super) fn state(&mut self, name: &str, node: &Node, scope: &Scope) -> Result<State> {
        let Some(members) = node.as_object() else {
            return Err(self.error(
                node,
                format!(
                    "state `{name}` must be an object, found {}",
                    node.type_name()
                ),
            ));
        };
        let Some(type_member) = members.iter().rev().find(|member| member.key == "Type") else {
            return Err(self.error_help(
                node,
                format!("state `{name}` is missing the required field `Type`"),
                "add \"Type\": one of Pass, Task, Choice, Wait, Succeed, Fail, Parallel, Map",
            ));
        };
        let ty = self.enumeration(&type_member.value, "Type", TYPES)?;
        let language = self.state_language(node)?;
        let fields = self.fields(node, ty.schema(), language)?;
        let comment = self.comment(&fields);
        let assign = fields
            .get("Assign")
            .map(|node| self.assign(node, language))
            .transpose();
        let data_flow = self.data_flow(&fields, language, ty);
        let kind = match ty {
            Type::Pass => self.pass(&fields, scope).map(StateKind::Pass),
            Type::Task => self
                .task(&fields, scope, language)
                .map(|task| StateKind::Task(Box::new(task))),
            Type::Choice => self.choice(&fields, scope, language).map(StateKind::Choice),
            Type::Wait => self.wait(&fields, scope, language).map(StateKind::Wait),
            Type::Succeed => Ok(StateKind::Succeed),
            Type::Fail => self.fail(&fields, language).map(StateKind::Fail),
            Type::Parallel => self
                .parallel(&fields, scope, language)
                .map(|p| StateKind::Parallel(Box::new(p))),
            Type::Map => self
                .map(&fields, scope, language)
                .map(|map| StateKind::Map(Box::new(map))),
        };
        all_ok!(comment, assign, data_flow, kind);
        Ok(State {
            name: name.to_owned(),
            comment,
            query_language: language,
            data_flow,
            assign,
            kind,
            definition: node.to_json(),
        })
    }

    /// The effective language of a state: its own `QueryLanguage`, or the top
    /// level's. A state may opt into JSONata in a JSONPath machine, not the reverse.
    fn state_language(&mut self, node: &Node) -> Result<QueryLanguage> {
        let declared = self.declared_language(node)?;
        match (self.top_language, declared) {
            (QueryLanguage::Jsonata, Some(QueryLanguage::JsonPath)) => {
                let member = node
                    .as_object()
                    .and_then(|members| members.iter().find(|member| member.key == "QueryLanguage"))
                    .expect("declared");
                Err(self.error_help(
                    &member.value,
                    "a state cannot use JSONPath when the state machine's QueryLanguage is JSONata",
                    "remove this `QueryLanguage`, or set the top-level QueryLanguage to JSONPath and opt into JSONata per state",
                ))
            }
            (top, declared) => Ok(declared.unwrap_or(top)),
        }
    }

    /// `Next` or `End: true`, exactly one.
    pub(super) fn transition(&mut self, fields: &Fields<'_>, scope: &Scope) -> Result<Transition> {
        match (fields.get("Next"), fields.get("End")) {
            (Some(next), None) => {
                let name = self.non_empty_string(next, "Next")?;
                self.target(next, name, scope, "Next").map(Transition::Next)
            }
            (None, Some(end)) => match self.boolean(end, "End")? {
                true => Ok(Transition::End),
                false => Err(self.error_help(
                    end,
                    "`End` must be true when present",
                    "use `Next` to continue to another state, or `\"End\": true` to end here",
                )),
            },
            (Some(_), Some(end)) => Err(self.error_help(
                end,
                "a state cannot have both `Next` and `End`",
                "keep `Next` to continue, or `End` to stop here",
            )),
            // A misspelled `Next` or `End` is already reported as an unknown field.
            (None, None)
                if fields.has("Next")
                    || fields.has("End")
                    || fields.has_misspelling(&["Next", "End"]) =>
            {
                Err(Reported)
            }
            (None, None) => Err(self.error_help(
                fields.node,
                "the state has neither `Next` nor `End`",
                "add \"Next\": \"<state name>\" or \"End\": true",
            )),
        }
    }

    /// Input and output processing in the state's language.
    fn data_flow(
        &mut self,
        fields: &Fields<'_>,
        language: QueryLanguage,
        ty: Type,
    ) -> Result<DataFlow> {
        match language {
            QueryLanguage::JsonPath => {
                let input_path = self.selection(fields, "InputPath");
                let output_path = self.selection(fields, "OutputPath");
                let result_path = match fields.get("ResultPath") {
                    None => Ok(ResultPath::Replace(crate::ir::path::ReferencePath::input())),
                    Some(node) if node.kind == NodeKind::Null => Ok(ResultPath::Discard),
                    Some(node) => self
                        .result_path(node, "ResultPath")
                        .map(ResultPath::Replace),
                };
                // A Map's `Parameters` is its legacy ItemSelector, read with the Map.
                let parameters = match ty {
                    Type::Map => Ok(None),
                    _ => self.optional_template(fields, "Parameters", language),
                };
                let result_selector = self.optional_template(fields, "ResultSelector", language);
                all_ok!(
                    input_path,
                    output_path,
                    result_path,
                    parameters,
                    result_selector
                );
                Ok(DataFlow::JsonPath(Box::new(JsonPathFlow {
                    input_path,
                    parameters,
                    result_selector,
                    result_path,
                    output_path,
                })))
            }
            QueryLanguage::Jsonata => {
                let arguments = fields
                    .get("Arguments")
                    .map(|node| self.template(node, "Arguments", language, true))
                    .transpose();
                let output = fields
                    .get("Output")
                    .map(|node| self.jsonata_template(node))
                    .transpose();
                all_ok!(arguments, output);
                Ok(DataFlow::Jsonata(JsonataFlow { arguments, output }))
            }
        }
    }

    /// An optional object template field.
    pub(super) fn optional_template(
        &mut self,
        fields: &Fields<'_>,
        field: &str,
        language: QueryLanguage,
    ) -> Result<Option<crate::ir::template::Template>> {
        fields
            .get(field)
            .map(|node| self.template(node, field, language, true))
            .transpose()
    }

    /// `InputPath` or `OutputPath`: a path, or `null` for `{}`.
    fn selection(&mut self, fields: &Fields<'_>, field: &str) -> Result<Selection> {
        match fields.get(field) {
            None => Ok(Selection::whole()),
            Some(node) if node.kind == NodeKind::Null => Ok(Selection::Empty),
            Some(node) => self.path(node, field).map(Selection::Path),
        }
    }

    fn pass(&mut self, fields: &Fields<'_>, scope: &Scope) -> Result<Pass> {
        let result = fields.get("Result").map(|node| {
            self.warn_static_result(node);
            node.to_json()
        });
        let next = self.transition(fields, scope)?;
        Ok(Pass { result, next })
    }

    /// PASS_RESULT_IS_STATIC: `.$` keys inside a Pass state's `Result`.
    fn warn_static_result(&mut self, node: &Node) {
        match &node.kind {
            NodeKind::Object(members) => {
                for member in members {
                    if member.key.ends_with(".$") {
                        self.report(
                            Diagnostic::at_key(Code::PassResultIsStatic, member, format!("`{}` in `Result` is not evaluated: a Pass state's Result is static", member.key),
                            )
                            .with_help("use `Parameters` to build a value from the input"),
                        );
                    }
                    self.warn_static_result(&member.value);
                }
            }
            NodeKind::Array(items) => items.iter().for_each(|item| self.warn_static_result(item)),
            _ => {}
        }
    }

    fn wait(
        &mut self,
        fields: &Fields<'_>,
        scope: &Scope,
        language: QueryLanguage,
    ) -> Result<Wait> {
        let next = self.transition(fields, scope);
        let chosen = self.at_most_one(
            fields,
            &["Seconds", "SecondsPath", "Timestamp", "TimestampPath"],
        );
        let until = match chosen {
            Ok(Some("Seconds" | "SecondsPath")) => self
                .integer_param(fields, "Seconds", 0..=MAX_WAIT_SECONDS, language)
                .map(|param| WaitFor::Seconds(param.expect("present"))),
            Ok(Some(_)) => self
                .param(fields, "Timestamp", language, |lowerer, node| lowerer.timestamp(node, "Timestamp"))
                .map(|param| WaitFor::Timestamp(param.expect("present"))),
            Ok(None) => Err(self.error_help(
                fields.node,
                "a Wait state needs one of `Seconds`, `SecondsPath`, `Timestamp` or `TimestampPath`",
                "add \"Seconds\": 10, for example",
            )),
            Err(reported) => Err(reported),
        };
        all_ok!(next, until);
        Ok(Wait { until, next })
    }

    /// An RFC 3339 timestamp string.
    pub(super) fn timestamp(&mut self, node: &Node, field: &str) -> Result<Timestamp> {
        let text = self.string(node, field)?;
        Timestamp::parse(text).ok_or_else(|| {
            self.error_help(
                node,
                format!("`{field}` is not an RFC 3339 timestamp: `{text}`"),
                "write e.g. 2016-03-14T01:59:00Z (uppercase T and Z; fractions and +hh:mm offsets allowed)",
            )
        })
    }

    fn fail(&mut self, fields: &Fields<'_>, language: QueryLanguage) -> Result<Fail> {
        let error = self.fail_field(fields, "Error", language);
        let cause = self.fail_field(fields, "Cause", language);
        all_ok!(error, cause);
        Ok(Fail { error, cause })
    }

    /// Fail's `Error`/`ErrorPath` or `Cause`/`CausePath`.
    fn fail_field(
        &mut self,
        fields: &Fields<'_>,
        field: &str,
        language: QueryLanguage,
    ) -> Result<Option<Param<String>>> {
        let path_field = format!("{field}Path");
        if let (Some(_), Some(path)) = (fields.get(field), fields.get(&path_field)) {
            return Err(self.error_help(
                path,
                format!("`{field}` and `{path_field}` cannot both be set"),
                format!(
                    "keep `{field}` for a constant or `{path_field}` to read it from the input"
                ),
            ));
        }
        if let Some(path) = fields.get(&path_field) {
            return self.path_or_intrinsic(path, &path_field).map(Some);
        }
        let Some(node) = fields.get(field) else {
            return Ok(None);
        };
        if language == QueryLanguage::Jsonata
            && let Some(expression) = self.jsonata(node)?
        {
            return Ok(Some(Param::Jsonata(expression)));
        }
        let text = self.string(node, field)?;
        if language == QueryLanguage::JsonPath && looks_like_path(text) {
            self.report(
                Diagnostic::at(
                    Code::NoPath,
                    node,
                    format!("`{field}` holds `{text}`, which looks like a path, but it is used as plain text"),
                )
                .with_help(format!("use `{path_field}` to read the value from the input")),
            );
        }
        Ok(Some(Param::Fixed(text.to_owned())))
    }
}
