//! The SQLite catalog keeps its invariants and its records across a reopen: the
//! checks every catalog passes, on a file of its own each.

use super::SqliteCatalog;
use crate::catalog::Catalog;
use crate::catalog::tests::{self, catalog_tests};

/// A directory holding one test's `catalog.db`.
struct Storage(tempfile::TempDir);

impl tests::Storage for Storage {
    fn open(&self) -> Box<dyn Catalog> {
        Box::new(SqliteCatalog::open(self.0.path().join("catalog.db")).unwrap())
    }
}

fn storage(_test: &str) -> Option<Storage> {
    Some(Storage(tempfile::tempdir().unwrap()))
}

catalog_tests!(storage);
