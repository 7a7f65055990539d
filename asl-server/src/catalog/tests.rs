//! What every [`Catalog`] does, whatever database keeps its records: the checks of
//! this module run against each backend, through the `#[test]`s that
//! [`catalog_tests!`] defines in the backend's own tests.

use serde_json::json;

use super::*;

/// The state machine's ARN.
pub(super) const ARN: &str = "arn:aws:states:us-east-1:123456789012:stateMachine:m";

/// Where one test's records are kept, for as long as it lives.
pub(super) trait Storage {
    /// A new catalog over these records, as another process would open it.
    fn open(&self) -> Box<dyn Catalog>;
}

/// Defines one `#[test]` per check of this module, each on a [`Storage`] of its own
/// that `$storage(test name)` makes (`None`: the test is skipped).
macro_rules! catalog_tests {
    ($storage:path) => {
        $crate::catalog::tests::catalog_tests!(
            @checks $storage;
            records_survive_a_reopen,
            a_name_is_created_once,
            version_numbers_are_never_reused_and_a_revision_is_published_once,
            a_publish_guarded_by_another_revision_is_refused,
            a_version_an_alias_routes_to_stays,
            deleting_a_machine_deletes_its_versions_aliases_and_tags,
            tags_keep_their_order_and_their_limit,
            lists_sort_bytewise_and_page_after_a_cursor,
        );
    };
    (@checks $storage:path; $($check:ident),* $(,)?) => {
        $(
            #[test]
            fn $check() {
                if let Some(storage) = $storage(stringify!($check)) {
                    $crate::catalog::tests::$check(&storage);
                }
            }
        )*
    };
}
pub(super) use catalog_tests;

/// State machine `m` with `definition`.
pub(super) fn machine(definition: &str) -> StateMachine {
    StateMachine {
        arn: ARN.to_owned(),
        name: "m".to_owned(),
        machine_type: MachineType::Standard,
        revision: Revision {
            definition: definition.to_owned(),
            role_arn: "arn:aws:iam::123456789012:role/r".to_owned(),
            logging: json!({"level": "OFF", "includeExecutionData": false}),
            tracing: json!({"enabled": false}),
            encryption: None,
        },
        creation_date: Timestamp(1),
        update_date: Timestamp(1),
        revision_id: None,
    }
}

/// State machine `name`, with the definition of `m`.
pub(super) fn machine_named(name: &str) -> StateMachine {
    StateMachine {
        arn: format!("arn:aws:states:us-east-1:123456789012:stateMachine:{name}"),
        name: name.to_owned(),
        ..machine("{}")
    }
}

fn publish(id: &str) -> Publish {
    Publish {
        description: None,
        expected_revision: None,
        new_revision_id: id.to_owned(),
        date: Timestamp(2),
    }
}

fn alias(name: &str, versions: &[u32]) -> Alias {
    Alias {
        arn: format!("{ARN}:{name}"),
        machine_arn: ARN.to_owned(),
        name: name.to_owned(),
        description: None,
        routing: versions
            .iter()
            .map(|number| Route {
                version_arn: format!("{ARN}:{number}"),
                weight: u8::try_from(100 / versions.len()).unwrap(),
            })
            .collect(),
        creation_date: Timestamp(3),
        update_date: Timestamp(3),
    }
}

pub(super) fn records_survive_a_reopen(storage: &dyn Storage) {
    {
        let catalog = storage.open();
        let tags = [Tag {
            key: "team".into(),
            value: "a".into(),
        }];
        catalog
            .create_machine(&machine("{}"), &tags, Some(&publish("r1")))
            .unwrap();
    }
    let catalog = storage.open();
    let found = catalog.machine(ARN).unwrap().unwrap();
    assert_eq!(found.revision_id.as_deref(), Some("r1"));
    assert_eq!(found.revision, machine("{}").revision);
    assert_eq!(catalog.version(ARN, 1).unwrap().unwrap().revision_id, "r1");
    assert_eq!(catalog.tags(ARN).unwrap().len(), 1);
}

pub(super) fn a_name_is_created_once(storage: &dyn Storage) {
    let catalog = storage.open();
    catalog.create_machine(&machine("{}"), &[], None).unwrap();
    assert!(matches!(
        catalog.create_machine(&machine("{}"), &[], None),
        Err(CatalogError::Exists(_))
    ));
}

pub(super) fn version_numbers_are_never_reused_and_a_revision_is_published_once(
    storage: &dyn Storage,
) {
    let catalog = storage.open();
    catalog.create_machine(&machine("a"), &[], None).unwrap();
    let first = catalog.publish(ARN, &publish("r1")).unwrap();
    assert_eq!((first.version.number, first.created), (1, true));
    let again = catalog.publish(ARN, &publish("other")).unwrap();
    assert_eq!((again.version.number, again.created), (1, false));
    let mut updated = machine("b");
    updated.revision_id = Some("r2".into());
    catalog
        .update_machine(&updated, Some(&publish("unused")))
        .unwrap();
    catalog.delete_version(ARN, 2).unwrap();
    updated.revision_id = Some("r3".into());
    let third = catalog
        .update_machine(&updated, Some(&publish("unused")))
        .unwrap();
    assert_eq!(third.unwrap().number, 3);
    let page = Page {
        after: None,
        limit: 10,
    };
    let numbers: Vec<u32> = catalog
        .versions(ARN, page)
        .unwrap()
        .iter()
        .map(|version| version.number)
        .collect();
    assert_eq!(numbers, [3, 1]);
    let after = Page {
        after: Some("3"),
        limit: 10,
    };
    assert_eq!(catalog.versions(ARN, after).unwrap().len(), 1);
}

pub(super) fn a_publish_guarded_by_another_revision_is_refused(storage: &dyn Storage) {
    let catalog = storage.open();
    catalog.create_machine(&machine("a"), &[], None).unwrap();
    let mut guarded = publish("r1");
    guarded.expected_revision = Some("r0".into());
    assert!(matches!(
        catalog.publish(ARN, &guarded),
        Err(CatalogError::RevisionMismatch { current: None })
    ));
    guarded.expected_revision = Some("INITIAL".into());
    assert!(catalog.publish(ARN, &guarded).unwrap().created);
}

pub(super) fn a_version_an_alias_routes_to_stays(storage: &dyn Storage) {
    let catalog = storage.open();
    catalog
        .create_machine(&machine("a"), &[], Some(&publish("r1")))
        .unwrap();
    assert!(matches!(
        catalog.create_alias(&alias("prod", &[2])),
        Err(CatalogError::MissingVersion(_))
    ));
    catalog.create_alias(&alias("prod", &[1])).unwrap();
    assert!(matches!(
        catalog.delete_version(ARN, 1),
        Err(CatalogError::VersionInUse(aliases)) if aliases == [format!("{ARN}:prod")]
    ));
    catalog.delete_alias(&format!("{ARN}:prod")).unwrap();
    catalog.delete_version(ARN, 1).unwrap();
}

pub(super) fn deleting_a_machine_deletes_its_versions_aliases_and_tags(storage: &dyn Storage) {
    let catalog = storage.open();
    let tags = [Tag {
        key: "k".into(),
        value: "v".into(),
    }];
    catalog
        .create_machine(&machine("a"), &tags, Some(&publish("r1")))
        .unwrap();
    catalog.create_alias(&alias("prod", &[1])).unwrap();
    catalog.delete_machine(ARN).unwrap();
    assert!(catalog.machine(ARN).unwrap().is_none());
    assert!(catalog.version(ARN, 1).unwrap().is_none());
    assert!(catalog.aliases(ARN).unwrap().is_empty());
    assert!(catalog.tags(ARN).unwrap().is_empty());
    catalog.delete_machine(ARN).unwrap();
}

pub(super) fn tags_keep_their_order_and_their_limit(storage: &dyn Storage) {
    let catalog = storage.open();
    catalog.create_machine(&machine("a"), &[], None).unwrap();
    let tag = |key: &str, value: &str| Tag {
        key: key.into(),
        value: value.into(),
    };
    catalog.tag(ARN, &[tag("b", "1"), tag("a", "2")]).unwrap();
    catalog.tag(ARN, &[tag("b", "3")]).unwrap();
    assert_eq!(catalog.tags(ARN).unwrap(), [tag("b", "3"), tag("a", "2")]);
    let many: Vec<Tag> = (0..49).map(|n| tag(&format!("k{n}"), "")).collect();
    assert!(matches!(
        catalog.tag(ARN, &many),
        Err(CatalogError::TooManyTags)
    ));
    assert_eq!(
        catalog.tags(ARN).unwrap().len(),
        2,
        "nothing of a refused call is kept"
    );
    catalog.untag(ARN, &["b".into(), "none".into()]).unwrap();
    assert_eq!(catalog.tags(ARN).unwrap(), [tag("a", "2")]);
}

pub(super) fn lists_sort_bytewise_and_page_after_a_cursor(storage: &dyn Storage) {
    let catalog = storage.open();
    let names = ["b", "_", "a", "B"];
    for name in names {
        catalog
            .create_machine(&machine_named(name), &[], None)
            .unwrap();
        let activity = Activity {
            arn: format!("arn:aws:states:us-east-1:123456789012:activity:{name}"),
            name: name.to_owned(),
            encryption: None,
            creation_date: Timestamp(1),
        };
        catalog.create_activity(&activity, &[]).unwrap();
    }
    let first = Page {
        after: None,
        limit: 2,
    };
    let machines = catalog.machines(first).unwrap();
    let cursor = machines[1].cursor();
    let next = Page {
        after: Some(&cursor),
        limit: 10,
    };
    let names_of = |machines: Vec<StateMachine>| -> Vec<String> {
        machines.into_iter().map(|machine| machine.name).collect()
    };
    assert_eq!(names_of(machines), ["B", "_"]);
    assert_eq!(names_of(catalog.machines(next).unwrap()), ["a", "b"]);
    let activities = catalog.activities(first).unwrap();
    let cursor = activities[1].cursor();
    let next = Page {
        after: Some(&cursor),
        limit: 10,
    };
    let names: Vec<String> = catalog
        .activities(next)
        .unwrap()
        .into_iter()
        .chain(activities)
        .map(|activity| activity.name)
        .collect();
    assert_eq!(names, ["a", "b", "B", "_"]);
    assert!(matches!(
        catalog.versions(
            ARN,
            Page {
                after: Some("x"),
                limit: 1
            }
        ),
        Err(CatalogError::BadCursor(_))
    ));
}
