//! Compares a Hub's own API description (OpenAPI 3, or Swagger 2.0, as JSON) with the
//! operations libhazy uses (super::contract): for each one, whether the Hub describes it at
//! the same method and path, with the same required request members, authentication and
//! scope. Pure: the document is already fetched.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::contract::{grants, Operation, OPERATIONS};

const METHODS: [&str; 7] = ["get", "put", "post", "delete", "patch", "head", "options"];
/// `$ref` chains longer than this are cycles or worse.
const MAX_REF_DEPTH: usize = 16;

/// One way the Hub's description differs for an operation libhazy uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// The contract's operationId.
    pub operation: &'static str,
    /// What libhazy calls it for.
    pub used_for: &'static str,
    pub what: String,
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({}): {}", self.operation, self.used_for, self.what)
    }
}

/// Whether `doc` is an API description at all (a framework's 404 page can be JSON too).
pub fn is_description(doc: &Value) -> bool {
    (doc.get("openapi").is_some_and(Value::is_string) || doc.get("swagger").is_some_and(Value::is_string))
        && doc.get("paths").is_some_and(Value::is_object)
}

/// The description's version line, e.g. "OpenAPI 3.1.0".
pub fn version(doc: &Value) -> String {
    match (doc.get("openapi").and_then(Value::as_str), doc.get("swagger").and_then(Value::as_str)) {
        (Some(v), _) => format!("OpenAPI {v}"),
        (None, Some(v)) => format!("Swagger {v}"),
        _ => "an API description".to_owned(),
    }
}

/// Every difference for the operations libhazy uses. `host_path` is the path of the
/// configured Hub URL (empty for a Hub at the root), which the description's own base path
/// may repeat.
pub fn compare(doc: &Value, host_path: &str) -> Vec<Difference> {
    let description = Description::new(doc, host_path);
    OPERATIONS.iter().flat_map(|op| description.differences(op)).collect()
}

/// One operation as the description has it.
struct Described<'a> {
    method: String,
    /// As written, with the description's base path.
    path: String,
    id: Option<&'a str>,
    node: &'a Value,
    item: &'a Value,
}

struct Description<'a> {
    doc: &'a Value,
    operations: Vec<Described<'a>>,
}

impl<'a> Description<'a> {
    fn new(doc: &'a Value, host_path: &str) -> Description<'a> {
        let prefix = base_path(doc, host_path);
        let mut operations = Vec::new();
        for (path, item) in doc["paths"].as_object().into_iter().flatten() {
            let Some(item) = resolve(doc, item) else { continue };
            for method in METHODS {
                if let Some(node) = item.get(method).filter(|n| n.is_object()) {
                    operations.push(Described {
                        method: method.to_ascii_uppercase(),
                        path: format!("{prefix}{path}"),
                        id: node.get("operationId").and_then(Value::as_str),
                        node,
                        item,
                    });
                }
            }
        }
        Description { doc, operations }
    }

    fn resolve(&self, node: &'a Value) -> Option<&'a Value> {
        resolve(self.doc, node)
    }
}

impl<'a> Description<'a> {
    fn differences(&self, op: &'static Operation) -> Vec<Difference> {
        let differ = |what: String| Difference { operation: op.id, used_for: op.used_for, what };
        let wanted = template(op.path);
        let at_path: Vec<&Described> = self.operations.iter().filter(|d| template(&d.path) == wanted).collect();
        let found = at_path.iter().copied().find(|d| d.method == op.method);
        let mut out = Vec::new();
        let found = match found {
            Some(found) => found,
            None => {
                let by_id = self.operations.iter().find(|d| d.id == Some(op.id));
                let others: Vec<&str> = at_path.iter().map(|d| d.method.as_str()).collect();
                let what = match (by_id, others.is_empty()) {
                    (Some(d), _) => format!(
                        "{} {} is not in the Hub's description; it describes {} at {} {}",
                        op.method, op.path, op.id, d.method, d.path
                    ),
                    (None, false) => format!(
                        "{} {} is not in the Hub's description; it has that path with {} only",
                        op.method,
                        op.path,
                        others.join(", ")
                    ),
                    (None, true) => format!("{} {} is not in the Hub's description", op.method, op.path),
                };
                out.push(differ(what));
                match by_id {
                    // The same operation elsewhere: its other facts still count.
                    Some(d) => d,
                    None => return out,
                }
            }
        };
        if found.path.len() > 1 && found.path.ends_with('/') && template(&found.path) == wanted {
            out.push(differ(format!(
                "the Hub's path is {} with a trailing '/'; libhazy sends {} and follows no redirect",
                found.path, op.path
            )));
        }
        out.extend(self.body_differences(op, found).into_iter().map(differ));
        out.extend(self.auth_differences(op, found).into_iter().map(differ));
        out
    }

    fn body_differences(&self, op: &Operation, found: &Described<'a>) -> Vec<String> {
        let Some(expected) = op.body_required else { return Vec::new() };
        let Some(schema) = self.body_schema(found) else {
            return vec!["the Hub's description has no JSON request body for it".to_owned()];
        };
        let (required, properties) = self.members(schema, 0);
        let mut out = Vec::new();
        for field in expected {
            if required.contains(*field) {
                continue;
            }
            out.push(if properties.contains(*field) {
                format!("request field '{field}' is optional in the Hub's description; libhazy's contract requires it")
            } else {
                format!("request field '{field}' is missing from the Hub's description; libhazy's contract requires it")
            });
        }
        for field in required.iter().filter(|f| !expected.contains(&f.as_str())) {
            out.push(format!("the Hub requires request field '{field}', which libhazy's contract does not"));
        }
        out
    }

    /// The JSON request body's schema: OpenAPI 3's `requestBody`, or Swagger 2's `in: body`
    /// parameter (of the operation or its path).
    fn body_schema(&self, found: &Described<'a>) -> Option<&'a Value> {
        if let Some(body) = found.node.get("requestBody").and_then(|b| self.resolve(b)) {
            let content = body.get("content")?.as_object()?;
            let media = content.get("application/json").or_else(|| content.iter().find(|(k, _)| k.contains("json")).map(|(_, v)| v))?;
            return media.get("schema").and_then(|s| self.resolve(s));
        }
        let parameters = [found.node.get("parameters"), found.item.get("parameters")];
        parameters
            .into_iter()
            .flatten()
            .filter_map(Value::as_array)
            .flatten()
            .filter_map(|p| self.resolve(p))
            .find(|p| p.get("in").and_then(Value::as_str) == Some("body"))
            .and_then(|p| p.get("schema"))
            .and_then(|s| self.resolve(s))
    }

    /// The required and the declared members of an object schema, through `$ref` and `allOf`.
    fn members(&self, schema: &'a Value, depth: usize) -> (BTreeSet<String>, BTreeSet<String>) {
        let mut required = BTreeSet::new();
        let mut properties = BTreeSet::new();
        let Some(schema) = self.resolve(schema) else { return (required, properties) };
        let names = |v: Option<&Value>| -> Vec<String> {
            v.and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).map(str::to_owned).collect()
        };
        required.extend(names(schema.get("required")));
        properties.extend(schema.get("properties").and_then(Value::as_object).into_iter().flat_map(|p| p.keys().cloned()));
        if depth < MAX_REF_DEPTH {
            for part in schema.get("allOf").and_then(Value::as_array).into_iter().flatten() {
                let (r, p) = self.members(part, depth + 1);
                required.extend(r);
                properties.extend(p);
            }
        }
        (required, properties)
    }

    fn auth_differences(&self, op: &Operation, found: &Described<'a>) -> Vec<String> {
        // The operation's own `security` replaces the document's; absent both, none applies.
        let requirements = found.node.get("security").or_else(|| self.doc.get("security"));
        let requirements: Vec<&Map<String, Value>> =
            requirements.and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_object).collect();
        let anonymous = requirements.is_empty() || requirements.iter().any(|r| r.is_empty());
        let schemes: Vec<(String, bool, Vec<String>)> = requirements
            .iter()
            .flat_map(|r| r.iter())
            .map(|(name, scopes)| {
                let (shown, bearer) = self.scheme(name);
                let scopes = scopes.as_array().into_iter().flatten().filter_map(Value::as_str).map(str::to_owned).collect();
                (shown, bearer, scopes)
            })
            .collect();
        let shown = || {
            let mut names: Vec<&str> = schemes.iter().map(|(s, _, _)| s.as_str()).collect();
            names.dedup();
            names.join(" or ")
        };
        if !op.bearer {
            return match anonymous {
                true => Vec::new(),
                false => vec![format!("the Hub's description requires {} for it; libhazy's contract calls it without authentication", shown())],
            };
        }
        if anonymous {
            return vec!["the Hub's description lets it be called without authentication; libhazy's contract sends a bearer token".to_owned()];
        }
        if !schemes.iter().any(|(_, bearer, _)| *bearer) {
            return vec![format!("the Hub's description authenticates it with {}; libhazy sends a Keycloak bearer token", shown())];
        }
        let named: Vec<&String> = schemes.iter().filter(|(_, bearer, _)| *bearer).flat_map(|(_, _, s)| s).collect();
        if !named.is_empty() && !named.iter().any(|s| grants(s, op.scope)) {
            let named: Vec<&str> = named.iter().map(|s| s.as_str()).collect();
            return vec![format!("the Hub's description asks for scope {}; libhazy's contract names {}", named.join(" or "), op.scope)];
        }
        Vec::new()
    }

    /// A security scheme as words, and whether it carries a bearer token (HTTP bearer, OAuth 2
    /// and OpenID Connect all send an access token in `Authorization: Bearer`).
    fn scheme(&self, name: &str) -> (String, bool) {
        let scheme = self.doc.pointer("/components/securitySchemes").or_else(|| self.doc.get("securityDefinitions"));
        let Some(scheme) = scheme.and_then(|s| s.get(name)).and_then(|s| self.resolve(s)) else {
            return (format!("the undefined scheme '{name}'"), false);
        };
        let text = |k: &str| scheme.get(k).and_then(Value::as_str).unwrap_or("");
        match (text("type"), text("scheme").to_ascii_lowercase().as_str()) {
            ("http", "bearer") => ("a bearer token".to_owned(), true),
            ("http", other) => (format!("HTTP {other} authentication"), false),
            ("basic", _) => ("HTTP basic authentication".to_owned(), false),
            ("apiKey", _) => (format!("an API key in the {} '{}'", text("in"), text("name")), false),
            ("oauth2", _) => ("OAuth 2 (a bearer token)".to_owned(), true),
            ("openIdConnect", _) => ("OpenID Connect (a bearer token)".to_owned(), true),
            ("mutualTLS", _) => ("mutual TLS".to_owned(), false),
            (other, _) => (format!("the '{other}' scheme '{name}'"), false),
        }
    }
}

/// A local `$ref` followed to its target (as often as it chains); None when it points outside
/// the document or nowhere.
fn resolve<'a>(doc: &'a Value, mut node: &'a Value) -> Option<&'a Value> {
    for _ in 0..MAX_REF_DEPTH {
        match node.get("$ref").and_then(Value::as_str) {
            Some(reference) => node = doc.pointer(reference.strip_prefix('#')?)?,
            None => return Some(node),
        }
    }
    None
}

/// The path below the Hub host that the description's paths are relative to: OpenAPI 3's
/// first server URL (its variables at their defaults) or Swagger's `basePath`, less the part
/// the configured host already has.
fn base_path(doc: &Value, host_path: &str) -> String {
    let server = doc.pointer("/servers/0/url").and_then(Value::as_str).map(|url| {
        let mut url = url.to_owned();
        for (name, variable) in doc.pointer("/servers/0/variables").and_then(Value::as_object).into_iter().flatten() {
            let default = variable.get("default").and_then(Value::as_str).unwrap_or("");
            url = url.replace(&format!("{{{name}}}"), default);
        }
        match reqwest::Url::parse(&url) {
            Ok(absolute) => absolute.path().to_owned(),
            Err(_) => url,
        }
    });
    let path = server.or_else(|| doc.get("basePath").and_then(Value::as_str).map(str::to_owned)).unwrap_or_default();
    let path = path.trim_end_matches('/');
    let host_path = host_path.trim_end_matches('/');
    let path = path.strip_prefix(host_path).filter(|_| !host_path.is_empty()).unwrap_or(path);
    if path.is_empty() || path.starts_with('/') {
        path.to_owned()
    } else {
        format!("/{path}")
    }
}

/// A path template with its parameters unnamed and no trailing '/', so that `{project}` and
/// `{project_id}` match.
fn template(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_parameter = false;
    for c in path.chars() {
        match (c, in_parameter) {
            ('{', _) => {
                in_parameter = true;
                out.push_str("{}");
            }
            ('}', true) => in_parameter = false,
            (_, true) => {}
            (c, false) => out.push(c),
        }
    }
    match out.strip_suffix('/') {
        Some(trimmed) if !trimmed.is_empty() => trimmed.to_owned(),
        _ => out,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn contract() -> Value {
        serde_json::from_str(include_str!("../../contract/hub-api.json")).unwrap()
    }

    #[test]
    fn the_contract_has_no_difference_with_itself() {
        let doc = contract();
        assert!(is_description(&doc));
        assert_eq!(compare(&doc, ""), []);
        assert_eq!(version(&doc), "OpenAPI 3.0.3");
    }

    #[test]
    fn a_renamed_path_and_a_removed_required_field_are_both_named() {
        let mut doc = contract();
        let paths = doc["paths"].as_object_mut().unwrap();
        let train = paths.remove("/api/v1/projects/{project_id}/train-jobs").unwrap();
        paths.insert("/api/v1/projects/{project_id}/training-jobs".to_owned(), train);
        let required = doc.pointer_mut("/components/schemas/GenerationRequest/required").unwrap();
        *required = json!([]);
        let found = compare(&doc, "");
        let text: Vec<String> = found.iter().map(ToString::to_string).collect();
        assert_eq!(found.len(), 2, "{text:#?}");
        assert!(text[0].contains("POST /api/v1/projects/{project_id}/train-jobs is not in the Hub's description"), "{}", text[0]);
        assert!(text[0].contains("POST /api/v1/projects/{project_id}/training-jobs"), "{}", text[0]);
        assert_eq!(found[1].operation, "createGenerationJob");
        assert!(text[1].contains("'model_id' is optional"), "{}", text[1]);
    }

    #[test]
    fn parameter_names_and_base_paths_do_not_matter_but_trailing_slashes_do() {
        let doc = json!({
            "openapi": "3.1.0",
            "servers": [{"url": "https://hub.example.com/api/{version}", "variables": {"version": {"default": "v1"}}}],
            "paths": {
                "/jobs/{id}": {"get": {"security": [{"bearer": []}]}},
                "/jobs/{id}/cancel/": {"post": {"security": [{"bearer": []}]}},
            },
            "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        });
        let found = compare(&doc, "");
        assert!(!found.iter().any(|d| d.operation == "getJob"), "{found:#?}");
        let cancel: Vec<&Difference> = found.iter().filter(|d| d.operation == "cancelJob").collect();
        assert_eq!(cancel.len(), 1, "{cancel:#?}");
        assert!(cancel[0].what.contains("trailing '/'"));
        assert!(found.iter().any(|d| d.operation == "createTrainJob" && d.what.ends_with("is not in the Hub's description")));
    }

    #[test]
    fn authentication_schemes_and_scopes_are_compared() {
        let doc = json!({
            "swagger": "2.0",
            "basePath": "/api/v1",
            "securityDefinitions": {
                "key": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
                "oauth": {"type": "oauth2", "flow": "application", "tokenUrl": "https://kc/token"},
            },
            "security": [{"key": []}],
            "paths": {
                "/health": {"get": {"security": [{"key": []}]}},
                "/jobs/{job_id}": {"get": {}},
                "/jobs/{job_id}/cancel": {"post": {"security": [{"oauth": ["hazy/TrainJob:*"]}]}},
                "/projects/{p}/models": {"get": {"security": [{"oauth": ["hazy/Model:write"]}]}},
                "/projects/{p}/jobs": {"get": {"security": [{}]}},
                "/projects/{p}/generation-jobs": {"post": {"security": [{"oauth": []}], "parameters": [
                    {"in": "body", "name": "body", "schema": {"$ref": "#/definitions/G"}}]}},
            },
            "definitions": {"G": {"allOf": [{"required": ["model_id"]}, {"required": ["rows"], "properties": {"rows": {}}}]}},
        });
        let found: Vec<String> = compare(&doc, "").iter().map(ToString::to_string).collect();
        let has = |needle: &str| found.iter().any(|d| d.contains(needle));
        assert!(has("getHealth (hazy doctor): the Hub's description requires an API key in the header 'X-API-Key'"), "{found:#?}");
        assert!(has("getJob (hazy_job_get, hazy_job_wait): the Hub's description authenticates it with an API key"), "{found:#?}");
        assert!(!found.iter().any(|d| d.starts_with("cancelJob ")), "a wildcard grants the scope: {found:#?}");
        assert!(has("listModels (hazy_list_models): the Hub's description asks for scope hazy/Model:write"), "{found:#?}");
        assert!(has("listJobs (hazy_list_jobs): the Hub's description lets it be called without authentication"), "{found:#?}");
        assert!(has("createGenerationJob (hazy_generate): the Hub requires request field 'rows'"), "{found:#?}");
        assert!(!has("'model_id'"), "{found:#?}");
    }

    #[test]
    fn a_cycle_of_refs_is_not_followed_forever() {
        let doc = json!({"openapi": "3.0.0", "paths": {
            "/api/v1/projects/{p}/train-jobs": {"post": {"security": [], "requestBody": {"$ref": "#/x"}}}}, "x": {"$ref": "#/x"}});
        let found = compare(&doc, "");
        assert!(found.iter().any(|d| d.operation == "createTrainJob" && d.what.contains("no JSON request body")), "{found:#?}");
    }

    #[test]
    fn host_prefixes_are_not_counted_twice() {
        assert_eq!(base_path(&json!({"servers": [{"url": "/hazy/api/v1/"}]}), "/hazy"), "/api/v1");
        assert_eq!(base_path(&json!({"servers": [{"url": "https://h/"}]}), ""), "");
        assert_eq!(base_path(&json!({"basePath": "api"}), "/"), "/api");
        assert_eq!(template("/a/{x}/b/"), "/a/{}/b");
        assert_eq!(template("/"), "/");
    }
}
