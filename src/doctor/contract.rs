//! The facts of `contract/hub-api.yaml` that the doctor compares a Hub's own API description
//! with: the operations libhazy calls, their request bodies' required fields, how they
//! authenticate, and the scopes they need. The tests below read them back out of the contract
//! (its JSON twin, `contract/hub-api.json`) and out of `src/hub/paths.rs`, so none can drift.

/// One Hub operation libhazy calls.
#[derive(Debug)]
pub struct Operation {
    /// The contract's `operationId`, which a Hub's own description may share.
    pub id: &'static str,
    pub method: &'static str,
    /// The path template, below the Hub host.
    pub path: &'static str,
    /// The required members of the JSON request body; None for operations without a body.
    pub body_required: Option<&'static [&'static str]>,
    /// Whether the operation takes the Keycloak bearer token (all but the health check).
    pub bearer: bool,
    /// The scope the contract requires (`x-required-scope`); empty without authentication.
    pub scope: &'static str,
    /// What libhazy does with it, for the report.
    pub used_for: &'static str,
}

pub const OPERATIONS: &[Operation] = &[
    Operation {
        id: "getHealth",
        method: "GET",
        path: "/api/v1/health",
        body_required: None,
        bearer: false,
        scope: "",
        used_for: "hazy doctor",
    },
    Operation {
        id: "createTrainJob",
        method: "POST",
        path: "/api/v1/projects/{project_id}/train-jobs",
        body_required: Some(&["data_schema", "data_input"]),
        bearer: true,
        scope: "hazy/TrainJob:create",
        used_for: "hazy_train",
    },
    Operation {
        id: "createGenerationJob",
        method: "POST",
        path: "/api/v1/projects/{project_id}/generation-jobs",
        body_required: Some(&["model_id"]),
        bearer: true,
        scope: "hazy/GenerationJob:create",
        used_for: "hazy_generate",
    },
    Operation {
        id: "getJob",
        method: "GET",
        path: "/api/v1/jobs/{job_id}",
        body_required: None,
        bearer: true,
        scope: "hazy/TrainJob:read",
        used_for: "hazy_job_get, hazy_job_wait",
    },
    Operation {
        id: "cancelJob",
        method: "POST",
        path: "/api/v1/jobs/{job_id}/cancel",
        body_required: None,
        bearer: true,
        scope: "hazy/TrainJob:cancel",
        used_for: "hazy_job_cancel",
    },
    Operation {
        id: "listJobs",
        method: "GET",
        path: "/api/v1/projects/{project_id}/jobs",
        body_required: None,
        bearer: true,
        scope: "hazy/TrainJob:read",
        used_for: "hazy_list_jobs",
    },
    Operation {
        id: "listModels",
        method: "GET",
        path: "/api/v1/projects/{project_id}/models",
        body_required: None,
        bearer: true,
        scope: "hazy/Model:read",
        used_for: "hazy_list_models",
    },
];

/// Every scope an operation can need, with what it allows. The job operations need the
/// generation-job scopes for generation jobs (`x-required-scope-by-kind`).
pub const SCOPES: &[(&str, &str)] = &[
    ("hazy/TrainJob:create", "train"),
    ("hazy/TrainJob:read", "get, wait for and list jobs"),
    ("hazy/TrainJob:cancel", "cancel train jobs"),
    ("hazy/Model:read", "list models"),
    ("hazy/GenerationJob:create", "generate"),
    ("hazy/GenerationJob:read", "get and wait for generation jobs"),
    ("hazy/GenerationJob:cancel", "cancel generation jobs"),
];

/// Whether `granted` (one scope of a token or of a description) grants `needed`: itself, or
/// its resource's wildcard (`hazy/TrainJob:*` grants `hazy/TrainJob:create`), as the
/// contract's Authentication section has it. Nothing wider is a wildcard.
pub fn grants(granted: &str, needed: &str) -> bool {
    if granted == needed {
        return true;
    }
    match (granted.strip_suffix(":*"), needed.rsplit_once(':')) {
        (Some(resource), Some((needed_resource, _))) => resource == needed_resource,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hub::paths;
    use serde_json::Value;
    use std::collections::BTreeSet;

    fn contract() -> Value {
        serde_json::from_str(include_str!("../../contract/hub-api.json")).expect("contract/hub-api.json is JSON")
    }

    fn resolve<'a>(doc: &'a Value, node: &'a Value) -> &'a Value {
        match node.get("$ref").and_then(Value::as_str) {
            Some(r) => doc.pointer(r.trim_start_matches('#')).expect("a $ref the contract resolves"),
            None => node,
        }
    }

    fn operation<'a>(doc: &'a Value, op: &Operation) -> &'a Value {
        let found = &doc["paths"][op.path][op.method.to_ascii_lowercase()];
        assert!(found.is_object(), "the contract has no {} {}", op.method, op.path);
        found
    }

    #[test]
    fn the_table_is_the_contract() {
        let doc = contract();
        for op in OPERATIONS {
            let found = operation(&doc, op);
            assert_eq!(found["operationId"], op.id, "{} {}", op.method, op.path);
            let open = found.get("security").and_then(Value::as_array).is_some_and(Vec::is_empty);
            assert_eq!(!open, op.bearer, "{}: authentication", op.id);
            assert_eq!(found.get("x-required-scope").and_then(Value::as_str).unwrap_or(""), op.scope, "{}", op.id);
            let required = found.get("requestBody").map(|body| {
                let schema = resolve(&doc, &resolve(&doc, body)["content"]["application/json"]["schema"]);
                let names = schema["required"].as_array().cloned().unwrap_or_default();
                names.iter().map(|n| n.as_str().unwrap().to_owned()).collect::<Vec<_>>()
            });
            let expected = op.body_required.map(|r| r.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>());
            assert_eq!(required, expected, "{}: required body members", op.id);
        }
        let schemes = &doc["components"]["securitySchemes"]["hubBearer"];
        assert_eq!((schemes["type"].as_str(), schemes["scheme"].as_str()), (Some("http"), Some("bearer")));
        assert_eq!(doc["security"][0]["hubBearer"], serde_json::json!([]));
    }

    #[test]
    fn every_hub_operation_of_the_contract_is_in_the_table() {
        let doc = contract();
        for (path, item) in doc["paths"].as_object().unwrap() {
            if path.starts_with("/_sim/") {
                continue;
            }
            for (method, op) in item.as_object().unwrap().iter().filter(|(k, _)| *k != "parameters") {
                // The simulator's own controls, should the contract list one outside /_sim/.
                if op.get("x-simulator-only").and_then(Value::as_bool) == Some(true) {
                    continue;
                }
                let known = OPERATIONS.iter().any(|o| o.path == path && o.method.eq_ignore_ascii_case(method));
                assert!(known, "{method} {path} is in the contract but not in the doctor's table");
            }
        }
    }

    #[test]
    fn the_scopes_are_the_contracts() {
        let doc = contract();
        let mut named = BTreeSet::new();
        for item in doc["paths"].as_object().unwrap().values() {
            for op in item.as_object().unwrap().values() {
                named.extend(op.get("x-required-scope").and_then(Value::as_str).map(str::to_owned));
                if let Some(by_kind) = op.get("x-required-scope-by-kind").and_then(Value::as_object) {
                    named.extend(by_kind.values().filter_map(Value::as_str).map(str::to_owned));
                }
            }
        }
        let listed: BTreeSet<String> = SCOPES.iter().map(|(s, _)| (*s).to_owned()).collect();
        assert_eq!(listed, named);
    }

    /// The client's own path table (src/hub/paths.rs) says the same as this one.
    #[test]
    fn the_table_is_what_the_client_sends() {
        let built = [
            ("getHealth", paths::health()),
            ("createTrainJob", paths::submit_train_job("P")),
            ("createGenerationJob", paths::submit_generation_job("P")),
            ("getJob", paths::job("J")),
            ("cancelJob", paths::cancel_job("J")),
            ("listJobs", paths::list_jobs("P", None)),
            ("listModels", paths::list_models("P", None)),
        ];
        assert_eq!(built.len(), OPERATIONS.len());
        for (id, path) in built {
            let op = OPERATIONS.iter().find(|o| o.id == id).unwrap();
            let template = op.path.replace("{project_id}", "P").replace("{job_id}", "J");
            assert_eq!(format!("/{}", path.segments.join("/")), template, "{id}");
            assert_eq!(path.scope, op.scope, "{id}");
        }
    }

    #[test]
    fn wildcards_grant_their_resource_only() {
        assert!(grants("hazy/TrainJob:*", "hazy/TrainJob:create"));
        assert!(grants("hazy/Model:read", "hazy/Model:read"));
        assert!(!grants("hazy/TrainJob:*", "hazy/GenerationJob:create"));
        assert!(!grants("hazy/*", "hazy/TrainJob:create"));
        assert!(!grants("*", "hazy/TrainJob:create"));
        assert!(!grants("hazy/TrainJob:read", "hazy/TrainJob:create"));
    }
}
