use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::json;

use super::*;

/// An iteration that takes `input` seconds (of tokio time) and fails on negative
/// numbers, counting how many run at once.
async fn timed(
    input: Value,
    running: &AtomicUsize,
    peak: &AtomicUsize,
) -> Result<Value, ExecutionError> {
    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
    peak.fetch_max(now, Ordering::SeqCst);
    let seconds = input.as_i64().unwrap_or(0);
    tokio::time::sleep(Duration::from_secs(seconds.unsigned_abs())).await;
    running.fetch_sub(1, Ordering::SeqCst);
    if seconds < 0 {
        return Err(ExecutionError::new("Negative", format!("{seconds}")));
    }
    Ok(json!(seconds * 10))
}

#[tokio::test(start_paused = true)]
async fn outputs_keep_item_order_and_concurrency_stays_within_the_limit() {
    let (running, peak) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let inputs = [5, 1, 3, 2, 4, 1].map(|n| json!(n)).to_vec();
    let started = tokio::time::Instant::now();
    let outputs = Runner {
        max_concurrency: 2,
        tolerance: Tolerance::default(),
        keep_inputs: false,
        live: None,
    }
    .collect(inputs, |_, input| timed(input, &running, &peak))
    .await
    .unwrap();
    assert_eq!(outputs, [50, 10, 30, 20, 40, 10].map(|n| json!(n)));
    assert_eq!(peak.load(Ordering::SeqCst), 2);
    // Two lanes, each taking the next item when it frees up: 5 then 4 (0-9 s), and
    // 1, 3, 2, 1 (0-7 s).
    assert_eq!(started.elapsed(), Duration::from_secs(9));
}

#[tokio::test(start_paused = true)]
async fn zero_means_all_at_once() {
    let (running, peak) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let inputs = vec![json!(1); 50];
    Runner {
        max_concurrency: 0,
        tolerance: Tolerance::default(),
        keep_inputs: false,
        live: None,
    }
    .collect(inputs, |_, input| timed(input, &running, &peak))
    .await
    .unwrap();
    assert_eq!(peak.load(Ordering::SeqCst), 50);
    let runner = Runner {
        max_concurrency: 0,
        tolerance: Tolerance::default(),
        keep_inputs: false,
        live: None,
    };
    let empty = runner.collect(Vec::new(), |_, input| timed(input, &running, &peak));
    assert_eq!(empty.await, Ok(Vec::new()));
}

#[tokio::test(start_paused = true)]
async fn the_first_failure_fails_the_map_and_cancels_the_rest() {
    let (running, peak) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let inputs = [10, -2, 30].map(|n| json!(n)).to_vec();
    let started = tokio::time::Instant::now();
    let error = Runner {
        max_concurrency: 0,
        tolerance: Tolerance::default(),
        keep_inputs: false,
        live: None,
    }
    .collect(inputs, |_, input| timed(input, &running, &peak))
    .await
    .unwrap_err();
    assert_eq!(error, ExecutionError::new("Negative", "-2"));
    assert_eq!(started.elapsed(), Duration::from_secs(2));
    // The two others were dropped mid-sleep and never finished.
    assert_eq!(running.load(Ordering::SeqCst), 2);
}

#[tokio::test(start_paused = true)]
async fn tolerated_failures_leave_their_error_output() {
    let (running, peak) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let inputs = [1, -1, 2, -3].map(|n| json!(n)).to_vec();
    let tolerance = Tolerance {
        count: Some(2),
        percentage: None,
    };
    let outputs = Runner {
        max_concurrency: 0,
        tolerance,
        keep_inputs: false,
        live: None,
    }
    .collect(inputs.clone(), |_, input| timed(input, &running, &peak))
    .await
    .unwrap();
    assert_eq!(
        outputs,
        [
            json!(10),
            json!({"Error": "Negative", "Cause": "-1"}),
            json!(20),
            json!({"Error": "Negative", "Cause": "-3"}),
        ]
    );
    let tolerance = Tolerance {
        count: Some(1),
        percentage: None,
    };
    let error = Runner {
        max_concurrency: 0,
        tolerance,
        keep_inputs: false,
        live: None,
    }
    .collect(inputs.clone(), |_, input| timed(input, &running, &peak))
    .await
    .unwrap_err();
    assert_eq!(error.name(), "States.ExceedToleratedFailureThreshold");
    // 2 of 4 is 50%: over 49%, within 50%.
    for (percentage, fails) in [(49.0, true), (50.0, false)] {
        let tolerance = Tolerance {
            count: None,
            percentage: Some(percentage),
        };
        let outcome = Runner {
            max_concurrency: 0,
            tolerance,
            keep_inputs: false,
            live: None,
        }
        .collect(inputs.clone(), |_, input| timed(input, &running, &peak))
        .await;
        assert_eq!(outcome.is_err(), fails, "{percentage}%");
    }
}

#[test]
fn path_values_are_checked_with_aws_causes() {
    assert_eq!(
        items(json!([1, 2]), "$.items"),
        Ok(vec![json!(1), json!(2)])
    );
    assert_eq!(
        items(json!("a"), "$.items").unwrap_err().cause_text(),
        r#"The ItemsPath field refers to value "a" which is not a valid array: $.items"#
    );
    assert_eq!(count_from(&json!(3), "MaxConcurrencyPath", "$.m"), Ok(3));
    assert_eq!(
        count_from(
            &json!("NoNumber"),
            "MaxConcurrencyPath",
            "$.MaxConcurrencyValue"
        )
        .unwrap_err()
        .cause_text(),
        r#"The MaxConcurrencyPath field refers to value "NoNumber" which is not a valid integer: $.MaxConcurrencyValue"#
    );
    assert_eq!(
        tolerated_count_from(&json!(-1), "$.c")
            .unwrap_err()
            .cause_text(),
        "ToleratedFailureCount cannot be negative."
    );
    assert_eq!(
        tolerated_count_from(&json!({}), "$.ToleratedFailureCount")
            .unwrap_err()
            .cause_text(),
        r#"The ToleratedFailureCountPath field refers to value "{}" which is not a valid integer: $.ToleratedFailureCount"#
    );
    assert_eq!(tolerated_percentage_from(&json!(12.5), "$.p"), Ok(12.5));
    assert_eq!(
        tolerated_percentage_from(&json!(100.1), "$.p")
            .unwrap_err()
            .cause_text(),
        "ToleratedFailurePercentage must be between 0 and 100."
    );
    assert_eq!(
        tolerated_percentage_from(&json!("NoNumber"), "$.ToleratedFailurePercentage")
            .unwrap_err()
            .cause_text(),
        r#"The ToleratedFailurePercentagePath field refers to value "NoNumber" which is not a valid float: $.ToleratedFailurePercentage"#
    );
}

#[test]
fn object_items_are_its_member_values_with_their_keys() {
    let object = json!({"b": 2, "a": 1});
    assert_eq!(
        item_keys(&object),
        Some(vec!["b".to_owned(), "a".to_owned()])
    );
    assert_eq!(items(object, "$.o"), Ok(vec![json!(2), json!(1)]));
    assert_eq!(item_keys(&json!([1])), None);
    let keys = ["b".to_owned()];
    assert_eq!(
        item_key(Some(&keys), 0, "$$.Map.Item.Key", "k.$"),
        Ok(json!("b"))
    );
    assert_eq!(
        item_key(None, 0, "$$.Map.Item.Key", "k.$")
            .unwrap_err()
            .name(),
        "States.Runtime"
    );
}

/// A governed run's record, with `max_concurrency` and no tolerance.
fn record(arn: &str, max_concurrency: u64) -> progress::Record {
    progress::Record {
        map_run_arn: arn.to_owned(),
        execution_arn: "execution".to_owned(),
        state_machine_arn: "machine/Each".to_owned(),
        status: progress::Status::Running,
        start_ms: 0,
        stop_ms: None,
        max_concurrency,
        tolerated_failure_percentage: 0.0,
        tolerated_failure_count: 0,
        item_counts: progress::Counts::default(),
        execution_counts: progress::Counts::default(),
    }
}

#[tokio::test(start_paused = true)]
async fn update_map_run_widens_a_running_map_and_refuses_an_ended_one() {
    let arn = "arn:test:mapRun:widens";
    let live = progress::Progress::start(record(arn, 1), Tolerance::default(), false, None);
    let runner = Runner {
        max_concurrency: 1,
        tolerance: Tolerance::default(),
        keep_inputs: false,
        live: Some(Arc::clone(&live)),
    };
    let (running, peak) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let started = tokio::time::Instant::now();
    let inputs = vec![json!(10); 4];
    let map = runner.collect(inputs, |_, input| timed(input, &running, &peak));
    let widen = async {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let update = progress::Update {
            max_concurrency: Some(4),
            ..progress::Update::default()
        };
        assert_eq!(progress::update(arn, update), Ok(()));
    };
    let (outputs, ()) = tokio::join!(map, widen);
    assert_eq!(outputs.unwrap(), vec![json!(100); 4]);
    assert_eq!(peak.load(Ordering::SeqCst), 4);
    // The first from 0 s, the other three from 1 s, when the update came.
    assert_eq!(started.elapsed(), Duration::from_secs(11));
    live.end(&Ok::<(), ExecutionError>(()));
    assert_eq!(
        progress::update(arn, progress::Update::default()),
        Err(progress::Refused::Ended)
    );
    drop((runner, live));
    assert_eq!(
        progress::update(arn, progress::Update::default()),
        Err(progress::Refused::Unknown)
    );
}

#[tokio::test(start_paused = true)]
async fn a_tolerance_set_by_update_map_run_applies_to_the_next_failure() {
    let arn = "arn:test:mapRun:tolerates";
    let live = progress::Progress::start(record(arn, 1), Tolerance::default(), false, None);
    let update = progress::Update {
        tolerated_failure_count: Some(1),
        ..progress::Update::default()
    };
    assert_eq!(progress::update(arn, update), Ok(()));
    let (running, peak) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let outputs = Runner {
        max_concurrency: 1,
        tolerance: Tolerance::default(),
        keep_inputs: false,
        live: Some(live),
    }
    .collect(vec![json!(1), json!(-1), json!(2)], |_, input| {
        timed(input, &running, &peak)
    })
    .await
    .unwrap();
    assert_eq!(outputs[2], json!(20));
}
