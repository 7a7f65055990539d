//! What one transition function needs while its body is generated: the statics it
//! declares (compiled paths, constant values) and whether it reads the Context object.

use std::collections::HashSet;

use heck::ToShoutySnakeCase;
use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use crate::ir::path::{Path, ReferencePath, Root};

use super::{json, path};

/// The statics and flags of one generated function.
#[derive(Debug, Default)]
pub(super) struct Scope {
    statics: Vec<TokenStream>,
    names: HashSet<String>,
    pub uses_context: bool,
    /// Whether the body builds the Context object itself, right where it reads it
    /// (a retried Task: each attempt sees its own `$$.State.RetryCount`), so that
    /// the prelude need not.
    pub builds_context_object: bool,
    /// Whether the state records its entry time even without reading `$$` (Task
    /// handlers can read it).
    pub stamps_entry: bool,
    /// The workflow variables the state can read and assign.
    pub variables: super::variables::Scopes,
    /// Set for a state in JSONata mode, with what its expressions read: its
    /// templates' `{% %}` leaves are evaluated with the local `bindings`, and fields
    /// are named by path.
    pub jsonata: Option<super::jsonata::Reads>,
    /// Whether paths are read inside a Map's ItemSelector, where
    /// `$$.Map.Item.Value...` reads the local `item`, `$$.Map.Item.Index` the local
    /// `item_index`, and other `$$.Map...` paths the item's own small Context object,
    /// `item_context`.
    pub in_item_selector: bool,
    /// What such paths read.
    pub reads_map_item: MapItemReads,
    /// The locals holding the `$` values of the template being built, already moved
    /// out of its input (see [`Scope::take_paths`]), in the order it reads them.
    pub taken: std::collections::VecDeque<Ident>,
    /// Whether the state is the one a TestState machine tests (see
    /// `Settings::for_test_state`): it records its data flow and takes mocks.
    pub probes: bool,
}

/// What an ItemSelector read under `$$.Map`.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) struct MapItemReads {
    /// `$$.Map.Item.Value`, or inside it: the local `item`.
    pub value: bool,
    /// `$$.Map.Item.Index`: the local `item_index`.
    pub index: bool,
    /// `$$.Map.Item.Key`: the item's key, from the local `keys`.
    pub key: bool,
    /// `$$.Map.Item.Source`: where the item was read from, the local `item_source`.
    pub source: bool,
    /// Anything else under `$$.Map`: the local `item_context`.
    pub context: bool,
}

/// Where a `$$.Map...` path leads in an ItemSelector.
enum MapRead {
    /// Under `$$.Map.Item.Value`: these segments inside the item.
    Value(Vec<crate::ir::path::Segment>),
    /// `$$.Map.Item.Index`.
    Index,
    /// `$$.Map.Item.Key`.
    Key,
    /// `$$.Map.Item.Source`.
    Source,
    /// Elsewhere under `$$.Map`.
    Context,
}

/// Where `path` leads when it starts `$$.Map`.
fn map_read(path: &Path) -> Option<MapRead> {
    use crate::ir::path::{Segment, Selector};
    fn name(segment: Option<&Segment>) -> Option<&str> {
        match segment {
            Some(Segment::Child(Selector::Name(name))) => Some(name.as_str()),
            _ => None,
        }
    }
    let segments = &path.segments;
    if path.root != Root::Context || name(segments.first()) != Some("Map") {
        return None;
    }
    Some(match (name(segments.get(1)), name(segments.get(2))) {
        (Some("Item"), Some("Value")) => MapRead::Value(segments[3..].to_vec()),
        (Some("Item"), Some("Index")) if segments.len() == 3 => MapRead::Index,
        (Some("Item"), Some("Key")) if segments.len() == 3 => MapRead::Key,
        (Some("Item"), Some("Source")) if segments.len() == 3 => MapRead::Source,
        _ => MapRead::Context,
    })
}

impl Scope {
    /// A block evaluating `value` (an expression using `bindings`) with `$states`
    /// and the variables bound, for a JSONata state.
    pub fn with_bindings(&self, value: TokenStream) -> TokenStream {
        let bindings =
            super::jsonata::bindings(self.jsonata.as_ref().unwrap_or(&Default::default()));
        quote!({
            #bindings
            #value
        })
    }

    /// A scope for a state that sees the workflow variables of `variables`.
    pub fn with_variables(variables: super::variables::Scopes) -> Scope {
        Scope {
            variables,
            ..Scope::default()
        }
    }

    /// `run.inspect(probe::Stage::<stage>, <value>);` for a state under test, nothing
    /// otherwise: `value` is an `&Value` expression.
    pub fn inspect(&self, stage: &str, value: &TokenStream) -> Option<TokenStream> {
        let stage = format_ident!("{stage}");
        self.probes
            .then(|| quote!(run.inspect(rt::probe::Stage::#stage, #value);))
    }

    /// Runs `build` and says whether what it built reads the Context object.
    pub fn reads_context<T>(&mut self, build: impl FnOnce(&mut Scope) -> T) -> (T, bool) {
        let before = std::mem::take(&mut self.uses_context);
        let built = build(self);
        let reads = self.uses_context;
        self.uses_context |= before;
        (built, reads)
    }

    /// Declares `static NAME: Path` for `path` and returns `NAME`.
    pub fn path(&mut self, hint: &str, path: &Path) -> Ident {
        let name = self.name(hint);
        let value = path::path(path);
        self.statics
            .push(quote!(static #name: path::Path = #value;));
        name
    }

    /// When `path` is only names and non-negative indexes, declares it as a
    /// `static NAME: RefPath` (read by a direct lookup) and returns `NAME`.
    pub fn definite(&mut self, hint: &str, path: &Path) -> Option<Ident> {
        let reference = ReferencePath {
            text: path.text.clone(),
            root: path.root.clone(),
            steps: path.steps()?,
        };
        Some(self.reference(hint, &reference))
    }

    /// An `&Value` expression reading the payload template field `key` (`name.$`) at
    /// `path`, where `input` is the `&Value` expression for `$`.
    pub fn field(&mut self, key: &str, path: &Path, input: &TokenStream) -> TokenStream {
        match self.read_field(key, path, input) {
            FieldRead::Lookup(args) => quote!(dataflow::field_at(#args)?),
            FieldRead::Selection(cow) => quote!(&*#cow),
            FieldRead::Local(local) => quote!(&#local),
            FieldRead::Owned(value) => quote!(&#value),
        }
    }

    /// A statement failing as building `template` would when one of its `$` path
    /// members is missing from `input`: run before the template moves any value out.
    pub fn require_paths(
        &mut self,
        template: &crate::ir::template::Template,
        input: &TokenStream,
    ) -> Option<TokenStream> {
        let checks = self.path_checks(template);
        (!checks.is_empty()).then(|| quote!(dataflow::require(&[#(#checks),*], #input)?;))
    }

    /// Statements moving the `$` values of `template` (one that
    /// `ownership::can_move_from`) out of the local `source`, one lookup each, and
    /// failing as building it would, with `source` whole, when one is missing;
    /// building `template` next reads the moved values (see [`Scope::taken`]).
    pub fn take_paths(
        &mut self,
        template: &crate::ir::template::Template,
        source: &TokenStream,
    ) -> TokenStream {
        let fields = self.path_checks(template);
        let taken: Vec<Ident> = (0..fields.len())
            .map(|index| format_ident!("moved_{index}"))
            .collect();
        self.taken = taken.iter().cloned().collect();
        quote! {
            let mut #source = #source;
            let [#(#taken),*] = dataflow::take_all(&[#(#fields),*], &mut #source)?;
        }
    }

    /// `(&PATH, "key.$")` for each definite `$` path member of `template`.
    fn path_checks(&mut self, template: &crate::ir::template::Template) -> Vec<TokenStream> {
        super::ownership::path_members(template)
            .into_iter()
            .filter_map(|(path, key)| {
                let name = self.definite(&key, path)?;
                Some(quote!((&#name, #key)))
            })
            .collect()
    }

    /// [`Scope::field`] as an owned `Value`: the value already moved out of the
    /// input when the template moves its values ([`Scope::take_paths`]), copied
    /// otherwise.
    pub fn field_owned(&mut self, key: &str, path: &Path, input: &TokenStream) -> TokenStream {
        if path.root == Root::Input
            && let Some(taken) = self.taken.pop_front()
        {
            return quote!(#taken);
        }
        match self.read_field(key, path, input) {
            FieldRead::Lookup(args) => quote!(dataflow::copy_at(#args)?),
            FieldRead::Selection(cow) => quote!(#cow.into_owned()),
            FieldRead::Local(local) => quote!(#local.clone()),
            FieldRead::Owned(value) => value,
        }
    }

    fn read_field(&mut self, key: &str, path: &Path, input: &TokenStream) -> FieldRead {
        let map_read = if self.in_item_selector {
            map_read(path)
        } else {
            None
        };
        let (path, root) = match map_read {
            Some(MapRead::Index) => {
                self.reads_map_item.index = true;
                return FieldRead::Local(format_ident!("item_index"));
            }
            Some(MapRead::Key) => {
                self.reads_map_item.key = true;
                let text = &path.text;
                return FieldRead::Owned(
                    quote!(map::item_key(keys.as_deref(), index, #text, #key)?),
                );
            }
            Some(MapRead::Source) => {
                self.reads_map_item.source = true;
                return FieldRead::Owned(quote!(Value::from(&*item_source)));
            }
            Some(MapRead::Value(segments)) => {
                self.reads_map_item.value = true;
                let inside = Path {
                    text: path.text.clone(),
                    root: Root::Input,
                    segments,
                };
                if inside.segments.is_empty() {
                    return FieldRead::Local(format_ident!("item"));
                }
                (std::borrow::Cow::Owned(inside), quote!(&item))
            }
            Some(MapRead::Context) => {
                self.reads_map_item.context = true;
                (std::borrow::Cow::Borrowed(path), quote!(&item_context))
            }
            None => (
                std::borrow::Cow::Borrowed(path),
                self.root(&path.root, input),
            ),
        };
        let path = path.as_ref();
        match self.definite(key, path) {
            Some(name) => FieldRead::Lookup(quote!(&#name, #key, #root)),
            None => {
                let name = self.path(key, path);
                FieldRead::Selection(quote!(dataflow::field(&#name, #key, #root)?))
            }
        }
    }

    /// Declares `static NAME: RefPath` for `path` and returns `NAME`.
    pub fn reference(&mut self, hint: &str, path: &ReferencePath) -> Ident {
        let name = self.name(hint);
        let value = path::reference(path);
        self.statics
            .push(quote!(static #name: path::RefPath = #value;));
        name
    }

    /// An `&Value` expression reading the `...Path` field `field` (SecondsPath,
    /// TimeoutSecondsPath, MaxConcurrencyPath ...) at `path`, from `input` (the
    /// `&Value` expression for `$`) or from the Context object; a miss fails with
    /// the error AWS gives for that field.
    pub fn read_reference(
        &mut self,
        field: &str,
        path: &ReferencePath,
        input: &TokenStream,
    ) -> TokenStream {
        let name = self.reference(field, path);
        let root = self.root(&path.root, input);
        quote!(dataflow::reference(&#name, #field, #root)?)
    }

    /// An expression of type `Value` for the constant `value`: built in place when it
    /// is a scalar, built once (a `LazyLock` static) and cloned otherwise.
    pub fn constant(&mut self, hint: &str, value: &serde_json::Value) -> TokenStream {
        if !(value.is_object() || value.is_array()) {
            return json::value(value);
        }
        let name = self.name(hint);
        let build = json::value(value);
        self.statics.push(quote!(
            static #name: ::std::sync::LazyLock<Value> =
                ::std::sync::LazyLock::new(|| #build);
        ));
        quote!(#name.clone())
    }

    /// Declares a static item built elsewhere.
    pub fn push_static(&mut self, item: TokenStream) {
        self.statics.push(item);
    }

    /// The root value a path reads from, as an `&Value` expression; `input` is the
    /// expression for `$`.
    pub fn root(&mut self, root: &Root, input: &TokenStream) -> TokenStream {
        match root {
            Root::Input => input.clone(),
            Root::Context => {
                self.uses_context = true;
                quote!(&context_object)
            }
            Root::Variable(name) => super::variables::read(&self.variables, name),
        }
    }

    /// The statics to put at the top of the function.
    pub fn statics(&self) -> &[TokenStream] {
        &self.statics
    }

    /// The statements that record the entry time and build the Context object, when
    /// the state can observe them.
    pub fn context_prelude(&self) -> TokenStream {
        let stamp = (self.uses_context || self.stamps_entry).then(|| quote!(run.stamp_entry();));
        let object = (self.uses_context && !self.builds_context_object)
            .then(|| quote!(let context_object = run.context().to_value();));
        quote!(#stamp #object)
    }

    pub fn name(&mut self, hint: &str) -> Ident {
        let mut base: String = hint
            .to_shouty_snake_case()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if base.is_empty() || base.starts_with(|c: char| c.is_ascii_digit()) {
            base.insert_str(0, "VALUE_");
        }
        let mut name = base.clone();
        let mut n = 2;
        while !self.names.insert(name.clone()) || syn::parse_str::<Ident>(&name).is_err() {
            name = format!("{base}_{n}");
            n += 1;
        }
        Ident::new(&name, Span::call_site())
    }
}

/// How a template field is read: a direct lookup (`&Value`) for a path of names and
/// indexes, a selection (`Cow<Value>`) otherwise.
/// How a template field's value is read.
enum FieldRead {
    /// The arguments of `dataflow::field_at` (`&Value`) or `dataflow::copy_at`
    /// (`Value`): a definite path's direct lookup.
    Lookup(TokenStream),
    /// A `Cow<Value>` expression.
    Selection(TokenStream),
    /// A local `Value`.
    Local(Ident),
    /// An expression of type `Value`.
    Owned(TokenStream),
}
