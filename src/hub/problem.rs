//! Turns a Hub error response (RFC 9457 problem body, `WWW-Authenticate`) into an `Error`.

use serde::Deserialize;

use crate::error::Error;
use crate::redact::Redactor;
use crate::status::Status;

/// How much of each piece of server text a message quotes.
const MAX_DETAIL: usize = 300;
const MAX_CODE: usize = 100;
const MAX_NAME: usize = 200;

#[derive(Deserialize, Default)]
struct Problem {
    code: Option<String>,
    detail: Option<String>,
    title: Option<String>,
    field: Option<String>,
    required_scope: Option<String>,
}

/// `what` names the operation ("submit a training job for project 'p1'"). Every piece of
/// server text is scrubbed by `redactor` before it is cut or kept.
pub fn hub_error(
    status: u16,
    www_authenticate: Option<&str>,
    body: &[u8],
    what: &str,
    scope: &str,
    redactor: &Redactor,
) -> Error {
    let problem: Problem = serde_json::from_slice(body).unwrap_or_default();
    let text = |s: Option<&str>, max| s.map(|s| redactor.server_text(s, max));
    let problem = Problem {
        code: text(problem.code.as_deref(), MAX_CODE),
        detail: text(problem.detail.as_deref().or(problem.title.as_deref()), MAX_DETAIL),
        title: None,
        field: text(problem.field.as_deref(), MAX_NAME),
        required_scope: text(problem.required_scope.as_deref(), MAX_NAME),
    };
    let challenge = |name| text(www_authenticate.and_then(|h| auth_param(h, name)).as_deref(), MAX_DETAIL);
    let detail = problem.detail.as_deref().map(|d| format!(": {d}")).unwrap_or_default();
    let error = match status {
        401 => {
            let why = challenge("error_description");
            let why = why.map(|w| format!(": {w}")).unwrap_or(detail);
            Error::new(Status::Auth, format!("the Hub rejected the access token to {what}{why}"))
        }
        403 => {
            let scope = problem
                .required_scope
                .clone()
                .or_else(|| challenge("scope"))
                .unwrap_or_else(|| scope.to_owned());
            Error::new(
                Status::Forbidden,
                format!("the token lacks scope '{scope}' needed to {what}{detail}"),
            )
            .with_field(Some(scope))
        }
        404 => Error::new(Status::NotFound, format!("cannot {what}: not found{detail}")),
        400 | 413 | 422 => {
            let field = problem.field.clone();
            let named = field.as_deref().map(|f| format!(" (field '{f}')")).unwrap_or_default();
            Error::new(Status::Validation, format!("the Hub refused to {what}{named}{detail}")).with_field(field)
        }
        429 | 500..=599 => Error::new(Status::Server, format!("the Hub failed to {what} (HTTP {status}){detail}")),
        _ => Error::protocol(format!("unexpected HTTP {status} when trying to {what}{detail}")),
    };
    error.with_http_status(status).with_oauth(problem.code, None)
}

/// One parameter of a `WWW-Authenticate: Bearer k="v", ...` header.
fn auth_param(header: &str, name: &str) -> Option<String> {
    let start = header.find(&format!("{name}=\""))? + name.len() + 2;
    let rest = &header[start..];
    Some(rest[..rest.find('"')?].to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_names_the_scope_from_the_body_or_header() {
        let body = br#"{"code":"insufficient_scope","required_scope":"hazy/TrainJob:create","detail":"missing scope"}"#;
        let e = hub_error(403, None, body, "submit", "x", &Redactor::new());
        assert_eq!(e.status(), Status::Forbidden);
        assert_eq!(e.field(), Some("hazy/TrainJob:create"));
        assert!(e.message().contains("hazy/TrainJob:create"));
        let header = r#"Bearer error="insufficient_scope", scope="hazy/Model:read""#;
        let e = hub_error(403, Some(header), b"", "list", "x", &Redactor::new());
        assert_eq!(e.field(), Some("hazy/Model:read"));
    }

    #[test]
    fn validation_names_the_field() {
        let body = br#"{"code":"validation_failed","field":"data_schema","detail":"required"}"#;
        let e = hub_error(422, None, body, "submit", "x", &Redactor::new());
        assert_eq!((e.status(), e.field()), (Status::Validation, Some("data_schema")));
        assert_eq!(e.http_status(), 422);
    }

    #[test]
    fn statuses_map() {
        assert_eq!(hub_error(401, None, b"", "x", "", &Redactor::new()).status(), Status::Auth);
        assert_eq!(hub_error(404, None, b"{}", "x", "", &Redactor::new()).status(), Status::NotFound);
        assert_eq!(hub_error(503, None, b"", "x", "", &Redactor::new()).status(), Status::Server);
        assert_eq!(hub_error(418, None, b"", "x", "", &Redactor::new()).status(), Status::Protocol);
    }
}
