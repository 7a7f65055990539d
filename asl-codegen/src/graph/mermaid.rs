//! A [`Graph`] as a Mermaid flowchart (GitHub, GitLab and most wikis draw it):
//! Parallel branches and Map processors are subgraphs, Catch edges dotted.

use std::fmt::Write;

use super::{EdgeKind, Graph, NodeKind, StateType};

/// The Mermaid text of `graph`.
pub fn render(graph: &Graph) -> String {
    let mut out = String::from("flowchart TD\n");
    let mut next_id = 0;
    machine(graph, 1, &mut next_id, &mut out);
    out.push_str("  classDef task fill:#dbeafe,stroke:#1e40af\n");
    out.push_str("  classDef choice fill:#fef3c7,stroke:#92400e\n");
    out.push_str("  classDef pass fill:#f3f4f6,stroke:#374151\n");
    out.push_str("  classDef wait fill:#ede9fe,stroke:#5b21b6\n");
    out.push_str("  classDef succeed fill:#dcfce7,stroke:#166534\n");
    out.push_str("  classDef fail fill:#fee2e2,stroke:#991b1b\n");
    out.push_str("  classDef terminal fill:#e5e7eb,stroke:#374151\n");
    out
}

/// Writes the nodes, subgraphs and edges of `graph`, numbering its nodes from
/// `next_id`.
fn machine(graph: &Graph, depth: usize, next_id: &mut usize, out: &mut String) {
    let pad = "  ".repeat(depth);
    let ids: Vec<String> = graph
        .nodes
        .iter()
        .map(|_| {
            *next_id += 1;
            format!("n{next_id}")
        })
        .collect();
    for (node, id) in graph.nodes.iter().zip(&ids) {
        match node.kind {
            NodeKind::Start => {
                let _ = writeln!(out, "{pad}{id}((Start)):::terminal");
            }
            NodeKind::End => {
                let _ = writeln!(out, "{pad}{id}(((End))):::terminal");
            }
            NodeKind::State(kind) if !node.children.is_empty() => {
                let title = format!("{} ({})", node.name, kind.type_name());
                let _ = writeln!(out, "{pad}subgraph {id}[\"{}\"]", text(&title));
                let _ = writeln!(out, "{pad}  direction TB");
                for (number, child) in node.children.iter().enumerate() {
                    let title = if kind == StateType::Parallel {
                        format!("Branch {}", number + 1)
                    } else {
                        "Item processor".to_owned()
                    };
                    let _ = writeln!(out, "{pad}  subgraph {id}_{number}[\"{title}\"]");
                    machine(child, depth + 2, next_id, out);
                    let _ = writeln!(out, "{pad}  end");
                }
                let _ = writeln!(out, "{pad}end");
            }
            NodeKind::State(kind) => {
                let name = text(&node.name);
                let (open, close) = match kind {
                    StateType::Choice => ("{\"", "\"}"),
                    StateType::Succeed | StateType::Fail => ("([\"", "\"])"),
                    _ => ("[\"", "\"]"),
                };
                let class = kind.class();
                let _ = writeln!(out, "{pad}{id}{open}{name}{close}:::{class}");
            }
        }
    }
    for edge in &graph.edges {
        let (from, to) = (&ids[edge.from], &ids[edge.to]);
        let arrow = match edge.kind {
            EdgeKind::Catch => "-.->",
            EdgeKind::Default => "==>",
            EdgeKind::Next | EdgeKind::Rule => "-->",
        };
        match &edge.label {
            Some(label) => {
                let _ = writeln!(out, "{pad}{from} {arrow}|\"{}\"| {to}", text(label));
            }
            None => {
                let _ = writeln!(out, "{pad}{from} {arrow} {to}");
            }
        }
    }
}

/// `text` for a quoted Mermaid label: quotes and markup characters as entities.
fn text(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => escaped.push_str("#quot;"),
            '<' => escaped.push_str("#lt;"),
            '>' => escaped.push_str("#gt;"),
            '#' => escaped.push_str("#35;"),
            c => escaped.push(c),
        }
    }
    escaped
}
