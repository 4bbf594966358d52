//! Request body checks. They mirror the contract's schemas closely enough
//! to name the offending field; they stay lenient about fields the contract
//! does not describe, as the Hazy configurator adds fields over time.
//!
//! The training config follows the shapes Hazy publishes for `hazy_configurator`'s
//! `TrainingConfig` (hazy.com/docs, Python SDK reference): the generator nested under
//! `model_parameters.generator`, `model_output` a path or an object, `data_input` a list of
//! `DataLocationInput` objects, `custom_handlers` objects tagged by `type`. The member
//! names inside those objects that Hazy does not publish (`location`, `data_source_id`, ...)
//! are this project's model; contract/hub-api.yaml marks which is which.

use axum::http::StatusCode;
use serde_json::{Map, Value};

use crate::jobs::Plan;
use crate::problem::Problem;

/// Prefix of data locations that make a simulated job fail.
pub const FAIL_PREFIX: &str = "sim://fail";
/// Upper bound of `num_rows` in the contract; keeps it exact as a JSON double.
pub const MAX_NUM_ROWS: u64 = 1_000_000_000_000;
/// Generator members that older configs of this project put directly under
/// `model_parameters`. A Hub reading Hazy's published shape would ignore them there, and with
/// them the privacy budget, so they are refused rather than skipped.
pub const FLATTENED_GENERATOR_FIELDS: [&str; 4] =
    ["generator_type", "epsilon", "n_parents", "n_bins"];

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

/// An optional member that must be a string when set.
fn optional_string<'a>(
    obj: &'a Map<String, Value>,
    name: &str,
    field: &str,
) -> Result<Option<&'a str>, Problem> {
    match optional(obj, name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(Problem::validation(
            Some(field),
            format!("{field} must be a string"),
        )),
    }
}

/// An optional member that must be an array of objects when set.
fn optional_objects<'a>(
    obj: &'a Map<String, Value>,
    name: &str,
    field: &str,
    what: &str,
) -> Result<&'a [Value], Problem> {
    match optional(obj, name) {
        None => Ok(&[]),
        Some(Value::Array(a)) if a.iter().all(Value::is_object) => Ok(a),
        Some(_) => Err(Problem::validation(
            Some(field),
            format!("{field} must be an array of {what} objects"),
        )),
    }
}

pub fn training_config(body: &Value) -> Result<Plan, Problem> {
    let obj = object(body)?;
    data_schema(obj)?;
    let failure_reason = data_input(obj)?;
    for (i, source) in optional_objects(obj, "data_sources", "data_sources", "SecretDataSource")?
        .iter()
        .enumerate()
    {
        if optional(source.as_object().expect("checked to be objects"), "id")
            .is_some_and(|v| !v.is_string())
        {
            return Err(Problem::validation(
                Some("data_sources"),
                format!("data_sources[{i}].id must be a string"),
            ));
        }
    }
    model_output(obj)?;
    optional_string(obj, "created_at", "created_at")?;
    let (generator_type, epsilon) = model_parameters(obj)?;
    Ok(Plan {
        failure_reason,
        generator_type,
        epsilon,
        ..Plan::default()
    })
}

/// `DataSchema`: `tables` is required; `custom_handlers` are objects tagged by `type`, as
/// in the JSON forms Hazy publishes (`{"type": "age", "age_column": ...}`). The tag's values
/// are not checked: newer Hubs add handlers.
fn data_schema(obj: &Map<String, Value>) -> Result<(), Problem> {
    let schema = obj
        .get("data_schema")
        .filter(|v| !v.is_null())
        .ok_or_else(|| Problem::validation(Some("data_schema"), "data_schema is required"))?;
    let schema = schema.as_object();
    let tables = schema
        .and_then(|s| s.get("tables"))
        .and_then(Value::as_array);
    if !tables.is_some_and(|t| t.iter().all(Value::is_object)) {
        return Err(Problem::validation(
            Some("data_schema.tables"),
            "data_schema must be an object with a tables array of objects",
        ));
    }
    let schema = schema.expect("tables were found in it");
    let field = "data_schema.custom_handlers";
    let handlers = optional_objects(schema, "custom_handlers", field, "handler")?;
    for (i, handler) in handlers.iter().enumerate() {
        let tagged = handler.get("type").is_some_and(Value::is_string);
        if !tagged {
            return Err(Problem::validation(
                Some(field),
                format!(
                    "{field}[{i}] must carry its handler type as a string \"type\", as in \
                     Hazy's JSON forms, e.g. {{\"type\": \"age\", \"age_column\": \"Age\", \
                     \"dob_column\": \"DoB\", \"ref_date\": \"2022-12-25\"}}"
                ),
            ));
        }
    }
    Ok(())
}

/// `List[DataLocationInput]`. Returns the failure a `sim://fail` location scripts.
///
/// A bare location string is still accepted, as configs written for libhazy before the
/// published shapes have them, though Hazy's published type is a list of objects; the
/// contract marks the string form deprecated.
fn data_input(obj: &Map<String, Value>) -> Result<Option<String>, Problem> {
    let inputs = obj
        .get("data_input")
        .and_then(Value::as_array)
        .ok_or_else(|| {
            Problem::validation(
                Some("data_input"),
                "data_input is required and must be an array of DataLocationInput objects",
            )
        })?;
    let mut failure_reason = None;
    for (i, item) in inputs.iter().enumerate() {
        match item {
            Value::String(_) => {}
            Value::Object(o) => {
                let bad = |what: &str| {
                    Problem::validation(Some("data_input"), format!("data_input[{i}].{what}"))
                };
                if optional(o, "name").is_some_and(|v| !v.is_string()) {
                    return Err(bad("name must be a string"));
                }
                if optional(o, "location").is_some_and(|v| !(v.is_string() || v.is_object())) {
                    return Err(bad("location must be a path or URI string, or an object"));
                }
                if optional(o, "data_source_id").is_some_and(|v| !v.is_string()) {
                    return Err(bad(
                        "data_source_id must be a string (the id of a data_sources entry)",
                    ));
                }
            }
            _ => {
                return Err(Problem::validation(
                    Some("data_input"),
                    format!(
                        "data_input[{i}] must be a DataLocationInput object, e.g. \
                         {{\"name\": \"customers\", \"location\": \"s3://bucket/customers.csv\"}}"
                    ),
                ))
            }
        }
        // Anywhere in the item, so that a location under any member name scripts a failure.
        if let Some(loc) = find_fail_location(item) {
            failure_reason.get_or_insert_with(|| format!("could not read data input {loc}"));
        }
    }
    Ok(failure_reason)
}

/// `Optional[Union[PathWriteTableConfig, GenericEndpoint, str]]`.
fn model_output(obj: &Map<String, Value>) -> Result<(), Problem> {
    let field = "model_output";
    match optional(obj, field) {
        None | Some(Value::String(_)) => Ok(()),
        Some(Value::Object(o)) => {
            for name in ["type", "path"] {
                if optional(o, name).is_some_and(|v| !v.is_string()) {
                    return Err(Problem::validation(
                        Some(field),
                        format!("model_output.{name} must be a string"),
                    ));
                }
            }
            Ok(())
        }
        Some(_) => Err(Problem::validation(
            Some(field),
            "model_output must be a path string (e.g. \"/path/to/modelname.hmf\") or an \
             object (PathWriteTableConfig, GenericEndpoint)",
        )),
    }
}

/// `ModelParameters(generator=PrivBayesConfig(generator_type=..., epsilon=..., ...))`: the
/// generator type and the privacy budget of the model, read from `model_parameters.generator`.
fn model_parameters(obj: &Map<String, Value>) -> Result<(Option<String>, Option<f64>), Problem> {
    let Some(params) = optional(obj, "model_parameters") else {
        return Ok((None, None));
    };
    let params = params.as_object().ok_or_else(|| {
        Problem::validation(
            Some("model_parameters"),
            "model_parameters must be an object",
        )
    })?;
    let flattened: Vec<&str> = FLATTENED_GENERATOR_FIELDS
        .into_iter()
        .filter(|f| params.contains_key(*f))
        .collect();
    if !flattened.is_empty() {
        // Clients quote a few hundred characters of a detail: where the fields belong
        // comes first, the example last.
        return Err(Problem::validation(
            Some("model_parameters.generator"),
            format!(
                "{} under model_parameters belong in model_parameters.generator: Hazy's \
                 ModelParameters nests the generator, e.g. {{\"model_parameters\": \
                 {{\"generator\": {{\"generator_type\": \"priv_bayes\", \"epsilon\": 1000.0}}}}}}",
                flattened.join(", ")
            ),
        ));
    }
    let Some(generator) = optional(params, "generator") else {
        return Ok((None, None));
    };
    let generator = generator.as_object().ok_or_else(|| {
        Problem::validation(
            Some("model_parameters.generator"),
            "model_parameters.generator must be an object, e.g. {\"generator_type\": \
             \"priv_bayes\", \"epsilon\": 1000.0}",
        )
    })?;
    let generator_type = optional_string(
        generator,
        "generator_type",
        "model_parameters.generator.generator_type",
    )?
    .map(str::to_owned);
    let epsilon = match optional(generator, "epsilon") {
        None => None,
        Some(v) => Some(v.as_f64().ok_or_else(|| {
            Problem::validation(
                Some("model_parameters.generator.epsilon"),
                "model_parameters.generator.epsilon must be a number",
            )
        })?),
    };
    Ok((generator_type, epsilon))
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

    /// A minimal valid config with `extra` merged in at the top level.
    fn with(extra: Value) -> Value {
        let mut c = json!({"data_schema": {"tables": []}, "data_input": []});
        for (k, val) in extra.as_object().unwrap() {
            c[k] = val.clone();
        }
        c
    }

    #[test]
    fn training_config_fields() {
        assert_eq!(
            field_of(training_config(&json!([]))),
            v("invalid_body", None)
        );
        let cases = [
            (json!({"data_input": []}), "data_schema"),
            (
                json!({"data_schema": 1, "data_input": []}),
                "data_schema.tables",
            ),
            (
                json!({"data_schema": {}, "data_input": []}),
                "data_schema.tables",
            ),
            (json!({"data_schema": {"tables": []}}), "data_input"),
            (
                json!({"data_schema": {"tables": []}, "data_input": "x"}),
                "data_input",
            ),
            (
                json!({"data_schema": {"tables": [1]}, "data_input": []}),
                "data_schema.tables",
            ),
            (
                json!({"data_schema": {"tables": [], "custom_handlers": [{"age_column": "Age"}]}, "data_input": []}),
                "data_schema.custom_handlers",
            ),
            (
                json!({"data_schema": {"tables": [], "custom_handlers": ["age"]}, "data_input": []}),
                "data_schema.custom_handlers",
            ),
            (with(json!({"data_input": [{"location": 1}]})), "data_input"),
            (with(json!({"data_input": [{"name": 1}]})), "data_input"),
            (
                with(json!({"data_input": [{"data_source_id": 7}]})),
                "data_input",
            ),
            (with(json!({"data_input": [1]})), "data_input"),
            (with(json!({"data_sources": [1]})), "data_sources"),
            (with(json!({"data_sources": [{"id": 1}]})), "data_sources"),
            (with(json!({"model_output": 7})), "model_output"),
            (with(json!({"model_output": {"path": 7}})), "model_output"),
            (with(json!({"created_at": 7})), "created_at"),
            (with(json!({"model_parameters": []})), "model_parameters"),
            (
                with(json!({"model_parameters": {"generator": "priv_bayes"}})),
                "model_parameters.generator",
            ),
            (
                with(json!({"model_parameters": {"generator": {"epsilon": "x"}}})),
                "model_parameters.generator.epsilon",
            ),
            (
                with(json!({"model_parameters": {"generator": {"generator_type": 1}}})),
                "model_parameters.generator.generator_type",
            ),
        ];
        for (body, field) in cases {
            assert_eq!(
                field_of(training_config(&body)),
                v("validation_failed", Some(field)),
                "{body}"
            );
        }
    }

    #[test]
    fn flattened_model_parameters_are_refused_naming_where_they_belong() {
        for flat in [
            json!({"generator_type": "priv_bayes", "epsilon": 1000.0, "n_parents": 3}),
            json!({"epsilon": "x"}),
            json!({"generator_type": null}),
            // Also beside a nested generator: the flattened copy would be ignored.
            json!({"generator": {"generator_type": "priv_bayes"}, "epsilon": 0.1}),
        ] {
            let p = training_config(&with(json!({"model_parameters": flat}))).unwrap_err();
            assert_eq!(
                (p.status.as_u16(), p.body.field.as_deref()),
                (422, Some("model_parameters.generator")),
                "{flat}"
            );
            let d = &p.body.detail;
            assert!(
                d.contains("under model_parameters belong in model_parameters.generator"),
                "{d}"
            );
            assert!(d.len() <= 300, "clients quote 300 characters: {d}");
            let named: Vec<&str> = d.split(" under ").next().unwrap().split(", ").collect();
            for f in FLATTENED_GENERATOR_FIELDS {
                assert_eq!(named.contains(&f), flat.get(f).is_some(), "{f}: {d}");
            }
        }
    }

    #[test]
    fn published_shapes_are_accepted_and_read() {
        let plan = training_config(&json!({
            "data_schema": {
                "tables": [{"name": "customers", "dtypes": [{"type": "int", "col": "age"}]}],
                "custom_handlers": [
                    {"type": "age", "age_column": "Age", "dob_column": "DoB", "ref_date": "2022-12-25"}
                ],
                "automatic_handlers": null,
                "entities": []
            },
            "data_input": [
                {"name": "customers", "location": "s3://bank/customers.csv", "data_source_id": "s3-raw"},
                {"name": "accounts", "location": {"path": "sim://fail/accounts.parquet"}}
            ],
            "data_sources": [{"id": "s3-raw", "source_type": "s3", "some_future_field": {"x": 1}}],
            "model_parameters": {
                "generator": {"generator_type": "priv_bayes", "epsilon": 0.5, "n_parents": 3, "n_bins": 100},
                "a_newer_hubs_field": true
            },
            "model_output": {"type": "s3", "path": "s3://bank/models/customers.hmf", "overwrite": true},
            "created_at": "2026-01-01T00:00:00Z",
            "unknown_top_level": [1, 2, 3]
        }))
        .unwrap();
        assert_eq!(plan.generator_type.as_deref(), Some("priv_bayes"));
        assert_eq!(plan.epsilon, Some(0.5));
        assert_eq!(
            plan.failure_reason.as_deref(),
            Some("could not read data input sim://fail/accounts.parquet"),
            "a location object scripts a failure too"
        );
        for output in [json!("model.hmf"), json!(null), json!({})] {
            assert!(training_config(&with(json!({"model_output": output}))).is_ok());
        }
        // No generator given: nothing to report on the model.
        let bare =
            training_config(&with(json!({"model_parameters": {"generator": null}}))).unwrap();
        assert_eq!((bare.generator_type, bare.epsilon), (None, None));
    }

    #[test]
    fn legacy_location_strings_and_path_members_still_script_failures() {
        let plan = training_config(&with(json!({
            "data_input": ["s3://ok", {"name": "t", "path": "sim://fail/orders.csv"}]
        })))
        .unwrap();
        assert_eq!(
            plan.failure_reason.as_deref(),
            Some("could not read data input sim://fail/orders.csv")
        );
        let plan = training_config(&with(json!({"data_input": ["sim://fail/a.csv"]}))).unwrap();
        assert!(plan.failure_reason.unwrap().ends_with("sim://fail/a.csv"));
        let ok = training_config(&with(
            json!({"data_input": [{"name": "t", "location": "sim://ok"}]}),
        ))
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
