//! `States.UUID`.

use crate::intrinsics::uuid;

#[test]
fn uuid_is_a_lower_case_hyphenated_v4() {
    for _ in 0..100 {
        let value = uuid();
        let text = value.as_str().unwrap();
        assert_eq!(text.len(), 36);
        for (index, c) in text.char_indices() {
            if matches!(index, 8 | 13 | 18 | 23) {
                assert_eq!(c, '-', "{text}");
            } else {
                assert!(matches!(c, '0'..='9' | 'a'..='f'), "{text}");
            }
        }
        assert_eq!(&text[14..15], "4", "{text}");
        assert!(matches!(&text[19..20], "8" | "9" | "a" | "b"), "{text}");
    }
}

#[test]
fn uuids_differ() {
    assert_ne!(uuid(), uuid());
}
