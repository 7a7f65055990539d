use serde_json::{Value, json};

use super::*;
use crate::dataflow;

fn input() -> Value {
    json!({
        "store": {
            "book": [
                {"title": "A", "price": 8.95, "tags": ["x"]},
                {"title": "B", "price": 12.99, "isbn": "1"},
                {"title": "C", "price": 22.99, "isbn": "2"}
            ],
            "bike": {"price": 19.95}
        },
        "n": 3
    })
}

const fn path(text: &'static str, segments: &'static [Segment]) -> Path {
    Path { text, segments }
}

fn select(path: &Path) -> Option<Value> {
    path.select(&input()).map(Selected::into_value)
}

use Segment::{Child, Descendant};
use Selector::{Index, Indexes, Name, Names, Slice, Wildcard};

#[test]
fn definite_paths_yield_the_value_or_nothing() {
    static TITLE: Path = path(
        "$.store.book[0].title",
        &[
            Child(Name("store")),
            Child(Name("book")),
            Child(Index(0)),
            Child(Name("title")),
        ],
    );
    static LAST: Path = path(
        "$.store.book[-1].title",
        &[
            Child(Name("store")),
            Child(Name("book")),
            Child(Index(-1)),
            Child(Name("title")),
        ],
    );
    static MISSING: Path = path("$.store.car", &[Child(Name("store")), Child(Name("car"))]);
    static INTO_SCALAR: Path = path("$.n.x", &[Child(Name("n")), Child(Name("x"))]);
    assert_eq!(select(&TITLE), Some(json!("A")));
    assert_eq!(select(&LAST), Some(json!("C")));
    assert_eq!(select(&MISSING), None);
    assert_eq!(select(&INTO_SCALAR), None);
    assert!(TITLE.is_definite());
}

#[test]
fn indefinite_paths_yield_arrays() {
    static ALL: Path = path(
        "$.store.book[*].title",
        &[
            Child(Name("store")),
            Child(Name("book")),
            Child(Wildcard),
            Child(Name("title")),
        ],
    );
    static PRICES: Path = path("$..price", &[Descendant(Name("price"))]);
    static SLICE: Path = path(
        "$.store.book[1:].title",
        &[
            Child(Name("store")),
            Child(Name("book")),
            Child(Slice {
                start: Some(1),
                end: None,
                step: None,
            }),
            Child(Name("title")),
        ],
    );
    static BACKWARDS: Path = path(
        "$.store.book[::-2].title",
        &[
            Child(Name("store")),
            Child(Name("book")),
            Child(Slice {
                start: None,
                end: None,
                step: Some(-2),
            }),
            Child(Name("title")),
        ],
    );
    static LAST_TWO: Path = path(
        "$.store.book[-2:].title",
        &[
            Child(Name("store")),
            Child(Name("book")),
            Child(Slice {
                start: Some(-2),
                end: None,
                step: None,
            }),
            Child(Name("title")),
        ],
    );
    static UNION: Path = path(
        "$.store.book[0,2].title",
        &[
            Child(Name("store")),
            Child(Name("book")),
            Child(Indexes(&[0, 2])),
            Child(Name("title")),
        ],
    );
    static NAMES: Path = path("$['n','store']", &[Child(Names(&["n", "nothing"]))]);
    static NONE: Path = path(
        "$.store.book[*].missing",
        &[
            Child(Name("store")),
            Child(Name("book")),
            Child(Wildcard),
            Child(Name("missing")),
        ],
    );
    assert_eq!(select(&ALL), Some(json!(["A", "B", "C"])));
    assert_eq!(select(&PRICES), Some(json!([8.95, 12.99, 22.99, 19.95])));
    assert_eq!(select(&SLICE), Some(json!(["B", "C"])));
    assert_eq!(select(&BACKWARDS), Some(json!(["C", "A"])));
    assert_eq!(select(&LAST_TWO), Some(json!(["B", "C"])));
    assert_eq!(select(&UNION), Some(json!(["A", "C"])));
    assert_eq!(select(&NAMES), Some(json!([3])));
    assert_eq!(select(&NONE), Some(json!([])));
}

#[test]
fn filters() {
    static CHEAP: Filter = Filter::Compare {
        left: Operand::Current(&[Child(Name("price"))]),
        op: FilterOp::Lt,
        right: Operand::Const(Const::Int(10)),
    };
    static HAS_ISBN: Filter = Filter::Exists(Operand::Current(&[Child(Name("isbn"))]));
    static NOT_B: Filter = Filter::Compare {
        left: Operand::Current(&[Child(Name("title"))]),
        op: FilterOp::Ne,
        right: Operand::Const(Const::Str("B")),
    };
    static BOTH: Filter = Filter::And(&HAS_ISBN, &NOT_B);
    static EITHER: Filter = Filter::Or(&CHEAP, &BOTH);
    static ABOVE_N: Filter = Filter::Compare {
        left: Operand::Current(&[Child(Name("price"))]),
        op: FilterOp::Gt,
        right: Operand::Root(&[Child(Name("n"))]),
    };
    static IN: Filter = Filter::Compare {
        left: Operand::Current(&[Child(Name("title"))]),
        op: FilterOp::In,
        right: Operand::Const(Const::Array(&[Const::Str("A"), Const::Str("C")])),
    };
    static REGEX: Regex = Regex::new("^b$", "i");
    static MATCHES: Filter = Filter::Compare {
        left: Operand::Current(&[Child(Name("title"))]),
        op: FilterOp::Matches,
        right: Operand::Regex(&REGEX),
    };
    static SIZE: Filter = Filter::Compare {
        left: Operand::Current(&[Child(Name("tags"))]),
        op: FilterOp::Size,
        right: Operand::Const(Const::Int(1)),
    };
    let titles = |filter: &'static Filter| {
        let segments: &'static [Segment] = Box::leak(Box::new([
            Child(Name("store")),
            Child(Name("book")),
            Child(Selector::Filter(filter)),
            Child(Name("title")),
        ]));
        Path {
            text: "$.store.book[?(...)].title",
            segments,
        }
        .select(&input())
        .map(Selected::into_value)
    };
    assert_eq!(titles(&CHEAP), Some(json!(["A"])));
    assert_eq!(titles(&HAS_ISBN), Some(json!(["B", "C"])));
    assert_eq!(titles(&BOTH), Some(json!(["C"])));
    assert_eq!(titles(&EITHER), Some(json!(["A", "C"])));
    assert_eq!(titles(&ABOVE_N), Some(json!(["A", "B", "C"])));
    assert_eq!(titles(&IN), Some(json!(["A", "C"])));
    assert_eq!(titles(&MATCHES), Some(json!(["B"])));
    assert_eq!(titles(&SIZE), Some(json!(["A"])));
    static NOT: Filter = Filter::Not(&HAS_ISBN);
    assert_eq!(titles(&NOT), Some(json!(["A"])));
}

#[test]
fn result_path_creates_objects_and_rejects_scalars() {
    static DEEP: RefPath = RefPath {
        text: "$.a.b.c",
        steps: &[Step::Field("a"), Step::Field("b"), Step::Field("c")],
    };
    static ROOT: RefPath = RefPath {
        text: "$",
        steps: &[],
    };
    static ITEM: RefPath = RefPath {
        text: "$.list[1]",
        steps: &[Step::Field("list"), Step::Index(1)],
    };
    let mut value = json!({"a": {"x": 1}, "list": [0, 0]});
    DEEP.set(&mut value, json!(true)).unwrap();
    ITEM.set(&mut value, json!(9)).unwrap();
    assert_eq!(
        value,
        json!({"a": {"x": 1, "b": {"c": true}}, "list": [0, 9]})
    );
    ROOT.set(&mut value, json!("all")).unwrap();
    assert_eq!(value, json!("all"));
    let mut scalar = json!({"a": 5});
    assert_eq!(
        DEEP.set(&mut scalar, json!(1)).unwrap_err().name(),
        "States.Runtime"
    );
    let mut short = json!({"list": []});
    assert_eq!(
        ITEM.set(&mut short, json!(1)).unwrap_err().name(),
        "States.Runtime"
    );
}

#[test]
fn misses_give_aws_causes() {
    static MISSING: Path = path("$.NoSuchInputPath", &[Child(Name("NoSuchInputPath"))]);
    let error = dataflow::select(&MISSING, &json!({"int-literal": 0})).unwrap_err();
    assert_eq!(error.name(), "States.Runtime");
    assert_eq!(
        error.cause_text(),
        "Invalid path '$.NoSuchInputPath' : No results for path: $['NoSuchInputPath']"
    );
    static DEEP: Path = path("$.nope.deep", &[Child(Name("nope")), Child(Name("deep"))]);
    let error = dataflow::field(&DEEP, "missing.$", &json!({"other": 1})).unwrap_err();
    assert_eq!(
        error.cause_text(),
        "The JSONPath '$.nope.deep' specified for the field 'missing.$' could not be found in the input '{\"other\":1}'"
    );
    assert!(!dataflow::present(&DEEP, &json!({})));
    assert!(dataflow::variable(&DEEP, &json!({})).is_err());
}

#[test]
fn normalized_form() {
    static MIXED: Path = path(
        "$.a[0]..b[*][1:2]",
        &[
            Child(Name("a")),
            Child(Index(0)),
            Descendant(Name("b")),
            Child(Wildcard),
            Child(Slice {
                start: Some(1),
                end: Some(2),
                step: None,
            }),
        ],
    );
    assert_eq!(normalized(&MIXED), "$['a'][0]..['b'][*][1:2]");
}
