use super::*;

fn graph(definition: &str) -> Graph {
    let source = crate::SourceFile::new("test.asl.json", definition.to_owned());
    let checked = crate::check(&source);
    Graph::of(&checked.workflow.expect("a valid definition"))
}

const CHOICE_AND_CATCH: &str = r#"{
  "StartAt": "Check",
  "States": {
    "Check": {"Type": "Choice", "Choices": [
      {"Variable": "$.total", "NumericGreaterThan": 100, "Next": "Review"}
    ], "Default": "Charge"},
    "Review": {"Type": "Wait", "Seconds": 5, "Next": "Charge"},
    "Charge": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Catch": [
      {"ErrorEquals": ["States.ALL"], "Next": "Failed"}
    ], "Next": "Done"},
    "Done": {"Type": "Succeed"},
    "Failed": {"Type": "Fail", "Error": "Charge"}
  }
}"#;

#[test]
fn states_and_transitions_become_nodes_and_edges() {
    let graph = graph(CHOICE_AND_CATCH);
    let names: Vec<&str> = graph.nodes.iter().map(|node| node.name.as_str()).collect();
    assert_eq!(
        names,
        ["", "Check", "Review", "Charge", "Done", "Failed", ""]
    );
    assert_eq!(graph.nodes[0].kind, NodeKind::Start);
    assert_eq!(graph.nodes[6].kind, NodeKind::End);
    let edges: Vec<(usize, usize, EdgeKind, Option<&str>)> = graph
        .edges
        .iter()
        .map(|edge| (edge.from, edge.to, edge.kind, edge.label.as_deref()))
        .collect();
    assert_eq!(
        edges,
        [
            (0, 1, EdgeKind::Next, None),
            (1, 2, EdgeKind::Rule, Some("$.total > 100")),
            (1, 3, EdgeKind::Default, Some("Default")),
            (2, 3, EdgeKind::Next, None),
            (3, 4, EdgeKind::Next, None),
            (3, 5, EdgeKind::Catch, Some("States.ALL")),
            (4, 6, EdgeKind::Next, None),
        ]
    );
    assert_eq!(graph.state_count(), 5);
}

#[test]
fn a_machine_that_only_fails_has_no_end() {
    let graph = graph(r#"{"StartAt": "F", "States": {"F": {"Type": "Fail"}}}"#);
    assert_eq!(graph.nodes.len(), 2);
}

#[test]
fn user_text_is_escaped_in_every_format() {
    let graph = graph(
        r#"{"StartAt": "<img src=x onerror=alert(1)>", "States": {
            "<img src=x onerror=alert(1)>": {"Type": "Pass", "Next": "say \"hi\" & go"},
            "say \"hi\" & go": {"Type": "Succeed"}
        }}"#,
    );
    let svg = svg::render(&graph, "<script>");
    assert!(!svg.contains("<img") && !svg.contains("<script>"), "{svg}");
    assert!(svg.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(svg.contains("say &quot;hi&quot; &amp; go"));
    let mermaid = mermaid::render(&graph);
    assert!(
        mermaid.contains("#lt;img src=x onerror=alert(1)#gt;"),
        "{mermaid}"
    );
    assert!(mermaid.contains("say #quot;hi#quot; & go"), "{mermaid}");
    let dot = dot::render(&graph, "m");
    assert!(dot.contains(r#""say \"hi\" & go""#), "{dot}");
}

#[test]
fn the_svg_lays_states_out_top_down_without_overlap() {
    let graph = graph(CHOICE_AND_CATCH);
    let svg = svg::render(&graph, "choice");
    // Every state is a group a page can find by name.
    for name in ["Check", "Review", "Charge", "Done", "Failed"] {
        assert!(svg.contains(&format!(r#"data-state="{name}""#)), "{svg}");
    }
    let boxes = rects(&svg);
    for (index, a) in boxes.iter().enumerate() {
        for b in &boxes[index + 1..] {
            let apart =
                a.0 + a.2 <= b.0 || b.0 + b.2 <= a.0 || a.1 + a.3 <= b.1 || b.1 + b.3 <= a.1;
            assert!(apart, "{a:?} overlaps {b:?}");
        }
    }
    // Check above Review above Charge above Done.
    let y = |name: &str| {
        let at = svg.find(&format!(r#"data-state="{name}""#)).unwrap();
        let start = at + svg[at..].find(" y=\"").unwrap() + 4;
        let end = start + svg[start..].find('"').unwrap();
        svg[start..end].parse::<f64>().unwrap()
    };
    assert!(y("Check") < y("Review") && y("Review") < y("Charge") && y("Charge") < y("Done"));
}

/// The (x, y, width, height) of each state's box.
fn rects(svg: &str) -> Vec<(f64, f64, f64, f64)> {
    svg.split("<g class=\"state ")
        .skip(1)
        .map(|group| {
            let rect = &group[group.find("<rect").unwrap()..];
            let number = |attribute: &str| -> f64 {
                let start = rect.find(&format!(" {attribute}=\"")).unwrap() + attribute.len() + 3;
                let end = start + rect[start..].find('"').unwrap();
                rect[start..end].parse().unwrap()
            };
            (number("x"), number("y"), number("width"), number("height"))
        })
        .collect()
}
