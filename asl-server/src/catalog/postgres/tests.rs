//! The PostgreSQL catalog passes the checks every catalog passes, each in a schema of
//! its own of the server `ASL_TEST_POSTGRES` names (skipped without it), and several
//! processes share it.

use std::sync::{Arc, Barrier};

use asl_store_postgres::testing::TestDatabase;

use super::PostgresCatalog;
use crate::catalog::tests::{self, Storage as _, catalog_tests};
use crate::catalog::{Catalog, CatalogError, Publish};
use crate::time::Timestamp;

/// A schema holding one test's tables.
struct Storage(TestDatabase);

impl tests::Storage for Storage {
    fn open(&self) -> Box<dyn Catalog> {
        Box::new(PostgresCatalog::new(Arc::new(self.0.open())))
    }
}

fn storage(test: &str) -> Option<Storage> {
    TestDatabase::create(test).map(Storage)
}

catalog_tests!(storage);

/// What `call` returns on each of `processes` when they make it at once.
fn race<T: Send>(
    processes: &[Box<dyn Catalog>],
    call: impl Fn(&dyn Catalog) -> T + Sync,
) -> Vec<T> {
    let start = Barrier::new(processes.len());
    std::thread::scope(|scope| {
        let racers: Vec<_> = processes
            .iter()
            .map(|catalog| {
                scope.spawn(|| {
                    start.wait();
                    call(catalog.as_ref())
                })
            })
            .collect();
        racers
            .into_iter()
            .map(|racer| racer.join().unwrap())
            .collect()
    })
}

#[test]
fn two_processes_share_one_catalog() {
    let Some(storage) = storage("two_processes_share_one_catalog") else {
        return;
    };
    let processes = [storage.open(), storage.open()];
    processes[0]
        .create_machine(&tests::machine("{}"), &[], None)
        .unwrap();
    assert_eq!(
        processes[1].machine(tests::ARN).unwrap(),
        Some(tests::machine("{}"))
    );
    for round in 0..20 {
        let machine = tests::machine_named(&format!("race{round}"));
        let outcomes = race(&processes, |catalog| {
            catalog.create_machine(&machine, &[], None)
        });
        let created = outcomes.iter().filter(|outcome| outcome.is_ok()).count();
        let refused = outcomes
            .iter()
            .filter(
                |outcome| matches!(outcome, Err(CatalogError::Exists(arn)) if *arn == machine.arn),
            )
            .count();
        assert_eq!((created, refused), (1, 1), "round {round}: {outcomes:?}");
        let outcomes = race(&processes, |catalog| {
            let publish = Publish {
                description: None,
                expected_revision: None,
                new_revision_id: format!("{:?}", std::thread::current().id()),
                date: Timestamp(2),
            };
            catalog.publish(&machine.arn, &publish).unwrap()
        });
        let created = outcomes.iter().filter(|outcome| outcome.created).count();
        let numbers: Vec<u32> = outcomes
            .iter()
            .map(|outcome| outcome.version.number)
            .collect();
        assert_eq!(
            (created, numbers),
            (1, vec![1, 1]),
            "round {round}: a revision is published once"
        );
    }
}
