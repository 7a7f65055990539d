//! Features the code generator does not compile yet, found before generation so that
//! users get one clear message per state instead of generated code that is wrong.

use std::fmt;

use crate::ir::state::StateKind;
use crate::ir::{Machine, Workflow};

/// A feature of the definition that code generation does not support yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsupported {
    /// The state that uses it.
    pub state: String,
    /// What it is.
    pub feature: String,
}

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "state `{}` uses {}, which `asl` cannot compile yet",
            self.state, self.feature
        )
    }
}

impl std::error::Error for Unsupported {}

/// Every use of an unsupported feature in `workflow`.
pub(super) fn find(workflow: &Workflow) -> Vec<Unsupported> {
    let mut found = Vec::new();
    machine(&workflow.machine, &mut found);
    found
}

fn machine(machine: &Machine, found: &mut Vec<Unsupported>) {
    for state in &machine.states {
        let mut report = |feature: &str| {
            found.push(Unsupported {
                state: state.name.clone(),
                feature: feature.to_owned(),
            })
        };
        if let StateKind::Map(map) = &state.kind
            && let Some(reader) = &map.item_reader
            && reader.config.input_type == Some(crate::ir::map::InputType::Parquet)
        {
            report("an ItemReader of PARQUET files");
        }
        for sub in super::machine::sub_machines(state) {
            self::machine(sub, found);
        }
    }
}
