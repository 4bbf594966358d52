//! Step `hub`: the Hub answers an authenticated call, made the way every libhazy call is
//! (the same token, retries, 401 replay and error mapping): listing a project's jobs, which
//! creates nothing.

use super::fixes;
use super::report::Step;
use super::token::Token;
use crate::status::Status;

pub const STEP: (&str, &str) = ("hub", "Hub call");

pub async fn check(token: &Token, project: &str, audience_failed: bool, issuer: Option<&str>) -> Step {
    let (id, title) = STEP;
    let call = format!("GET /api/v1/projects/{project}/jobs");
    let e = match token.client.list_jobs(project).await {
        Ok(jobs) => return Step::pass(id, title, format!("the Hub accepted the token: {call} answered {} job(s)", jobs.len())),
        Err(e) => e,
    };
    let request = e.request_id().map(|r| format!(" (request id {r})")).unwrap_or_default();
    let finding = format!("{call}: {}{request}", e.message());
    let fix = match e.status() {
        Status::Auth if audience_failed => "add the Audience mapper (the audience step)".to_owned(),
        Status::Auth => fixes::issuer(issuer),
        Status::Forbidden => format!(
            "the token lacks {}: see the scopes step",
            e.field().unwrap_or("the scope this call needs")
        ),
        Status::NotFound | Status::Protocol => {
            "the Hub answers this call unlike libhazy's contract: see the Hub API step, and pass --project with a \
             project the Hub knows if it refuses unknown ones"
                .to_owned()
        }
        Status::Tls | Status::Network | Status::Timeout => match token.client.config().host.as_deref().and_then(|h| reqwest::Url::parse(h).ok()) {
            Some(url) => fixes::transport(&e, &url, "host (HAZY_HUB_HOST)"),
            None => fixes::no_host(),
        },
        _ => "the Hub's operators find the request in their logs under the request id".to_owned(),
    };
    Step::fail(id, title, e.status(), finding, fix)
}
