//! Simple JSONata expressions as direct Rust: a path into `$states` or a variable,
//! literals, arithmetic, comparisons, `&`, `and`, `or`, unary minus and
//! parentheses. Anything else (functions, filters, constructors, blocks ...) is
//! left to the engine. The generated calls (`jsonata::direct`) hand a case they do
//! not cover back to the engine, so results and errors stay the engine's.

use proc_macro2::TokenStream;
use quote::quote;

use super::variables::Scopes;

/// A parsed simple expression.
#[derive(Debug, Clone, PartialEq)]
enum Expr {
    Literal(serde_json::Value),
    /// `$states.a.b` or `$name.a.b`.
    Path {
        root: String,
        steps: Vec<String>,
    },
    Negate(Box<Expr>),
    Binary(Op, Box<Expr>, Box<Expr>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Add,
    Subtract,
    Multiply,
    Divide,
    Remainder,
    Concatenate,
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    And,
    Or,
}

impl Op {
    /// JSONata's binding power.
    fn precedence(self) -> u8 {
        match self {
            Op::Multiply | Op::Divide | Op::Remainder => 60,
            Op::Add | Op::Subtract | Op::Concatenate => 50,
            Op::Equal
            | Op::NotEqual
            | Op::Less
            | Op::LessOrEqual
            | Op::Greater
            | Op::GreaterOrEqual => 40,
            Op::And => 30,
            Op::Or => 25,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Number(f64),
    Text(String),
    Variable(String),
    Name(String),
    Dot,
    Open,
    Close,
    Op(Op),
    Minus,
}

/// Where the generated code reads `$states` paths from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum States {
    /// The `states` object.
    Object,
    /// The state's `input` (`$states.input`): only paths through `$states.input`
    /// compile.
    Input,
}

/// The Rust for `text` when it is a simple expression: a `Direct` expression,
/// reading `$states` as `states` says.
pub(super) fn compile(text: &str, scopes: &Scopes, states: States) -> Option<TokenStream> {
    let tokens = tokens(text)?;
    let mut parser = Parser { tokens, at: 0 };
    let expr = parser.expression(0)?;
    if parser.at != parser.tokens.len() {
        return None;
    }
    generate(&expr, scopes, states)
}

fn tokens(text: &str) -> Option<Vec<Token>> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    let word = |start: usize| {
        let mut end = start;
        while end < chars.len() && (chars[end].is_ascii_alphanumeric() || chars[end] == '_') {
            end += 1;
        }
        end
    };
    while i < chars.len() {
        let c = chars[i];
        let two = chars.get(i + 1).copied();
        let token = match c {
            c if c.is_whitespace() => {
                i += 1;
                continue;
            }
            '0'..='9' => {
                let start = i;
                while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                    i += 1;
                }
                let number: String = chars[start..i].iter().collect();
                if number.ends_with('.') || i < chars.len() && chars[i].is_alphabetic() {
                    return None;
                }
                tokens.push(Token::Number(number.parse().ok()?));
                continue;
            }
            '\'' | '"' => {
                let end = chars[i + 1..].iter().position(|&d| d == c)? + i + 1;
                let content: String = chars[i + 1..end].iter().collect();
                if content.contains('\\') {
                    return None;
                }
                i = end + 1;
                tokens.push(Token::Text(content));
                continue;
            }
            '$' => {
                let end = word(i + 1);
                if end == i + 1 || chars[i + 1].is_ascii_digit() {
                    return None;
                }
                let name: String = chars[i + 1..end].iter().collect();
                i = end;
                tokens.push(Token::Variable(name));
                continue;
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let end = word(i);
                let name: String = chars[i..end].iter().collect();
                i = end;
                tokens.push(match name.as_str() {
                    "and" => Token::Op(Op::And),
                    "or" => Token::Op(Op::Or),
                    _ => Token::Name(name),
                });
                continue;
            }
            '.' => Token::Dot,
            '(' => Token::Open,
            ')' => Token::Close,
            '+' => Token::Op(Op::Add),
            '-' => Token::Minus,
            '*' => Token::Op(Op::Multiply),
            '/' => Token::Op(Op::Divide),
            '%' => Token::Op(Op::Remainder),
            '&' => Token::Op(Op::Concatenate),
            '=' => Token::Op(Op::Equal),
            '!' if two == Some('=') => {
                i += 1;
                Token::Op(Op::NotEqual)
            }
            '<' if two == Some('=') => {
                i += 1;
                Token::Op(Op::LessOrEqual)
            }
            '>' if two == Some('=') => {
                i += 1;
                Token::Op(Op::GreaterOrEqual)
            }
            '<' => Token::Op(Op::Less),
            '>' => Token::Op(Op::Greater),
            _ => return None,
        };
        i += 1;
        tokens.push(token);
    }
    Some(tokens)
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        token
    }

    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    /// An expression whose operators bind tighter than `floor`.
    fn expression(&mut self, floor: u8) -> Option<Expr> {
        let mut left = self.operand()?;
        loop {
            let op = match self.peek() {
                Some(Token::Op(op)) => *op,
                Some(Token::Minus) => Op::Subtract,
                _ => return Some(left),
            };
            if op.precedence() <= floor {
                return Some(left);
            }
            self.at += 1;
            let right = self.expression(op.precedence())?;
            left = Expr::Binary(op, Box::new(left), Box::new(right));
        }
    }

    fn operand(&mut self) -> Option<Expr> {
        match self.next()? {
            Token::Number(number) => Some(Expr::Literal(
                serde_json::Number::from_f64(number).map(|n| {
                    if number.fract() == 0.0 && number.abs() < 9.0e15 {
                        serde_json::Value::from(number as i64)
                    } else {
                        serde_json::Value::Number(n)
                    }
                })?,
            )),
            Token::Text(text) => Some(Expr::Literal(serde_json::Value::String(text))),
            Token::Name(name) => match name.as_str() {
                "true" => Some(Expr::Literal(serde_json::Value::Bool(true))),
                "false" => Some(Expr::Literal(serde_json::Value::Bool(false))),
                "null" => Some(Expr::Literal(serde_json::Value::Null)),
                // A bare name reads the context `$`, which AWS does not bind.
                _ => None,
            },
            Token::Minus => Some(Expr::Negate(Box::new(self.expression(70)?))),
            Token::Open => {
                let inner = self.expression(0)?;
                (self.next()? == Token::Close).then_some(inner)
            }
            Token::Variable(root) => {
                let mut steps = Vec::new();
                while self.peek() == Some(&Token::Dot) {
                    self.at += 1;
                    match self.next()? {
                        Token::Name(name)
                            if !matches!(name.as_str(), "true" | "false" | "null") =>
                        {
                            steps.push(name)
                        }
                        _ => return None,
                    }
                }
                // `$f(...)` is a call, `$x[...]` a filter: the engine's.
                if matches!(self.peek(), Some(Token::Open)) {
                    return None;
                }
                Some(Expr::Path { root, steps })
            }
            _ => None,
        }
    }
}

fn generate(expr: &Expr, scopes: &Scopes, states: States) -> Option<TokenStream> {
    Some(match expr {
        Expr::Literal(value) => {
            let value = super::json::value(value);
            quote!(jsonata::direct::literal(#value))
        }
        Expr::Path { root, steps } => {
            let (root, steps) = match (root.as_str(), states) {
                ("states", States::Object) => (quote!(Some(&states)), &steps[..]),
                ("states", States::Input) => match steps.split_first() {
                    Some((first, rest)) if first == "input" => (quote!(Some(&input)), rest),
                    _ => return None,
                },
                (name, _) => match scopes.resolve(name) {
                    Some((depth, slot)) => (quote!(run.variables().get(#depth, #slot)), &steps[..]),
                    None => (quote!(None), &steps[..]),
                },
            };
            quote!(jsonata::direct::path(#root, &[#(#steps),*]))
        }
        Expr::Negate(inner) => {
            let inner = generate(inner, scopes, states)?;
            quote!(jsonata::direct::negate(#inner))
        }
        Expr::Binary(op, a, b) => {
            let (a, b) = (generate(a, scopes, states)?, generate(b, scopes, states)?);
            let arithmetic = |name: &str| {
                let op = proc_macro2::Ident::new(name, proc_macro2::Span::call_site());
                quote!(jsonata::direct::arithmetic(jsonata::direct::Arithmetic::#op, #a, #b))
            };
            let comparison = |name: &str| {
                let op = proc_macro2::Ident::new(name, proc_macro2::Span::call_site());
                quote!(jsonata::direct::compare(jsonata::direct::Comparison::#op, #a, #b))
            };
            match op {
                Op::Add => arithmetic("Add"),
                Op::Subtract => arithmetic("Subtract"),
                Op::Multiply => arithmetic("Multiply"),
                Op::Divide => arithmetic("Divide"),
                Op::Remainder => arithmetic("Remainder"),
                Op::Equal => comparison("Equal"),
                Op::NotEqual => comparison("NotEqual"),
                Op::Less => comparison("Less"),
                Op::LessOrEqual => comparison("LessOrEqual"),
                Op::Greater => comparison("Greater"),
                Op::GreaterOrEqual => comparison("GreaterOrEqual"),
                Op::Concatenate => quote!(jsonata::direct::concatenate(#a, #b)),
                Op::And => quote!(jsonata::direct::logical(true, #a, #b)),
                Op::Or => quote!(jsonata::direct::logical(false, #a, #b)),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parses(text: &str) -> bool {
        compile(text, &Scopes::default(), States::Object).is_some()
    }

    #[test]
    fn simple_expressions_compile_and_others_are_left_to_the_engine() {
        for simple in [
            "$states.input.count + 1",
            " $states.input.a * ($states.input.b - 2) ",
            "$total > 100 and $states.input.vip = true",
            "-$x.y % 3",
            "'a' & \"b\" & $states.input.name",
            "1.5 <= 2 or false",
        ] {
            assert!(parses(simple), "{simple}");
        }
        for complex in [
            "$sum($states.input.items)",
            "$states.input.items[0]",
            "{'a': 1}",
            "[1, 2]",
            "$states.input.items.(price * quantity)",
            "name",
            "$",
            "'a\\'b'",
            "$x := 1",
            "1 +",
            "1e3",
        ] {
            assert!(!parses(complex), "{complex}");
        }
    }

    #[test]
    fn from_the_input_only_paths_through_states_input_compile() {
        let from_input = |text| compile(text, &Scopes::default(), States::Input);
        let direct = from_input("$states.input.count + 1").unwrap().to_string();
        assert!(
            direct.contains("jsonata :: direct :: path (Some (& input) , & [\"count\"])"),
            "{direct}"
        );
        assert!(from_input("$states.input < $limit").is_some());
        for other in [
            "$states.context.Execution.Name",
            "$states.result",
            "$states",
        ] {
            assert!(from_input(other).is_none(), "{other}");
        }
    }
}
