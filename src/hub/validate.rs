//! Local checks of a training config, so that a malformed one fails with a named field
//! before anything is sent.

use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::status::Status;

/// Configs describe schemas, not data; 16 MiB is far beyond any real one.
pub const MAX_CONFIG_BYTES: usize = 16 * 1024 * 1024;

fn invalid(field: Option<&str>, message: String) -> Error {
    Error::new(Status::Validation, message).with_field(field.map(str::to_owned))
}

fn parse_object(json: &str, what: &str) -> Result<Map<String, Value>> {
    if json.len() > MAX_CONFIG_BYTES {
        return Err(invalid(None, format!("{what} is {} bytes; the limit is {MAX_CONFIG_BYTES}", json.len())));
    }
    match serde_json::from_str::<Value>(json) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(invalid(None, format!("{what} must be a JSON object"))),
        Err(e) => Err(invalid(None, format!("{what} is not valid JSON: {e}"))),
    }
}

/// Checks a `TrainingConfig`: a JSON object with a `data_schema` object (with `tables`) and a
/// `data_input` list.
pub fn check_training_config(json: &str) -> Result<()> {
    let config = parse_object(json, "training config")?;
    let schema = match config.get("data_schema") {
        None | Some(Value::Null) => {
            return Err(invalid(Some("data_schema"), "training config lacks required field 'data_schema'".into()))
        }
        Some(Value::Object(schema)) => schema,
        Some(_) => return Err(invalid(Some("data_schema"), "'data_schema' must be an object".into())),
    };
    if !matches!(schema.get("tables"), Some(Value::Array(_))) {
        return Err(invalid(
            Some("data_schema.tables"),
            "'data_schema' lacks required list 'tables'".into(),
        ));
    }
    match config.get("data_input") {
        None | Some(Value::Null) => {
            Err(invalid(Some("data_input"), "training config lacks required field 'data_input'".into()))
        }
        Some(Value::Array(_)) => Ok(()),
        Some(_) => Err(invalid(Some("data_input"), "'data_input' must be a list".into())),
    }
}

/// Checks an optional generation config: when given, a JSON object.
pub fn check_generation_config(json: &str) -> Result<Value> {
    parse_object(json, "generation config").map(Value::Object)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(json: &str) -> Option<String> {
        let e = check_training_config(json).unwrap_err();
        assert_eq!(e.status(), Status::Validation);
        e.field().map(str::to_owned)
    }

    #[test]
    fn names_the_missing_field() {
        assert_eq!(field(r#"{"data_input":[]}"#).as_deref(), Some("data_schema"));
        assert_eq!(field(r#"{"data_schema":{},"data_input":[]}"#).as_deref(), Some("data_schema.tables"));
        assert_eq!(field(r#"{"data_schema":{"tables":[]}}"#).as_deref(), Some("data_input"));
        assert_eq!(field(r#"{"data_schema":{"tables":[]},"data_input":{}}"#).as_deref(), Some("data_input"));
        assert_eq!(field("[1,2]"), None);
        assert_eq!(field("{not json"), None);
        assert!(check_training_config(r#"{"data_schema":{"tables":[]},"data_input":[]}"#).is_ok());
    }

    #[test]
    fn refuses_oversized_configs_without_parsing_them() {
        let huge = format!("{{\"x\":\"{}\"}}", "a".repeat(MAX_CONFIG_BYTES));
        let e = check_training_config(&huge).unwrap_err();
        assert!(e.message().contains("limit"), "{}", e.message());
    }
}
