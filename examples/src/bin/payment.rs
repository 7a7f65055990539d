//! Payments with Retry, Catch, timeouts and heartbeats, handled in Rust.
//!
//! `cargo run -p asl-examples --bin payment` runs five orders through
//! `examples/workflows/payment.asl.json` and prints when each charge attempt
//! started, so the retry schedule (2 s, 4 s, 8 s) is visible:
//!
//! - the gateway is unavailable twice, then the charge goes through;
//! - the gateway stays unavailable: three retries, then manual review;
//! - a slow charge (25 s) that keeps sending heartbeats succeeds;
//! - a charge that stalls without heartbeats times out after 10 s and is retried;
//! - a declined card is caught at once, without retries.
//!
//! The clock is tokio's paused clock, so the minutes of backoff take no time; pass
//! `--real-time` to wait them out.

use std::sync::Mutex;
use std::time::Duration;

use asl_runtime::{TaskContext, TaskError};
use serde_json::{Value, json};
use tokio::time::{Instant, sleep};

mod payment {
    asl_macros::asl!("workflows/payment.asl.json");
}

/// A simulated payment gateway; each test card behaves in its own way.
struct Gateway {
    /// When the current order's execution started.
    started: Mutex<Instant>,
}

impl Gateway {
    fn log(&self, task: &TaskContext<'_>, what: &str) {
        let at = self.started.lock().unwrap().elapsed().as_secs_f64();
        println!(
            "  t={at:>4.1} s  {} attempt {} ($$.State.RetryCount {}): {what}",
            task.state_name(),
            task.retry_count() + 1,
            task.retry_count()
        );
    }
}

impl payment::Tasks for Gateway {
    async fn charge_card(&self, charge: Value, task: TaskContext<'_>) -> Result<Value, TaskError> {
        let unavailable = || {
            Err(TaskError::new(
                "PaymentGatewayUnavailable",
                "503 Service Unavailable",
            ))
        };
        match charge["card"].as_str().unwrap_or_default() {
            "4242-flaky" if task.retry_count() < 2 => {
                self.log(&task, "gateway unavailable");
                return unavailable();
            }
            "4242-outage" => {
                self.log(&task, "gateway unavailable");
                return unavailable();
            }
            "4242-slow" => {
                self.log(&task, "waiting 25 s for 3-D Secure, beating every 5 s");
                for _ in 0..5 {
                    sleep(Duration::from_secs(5)).await;
                    task.heartbeat().beat();
                }
            }
            "4242-stalls" if task.retry_count() == 0 => {
                self.log(&task, "stalls without a heartbeat");
                // Dropped when HeartbeatSeconds (10 s) passes without a beat.
                std::future::pending::<()>().await;
            }
            "4000-declined" => {
                self.log(&task, "declined");
                return Err(TaskError::new("PaymentDeclined", "insufficient funds"));
            }
            _ => {}
        }
        self.log(&task, "charged");
        Ok(json!({ "chargeId": format!("ch_{}", charge["orderId"].as_str().unwrap_or_default()) }))
    }

    async fn open_review_ticket(
        &self,
        ticket: Value,
        task: TaskContext<'_>,
    ) -> Result<Value, TaskError> {
        self.log(&task, &format!("ticket for {}", ticket["error"]));
        Ok(json!({ "id": format!("REVIEW-{}", ticket["orderId"].as_str().unwrap_or_default()) }))
    }
}

fn main() {
    let real_time = std::env::args().any(|arg| arg == "--real-time");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(!real_time)
        .build()
        .expect("a tokio runtime");
    runtime.block_on(run());
}

async fn run() {
    let machine = payment::Machine::new(Gateway {
        started: Mutex::new(Instant::now()),
    });
    let cards = [
        "4242-flaky",
        "4242-outage",
        "4242-slow",
        "4242-stalls",
        "4000-declined",
    ];
    for (number, card) in cards.into_iter().enumerate() {
        let order = json!({"orderId": format!("o-{}", number + 1), "amount": 42.5, "card": card});
        println!("{card}:");
        *machine.tasks().started.lock().unwrap() = Instant::now();
        match machine.run(order).await {
            Ok(output) => println!("  succeeded: {output}"),
            Err(error) => println!("  failed: {error}"),
        }
    }
}
