//! `Retry` and `Catch`.

use super::fields::Fields;
use super::machine::Scope;
use super::schema::{CATCHER, RETRIER};
use super::{Lowerer, Result, all_ok};
use crate::ir::QueryLanguage;
use crate::ir::io::ResultPath;
use crate::ir::path::ReferencePath;
use crate::ir::retry::{Catcher, ErrorMatcher, JitterStrategy, Retrier};
use crate::spec::{Node, NodeKind};

/// The error name that matches every error.
const STATES_ALL: &str = "States.ALL";
/// The largest `IntervalSeconds` and `MaxAttempts`.
const MAX_RETRY_FIELD: u64 = 99_999_999;
/// The largest `MaxDelaySeconds` (AWS's observed bound, one year and one day plus one).
const MAX_DELAY_SECONDS: u64 = 31_622_401;

impl Lowerer<'_> {
    /// The retriers of `Retry`, with defaults applied.
    pub(super) fn retriers(&mut self, fields: &Fields<'_>) -> Result<Vec<Retrier>> {
        let Some(node) = fields.get("Retry") else {
            return Ok(Vec::new());
        };
        let items = self.array(node, "Retry", "retriers")?;
        self.each(items.iter().enumerate(), |lowerer, (index, item)| {
            lowerer.retrier(item, index + 1 == items.len())
        })
    }

    fn retrier(&mut self, node: &Node, is_last: bool) -> Result<Retrier> {
        let fields = self.fields(node, &RETRIER, QueryLanguage::JsonPath)?;
        let errors = self.error_equals(&fields, is_last, "retrier");
        let interval_seconds =
            self.optional_integer(&fields, "IntervalSeconds", 1..=MAX_RETRY_FIELD);
        let max_attempts = self.optional_integer(&fields, "MaxAttempts", 0..=MAX_RETRY_FIELD);
        let backoff_rate = fields
            .get("BackoffRate")
            .map(|node| self.number(node, "BackoffRate", 1.0..=f64::MAX))
            .transpose();
        let max_delay_seconds =
            self.optional_integer(&fields, "MaxDelaySeconds", 1..=MAX_DELAY_SECONDS);
        let jitter = fields
            .get("JitterStrategy")
            .map(|node| {
                self.enumeration(
                    node,
                    "JitterStrategy",
                    &[
                        ("FULL", JitterStrategy::Full),
                        ("NONE", JitterStrategy::None),
                    ],
                )
            })
            .transpose();
        let comment = self.comment(&fields);
        all_ok!(
            errors,
            interval_seconds,
            max_attempts,
            backoff_rate,
            max_delay_seconds,
            jitter,
            comment
        );
        Ok(Retrier {
            errors,
            interval_seconds: interval_seconds.unwrap_or(Retrier::DEFAULT_INTERVAL_SECONDS),
            max_attempts: max_attempts.unwrap_or(Retrier::DEFAULT_MAX_ATTEMPTS),
            backoff_rate: backoff_rate.unwrap_or(Retrier::DEFAULT_BACKOFF_RATE),
            max_delay_seconds,
            jitter: jitter.unwrap_or_default(),
            comment,
        })
    }

    /// The catchers of `Catch`.
    pub(super) fn catchers(
        &mut self,
        fields: &Fields<'_>,
        scope: &Scope,
        language: QueryLanguage,
    ) -> Result<Vec<Catcher>> {
        let Some(node) = fields.get("Catch") else {
            return Ok(Vec::new());
        };
        let items = self.array(node, "Catch", "catchers")?;
        self.each(items.iter().enumerate(), |lowerer, (index, item)| {
            lowerer.catcher(item, index + 1 == items.len(), scope, language)
        })
    }

    fn catcher(
        &mut self,
        node: &Node,
        is_last: bool,
        scope: &Scope,
        language: QueryLanguage,
    ) -> Result<Catcher> {
        let fields = self.fields(node, &CATCHER, language)?;
        let errors = self.error_equals(&fields, is_last, "catcher");
        let next = self
            .required(&fields, "Next", "a catcher")
            .and_then(|next| {
                let name = self.non_empty_string(next, "Next")?;
                self.target(next, name, scope, "Next")
            });
        let result_path = match fields.get("ResultPath") {
            None => Ok(ResultPath::Replace(ReferencePath::input())),
            Some(node) if node.kind == NodeKind::Null => Ok(ResultPath::Discard),
            Some(node) => self
                .result_path(node, "ResultPath")
                .map(ResultPath::Replace),
        };
        let output = fields
            .get("Output")
            .map(|node| self.jsonata_template(node))
            .transpose();
        let assign = fields
            .get("Assign")
            .map(|node| self.assign(node, language))
            .transpose();
        let comment = self.comment(&fields);
        all_ok!(errors, next, result_path, output, assign, comment);
        Ok(Catcher {
            errors,
            next,
            result_path,
            output,
            assign,
            comment,
        })
    }

    /// `ErrorEquals`: a non-empty array of error names; `States.ALL` alone, and only
    /// in the last retrier or catcher.
    fn error_equals(
        &mut self,
        fields: &Fields<'_>,
        is_last: bool,
        what: &str,
    ) -> Result<ErrorMatcher> {
        let node = self.required(fields, "ErrorEquals", &format!("a {what}"))?;
        let items = self.array(node, "ErrorEquals", "error names")?;
        if items.is_empty() {
            return Err(self.error_help(
                node,
                "`ErrorEquals` must name at least one error",
                "add an error name, e.g. \"States.TaskFailed\", or \"States.ALL\" for any error",
            ));
        }
        let names = self.each(items, |lowerer, item| {
            lowerer
                .non_empty_string(item, "ErrorEquals")
                .map(|name| (name, item))
        })?;
        let Some((_, all)) = names.iter().find(|(name, _)| *name == STATES_ALL) else {
            return Ok(ErrorMatcher::Names(
                names.into_iter().map(|(name, _)| name.to_owned()).collect(),
            ));
        };
        if names.len() > 1 {
            return Err(self.error_help(
                all,
                "`States.ALL` must be the only error name in its `ErrorEquals`",
                "move the other names to an earlier retrier or catcher",
            ));
        }
        if !is_last {
            return Err(self.error_help(
                all,
                format!("the {what} with `States.ALL` must be the last one"),
                format!("move this {what} to the end: later ones could never match"),
            ));
        }
        Ok(ErrorMatcher::All)
    }

    fn optional_integer(
        &mut self,
        fields: &Fields<'_>,
        field: &str,
        range: std::ops::RangeInclusive<u64>,
    ) -> Result<Option<u64>> {
        fields
            .get(field)
            .map(|node| self.integer(node, field, range))
            .transpose()
    }
}
