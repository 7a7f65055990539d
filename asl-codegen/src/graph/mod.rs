//! The picture of a state machine: its states as boxes, its transitions as edges,
//! Parallel branches and Map processors as boxes nested in their state. [`Graph`]
//! is built from a valid [`Workflow`] and written as Graphviz DOT ([`dot`]), a
//! Mermaid flowchart ([`mermaid`]) or an SVG laid out here ([`svg`]), so that
//! `asl graph` and the web console draw the same thing.
//!
//! Each machine (the top level, a branch, a processor) starts at a Start node and
//! ends at an End node; a Choice's rules label its edges (`Default` its default),
//! Catch edges name the errors they catch.

pub mod dot;
mod labels;
pub mod mermaid;
pub mod svg;

use crate::ir::map::ProcessorMode;
use crate::ir::state::{StateKind, Transition};
use crate::ir::{Machine, Workflow};

/// One machine of the picture: the top level, a Parallel branch or a Map
/// processor.
#[derive(Debug, Clone, PartialEq)]
pub struct Graph {
    /// Its nodes: Start, then its states in document order, then End.
    pub nodes: Vec<Node>,
    /// Its transitions, by node index.
    pub edges: Vec<Edge>,
}

/// A node: a state, or the start or end of its machine.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// What it is.
    pub kind: NodeKind,
    /// The state's name (empty for Start and End).
    pub name: String,
    /// A Parallel's branches, a Map's processor (none for other states).
    pub children: Vec<Graph>,
}

/// What a node is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    /// Where its machine starts.
    Start,
    /// Where its machine ends (after `End: true` and Succeed).
    End,
    /// A state of this `Type`.
    State(StateType),
}

/// The `Type` of a state, as the picture tells them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateType {
    /// `Pass`.
    Pass,
    /// `Task`.
    Task,
    /// `Choice`.
    Choice,
    /// `Wait`.
    Wait,
    /// `Succeed`.
    Succeed,
    /// `Fail`.
    Fail,
    /// `Parallel`.
    Parallel,
    /// `Map` (inline).
    Map,
    /// `Map` with a distributed processor.
    DistributedMap,
}

impl StateType {
    /// The `Type` as written (`Map` for both Maps).
    pub fn type_name(self) -> &'static str {
        match self {
            StateType::Pass => "Pass",
            StateType::Task => "Task",
            StateType::Choice => "Choice",
            StateType::Wait => "Wait",
            StateType::Succeed => "Succeed",
            StateType::Fail => "Fail",
            StateType::Parallel => "Parallel",
            StateType::Map | StateType::DistributedMap => "Map",
        }
    }

    /// What the picture says under a state's name: its type (`Distributed Map`
    /// for a Map with a distributed processor).
    pub fn label(self) -> &'static str {
        match self {
            StateType::DistributedMap => "Distributed Map",
            other => other.type_name(),
        }
    }

    /// Its class in SVG and Mermaid: the type in lower case.
    pub fn class(self) -> &'static str {
        match self {
            StateType::Pass => "pass",
            StateType::Task => "task",
            StateType::Choice => "choice",
            StateType::Wait => "wait",
            StateType::Succeed => "succeed",
            StateType::Fail => "fail",
            StateType::Parallel => "parallel",
            StateType::Map | StateType::DistributedMap => "map",
        }
    }
}

/// A transition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    /// From this node (an index into its graph's nodes).
    pub from: usize,
    /// To this node.
    pub to: usize,
    /// How it is taken.
    pub kind: EdgeKind,
    /// What it says: a Choice rule, `Default`, the errors a Catch catches.
    pub label: Option<String>,
}

/// How a transition is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EdgeKind {
    /// `Next`, `End`, or from Start.
    Next,
    /// A Choice rule.
    Rule,
    /// A Choice's `Default`.
    Default,
    /// A Catch.
    Catch,
}

impl Graph {
    /// The picture of `workflow`.
    pub fn of(workflow: &Workflow) -> Graph {
        Graph::of_machine(&workflow.machine)
    }

    /// The picture of one machine and the machines nested in it.
    fn of_machine(machine: &Machine) -> Graph {
        // Node 0 is Start, node i + 1 state i, the last node End.
        let end = machine.states.len() + 1;
        let node = |id: crate::ir::StateId| id.0 + 1;
        let mut nodes = vec![Node {
            kind: NodeKind::Start,
            name: String::new(),
            children: Vec::new(),
        }];
        let mut edges = vec![Edge {
            from: 0,
            to: node(machine.start_at),
            kind: EdgeKind::Next,
            label: None,
        }];
        for (index, state) in machine.states.iter().enumerate() {
            let from = index + 1;
            let mut edge = |to: usize, kind: EdgeKind, label: Option<String>| {
                edges.push(Edge {
                    from,
                    to,
                    kind,
                    label,
                });
            };
            let mut transition = |next: &Transition| match next {
                Transition::Next(id) => edge(node(*id), EdgeKind::Next, None),
                Transition::End => edge(end, EdgeKind::Next, None),
            };
            let (kind, children) = match &state.kind {
                StateKind::Pass(pass) => {
                    transition(&pass.next);
                    (StateType::Pass, Vec::new())
                }
                StateKind::Task(task) => {
                    transition(&task.next);
                    (StateType::Task, Vec::new())
                }
                StateKind::Wait(wait) => {
                    transition(&wait.next);
                    (StateType::Wait, Vec::new())
                }
                StateKind::Parallel(parallel) => {
                    transition(&parallel.next);
                    let branches = parallel.branches.iter().map(Graph::of_machine).collect();
                    (StateType::Parallel, branches)
                }
                StateKind::Map(map) => {
                    transition(&map.next);
                    let kind = match map.processor.mode {
                        ProcessorMode::Inline => StateType::Map,
                        ProcessorMode::Distributed => StateType::DistributedMap,
                    };
                    (kind, vec![Graph::of_machine(&map.processor.machine)])
                }
                StateKind::Choice(choice) => {
                    let rules = labels::rules(&state.definition);
                    for (number, rule) in choice.rules.iter().enumerate() {
                        let label = rules.get(number).cloned();
                        edge(node(rule.next), EdgeKind::Rule, label);
                    }
                    if let Some(default) = choice.default {
                        edge(node(default), EdgeKind::Default, Some("Default".to_owned()));
                    }
                    (StateType::Choice, Vec::new())
                }
                StateKind::Succeed => {
                    edge(end, EdgeKind::Next, None);
                    (StateType::Succeed, Vec::new())
                }
                StateKind::Fail(_) => (StateType::Fail, Vec::new()),
            };
            let catchers = match &state.kind {
                StateKind::Task(task) => &task.catch[..],
                StateKind::Parallel(parallel) => &parallel.catch[..],
                StateKind::Map(map) => &map.catch[..],
                _ => &[],
            };
            let caught = labels::catches(&state.definition);
            for (number, catcher) in catchers.iter().enumerate() {
                let label = caught.get(number).cloned();
                edge(node(catcher.next), EdgeKind::Catch, label);
            }
            nodes.push(Node {
                kind: NodeKind::State(kind),
                name: state.name.clone(),
                children,
            });
        }
        // A machine whose every path fails has no End.
        if edges.iter().any(|edge| edge.to == end) {
            nodes.push(Node {
                kind: NodeKind::End,
                name: String::new(),
                children: Vec::new(),
            });
        }
        Graph { nodes, edges }
    }

    /// The number of states in it and in the graphs nested in it.
    pub fn state_count(&self) -> usize {
        self.nodes
            .iter()
            .filter(|node| matches!(node.kind, NodeKind::State(_)))
            .map(|node| 1 + node.children.iter().map(Graph::state_count).sum::<usize>())
            .sum()
    }
}

#[cfg(test)]
mod tests;
