//! Java's `hashCode`, `equals` and `HashMap` iteration order, for the two intrinsics
//! whose results show them.
//!
//! AWS builds the result of `States.ArrayUnique` with a `java.util.HashSet` and the
//! result of `States.JsonMerge` with a `java.util.HashMap`, so their order is bucket
//! order, not input order. Three recorded AWS results pin this down (two AWS
//! observations and one corpus case), and the model below reproduces each exactly:
//!
//! - `ArrayUnique([true, false, true, false])` is `[false, true]` (`Boolean.hashCode`
//!   1231 and 1237 fall in buckets 15 and 5);
//! - `ArrayUnique([[1, 2], [1, 2], [2, 1]])` is `[[2, 1], [1, 2]]` (`List.hashCode` 994
//!   and 1024 fall in buckets 2 and 0);
//! - in the corpus, `JsonMerge({"constant_in_literal": ..}, {"constant_input_field":
//!   ..}, false)` lists `constant_input_field` first although neither input order nor
//!   sorted order would.
//!
//! A JSON value is modelled as the Java object Jackson reads it into: `null`,
//! `Boolean`, `Integer` (fits in 32 bits), `Long` (fits in 64), `BigInteger` (larger),
//! `Double` (has a fraction or exponent), `String` (UTF-16), `ArrayList` and
//! `LinkedHashMap`.
//!
//! The table model follows OpenJDK's `HashMap`: power-of-two tables, hash spreading
//! (`h ^ h >>> 16`), resizing at a 0.75 load factor, buckets kept in insertion order
//! across resizes, and the resize that replaces treeifying a long bucket in a table
//! smaller than 64. Not modelled: the order inside a bucket that has become a red-black
//! tree (9 or more entries in one bucket of a table of 64 or more), where a new entry
//! goes next to its tree parent instead of at the end; such buckets keep insertion
//! order here.

use serde_json::{Map, Number, Value};

/// Java's `hashCode` of the object AWS holds for `value`.
pub(super) fn hash(value: &Value) -> i32 {
    match value {
        // HashMap hashes a null key to 0.
        Value::Null => 0,
        Value::Bool(true) => 1231,
        Value::Bool(false) => 1237,
        Value::Number(number) => number_hash(number),
        Value::String(text) => string_hash(text),
        Value::Array(items) => items.iter().fold(1i32, |acc, item| {
            acc.wrapping_mul(31).wrapping_add(hash(item))
        }),
        Value::Object(map) => map.iter().fold(0i32, |acc, (key, item)| {
            acc.wrapping_add(string_hash(key) ^ hash(item))
        }),
    }
}

/// Java's `String.hashCode`: over UTF-16 code units, `h = 31 * h + unit`.
pub(super) fn string_hash(text: &str) -> i32 {
    text.encode_utf16().fold(0i32, |acc, unit| {
        acc.wrapping_mul(31).wrapping_add(i32::from(unit))
    })
}

fn number_hash(number: &Number) -> i32 {
    if let Some(integer) = number.as_i64() {
        match i32::try_from(integer) {
            // Integer.hashCode
            Ok(small) => small,
            // Long.hashCode: (int) (value ^ (value >>> 32))
            Err(_) => {
                let bits = integer as u64;
                (bits ^ (bits >> 32)) as i32
            }
        }
    } else if let Some(big) = number.as_u64() {
        // BigInteger.hashCode over its two 32-bit magnitude words, high word first.
        let high = (big >> 32) as u32 as i32;
        let low = big as u32 as i32;
        high.wrapping_mul(31).wrapping_add(low)
    } else {
        // Double.hashCode: bits ^ (bits >>> 32)
        let bits = number.as_f64().unwrap_or_default().to_bits();
        (bits ^ (bits >> 32)) as i32
    }
}

/// Java's `equals` between the objects AWS holds for `left` and `right`: numbers equal
/// only within the same class (so `1` and `1.0` differ, and so do `0.0` and `-0.0`),
/// maps equal whatever their key order.
pub(super) fn equals(left: &Value, right: &Value) -> bool {
    match (left, right) {
        (Value::Null, Value::Null) => true,
        (Value::Bool(a), Value::Bool(b)) => a == b,
        (Value::String(a), Value::String(b)) => a == b,
        (Value::Number(a), Value::Number(b)) => match (a.is_f64(), b.is_f64()) {
            (true, true) => a.as_f64().map(f64::to_bits) == b.as_f64().map(f64::to_bits),
            // Both integers: serde_json keeps equal integers in equal representations.
            (false, false) => a == b,
            _ => false,
        },
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| equals(x, y))
        }
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(key, x)| b.get(key).is_some_and(|y| equals(x, y)))
        }
        _ => false,
    }
}

/// The shape of a Java `HashMap` as entries go in: enough to know, at the end, in
/// which order the map iterates them. Entries are identified by insertion index.
#[derive(Debug, Default)]
pub(super) struct Table {
    /// Table length; 0 until the first insertion allocates it.
    capacity: usize,
    threshold: usize,
    /// Hash of every entry, in insertion order.
    hashes: Vec<i32>,
    /// Number of entries in each bucket of the current table.
    bucket_sizes: Vec<u32>,
}

const MAXIMUM_CAPACITY: usize = 1 << 30;
const TREEIFY_THRESHOLD: u32 = 8;
const MIN_TREEIFY_CAPACITY: usize = 64;

impl Table {
    /// `new HashMap<>(initialCapacity)`.
    pub(super) fn with_initial_capacity(initial_capacity: usize) -> Table {
        Table {
            threshold: table_size_for(initial_capacity),
            ..Table::default()
        }
    }

    /// The sizing step of `putAll(m)` / `new HashMap<>(m)` for a map of `size` entries,
    /// run before its entries are put.
    pub(super) fn prepare_put_all(&mut self, size: usize) {
        if size == 0 {
            return;
        }
        if self.capacity == 0 {
            let wanted = size as f32 / 0.75 + 1.0;
            let wanted = if wanted < MAXIMUM_CAPACITY as f32 {
                wanted as usize
            } else {
                MAXIMUM_CAPACITY
            };
            if wanted > self.threshold {
                self.threshold = table_size_for(wanted);
            }
        } else {
            while size > self.threshold && self.capacity < MAXIMUM_CAPACITY {
                self.resize();
            }
        }
    }

    /// Puts a key that is not in the map yet (a new node at the end of its bucket).
    pub(super) fn insert(&mut self, hash: i32) {
        if self.capacity == 0 {
            self.resize();
        }
        let bucket = self.bucket(hash);
        let previous = self.bucket_sizes[bucket];
        self.bucket_sizes[bucket] = previous + 1;
        self.hashes.push(hash);
        if previous >= TREEIFY_THRESHOLD && self.capacity < MIN_TREEIFY_CAPACITY {
            // treeifyBin: a long bucket in a small table doubles the table instead.
            self.resize();
        }
        if self.hashes.len() > self.threshold {
            self.resize();
        }
    }

    /// Insertion indices in the order the map iterates them: by bucket, and within a
    /// bucket by insertion.
    pub(super) fn iteration_order(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.hashes.len()).collect();
        order.sort_by_key(|&index| self.bucket(self.hashes[index]));
        order
    }

    fn bucket(&self, hash: i32) -> usize {
        let hash = hash as u32;
        ((hash ^ (hash >> 16)) as usize) & (self.capacity.max(1) - 1)
    }

    fn resize(&mut self) {
        let old_capacity = self.capacity;
        let old_threshold = self.threshold;
        let mut new_threshold = 0;
        let new_capacity;
        if old_capacity > 0 {
            if old_capacity >= MAXIMUM_CAPACITY {
                self.threshold = usize::MAX;
                return;
            }
            new_capacity = old_capacity * 2;
            if new_capacity < MAXIMUM_CAPACITY && old_capacity >= 16 {
                new_threshold = old_threshold * 2;
            }
        } else if old_threshold > 0 {
            new_capacity = old_threshold;
        } else {
            new_capacity = 16;
            new_threshold = 12;
        }
        if new_threshold == 0 {
            let scaled = new_capacity as f32 * 0.75;
            new_threshold = if new_capacity < MAXIMUM_CAPACITY {
                scaled as usize
            } else {
                usize::MAX
            };
        }
        self.capacity = new_capacity;
        self.threshold = new_threshold;
        self.bucket_sizes.clear();
        self.bucket_sizes.resize(new_capacity, 0);
        for index in 0..self.hashes.len() {
            let bucket = self.bucket(self.hashes[index]);
            self.bucket_sizes[bucket] += 1;
        }
    }
}

/// Java's `HashMap.tableSizeFor`: the smallest power of two at least `capacity`.
fn table_size_for(capacity: usize) -> usize {
    capacity.next_power_of_two().min(MAXIMUM_CAPACITY)
}

/// `new ArrayList<>(new HashSet<>(items))`: the distinct items (by Java `equals`, the
/// first of equal items kept) in `HashSet` iteration order.
pub(super) fn hash_set_order(items: &[Value]) -> Vec<&Value> {
    // HashSet(Collection c) sizes its map for every item, duplicates included.
    let initial = ((items.len() as f32 / 0.75) as usize + 1).max(16);
    let mut table = Table::with_initial_capacity(initial);
    let mut kept: Vec<&Value> = Vec::new();
    let mut by_hash: std::collections::HashMap<i32, Vec<usize>> =
        std::collections::HashMap::with_capacity(items.len());
    for item in items {
        let item_hash = hash(item);
        let same_hash = by_hash.entry(item_hash).or_default();
        if same_hash.iter().any(|&index| equals(kept[index], item)) {
            continue;
        }
        same_hash.push(kept.len());
        kept.push(item);
        table.insert(item_hash);
    }
    table
        .iteration_order()
        .into_iter()
        .map(|index| kept[index])
        .collect()
}

/// `new HashMap<>(left)` then `putAll(right)`: the merged entries (a key of both keeps
/// the value of `right`) in `HashMap` iteration order.
pub(super) fn merged_hash_map_order<'a>(
    left: &'a Map<String, Value>,
    right: &'a Map<String, Value>,
) -> Vec<(&'a String, &'a Value)> {
    let mut table = Table::default();
    let mut entries = Vec::with_capacity(left.len() + right.len());
    table.prepare_put_all(left.len());
    for (key, value) in left {
        table.insert(string_hash(key));
        entries.push((key, right.get(key).unwrap_or(value)));
    }
    table.prepare_put_all(right.len());
    for (key, value) in right {
        if !left.contains_key(key) {
            table.insert(string_hash(key));
            entries.push((key, value));
        }
    }
    table
        .iteration_order()
        .into_iter()
        .map(|index| entries[index])
        .collect()
}
