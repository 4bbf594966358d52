//! `hazy_train`'s local check of a TrainingConfig, and `hazy_generate`'s of a generation
//! config, against an independent reading of the rules in `contract/hub-api.yaml`: they agree
//! on every input, and a refusal is a VALIDATION error naming a known field.
#![no_main]

use hazy::hub::{check_generation_config, check_training_config};
use hazy::Status;
use hazy_fuzz::MAX_MESSAGE_CHARS;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

/// The rules, written from the contract rather than from the library's code.
fn expected_field(config: &Value) -> Result<(), Option<&'static str>> {
    let Value::Object(config) = config else { return Err(None) };
    match config.get("data_schema") {
        Some(Value::Object(schema)) => {
            if !matches!(schema.get("tables"), Some(Value::Array(_))) {
                return Err(Some("data_schema.tables"));
            }
        }
        _ => return Err(Some("data_schema")),
    }
    match config.get("data_input") {
        Some(Value::Array(_)) => Ok(()),
        _ => Err(Some("data_input")),
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let parsed = serde_json::from_str::<Value>(text);

    let got = check_training_config(text);
    let want = match &parsed {
        Ok(value) => expected_field(value),
        Err(_) => Err(None),
    };
    match (&got, want) {
        (Ok(()), Ok(())) => {}
        (Err(e), Err(field)) => {
            assert_eq!(e.status(), Status::Validation, "{e:?}");
            assert_eq!(e.field(), field, "{e:?}");
            assert!(!e.message().is_empty() && e.message().chars().count() <= MAX_MESSAGE_CHARS);
        }
        _ => panic!("check_training_config gave {got:?}, the contract says {want:?}"),
    }

    match (check_generation_config(text), parsed) {
        (Ok(value), Ok(parsed)) => {
            assert!(parsed.is_object());
            assert_eq!(value, parsed);
        }
        (Err(e), parsed) => {
            assert_eq!(e.status(), Status::Validation, "{e:?}");
            assert!(!matches!(parsed, Ok(Value::Object(_))), "an object was refused: {e:?}");
        }
        (Ok(_), Err(e)) => panic!("accepted JSON that serde_json refuses: {e}"),
    }
});
