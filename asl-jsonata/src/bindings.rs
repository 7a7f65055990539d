//! The variables an evaluation sees, and the seed of its random numbers.

use serde_json::Value;

/// The named variables an expression can read, plus an optional seed for `$random()` and
/// `$uuid()`.
///
/// Names are given without the `$`: AWS binds `states` (an object with `input`, `result`,
/// `errorOutput` and `context`) and one variable per workflow variable. Binding only borrows
/// the value; an evaluation converts just the variables its expression mentions.
///
/// ```
/// use asl_jsonata::Bindings;
/// use serde_json::json;
///
/// let states = json!({"input": {"id": 7}});
/// let total = json!(12);
/// let mut bindings = Bindings::default();
/// bindings.bind("states", &states).bind("total", &total).with_random_seed(42);
/// ```
#[derive(Debug, Clone, Default)]
pub struct Bindings<'a> {
    variables: Vec<(&'a str, &'a Value)>,
    random_seed: Option<i64>,
}

impl<'a> Bindings<'a> {
    /// Binds `$name` to `value`. A later binding of the same name wins.
    pub fn bind(&mut self, name: &'a str, value: &'a Value) -> &mut Self {
        self.variables.push((name, value));
        self
    }

    /// Makes `$random()` and `$uuid()` draw from a generator seeded with `seed` (the algorithm
    /// of `java.util.Random`), fresh for each evaluation, instead of from the operating system.
    ///
    /// Give each evaluation its own seed (for instance drawn from a generator seeded once per
    /// execution) to make a whole execution reproducible. `$random(seed)` with an explicit seed
    /// does not depend on this.
    pub fn with_random_seed(&mut self, seed: i64) -> &mut Self {
        self.random_seed = Some(seed);
        self
    }

    /// The bound variables, in binding order.
    pub(crate) fn variables(&self) -> &[(&'a str, &'a Value)] {
        &self.variables
    }

    /// The seed set with [`Bindings::with_random_seed`], if any.
    pub(crate) fn random_seed(&self) -> Option<i64> {
        self.random_seed
    }
}
