//! Request body checks. They mirror the contract's schemas closely enough
//! to name the offending field; they stay lenient about fields the contract
//! does not describe, as the Hazy configurator adds fields over time.

use axum::http::StatusCode;
use serde_json::{Map, Value};

use crate::jobs::Plan;
use crate::problem::Problem;

/// Prefix of data locations that make a simulated job fail.
pub const FAIL_PREFIX: &str = "sim://fail";
/// Upper bound of `num_rows` in the contract; keeps it exact as a JSON double.
pub const MAX_NUM_ROWS: u64 = 1_000_000_000_000;

pub fn parse_json(bytes: &[u8]) -> Result<Value, Problem> {
    serde_json::from_slice(bytes).map_err(|e| {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "invalid_body",
            format!("request body is not valid JSON: {e}"),
        )
    })
}

fn object(body: &Value) -> Result<&Map<String, Value>, Problem> {
    body.as_object().ok_or_else(|| {
        Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
            "request body must be a JSON object",
        )
    })
}

/// Optional fields may be absent or null: configurator exports write null
/// for unset options.
fn optional<'a>(obj: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    obj.get(name).filter(|v| !v.is_null())
}

pub fn training_config(body: &Value) -> Result<Plan, Problem> {
    let obj = object(body)?;
    let schema = obj
        .get("data_schema")
        .filter(|v| !v.is_null())
        .ok_or_else(|| Problem::validation(Some("data_schema"), "data_schema is required"))?;
    let tables = schema
        .as_object()
        .and_then(|s| s.get("tables"))
        .and_then(Value::as_array);
    if !tables.is_some_and(|t| t.iter().all(Value::is_object)) {
        return Err(Problem::validation(
            Some("data_schema.tables"),
            "data_schema must be an object with a tables array of objects",
        ));
    }
    let inputs = obj
        .get("data_input")
        .and_then(Value::as_array)
        .ok_or_else(|| {
            Problem::validation(
                Some("data_input"),
                "data_input is required and must be an array",
            )
        })?;
    let mut failure_reason = None;
    for (i, item) in inputs.iter().enumerate() {
        let location = match item {
            Value::String(s) => Some(s.as_str()),
            Value::Object(o)
                if ["name", "path"]
                    .iter()
                    .all(|k| o.get(*k).is_none_or(Value::is_string)) =>
            {
                o.get("path").and_then(Value::as_str)
            }
            Value::Object(_) => {
                return Err(Problem::validation(
                    Some("data_input"),
                    format!("data_input[{i}].name and .path must be strings"),
                ))
            }
            _ => {
                return Err(Problem::validation(
                    Some("data_input"),
                    format!("data_input[{i}] must be a string or an object"),
                ))
            }
        };
        if let Some(loc) = location.filter(|l| l.starts_with(FAIL_PREFIX)) {
            failure_reason.get_or_insert_with(|| format!("could not read data input {loc}"));
        }
    }
    if optional(obj, "data_sources")
        .is_some_and(|v| !v.as_array().is_some_and(|a| a.iter().all(Value::is_object)))
    {
        return Err(Problem::validation(
            Some("data_sources"),
            "data_sources must be an array of objects",
        ));
    }
    for name in ["model_output", "created_at"] {
        if optional(obj, name).is_some_and(|v| !v.is_string()) {
            return Err(Problem::validation(
                Some(name),
                format!("{name} must be a string"),
            ));
        }
    }
    let mut plan = Plan {
        failure_reason,
        ..Plan::default()
    };
    if let Some(params) = optional(obj, "model_parameters") {
        let params = params.as_object().ok_or_else(|| {
            Problem::validation(
                Some("model_parameters"),
                "model_parameters must be an object",
            )
        })?;
        plan.generator_type = match optional(params, "generator_type") {
            None => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => {
                return Err(Problem::validation(
                    Some("model_parameters.generator_type"),
                    "generator_type must be a string",
                ))
            }
        };
        plan.epsilon = match optional(params, "epsilon") {
            None => None,
            Some(v) => Some(v.as_f64().ok_or_else(|| {
                Problem::validation(Some("model_parameters.epsilon"), "epsilon must be a number")
            })?),
        };
    }
    Ok(plan)
}

pub fn generation_request(body: &Value) -> Result<Plan, Problem> {
    let obj = object(body)?;
    let model_id = obj
        .get("model_id")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| {
            Problem::validation(
                Some("model_id"),
                "model_id is required and must be a non-empty string",
            )
        })?;
    // Unlike the configurator's optional members, these are not nullable.
    let num_rows = match obj.get("num_rows") {
        None => None,
        Some(v) => Some(
            as_integer(v)
                .filter(|n| (1..=MAX_NUM_ROWS).contains(n))
                .ok_or_else(|| {
                    Problem::validation(
                        Some("num_rows"),
                        format!("num_rows must be an integer from 1 to {MAX_NUM_ROWS}"),
                    )
                })?,
        ),
    };
    let config = match obj.get("config") {
        None => None,
        Some(Value::Object(c)) => Some(c),
        Some(_) => {
            return Err(Problem::validation(
                Some("config"),
                "config must be an object",
            ))
        }
    };
    if num_rows.is_none() && config.is_none() {
        return Err(Problem::validation(
            Some("num_rows"),
            "one of num_rows or config is required",
        ));
    }
    let output_location = match config.and_then(|c| c.get("output_location")) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if crate::output::is_valid(s) => Some(s.clone()),
        Some(_) => {
            return Err(Problem::validation(
                Some("config.output_location"),
                "config.output_location must be a URI of 1 to 2048 visible characters \
                 (a file:// one an absolute path without `..`)",
            ))
        }
    };
    let mut failure_reason = None;
    if let Some(c) = config {
        if let Some(loc) = find_fail_location(&Value::Object(c.clone())) {
            failure_reason = Some(format!("could not write generated data to {loc}"));
        }
    }
    Ok(Plan {
        failure_reason,
        output_location,
        model_id: Some(model_id.to_owned()),
        num_rows: num_rows.or_else(|| config.and_then(|c| c.get("num_rows")).and_then(as_integer)),
        ..Plan::default()
    })
}

/// JSON Schema counts `1000.0` as an integer, so we must too.
fn as_integer(v: &Value) -> Option<u64> {
    v.as_u64().or_else(|| {
        v.as_f64()
            .filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f <= 9_007_199_254_740_992.0)
            .map(|f| f as u64)
    })
}

fn find_fail_location(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if s.starts_with(FAIL_PREFIX) => Some(s.clone()),
        Value::Array(a) => a.iter().find_map(find_fail_location),
        Value::Object(o) => o.values().find_map(find_fail_location),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn field_of(r: Result<Plan, Problem>) -> (u16, String, Option<String>) {
        let p = r.unwrap_err();
        (p.status.as_u16(), p.body.code, p.body.field)
    }

    fn v(code: &str, field: Option<&str>) -> (u16, String, Option<String>) {
        (422, code.to_owned(), field.map(str::to_owned))
    }

    #[test]
    fn training_config_fields() {
        assert_eq!(
            field_of(training_config(&json!([]))),
            v("invalid_body", None)
        );
        assert_eq!(
            field_of(training_config(&json!({"data_input": []}))),
            v("validation_failed", Some("data_schema"))
        );
        assert_eq!(
            field_of(training_config(
                &json!({"data_schema": 1, "data_input": []})
            )),
            v("validation_failed", Some("data_schema.tables"))
        );
        assert_eq!(
            field_of(training_config(
                &json!({"data_schema": {}, "data_input": []})
            )),
            v("validation_failed", Some("data_schema.tables"))
        );
        assert_eq!(
            field_of(training_config(&json!({"data_schema": {"tables": []}}))),
            v("validation_failed", Some("data_input"))
        );
        assert_eq!(
            field_of(training_config(
                &json!({"data_schema": {"tables": []}, "data_input": "x"})
            )),
            v("validation_failed", Some("data_input"))
        );
        assert_eq!(
            field_of(training_config(
                &json!({"data_schema": {"tables": [1]}, "data_input": []})
            )),
            v("validation_failed", Some("data_schema.tables"))
        );
        assert_eq!(
            field_of(training_config(
                &json!({"data_schema": {"tables": []}, "data_input": [{"path": 1}]})
            )),
            v("validation_failed", Some("data_input"))
        );
        assert_eq!(
            field_of(training_config(
                &json!({"data_schema": {"tables": []}, "data_input": [], "data_sources": [1]})
            )),
            v("validation_failed", Some("data_sources"))
        );
        assert_eq!(
            field_of(training_config(
                &json!({"data_schema": {"tables": []}, "data_input": [], "model_parameters": {"epsilon": "x"}})
            )),
            v("validation_failed", Some("model_parameters.epsilon"))
        );
    }

    #[test]
    fn training_config_plan() {
        let plan = training_config(&json!({
            "data_schema": {"tables": [{"name": "t"}]},
            "data_input": ["s3://ok", {"name": "t", "path": "sim://fail/orders.csv"}],
            "data_sources": null,
            "model_parameters": {"generator_type": "priv_bayes", "epsilon": 1000.0, "n_parents": 3},
            "model_output": "out.hmf",
            "created_at": "2026-01-01T00:00:00Z"
        }))
        .unwrap();
        assert_eq!(
            plan.failure_reason.as_deref(),
            Some("could not read data input sim://fail/orders.csv")
        );
        assert_eq!(plan.generator_type.as_deref(), Some("priv_bayes"));
        assert_eq!(plan.epsilon, Some(1000.0));
        let ok =
            training_config(&json!({"data_schema": {"tables": []}, "data_input": ["sim://ok"]}))
                .unwrap();
        assert!(ok.failure_reason.is_none());
    }

    #[test]
    fn generation_request_fields() {
        assert_eq!(
            field_of(generation_request(&json!({"num_rows": 1}))),
            v("validation_failed", Some("model_id"))
        );
        assert_eq!(
            field_of(generation_request(&json!({"model_id": "m"}))),
            v("validation_failed", Some("num_rows"))
        );
        assert_eq!(
            field_of(generation_request(&json!({"model_id": "m", "num_rows": 0}))),
            v("validation_failed", Some("num_rows"))
        );
        assert_eq!(
            field_of(generation_request(&json!({"model_id": "m", "config": []}))),
            v("validation_failed", Some("config"))
        );
        assert_eq!(
            field_of(generation_request(
                &json!({"model_id": "m", "num_rows": null, "config": {}})
            )),
            v("validation_failed", Some("num_rows"))
        );
        assert_eq!(
            generation_request(&json!({"model_id": "m", "num_rows": 1000.0}))
                .unwrap()
                .num_rows,
            Some(1000)
        );
        assert_eq!(
            field_of(generation_request(
                &json!({"model_id": "m", "num_rows": 1e13})
            )),
            v("validation_failed", Some("num_rows"))
        );
        assert_eq!(
            field_of(generation_request(
                &json!({"model_id": "m", "num_rows": 1.5})
            )),
            v("validation_failed", Some("num_rows"))
        );
        let p = generation_request(
            &json!({"model_id": "m", "config": {"num_rows": 7, "out": "sim://fail/x"}}),
        )
        .unwrap();
        assert_eq!((p.num_rows, p.model_id.as_deref()), (Some(7), Some("m")));
        assert!(p.failure_reason.unwrap().contains("sim://fail/x"));
    }

    #[test]
    fn malformed_json_is_400() {
        let p = parse_json(b"{").unwrap_err();
        assert_eq!(
            (p.status.as_u16(), p.body.code.as_str()),
            (400, "invalid_body")
        );
    }
}
