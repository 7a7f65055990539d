//! Every intrinsic call in the conformance corpus (`shared/conformance/cases`), with the
//! arguments the recorded execution passed and the result AWS recorded. Each test is
//! named after its case and documented with the case's full name; paths in the
//! definitions are already resolved against the case input.

use serde_json::json;

use crate::intrinsics::*;

/// `assign__test_assign_base.TestAssignBase.test_base_cases_BASE_PATHS_.get_execution_history`
#[test]
fn test_base_cases_base_paths() {
    // Assigned to a variable that the recorded output does not show; AWS succeeded.
    assert_eq!(
        format(&json!("Format Func {}"), &[&json!("input_value_literal")]).unwrap(),
        json!("Format Func input_value_literal")
    );
}

/// `base__test_base.TestSnfBase.test_state_fail_intrinsic.get_execution_history`
#[test]
fn test_state_fail_intrinsic() {
    assert_eq!(
        format(&json!("{}"), &[&json!("error string")]).unwrap(),
        json!("error string")
    );
    assert_eq!(
        format(
            &json!("This is a custom error message for {}, caused by {}."),
            &[&json!("error string"), &json!("cause string")]
        )
        .unwrap(),
        json!("This is a custom error message for error string, caused by cause string.")
    );
}

/// `intrinsic_functions__test_array.TestArray.test_array_0.exec_hist_resp_0`
#[test]
fn test_array_0_0() {
    assert_eq!(array(vec![]), json!([]));
}

/// `intrinsic_functions__test_array.TestArray.test_array_2.exec_hist_resp_0`
#[test]
fn test_array_2_0() {
    assert_eq!(array(vec![json!(""), json!("")]), json!(["", ""]));
}

/// `intrinsic_functions__test_array.TestArray.test_array_2.exec_hist_resp_1`
#[test]
fn test_array_2_1() {
    assert_eq!(array(vec![json!(" "), json!(" ")]), json!([" ", " "]));
}

/// `intrinsic_functions__test_array.TestArray.test_array_2.exec_hist_resp_2`
#[test]
fn test_array_2_2() {
    assert_eq!(
        array(vec![json!("HelloWorld"), json!("HelloWorld")]),
        json!(["HelloWorld", "HelloWorld"])
    );
}

/// `intrinsic_functions__test_array.TestArray.test_array_2.exec_hist_resp_3`
#[test]
fn test_array_2_3() {
    assert_eq!(array(vec![json!(null), json!(null)]), json!([null, null]));
}

/// `intrinsic_functions__test_array.TestArray.test_array_2.exec_hist_resp_4`
#[test]
fn test_array_2_4() {
    assert_eq!(array(vec![json!(1), json!(1)]), json!([1, 1]));
}

/// `intrinsic_functions__test_array.TestArray.test_array_2.exec_hist_resp_5`
#[test]
fn test_array_2_5() {
    assert_eq!(array(vec![json!(1.1), json!(1.1)]), json!([1.1, 1.1]));
}

/// `intrinsic_functions__test_array.TestArray.test_array_2.exec_hist_resp_6`
#[test]
fn test_array_2_6() {
    assert_eq!(
        array(vec![
            json!("{\"Arg1\": 1, \"Arg2\": []}"),
            json!("{\"Arg1\": 1, \"Arg2\": []}")
        ]),
        json!(["{\"Arg1\": 1, \"Arg2\": []}", "{\"Arg1\": 1, \"Arg2\": []}"])
    );
}

/// `intrinsic_functions__test_array.TestArray.test_array_2.exec_hist_resp_7`
#[test]
fn test_array_2_7() {
    assert_eq!(
        array(vec![
            json!({"Arg1": 1, "Arg2": []}),
            json!({"Arg1": 1, "Arg2": []})
        ]),
        json!([{"Arg1": 1, "Arg2": []}, {"Arg1": 1, "Arg2": []}])
    );
}

/// `intrinsic_functions__test_array.TestArray.test_array_contains.exec_hist_resp_0`
#[test]
fn test_array_contains_0() {
    assert_eq!(
        array_contains(&json!([]), &json!(null)).unwrap(),
        json!(false)
    );
}

/// `intrinsic_functions__test_array.TestArray.test_array_contains.exec_hist_resp_1`
#[test]
fn test_array_contains_1() {
    assert_eq!(
        array_contains(&json!([]), &json!([])).unwrap(),
        json!(false)
    );
}

/// `intrinsic_functions__test_array.TestArray.test_array_contains.exec_hist_resp_2`
#[test]
fn test_array_contains_2() {
    assert_eq!(array_contains(&json!([]), &json!(1)).unwrap(), json!(false));
}

/// `intrinsic_functions__test_array.TestArray.test_array_contains.exec_hist_resp_3`
#[test]
fn test_array_contains_3() {
    assert_eq!(
        array_contains(&json!([[1, 2, 3], 2]), &json!(null)).unwrap(),
        json!(false)
    );
}

/// `intrinsic_functions__test_array.TestArray.test_array_contains.exec_hist_resp_4`
#[test]
fn test_array_contains_4() {
    assert_eq!(
        array_contains(&json!([[1, 2, 3], 2]), &json!([1, 2, 3])).unwrap(),
        json!(true)
    );
}

/// `intrinsic_functions__test_array.TestArray.test_array_contains.exec_hist_resp_5`
#[test]
fn test_array_contains_5() {
    assert_eq!(
        array_contains(&json!([{"1": 2, "2": []}]), &json!([])).unwrap(),
        json!(false)
    );
}

/// `intrinsic_functions__test_array.TestArray.test_array_contains.exec_hist_resp_6`
#[test]
fn test_array_contains_6() {
    assert_eq!(
        array_contains(&json!([{"1": 2, "2": []}]), &json!({"1": 2, "2": []})).unwrap(),
        json!(true)
    );
}

/// `intrinsic_functions__test_array.TestArray.test_array_contains.exec_hist_resp_7`
#[test]
fn test_array_contains_7() {
    assert_eq!(
        array_contains(&json!([true, false]), &json!(true)).unwrap(),
        json!(true)
    );
}

/// `intrinsic_functions__test_array.TestArray.test_array_contains.exec_hist_resp_8`
#[test]
fn test_array_contains_8() {
    assert_eq!(
        array_contains(&json!([true, false]), &json!(false)).unwrap(),
        json!(true)
    );
}

/// `intrinsic_functions__test_array.TestArray.test_array_get_item.exec_hist_resp_0`
#[test]
fn test_array_get_item_0() {
    assert_eq!(
        array_get_item(&json!([1, 2, 3, 4, 5, 6, 7, 8, 9]), &json!(5)).unwrap(),
        json!(6)
    );
}

/// `intrinsic_functions__test_array.TestArray.test_array_length.exec_hist_resp_0`
#[test]
fn test_array_length_0() {
    assert_eq!(
        array_length(&json!([1, 2, 3, 4, 5, 6, 7, 8, 9])).unwrap(),
        json!(9)
    );
}

/// `intrinsic_functions__test_array.TestArray.test_array_partition.exec_hist_resp_0`
#[test]
fn test_array_partition_0() {
    assert_eq!(array_partition(&json!([]), &json!(1)).unwrap(), json!([]));
}

/// `intrinsic_functions__test_array.TestArray.test_array_partition.exec_hist_resp_1`
#[test]
fn test_array_partition_1() {
    assert_eq!(array_partition(&json!([]), &json!(2)).unwrap(), json!([]));
}

/// `intrinsic_functions__test_array.TestArray.test_array_partition.exec_hist_resp_10`
#[test]
fn test_array_partition_10() {
    assert_eq!(
        array_partition(&json!([0, 1]), &json!(1)).unwrap(),
        json!([[0], [1]])
    );
}

/// `intrinsic_functions__test_array.TestArray.test_array_partition.exec_hist_resp_11`
#[test]
fn test_array_partition_11() {
    assert_eq!(
        array_partition(&json!([0, 1]), &json!(2)).unwrap(),
        json!([[0, 1]])
    );
}

/// `intrinsic_functions__test_array.TestArray.test_array_partition.exec_hist_resp_12`
#[test]
fn test_array_partition_12() {
    assert_eq!(
        array_partition(&json!([0, 1]), &json!(3)).unwrap(),
        json!([[0, 1]])
    );
}

/// `intrinsic_functions__test_array.TestArray.test_array_partition.exec_hist_resp_13`
#[test]
fn test_array_partition_13() {
    assert_eq!(
        array_partition(&json!([0, 1]), &json!(4)).unwrap(),
        json!([[0, 1]])
    );
}

/// `intrinsic_functions__test_array.TestArray.test_array_partition.exec_hist_resp_14`
#[test]
fn test_array_partition_14() {
    assert_eq!(
        array_partition(&json!([0, 1]), &json!(5)).unwrap(),
        json!([[0, 1]])
    );
}

/// `intrinsic_functions__test_array.TestArray.test_array_partition.exec_hist_resp_15`
#[test]
fn test_array_partition_15() {
    assert_eq!(
        array_partition(&json!([0, 1, 2]), &json!(1)).unwrap(),
        json!([[0], [1], [2]])
    );
}

/// `intrinsic_functions__test_array.TestArray.test_array_partition.exec_hist_resp_16`
#[test]
fn test_array_partition_16() {
    assert_eq!(
        array_partition(&json!([0, 1, 2]), &json!(2)).unwrap(),
        json!([[0, 1], [2]])
    );
}

/// `intrinsic_functions__test_array.TestArray.test_array_partition.exec_hist_resp_17`
#[test]
fn test_array_partition_17() {
    assert_eq!(
        array_partition(&json!([0, 1, 2]), &json!(3)).unwrap(),
        json!([[0, 1, 2]])
    );
}

/// `intrinsic_functions__test_array.TestArray.test_array_partition.exec_hist_resp_18`
#[test]
fn test_array_partition_18() {
    assert_eq!(
        array_partition(&json!([0, 1, 2]), &json!(4)).unwrap(),
        json!([[0, 1, 2]])
    );
}

/// `intrinsic_functions__test_array.TestArray.test_array_partition.exec_hist_resp_19`
#[test]
fn test_array_partition_19() {
    assert_eq!(
        array_partition(&json!([0, 1, 2]), &json!(5)).unwrap(),
        json!([[0, 1, 2]])
    );
}

/// `intrinsic_functions__test_array.TestArray.test_array_partition.exec_hist_resp_2`
#[test]
fn test_array_partition_2() {
    assert_eq!(array_partition(&json!([]), &json!(3)).unwrap(), json!([]));
}

/// `intrinsic_functions__test_array.TestArray.test_array_partition.exec_hist_resp_20`
#[test]
fn test_array_partition_20() {
    assert_eq!(
        array_partition(&json!([0, 1, 2, 3]), &json!(1)).unwrap(),
        json!([[0], [1], [2], [3]])
    );
}

/// `intrinsic_functions__test_array.TestArray.test_array_partition.exec_hist_resp_21`
#[test]
fn test_array_partition_21() {
    assert_eq!(
        array_partition(&json!([0, 1, 2, 3]), &json!(2)).unwrap(),
        json!([[0, 1], [2, 3]])
    );
}

/// `intrinsic_functions__test_array.TestArray.test_array_partition.exec_hist_resp_22`
#[test]
fn test_array_partition_22() {
    assert_eq!(
        array_partition(&json!([0, 1, 2, 3]), &json!(3)).unwrap(),
        json!([[0, 1, 2], [3]])
    );
}

/// `intrinsic_functions__test_array.TestArray.test_array_partition.exec_hist_resp_23`
#[test]
fn test_array_partition_23() {
    assert_eq!(
        array_partition(&json!([0, 1, 2, 3]), &json!(4)).unwrap(),
        json!([[0, 1, 2, 3]])
    );
}

/// `intrinsic_functions__test_array.TestArray.test_array_partition.exec_hist_resp_24`
#[test]
fn test_array_partition_24() {
    assert_eq!(
        array_partition(&json!([0, 1, 2, 3]), &json!(5)).unwrap(),
        json!([[0, 1, 2, 3]])
    );
}

/// `intrinsic_functions__test_array.TestArray.test_array_partition.exec_hist_resp_3`
#[test]
fn test_array_partition_3() {
    assert_eq!(array_partition(&json!([]), &json!(4)).unwrap(), json!([]));
}

/// `intrinsic_functions__test_array.TestArray.test_array_partition.exec_hist_resp_4`
#[test]
fn test_array_partition_4() {
    assert_eq!(array_partition(&json!([]), &json!(5)).unwrap(), json!([]));
}

/// `intrinsic_functions__test_array.TestArray.test_array_partition.exec_hist_resp_5`
#[test]
fn test_array_partition_5() {
    assert_eq!(
        array_partition(&json!([0]), &json!(1)).unwrap(),
        json!([[0]])
    );
}

/// `intrinsic_functions__test_array.TestArray.test_array_partition.exec_hist_resp_6`
#[test]
fn test_array_partition_6() {
    assert_eq!(
        array_partition(&json!([0]), &json!(2)).unwrap(),
        json!([[0]])
    );
}

/// `intrinsic_functions__test_array.TestArray.test_array_partition.exec_hist_resp_7`
#[test]
fn test_array_partition_7() {
    assert_eq!(
        array_partition(&json!([0]), &json!(3)).unwrap(),
        json!([[0]])
    );
}

/// `intrinsic_functions__test_array.TestArray.test_array_partition.exec_hist_resp_8`
#[test]
fn test_array_partition_8() {
    assert_eq!(
        array_partition(&json!([0]), &json!(4)).unwrap(),
        json!([[0]])
    );
}

/// `intrinsic_functions__test_array.TestArray.test_array_partition.exec_hist_resp_9`
#[test]
fn test_array_partition_9() {
    assert_eq!(
        array_partition(&json!([0]), &json!(5)).unwrap(),
        json!([[0]])
    );
}

/// `intrinsic_functions__test_array.TestArray.test_array_range.exec_hist_resp_0`
#[test]
fn test_array_range_0() {
    assert_eq!(
        array_range(&json!(0), &json!(9), &json!(3)).unwrap(),
        json!([0, 3, 6, 9])
    );
}

/// `intrinsic_functions__test_array.TestArray.test_array_range.exec_hist_resp_1`
#[test]
fn test_array_range_1() {
    assert_eq!(
        array_range(&json!(0), &json!(10), &json!(3)).unwrap(),
        json!([0, 3, 6, 9])
    );
}

/// `intrinsic_functions__test_array.TestArray.test_array_range.exec_hist_resp_2`
#[test]
fn test_array_range_2() {
    assert_eq!(
        array_range(&json!(1), &json!(9), &json!(9)).unwrap(),
        json!([1])
    );
}

/// `intrinsic_functions__test_array.TestArray.test_array_range.exec_hist_resp_3`
#[test]
fn test_array_range_3() {
    assert_eq!(
        array_range(&json!(1), &json!(9), &json!(2)).unwrap(),
        json!([1, 3, 5, 7, 9])
    );
}

/// `intrinsic_functions__test_array.TestArray.test_array_unique.exec_hist_resp_0`
#[test]
fn test_array_unique_0() {
    assert_eq!(
        array_length(&json!([null, null, true, true, false, false, 1, 1, 1.1, 0, 0, "HelloWorld", "HelloWorld", [], [], [null], [null], {"a": 1, "b": 2}, {"a": 1, "b": 2}, {"a": 1, "b": 1}])).unwrap(),
        json!(20)
    );
}

/// `intrinsic_functions__test_encode_decode.TestEncodeDecode.test_base_64_decode.exec_hist_resp_0`
#[test]
fn test_base_64_decode_0() {
    assert_eq!(base64_decode(&json!("")).unwrap(), json!(""));
}

/// `intrinsic_functions__test_encode_decode.TestEncodeDecode.test_base_64_decode.exec_hist_resp_1`
#[test]
fn test_base_64_decode_1() {
    assert_eq!(
        base64_decode(&json!("RGF0YSB0byBlbmNvZGU=")).unwrap(),
        json!("Data to encode")
    );
}

/// `intrinsic_functions__test_encode_decode.TestEncodeDecode.test_base_64_encode.exec_hist_resp_0`
#[test]
fn test_base_64_encode_0() {
    assert_eq!(base64_encode(&json!("")).unwrap(), json!(""));
}

/// `intrinsic_functions__test_encode_decode.TestEncodeDecode.test_base_64_encode.exec_hist_resp_1`
#[test]
fn test_base_64_encode_1() {
    assert_eq!(
        base64_encode(&json!("Data to encode")).unwrap(),
        json!("RGF0YSB0byBlbmNvZGU=")
    );
}

/// `intrinsic_functions__test_generic.TestGeneric.test_escape_sequence.exec_hist_resp_0`
#[test]
fn test_escape_sequence_0() {
    assert_eq!(
        string_split(&json!("Hello\nWorld"), &json!("\n")).unwrap(),
        json!(["Hello", "World"])
    );
}

/// `intrinsic_functions__test_generic.TestGeneric.test_format_1.exec_hist_resp_0`
#[test]
fn test_format_1_0() {
    assert_eq!(
        format(&json!("Formatting argument {}."), &[&json!("")]).unwrap(),
        json!("Formatting argument .")
    );
}

/// `intrinsic_functions__test_generic.TestGeneric.test_format_1.exec_hist_resp_1`
#[test]
fn test_format_1_1() {
    assert_eq!(
        format(&json!("Formatting argument {}."), &[&json!(" ")]).unwrap(),
        json!("Formatting argument  .")
    );
}

/// `intrinsic_functions__test_generic.TestGeneric.test_format_1.exec_hist_resp_2`
#[test]
fn test_format_1_2() {
    assert_eq!(
        format(&json!("Formatting argument {}."), &[&json!("HelloWorld")]).unwrap(),
        json!("Formatting argument HelloWorld.")
    );
}

/// `intrinsic_functions__test_generic.TestGeneric.test_format_1.exec_hist_resp_3`
#[test]
fn test_format_1_3() {
    assert_eq!(
        format(&json!("Formatting argument {}."), &[&json!(null)]).unwrap(),
        json!("Formatting argument null.")
    );
}

/// `intrinsic_functions__test_generic.TestGeneric.test_format_1.exec_hist_resp_4`
#[test]
fn test_format_1_4() {
    assert_eq!(
        format(&json!("Formatting argument {}."), &[&json!(1)]).unwrap(),
        json!("Formatting argument 1.")
    );
}

/// `intrinsic_functions__test_generic.TestGeneric.test_format_1.exec_hist_resp_5`
#[test]
fn test_format_1_5() {
    assert_eq!(
        format(&json!("Formatting argument {}."), &[&json!(1.1)]).unwrap(),
        json!("Formatting argument 1.1.")
    );
}

/// `intrinsic_functions__test_generic.TestGeneric.test_format_1.exec_hist_resp_6`
#[test]
fn test_format_1_6() {
    assert_eq!(
        format(
            &json!("Formatting argument {}."),
            &[&json!("{\"Arg1\": 1, \"Arg2\": []}")]
        )
        .unwrap(),
        json!("Formatting argument {\"Arg1\": 1, \"Arg2\": []}.")
    );
}

/// `intrinsic_functions__test_generic.TestGeneric.test_format_2.exec_hist_resp_0`
#[test]
fn test_format_2_0() {
    assert_eq!(
        format(
            &json!("Formatting arguments fst={} and snd={}."),
            &[&json!(""), &json!("")]
        )
        .unwrap(),
        json!("Formatting arguments fst= and snd=.")
    );
}

/// `intrinsic_functions__test_generic.TestGeneric.test_format_2.exec_hist_resp_1`
#[test]
fn test_format_2_1() {
    assert_eq!(
        format(
            &json!("Formatting arguments fst={} and snd={}."),
            &[&json!(" "), &json!(" ")]
        )
        .unwrap(),
        json!("Formatting arguments fst=  and snd= .")
    );
}

/// `intrinsic_functions__test_generic.TestGeneric.test_format_2.exec_hist_resp_2`
#[test]
fn test_format_2_2() {
    assert_eq!(
        format(
            &json!("Formatting arguments fst={} and snd={}."),
            &[&json!("HelloWorld"), &json!("HelloWorld")]
        )
        .unwrap(),
        json!("Formatting arguments fst=HelloWorld and snd=HelloWorld.")
    );
}

/// `intrinsic_functions__test_generic.TestGeneric.test_format_2.exec_hist_resp_3`
#[test]
fn test_format_2_3() {
    assert_eq!(
        format(
            &json!("Formatting arguments fst={} and snd={}."),
            &[&json!(null), &json!(null)]
        )
        .unwrap(),
        json!("Formatting arguments fst=null and snd=null.")
    );
}

/// `intrinsic_functions__test_generic.TestGeneric.test_format_2.exec_hist_resp_4`
#[test]
fn test_format_2_4() {
    assert_eq!(
        format(
            &json!("Formatting arguments fst={} and snd={}."),
            &[&json!(1), &json!(1)]
        )
        .unwrap(),
        json!("Formatting arguments fst=1 and snd=1.")
    );
}

/// `intrinsic_functions__test_generic.TestGeneric.test_format_2.exec_hist_resp_5`
#[test]
fn test_format_2_5() {
    assert_eq!(
        format(
            &json!("Formatting arguments fst={} and snd={}."),
            &[&json!(1.1), &json!(1.1)]
        )
        .unwrap(),
        json!("Formatting arguments fst=1.1 and snd=1.1.")
    );
}

/// `intrinsic_functions__test_generic.TestGeneric.test_format_2.exec_hist_resp_6`
#[test]
fn test_format_2_6() {
    assert_eq!(
        format(
            &json!("Formatting arguments fst={} and snd={}."),
            &[
                &json!("{\"Arg1\": 1, \"Arg2\": []}"),
                &json!("{\"Arg1\": 1, \"Arg2\": []}")
            ]
        )
        .unwrap(),
        json!(
            "Formatting arguments fst={\"Arg1\": 1, \"Arg2\": []} and snd={\"Arg1\": 1, \"Arg2\": []}."
        )
    );
}

/// `intrinsic_functions__test_generic.TestGeneric.test_format_2.exec_hist_resp_7`
#[test]
fn test_format_2_7() {
    assert_eq!(
        format(
            &json!("Formatting arguments fst={} and snd={}."),
            &[
                &json!({"Arg1": 1, "Arg2": []}),
                &json!({"Arg1": 1, "Arg2": []})
            ]
        )
        .unwrap(),
        json!("Formatting arguments fst={Arg1=1, Arg2=[]} and snd={Arg1=1, Arg2=[]}.")
    );
}

/// `intrinsic_functions__test_hash_calculations.TestHashCalculations.test_hash.exec_hist_resp_0`
#[test]
fn test_hash_0() {
    assert_eq!(
        hash(&json!("input data"), &json!("MD5")).unwrap(),
        json!("812f45842bc6d66ee14572ce20db8e86")
    );
}

/// `intrinsic_functions__test_hash_calculations.TestHashCalculations.test_hash.exec_hist_resp_1`
#[test]
fn test_hash_1() {
    assert_eq!(
        hash(&json!("input data"), &json!("SHA-1")).unwrap(),
        json!("aaff4a450a104cd177d28d18d74485e8cae074b7")
    );
}

/// `intrinsic_functions__test_hash_calculations.TestHashCalculations.test_hash.exec_hist_resp_2`
#[test]
fn test_hash_2() {
    assert_eq!(
        hash(&json!("input data"), &json!("SHA-256")).unwrap(),
        json!("b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3")
    );
}

/// `intrinsic_functions__test_hash_calculations.TestHashCalculations.test_hash.exec_hist_resp_3`
#[test]
fn test_hash_3() {
    assert_eq!(
        hash(&json!("input data"), &json!("SHA-384")).unwrap(),
        json!(
            "d28a7d5cf25a74f11a50a18452b75e04bb3d70c9dd0510d6123aa008c756511b87525bdc835ebb27e1fb9e9374a15562"
        )
    );
}

/// `intrinsic_functions__test_hash_calculations.TestHashCalculations.test_hash.exec_hist_resp_4`
#[test]
fn test_hash_4() {
    assert_eq!(
        hash(&json!("input data"), &json!("SHA-512")).unwrap(),
        json!(
            "6ce4adb348546d4f449c4d25aad9a7c9cb711d9e91982d3f0b29ca2f3f47d4ce2deba23bf2954f0f1d593fc50283731a533d30d425402d4f91316d871303aac4"
        )
    );
}

/// `intrinsic_functions__test_json_manipulation.TestJsonManipulation.test_json_merge.exec_hist_resp_0`
#[test]
fn test_json_merge_0() {
    assert_eq!(
        json_merge(
            &json!({"a": {"a1": 1, "a2": 2}, "b": 2, "d": 3}),
            &json!({"a": {"a3": 1, "a4": 2}, "c": 3, "d": 4}),
            &json!(false)
        )
        .unwrap(),
        json!({"a": {"a3": 1, "a4": 2}, "b": 2, "c": 3, "d": 4})
    );
}

/// `intrinsic_functions__test_json_manipulation.TestJsonManipulation.test_json_merge_escaped_argument.get_execution_history`
#[test]
fn test_json_merge_escaped_argument() {
    // `OutputPath` selects the merged object. AWS lists `constant_input_field` first:
    // the order of the Java HashMap it merges into, kept here too.
    let merged = json_merge(
        &string_to_json(&json!("{\"constant_in_literal\": \"false\"}")).unwrap(),
        &json!({"constant_input_field": "constant_value"}),
        &json!(false),
    )
    .unwrap();
    assert_eq!(
        merged.to_string(),
        r#"{"constant_input_field":"constant_value","constant_in_literal":"false"}"#
    );
}

/// `intrinsic_functions__test_json_manipulation.TestJsonManipulation.test_json_to_string.exec_hist_resp_0`
#[test]
fn test_json_to_string_0() {
    assert_eq!(json_to_string(&json!(null)).unwrap(), json!("null"));
}

/// `intrinsic_functions__test_json_manipulation.TestJsonManipulation.test_json_to_string.exec_hist_resp_1`
#[test]
fn test_json_to_string_1() {
    assert_eq!(json_to_string(&json!(0)).unwrap(), json!("0"));
}

/// `intrinsic_functions__test_json_manipulation.TestJsonManipulation.test_json_to_string.exec_hist_resp_2`
#[test]
fn test_json_to_string_2() {
    assert_eq!(json_to_string(&json!(1)).unwrap(), json!("1"));
}

/// `intrinsic_functions__test_json_manipulation.TestJsonManipulation.test_json_to_string.exec_hist_resp_3`
#[test]
fn test_json_to_string_3() {
    assert_eq!(json_to_string(&json!(1.1)).unwrap(), json!("1.1"));
}

/// `intrinsic_functions__test_json_manipulation.TestJsonManipulation.test_json_to_string.exec_hist_resp_4`
#[test]
fn test_json_to_string_4() {
    assert_eq!(json_to_string(&json!(true)).unwrap(), json!("true"));
}

/// `intrinsic_functions__test_json_manipulation.TestJsonManipulation.test_json_to_string.exec_hist_resp_5`
#[test]
fn test_json_to_string_5() {
    assert_eq!(
        json_to_string(&json!("HelloWorld")).unwrap(),
        json!("\"HelloWorld\"")
    );
}

/// `intrinsic_functions__test_json_manipulation.TestJsonManipulation.test_json_to_string.exec_hist_resp_6`
#[test]
fn test_json_to_string_6() {
    assert_eq!(
        json_to_string(&json!([1, 2, "HelloWorld"])).unwrap(),
        json!("[1,2,\"HelloWorld\"]")
    );
}

/// `intrinsic_functions__test_json_manipulation.TestJsonManipulation.test_json_to_string.exec_hist_resp_7`
#[test]
fn test_json_to_string_7() {
    assert_eq!(
        json_to_string(&json!({"Arg1": 1, "Arg2": []})).unwrap(),
        json!("{\"Arg1\":1,\"Arg2\":[]}")
    );
}

/// `intrinsic_functions__test_json_manipulation.TestJsonManipulation.test_string_to_json.exec_hist_resp_0`
#[test]
fn test_string_to_json_0() {
    assert_eq!(string_to_json(&json!("")).unwrap(), json!(null));
}

/// `intrinsic_functions__test_json_manipulation.TestJsonManipulation.test_string_to_json.exec_hist_resp_1`
#[test]
fn test_string_to_json_1() {
    assert_eq!(string_to_json(&json!(" ")).unwrap(), json!(null));
}

/// `intrinsic_functions__test_json_manipulation.TestJsonManipulation.test_string_to_json.exec_hist_resp_2`
#[test]
fn test_string_to_json_2() {
    assert_eq!(string_to_json(&json!("null")).unwrap(), json!(null));
}

/// `intrinsic_functions__test_json_manipulation.TestJsonManipulation.test_string_to_json.exec_hist_resp_3`
#[test]
fn test_string_to_json_3() {
    assert_eq!(string_to_json(&json!("-0")).unwrap(), json!(0));
}

/// `intrinsic_functions__test_json_manipulation.TestJsonManipulation.test_string_to_json.exec_hist_resp_4`
#[test]
fn test_string_to_json_4() {
    assert_eq!(string_to_json(&json!("1")).unwrap(), json!(1));
}

/// `intrinsic_functions__test_json_manipulation.TestJsonManipulation.test_string_to_json.exec_hist_resp_5`
#[test]
fn test_string_to_json_5() {
    assert_eq!(string_to_json(&json!("1.1")).unwrap(), json!(1.1));
}

/// `intrinsic_functions__test_json_manipulation.TestJsonManipulation.test_string_to_json.exec_hist_resp_6`
#[test]
fn test_string_to_json_6() {
    assert_eq!(string_to_json(&json!("true")).unwrap(), json!(true));
}

/// `intrinsic_functions__test_json_manipulation.TestJsonManipulation.test_string_to_json.exec_hist_resp_7`
#[test]
fn test_string_to_json_7() {
    assert_eq!(
        string_to_json(&json!("\"HelloWorld\"")).unwrap(),
        json!("HelloWorld")
    );
}

/// `intrinsic_functions__test_json_manipulation.TestJsonManipulation.test_string_to_json.exec_hist_resp_8`
#[test]
fn test_string_to_json_8() {
    assert_eq!(
        string_to_json(&json!("[1, 2, \"HelloWorld\"]")).unwrap(),
        json!([1, 2, "HelloWorld"])
    );
}

/// `intrinsic_functions__test_json_manipulation.TestJsonManipulation.test_string_to_json.exec_hist_resp_9`
#[test]
fn test_string_to_json_9() {
    assert_eq!(
        string_to_json(&json!("{\"Arg1\": 1, \"Arg2\": []}")).unwrap(),
        json!({"Arg1": 1, "Arg2": []})
    );
}

/// `intrinsic_functions__test_math_operations.TestMathOperations.test_math_add.exec_hist_resp_0`
#[test]
fn test_math_add_0() {
    assert_eq!(math_add(&json!(-9), &json!(3)).unwrap(), json!(-6));
}

/// `intrinsic_functions__test_math_operations.TestMathOperations.test_math_add.exec_hist_resp_1`
#[test]
fn test_math_add_1() {
    assert_eq!(math_add(&json!(1.49), &json!(1.5)).unwrap(), json!(3));
}

/// `intrinsic_functions__test_math_operations.TestMathOperations.test_math_add.exec_hist_resp_10`
#[test]
fn test_math_add_10() {
    assert_eq!(math_add(&json!(-1.5), &json!(0)).unwrap(), json!(-1));
}

/// `intrinsic_functions__test_math_operations.TestMathOperations.test_math_add.exec_hist_resp_11`
#[test]
fn test_math_add_11() {
    assert_eq!(math_add(&json!(-1.51), &json!(0)).unwrap(), json!(-2));
}

/// `intrinsic_functions__test_math_operations.TestMathOperations.test_math_add.exec_hist_resp_12`
#[test]
fn test_math_add_12() {
    assert_eq!(math_add(&json!(0.5), &json!(0)).unwrap(), json!(1));
}

/// `intrinsic_functions__test_math_operations.TestMathOperations.test_math_add.exec_hist_resp_13`
#[test]
fn test_math_add_13() {
    assert_eq!(math_add(&json!(1.5), &json!(0)).unwrap(), json!(2));
}

/// `intrinsic_functions__test_math_operations.TestMathOperations.test_math_add.exec_hist_resp_14`
#[test]
fn test_math_add_14() {
    assert_eq!(math_add(&json!(2.5), &json!(0)).unwrap(), json!(3));
}

/// `intrinsic_functions__test_math_operations.TestMathOperations.test_math_add.exec_hist_resp_15`
#[test]
fn test_math_add_15() {
    assert_eq!(math_add(&json!(3.5), &json!(0)).unwrap(), json!(4));
}

/// `intrinsic_functions__test_math_operations.TestMathOperations.test_math_add.exec_hist_resp_16`
#[test]
fn test_math_add_16() {
    assert_eq!(math_add(&json!(-0.5), &json!(0.5)).unwrap(), json!(1));
}

/// `intrinsic_functions__test_math_operations.TestMathOperations.test_math_add.exec_hist_resp_17`
#[test]
fn test_math_add_17() {
    assert_eq!(math_add(&json!(-0.5), &json!(0)).unwrap(), json!(0));
}

/// `intrinsic_functions__test_math_operations.TestMathOperations.test_math_add.exec_hist_resp_18`
#[test]
fn test_math_add_18() {
    assert_eq!(math_add(&json!(-1.5), &json!(0)).unwrap(), json!(-1));
}

/// `intrinsic_functions__test_math_operations.TestMathOperations.test_math_add.exec_hist_resp_19`
#[test]
fn test_math_add_19() {
    assert_eq!(math_add(&json!(-2.5), &json!(0)).unwrap(), json!(-2));
}

/// `intrinsic_functions__test_math_operations.TestMathOperations.test_math_add.exec_hist_resp_2`
#[test]
fn test_math_add_2() {
    assert_eq!(math_add(&json!(1.5), &json!(1.51)).unwrap(), json!(4));
}

/// `intrinsic_functions__test_math_operations.TestMathOperations.test_math_add.exec_hist_resp_20`
#[test]
fn test_math_add_20() {
    assert_eq!(math_add(&json!(-3.5), &json!(0)).unwrap(), json!(-3));
}

/// `intrinsic_functions__test_math_operations.TestMathOperations.test_math_add.exec_hist_resp_3`
#[test]
fn test_math_add_3() {
    assert_eq!(math_add(&json!(-1.49), &json!(-1.5)).unwrap(), json!(-2));
}

/// `intrinsic_functions__test_math_operations.TestMathOperations.test_math_add.exec_hist_resp_4`
#[test]
fn test_math_add_4() {
    assert_eq!(math_add(&json!(-1.5), &json!(-1.51)).unwrap(), json!(-3));
}

/// `intrinsic_functions__test_math_operations.TestMathOperations.test_math_add.exec_hist_resp_5`
#[test]
fn test_math_add_5() {
    assert_eq!(math_add(&json!(1.49), &json!(0)).unwrap(), json!(1));
}

/// `intrinsic_functions__test_math_operations.TestMathOperations.test_math_add.exec_hist_resp_6`
#[test]
fn test_math_add_6() {
    assert_eq!(math_add(&json!(1.49), &json!(-1.49)).unwrap(), json!(0));
}

/// `intrinsic_functions__test_math_operations.TestMathOperations.test_math_add.exec_hist_resp_7`
#[test]
fn test_math_add_7() {
    assert_eq!(math_add(&json!(1.5), &json!(0)).unwrap(), json!(2));
}

/// `intrinsic_functions__test_math_operations.TestMathOperations.test_math_add.exec_hist_resp_8`
#[test]
fn test_math_add_8() {
    assert_eq!(math_add(&json!(1.51), &json!(0)).unwrap(), json!(2));
}

/// `intrinsic_functions__test_math_operations.TestMathOperations.test_math_add.exec_hist_resp_9`
#[test]
fn test_math_add_9() {
    assert_eq!(math_add(&json!(-1.49), &json!(0)).unwrap(), json!(-1));
}

/// `intrinsic_functions__test_string_operations.TestStringOperations.test_string_split.exec_hist_resp_0`
#[test]
fn test_string_split_0() {
    assert_eq!(
        string_split(&json!(" "), &json!(",")).unwrap(),
        json!([" "])
    );
}

/// `intrinsic_functions__test_string_operations.TestStringOperations.test_string_split.exec_hist_resp_1`
#[test]
fn test_string_split_1() {
    assert_eq!(
        string_split(&json!(" , "), &json!(",")).unwrap(),
        json!([" ", " "])
    );
}

/// `intrinsic_functions__test_string_operations.TestStringOperations.test_string_split.exec_hist_resp_2`
#[test]
fn test_string_split_2() {
    assert_eq!(
        string_split(&json!(", , ,"), &json!(",")).unwrap(),
        json!([" ", " "])
    );
}

/// `intrinsic_functions__test_string_operations.TestStringOperations.test_string_split.exec_hist_resp_3`
#[test]
fn test_string_split_3() {
    assert_eq!(
        string_split(&json!(",,,,"), &json!(",")).unwrap(),
        json!([])
    );
}

/// `intrinsic_functions__test_string_operations.TestStringOperations.test_string_split.exec_hist_resp_4`
#[test]
fn test_string_split_4() {
    assert_eq!(
        string_split(&json!("1,2,3,4,5"), &json!(",")).unwrap(),
        json!(["1", "2", "3", "4", "5"])
    );
}

/// `intrinsic_functions__test_string_operations.TestStringOperations.test_string_split.exec_hist_resp_5`
#[test]
fn test_string_split_5() {
    assert_eq!(
        string_split(&json!("This.is+a,test=string"), &json!(".+,=")).unwrap(),
        json!(["This", "is", "a", "test", "string"])
    );
}

/// `intrinsic_functions__test_string_operations.TestStringOperations.test_string_split.exec_hist_resp_6`
#[test]
fn test_string_split_6() {
    assert_eq!(
        string_split(&json!("split on T and \nnew line"), &json!("T\n")).unwrap(),
        json!(["split on ", " and ", "new line"])
    );
}

/// `intrinsic_functions__test_string_operations.TestStringOperations.test_string_split_context_object.exec_hist_resp_0`
#[test]
fn test_string_split_context_object_0() {
    assert_eq!(
        string_split(&json!("Value1,Value2,Value3\nValue4,Value5,Value6\n,,,\ntrue,1,'HelloWorld'\nNull,None,\n   \n"), &json!(",")).unwrap(),
        json!(["Value1", "Value2", "Value3\nValue4", "Value5", "Value6\n", "\ntrue", "1", "'HelloWorld'\nNull", "None", "\n   \n"])
    );
}

/// `assign__test_assign_reference_variables.TestAssignReferenceVariables.test_assign_from_value_BASE_ASSIGN_FROM_INTRINSIC_FUNCTION_.get_execution_history`:
/// every intrinsic assigned from the Pass state's `Result`. The recorded output shows
/// only that AWS succeeded, so deterministic values are checked against the AWS guide
/// and the `Result` itself (`encodedString` is the Base64 of `rawString`).
#[test]
fn test_assign_from_value_base_assign_from_intrinsic_function() {
    let input_array = json!([1, 2, 3, 4, 5, 6]);
    assert_eq!(
        array(vec![json!("a"), json!("b"), json!("c")]),
        json!(["a", "b", "c"])
    );
    assert_eq!(
        array_partition(&input_array, &json!(2)).unwrap(),
        json!([[1, 2], [3, 4], [5, 6]])
    );
    assert_eq!(
        array_contains(&input_array, &json!(5)).unwrap(),
        json!(true)
    );
    assert_eq!(
        array_range(&json!(1), &json!(10), &json!(2)).unwrap(),
        json!([1, 3, 5, 7, 9])
    );
    assert_eq!(array_get_item(&input_array, &json!(2)).unwrap(), json!(3));
    assert_eq!(array_length(&input_array).unwrap(), json!(6));
    assert_eq!(
        array_unique(&json!([1, 2, 2, 3, 3, 4])).unwrap(),
        json!([1, 2, 3, 4])
    );
    assert_eq!(
        base64_encode(&json!("Hello World")).unwrap(),
        json!("SGVsbG8gV29ybGQ=")
    );
    assert_eq!(
        base64_decode(&json!("SGVsbG8gV29ybGQ=")).unwrap(),
        json!("Hello World")
    );
    assert!(hash(&json!("Hash this string"), &json!("SHA-256")).is_ok());
    assert_eq!(
        json_merge(
            &json!({"a": 1, "b": 2}),
            &json!({"c": 3, "d": 4}),
            &json!(false)
        )
        .unwrap(),
        json!({"a": 1, "b": 2, "c": 3, "d": 4})
    );
    assert_eq!(
        string_to_json(&json!("{\"key\":\"value\"}")).unwrap(),
        json!({"key": "value"})
    );
    assert_eq!(
        json_to_string(&json!({"test": "object"})).unwrap(),
        json!("{\"test\":\"object\"}")
    );
    assert_eq!(math_add(&json!(5), &json!(3)).unwrap(), json!(8));
    assert_eq!(
        string_split(&json!("a,b,c,d,e"), &json!(",")).unwrap(),
        json!(["a", "b", "c", "d", "e"])
    );
    assert_eq!(
        format(
            &json!("Hello {}, welcome to {}!"),
            &[&json!("John"), &json!("LocalStack")]
        )
        .unwrap(),
        json!("Hello John, welcome to LocalStack!")
    );
    assert!(uuid().is_string());
}

/// `assign__test_assign_reference_variables.TestAssignReferenceVariables.test_reference_assign_BASE_REFERENCE_IN_ITERATOR_OUTER_SCOPE_.get_execution_history`:
/// `States.MathAdd(States.MathAdd(States.MathAdd($yCurrent, $xCurrent), $zCurrent), $bias)`
/// for each vector, with `$bias` = 4.3. The sums are assigned to a variable that the
/// recorded output does not show; AWS succeeded.
#[test]
fn test_reference_assign_base_reference_in_iterator_outer_scope() {
    let bias = json!(4.3);
    for (vector, sum) in [([9, 44, 6], 63), ([82, 25, 76], 187), ([18, 42, 2], 66)] {
        let [x, y, z] = vector.map(|component| json!(component));
        let inner = math_add(&math_add(&y, &x).unwrap(), &z).unwrap();
        assert_eq!(math_add(&inner, &bias).unwrap(), json!(sum));
    }
}

/// `scenarios__test_base_scenarios.TestBaseScenarios.test_map_state_legacy_reentrant.get_execution_history`:
/// `States.ArrayRange(0, 3, 1)` once, then `States.MathAdd($.Iterations, -1)` from 3
/// until the Choice sees 0, the recorded final `Iterations`.
#[test]
fn test_map_state_legacy_reentrant() {
    assert_eq!(
        array_range(&json!(0), &json!(3), &json!(1)).unwrap(),
        json!([0, 1, 2, 3])
    );
    let mut iterations = json!(3);
    for expected in [2, 1, 0] {
        iterations = math_add(&iterations, &json!(-1)).unwrap();
        assert_eq!(iterations, json!(expected));
    }
}
