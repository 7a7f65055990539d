//! A [`Graph`] laid out and drawn as SVG, with no Graphviz: states in layers from
//! the top (each state below every state that leads to it, loops aside), the
//! order within a layer chosen to uncross edges, Parallel branches and Map
//! processors laid out the same way inside their state's box.
//!
//! Every state is a `<g class="state ..." data-state="NAME">`, so that a page can
//! color it by what happened; every user text is escaped.

use std::fmt::Write;

use super::{EdgeKind, Graph, NodeKind, StateType};

/// Space between layers, and between nodes of a layer.
const LAYER_GAP: f64 = 46.0;
const NODE_GAP: f64 = 28.0;
/// A state's box: height, least width, padding, and the width of a character.
const STATE_HEIGHT: f64 = 42.0;
const STATE_WIDTH: f64 = 120.0;
const PADDING: f64 = 14.0;
const CHAR_WIDTH: f64 = 7.2;
/// Start and End circles.
const TERMINAL: f64 = 22.0;
/// A Parallel's or Map's box: its header, and the margin around what it holds.
const HEADER: f64 = 26.0;
const INSET: f64 = 12.0;
/// Names are cut to this many characters on their box (the whole name is its
/// tooltip).
const MAX_NAME: usize = 32;
/// Space around the picture.
const MARGIN: f64 = 16.0;

/// The SVG document of `graph`, the picture of the machine named `name`.
pub fn render(graph: &Graph, name: &str) -> String {
    let laid = lay_out(graph);
    let width = laid.width + 2.0 * MARGIN + laid.loop_room;
    let height = laid.height + 2.0 * MARGIN;
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="asl-graph" viewBox="0 0 {width:.0} {height:.0}" width="{width:.0}" height="{height:.0}" role="img" aria-label="{}">"#,
        escape(&format!("State machine {name}"))
    );
    out.push_str(STYLE);
    draw(&laid, graph, MARGIN, MARGIN, &mut out);
    out.push_str("</svg>\n");
    out
}

/// The stylesheet: colors by state type, edge styles, and the classes a page
/// sets on a state to show what happened to it.
const STYLE: &str = r##"<defs>
<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#4b5563"/></marker>
<marker id="arrow-catch" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#b91c1c"/></marker>
</defs>
<style>
.asl-graph { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; }
.asl-graph .state rect { stroke: #6b7280; stroke-width: 1.2; }
.asl-graph .state .name { font-size: 13px; fill: #111827; }
.asl-graph .state .type { font-size: 10px; fill: #4b5563; }
.asl-graph .task > rect { fill: #dbeafe; stroke: #1e40af; }
.asl-graph .choice > rect { fill: #fef3c7; stroke: #92400e; }
.asl-graph .pass > rect { fill: #f3f4f6; }
.asl-graph .wait > rect { fill: #ede9fe; stroke: #5b21b6; }
.asl-graph .succeed > rect { fill: #dcfce7; stroke: #166534; }
.asl-graph .fail > rect { fill: #fee2e2; stroke: #991b1b; }
.asl-graph .parallel > rect, .asl-graph .map > rect { fill: #f9fafb; }
.asl-graph .machine { fill: #ffffff; stroke: #9ca3af; stroke-dasharray: 4 3; }
.asl-graph .terminal { fill: #e5e7eb; stroke: #374151; }
.asl-graph .edge { fill: none; stroke: #4b5563; stroke-width: 1.3; }
.asl-graph .edge.catch { stroke: #b91c1c; stroke-dasharray: 5 3; }
.asl-graph .edge.default { stroke-width: 2.2; }
.asl-graph .label { font-size: 10px; fill: #374151; }
.asl-graph .label-box { fill: #ffffff; opacity: 0.9; }
.asl-graph .state.running > rect { stroke: #2563eb; stroke-width: 3; }
.asl-graph .state.succeeded > rect { fill: #bbf7d0; stroke: #15803d; }
.asl-graph .state.failed > rect { fill: #fecaca; stroke: #b91c1c; stroke-width: 2.5; }
.asl-graph .state.caught > rect { fill: #fed7aa; stroke: #c2410c; }
.asl-graph .state.retried > rect { stroke: #c2410c; stroke-dasharray: 6 2; }
</style>
"##;

/// One machine laid out, its origin at its top left.
#[derive(Debug)]
struct Laid {
    width: f64,
    height: f64,
    /// Room on the right for the loops of edges that go back up.
    loop_room: f64,
    /// Each node's box (by node index): its center, size, and what it holds.
    boxes: Vec<Placed>,
    /// Each edge's path and its label's place.
    paths: Vec<Routed>,
}

#[derive(Debug)]
struct Placed {
    x: f64,
    y: f64,
    width: f64,
    height: f64,
    /// A Parallel's or Map's machines, with their top left corners.
    inner: Vec<(f64, f64, Laid)>,
}

#[derive(Debug)]
struct Routed {
    /// The SVG path data.
    data: String,
    /// Where the label's center goes.
    label_at: (f64, f64),
}

/// The size of a node, and the machines it holds, laid out.
fn measure(graph: &Graph, index: usize) -> Placed {
    let node = &graph.nodes[index];
    let (width, height, inner) = match node.kind {
        NodeKind::Start | NodeKind::End => (TERMINAL, TERMINAL, Vec::new()),
        NodeKind::State(kind) if !node.children.is_empty() => {
            let laid: Vec<Laid> = node.children.iter().map(lay_out).collect();
            let mut x = INSET;
            let mut inner = Vec::new();
            let mut tallest: f64 = 0.0;
            for child in laid {
                tallest = tallest.max(child.height);
                let advance = child.width + child.loop_room + INSET;
                inner.push((x, HEADER + INSET, child));
                x += advance;
            }
            let title = text_width(&title(&node.name, kind)) + 2.0 * PADDING;
            (x.max(title), HEADER + 2.0 * INSET + tallest, inner)
        }
        NodeKind::State(_) => {
            let name = text_width(&shown(&node.name)) + 2.0 * PADDING;
            (name.max(STATE_WIDTH), STATE_HEIGHT, Vec::new())
        }
    };
    Placed {
        x: 0.0,
        y: 0.0,
        width,
        height,
        inner,
    }
}

/// A node in a layer: a node of the graph, or a point an edge passes through.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Slot {
    Node(usize),
    /// Edge `edge`'s point on its way down.
    Bend(usize),
}

/// Lays `graph` out: layers, order, coordinates, then edge paths.
fn lay_out(graph: &Graph) -> Laid {
    let count = graph.nodes.len();
    let mut boxes: Vec<Placed> = (0..count).map(|index| measure(graph, index)).collect();
    let back = back_edges(graph);
    let rank = ranks(graph, &back);
    let layers_count = rank.iter().copied().max().unwrap_or(0) + 1;
    // Layers, with a bend for each layer a long edge crosses.
    let mut layers: Vec<Vec<Slot>> = vec![Vec::new(); layers_count];
    let order = discovery_order(graph);
    for &index in &order {
        layers[rank[index]].push(Slot::Node(index));
    }
    for (number, edge) in graph.edges.iter().enumerate() {
        if back[number] {
            continue;
        }
        for layer in &mut layers[rank[edge.from] + 1..rank[edge.to]] {
            layer.push(Slot::Bend(number));
        }
    }
    uncross(graph, &mut layers, &rank, &back);
    // Sizes of slots.
    let size = |slot: Slot, boxes: &[Placed]| match slot {
        Slot::Node(index) => (boxes[index].width, boxes[index].height),
        Slot::Bend(number) => (bend_width(graph, number), 0.0),
    };
    // Vertical: each layer as tall as its tallest node, its nodes at its top.
    let mut layer_top = Vec::with_capacity(layers_count);
    let mut layer_height = Vec::with_capacity(layers_count);
    let mut y = 0.0;
    for layer in &layers {
        let tallest = layer
            .iter()
            .map(|slot| size(*slot, &boxes).1)
            .fold(0.0, f64::max);
        layer_top.push(y);
        layer_height.push(tallest);
        y += tallest + LAYER_GAP;
    }
    let height = (y - LAYER_GAP).max(0.0);
    // Horizontal: packed, then pulled toward the nodes they connect to.
    let mut x: Vec<Vec<f64>> = layers
        .iter()
        .map(|layer| {
            let mut at = 0.0;
            layer
                .iter()
                .map(|slot| {
                    let width = size(*slot, &boxes).0;
                    let center = at + width / 2.0;
                    at += width + NODE_GAP;
                    center
                })
                .collect()
        })
        .collect();
    let neighbors = slot_neighbors(graph, &layers, &rank, &back);
    for round in 0..8 {
        let downward = round % 2 == 0;
        let sequence: Vec<usize> = if downward {
            (1..layers_count).collect()
        } else {
            (0..layers_count.saturating_sub(1)).rev().collect()
        };
        for layer in sequence {
            let wanted: Vec<Option<f64>> = (0..layers[layer].len())
                .map(|position| {
                    let (above, below) = &neighbors[layer][position];
                    let near = if downward { above } else { below };
                    let other = if downward { layer - 1 } else { layer + 1 };
                    (!near.is_empty())
                        .then(|| near.iter().map(|&p| x[other][p]).sum::<f64>() / near.len() as f64)
                })
                .collect();
            let widths: Vec<f64> = layers[layer]
                .iter()
                .map(|slot| size(*slot, &boxes).0)
                .collect();
            x[layer] = settle(&x[layer], &wanted, &widths);
        }
    }
    // Shift everything right of zero.
    let mut left = f64::INFINITY;
    let mut right = f64::NEG_INFINITY;
    for (layer, slots) in layers.iter().enumerate() {
        for (position, slot) in slots.iter().enumerate() {
            let half = size(*slot, &boxes).0 / 2.0;
            left = left.min(x[layer][position] - half);
            right = right.max(x[layer][position] + half);
        }
    }
    if !left.is_finite() {
        (left, right) = (0.0, 0.0);
    }
    let mut bend_at: Vec<Vec<(f64, f64)>> = vec![Vec::new(); graph.edges.len()];
    for (layer, slots) in layers.iter().enumerate() {
        for (position, slot) in slots.iter().enumerate() {
            let center = x[layer][position] - left;
            match *slot {
                Slot::Node(index) => {
                    boxes[index].x = center;
                    boxes[index].y = layer_top[layer] + boxes[index].height / 2.0;
                }
                // A long edge passes straight down through the layer.
                Slot::Bend(number) => {
                    bend_at[number].push((center, layer_top[layer]));
                    bend_at[number].push((center, layer_top[layer] + layer_height[layer]));
                }
            }
        }
    }
    for points in &mut bend_at {
        points.sort_by(|a, b| a.1.total_cmp(&b.1));
    }
    let width = right - left;
    let (paths, loop_room) = route(graph, &boxes, &back, &bend_at, width);
    Laid {
        width,
        height,
        loop_room,
        boxes,
        paths,
    }
}

/// How wide a long edge's passage through a layer is: room for its label.
fn bend_width(graph: &Graph, edge: usize) -> f64 {
    graph.edges[edge]
        .label
        .as_ref()
        .map_or(8.0, |label| text_width(label) * 0.8 + 8.0)
}

/// Which edges go back up: those that close a loop, found by a depth-first walk
/// from Start.
fn back_edges(graph: &Graph) -> Vec<bool> {
    let count = graph.nodes.len();
    let mut back = vec![false; graph.edges.len()];
    // 0: not seen, 1: on the walk's path, 2: done.
    let mut state = vec![0u8; count];
    let roots = std::iter::once(0).chain(1..count);
    for root in roots {
        if state[root] != 0 {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        state[root] = 1;
        while let Some((node, next)) = stack.pop() {
            let out: Vec<usize> = (0..graph.edges.len())
                .filter(|&number| graph.edges[number].from == node)
                .collect();
            if next < out.len() {
                stack.push((node, next + 1));
                let number = out[next];
                let to = graph.edges[number].to;
                match state[to] {
                    0 => {
                        state[to] = 1;
                        stack.push((to, 0));
                    }
                    1 => back[number] = true,
                    _ => {}
                }
            } else {
                state[node] = 2;
            }
        }
    }
    back
}

/// Each node's layer: one below the lowest node with an edge into it (edges going
/// back up aside); End below everything.
fn ranks(graph: &Graph, back: &[bool]) -> Vec<usize> {
    let count = graph.nodes.len();
    let mut rank = vec![0usize; count];
    // Longest path over the edges that go down: relax until nothing changes
    // (they form no loop, so at most `count` rounds).
    for _ in 0..count {
        let mut changed = false;
        for (number, edge) in graph.edges.iter().enumerate() {
            if !back[number] && rank[edge.to] < rank[edge.from] + 1 {
                rank[edge.to] = rank[edge.from] + 1;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    if let Some(end) = graph
        .nodes
        .iter()
        .position(|node| node.kind == NodeKind::End)
    {
        let lowest = (0..count)
            .filter(|&index| index != end)
            .map(|index| rank[index])
            .max()
            .unwrap_or(0);
        rank[end] = rank[end].max(lowest + 1);
    }
    rank
}

/// The nodes in the order a depth-first walk from Start meets them, then those it
/// does not reach.
fn discovery_order(graph: &Graph) -> Vec<usize> {
    let count = graph.nodes.len();
    let mut seen = vec![false; count];
    let mut order = Vec::with_capacity(count);
    for root in std::iter::once(0).chain(1..count) {
        let mut stack = vec![root];
        while let Some(node) = stack.pop() {
            if seen[node] {
                continue;
            }
            seen[node] = true;
            order.push(node);
            let next: Vec<usize> = graph
                .edges
                .iter()
                .filter(|edge| edge.from == node)
                .map(|edge| edge.to)
                .collect();
            stack.extend(next.into_iter().rev());
        }
    }
    order
}

/// For each slot of each layer: the positions of the slots it connects to in
/// the layer above and in the layer below.
type Neighbors = Vec<Vec<(Vec<usize>, Vec<usize>)>>;

fn slot_neighbors(graph: &Graph, layers: &[Vec<Slot>], rank: &[usize], back: &[bool]) -> Neighbors {
    let position = |layer: usize, slot: Slot| layers[layer].iter().position(|s| *s == slot);
    let mut neighbors: Neighbors = layers
        .iter()
        .map(|layer| vec![(Vec::new(), Vec::new()); layer.len()])
        .collect();
    for (number, edge) in graph.edges.iter().enumerate() {
        if back[number] {
            continue;
        }
        // The chain of slots the edge passes: its source, its bends, its target.
        let mut chain = vec![(rank[edge.from], Slot::Node(edge.from))];
        chain.extend((rank[edge.from] + 1..rank[edge.to]).map(|layer| (layer, Slot::Bend(number))));
        chain.push((rank[edge.to], Slot::Node(edge.to)));
        for pair in chain.windows(2) {
            let ((upper_layer, upper), (lower_layer, lower)) = (pair[0], pair[1]);
            if let (Some(up), Some(down)) =
                (position(upper_layer, upper), position(lower_layer, lower))
            {
                neighbors[upper_layer][up].1.push(down);
                neighbors[lower_layer][down].0.push(up);
            }
        }
    }
    neighbors
}

/// Orders each layer by the mean position of its slots' neighbors, sweeping down
/// and up a few times, so that fewer edges cross.
fn uncross(graph: &Graph, layers: &mut [Vec<Slot>], rank: &[usize], back: &[bool]) {
    for round in 0..6 {
        let neighbors = slot_neighbors(graph, layers, rank, back);
        let downward = round % 2 == 0;
        let count = layers.len();
        let sequence: Vec<usize> = if downward {
            (1..count).collect()
        } else {
            (0..count.saturating_sub(1)).rev().collect()
        };
        for layer in sequence {
            let mut keyed: Vec<(f64, usize, Slot)> = layers[layer]
                .iter()
                .enumerate()
                .map(|(position, slot)| {
                    let (above, below) = &neighbors[layer][position];
                    let near = if downward { above } else { below };
                    let key = if near.is_empty() {
                        position as f64
                    } else {
                        near.iter().sum::<usize>() as f64 / near.len() as f64
                    };
                    (key, position, *slot)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            layers[layer] = keyed.into_iter().map(|(_, _, slot)| slot).collect();
        }
    }
}

/// Centers for a layer's slots, in their order and apart by their widths, each as
/// near as it can be to where it is wanted (else where it is).
fn settle(current: &[f64], wanted: &[Option<f64>], widths: &[f64]) -> Vec<f64> {
    let target: Vec<f64> = current
        .iter()
        .zip(wanted)
        .map(|(now, wanted)| wanted.unwrap_or(*now))
        .collect();
    // Left to right, pushing right where slots would overlap, then all moved
    // back by the mean push, so that the layer stays centered on its targets.
    let mut placed = target.clone();
    for index in 1..placed.len() {
        let least = placed[index - 1] + (widths[index - 1] + widths[index]) / 2.0 + NODE_GAP;
        placed[index] = placed[index].max(least);
    }
    let pushed = placed
        .iter()
        .zip(&target)
        .map(|(placed, target)| placed - target)
        .sum::<f64>()
        / placed.len().max(1) as f64;
    placed.iter().map(|x| x - pushed).collect()
}

/// The paths of the edges, and how much room the loops need on the right.
fn route(
    graph: &Graph,
    boxes: &[Placed],
    back: &[bool],
    bends: &[Vec<(f64, f64)>],
    width: f64,
) -> (Vec<Routed>, f64) {
    let mut paths = Vec::with_capacity(graph.edges.len());
    let mut loops = 0.0_f64;
    let mut room = 0.0_f64;
    // Edges leaving a node spread along its bottom.
    let mut leaving: Vec<Vec<usize>> = vec![Vec::new(); graph.nodes.len()];
    for (number, edge) in graph.edges.iter().enumerate() {
        if !back[number] {
            leaving[edge.from].push(number);
        }
    }
    for (number, edge) in graph.edges.iter().enumerate() {
        let (from, to) = (&boxes[edge.from], &boxes[edge.to]);
        if back[number] {
            // Out of the source's right side, around the right of whatever lies
            // between, into the target's right side.
            loops += 1.0;
            let (sx, sy) = (from.x + from.width / 2.0, from.y);
            let (tx, ty) = (to.x + to.width / 2.0, to.y);
            let (upper, lower) = (sy.min(ty), sy.max(ty));
            let beside = boxes
                .iter()
                .filter(|placed| {
                    placed.y + placed.height / 2.0 >= upper
                        && placed.y - placed.height / 2.0 <= lower
                })
                .map(|placed| placed.x + placed.width / 2.0)
                .fold(sx.max(tx), f64::max);
            let reach = beside + 24.0 + 10.0 * loops;
            room = room.max(reach + 12.0 - width);
            let data =
                format!("M{sx:.1},{sy:.1} C{reach:.1},{sy:.1} {reach:.1},{ty:.1} {tx:.1},{ty:.1}");
            let middle = (reach - 4.0, (sy + ty) / 2.0);
            paths.push(Routed {
                data,
                label_at: middle,
            });
            continue;
        }
        let siblings = &leaving[edge.from];
        let share = siblings.iter().position(|n| *n == number).unwrap_or(0) as f64;
        let spread = (from.width / (siblings.len() as f64 + 1.0)).min(24.0);
        let offset = (share - (siblings.len() as f64 - 1.0) / 2.0) * spread;
        let mut points = vec![(from.x + offset, from.y + from.height / 2.0)];
        points.extend(bends[number].iter().copied());
        points.push((to.x, to.y - to.height / 2.0));
        let mut data = format!("M{:.1},{:.1}", points[0].0, points[0].1);
        for pair in points.windows(2) {
            let ((x0, y0), (x1, y1)) = (pair[0], pair[1]);
            if x0 == x1 {
                let _ = write!(data, " L{x1:.1},{y1:.1}");
                continue;
            }
            let bend = (y1 - y0) / 2.0;
            let _ = write!(
                data,
                " C{x0:.1},{:.1} {x1:.1},{:.1} {x1:.1},{y1:.1}",
                y0 + bend,
                y1 - bend
            );
        }
        // The label sits on the edge, in the gap below its source; the labels
        // of a node's edges alternate higher and lower, so as not to overlap.
        let (x0, y0) = points[0];
        let (x1, y1) = points[1];
        let along = match siblings.len() {
            1 => 0.5,
            _ if (share as usize).is_multiple_of(2) => 0.3,
            _ => 0.7,
        };
        let along = if points.len() > 2 { along * 0.5 } else { along };
        let label_at = (x0 + (x1 - x0) * along, y0 + (y1 - y0) * along);
        paths.push(Routed { data, label_at });
    }
    (paths, room)
}

/// Draws `laid` (the layout of `graph`) with its top left at (`left`, `top`).
fn draw(laid: &Laid, graph: &Graph, left: f64, top: f64, out: &mut String) {
    for (placed, node) in laid.boxes.iter().zip(&graph.nodes) {
        let (x, y) = (left + placed.x, top + placed.y);
        match node.kind {
            NodeKind::Start | NodeKind::End => {
                let class = if node.kind == NodeKind::Start {
                    "start"
                } else {
                    "end"
                };
                let _ = write!(
                    out,
                    r#"<g class="{class}"><title>{}</title><circle class="terminal" cx="{x:.1}" cy="{y:.1}" r="{:.1}"/>"#,
                    if node.kind == NodeKind::Start {
                        "Start"
                    } else {
                        "End"
                    },
                    TERMINAL / 2.0
                );
                if node.kind == NodeKind::End {
                    let _ = write!(
                        out,
                        r##"<circle cx="{x:.1}" cy="{y:.1}" r="{:.1}" fill="#374151"/>"##,
                        TERMINAL / 4.0
                    );
                }
                out.push_str("</g>\n");
            }
            NodeKind::State(kind) => {
                let (x0, y0) = (x - placed.width / 2.0, y - placed.height / 2.0);
                let _ = write!(
                    out,
                    r#"<g class="state {}" data-state="{}" data-type="{}"><title>{}</title><rect x="{x0:.1}" y="{y0:.1}" width="{:.1}" height="{:.1}" rx="6"/>"#,
                    kind.class(),
                    escape(&node.name),
                    kind.type_name(),
                    escape(&format!("{} ({})", node.name, kind.type_name())),
                    placed.width,
                    placed.height
                );
                if placed.inner.is_empty() {
                    let _ = write!(
                        out,
                        r#"<text class="name" x="{x:.1}" y="{:.1}" text-anchor="middle">{}</text><text class="type" x="{x:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
                        y - 2.0,
                        escape(&shown(&node.name)),
                        y + 13.0,
                        kind.label()
                    );
                    out.push_str("</g>\n");
                } else {
                    let _ = writeln!(
                        out,
                        r#"<text class="name" x="{:.1}" y="{:.1}">{}</text>"#,
                        x0 + PADDING,
                        y0 + 18.0,
                        escape(&title(&node.name, kind))
                    );
                    for ((dx, dy, inner), child) in placed.inner.iter().zip(&node.children) {
                        let _ = writeln!(
                            out,
                            r#"<rect class="machine" x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="6"/>"#,
                            x0 + dx - INSET / 2.0,
                            y0 + dy - INSET / 2.0,
                            inner.width + inner.loop_room + INSET,
                            inner.height + INSET
                        );
                        draw(inner, child, x0 + dx, y0 + dy, out);
                    }
                    out.push_str("</g>\n");
                }
            }
        }
    }
    for (routed, edge) in laid.paths.iter().zip(&graph.edges) {
        let (class, marker) = match edge.kind {
            EdgeKind::Catch => ("edge catch", "arrow-catch"),
            EdgeKind::Default => ("edge default", "arrow"),
            EdgeKind::Next | EdgeKind::Rule => ("edge", "arrow"),
        };
        let _ = writeln!(
            out,
            r#"<path class="{class}" transform="translate({left:.1},{top:.1})" d="{}" marker-end="url(#{marker})"/>"#,
            routed.data
        );
    }
    // Labels over every edge.
    for (routed, edge) in laid.paths.iter().zip(&graph.edges) {
        if let Some(label) = &edge.label {
            let (lx, ly) = (left + routed.label_at.0, top + routed.label_at.1);
            let width = text_width(label) * 0.8 + 6.0;
            let _ = writeln!(
                out,
                r#"<g class="edge-label"><rect class="label-box" x="{:.1}" y="{:.1}" width="{width:.1}" height="13" rx="3"/><text class="label" x="{lx:.1}" y="{:.1}" text-anchor="middle">{}</text></g>"#,
                lx - width / 2.0,
                ly - 8.0,
                ly + 2.0,
                escape(label)
            );
        }
    }
}

/// The header of a Parallel's or Map's box.
fn title(name: &str, kind: StateType) -> String {
    format!("{} · {}", shown(name), kind.label())
}

/// `name` as its box shows it: cut to [`MAX_NAME`] characters.
fn shown(name: &str) -> String {
    if name.chars().count() <= MAX_NAME {
        return name.to_owned();
    }
    let cut: String = name.chars().take(MAX_NAME - 1).collect();
    format!("{cut}…")
}

/// About how wide `text` is at the name's size.
fn text_width(text: &str) -> f64 {
    text.chars().count() as f64 * CHAR_WIDTH
}

/// `text` for XML content and attributes.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}
