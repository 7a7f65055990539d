//! Tests of the intrinsic call parser.

use proptest::prelude::*;
use serde_json::json;

use super::*;

fn call(text: &str) -> IntrinsicCall {
    match IntrinsicCall::parse(text) {
        Ok(call) => call,
        Err(error) => panic!("{text:?} does not parse: {error:?}"),
    }
}

/// The error for `text`, as (offset, len, message).
fn error(text: &str) -> (usize, usize, String) {
    match IntrinsicCall::parse(text) {
        Ok(call) => panic!("{text:?} parses: {call:?}"),
        Err(error) => (error.offset, error.len, error.message),
    }
}

fn literal(value: serde_json::Value) -> IntrinsicArg {
    IntrinsicArg::Literal(value)
}

fn path(text: &str) -> IntrinsicArg {
    IntrinsicArg::Path(Path::parse(text).unwrap())
}

fn args(text: &str) -> Vec<IntrinsicArg> {
    call(text).args
}

#[test]
fn every_function_by_name() {
    for function in IntrinsicFunction::ALL {
        assert_eq!(
            IntrinsicFunction::from_name(function.name()),
            Some(function)
        );
        assert_eq!(function.to_string(), function.name());
    }
    assert_eq!(IntrinsicFunction::Uuid.name(), "States.UUID");
    assert_eq!(IntrinsicFunction::from_name("States.Uuid"), None);
    assert_eq!(IntrinsicFunction::from_name("Format"), None);
}

#[test]
fn arity_bounds_of_every_function() {
    for function in IntrinsicFunction::ALL {
        let arity = function.arity();
        let call_with = |count: usize| {
            let args = vec!["$.a"; count].join(", ");
            IntrinsicCall::parse(&format!("{function}({args})"))
        };
        // JsonToString's argument is a path, which `$.a` is.
        assert!(
            call_with(arity.min).is_ok(),
            "{function} with {}",
            arity.min
        );
        if let Some(max) = arity.max {
            assert!(call_with(max).is_ok(), "{function} with {max}");
            let (offset, _, message) =
                error(&format!("{function}({})", vec!["1"; max + 1].join(",")));
            assert_eq!(offset, 0);
            assert_eq!(
                message,
                format!("`{function}` takes {arity}, but got {}", max + 1)
            );
        } else {
            assert!(call_with(arity.min + 20).is_ok(), "{function} with many");
        }
        if arity.min > 0 {
            assert!(call_with(arity.min - 1).is_err(), "{function} with too few");
        }
    }
    let expected = [
        ("States.Format", 1, None),
        ("States.StringToJson", 1, Some(1)),
        ("States.JsonToString", 1, Some(1)),
        ("States.Array", 0, None),
        ("States.ArrayPartition", 2, Some(2)),
        ("States.ArrayContains", 2, Some(2)),
        ("States.ArrayRange", 3, Some(3)),
        ("States.ArrayGetItem", 2, Some(2)),
        ("States.ArrayLength", 1, Some(1)),
        ("States.ArrayUnique", 1, Some(1)),
        ("States.Base64Encode", 1, Some(1)),
        ("States.Base64Decode", 1, Some(1)),
        ("States.Hash", 2, Some(2)),
        ("States.JsonMerge", 3, Some(3)),
        ("States.MathRandom", 2, Some(3)),
        ("States.MathAdd", 2, Some(2)),
        ("States.StringSplit", 2, Some(2)),
        ("States.UUID", 0, Some(0)),
    ];
    for (name, min, max) in expected {
        let function = IntrinsicFunction::from_name(name).unwrap();
        assert_eq!(function.arity(), Arity { min, max }, "{name}");
    }
}

#[test]
fn arity_messages() {
    let cases = [
        (
            "States.Hash($.a)",
            "`States.Hash` takes exactly 2 arguments, but got 1",
        ),
        (
            "States.UUID(1)",
            "`States.UUID` takes no arguments, but got 1",
        ),
        (
            "States.Format()",
            "`States.Format` takes at least 1 argument, but got 0",
        ),
        (
            "States.MathRandom(1)",
            "`States.MathRandom` takes 2 or 3 arguments, but got 1",
        ),
        (
            "States.ArrayLength()",
            "`States.ArrayLength` takes exactly 1 argument, but got 0",
        ),
    ];
    for (text, message) in cases {
        assert_eq!(error(text), (0, text.len(), message.into()), "{text}");
    }
    // A nested call's error covers that call.
    assert_eq!(
        error("States.Array(1, States.Hash(2))"),
        (
            16,
            14,
            "`States.Hash` takes exactly 2 arguments, but got 1".into()
        )
    );
}

#[test]
fn literal_arguments() {
    assert_eq!(call("States.UUID()").function, IntrinsicFunction::Uuid);
    assert!(args("States.Array()").is_empty());
    assert!(args("States.Array( )").is_empty());
    assert_eq!(
        args("States.Array('a', 1, -2, 1.5, 2e3, true, false, null)"),
        [
            literal(json!("a")),
            literal(json!(1)),
            literal(json!(-2)),
            literal(json!(1.5)),
            literal(json!(2000.0)),
            literal(json!(true)),
            literal(json!(false)),
            literal(json!(null)),
        ]
    );
    assert_eq!(
        args("States.Array(  'a'  ,'b'  )"),
        [literal(json!("a")), literal(json!("b"))]
    );
    // Braces need no escape outside a Format template (the corpus has this).
    assert_eq!(
        args(r#"States.StringToJson('{"a": "b, c"}')"#),
        [literal(json!(r#"{"a": "b, c"}"#))]
    );
}

#[test]
fn string_escapes() {
    assert_eq!(
        args(r"States.Array('it\'s', 'a\\b', '\{\}', 'x\ny\t\u00e9', '\q')"),
        [
            literal(json!("it's")),
            literal(json!("a\\b")),
            literal(json!("{}")),
            literal(json!("x\ny\té")),
            literal(json!("q")),
        ]
    );
}

#[test]
fn format_templates_keep_brace_and_backslash_escapes() {
    assert_eq!(
        args(r"States.Format('\{\} {} \\ it\'s \n', $.a)"),
        [literal(json!("\\{\\} {} \\\\ it's \n")), path("$.a")]
    );
    // Only the template: later arguments resolve their escapes.
    assert_eq!(
        args(r"States.Format('{}', '\{\}')"),
        [literal(json!("{}")), literal(json!("{}"))]
    );
    // Inside a nested call, the template rule applies to that call's own first argument.
    assert_eq!(
        args(r"States.Array('\{', States.Format('\{'))"),
        [
            literal(json!("{")),
            IntrinsicArg::Call(IntrinsicCall {
                function: IntrinsicFunction::Format,
                args: vec![literal(json!("\\{"))],
            }),
        ]
    );
}

#[test]
fn path_arguments() {
    assert_eq!(
        args("States.Array($, $$, $$.Execution.Id, $myVar.x, $.a[0])"),
        [
            path("$"),
            path("$$"),
            path("$$.Execution.Id"),
            path("$myVar.x"),
            path("$.a[0]")
        ]
    );
    // Commas and parentheses inside brackets and quotes belong to the path.
    assert_eq!(
        args("States.Array($.a[1,2], $.b['x,y'], $.c[?(@.d == 'x,y)')], $.e[?(@.f > 1)])"),
        [
            path("$.a[1,2]"),
            path("$.b['x,y']"),
            path("$.c[?(@.d == 'x,y)')]"),
            path("$.e[?(@.f > 1)]"),
        ]
    );
    assert_eq!(args("States.Array($.a , $.b )"), [path("$.a"), path("$.b")]);
    assert_eq!(args("States.JsonToString($.a)"), [path("$.a")]);
}

#[test]
fn nested_calls() {
    let text = "States.Format('{}.{}', States.ArrayGetItem(States.StringSplit($.arn, '/'), 2), States.UUID())";
    assert_eq!(
        call(text),
        IntrinsicCall {
            function: IntrinsicFunction::Format,
            args: vec![
                literal(json!("{}.{}")),
                IntrinsicArg::Call(IntrinsicCall {
                    function: IntrinsicFunction::ArrayGetItem,
                    args: vec![
                        IntrinsicArg::Call(IntrinsicCall {
                            function: IntrinsicFunction::StringSplit,
                            args: vec![path("$.arn"), literal(json!("/"))],
                        }),
                        literal(json!(2)),
                    ],
                }),
                IntrinsicArg::Call(IntrinsicCall {
                    function: IntrinsicFunction::Uuid,
                    args: vec![],
                }),
            ],
        }
    );
}

#[test]
fn nesting_is_limited() {
    let nested =
        |depth: usize| format!("{}$.a{}", "States.Array(".repeat(depth), ")".repeat(depth));
    assert!(IntrinsicCall::parse(&nested(MAX_NESTING)).is_ok());
    let offset = "States.Array(".len() * MAX_NESTING;
    assert_eq!(
        error(&nested(MAX_NESTING + 1)),
        (
            offset,
            "States.Array".len(),
            "intrinsic calls can be nested at most 10 deep".into()
        )
    );
    assert!(IntrinsicCall::parse(&nested(100_000)).is_err());
    // The documented example: nine calls, five deep.
    let example = "States.Format('{}.{}.{}', States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 0), States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 1))";
    assert!(IntrinsicCall::parse(example).is_ok());
}

#[test]
fn unknown_functions() {
    assert_eq!(
        error("States.Formatt('x')"),
        (
            0,
            14,
            "unknown intrinsic function `States.Formatt`; did you mean `States.Format`?".into()
        )
    );
    assert_eq!(
        error("States.uuid()"),
        (
            0,
            11,
            "unknown intrinsic function `States.uuid`; did you mean `States.UUID`?".into()
        )
    );
    assert_eq!(
        error("States.JSONToString($.a)").2,
        "unknown intrinsic function `States.JSONToString`; did you mean `States.JsonToString`?"
    );
    assert_eq!(
        error("States.ArrayGet($.a, 1)").2,
        "unknown intrinsic function `States.ArrayGet`; did you mean `States.ArrayGetItem`?"
    );
    assert_eq!(
        error("States.Concat('a')"),
        (0, 13, "unknown intrinsic function `States.Concat`".into())
    );
    assert_eq!(
        error("States.Array(1, States.Nope())"),
        (16, 11, "unknown intrinsic function `States.Nope`".into())
    );
}

#[test]
fn syntax_errors() {
    assert_eq!(
        error(" States.UUID()"),
        (
            0,
            1,
            "an intrinsic call cannot start with whitespace".into()
        )
    );
    assert_eq!(
        error("States.UUID() \t"),
        (13, 2, "an intrinsic call cannot end with whitespace".into())
    );
    assert_eq!(
        error("States.UUID() x"),
        (
            13,
            2,
            "unexpected text after the call; a field holds exactly one intrinsic call".into()
        )
    );
    let not_a_call = "an intrinsic call starts with `States.`, e.g. `States.Format('{}', $.name)`";
    assert_eq!(error(""), (0, 0, not_a_call.into()));
    assert_eq!(error("Format('x')"), (0, 11, not_a_call.into()));
    assert_eq!(
        error("States."),
        (0, 7, "expected a function name after `States.`".into())
    );
    assert_eq!(
        error("States.UUID"),
        (
            10,
            1,
            "unexpected end of text; expected `(` right after `States.UUID`".into()
        )
    );
    assert_eq!(
        error("States.UUID ()"),
        (
            11,
            1,
            "unexpected ` `; expected `(` right after `States.UUID`".into()
        )
    );
    assert_eq!(
        error("States.Array(1"),
        (12, 1, "expected `)` to close the call opened here".into())
    );
    assert_eq!(
        error("States.Array(1 2)"),
        (15, 1, "unexpected `2`; expected `,` or `)`".into())
    );
    let argument = "an argument: a 'string', a number, `true`, `false`, `null`, a path such as \
                    `$.name` or a `States.` call";
    assert_eq!(
        error("States.Array(1,)"),
        (15, 1, format!("unexpected `)`; expected {argument}"))
    );
    assert_eq!(
        error("States.Array(,1)"),
        (13, 1, format!("unexpected `,`; expected {argument}"))
    );
    assert_eq!(
        error("States.Array(yes)"),
        (13, 3, format!("unexpected `yes`; expected {argument}"))
    );
    assert_eq!(
        error("States.Array(\"a\")"),
        (
            13,
            1,
            "strings in intrinsic functions use single quotes: 'text'".into()
        )
    );
    assert_eq!(
        error("States.Array('a)"),
        (13, 1, "expected `'` to close the string opened here".into())
    );
    assert_eq!(
        error("States.Array(01)"),
        (13, 2, "`01` is not a valid number".into())
    );
    assert_eq!(
        error("States.Array(1x)"),
        (14, 1, "unexpected `x`; expected `,` or `)`".into())
    );
}

#[test]
fn path_errors_are_rebased() {
    assert_eq!(
        error("States.Array(1, $.a b)"),
        (
            19,
            1,
            "unexpected whitespace in the path; write a name with spaces as `['my name']`".into()
        )
    );
    assert_eq!(
        error("States.Array($.a[0)"),
        (18, 1, "unexpected `)`; expected `,`, `:` or `]`".into())
    );
    assert_eq!(
        error("States.Array($.a[0"),
        (
            16,
            1,
            "expected `]` to close the bracket opened here".into()
        )
    );
    assert_eq!(
        error("States.Array($.a.length())"),
        (
            17,
            8,
            "path functions such as `length()` are not supported".into()
        )
    );
}

#[test]
fn json_to_string_takes_a_path() {
    assert_eq!(
        error("States.JsonToString('x')"),
        (
            20,
            3,
            "`States.JsonToString` takes a path such as `$.data`, not a literal".into()
        )
    );
    assert_eq!(
        error("States.JsonToString(States.StringToJson($.a))"),
        (
            20,
            24,
            "`States.JsonToString` takes a path such as `$.data`, not a call".into()
        )
    );
}

proptest! {
    #[test]
    fn never_panics_on_any_text(text in "\\PC{0,60}") {
        let _ = IntrinsicCall::parse(&text);
    }

    #[test]
    fn never_panics_on_grammar_characters(tail in r#"[$@.\[\]'"*?()!,:=<>~&|/\\{} a0-9é-]{0,40}|States\.[A-Za-z]{0,6}\("#) {
        for text in [
            format!("States.Array({tail}"),
            format!("States.Format('{tail}', {tail})"),
            format!("States.Array($.a[?({tail})], {tail})"),
        ] {
            if let Err(error) = IntrinsicCall::parse(&text) {
                prop_assert!(error.offset + error.len <= text.len());
                prop_assert!(text.is_char_boundary(error.offset));
                prop_assert!(text.is_char_boundary(error.offset + error.len));
            }
        }
    }
}

#[test]
fn warnings_of_path_arguments_are_placed_in_the_call() {
    let text = "States.ArrayLength($.items[?(@.status==FAILED)])";
    let (call, warnings) = IntrinsicCall::parse_with_warnings(text).unwrap();
    assert_eq!(
        call.args,
        [path("$.items[?(@.status==FAILED)]")],
        "the word is read as the string"
    );
    let spans: Vec<_> = warnings
        .iter()
        .map(|w| &text[w.offset..w.offset + w.len])
        .collect();
    assert_eq!(spans, ["FAILED"]);
}
