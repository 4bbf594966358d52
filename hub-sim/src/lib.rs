//! Simulator of Hazy's Hub REST API. The contract it implements is
//! `contract/hub-api.yaml`; tokens are verified against a real Keycloak.

pub mod admin;
pub mod auth;
pub mod clock;
pub mod config;
pub mod faults;
pub mod http_client;
pub mod jobs;
pub mod layers;
pub mod openapi;
pub mod output;
pub mod problem;
pub mod proxy;
pub mod requests;
pub mod routes;
pub mod server;
pub mod state;
pub mod stats;
pub mod token_cache;
pub mod validate;

use std::sync::Arc;

use axum::routing::{any, delete, get, post, put};
use axum::{middleware, Router};

pub use config::Config;
pub use http_client::builder as http_client_builder;
pub use state::AppState;

pub fn app(state: Arc<AppState>) -> Router {
    let mut api = Router::new()
        .route("/api/v1/health", get(routes::health))
        .route(
            "/api/v1/projects/{project_id}/train-jobs",
            post(routes::create_train_job),
        )
        .route(
            "/api/v1/projects/{project_id}/generation-jobs",
            post(routes::create_generation_job),
        )
        .route("/api/v1/projects/{project_id}/jobs", get(routes::list_jobs))
        .route(
            "/api/v1/projects/{project_id}/models",
            get(routes::list_models),
        )
        .route("/api/v1/jobs/{job_id}", get(routes::get_job))
        .route("/api/v1/jobs/{job_id}/cancel", post(routes::cancel_job));
    if let Some(proxy) = &state.proxy {
        let forward = any(proxy::forward).with_state(proxy.clone());
        api = api
            .route("/auth", forward.clone())
            .route("/auth/{*rest}", forward);
    }
    // route_layer: these run only for matched routes, where the route
    // template is known. Stats wrap faults so faulted requests are counted, logged and
    // carry the echoed X-Request-ID.
    let api = api
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            layers::inject,
        ))
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            layers::observe,
        ));
    let admin = Router::new()
        .route("/_sim/projects/{project_id}", put(admin::put_project))
        .route(
            "/_sim/faults",
            post(admin::add_fault)
                .get(admin::list_faults)
                .delete(admin::clear_faults),
        )
        .route("/_sim/faults/{fault_id}", delete(admin::remove_fault))
        .route("/_sim/jobs/{job_id}/config", get(admin::job_config))
        .route("/_sim/stats", get(admin::stats))
        .route("/_sim/requests", get(admin::requests))
        .route("/_sim/reset", post(admin::reset));
    api.merge(admin)
        .merge(openapi::router())
        .fallback(routes::not_found)
        .method_not_allowed_fallback(routes::method_not_allowed)
        .with_state(state)
}

/// Binds, publishes the port, and serves until the process is stopped.
pub async fn run(config: Config) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(config.listen).await?;
    let addr = listener.local_addr()?;
    if let Some(path) = &config.port_file {
        write_port_file(path, addr.port())?;
    }
    println!("hazy-hub-sim listening on http://{addr}");
    eprintln!(
        "hazy-hub-sim: issuer {} audience {} jwks {} job duration {} ms{}",
        config.issuer,
        config.audience,
        config.jwks_url,
        config.job_duration_ms,
        config
            .keycloak_url
            .as_deref()
            .map(|k| format!(", /auth -> {k}"))
            .unwrap_or_default()
    );
    server::serve(listener, app(AppState::new(config))).await
}

/// Write-then-rename, so a reader polling for the file never sees it half-written.
fn write_port_file(path: &std::path::Path, port: u16) -> std::io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(format!(".tmp{}", std::process::id()));
    std::fs::write(&tmp, format!("{port}\n"))?;
    std::fs::rename(&tmp, path)
}
