//! When generated code may move values out of a state's data instead of copying
//! them: a template that is the last reader of its input, a Map whose items are not
//! read again. Moving is only safe when no two reads overlap (one path a prefix of
//! the other), which these functions decide from the paths alone.

use crate::ir::Machine;
use crate::ir::intrinsic::{IntrinsicArg, IntrinsicCall};
use crate::ir::io::{DataFlow, ResultPath, Selection};
use crate::ir::map::{Items, ProcessorMode};
use crate::ir::param::Param;
use crate::ir::path::{Path, ReferencePath, Root, Step};
use crate::ir::state::StateKind;
use crate::ir::template::Template;

/// Whether two definite paths overlap: one is a prefix of the other (or they are
/// the same), so moving one out changes what the other reads.
fn overlap(a: &[Step], b: &[Step]) -> bool {
    a.iter().zip(b).all(|(a, b)| a == b)
}

/// Every `$` path `template` reads, in its members and its intrinsic arguments.
fn input_paths(template: &Template) -> Vec<&Path> {
    fn call_paths<'t>(call: &'t IntrinsicCall, paths: &mut Vec<&'t Path>) {
        for arg in &call.args {
            match arg {
                IntrinsicArg::Path(path) if path.root == Root::Input => paths.push(path),
                IntrinsicArg::Call(inner) => call_paths(inner, paths),
                IntrinsicArg::Path(_) | IntrinsicArg::Literal(_) => {}
            }
        }
    }
    fn collect<'t>(template: &'t Template, paths: &mut Vec<&'t Path>) {
        match template {
            Template::Object(members) => {
                members.iter().for_each(|(_, value)| collect(value, paths))
            }
            Template::Array(items) => items.iter().for_each(|item| collect(item, paths)),
            Template::Path(path) if path.root == Root::Input => paths.push(path),
            Template::Intrinsic(call) => call_paths(call, paths),
            Template::Path(_) | Template::Literal(_) | Template::Jsonata(_) => {}
        }
    }
    let mut paths = Vec::new();
    collect(template, &mut paths);
    paths
}

/// The `$` path members of `template`, with the field names errors give them
/// (`key.$`), in the order the template reads them.
pub(super) fn path_members(template: &Template) -> Vec<(&Path, String)> {
    fn collect<'t>(template: &'t Template, key: &str, members: &mut Vec<(&'t Path, String)>) {
        match template {
            Template::Object(fields) => {
                for (member, value) in fields {
                    collect(value, member, members);
                }
            }
            Template::Array(items) => items.iter().for_each(|item| collect(item, key, members)),
            Template::Path(path) if path.root == Root::Input => {
                members.push((path, format!("{key}.$")));
            }
            _ => {}
        }
    }
    let mut members = Vec::new();
    collect(template, "", &mut members);
    members
}

/// Whether every dynamic member of `template` is a `$` path (no intrinsic call, no
/// `$$` or variable path), so that checking the paths first fails exactly as
/// building the template would.
fn only_input_paths(template: &Template) -> bool {
    match template {
        Template::Object(members) => members.iter().all(|(_, value)| only_input_paths(value)),
        Template::Array(items) => items.iter().all(only_input_paths),
        Template::Path(path) => path.root == Root::Input,
        Template::Literal(_) => true,
        Template::Intrinsic(_) | Template::Jsonata(_) => false,
    }
}

/// Whether `template` may move each `$` value it reads out of its input, and has
/// any to move: its dynamic members are all `$` paths, definite, none overlapping
/// another. Generated code checks that they all resolve before moving any (see
/// [`path_members`]), so a miss reports the input as it was.
pub(super) fn can_move_from(template: &Template) -> bool {
    if path_members(template).is_empty() || !only_input_paths(template) {
        return false;
    }
    let Some(steps) = input_paths(template)
        .into_iter()
        .map(Path::steps)
        .collect::<Option<Vec<_>>>()
    else {
        return false;
    };
    steps
        .iter()
        .enumerate()
        .all(|(index, a)| steps[index + 1..].iter().all(|b| !overlap(a, b)))
}

/// Whether `template` reads nothing at or under `taken`, nor any value holding it:
/// `taken` may be moved out of the input before the template is built.
pub(super) fn reads_apart(template: &Template, taken: &[Step]) -> bool {
    input_paths(template)
        .into_iter()
        .all(|path| path.steps().is_some_and(|steps| !overlap(&steps, taken)))
}

/// The paths the first state of `machine` reads from its input, when they are all
/// it reads and nothing of that input survives into its output or a catcher's: an
/// inline Map over an `ItemsPath` of names, with ResultPath `$` and no `$` path in
/// its ItemSelector or its counts. A Parallel branch starting so can be given just
/// those members of the Parallel's input (see `dataflow::project`) instead of a
/// whole copy.
pub(super) fn start_reads(machine: &Machine) -> Option<Vec<&ReferencePath>> {
    let state = machine.start();
    let DataFlow::JsonPath(flow) = &state.data_flow else {
        return None;
    };
    let StateKind::Map(map) = &state.kind else {
        return None;
    };
    let Items::Path(items) = &map.items else {
        return None;
    };
    let whole_input = matches!(&flow.input_path, Selection::Path(path) if path.root == Root::Input && path.segments.is_empty());
    let replaces = |result_path: &ResultPath| matches!(result_path, ResultPath::Replace(path) if path.root == Root::Input && path.steps.is_empty());
    let fixed_counts = matches!(map.max_concurrency, Param::Fixed(_))
        && map
            .tolerated_failure_count
            .as_ref()
            .is_none_or(|count| matches!(count, Param::Fixed(_)))
        && map
            .tolerated_failure_percentage
            .as_ref()
            .is_none_or(|percentage| matches!(percentage, Param::Fixed(_)));
    let names_only = items.root == Root::Input
        && !items.steps.is_empty()
        && items
            .steps
            .iter()
            .all(|step| matches!(step, Step::Field(_)));
    let reads_only_items = whole_input
        && state.assign.is_none()
        && flow.parameters.is_none()
        && replaces(&flow.result_path)
        && map
            .catch
            .iter()
            .all(|catcher| replaces(&catcher.result_path))
        && map.processor.mode == ProcessorMode::Inline
        && map.item_reader.is_none()
        && map.item_batcher.is_none()
        && map.result_writer.is_none()
        && fixed_counts
        && map
            .item_selector
            .as_ref()
            .is_none_or(|selector| input_paths(selector).is_empty());
    (reads_only_items && names_only).then(|| vec![items])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(text: &str) -> Template {
        Template::Path(Path::parse(text).unwrap())
    }

    fn object(members: &[(&str, Template)]) -> Template {
        Template::Object(
            members
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
        )
    }

    #[test]
    fn disjoint_definite_paths_may_move() {
        assert!(can_move_from(&object(&[
            ("a", path("$.a")),
            ("b", path("$.b.c"))
        ])));
        assert!(can_move_from(&object(&[
            ("x", path("$[0].items")),
            ("y", path("$[1].items"))
        ])));
        assert!(!can_move_from(&object(&[
            ("all", path("$")),
            ("c", path("$$.Execution.Id"))
        ])));
        assert!(can_move_from(&object(&[
            ("all", path("$")),
            ("k", Template::Literal(1.into()))
        ])));
        assert!(!can_move_from(&object(&[
            ("a", path("$.a")),
            ("b", path("$.a.b"))
        ])));
        assert!(!can_move_from(&object(&[
            ("a", path("$.a")),
            ("b", path("$.a"))
        ])));
        assert!(!can_move_from(&object(&[
            ("all", path("$")),
            ("b", path("$.b"))
        ])));
        assert!(!can_move_from(&object(&[("many", path("$.a[*]"))])));
        assert!(
            !can_move_from(&object(&[("c", path("$$.Execution.Id"))])),
            "nothing to move"
        );
    }

    #[test]
    fn a_template_reading_beside_the_items_leaves_them_movable() {
        let items = [Step::Field("items".to_owned())];
        assert!(reads_apart(&object(&[("b", path("$.batch"))]), &items));
        assert!(reads_apart(
            &object(&[("v", path("$$.Map.Item.Value"))]),
            &items
        ));
        assert!(!reads_apart(&object(&[("n", path("$.items[0]"))]), &items));
        assert!(!reads_apart(&object(&[("all", path("$"))]), &items));
        assert!(!reads_apart(&object(&[("any", path("$..x"))]), &items));
    }
}
