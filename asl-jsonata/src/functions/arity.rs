//! Direct calls of AWS's functions with more arguments than they take.
//!
//! JSONata refuses such a call with T0410, and so does AWS. A host function cannot
//! tell a direct call from a higher-order one, though: jsonata-core hands it every
//! argument a higher-order function supplies (`$map(texts, $parse)` passes the value,
//! its index and the array). So the text is scanned once, at parse time, for direct
//! calls (`$hash(a, b, c)`) with too many arguments; only a function called so
//! refuses extra arguments, in that expression.

use jsonata_core::ast::AstNode;
use jsonata_core::parser;

/// AWS's functions and the most arguments each takes.
const MOST_ARGUMENTS: [(&str, usize); 6] = [
    ("partition", 2),
    ("range", 3),
    ("hash", 2),
    ("random", 1),
    ("uuid", 0),
    ("parse", 1),
];

/// The most arguments AWS's function `name` takes, when it is one of them.
pub(crate) fn most_arguments(name: &str) -> Option<usize> {
    MOST_ARGUMENTS
        .iter()
        .find(|(function, _)| *function == name)
        .map(|(_, most)| *most)
}

/// The names of AWS's functions that `text` calls directly with more arguments than
/// they take.
pub(crate) fn overcalled(text: &str) -> Vec<&'static str> {
    let mut found = Vec::new();
    for (function, most) in MOST_ARGUMENTS {
        let pattern = format!("${function}");
        let called_with_more = text.match_indices(&pattern).any(|(start, _)| {
            let after = start + pattern.len();
            call_text(text, start, after).is_some_and(|call| arguments(call, function) > most)
        });
        if called_with_more {
            found.push(function);
        }
    }
    found
}

/// The text of the call starting at `start`, whose name ends at `after`: up to the
/// parenthesis closing the one that follows the name, skipping strings, names in
/// backquotes and comments. `None` when no parenthesis follows (a reference, as in
/// `$map(texts, $parse)`) or none closes it.
fn call_text(text: &str, start: usize, after: usize) -> Option<&str> {
    let rest = &text[after..];
    let open = rest.len() - rest.trim_start().len();
    if !rest[open..].starts_with('(') {
        return None;
    }
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut index = after + open;
    while index < bytes.len() {
        match bytes[index] {
            quote @ (b'"' | b'\'' | b'`') => {
                index += 1;
                while index < bytes.len() && bytes[index] != quote {
                    index += if bytes[index] == b'\\' { 2 } else { 1 };
                }
            }
            b'/' if bytes.get(index + 1) == Some(&b'*') => {
                index = text[index + 2..]
                    .find("*/")
                    .map_or(bytes.len(), |end| index + 2 + end + 1);
            }
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(&text[start..=index]);
                }
            }
            _ => {}
        }
        index += 1;
    }
    None
}

/// How many arguments `call` (the text of one call of `function`) passes, as the
/// parser reads it; 0 when the parser reads something else.
fn arguments(call: &str, function: &str) -> usize {
    match parser::parse(call) {
        Ok(AstNode::Function { name, args, .. }) if name == function => args.len(),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn direct_calls_with_extra_arguments_are_found() {
        assert_eq!(overcalled("$hash('a', 'MD5', 1)"), ["hash"]);
        assert_eq!(overcalled("$uuid(1) & $parse('1', 2)"), ["uuid", "parse"]);
        assert_eq!(overcalled("$range (1, 2, 3, 4)"), ["range"]);
        assert_eq!(
            overcalled("$partition([1, (2), {'a': 3}], 2, /* , , */ 'x')"),
            ["partition"]
        );
    }

    #[test]
    fn calls_within_their_arity_and_references_are_not() {
        assert!(overcalled("$hash('a,b)', 'MD5')").is_empty());
        assert!(overcalled("$map(['1', '2'], $parse)").is_empty());
        assert!(overcalled("$random() + $random(42)").is_empty());
        assert!(overcalled("$partition($range(1, 9, 2), 2)").is_empty());
        assert!(overcalled("$hash(").is_empty(), "no closing parenthesis");
        assert!(overcalled("$hashes(1, 2, 3)").is_empty(), "another name");
    }
}
