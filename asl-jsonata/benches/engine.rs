//! Evaluations per second of typical ASL expressions with `$states` bound, and what binding a
//! large `$states` costs (every evaluation converts the parts of the variables its expression
//! reads).

use std::hint::black_box;

use asl_jsonata::{Bindings, Expression};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde_json::{Value, json};

/// A `$states` like a Task state's: an order with a few items, and a context object.
fn states() -> Value {
    json!({
        "input": {
            "a": 20,
            "b": 11,
            "id": "order-1234",
            "status": "active",
            "order": {
                "total": 182.5,
                "items": [
                    {"sku": "A-1", "price": 12.5, "qty": 2},
                    {"sku": "B-7", "price": 99.0, "qty": 1},
                    {"sku": "C-3", "price": 58.5, "qty": 1}
                ]
            }
        },
        "context": {
            "Execution": {"Id": "arn:aws:states:us-east-1:123456789012:execution:m:e", "Name": "e"},
            "State": {"Name": "Price", "EnteredTime": "2025-01-01T00:00:00.000Z"}
        }
    })
}

/// A `$states` whose input is about `bytes` long as JSON.
fn states_of_size(bytes: usize) -> Value {
    let item = |n: usize| json!({"id": n, "name": format!("item number {n}"), "price": n % 97, "tags": ["a", "b"]});
    let mut items = Vec::new();
    while serde_json::to_string(&items).unwrap().len() < bytes {
        items.push(item(items.len()));
    }
    json!({"input": {"items": items}})
}

fn evaluations(c: &mut Criterion) {
    let states = states();
    let mut bindings = Bindings::default();
    bindings.bind("states", &states);
    let expressions = [
        ("arithmetic", "$states.input.a + $states.input.b * 2"),
        ("path", "$states.input.order.items[0].price"),
        (
            "comparison",
            "$states.input.order.total > 100 and $states.input.status = 'active'",
        ),
        (
            "object",
            "{'id': $states.input.id, 'total': $states.input.order.total, 'count': $count($states.input.order.items)}",
        ),
    ];
    let mut group = c.benchmark_group("evaluate");
    group.throughput(Throughput::Elements(1));
    for (name, text) in expressions {
        let expression = Expression::parse(text).unwrap();
        assert!(expression.evaluate(None, &bindings).unwrap().is_some());
        group.bench_function(name, |b| {
            b.iter(|| expression.evaluate(None, black_box(&bindings)).unwrap())
        });
    }
    group.finish();
}

fn binding(c: &mut Criterion) {
    let mut group = c.benchmark_group("bind");
    group.throughput(Throughput::Elements(1));
    // Reads all of `$states.input`, so the time is converting it plus a trivial evaluation.
    let whole = Expression::parse("$count($states.input)").unwrap();
    // Reads one member of each item, so only those members are converted.
    let member = Expression::parse("$count($states.input.items.id)").unwrap();
    // Does not mention `$states`, so nothing is converted: the fixed cost of an evaluation.
    let unmentioned = Expression::parse("1").unwrap();
    for (name, bytes) in [("1KiB", 1024), ("100KiB", 100 * 1024)] {
        let states = states_of_size(bytes);
        let mut bindings = Bindings::default();
        bindings.bind("states", &states);
        for (kind, expression) in [
            ("whole", &whole),
            ("member", &member),
            ("unmentioned", &unmentioned),
        ] {
            group.bench_function(format!("{kind}_{name}"), |b| {
                b.iter(|| expression.evaluate(None, black_box(&bindings)).unwrap())
            });
        }
        let text = serde_json::to_string(&states).unwrap();
        group.bench_function(format!("serde_json_parse_{name}"), |b| {
            b.iter(|| serde_json::from_str::<Value>(black_box(&text)).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, evaluations, binding);
criterion_main!(benches);
