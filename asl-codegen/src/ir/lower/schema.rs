//! The fields each kind of object accepts, and in which query language.

/// The query languages a field exists in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Lang {
    /// Both languages.
    Any,
    /// JSONPath only.
    JsonPath,
    /// JSONata only.
    Jsonata,
}

use Lang::{Any, JsonPath as P, Jsonata as J};

/// An object kind: what to call it in messages, and its fields.
#[derive(Debug)]
pub(super) struct Schema {
    /// How messages name this object, e.g. "a Task state".
    pub what: &'static str,
    /// Each field and the languages it exists in.
    pub fields: &'static [(&'static str, Lang)],
    /// More fields, all in one language (the Choice rule operators).
    pub extra: (&'static [&'static str], Lang),
}

impl Schema {
    /// The language of `field`, if the object has it.
    pub fn lang(&self, field: &str) -> Option<Lang> {
        self.fields
            .iter()
            .find(|(name, _)| *name == field)
            .map(|(_, lang)| *lang)
            .or_else(|| self.extra.0.contains(&field).then_some(self.extra.1))
    }

    /// Every field name.
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.fields
            .iter()
            .map(|(name, _)| *name)
            .chain(self.extra.0.iter().copied())
    }
}

pub(super) static TOP_LEVEL: Schema = Schema {
    what: "the state machine",
    fields: &[
        ("StartAt", Any),
        ("States", Any),
        ("Comment", Any),
        ("Version", Any),
        ("TimeoutSeconds", Any),
        ("QueryLanguage", Any),
    ],
    extra: (&[], Any),
};

pub(super) static BRANCH: Schema = Schema {
    what: "a Parallel branch",
    fields: &[("StartAt", Any), ("States", Any), ("Comment", Any)],
    extra: (&[], Any),
};

pub(super) static PROCESSOR: Schema = Schema {
    what: "a Map processor",
    fields: &[
        ("StartAt", Any),
        ("States", Any),
        ("Comment", Any),
        ("ProcessorConfig", Any),
        // Never allowed: kept here so the error can say why (see `processor`).
        ("QueryLanguage", Any),
    ],
    extra: (&[], Any),
};

pub(super) static PROCESSOR_CONFIG: Schema = Schema {
    what: "ProcessorConfig",
    fields: &[("Mode", Any), ("ExecutionType", Any)],
    extra: (&[], Any),
};

pub(super) static PASS: Schema = Schema {
    what: "a Pass state",
    fields: &[
        ("Type", Any),
        ("Comment", Any),
        ("QueryLanguage", Any),
        ("Next", Any),
        ("End", Any),
        ("InputPath", P),
        ("Parameters", P),
        ("Result", P),
        ("ResultPath", P),
        ("OutputPath", P),
        ("Output", J),
        ("Assign", Any),
    ],
    extra: (&[], Any),
};

pub(super) static TASK: Schema = Schema {
    what: "a Task state",
    fields: &[
        ("Type", Any),
        ("Comment", Any),
        ("QueryLanguage", Any),
        ("Next", Any),
        ("End", Any),
        ("Resource", Any),
        ("InputPath", P),
        ("Parameters", P),
        ("ResultSelector", P),
        ("ResultPath", P),
        ("OutputPath", P),
        ("Arguments", J),
        ("Output", J),
        ("Assign", Any),
        ("Retry", Any),
        ("Catch", Any),
        ("TimeoutSeconds", Any),
        ("TimeoutSecondsPath", P),
        ("HeartbeatSeconds", Any),
        ("HeartbeatSecondsPath", P),
        ("Credentials", Any),
    ],
    extra: (&[], Any),
};

pub(super) static CHOICE: Schema = Schema {
    what: "a Choice state",
    fields: &[
        ("Type", Any),
        ("Comment", Any),
        ("QueryLanguage", Any),
        ("Choices", Any),
        ("Default", Any),
        ("InputPath", P),
        ("OutputPath", P),
        ("Output", J),
        ("Assign", Any),
    ],
    extra: (&[], Any),
};

pub(super) static WAIT: Schema = Schema {
    what: "a Wait state",
    fields: &[
        ("Type", Any),
        ("Comment", Any),
        ("QueryLanguage", Any),
        ("Next", Any),
        ("End", Any),
        ("Seconds", Any),
        ("SecondsPath", P),
        ("Timestamp", Any),
        ("TimestampPath", P),
        ("InputPath", P),
        ("OutputPath", P),
        ("Output", J),
        ("Assign", Any),
    ],
    extra: (&[], Any),
};

pub(super) static SUCCEED: Schema = Schema {
    what: "a Succeed state",
    fields: &[
        ("Type", Any),
        ("Comment", Any),
        ("QueryLanguage", Any),
        ("InputPath", P),
        ("OutputPath", P),
        ("Output", J),
    ],
    extra: (&[], Any),
};

pub(super) static FAIL: Schema = Schema {
    what: "a Fail state",
    fields: &[
        ("Type", Any),
        ("Comment", Any),
        ("QueryLanguage", Any),
        ("Error", Any),
        ("ErrorPath", P),
        ("Cause", Any),
        ("CausePath", P),
    ],
    extra: (&[], Any),
};

pub(super) static PARALLEL: Schema = Schema {
    what: "a Parallel state",
    fields: &[
        ("Type", Any),
        ("Comment", Any),
        ("QueryLanguage", Any),
        ("Next", Any),
        ("End", Any),
        ("Branches", Any),
        ("InputPath", P),
        ("Parameters", P),
        ("ResultSelector", P),
        ("ResultPath", P),
        ("OutputPath", P),
        ("Arguments", J),
        ("Output", J),
        ("Assign", Any),
        ("Retry", Any),
        ("Catch", Any),
    ],
    extra: (&[], Any),
};

pub(super) static MAP: Schema = Schema {
    what: "a Map state",
    fields: &[
        ("Type", Any),
        ("Comment", Any),
        ("QueryLanguage", Any),
        ("Next", Any),
        ("End", Any),
        ("ItemProcessor", Any),
        ("Iterator", Any),
        ("ItemsPath", P),
        ("Items", J),
        ("ItemSelector", Any),
        ("MaxConcurrency", Any),
        ("MaxConcurrencyPath", P),
        ("ToleratedFailureCount", Any),
        ("ToleratedFailureCountPath", P),
        ("ToleratedFailurePercentage", Any),
        ("ToleratedFailurePercentagePath", P),
        ("Label", Any),
        ("ItemReader", Any),
        ("ItemBatcher", Any),
        ("ResultWriter", Any),
        ("InputPath", P),
        ("Parameters", P),
        ("ResultSelector", P),
        ("ResultPath", P),
        ("OutputPath", P),
        ("Output", J),
        ("Assign", Any),
        ("Retry", Any),
        ("Catch", Any),
    ],
    extra: (&[], Any),
};

pub(super) static RETRIER: Schema = Schema {
    what: "a retrier",
    fields: &[
        ("ErrorEquals", Any),
        ("IntervalSeconds", Any),
        ("MaxAttempts", Any),
        ("BackoffRate", Any),
        ("MaxDelaySeconds", Any),
        ("JitterStrategy", Any),
        ("Comment", Any),
    ],
    extra: (&[], Any),
};

pub(super) static CATCHER: Schema = Schema {
    what: "a catcher",
    fields: &[
        ("ErrorEquals", Any),
        ("Next", Any),
        ("ResultPath", P),
        ("Output", J),
        ("Assign", Any),
        ("Comment", Any),
    ],
    extra: (&[], Any),
};

/// The data-test operators of JSONPath Choice rules.
pub(super) const CHOICE_OPERATORS: &[&str] = &[
    "StringEquals",
    "StringEqualsPath",
    "StringLessThan",
    "StringLessThanPath",
    "StringGreaterThan",
    "StringGreaterThanPath",
    "StringLessThanEquals",
    "StringLessThanEqualsPath",
    "StringGreaterThanEquals",
    "StringGreaterThanEqualsPath",
    "StringMatches",
    "NumericEquals",
    "NumericEqualsPath",
    "NumericLessThan",
    "NumericLessThanPath",
    "NumericGreaterThan",
    "NumericGreaterThanPath",
    "NumericLessThanEquals",
    "NumericLessThanEqualsPath",
    "NumericGreaterThanEquals",
    "NumericGreaterThanEqualsPath",
    "BooleanEquals",
    "BooleanEqualsPath",
    "TimestampEquals",
    "TimestampEqualsPath",
    "TimestampLessThan",
    "TimestampLessThanPath",
    "TimestampGreaterThan",
    "TimestampGreaterThanPath",
    "TimestampLessThanEquals",
    "TimestampLessThanEqualsPath",
    "TimestampGreaterThanEquals",
    "TimestampGreaterThanEqualsPath",
    "IsNull",
    "IsPresent",
    "IsNumeric",
    "IsString",
    "IsBoolean",
    "IsTimestamp",
];

pub(super) static ITEM_READER: Schema = Schema {
    what: "ItemReader",
    fields: &[
        ("Resource", Any),
        ("ReaderConfig", Any),
        ("Parameters", P),
        ("Arguments", J),
    ],
    extra: (&[], Any),
};

pub(super) static READER_CONFIG: Schema = Schema {
    what: "ReaderConfig",
    fields: &[
        ("InputType", Any),
        ("Transformation", Any),
        ("ManifestType", Any),
        ("CSVDelimiter", Any),
        ("CSVHeaderLocation", Any),
        ("CSVHeaders", Any),
        ("ItemsPointer", Any),
        ("MaxItems", Any),
        ("MaxItemsPath", P),
    ],
    extra: (&[], Any),
};

pub(super) static ITEM_BATCHER: Schema = Schema {
    what: "ItemBatcher",
    fields: &[
        ("MaxItemsPerBatch", Any),
        ("MaxItemsPerBatchPath", P),
        ("MaxInputBytesPerBatch", Any),
        ("MaxInputBytesPerBatchPath", P),
        ("BatchInput", Any),
    ],
    extra: (&[], Any),
};

pub(super) static RESULT_WRITER: Schema = Schema {
    what: "ResultWriter",
    fields: &[
        ("Resource", Any),
        ("Parameters", P),
        ("Arguments", J),
        ("WriterConfig", Any),
    ],
    extra: (&[], Any),
};

pub(super) static WRITER_CONFIG: Schema = Schema {
    what: "WriterConfig",
    fields: &[("OutputType", Any), ("Transformation", Any)],
    extra: (&[], Any),
};

pub(super) static CREDENTIALS: Schema = Schema {
    what: "Credentials",
    fields: &[("RoleArn", Any), ("RoleArn.$", P)],
    extra: (&[], Any),
};

pub(super) static CHOICE_RULE: Schema = Schema {
    what: "a Choice rule",
    fields: &[
        ("Variable", P),
        ("And", P),
        ("Or", P),
        ("Not", P),
        ("Next", Any),
        ("Assign", Any),
        ("Comment", Any),
        ("Condition", J),
        ("Output", J),
    ],
    extra: (CHOICE_OPERATORS, P),
};

pub(super) static NESTED_CHOICE_RULE: Schema = Schema {
    what: "a nested Choice rule",
    fields: &[
        ("Variable", P),
        ("And", P),
        ("Or", P),
        ("Not", P),
        ("Comment", Any),
        // Not allowed in nested rules: listed so that the error can say why
        // (see `nested_rule`) instead of calling them unknown.
        ("Next", Any),
        ("Assign", Any),
    ],
    extra: (CHOICE_OPERATORS, P),
};
