//! `asl graph`: draw a definition as SVG, Graphviz DOT or a Mermaid flowchart.

use std::io;

use asl_codegen::graph::{Graph, dot, mermaid, svg};

use crate::definition::{self, Refusal};
use crate::{GraphArgs, GraphFormat, Io};

/// Draws `args.file` onto stdout or `args.output`; returns the exit status: 0, 1
/// for an invalid definition, 2 for I/O errors.
pub fn graph(args: &GraphArgs, io: &mut Io<'_>) -> io::Result<u8> {
    let workflow = match definition::checked(&args.file, args.color, "nothing was drawn", io)? {
        Ok((_, workflow)) => workflow,
        Err(Refusal::Invalid | Refusal::Unsupported) => return Ok(1),
        Err(Refusal::Unreadable) => return Ok(2),
    };
    let graph = Graph::of(&workflow);
    let name = definition::machine_name(&args.file);
    let picture = match args.format {
        GraphFormat::Svg => svg::render(&graph, &name),
        GraphFormat::Dot => dot::render(&graph, &name),
        GraphFormat::Mermaid => mermaid::render(&graph),
    };
    definition::write_out(args.output.as_deref(), &picture, io)
}
