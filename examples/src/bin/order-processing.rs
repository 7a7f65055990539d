//! Order processing with Task handlers written in Rust.
//!
//! `cargo run -p asl-examples --bin order-processing` runs three orders through
//! `examples/workflows/checkout.asl.json`: one that ships after the payment gateway
//! fails twice (Retry), one whose card is declined (Catch), and an invalid one (Fail).

use std::sync::atomic::{AtomicU32, Ordering};

use asl_runtime::{TaskContext, TaskError};
use serde_json::{Value, json};

mod checkout {
    asl_macros::asl!("workflows/checkout.asl.json");
}

/// The shop's services. The gateway is unavailable for its first two calls.
#[derive(Default)]
struct Shop {
    gateway_calls: AtomicU32,
}

impl checkout::Tasks for Shop {
    async fn validate_order(
        &self,
        order: Value,
        _task: TaskContext<'_>,
    ) -> Result<Value, TaskError> {
        let lines = order["lines"]
            .as_array()
            .ok_or_else(|| TaskError::new("InvalidOrder", "no lines"))?;
        let total: f64 = lines
            .iter()
            .map(|line| {
                line["price"].as_f64().unwrap_or(0.0) * line["quantity"].as_f64().unwrap_or(0.0)
            })
            .sum();
        Ok(json!({ "valid": !lines.is_empty(), "total": total }))
    }

    async fn charge_card(&self, charge: Value, task: TaskContext<'_>) -> Result<Value, TaskError> {
        if self.gateway_calls.fetch_add(1, Ordering::SeqCst) < 2 {
            println!(
                "  charge attempt {}: gateway unavailable",
                task.retry_count() + 1
            );
            return Err(TaskError::new(
                "PaymentGatewayUnavailable",
                "503 from the gateway",
            ));
        }
        if charge["orderId"] == "o-declined" {
            return Err(TaskError::new("PaymentDeclined", "card expired"));
        }
        println!(
            "  charge attempt {}: charged {}",
            task.retry_count() + 1,
            charge["amount"]
        );
        Ok(
            json!({ "chargeId": format!("ch-{}", charge["idempotencyKey"].as_str().unwrap_or_default()) }),
        )
    }

    async fn ship_order(
        &self,
        shipment: Value,
        _task: TaskContext<'_>,
    ) -> Result<Value, TaskError> {
        Ok(json!({ "trackingNumber": "TRK-0001", "lines": shipment["lineCount"] }))
    }
}

#[tokio::main]
async fn main() {
    let machine = checkout::Machine::new(Shop::default());
    let orders = [
        json!({"orderId": "o-1", "slotDelaySeconds": 1, "lines": [{"sku": "A", "price": 10.0, "quantity": 2}]}),
        json!({"orderId": "o-declined", "slotDelaySeconds": 0, "lines": [{"sku": "B", "price": 5.0, "quantity": 1}]}),
        json!({"orderId": "o-empty", "slotDelaySeconds": 0, "lines": []}),
    ];
    for order in orders {
        println!("{}:", order["orderId"]);
        match machine.run(order).await {
            Ok(output) => println!("  succeeded: {output}"),
            Err(error) => println!("  failed: {error}"),
        }
    }
}
