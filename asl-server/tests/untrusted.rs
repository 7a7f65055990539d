//! A definition is untrusted input: whoever may call CreateStateMachine chooses what
//! the server compiles. Adversarial state names, comments, keys and strings (Rust
//! syntax, comment and string terminators, raw-string and format delimiters,
//! escapes, keywords, non-ASCII) reach the generated Rust only as escaped literals
//! or sanitized identifiers: every such definition compiles, and behaves as its
//! JSON says.

use std::sync::Arc;

use asl_build::Cache;
use asl_engine::Control;
use asl_server::host::{Host, HostConfig};
use asl_standalone::worker::protocol::Ended;
use asl_store_sqlite::SqliteStore;
use serde_json::{Value, json};

/// Pieces of text that would break generated code if pasted into it.
const FRAGMENTS: &[&str] = &[
    "\"",
    "\\",
    "\"); std::process::exit(1); (\"",
    "*/ fn evil() {} /*",
    "// line comment",
    "}}{{",
    "{}",
    "r#\"",
    "\"#",
    "#[cfg(any())]",
    "fn",
    "self",
    "Self",
    "crate",
    "mod",
    "r#type",
    "__abi_check!(0)",
    "include_str!(\"/etc/passwd\")",
    "\u{0}",
    "\n\t\r",
    "é ü 漢字 🦀",
    "\u{202e}",
    "$",
    "States.Format('{}')",
    "' '",
    "0",
    "-",
    "_",
    "::",
    "<T>",
];

/// The `n`-th adversarial text: two fragments, numbered so that texts differ.
fn text(n: usize) -> String {
    let first = FRAGMENTS[n % FRAGMENTS.len()];
    let second = FRAGMENTS[(n * 7 + 3) % FRAGMENTS.len()];
    format!("{first}{n}{second}")
}

/// A state name: adversarial, without the control characters AWS refuses there.
fn state_name(n: usize) -> String {
    text(n)
        .chars()
        .filter(|c| !c.is_control())
        .take(80)
        .collect()
}

/// Definition `n`: adversarial names, comments, keys and strings through Pass,
/// Choice and Fail states; and the input and outcome it must have.
fn case(n: usize) -> (String, Value, Ended) {
    let (first, second, third, fourth) = (
        state_name(n),
        state_name(n + 1),
        state_name(n + 2),
        state_name(n + 3),
    );
    let key = text(n + 4).replace(".$", "._");
    let value = text(n + 5);
    let wanted = text(n + 6);
    let definition = json!({
        "Comment": text(n + 7),
        "StartAt": first,
        "States": {
            first.clone(): {
                "Type": "Pass",
                "Comment": text(n + 8),
                "Parameters": {key.clone(): value, "given.$": "$.given", "name.$": "$$.State.Name"},
                "Next": second
            },
            second.clone(): {
                "Type": "Choice",
                "Choices": [{"Variable": "$.given", "StringEquals": wanted, "Next": third}],
                "Default": fourth
            },
            third.clone(): {"Type": "Succeed"},
            fourth.clone(): {"Type": "Fail", "Error": text(n + 9), "Cause": text(n + 10)}
        }
    });
    let matches = n.is_multiple_of(2);
    let given = if matches { wanted } else { text(n + 11) };
    let ended = if matches {
        Ended::Succeeded(json!({key: text(n + 5), "given": given, "name": first}))
    } else {
        Ended::Failed {
            error: text(n + 9),
            cause: text(n + 10),
        }
    };
    (definition.to_string(), json!({"given": given}), ended)
}

#[tokio::test(flavor = "multi_thread")]
async fn adversarial_definitions_compile_and_behave_as_their_json_says() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("executions.db")).unwrap();
    let control = Arc::new(Control::new(Arc::new(store)));
    let cache = Cache::new(concat!(env!("CARGO_TARGET_TMPDIR"), "/asl-cache"));
    let config = HostConfig::new(dir.path(), dir.path().join("executions.db"), cache);
    let host = Host::new(config, control);
    let cases: Vec<_> = (0..2 * FRAGMENTS.len()).map(case).collect();
    let mut prepared = Vec::new();
    for (n, (definition, input, ended)) in cases.into_iter().enumerate() {
        let checked = asl_codegen::check(&asl_codegen::SourceFile::new("case", &*definition));
        assert!(
            checked.workflow.is_some(),
            "case {n} is refused: {definition}\n{:?}",
            checked.diagnostics
        );
        // Machine names are checked by the API; the rest is the definition's.
        let id = host.prepare(&format!("machine-{n}"), &definition).unwrap();
        prepared.push((n, id, definition, input, ended));
    }
    for (n, id, definition, input, ended) in prepared {
        let outcome = host
            .run(&id, "adversary", "e1", input)
            .await
            .unwrap_or_else(|error| {
                panic!("case {n} does not compile or run: {error}\n{definition}")
            });
        assert_eq!(outcome, ended, "case {n}: {definition}");
    }
}
