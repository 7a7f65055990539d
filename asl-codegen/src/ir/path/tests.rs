//! Tests of the path and reference path parsers; filters are in `tests/filter.rs`.

mod filter;

use proptest::prelude::*;

use super::*;

fn segments(text: &str) -> Vec<Segment> {
    match Path::parse(text) {
        Ok(path) => {
            assert_eq!(path.text, text);
            path.segments
        }
        Err(error) => panic!("{text:?} does not parse: {error:?}"),
    }
}

/// The error for `text`, as (offset, len, message).
fn error(text: &str) -> (usize, usize, String) {
    match Path::parse(text) {
        Ok(path) => panic!("{text:?} parses: {path:?}"),
        Err(error) => (error.offset, error.len, error.message),
    }
}

/// The error for `text` as a reference path.
fn reference_error(text: &str) -> (usize, usize, String) {
    match ReferencePath::parse(text) {
        Ok(path) => panic!("{text:?} parses: {path:?}"),
        Err(error) => (error.offset, error.len, error.message),
    }
}

fn child(selector: Selector) -> Segment {
    Segment::Child(selector)
}

fn name(name: &str) -> Segment {
    child(Selector::Name(name.into()))
}

fn index(index: i64) -> Segment {
    child(Selector::Index(index))
}

fn slice(start: Option<i64>, end: Option<i64>, step: Option<i64>) -> Segment {
    child(Selector::Slice { start, end, step })
}

#[test]
fn roots() {
    let root = |text: &str| Path::parse(text).map(|path| path.root);
    assert_eq!(root("$"), Ok(Root::Input));
    assert_eq!(root("$$"), Ok(Root::Context));
    assert_eq!(root("$myVar"), Ok(Root::Variable("myVar".into())));
    assert_eq!(root("$x_1.a"), Ok(Root::Variable("x_1".into())));
    assert_eq!(root("$_"), Ok(Root::Variable("_".into())));
    assert_eq!(root("$résumé[0]"), Ok(Root::Variable("résumé".into())));
    assert_eq!(root("$states"), Ok(Root::Variable("states".into())));
    assert_eq!(root("$$.Execution.Id"), Ok(Root::Context));
    assert!(segments("$").is_empty());
    assert!(segments("$$").is_empty());
}

#[test]
fn dot_names_are_permissive_like_jayway() {
    assert_eq!(segments("$.a.b"), [name("a"), name("b")]);
    assert_eq!(
        segments("$.detail.x-amz-id"),
        [name("detail"), name("x-amz-id")]
    );
    assert_eq!(segments("$.a.b:c"), [name("a"), name("b:c")]);
    assert_eq!(segments("$.0"), [name("0")]);
    assert_eq!(segments("$.@odata"), [name("@odata")]);
    assert_eq!(segments("$.名前.ü"), [name("名前"), name("ü")]);
    assert_eq!(segments("$.a]"), [name("a]")]);
    assert_eq!(segments("$myVar.x"), [name("x")]);
    assert_eq!(
        segments("$$.Execution.Input.input-value"),
        [name("Execution"), name("Input"), name("input-value")]
    );
}

#[test]
fn wildcards() {
    assert_eq!(segments("$.*"), [child(Selector::Wildcard)]);
    assert_eq!(segments("$[*]"), [child(Selector::Wildcard)]);
    assert_eq!(segments("$[ * ]"), [child(Selector::Wildcard)]);
    assert_eq!(
        segments("$.items[*].value"),
        [name("items"), child(Selector::Wildcard), name("value")]
    );
}

#[test]
fn bracket_names() {
    assert_eq!(segments("$['a']"), [name("a")]);
    assert_eq!(segments("$[\"a b\"]"), [name("a b")]);
    assert_eq!(segments("$[ 'a' ]"), [name("a")]);
    assert_eq!(segments("$['']"), [name("")]);
    assert_eq!(segments("$['a.b[0]']"), [name("a.b[0]")]);
    assert_eq!(segments("$['a'].b['c']"), [name("a"), name("b"), name("c")]);
    // Jayway reads `.[` as `[`.
    assert_eq!(segments("$.['a']"), [name("a")]);
    assert_eq!(
        segments("$['a','b']"),
        [child(Selector::Names(vec!["a".into(), "b".into()]))]
    );
    assert_eq!(
        segments("$[ 'a' , \"b\" ,'c']"),
        [child(Selector::Names(vec![
            "a".into(),
            "b".into(),
            "c".into()
        ]))]
    );
}

#[test]
fn bracket_names_keep_backslashes_as_written() {
    // The corpus case ESCAPE_SEQUENCES_JSONPATH: AWS found the key `Test\""Name"`.
    assert_eq!(segments(r#"$['Test\""Name"']"#), [name(r#"Test\""Name""#)]);
    // A backslash stops the quote from closing the name, and stays.
    assert_eq!(segments(r"$['it\'s']"), [name(r"it\'s")]);
    assert_eq!(segments(r"$['a\\']"), [name(r"a\\")]);
    assert_eq!(segments(r#"$["say \"hi\""]"#), [name(r#"say \"hi\""#)]);
}

#[test]
fn indexes_and_unions() {
    assert_eq!(segments("$[0]"), [index(0)]);
    assert_eq!(segments("$[-1]"), [index(-1)]);
    assert_eq!(segments("$[ 10 ]"), [index(10)]);
    assert_eq!(segments("$.a[0][1]"), [name("a"), index(0), index(1)]);
    assert_eq!(
        segments("$[0,2,5]"),
        [child(Selector::Indexes(vec![0, 2, 5]))]
    );
    assert_eq!(
        segments("$[ 0 , -1 ]"),
        [child(Selector::Indexes(vec![0, -1]))]
    );
    assert_eq!(segments("$[9223372036854775807]"), [index(i64::MAX)]);
}

#[test]
fn slices() {
    assert_eq!(segments("$[1:]"), [slice(Some(1), None, None)]);
    assert_eq!(segments("$[:2]"), [slice(None, Some(2), None)]);
    assert_eq!(segments("$[1:5]"), [slice(Some(1), Some(5), None)]);
    assert_eq!(segments("$[::2]"), [slice(None, None, Some(2))]);
    assert_eq!(segments("$[-2:]"), [slice(Some(-2), None, None)]);
    assert_eq!(segments("$[1:5:2]"), [slice(Some(1), Some(5), Some(2))]);
    assert_eq!(segments("$[5:1:-1]"), [slice(Some(5), Some(1), Some(-1))]);
    assert_eq!(segments("$[:]"), [slice(None, None, None)]);
    assert_eq!(segments("$[::]"), [slice(None, None, None)]);
    assert_eq!(
        segments("$[ 1 : 5 : 2 ]"),
        [slice(Some(1), Some(5), Some(2))]
    );
    assert_eq!(
        segments("$.item.items[1:5].itemValue"),
        [
            name("item"),
            name("items"),
            slice(Some(1), Some(5), None),
            name("itemValue")
        ]
    );
}

#[test]
fn deep_scan() {
    let descendant = Segment::Descendant;
    assert_eq!(
        segments("$..name"),
        [descendant(Selector::Name("name".into()))]
    );
    assert_eq!(segments("$..*"), [descendant(Selector::Wildcard)]);
    assert_eq!(
        segments("$..['x']"),
        [descendant(Selector::Name("x".into()))]
    );
    assert_eq!(segments("$..[0]"), [descendant(Selector::Index(0))]);
    assert_eq!(
        segments("$.a..b.c"),
        [name("a"), descendant(Selector::Name("b".into())), name("c")]
    );
    assert!(matches!(
        segments("$..[?(@.a)]")[..],
        [Segment::Descendant(Selector::Filter(_))]
    ));
}

#[test]
fn definite_paths() {
    let definite = |text: &str| Path::parse(text).map(|path| path.is_definite());
    assert_eq!(definite("$"), Ok(true));
    assert_eq!(definite("$.a['b'][0][-1]"), Ok(true));
    assert_eq!(definite("$.a[*]"), Ok(false));
    assert_eq!(definite("$..a"), Ok(false));
    assert_eq!(definite("$[0,1]"), Ok(false));
    assert_eq!(definite("$['a','b']"), Ok(false));
    assert_eq!(definite("$[1:]"), Ok(false));
    assert_eq!(definite("$[?(@.a)]"), Ok(false));
}

#[test]
fn errors_at_the_start_and_end() {
    assert_eq!(
        error(""),
        (0, 0, "a path cannot be empty; it starts with `$`".into())
    );
    assert_eq!(
        error("  $.a"),
        (0, 2, "a path cannot start with whitespace".into())
    );
    assert_eq!(
        error("$.a \n"),
        (3, 2, "a path cannot end with whitespace".into())
    );
    assert_eq!(error("a.b"), (0, 1, "a path must start with `$`".into()));
    assert_eq!(error("é"), (0, 2, "a path must start with `$`".into()));
    assert_eq!(error("@.a"), (0, 1, "a path must start with `$`".into()));
    assert_eq!(
        error("$1"),
        (
            1,
            1,
            "a variable name must start with a letter or `_`".into()
        )
    );
}

#[test]
fn errors_between_segments() {
    assert_eq!(
        error("$.a b"),
        (
            3,
            1,
            "unexpected whitespace in the path; write a name with spaces as `['my name']`".into()
        )
    );
    assert_eq!(
        error("$a-b"),
        (2, 1, "unexpected `-`; expected `.` or `[`".into())
    );
    assert_eq!(
        error("$$x"),
        (2, 1, "unexpected `x`; expected `.` or `[`".into())
    );
    assert_eq!(
        error("$*"),
        (1, 1, "unexpected `*`; expected `.` or `[`".into())
    );
    assert_eq!(
        error("$.*a"),
        (3, 1, "unexpected `a`; expected `.` or `[`".into())
    );
}

#[test]
fn errors_after_dots() {
    assert_eq!(
        error("$."),
        (1, 1, "expected a name, `*` or `[` after `.`".into())
    );
    assert_eq!(
        error("$.a."),
        (3, 1, "expected a name, `*` or `[` after `.`".into())
    );
    assert_eq!(
        error("$.."),
        (1, 2, "expected a name, `*` or `[` after `..`".into())
    );
    assert_eq!(
        error("$. a"),
        (1, 1, "expected a name, `*` or `[` after `.`".into())
    );
    assert_eq!(
        error("$...a"),
        (
            1,
            3,
            "`...` is not valid; use `.` for a child or `..` for a deep scan".into()
        )
    );
}

#[test]
fn path_functions_are_rejected() {
    let message = "path functions such as `length()` are not supported";
    assert_eq!(error("$.a.length()"), (4, 8, message.into()));
    assert_eq!(error("$.length()"), (2, 8, message.into()));
    assert_eq!(error("$..sum()"), (3, 5, message.into()));
    assert_eq!(error("$.max(1, 2"), (2, 8, message.into()));
    assert_eq!(error("$[?(@.a.length() > 1)]").2, message);
}

#[test]
fn bracket_errors() {
    let unclosed = "expected `]` to close the bracket opened here";
    assert_eq!(error("$["), (1, 1, unclosed.into()));
    assert_eq!(error("$.a[0"), (3, 1, unclosed.into()));
    assert_eq!(error("$.a['b'"), (3, 1, unclosed.into()));
    assert_eq!(error("$[ *"), (1, 1, unclosed.into()));
    assert_eq!(error("$[1:"), (1, 1, unclosed.into()));
    assert_eq!(
        error("$['a"),
        (2, 1, "expected `'` to close the string opened here".into())
    );
    assert_eq!(
        error("$[]"),
        (
            1,
            2,
            "empty brackets; expected a quoted name, an index, `*`, a slice or a filter".into()
        )
    );
    assert_eq!(
        error("$[a]"),
        (
            2,
            1,
            "unexpected `a`; expected a quoted name such as `['name']`, an index, `*`, a slice \
             or a filter `[?(...)]`"
                .into()
        )
    );
    assert_eq!(
        error("$[0 1]"),
        (4, 1, "unexpected `1`; expected `,`, `:` or `]`".into())
    );
    assert_eq!(
        error("$['a' 'b']"),
        (6, 1, "unexpected `'`; expected `,` or `]`".into())
    );
    assert_eq!(
        error("$[*,0]"),
        (3, 1, "unexpected `,`; expected `]`".into())
    );
    assert_eq!(
        error("$[0,]"),
        (4, 1, "unexpected `]`; expected an index after `,`".into())
    );
    assert_eq!(
        error("$['a',]"),
        (
            6,
            1,
            "unexpected `]`; expected a quoted name after `,`".into()
        )
    );
    let mixed = "a bracket cannot mix names and indexes; write them in separate brackets";
    assert_eq!(error("$['a',0]"), (6, 1, mixed.into()));
    assert_eq!(error("$[0,'a']"), (4, 1, mixed.into()));
    assert_eq!(
        error("$[-]"),
        (3, 1, "unexpected `]`; expected a digit".into())
    );
    assert_eq!(
        error("$[1.5]"),
        (3, 1, "unexpected `.`; expected `,`, `:` or `]`".into())
    );
    assert_eq!(
        error("$[99999999999999999999]"),
        (
            2,
            20,
            "`99999999999999999999` is too large for an index".into()
        )
    );
    assert_eq!(
        error("$[(@.length-1)]"),
        (
            2,
            1,
            "script expressions such as `[(@.length-1)]` are not supported".into()
        )
    );
}

#[test]
fn slice_errors() {
    assert_eq!(
        error("$[1:2:0]"),
        (6, 1, "a slice step cannot be zero".into())
    );
    assert_eq!(
        error("$[::-0]"),
        (4, 2, "a slice step cannot be zero".into())
    );
    assert_eq!(
        error("$[1:2:3:4]"),
        (7, 1, "unexpected `:`; expected `]`".into())
    );
    assert_eq!(
        error("$[1:2,3]"),
        (5, 1, "unexpected `,`; expected `:` or `]`".into())
    );
    assert_eq!(
        error("$[:a]"),
        (3, 1, "unexpected `a`; expected `:` or `]`".into())
    );
}

#[test]
fn reference_paths() {
    let steps = |text: &str| ReferencePath::parse(text).map(|path| (path.root, path.steps));
    assert_eq!(steps("$"), Ok((Root::Input, vec![])));
    assert_eq!(steps("$$"), Ok((Root::Context, vec![])));
    assert_eq!(
        steps("$.a['b c'][0].d"),
        Ok((
            Root::Input,
            vec![
                Step::Field("a".into()),
                Step::Field("b c".into()),
                Step::Index(0),
                Step::Field("d".into())
            ]
        ))
    );
    assert_eq!(
        steps("$myVar[3]"),
        Ok((Root::Variable("myVar".into()), vec![Step::Index(3)]))
    );
    assert_eq!(
        ReferencePath::parse("$.a.b").map(|path| path.text),
        Ok("$.a.b".into())
    );
    assert_eq!(ReferencePath::parse("$"), Ok(ReferencePath::input()));
}

#[test]
fn reference_path_errors_cover_the_segment() {
    let rule = "not allowed in a reference path; use only `.name`, `['name']` and `[n]`";
    let cases = [
        ("$..a", 1, 3, "`..` is"),
        ("$.a..b", 3, 3, "`..` is"),
        ("$.a.*", 3, 2, "wildcards are"),
        ("$.a[*]", 3, 3, "wildcards are"),
        ("$[1:2]", 1, 5, "slices are"),
        ("$['a','b']", 1, 9, "unions are"),
        ("$[0, 1]", 1, 6, "unions are"),
        ("$.a[?(@.b)].c", 3, 8, "filters are"),
        ("$[-1]", 1, 4, "negative indexes are"),
    ];
    for (text, offset, len, what) in cases {
        assert_eq!(
            reference_error(text),
            (offset, len, format!("{what} {rule}")),
            "{text}"
        );
    }
    // Errors of the path syntax itself come through unchanged.
    assert_eq!(reference_error("$."), error("$."));
}

#[test]
fn helpers() {
    assert_eq!(Root::Variable("v".into()).to_string(), "$v");
    assert_eq!(Path::root_only(Root::Context), Path::parse("$$").unwrap());
    assert_eq!(Path::root_only(Root::Variable("x".into())).text, "$x");
    let reference = ReferencePath::parse("$.a[2]['b']").unwrap();
    let path = Path::from(reference);
    assert_eq!(path.segments, segments("$.a[2]['b']"));
    assert_eq!(path.text, "$.a[2]['b']");
}

/// Characters of the path grammar, to reach deep into the parser.
const GRAMMAR: &str = r#"[$@.\[\]'"*?()!,:=<>~&|/\\ a0-9é-]{0,40}"#;

proptest! {
    #[test]
    fn never_panics_on_any_text(text in "\\PC{0,60}") {
        let _ = Path::parse(&text);
        let _ = ReferencePath::parse(&text);
    }

    #[test]
    fn never_panics_on_grammar_characters(tail in GRAMMAR) {
        for text in [format!("${tail}"), format!("$[?({tail}"), format!("$[?(@.a {tail})]")] {
            if let Err(error) = Path::parse(&text) {
                prop_assert!(error.offset + error.len <= text.len());
                prop_assert!(text.is_char_boundary(error.offset));
                prop_assert!(text.is_char_boundary(error.offset + error.len));
                prop_assert!(error.len > 0);
            }
            let _ = ReferencePath::parse(&text);
        }
    }

    #[test]
    fn names_round_trip(names in prop::collection::vec("[A-Za-z_][A-Za-z0-9_-]{0,8}", 0..6)) {
        let text = names.iter().fold(String::from("$"), |path, name| format!("{path}.{name}"));
        let expected: Vec<Step> = names.into_iter().map(Step::Field).collect();
        prop_assert_eq!(ReferencePath::parse(&text).map(|path| path.steps), Ok(expected));
    }
}
