use proptest::prelude::*;

use super::*;

fn parse_text(text: &str) -> Result<Node, Diagnostics> {
    parse(&SourceFile::new("t.asl.yaml", text))
}

fn only_error(text: &str) -> Diagnostic {
    let errors = parse_text(text).unwrap_err();
    assert_eq!(errors.len(), 1, "{text}");
    errors.into_iter().next().unwrap()
}

/// The source text of the error's span.
fn error_text<'a>(text: &'a str, error: &Diagnostic) -> &'a str {
    &text[error.span.unwrap().range()]
}

fn member<'n>(node: &'n Node, key: &str) -> &'n Member {
    node.as_object()
        .unwrap()
        .iter()
        .find(|member| member.key == key)
        .unwrap_or_else(|| panic!("no key {key}"))
}

fn all_spans(node: &Node, spans: &mut Vec<Span>) {
    spans.push(node.span);
    match &node.kind {
        NodeKind::Array(items) => items.iter().for_each(|item| all_spans(item, spans)),
        NodeKind::Object(members) => {
            for member in members {
                spans.push(member.key_span);
                all_spans(&member.value, spans);
            }
        }
        _ => {}
    }
}

const DEFINITION_YAML: &str = r#"
# An order workflow.
Comment: "Processes an order: ${OrderTable}"
StartAt: Validate
TimeoutSeconds: 3600
Version: "1.0"
States:
  Validate:
    Type: Task
    Resource: arn:aws:states:::lambda:invoke
    Parameters:
      FunctionName: "${ValidateFunction}"
      Payload.$: $
      Retries: 0x10
    Retry:
      - ErrorEquals: [Lambda.ServiceException, "States.TaskFailed"]
        IntervalSeconds: 2
        MaxAttempts: 3
        BackoffRate: 1.5
        JitterStrategy: FULL
    ResultPath: null
    Next: Choose
  Choose:
    Type: Choice
    Choices:
      - Variable: $.total
        NumericGreaterThan: -12.5e2
        Next: Big
      - Variable: $.express
        BooleanEquals: true
        Next: Done
    Default: Done
  Big:
    Type: Pass
    Result:
      note: |
        Large order,
        handle with care.
      folded: >-
        one
        line
      empty: ~
      flags: [yes, no, on, False]
      code: '007'
      big: 18446744073709551615
      negative: -9223372036854775808
    Next: Done
  Done:
    Type: Succeed
"#;

const DEFINITION_JSON: &str = r#"{
  "Comment": "Processes an order: ${OrderTable}",
  "StartAt": "Validate",
  "TimeoutSeconds": 3600,
  "Version": "1.0",
  "States": {
    "Validate": {
      "Type": "Task",
      "Resource": "arn:aws:states:::lambda:invoke",
      "Parameters": {
        "FunctionName": "${ValidateFunction}",
        "Payload.$": "$",
        "Retries": 16
      },
      "Retry": [
        {
          "ErrorEquals": ["Lambda.ServiceException", "States.TaskFailed"],
          "IntervalSeconds": 2,
          "MaxAttempts": 3,
          "BackoffRate": 1.5,
          "JitterStrategy": "FULL"
        }
      ],
      "ResultPath": null,
      "Next": "Choose"
    },
    "Choose": {
      "Type": "Choice",
      "Choices": [
        {"Variable": "$.total", "NumericGreaterThan": -12.5e2, "Next": "Big"},
        {"Variable": "$.express", "BooleanEquals": true, "Next": "Done"}
      ],
      "Default": "Done"
    },
    "Big": {
      "Type": "Pass",
      "Result": {
        "note": "Large order,\nhandle with care.\n",
        "folded": "one line",
        "empty": null,
        "flags": ["yes", "no", "on", false],
        "code": "007",
        "big": 18446744073709551615,
        "negative": -9223372036854775808
      },
      "Next": "Done"
    },
    "Done": {"Type": "Succeed"}
  }
}"#;

#[test]
fn yaml_and_json_read_alike() {
    let yaml = parse_text(DEFINITION_YAML).unwrap();
    let json = super::super::json::parse(&SourceFile::new("t.json", DEFINITION_JSON)).unwrap();
    assert_eq!(yaml.to_json(), json.to_json());
    // Integers stay integers, as in JSON.
    let value = yaml.to_json();
    assert!(value["TimeoutSeconds"].is_u64());
    assert!(value["States"]["Big"]["Result"]["negative"].is_i64());
    assert!(value["States"]["Choose"]["Choices"][0]["NumericGreaterThan"].is_f64());
}

#[test]
fn spans_are_bytes_of_the_text_as_written() {
    let text = "\u{feff}Comment: \"é ✓\"\r\n\
                    Ünï: plain välue # comment ✓\n\
                    'Quöted ''k''': 'sïngle ''q'''\n\
                    \"Dq\\u00e9\": \"dq \\u00e9\"  # comment ✓\n\
                    Nested:\n  Ä: 1\n  B: [x, \"ÿ\", 3]  # ✓\n\
                    List:\n  - ö\n  - {k: v}\n\
                    Indentless:\n- a\n- - b\n  - c\n\
                    Block: |+ # keep ✓\n  line ✓\n  two\n\n\
                    Anchored: &a ünï\n\
                    Empty:\n\
                    Multi: first\n  second\n\
                    Last: ok\n";
    let root = parse_text(text).unwrap();
    let at = |span: Span| &text[span.range()];
    assert_eq!(at(root.span), &text[3..text.len() - 1]);
    let expect = [
        ("Comment", "Comment", "\"é ✓\""),
        ("Ünï", "Ünï", "plain välue"),
        ("Quöted 'k'", "'Quöted ''k'''", "'sïngle ''q'''"),
        ("Dqé", "\"Dq\\u00e9\"", "\"dq \\u00e9\""),
        ("Nested", "Nested", "Ä: 1\n  B: [x, \"ÿ\", 3]"),
        ("List", "List", "- ö\n  - {k: v}"),
        ("Indentless", "Indentless", "- a\n- - b\n  - c"),
        ("Block", "Block", "|+ # keep ✓\n  line ✓\n  two"),
        ("Anchored", "Anchored", "ünï"),
        ("Empty", "Empty", ""),
        ("Multi", "Multi", "first\n  second"),
        ("Last", "Last", "ok"),
    ];
    for (key, key_text, value_text) in expect {
        let member = member(&root, key);
        assert_eq!(at(member.key_span), key_text, "key {key}");
        assert_eq!(at(member.value.span), value_text, "value of {key}");
    }
    // An omitted value is an empty span just after its `:`.
    let empty = member(&root, "Empty");
    assert_eq!(empty.value.kind, NodeKind::Null);
    assert_eq!(empty.value.span.start, empty.key_span.end + 1);

    let nested = &member(&root, "Nested").value;
    let b = member(nested, "B");
    assert_eq!(at(b.key_span), "B");
    let items = b.value.as_array().unwrap();
    let texts: Vec<&str> = items.iter().map(|item| at(item.span)).collect();
    assert_eq!(texts, ["x", "\"ÿ\"", "3"]);
    assert_eq!(at(member(nested, "Ä").value.span), "1");

    let list = member(&root, "List").value.as_array().unwrap();
    assert_eq!(at(list[0].span), "ö");
    assert_eq!(at(list[1].span), "{k: v}");
    assert_eq!(at(member(&list[1], "k").key_span), "k");

    let indentless = member(&root, "Indentless").value.as_array().unwrap();
    assert_eq!(at(indentless[1].span), "- b\n  - c");
    assert_eq!(at(indentless[1].as_array().unwrap()[1].span), "c");
    assert_eq!(
        member(&root, "Block").value.as_str(),
        Some("line ✓\ntwo\n\n")
    );
    assert_eq!(member(&root, "Multi").value.as_str(), Some("first second"));
}

#[test]
fn flow_collections_span_their_brackets() {
    let text = "é: &x [1, {a: [ ]}, [b: c]]";
    let root = parse_text(text).unwrap();
    let value = &member(&root, "é").value;
    assert_eq!(&text[value.span.range()], "[1, {a: [ ]}, [b: c]]");
    let items = value.as_array().unwrap();
    assert_eq!(&text[items[1].span.range()], "{a: [ ]}");
    assert_eq!(&text[member(&items[1], "a").value.span.range()], "[ ]");
    // A single pair in a flow sequence is a mapping from its key to its value.
    let pair = &items[2].as_array().unwrap()[0];
    assert_eq!(&text[pair.span.range()], "b: c");
}

#[test]
fn duplicate_keys_are_kept_in_order() {
    let text = "a: 1\nb: 2\na: [3]\n";
    let root = parse_text(text).unwrap();
    let members = root.as_object().unwrap();
    let keys: Vec<&str> = members.iter().map(|m| m.key.as_str()).collect();
    assert_eq!(keys, ["a", "b", "a"]);
    assert_eq!(&text[members[2].key_span.range()], "a");
    assert_eq!(&text[members[2].value.span.range()], "[3]");
}

#[test]
fn scalars_are_typed_by_the_core_schema() {
    let text = "[~, null, NULL, '', true, False, yes, 1, +2, -3, 0o17, 0x1f, 0x, 1.5, \
                    .5, 1e3, 1_000, 18446744073709551616, \"1\", '2.5', 0x-1, inf, .Nan]";
    let root = parse_text(text).unwrap();
    let json = root.to_json();
    assert_eq!(
        json,
        serde_json::json!([
            null,
            null,
            null,
            "",
            true,
            false,
            "yes",
            1,
            2,
            -3,
            15,
            31,
            "0x",
            1.5,
            0.5,
            1000.0,
            "1_000",
            18446744073709551616.0,
            "1",
            "2.5",
            "0x-1",
            "inf",
            ".Nan"
        ])
    );
    assert!(json[7].is_u64() && json[9].is_i64() && json[15].is_f64());
}

#[test]
fn keys_are_their_text_as_written() {
    let text = "1: a\ntrue: b\n~: c\n0x10: d\n\"q\\tk\": e\n: f\n";
    let root = parse_text(text).unwrap();
    let keys: Vec<&str> = root
        .as_object()
        .unwrap()
        .iter()
        .map(|m| m.key.as_str())
        .collect();
    assert_eq!(keys, ["1", "true", "~", "0x10", "q\tk", ""]);
}

#[test]
fn aliases_copy_the_anchored_node_with_its_spans() {
    let text = "base: &b {Type: Pass, End: true}\ncopy: *b\nname: &n 5\n*n : x\nagain: *n\n";
    let root = parse_text(text).unwrap();
    let base = &member(&root, "base").value;
    let copy = &member(&root, "copy").value;
    assert_eq!(copy, base);
    assert_eq!(&text[copy.span.range()], "{Type: Pass, End: true}");
    // A scalar alias is a key by its text and a value by its type.
    let key = member(&root, "5");
    assert_eq!(&text[key.key_span.range()], "5");
    assert_eq!(member(&root, "again").value.to_json(), serde_json::json!(5));
    // The mapping ends at the alias, not at the copy's span.
    assert_eq!(&text[root.span.range()], text.trim_end());
}

#[test]
fn omitted_values_are_empty_spans_after_their_key() {
    let text = "? a\n: b\n? c\nd:\ne: [x, {f, g: }]\nh:\n- i\n-\n";
    let root = parse_text(text).unwrap();
    assert_eq!(&text[root.span.range()], text.trim_end());
    let offset_after = |needle: &str| text.find(needle).unwrap() + needle.len();
    let at = |span: Span| (span.start, span.end);
    let empty = |at: usize| (at, at);
    assert_eq!(
        at(member(&root, "c").value.span),
        empty(offset_after("? c"))
    );
    assert_eq!(at(member(&root, "d").value.span), empty(offset_after("d:")));
    let flow = &member(&root, "e").value.as_array().unwrap()[1];
    assert_eq!(at(member(flow, "f").value.span), empty(offset_after("{f")));
    assert_eq!(at(member(flow, "g").value.span), empty(offset_after("g:")));
    let items = member(&root, "h").value.as_array().unwrap();
    assert_eq!(items[1].kind, NodeKind::Null);
    assert_eq!(at(items[1].span), empty(text.len() - 1));
}

#[test]
fn syntax_error_points_at_the_problem() {
    let text = "Ä: 1\nb: [1, 2\nc: 3\n";
    let error = only_error(text);
    assert_eq!(error.code, Code::InvalidJsonDescription);
    assert!(
        error.message.starts_with("invalid YAML: "),
        "{}",
        error.message
    );
    assert!(error.message.chars().nth(14).unwrap().is_lowercase());
    let span = error.span.unwrap();
    assert!(span.end - span.start <= 1);
    assert!(span.start > text.find('[').unwrap(), "{span:?}");

    let text = "a:\n\tb: 1\n";
    let error = only_error(text);
    assert_eq!(error.code, Code::InvalidJsonDescription);
    assert_eq!(error_text(text, &error), "b");
}

#[test]
fn tags_are_errors_at_the_tag() {
    for (text, tag) in [
        ("Resource: !Ref MyFunction\n", "!Ref"),
        ("States:\n  A:\n    Comment: &a !Sub '${X}'\n", "!Sub"),
        ("a: !GetAtt\n  - F\n  - Arn\n", "!GetAtt"),
        ("a: [!!str 1]\n", "!!str"),
        ("!x k: v\n", "!x"),
    ] {
        let error = only_error(text);
        assert_eq!(error.code, Code::InvalidJsonDescription, "{text}");
        assert_eq!(error_text(text, &error), tag, "{text}");
        assert!(error.help.as_deref().unwrap().contains("template"));
    }
    let error = only_error("States:\n  A:\n    Comment: &a !Sub '${X}'\n");
    assert_eq!(error.pointer, "/States/A/Comment");
    // A substitution in a plain string is just text.
    let root = parse_text("Resource: ${Function}\n").unwrap();
    assert_eq!(
        member(&root, "Resource").value.as_str(),
        Some("${Function}")
    );
}

#[test]
fn a_second_document_is_an_error() {
    let text = "StartAt: A\n---\nStartAt: B\n";
    let error = only_error(text);
    assert_eq!(error.code, Code::InvalidJsonDescription);
    assert_eq!(error_text(text, &error), "---");
    // One explicit document, ended, is fine.
    assert!(parse_text("---\nStartAt: A\n...\n").is_ok());
}

#[test]
fn alias_bombs_are_stopped() {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for level in 1..10 {
        let previous = level - 1;
        let _ = writeln!(
            text,
            "a{level}: &a{level} [*a{previous}, *a{previous}, *a{previous}, *a{previous}, \
                 *a{previous}, *a{previous}, *a{previous}, *a{previous}, *a{previous}, \
                 *a{previous}]"
        );
    }
    let error = only_error(&text);
    assert_eq!(error.code, Code::InvalidJsonDescription);
    assert!(error.message.contains("aliases"), "{}", error.message);

    // Long strings copied many times count too.
    let mut text = format!("s: &s '{}'\nl: [", "x".repeat(100_000));
    text.push_str(&"*s, ".repeat(2_000));
    text.push_str("]\n");
    assert!(only_error(&text).message.contains("aliases"));
}

#[test]
fn unknown_and_recursive_aliases_are_errors() {
    let text = "a: *nope\n";
    let error = only_error(text);
    assert_eq!(error.code, Code::InvalidJsonDescription);
    assert_eq!(error.span.unwrap().start, 3);

    let text = "a: &r [1, *r]\n";
    let error = only_error(text);
    assert_eq!(error.code, Code::InvalidJsonDescription);
    assert_eq!(error_text(text, &error), "*r");
}

#[test]
fn collections_cannot_be_keys() {
    for (text, at) in [
        ("? [a, b]\n: 1\n", "["),
        ("{a: 1}: 2\n", "{"),
        ("? - a\n: 1\n", "-"),
        ("x: &m {a: 1}\n*m : 2\n", "*m"),
    ] {
        let error = only_error(text);
        assert_eq!(error.code, Code::InvalidJsonDescription, "{text}");
        assert_eq!(error_text(text, &error), at, "{text}");
    }
}

#[test]
fn non_finite_numbers_are_errors() {
    for (text, at) in [
        ("a: .nan\n", ".nan"),
        ("a: [1, -.Inf]\n", "-.Inf"),
        ("a: 1e999\n", "1e999"),
    ] {
        let error = only_error(text);
        assert_eq!(error.code, Code::InvalidJsonDescription, "{text}");
        assert_eq!(error_text(text, &error), at, "{text}");
    }
    // As keys and as text they are fine.
    assert!(parse_text(".nan: '.inf'\n").is_ok());
}

#[test]
fn empty_definitions_are_missing() {
    for text in ["", "  \n", "# nothing\n", "---\n", "--- # c\n...\n"] {
        assert_eq!(only_error(text).code, Code::MissingDescription, "{text:?}");
    }
    // An explicit null is a value, as in JSON.
    assert_eq!(parse_text("null").unwrap().kind, NodeKind::Null);
}

/// `levels` mappings nested in block style, the innermost holding `innermost`.
fn block_nest(levels: usize, innermost: &str) -> String {
    let mut text = String::new();
    for level in 0..levels {
        let _ = writeln!(text, "{}k:", " ".repeat(level));
    }
    let _ = writeln!(text, "{}k: {innermost}", " ".repeat(levels));
    text
}

#[test]
fn deep_nesting_is_too_deeply_nested() {
    assert!(parse_text(&block_nest(MAX_DEPTH - 1, "x")).is_ok());
    let error = only_error(&block_nest(MAX_DEPTH, "x"));
    assert_eq!(error.code, Code::TooDeeplyNested);
    assert_eq!(error.pointer, format!("{}/k", "/k".repeat(MAX_DEPTH - 1)));

    // saphyr stops flow collections at 255 levels.
    let flow = |levels| format!("{}{}", "[".repeat(levels), "]".repeat(levels));
    assert!(parse_text(&flow(255)).is_ok());
    assert_eq!(only_error(&flow(256)).code, Code::TooDeeplyNested);
    assert_eq!(only_error(&"[".repeat(10_000)).code, Code::TooDeeplyNested);

    // An alias counts the depth of what it copies.
    let text = block_nest(300, &format!("[&d {}, *d]", flow(200)));
    assert!(parse_text(&text).is_ok());
    let text = block_nest(
        300,
        &format!("[&d {}, {}*d{}]", flow(200), "[".repeat(11), "]".repeat(11)),
    );
    let error = only_error(&text);
    assert_eq!(error.code, Code::TooDeeplyNested);
    assert_eq!(error_text(&text, &error), "*d");
}

/// Writes a JSON value as YAML in styles picked from `choices`, recording the text of
/// each scalar (keys included) in document order.
struct YamlWriter {
    choices: Vec<u8>,
    next: usize,
    scalars: Vec<String>,
}

impl YamlWriter {
    fn choose(&mut self, options: u8) -> u8 {
        let choice = self.choices[self.next % self.choices.len()] % options;
        self.next += 1;
        choice
    }

    fn scalar(&mut self, value: &serde_json::Value, key: bool) -> String {
        use serde_json::Value;
        let text = match value {
            Value::Null => ["null", "~", "Null"][usize::from(self.choose(3))].to_owned(),
            Value::Bool(true) => ["true", "True"][usize::from(self.choose(2))].to_owned(),
            Value::Bool(false) => "false".to_owned(),
            Value::Number(number) => number.to_string(),
            Value::String(text) => {
                let plain = text.starts_with(|c: char| c.is_alphabetic())
                    && !text.ends_with(' ')
                    && text
                        .chars()
                        .all(|c| c.is_alphanumeric() || " .$".contains(c))
                    && (key || plain_kind(text) == Some(NodeKind::String(text.clone())));
                match self.choose(3) {
                    0 if plain => text.clone(),
                    1 if !text.contains(char::is_control) => {
                        format!("'{}'", text.replace('\'', "''"))
                    }
                    _ => serde_json::to_string(text).unwrap(),
                }
            }
            Value::Array(_) | Value::Object(_) => unreachable!(),
        };
        self.scalars.push(text.clone());
        text
    }

    fn flow(&mut self, value: &serde_json::Value) -> String {
        use serde_json::Value;
        match value {
            Value::Array(items) => {
                let items: Vec<String> = items.iter().map(|item| self.flow(item)).collect();
                format!("[{}]", items.join(", "))
            }
            Value::Object(members) => {
                let mut written = Vec::new();
                for (key, value) in members {
                    let key = self.scalar(&Value::String(key.clone()), true);
                    written.push(format!("{key}: {}", self.flow(value)));
                }
                format!("{{{}}}", written.join(", "))
            }
            scalar => self.scalar(scalar, false),
        }
    }

    /// What follows `key:` or `-` for `value`, the entry being at `indent`.
    fn entry(&mut self, value: &serde_json::Value, indent: usize, in_mapping: bool) -> String {
        use serde_json::Value;
        match value {
            Value::Null if in_mapping && self.choose(2) == 0 => {
                self.scalars.push(String::new());
                "\n".to_owned()
            }
            Value::String(text)
                if text
                    .split('\n')
                    .all(|line| !line.is_empty() && line.trim() == line)
                    && self.choose(3) == 0 =>
            {
                let mut block = "|- # ✓".to_owned();
                for line in text.split('\n') {
                    block = format!("{block}\n{}{line}", " ".repeat(indent + 2));
                }
                self.scalars.push(block.clone());
                format!(" {block}\n")
            }
            Value::Object(members) if !members.is_empty() && self.choose(3) > 0 => {
                format!("\n{}", self.mapping(members, indent + 2, false))
            }
            Value::Array(items) if !items.is_empty() && self.choose(3) > 0 => {
                let indentless = in_mapping && self.choose(2) == 0;
                let indent = if indentless { indent } else { indent + 2 };
                format!("\n{}", self.sequence(items, indent))
            }
            value => format!(" {}  # ✓\n", self.flow(value)),
        }
    }

    /// A block mapping at `indent`; its first key follows a `- ` when `compact`.
    fn mapping(
        &mut self,
        members: &serde_json::Map<String, serde_json::Value>,
        indent: usize,
        compact: bool,
    ) -> String {
        let mut text = String::new();
        for (index, (key, value)) in members.iter().enumerate() {
            if index > 0 || !compact {
                text.push_str(&" ".repeat(indent));
            }
            text.push_str(&self.scalar(&serde_json::Value::String(key.clone()), true));
            text.push(':');
            text.push_str(&self.entry(value, indent, true));
        }
        text
    }

    fn sequence(&mut self, items: &[serde_json::Value], indent: usize) -> String {
        let mut text = String::new();
        for item in items {
            text.push_str(&" ".repeat(indent));
            text.push('-');
            match item {
                serde_json::Value::Object(members)
                    if !members.is_empty() && self.choose(2) == 0 =>
                {
                    text.push(' ');
                    text.push_str(&self.mapping(members, indent + 2, true));
                }
                item => text.push_str(&self.entry(item, indent, false)),
            }
        }
        text
    }

    fn document(&mut self, value: &serde_json::Value) -> String {
        match value {
            serde_json::Value::Object(members) if !members.is_empty() => {
                self.mapping(members, 0, false)
            }
            serde_json::Value::Array(items) if !items.is_empty() => self.sequence(items, 0),
            value => self.flow(value),
        }
    }
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-1e6..1e6f64).prop_map(Value::from),
        "[a-zé✓ .$\n'\"#:{}\\-]{0,8}".prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 40, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map("[a-zé.$ ]{0,5}", inner, 0..5)
                .prop_map(|members| Value::Object(members.into_iter().collect())),
        ]
    })
}

/// The spans of scalars (keys included) in document order; checks that each
/// collection spans from its bracket, first `-` or first key to its bracket or last
/// value.
fn scalar_spans(text: &str, node: &Node, spans: &mut Vec<Span>) {
    let written = &text[node.span.range()];
    let (first, last) = match &node.kind {
        NodeKind::Array(items) => (
            items.first().map(|item| item.span),
            items.last().map(|item| item.span),
        ),
        NodeKind::Object(members) => (
            members.first().map(|member| member.key_span),
            members.last().map(|member| member.value.span),
        ),
        _ => {
            spans.push(node.span);
            return;
        }
    };
    if written.starts_with('[') {
        assert!(written.ends_with(']'), "{written:?}");
    } else if written.starts_with('{') {
        assert!(written.ends_with('}'), "{written:?}");
    } else {
        match node.kind {
            NodeKind::Array(_) => assert!(written.starts_with('-'), "{written:?}"),
            _ => assert_eq!(Some(node.span.start), first.map(|span| span.start)),
        }
        assert_eq!(
            Some(node.span.end),
            last.map(|span| span.end),
            "{written:?}"
        );
    }
    match &node.kind {
        NodeKind::Array(items) => items
            .iter()
            .for_each(|item| scalar_spans(text, item, spans)),
        NodeKind::Object(members) => {
            for member in members {
                spans.push(member.key_span);
                scalar_spans(text, &member.value, spans);
            }
        }
        _ => {}
    }
}

fn check_spans(text: &str) {
    if let Ok(node) = parse_text(text) {
        let mut spans = Vec::new();
        all_spans(&node, &mut spans);
        for span in spans {
            assert!(text.get(span.range()).is_some(), "{span:?} in {text:?}");
        }
    } else if let Err(errors) = parse_text(text) {
        for error in &errors {
            let span = error.span.unwrap();
            assert!(text.get(span.range()).is_some(), "{span:?} in {text:?}");
        }
    }
}

proptest! {
    #[test]
    fn reads_yaml_written_in_any_style(
        value in json_value(),
        choices in prop::collection::vec(any::<u8>(), 1..64),
    ) {
        let mut writer = YamlWriter { choices, next: 0, scalars: Vec::new() };
        let text = format!("# ✓ é\n{}", writer.document(&value));
        let node = parse_text(&text)
            .unwrap_or_else(|errors| panic!("{text}\n{}", errors.iter().next().unwrap()));
        prop_assert_eq!(node.to_json(), value, "{}", text);
        let mut spans = Vec::new();
        scalar_spans(&text, &node, &mut spans);
        let written: Vec<&str> = spans.iter().map(|span| &text[span.range()]).collect();
        prop_assert_eq!(written, writer.scalars, "{}", text);
    }

    #[test]
    fn never_panics_on_any_text(text in "\\PC*") {
        check_spans(&text);
    }

    #[test]
    fn never_panics_on_yaml_tokens(
        tokens in prop::collection::vec(
            prop::sample::select(&[
                "- ", "-", "? ", ": ", ":", "k", "é", "'q'", "\"d\"", "&a ", "*a", "!t ",
                "|", ">-", "\n", "  ", "\t", "[", "]", "{", "}", ", ", "#c", "---", "...",
                "%YAML 1.2", ".nan", "0x1", "~", "\u{feff}", "\r\n",
            ][..]),
            0..40,
        )
    ) {
        check_spans(&tokens.concat());
    }

    #[test]
    fn never_panics_on_yaml_punctuation(
        text in "[-:?\\[\\]{}&*!|>'\"#%@,.~ \n\ta-cé0-9\u{feff}]{0,60}"
    ) {
        check_spans(&text);
    }
}
