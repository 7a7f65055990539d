//! A [`Graph`] as Graphviz DOT: `dot -Tsvg` draws it. Parallel branches and Map
//! processors are clusters inside their state's cluster; Catch edges are dashed.

use std::fmt::Write;

use super::{EdgeKind, Graph, NodeKind, StateType};

/// The DOT text of `graph`, the picture of the machine named `name`.
pub fn render(graph: &Graph, name: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "digraph {} {{", quoted(name));
    out.push_str("  compound=true;\n  rankdir=TB;\n");
    out.push_str("  graph [fontname=\"Helvetica\", fontsize=12];\n");
    out.push_str("  node [fontname=\"Helvetica\", fontsize=11];\n");
    out.push_str("  edge [fontname=\"Helvetica\", fontsize=9];\n");
    machine(graph, "", 1, &mut out);
    out.push_str("}\n");
    out
}

/// The DOT id of node `index` of the machine at `path`.
fn id(graph: &Graph, path: &str, index: usize) -> String {
    let node = &graph.nodes[index];
    match node.kind {
        NodeKind::Start => quoted(&format!("{path}(start)")),
        NodeKind::End => quoted(&format!("{path}(end)")),
        NodeKind::State(_) => quoted(&node.name),
    }
}

/// Where edges into and out of node `index` attach: the node itself, or for a
/// Parallel or Map state the start and end of its first nested machine (with the
/// cluster as `lhead`/`ltail`).
fn anchors(graph: &Graph, path: &str, index: usize) -> (String, String, Option<String>) {
    let node = &graph.nodes[index];
    match node.children.first() {
        Some(first) => {
            let inner = format!("{}/0/", node.name);
            let last = first.nodes.len() - 1;
            (
                id(first, &inner, 0),
                id(first, &inner, last),
                Some(quoted(&format!("cluster_{}", node.name))),
            )
        }
        None => {
            let own = id(graph, path, index);
            (own.clone(), own, None)
        }
    }
}

fn machine(graph: &Graph, path: &str, depth: usize, out: &mut String) {
    let pad = "  ".repeat(depth);
    for (index, node) in graph.nodes.iter().enumerate() {
        let node_id = id(graph, path, index);
        match node.kind {
            NodeKind::Start => {
                let _ = writeln!(
                    out,
                    "{pad}{node_id} [label=\"Start\", shape=circle, style=filled, fillcolor=\"#e5e7eb\", width=0.5, fixedsize=true];"
                );
            }
            NodeKind::End => {
                let _ = writeln!(
                    out,
                    "{pad}{node_id} [label=\"End\", shape=doublecircle, style=filled, fillcolor=\"#e5e7eb\", width=0.5, fixedsize=true];"
                );
            }
            NodeKind::State(kind) if !node.children.is_empty() => {
                let _ = writeln!(
                    out,
                    "{pad}subgraph {} {{",
                    quoted(&format!("cluster_{}", node.name))
                );
                let _ = writeln!(
                    out,
                    "{pad}  label={}; style=\"rounded,filled\"; fillcolor=\"{}\"; color=\"#6b7280\";",
                    quoted(&format!("{} ({})", node.name, kind.label())),
                    fill(kind)
                );
                for (number, child) in node.children.iter().enumerate() {
                    let inner = format!("{}/{number}/", node.name);
                    let _ = writeln!(
                        out,
                        "{pad}  subgraph {} {{",
                        quoted(&format!("cluster_{inner}"))
                    );
                    let title = if kind == StateType::Parallel {
                        format!("Branch {}", number + 1)
                    } else {
                        "Item processor".to_owned()
                    };
                    let _ = writeln!(
                        out,
                        "{pad}    label={}; style=\"rounded,dashed\"; fillcolor=\"#ffffff\";",
                        quoted(&title)
                    );
                    machine(child, &inner, depth + 2, out);
                    let _ = writeln!(out, "{pad}  }}");
                }
                let _ = writeln!(out, "{pad}}}");
            }
            NodeKind::State(kind) => {
                let shape = match kind {
                    StateType::Choice => "diamond",
                    _ => "box",
                };
                let _ = writeln!(
                    out,
                    "{pad}{node_id} [label={}, shape={shape}, style=\"rounded,filled\", fillcolor=\"{}\"];",
                    quoted(&format!("{}\n{}", node.name, kind.label())),
                    fill(kind)
                );
            }
        }
    }
    for edge in &graph.edges {
        let (_, from, tail) = anchors(graph, path, edge.from);
        let (to, _, head) = anchors(graph, path, edge.to);
        let mut attributes = Vec::new();
        if let Some(label) = &edge.label {
            attributes.push(format!("label={}", quoted(label)));
        }
        match edge.kind {
            EdgeKind::Catch => attributes.push("style=dashed, color=\"#b91c1c\"".to_owned()),
            EdgeKind::Default => attributes.push("style=bold".to_owned()),
            EdgeKind::Next | EdgeKind::Rule => {}
        }
        if let Some(tail) = tail {
            attributes.push(format!("ltail={tail}"));
        }
        if let Some(head) = head {
            attributes.push(format!("lhead={head}"));
        }
        if attributes.is_empty() {
            let _ = writeln!(out, "{pad}{from} -> {to};");
        } else {
            let _ = writeln!(out, "{pad}{from} -> {to} [{}];", attributes.join(", "));
        }
    }
}

/// The fill color of a state of type `kind`.
pub(super) fn fill(kind: StateType) -> &'static str {
    match kind {
        StateType::Task => "#dbeafe",
        StateType::Choice => "#fef3c7",
        StateType::Pass => "#f3f4f6",
        StateType::Wait => "#ede9fe",
        StateType::Succeed => "#dcfce7",
        StateType::Fail => "#fee2e2",
        StateType::Parallel | StateType::Map | StateType::DistributedMap => "#f9fafb",
    }
}

/// `text` as a DOT string.
fn quoted(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('"');
    for c in text.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\n' => quoted.push_str("\\n"),
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}
