//! The data-flow steps generated code calls, each failing with the error AWS reports
//! when a path matches nothing: InputPath and OutputPath ([`input_path`],
//! [`output_path`]), payload template fields ([`field`]), Choice variables
//! ([`variable`], [`present`]), ResultPath ([`place`]) and the `*Path` fields of Wait,
//! Task and Fail ([`reference()`]). The texts live in [`crate::path`].

use std::borrow::Cow;
use std::sync::OnceLock;

use serde_json::{Map, Value};

use crate::error::ExecutionError;
use crate::path::{self, Path, RefPath};

/// InputPath: the selected value (an array for an indefinite path).
pub fn input_path(path: &Path, root: &Value) -> Result<Value, ExecutionError> {
    path::input_path(path, root).map(Cow::into_owned)
}

/// [`input_path`] of a state input nothing reads afterwards: a definite path's
/// node is moved out rather than copied.
pub fn input_path_owned(path: &Path, mut root: Value) -> Result<Value, ExecutionError> {
    match path.take(&mut root) {
        Some(node) => Ok(node),
        None => input_path(path, &root),
    }
}

/// OutputPath: the selected value (an array for an indefinite path).
pub fn output_path(path: &Path, root: &Value) -> Result<Value, ExecutionError> {
    path::output_path(path, root).map(Cow::into_owned)
}

/// [`output_path`] of a state's own output, which nothing reads afterwards: a
/// definite path's node is moved out rather than copied.
pub fn output_path_owned(path: &Path, mut root: Value) -> Result<Value, ExecutionError> {
    match path.take(&mut root) {
        Some(node) => Ok(node),
        None => output_path(path, &root),
    }
}

/// A payload template's `key.$` path (Parameters, ResultSelector, intrinsic
/// arguments) evaluated against `root`: borrowed for a definite path.
pub fn field<'v>(
    path: &Path,
    key: &str,
    root: &'v Value,
) -> Result<Cow<'v, Value>, ExecutionError> {
    path::parameter(path, key, root, root)
}

/// [`field`] for a path of names and indexes only, compiled to a [`RefPath`]: a
/// direct lookup.
#[inline]
pub fn field_at<'v>(
    path: &RefPath,
    key: &str,
    root: &'v Value,
) -> Result<&'v Value, ExecutionError> {
    path.get(root)
        .ok_or_else(|| path::errors::not_found(path.text, key, root))
}

/// [`field_at`], copied: out of line, so that each state's code stays small
/// (the generated code of a large machine must fit the instruction cache).
pub fn copy_at(path: &RefPath, key: &str, root: &Value) -> Result<Value, ExecutionError> {
    field_at(path, key, root).cloned()
}

/// A payload template's object of one member, built in place: hashing one name
/// costs less than copying a prepared map ([`Keys`]).
#[inline(always)]
pub fn single(name: &str, value: Value) -> Value {
    let mut object = Map::with_capacity(1);
    object.insert(name.to_owned(), value);
    Value::Object(object)
}

/// The member names of a payload template's object of two members or more, in
/// order, as a `static`: the object is built by copying a map that already holds
/// them ([`Keys::object`]), so no name is hashed on a transition.
#[derive(Debug)]
pub struct Keys {
    names: &'static [&'static str],
    skeleton: OnceLock<Map<String, Value>>,
}

impl Keys {
    /// The names `names`, all different (the compiler refuses a template with two
    /// members of one name).
    pub const fn new(names: &'static [&'static str]) -> Self {
        Self {
            names,
            skeleton: OnceLock::new(),
        }
    }

    /// The object with these names and `values`, in order. Out of line and shared
    /// by every template of `N` members, so that each state's code stays small (the
    /// generated code of a large machine must fit the instruction cache).
    #[inline(never)]
    pub fn object<const N: usize>(&self, values: [Value; N]) -> Value {
        debug_assert_eq!(self.names.len(), N, "one value per name");
        let skeleton = self.skeleton.get_or_init(|| {
            self.names
                .iter()
                .map(|name| (String::from(*name), Value::Null))
                .collect()
        });
        let mut object = skeleton.clone();
        for (slot, value) in object.values_mut().zip(values) {
            *slot = value;
        }
        Value::Object(object)
    }
}

/// [`variable`] for a path of names and indexes only, compiled to a [`RefPath`]: a
/// direct lookup.
#[inline]
pub fn variable_at<'v>(path: &RefPath, root: &'v Value) -> Result<&'v Value, ExecutionError> {
    path.get(root)
        .ok_or_else(|| crate::choice::missing_variable(path.text))
}

/// A Choice rule's `Variable` (or `...Path` operand).
pub fn variable<'v>(path: &Path, root: &'v Value) -> Result<Cow<'v, Value>, ExecutionError> {
    path::choice_variable(path, root)
}

/// `IsPresent`: whether the path matches anything (an indefinite path must match at
/// least one node).
pub fn present(path: &Path, root: &Value) -> bool {
    match path.select(root) {
        Some(Cow::Owned(Value::Array(items))) if !path.is_definite() => !items.is_empty(),
        Some(_) => true,
        None => false,
    }
}

/// ResultPath: puts `result` at `path` inside `input`.
pub fn place(path: &RefPath, input: &mut Value, result: Value) -> Result<(), ExecutionError> {
    path::set(path, input, result)
}

/// A `*Path` field's reference path (`SecondsPath`, `ErrorPath` ...): its value, or
/// the error AWS gives for that field.
pub fn reference<'v>(
    path: &RefPath,
    field: &str,
    root: &'v Value,
) -> Result<&'v Value, ExecutionError> {
    path::reference(path, field, root)
}

/// Fails as [`field_at`] would for the first of `fields` (a path and its template
/// key) missing from `root`: checked before a template moves values out of `root`,
/// so that the error shows `root` whole.
pub fn require(fields: &[(&RefPath, &str)], root: &Value) -> Result<(), ExecutionError> {
    for (path, key) in fields {
        field_at(path, key, root)?;
    }
    Ok(())
}

/// Moves the values of `fields` (paths of a payload template, none overlapping
/// another, with their template keys) out of `root`, in order, leaving `null` in
/// their places: one lookup each. When one is missing, the values already moved are
/// put back and it fails as [`require`] would, showing `root` whole.
pub fn take_all<const N: usize>(
    fields: &[(&RefPath, &str); N],
    root: &mut Value,
) -> Result<[Value; N], ExecutionError> {
    let mut taken = [const { Value::Null }; N];
    for (index, (path, key)) in fields.iter().enumerate() {
        match path.take(root) {
            Some(value) => taken[index] = value,
            None => {
                for ((path, _), value) in fields.iter().zip(taken).take(index) {
                    if let Some(place) = path.get_mut(root) {
                        *place = value;
                    }
                }
                return Err(path::errors::not_found(path.text, key, root));
            }
        }
    }
    Ok(taken)
}

/// The members of `root` that `paths` (of field names only) lead to, copied into
/// objects of the same shape and nothing else: what a Parallel branch that reads
/// only those gets instead of a copy of the whole input. `None` when a path misses
/// or `paths` overlap; the branch then gets `root` whole, so that its errors show
/// the input as it is.
pub fn project(paths: &[&RefPath], root: &Value) -> Option<Value> {
    let mut projected = Value::Object(Map::new());
    for path in paths {
        let value = path.get(root)?;
        let (last, parents) = path.steps.split_last()?;
        let mut place = &mut projected;
        for step in parents {
            let crate::path::Step::Field(name) = step else {
                return None;
            };
            place = place
                .as_object_mut()?
                .entry(*name)
                .or_insert_with(|| Value::Object(Map::new()));
        }
        let crate::path::Step::Field(name) = last else {
            return None;
        };
        let object = place.as_object_mut()?;
        if object.contains_key(*name) {
            return None;
        }
        object.insert((*name).to_owned(), value.clone());
    }
    Some(projected)
}

/// [`field_at`], moving the value out of `root` (leaving `null` there), for a
/// template or Map that is the last to read `root`: a copy saved. Fails as
/// [`field_at`] does, or, for `ItemsPath`, as [`reference()`] does.
pub fn take(path: &RefPath, key: &str, root: &mut Value) -> Result<Value, ExecutionError> {
    if let Some(value) = path.take(root) {
        return Ok(value);
    }
    Err(match key {
        "ItemsPath" => path::reference(path, key, root)
            .err()
            .unwrap_or_else(|| path::errors::not_found(path.text, key, root)),
        _ => path::errors::not_found(path.text, key, root),
    })
}

/// A Fail state's `ErrorPath` or `CausePath` value, which must be a string.
pub fn text(value: &Value, field: &str) -> Result<String, ExecutionError> {
    match value {
        Value::String(text) => Ok(text.clone()),
        other => Err(ExecutionError::runtime(format!(
            "The value of the field '{field}' must be a string, but was: {other}"
        ))),
    }
}

/// `{}`: what a `null` InputPath or OutputPath gives.
pub fn empty_object() -> Value {
    Value::Object(Map::new())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::path::Step;

    static LAMPS: RefPath = RefPath {
        text: "$.stock.lamps",
        steps: &[Step::Field("stock"), Step::Field("lamps")],
    };
    static STOCK: RefPath = RefPath {
        text: "$.stock",
        steps: &[Step::Field("stock")],
    };
    static FIRST: RefPath = RefPath {
        text: "$.stock[0]",
        steps: &[Step::Field("stock"), Step::Index(0)],
    };

    static STORE: RefPath = RefPath {
        text: "$.store",
        steps: &[Step::Field("store")],
    };

    #[test]
    fn take_all_moves_each_value_out_or_fails_as_require_with_the_input_whole() {
        let mut input = json!({"stock": {"lamps": [1]}, "store": "north"});
        let [lamps, store] = take_all(&[(&LAMPS, "l.$"), (&STORE, "s.$")], &mut input).unwrap();
        assert_eq!((lamps, store), (json!([1]), json!("north")));
        assert_eq!(input, json!({"stock": {"lamps": null}, "store": null}));

        let whole = json!({"stock": {"lamps": [1]}, "store": "north"});
        let mut input = whole.clone();
        let fields = [(&STORE, "s.$"), (&LAMPS, "l.$"), (&FIRST, "f.$")];
        let error = take_all(&fields, &mut input).unwrap_err();
        assert_eq!(input, whole);
        assert_eq!(Err(error), require(&fields, &whole));
    }

    #[test]
    fn a_projection_keeps_only_the_members_its_paths_lead_to() {
        let input = json!({"stock": {"lamps": [1], "desks": [2]}, "store": "north"});
        assert_eq!(
            project(&[&LAMPS], &input),
            Some(json!({"stock": {"lamps": [1]}}))
        );
    }

    #[test]
    fn a_missing_member_an_index_or_overlapping_paths_give_no_projection() {
        let input = json!({"stock": {"desks": [2]}});
        assert_eq!(project(&[&LAMPS], &input), None);
        assert_eq!(project(&[&FIRST], &json!({"stock": [1]})), None);
        let input = json!({"stock": {"lamps": [1]}});
        assert_eq!(project(&[&STOCK, &LAMPS], &input), None);
        assert_eq!(project(&[&LAMPS, &STOCK], &input), None);
    }
}
