//! Tests of filter expressions.

use serde_json::json;

use super::{error, name};
use crate::ir::path::parse::MAX_FILTER_DEPTH;
use crate::ir::path::*;

/// The filter of `$[?(<expression>)]`.
fn filter(expression: &str) -> Filter {
    let text = format!("$[?({expression})]");
    match Path::parse(&text).map(|path| path.segments) {
        Ok(segments) => match &segments[..] {
            [Segment::Child(Selector::Filter(filter))] => filter.clone(),
            other => panic!("{text:?} gives {other:?}"),
        },
        Err(error) => panic!("{text:?} does not parse: {error:?}"),
    }
}

/// The error of `$[?(<expression>)]`, with the offset counted from the expression.
fn filter_error(expression: &str) -> (usize, usize, String) {
    let (offset, len, message) = error(&format!("$[?({expression})]"));
    (offset.wrapping_sub(4), len, message)
}

fn current(segments: Vec<Segment>) -> FilterOperand {
    FilterOperand::Current(segments)
}

/// `@.<name>`
fn at(field: &str) -> FilterOperand {
    current(vec![name(field)])
}

fn literal(value: serde_json::Value) -> FilterOperand {
    FilterOperand::Literal(value)
}

fn compare(left: FilterOperand, op: FilterOp, right: FilterOperand) -> Filter {
    Filter::Compare { left, op, right }
}

fn exists(field: &str) -> Filter {
    Filter::Exists(at(field))
}

fn or(a: Filter, b: Filter) -> Filter {
    Filter::Or(Box::new(a), Box::new(b))
}

fn and(a: Filter, b: Filter) -> Filter {
    Filter::And(Box::new(a), Box::new(b))
}

fn not(a: Filter) -> Filter {
    Filter::Not(Box::new(a))
}

#[test]
fn existence() {
    assert_eq!(filter("@.isbn"), exists("isbn"));
    assert_eq!(filter("@"), Filter::Exists(current(vec![])));
    assert_eq!(filter(" @.isbn "), exists("isbn"));
    assert_eq!(
        filter("@['a b'][0]"),
        Filter::Exists(current(vec![
            name("a b"),
            Segment::Child(Selector::Index(0))
        ]))
    );
    assert_eq!(
        filter("@.*"),
        Filter::Exists(current(vec![Segment::Child(Selector::Wildcard)]))
    );
    assert_eq!(
        filter("@..price"),
        Filter::Exists(current(vec![Segment::Descendant(Selector::Name(
            "price".into()
        ))]))
    );
    assert_eq!(
        filter("$.flag"),
        Filter::Exists(FilterOperand::Root(vec![name("flag")]))
    );
}

#[test]
fn comparisons() {
    let cases = [
        ("@.a == 1", FilterOp::Eq),
        ("@.a != 1", FilterOp::Ne),
        ("@.a < 1", FilterOp::Lt),
        ("@.a <= 1", FilterOp::Le),
        ("@.a > 1", FilterOp::Gt),
        ("@.a >= 1", FilterOp::Ge),
        ("@.a==1", FilterOp::Eq),
        ("@.a<1", FilterOp::Lt),
        ("@.a size 1", FilterOp::Size),
        ("@.a SIZE 1", FilterOp::Size),
    ];
    for (expression, op) in cases {
        assert_eq!(
            filter(expression),
            compare(at("a"), op, literal(json!(1))),
            "{expression}"
        );
    }
    assert_eq!(
        filter("@.price < $.expensive"),
        compare(
            at("price"),
            FilterOp::Lt,
            FilterOperand::Root(vec![name("expensive")])
        )
    );
    assert_eq!(
        filter("'x' == @.a"),
        compare(literal(json!("x")), FilterOp::Eq, at("a"))
    );
    assert_eq!(
        filter("@.x-amz == @.b:c"),
        compare(at("x-amz"), FilterOp::Eq, at("b:c"))
    );
}

#[test]
fn literals() {
    let right = |expression: &str| match filter(expression) {
        Filter::Compare { right, .. } => right,
        other => panic!("{other:?}"),
    };
    assert_eq!(right("@.a == -12"), literal(json!(-12)));
    assert_eq!(right("@.a == 1.5"), literal(json!(1.5)));
    assert_eq!(right("@.a == 2e3"), literal(json!(2000.0)));
    assert_eq!(right("@.a == -1.5E-1"), literal(json!(-0.15)));
    assert_eq!(right("@.a == 'it\\'s'"), literal(json!("it's")));
    assert_eq!(
        right("@.a == \"say \\\"hi\\\"\""),
        literal(json!("say \"hi\""))
    );
    assert_eq!(
        right("@.a == 'a\\\\b\\n\\u00e9'"),
        literal(json!("a\\b\né"))
    );
    assert_eq!(right("@.a == 'x,y)]'"), literal(json!("x,y)]")));
    assert_eq!(right("@.a == true"), literal(json!(true)));
    assert_eq!(right("@.a == false"), literal(json!(false)));
    assert_eq!(right("@.a == null"), literal(json!(null)));
    assert_eq!(right("@.a in ['a', \"b\"]"), literal(json!(["a", "b"])));
    assert_eq!(right("@.a in [1,2, -3.5 ]"), literal(json!([1, 2, -3.5])));
    assert_eq!(right("@.a in []"), literal(json!([])));
    assert_eq!(right("@.a in [true, null]"), literal(json!([true, null])));
}

#[test]
fn word_operators() {
    let cases = [
        ("in", FilterOp::In),
        ("nin", FilterOp::Nin),
        ("subsetof", FilterOp::SubsetOf),
        ("anyof", FilterOp::AnyOf),
        ("noneof", FilterOp::NoneOf),
    ];
    for (word, op) in cases {
        assert_eq!(
            filter(&format!("@.a {word} ['x']")),
            compare(at("a"), op, literal(json!(["x"]))),
            "{word}"
        );
    }
    assert_eq!(
        filter("@.a empty true"),
        compare(at("a"), FilterOp::Empty, literal(json!(true)))
    );
    assert_eq!(
        filter("@.tags anyOf $.wanted"),
        compare(
            at("tags"),
            FilterOp::AnyOf,
            FilterOperand::Root(vec![name("wanted")])
        )
    );
}

#[test]
fn regexes() {
    let regex = |pattern: &str, flags: &str| FilterOperand::Regex {
        pattern: pattern.into(),
        flags: flags.into(),
    };
    assert_eq!(
        filter("@.name =~ /^a.*$/i"),
        compare(at("name"), FilterOp::Matches, regex("^a.*$", "i"))
    );
    assert_eq!(
        filter("@.name =~ /a\\/b\\d)]/"),
        compare(at("name"), FilterOp::Matches, regex("a/b\\d)]", ""))
    );
}

#[test]
fn precedence() {
    // `&&` binds tighter than `||`.
    assert_eq!(
        filter("@.a || @.b && @.c"),
        or(exists("a"), and(exists("b"), exists("c")))
    );
    assert_eq!(
        filter("@.a && @.b || @.c"),
        or(and(exists("a"), exists("b")), exists("c"))
    );
    assert_eq!(
        filter("(@.a || @.b) && @.c"),
        and(or(exists("a"), exists("b")), exists("c"))
    );
    assert_eq!(filter("!@.a && @.b"), and(not(exists("a")), exists("b")));
    assert_eq!(filter("!(@.a || @.b)"), not(or(exists("a"), exists("b"))));
    assert_eq!(filter("!!@.a"), not(not(exists("a"))));
    assert_eq!(filter("((@.a))"), exists("a"));
    assert_eq!(
        filter("@.a == 1 && @.b != 'x'"),
        and(
            compare(at("a"), FilterOp::Eq, literal(json!(1))),
            compare(at("b"), FilterOp::Ne, literal(json!("x")))
        )
    );
}

#[test]
fn chains_are_balanced_and_keep_their_order() {
    assert_eq!(
        filter("@.a || @.b || @.c"),
        or(or(exists("a"), exists("b")), exists("c"))
    );
    assert_eq!(
        filter("@.a && @.b && @.c && @.d"),
        and(and(exists("a"), exists("b")), and(exists("c"), exists("d")))
    );
    fn depth(filter: &Filter) -> usize {
        match filter {
            Filter::Or(a, b) | Filter::And(a, b) => 1 + depth(a).max(depth(b)),
            Filter::Not(a) => 1 + depth(a),
            _ => 0,
        }
    }
    let long = vec!["@.a"; 10_000].join(" || ");
    assert_eq!(depth(&filter(&long)), 14);
}

#[test]
fn nested_filters() {
    assert_eq!(
        filter("@.items[?(@.price > 10)]"),
        Filter::Exists(current(vec![
            name("items"),
            Segment::Child(Selector::Filter(compare(
                at("price"),
                FilterOp::Gt,
                literal(json!(10))
            )))
        ]))
    );
}

#[test]
fn nesting_is_limited() {
    // The filter itself is one level, each `(` or `!` another.
    let nested = |levels: usize| {
        let inner = levels - 1;
        format!("$[?({}@.a{})]", "(".repeat(inner), ")".repeat(inner))
    };
    assert!(Path::parse(&nested(MAX_FILTER_DEPTH)).is_ok());
    let (offset, len, message) = error(&nested(MAX_FILTER_DEPTH + 1));
    assert_eq!((offset, len), (4 + MAX_FILTER_DEPTH - 1, 1));
    assert_eq!(
        message,
        "this filter is nested too deeply; at most 64 levels of parentheses, `!` and filters \
         inside filters are allowed"
    );
    let nots = |count: usize| format!("$[?({}@.a)]", "!".repeat(count));
    assert!(Path::parse(&nots(MAX_FILTER_DEPTH - 1)).is_ok());
    assert!(Path::parse(&nots(MAX_FILTER_DEPTH)).is_err());
    let filters = |count: usize| format!("${}", "[?(@".repeat(count)) + &")]".repeat(count);
    assert!(Path::parse(&filters(MAX_FILTER_DEPTH)).is_ok());
    assert!(Path::parse(&filters(MAX_FILTER_DEPTH + 1)).is_err());
    // Far past the limit: an error, not a stack overflow.
    assert!(Path::parse(&nested(100_000)).is_err());
    assert!(Path::parse(&filters(100_000)).is_err());
}

#[test]
fn filter_syntax_errors() {
    assert_eq!(
        error("$[?@.a]"),
        (
            2,
            1,
            "expected `(` after `?`; filters are written `[?(...)]`".into()
        )
    );
    assert_eq!(
        error("$[?(@.a"),
        (3, 1, "expected `)` to close the filter opened here".into())
    );
    assert_eq!(
        error("$[?(@.a)"),
        (1, 1, "expected `]` to close the bracket opened here".into())
    );
    assert_eq!(
        error("$[?((@.a)]"),
        (3, 1, "expected `)` to close the filter opened here".into())
    );
    assert_eq!(
        error("$[?((@.a]"),
        (
            4,
            1,
            "expected `)` to close the parenthesis opened here".into()
        )
    );
    assert_eq!(
        filter_error("@.a @.b"),
        (
            4,
            1,
            "unexpected `@`; expected a comparison operator such as `==`, `&&`, `||` or `)`".into()
        )
    );
    assert_eq!(
        filter_error(""),
        (0, 1, "unexpected `)`; expected a value such as `@.name`, a number, a 'string', `true`, `false` or `null`".into())
    );
    assert_eq!(
        filter_error("@.a =="),
        (6, 1, "unexpected `)`; expected a value such as `@.name`, a number, a 'string', `true`, `false` or `null`".into())
    );
    assert_eq!(
        filter_error("@.a & @.b"),
        (4, 1, "use `&&`, not `&`".into())
    );
    assert_eq!(
        filter_error("@.a | @.b"),
        (4, 1, "use `||`, not `|`".into())
    );
    assert_eq!(
        filter_error("@.a = 1"),
        (4, 1, "use `==` to compare".into())
    );
    assert_eq!(
        filter_error("@.a === 1"),
        (4, 3, "`===` is not supported; use `==`".into())
    );
    assert_eq!(
        filter_error("@.a !== 1"),
        (4, 3, "`!==` is not supported; use `!=`".into())
    );
    assert_eq!(
        filter_error("@.a contains 'x'"),
        (4, 8, "the `contains` operator is not supported".into())
    );
    assert_eq!(
        filter_error("@.a like 'x'"),
        (
            4,
            4,
            "unknown operator `like`; expected `==`, `!=`, `<`, `<=`, `>`, `>=`, `=~`, `in`, \
             `nin`, `subsetof`, `anyof`, `noneof`, `size` or `empty`"
                .into()
        )
    );
    assert_eq!(
        filter_error("@abc"),
        (0, 2, "expected `.` or `[` after the path's start".into())
    );
    assert_eq!(
        filter_error("@é"),
        (0, 3, "expected `.` or `[` after the path's start".into())
    );
}

#[test]
fn bare_words_are_strings_with_a_warning() {
    // From an AWS sample: AWS selects the items whose status is the string "FAILED".
    let (path, warnings) = Path::parse_with_warnings("$.items[?(@.status==FAILED)]").unwrap();
    assert_eq!(
        path.segments[1],
        Segment::Child(Selector::Filter(compare(
            at("status"),
            FilterOp::Eq,
            literal(json!("FAILED"))
        )))
    );
    assert_eq!(
        warnings,
        [PathWarning {
            kind: PathWarningKind::UnquotedString,
            offset: 20,
            len: 6,
            message: "`FAILED` is not quoted: AWS compares it as the string \"FAILED\"".into(),
            help: "quote it: 'FAILED'".into(),
        }]
    );
    let bare = |expression: &str| {
        let (path, warnings) = Path::parse_with_warnings(&format!("$[?({expression})]")).unwrap();
        let spans: Vec<_> = warnings.iter().map(|w| (w.offset - 4, w.len)).collect();
        match &path.segments[..] {
            [Segment::Child(Selector::Filter(filter))] => (filter.clone(), spans),
            other => panic!("{expression:?} gives {other:?}"),
        }
    };
    // Either side, in arrays, with `-` and `_` inside the word.
    assert_eq!(
        bare("IN_PROGRESS != @.s"),
        (
            compare(literal(json!("IN_PROGRESS")), FilterOp::Ne, at("s")),
            vec![(0, 11)]
        )
    );
    assert_eq!(
        bare("@.s in [FAILED, 'x', timed-out]"),
        (
            compare(
                at("s"),
                FilterOp::In,
                literal(json!(["FAILED", "x", "timed-out"]))
            ),
            vec![(8, 6), (21, 9)]
        )
    );
    // JSON literals and numbers are not words.
    for (text, value) in [
        ("true", json!(true)),
        ("false", json!(false)),
        ("null", json!(null)),
        ("-1.5", json!(-1.5)),
    ] {
        assert_eq!(
            bare(&format!("@.a == {text}")),
            (compare(at("a"), FilterOp::Eq, literal(value)), vec![]),
            "{text}"
        );
    }
    // A literal in another case is a word; the help points to the literal.
    let (_, warnings) = Path::parse_with_warnings("$[?(@.a == True)]").unwrap();
    assert_eq!(
        warnings[0].help,
        "write `true` (lowercase) for the JSON literal, or quote it: 'True'"
    );
    // A word alone is still not a condition.
    assert_eq!(
        filter_error("FAILED"),
        (
            0,
            6,
            "a condition needs a path such as `@.name` or a comparison such as `@.price < 10`"
                .into()
        )
    );
}

#[test]
fn filter_operand_errors() {
    let needs_path =
        "a condition needs a path such as `@.name` or a comparison such as `@.price < 10`";
    assert_eq!(filter_error("true"), (0, 4, needs_path.into()));
    assert_eq!(filter_error("'a'"), (0, 3, needs_path.into()));
    assert_eq!(filter_error("/a/"), (0, 3, needs_path.into()));
    let regex_place = "a regular expression can only be used on the right of `=~`";
    assert_eq!(filter_error("/a/ =~ @.b"), (0, 3, regex_place.into()));
    assert_eq!(filter_error("@.a == /a/"), (7, 3, regex_place.into()));
    assert_eq!(
        filter_error("@.a =~ 'a'"),
        (
            7,
            3,
            "expected a regular expression such as `/^a.*/i` after `=~`".into()
        )
    );
    assert_eq!(
        filter_error("@.a =~ /a/g"),
        (
            10,
            1,
            "unknown regular expression flag `g`; only `i` (ignore case) is supported".into()
        )
    );
    assert_eq!(
        filter_error("@.a =~ /a"),
        (
            7,
            1,
            "expected `/` to close the regular expression opened here".into()
        )
    );
    assert_eq!(
        filter_error("@.a empty 1"),
        (10, 1, "expected `true` or `false` after `empty`".into())
    );
    assert_eq!(
        filter_error("@.a == $$.x"),
        (
            8,
            1,
            "only `@` and `$` paths can be used in a filter, not `$$` or variables".into()
        )
    );
    assert_eq!(
        filter_error("@.a == $v"),
        (
            8,
            1,
            "only `@` and `$` paths can be used in a filter, not `$$` or variables".into()
        )
    );
    assert_eq!(
        filter_error("@.a == {}"),
        (7, 1, "JSON objects are not supported in filters".into())
    );
    assert_eq!(
        filter_error("@.a in [[1]]"),
        (
            8,
            1,
            "arrays inside arrays are not supported in filters".into()
        )
    );
    assert_eq!(
        filter_error("@.a in [1 2]"),
        (10, 1, "unexpected `2`; expected `,` or `]`".into())
    );
    assert_eq!(
        filter_error("@.a in [1"),
        (9, 1, "unexpected `)`; expected `,` or `]`".into())
    );
    assert_eq!(
        filter_error("@.a == 01"),
        (7, 2, "`01` is not a valid number".into())
    );
    assert_eq!(
        filter_error("@.a == 1e999"),
        (7, 5, "`1e999` is not a valid number".into())
    );
    assert_eq!(
        filter_error("@.a == 'x"),
        (7, 1, "expected `'` to close the string opened here".into())
    );
    assert_eq!(
        filter_error("@.a == '\\u12'"),
        (8, 2, "expected four hexadecimal digits after `\\u`".into())
    );
    assert_eq!(
        filter_error("@.a == '\\ud800'"),
        (
            8,
            6,
            "this unicode escape is not a character (a lone surrogate)".into()
        )
    );
}

#[test]
fn unicode_escapes() {
    let right = |expression: &str| match filter(expression) {
        Filter::Compare { right, .. } => right,
        other => panic!("{other:?}"),
    };
    assert_eq!(right("@.a == '\\ud83d\\ude00'"), literal(json!("😀")));
    assert_eq!(right("@.a == '\\u00E9'"), literal(json!("é")));
}
