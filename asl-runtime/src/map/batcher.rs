//! Distributed Map `ItemBatcher`: items grouped into `{"Items": [...],
//! "BatchInput": {...}}` child inputs of at most `MaxItemsPerBatch` items and
//! `MaxInputBytesPerBatch` bytes.

use serde_json::{Map, Value};

use super::reader::Items;

/// An ItemBatcher with its limits evaluated.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Batcher {
    /// `MaxItemsPerBatch`.
    pub max_items: Option<u64>,
    /// `MaxInputBytesPerBatch` (the JSON text of the whole batch input).
    pub max_bytes: Option<u64>,
    /// `BatchInput`, added to every batch.
    pub batch_input: Option<Value>,
}

impl Batcher {
    /// The batches of `items`, lazily. A batch always holds at least one item, even
    /// one over the byte limit on its own.
    pub fn batches<'a>(self, items: Items<'a>) -> Items<'a> {
        let mut items = items.peekable();
        let overhead = self.overhead();
        Box::new(std::iter::from_fn(move || {
            let mut batch = Vec::new();
            let mut bytes = overhead;
            while let Some(next) = items.peek() {
                let item = match next {
                    Err(_) if batch.is_empty() => return items.next(),
                    Err(_) => break,
                    Ok(item) => item,
                };
                let size = serde_json::to_string(item).map_or(0, |text| text.len() as u64) + 1;
                let full = self.max_items.is_some_and(|max| batch.len() as u64 >= max)
                    || (!batch.is_empty() && self.max_bytes.is_some_and(|max| bytes + size > max));
                if full {
                    break;
                }
                bytes += size;
                batch.extend(items.next().and_then(Result::ok));
            }
            (!batch.is_empty()).then(|| Ok(self.wrap(batch)))
        }))
    }

    /// The bytes of a batch input besides its items.
    fn overhead(&self) -> u64 {
        serde_json::to_string(&self.wrap(Vec::new())).map_or(0, |text| text.len() as u64)
    }

    fn wrap(&self, items: Vec<Value>) -> Value {
        let mut input = Map::with_capacity(2);
        input.insert("Items".into(), Value::Array(items));
        if let Some(batch_input) = &self.batch_input {
            input.insert("BatchInput".into(), batch_input.clone());
        }
        Value::Object(input)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn batches(batcher: Batcher, items: Vec<Value>) -> Vec<Value> {
        batcher
            .batches(Box::new(items.into_iter().map(Ok)))
            .map(Result::unwrap)
            .collect()
    }

    #[test]
    fn items_are_grouped_by_count_with_the_batch_input() {
        let batcher = Batcher {
            max_items: Some(2),
            max_bytes: None,
            batch_input: Some(json!({"currency": "EUR"})),
        };
        assert_eq!(
            batches(batcher, vec![json!(1), json!(2), json!(3)]),
            [
                json!({"Items": [1, 2], "BatchInput": {"currency": "EUR"}}),
                json!({"Items": [3], "BatchInput": {"currency": "EUR"}}),
            ]
        );
    }

    #[test]
    fn the_byte_limit_counts_the_whole_batch_input() {
        let item = json!("x".repeat(10));
        let batcher = Batcher {
            max_items: None,
            max_bytes: Some(40),
            batch_input: None,
        };
        let out = batches(batcher, vec![item.clone(); 5]);
        for batch in &out {
            assert!(serde_json::to_string(batch).unwrap().len() <= 40, "{batch}");
        }
        assert_eq!(out.len(), 3);
        let huge = Batcher {
            max_items: None,
            max_bytes: Some(5),
            batch_input: None,
        };
        assert_eq!(
            batches(huge, vec![item.clone()]),
            [json!({"Items": [item]})]
        );
    }
}
