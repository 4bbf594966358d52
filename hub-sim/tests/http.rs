//! The simulator over real HTTP, with a local JWKS server standing in for
//! Keycloak (tokens are signed with the committed test key).

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::routing::get;
use axum::{Json, Router};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{json, Value};

const KEY: &str = include_str!("keys/test-rsa.pem");
const JWKS: &str = include_str!("keys/test-jwks.json");

struct Sim {
    base: String,
    jwks_fetches: Arc<AtomicUsize>,
    issuer: String,
    http: reqwest::Client,
    clock: hazy_hub_sim::clock::Clock,
}

async fn start(job_duration_ms: u64) -> Sim {
    start_with(job_duration_ms, |_| {}).await
}

async fn start_with(
    job_duration_ms: u64,
    configure: impl FnOnce(&mut hazy_hub_sim::Config),
) -> Sim {
    // Fake Keycloak: JWKS and a token endpoint under /auth, like Hazy's layout.
    let fetches = Arc::new(AtomicUsize::new(0));
    let counter = fetches.clone();
    let kc = Router::new()
        .route(
            "/auth/realms/hazy/protocol/openid-connect/certs",
            get(move || {
                counter.fetch_add(1, Ordering::SeqCst);
                async { Json(serde_json::from_str::<Value>(JWKS).unwrap()) }
            }),
        )
        .route(
            "/auth/realms/hazy/protocol/openid-connect/token",
            axum::routing::post(|headers: axum::http::HeaderMap, body: String| async move {
                let host = headers.get("host").map(|h| h.to_str().unwrap().to_owned());
                Json(json!({"access_token": "t", "echo": body, "host": host}))
            }),
        );
    let kc_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let kc_addr = kc_listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(kc_listener, kc).await.unwrap() });

    let issuer = format!("http://{kc_addr}/auth/realms/hazy");
    let mut cfg = hazy_hub_sim::Config::new(&issuer);
    cfg.job_duration_ms = job_duration_ms;
    cfg.keycloak_url = Some(format!("http://{kc_addr}/auth"));
    configure(&mut cfg);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    let state = hazy_hub_sim::AppState::new(cfg);
    let clock = state.clock.clone();
    tokio::spawn(hazy_hub_sim::server::serve(
        listener,
        hazy_hub_sim::app(state),
    ));
    Sim {
        base: format!("http://{addr}"),
        jwks_fetches: fetches,
        issuer,
        http: hazy_hub_sim::http_client_builder().build().unwrap(),
        clock,
    }
}

impl Sim {
    fn token(&self, scope: &str) -> String {
        self.token_with(json!({"scope": scope}))
    }

    fn token_with(&self, overrides: Value) -> String {
        self.token_signed("test-key-1", overrides)
    }

    fn token_signed(&self, kid: &str, overrides: Value) -> String {
        let now = jsonwebtoken::get_current_timestamp();
        let mut claims = json!({
            "iss": self.issuer, "aud": "hazy-hub-backend", "sub": "svc-1", "azp": "api",
            "typ": "Bearer", "exp": now + 300, "iat": now, "scope": ""
        });
        for (k, v) in overrides.as_object().unwrap() {
            claims[k] = v.clone();
        }
        let mut h = Header::new(Algorithm::RS256);
        h.kid = Some(kid.into());
        jsonwebtoken::encode(
            &h,
            &claims,
            &EncodingKey::from_rsa_pem(KEY.as_bytes()).unwrap(),
        )
        .unwrap()
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    async fn post(
        &self,
        path: &str,
        token: &str,
        key: Option<&str>,
        body: &Value,
    ) -> reqwest::Result<reqwest::Response> {
        let mut req = self.http.post(self.url(path)).bearer_auth(token).json(body);
        if let Some(k) = key {
            req = req.header("Idempotency-Key", k);
        }
        req.send().await
    }

    async fn get(&self, path: &str, token: &str) -> reqwest::Response {
        self.http
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }

    async fn admin(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut req = self.http.request(method, self.url(path));
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.unwrap();
        assert!(resp.status().is_success(), "{path}: {}", resp.status());
        resp.json().await.unwrap_or(Value::Null)
    }

    async fn requests(&self, query: &str) -> Vec<Value> {
        let body = self
            .admin(
                reqwest::Method::GET,
                &format!("/_sim/requests{query}"),
                None,
            )
            .await;
        body["requests"].as_array().unwrap().clone()
    }

    async fn health_with_id(&self, request_id: Option<&str>) -> reqwest::Response {
        let mut req = self.http.get(self.url("/api/v1/health"));
        if let Some(id) = request_id {
            req = req.header("x-request-id", id);
        }
        req.send().await.unwrap()
    }
}

const ALL: &str = "hazy/TrainJob:create hazy/TrainJob:read hazy/TrainJob:cancel hazy/Model:read \
                   hazy/GenerationJob:create hazy/GenerationJob:read hazy/GenerationJob:cancel";

/// A training config in the shapes Hazy publishes for `TrainingConfig`.
fn config(input: &str) -> Value {
    json!({
        "data_schema": {"tables": [{"name": "orders"}]},
        "data_input": [{"name": "orders", "location": input}],
        "model_parameters": {
            "generator": {"generator_type": "priv_bayes", "epsilon": 1000.0, "n_parents": 3, "n_bins": 100}
        },
        "model_output": "orders.hmf"
    })
}

async fn problem(resp: reqwest::Response) -> (u16, Value) {
    let status = resp.status().as_u16();
    assert_eq!(resp.headers()["content-type"], "application/problem+json");
    (status, resp.json().await.unwrap())
}

#[tokio::test]
async fn health_needs_no_token() {
    let sim = start(100).await;
    let resp = sim
        .http
        .get(sim.url("/api/v1/health"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(
        (body["status"].as_str(), body["api_version"].as_str()),
        (Some("ok"), Some("1"))
    );
    assert_eq!(
        sim.jwks_fetches.load(Ordering::SeqCst),
        0,
        "JWKS is fetched lazily"
    );
}

#[tokio::test]
async fn cached_token_is_refused_after_exp_on_the_sims_clock() {
    let sim = start(100).await;
    let exp = sim.clock.now_s() + 30;
    let token = sim.token_with(json!({"scope": ALL, "exp": exp}));
    let created = sim
        .post(
            "/api/v1/projects/p1/train-jobs",
            &token,
            None,
            &config("s3://x"),
        )
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let id = created.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/api/v1/jobs/{id}");
    for _ in 0..3 {
        assert_eq!(sim.get(&path, &token).await.status(), 200);
    }
    // Past exp plus the default 5 s leeway.
    sim.clock.advance(Duration::from_secs(36));
    let (status, body) = problem(sim.get(&path, &token).await).await;
    assert_eq!(status, 401);
    assert!(body["detail"].as_str().unwrap().contains("expired"));
    assert_eq!(
        sim.jwks_fetches.load(Ordering::SeqCst),
        1,
        "one JWKS fetch: the token was verified once, then served from the cache"
    );
}

#[tokio::test]
async fn auth_failures() {
    let sim = start(100).await;
    let path = "/api/v1/projects/p1/train-jobs";
    let resp = sim
        .http
        .post(sim.url(path))
        .json(&config("s3://x"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers()["www-authenticate"], "Bearer");
    let (status, body) = problem(resp).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("invalid_token"))
    );

    let resp = sim
        .post(
            path,
            &sim.token("hazy/TrainJob:read"),
            Some("k"),
            &config("s3://x"),
        )
        .await
        .unwrap();
    assert_eq!(
        resp.headers()["www-authenticate"],
        "Bearer error=\"insufficient_scope\", scope=\"hazy/TrainJob:create\""
    );
    let (status, body) = problem(resp).await;
    assert_eq!(
        (status, body["required_scope"].as_str()),
        (403, Some("hazy/TrainJob:create"))
    );

    let no_aud = sim.token_with(json!({"aud": "account", "scope": ALL}));
    let resp = sim
        .post(path, &no_aud, Some("k"), &config("s3://x"))
        .await
        .unwrap();
    let challenge = resp.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        challenge.starts_with("Bearer error=\"invalid_token\"")
            && challenge.contains("hazy-hub-backend")
    );
    let (status, body) = problem(resp).await;
    assert_eq!(status, 401);
    assert!(body["detail"]
        .as_str()
        .unwrap()
        .contains("hazy-hub-backend"));

    // An unknown kid triggers one refetch, then is throttled.
    let fetches = sim.jwks_fetches.load(Ordering::SeqCst);
    let rotated = sim.token_signed("rotated", json!({"scope": ALL}));
    // Past the 1 s floor between any two JWKS fetches.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    for _ in 0..3 {
        assert_eq!(
            sim.get("/api/v1/projects/p1/jobs", &rotated).await.status(),
            401
        );
    }
    assert_eq!(sim.jwks_fetches.load(Ordering::SeqCst), fetches + 1);

    let stats = sim
        .admin(reqwest::Method::GET, "/_sim/stats?project_id=p1", None)
        .await;
    assert_eq!(
        stats["requests"]["POST /api/v1/projects/{project_id}/train-jobs"],
        3
    );
    assert_eq!(stats["requests_total"], 6);
    assert_eq!(stats["jobs_total"], 0);
}

#[tokio::test]
async fn train_lifecycle_models_and_generation() {
    let sim = start(400).await;
    let t = sim.token(ALL);
    let resp = sim
        .post(
            "/api/v1/projects/p1/train-jobs",
            &t,
            Some("key-1"),
            &config("s3://b/orders.csv"),
        )
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    assert!(resp.headers()["location"]
        .to_str()
        .unwrap()
        .starts_with("/api/v1/jobs/"));
    let job: Value = resp.json().await.unwrap();
    assert_eq!(
        (job["kind"].as_str(), job["state"].as_str()),
        (Some("train"), Some("queued"))
    );
    let id = job["id"].as_str().unwrap().to_owned();

    // Replay: same job, 200.
    let replay = sim
        .post(
            "/api/v1/projects/p1/train-jobs",
            &t,
            Some("key-1"),
            &config("s3://b/orders.csv"),
        )
        .await
        .unwrap();
    assert_eq!(replay.status(), 200);
    assert_eq!(replay.json::<Value>().await.unwrap()["id"], id.as_str());
    let (status, body) = problem(
        sim.post(
            "/api/v1/projects/p1/train-jobs",
            &t,
            Some("key-1"),
            &config("s3://other"),
        )
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("idempotency_key_reused"))
    );

    tokio::time::sleep(Duration::from_millis(500)).await;
    let done: Value = sim
        .get(&format!("/api/v1/jobs/{id}"), &t)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (done["state"].as_str(), done["progress"].as_f64()),
        (Some("succeeded"), Some(1.0))
    );
    let models: Value = sim
        .get("/api/v1/projects/p1/models", &t)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(models["items"][0]["id"], done["model_id"]);
    assert_eq!(models["items"][0]["epsilon"], 1000.0);
    assert!(models["next_page_token"].is_null());

    let gen = sim
        .post(
            "/api/v1/projects/p1/generation-jobs",
            &t,
            Some("g1"),
            &json!({"model_id": done["model_id"], "num_rows": 5}),
        )
        .await
        .unwrap();
    assert_eq!(gen.status(), 201);
    let gen: Value = gen.json().await.unwrap();
    assert_eq!(
        (gen["kind"].as_str(), gen["num_rows"].as_u64()),
        (Some("generate"), Some(5))
    );
    let (status, body) = problem(
        sim.post(
            "/api/v1/projects/p2/generation-jobs",
            &t,
            None,
            &json!({"model_id": done["model_id"], "num_rows": 5}),
        )
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (404, Some("model_not_found"))
    );

    let cancelled: Value = sim
        .http
        .post(sim.url(&format!(
            "/api/v1/jobs/{}/cancel",
            gen["id"].as_str().unwrap()
        )))
        .bearer_auth(&t)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(cancelled["state"], "cancelled");

    let page: Value = sim
        .get("/api/v1/projects/p1/jobs?page_size=1", &t)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["items"][0]["id"], id.as_str());
    let next = page["next_page_token"].as_str().unwrap();
    let page2: Value = sim
        .get(
            &format!("/api/v1/projects/p1/jobs?page_size=1&page_token={next}"),
            &t,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page2["items"][0]["id"], gen["id"]);
    let trains: Value = sim
        .get("/api/v1/projects/p1/jobs?kind=train", &t)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(trains["items"].as_array().unwrap().len(), 1);

    let (status, body) = problem(sim.get("/api/v1/jobs/nope", &t).await).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (404, Some("job_not_found"))
    );
    // A generation job needs the generation scope to be read.
    let resp = sim
        .get(
            &format!("/api/v1/jobs/{}", gen["id"].as_str().unwrap()),
            &sim.token("hazy/TrainJob:read"),
        )
        .await;
    assert_eq!(
        problem(resp).await.1["required_scope"],
        "hazy/GenerationJob:read"
    );
}

#[tokio::test]
async fn generated_rows_go_to_the_output_location() {
    let sim = start(100).await;
    let t = sim.token(ALL);
    let train: Value = sim
        .post(
            "/api/v1/projects/out/train-jobs",
            &t,
            None,
            &config("s3://b/o.csv"),
        )
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        train["output_location"].is_null(),
        "train jobs write no rows: {train}"
    );
    tokio::time::sleep(Duration::from_millis(150)).await;
    let trained: Value = sim
        .get(
            &format!("/api/v1/jobs/{}", train["id"].as_str().unwrap()),
            &t,
        )
        .await
        .json()
        .await
        .unwrap();
    let model = trained["model_id"].clone();

    let dir = std::env::temp_dir().join(format!("hazy-sim-http-{}", uuid::Uuid::new_v4()));
    let location = format!("file://{}/", dir.display());
    let (sim, t) = (&sim, t.as_str());
    let generate = |config: Value| {
        let body = json!({"model_id": model, "num_rows": 4, "config": config});
        async move {
            sim.post("/api/v1/projects/out/generation-jobs", t, None, &body)
                .await
                .unwrap()
        }
    };
    let named: Value = generate(json!({"output_location": location}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(named["output_location"], location.as_str());
    let default: Value = generate(json!({})).await.json().await.unwrap();
    let default_location = default["output_location"].as_str().unwrap();
    assert!(
        default_location.starts_with("file://")
            && default_location.contains(default["id"].as_str().unwrap()),
        "{default_location}"
    );
    assert!(
        !dir.join("rows.csv").exists(),
        "rows before the job succeeded"
    );

    tokio::time::sleep(Duration::from_millis(150)).await;
    let done: Value = sim
        .get(
            &format!("/api/v1/jobs/{}", named["id"].as_str().unwrap()),
            t,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(done["state"], "succeeded");
    let rows = std::fs::read_to_string(dir.join("rows.csv")).unwrap();
    assert_eq!(
        rows.lines().count(),
        1 + 4,
        "a header and num_rows rows: {rows}"
    );
    std::fs::remove_dir_all(&dir).unwrap();

    for bad in [json!("file://relative/dir"), json!(""), json!(7)] {
        let (status, body) = problem(generate(json!({"output_location": bad})).await).await;
        assert_eq!(
            (status, body["field"].as_str()),
            (422, Some("config.output_location")),
            "{bad}"
        );
    }
}

#[tokio::test]
async fn scripted_failure() {
    let sim = start(200).await;
    let t = sim.token(ALL);
    let job: Value = sim
        .post(
            "/api/v1/projects/p1/train-jobs",
            &t,
            Some("f"),
            &config("sim://fail/orders.csv"),
        )
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let job: Value = sim
        .get(&format!("/api/v1/jobs/{}", job["id"].as_str().unwrap()), &t)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(job["state"], "failed");
    assert_eq!(
        job["failure_reason"],
        "could not read data input sim://fail/orders.csv"
    );
    assert_eq!(job["progress"], 0.5);
}

#[tokio::test]
async fn validation_problems() {
    let sim = start(100).await;
    let t = sim.token(ALL);
    let path = "/api/v1/projects/p1/train-jobs";
    for (body, field) in [
        (json!({"data_input": []}), json!("data_schema")),
        (
            json!({"data_schema": [], "data_input": []}),
            json!("data_schema.tables"),
        ),
        (json!({"data_schema": {"tables": []}}), json!("data_input")),
        (json!([1]), Value::Null),
    ] {
        let (status, p) = problem(sim.post(path, &t, Some("v"), &body).await.unwrap()).await;
        assert_eq!((status, &p["field"]), (422, &field), "{p}");
    }
    let resp = sim
        .http
        .post(sim.url(path))
        .bearer_auth(&t)
        .header("content-type", "application/json")
        .body("{")
        .send()
        .await
        .unwrap();
    let (status, p) = problem(resp).await;
    assert_eq!((status, p["code"].as_str()), (400, Some("invalid_body")));
}

#[tokio::test]
async fn body_limit_and_bad_headers() {
    let sim = start(100).await;
    let t = sim.token(ALL);
    let huge = json!({"data_schema": {"tables": []}, "data_input": [{"name": "t", "location": "x".repeat(2 * 1024 * 1024)}]});
    let (status, body) = problem(
        sim.post("/api/v1/projects/p1/train-jobs", &t, None, &huge)
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (413, Some("payload_too_large"))
    );
    let long_key = "k".repeat(256);
    let (status, body) = problem(
        sim.post(
            "/api/v1/projects/p1/train-jobs",
            &t,
            Some(&long_key),
            &config("s3://x"),
        )
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("invalid_idempotency_key"))
    );
    let (status, body) = problem(sim.get("/api/v1/projects/p1/jobs?page_size=0", &t).await).await;
    assert_eq!((status, body["field"].as_str()), (422, Some("page_size")));
    let (status, _) = problem(sim.http.get(sim.url("/api/v1/nope")).send().await.unwrap()).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn dropped_submission_is_retried_into_exactly_one_job() {
    let sim = start(1000).await;
    let t = sim.token(ALL);
    sim.admin(
        reqwest::Method::POST,
        "/_sim/faults",
        Some(json!({"path_prefix": "/api/v1/projects/p1/", "method": "POST", "kind": "drop", "count": 1})),
    )
    .await;
    let err = sim
        .post(
            "/api/v1/projects/p1/train-jobs",
            &t,
            Some("retry-me"),
            &config("s3://x"),
        )
        .await
        .unwrap_err();
    assert!(!err.is_status(), "no HTTP response at all: {err:?}");
    let resp = sim
        .post(
            "/api/v1/projects/p1/train-jobs",
            &t,
            Some("retry-me"),
            &config("s3://x"),
        )
        .await
        .unwrap();
    assert_eq!(
        resp.status(),
        200,
        "the retry finds the job the dropped request created"
    );
    let stats = sim
        .admin(reqwest::Method::GET, "/_sim/stats?project_id=p1", None)
        .await;
    assert_eq!(
        stats["requests"]["POST /api/v1/projects/{project_id}/train-jobs"],
        2
    );
    assert_eq!(stats["jobs_total"], 1);
}

#[tokio::test]
async fn status_and_latency_faults() {
    let sim = start(1000).await;
    let t = sim.token(ALL);
    sim.admin(
        reqwest::Method::POST,
        "/_sim/faults",
        Some(json!({"path_prefix": "/api/v1/projects/p1/jobs", "kind": "status", "status": 429, "retry_after_s": 2, "count": 2})),
    )
    .await;
    for _ in 0..2 {
        let resp = sim.get("/api/v1/projects/p1/jobs", &t).await;
        assert_eq!(resp.headers()["retry-after"], "2");
        assert_eq!(problem(resp).await.1["code"], "rate_limited");
    }
    assert_eq!(sim.get("/api/v1/projects/p1/jobs", &t).await.status(), 200);

    sim.admin(
        reqwest::Method::POST,
        "/_sim/faults",
        Some(json!({"path_prefix": "/api/v1/health", "kind": "latency", "latency_ms": 300})),
    )
    .await;
    let start = std::time::Instant::now();
    assert_eq!(
        sim.http
            .get(sim.url("/api/v1/health"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert!(start.elapsed() >= Duration::from_millis(300));

    sim.admin(
        reqwest::Method::PUT,
        "/_sim/projects/fast",
        Some(json!({"job_duration_ms": 0})),
    )
    .await;
    let job: Value = sim
        .post(
            "/api/v1/projects/fast/train-jobs",
            &t,
            None,
            &config("s3://x"),
        )
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(job["state"], "succeeded");
    let resp = sim.http.post(sim.url("/_sim/reset")).send().await.unwrap();
    assert_eq!(resp.status(), 204);
    let stats = sim.admin(reqwest::Method::GET, "/_sim/stats", None).await;
    assert_eq!(
        (
            stats["requests_total"].as_u64(),
            stats["jobs_total"].as_u64()
        ),
        (Some(0), Some(0))
    );
}

#[tokio::test]
async fn auth_proxy_forwards_to_keycloak() {
    let sim = start(100).await;
    let resp = sim
        .http
        .post(sim.url("/auth/realms/hazy/protocol/openid-connect/token"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials&client_id=api")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["echo"], "grant_type=client_credentials&client_id=api");
    // Host is rewritten to Keycloak's, not passed through.
    assert!(!body["host"]
        .as_str()
        .unwrap()
        .ends_with(sim.base.rsplit(':').next().unwrap()));
    let certs = sim
        .http
        .get(sim.url("/auth/realms/hazy/protocol/openid-connect/certs"))
        .send()
        .await
        .unwrap();
    assert_eq!(certs.status(), 200);
}

#[tokio::test]
async fn stats_scoped_by_user_agent() {
    let sim = start(100).await;
    let t = sim.token(ALL);
    for ua in ["suite-a", "suite-a", "suite-b"] {
        let resp = sim
            .http
            .get(sim.url("/api/v1/projects/p1/jobs"))
            .bearer_auth(&t)
            .header("user-agent", ua)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
    }
    let a = sim
        .admin(reqwest::Method::GET, "/_sim/stats?user_agent=suite-a", None)
        .await;
    assert_eq!(a["requests"]["GET /api/v1/projects/{project_id}/jobs"], 2);
    assert_eq!(a["requests_total"], 2);
    assert!(a.get("jobs_total").is_none(), "{a}");
    let none = sim
        .admin(reqwest::Method::GET, "/_sim/stats?user_agent=suite-c", None)
        .await;
    assert_eq!(none["requests_total"], 0);
    let all = sim.admin(reqwest::Method::GET, "/_sim/stats", None).await;
    assert_eq!(all["requests_total"], 3);

    let both = sim
        .http
        .get(sim.url("/_sim/stats?project_id=p1&user_agent=suite-a"))
        .send()
        .await
        .unwrap();
    assert_eq!(problem(both).await.0, 400);
}

const TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";

fn traceparent(trace: &str, span: &str) -> String {
    format!("00-{trace}-{span}-01")
}

#[tokio::test]
async fn correlation_headers_are_recorded_for_answered_faulted_and_dropped_requests() {
    let sim = start(1000).await;
    let t = sim.token(ALL);
    let path = "/api/v1/projects/corr/train-jobs";
    let send = |rid: &'static str, span: &'static str| {
        sim.http
            .post(sim.url(&format!("{path}?ignored=1")))
            .bearer_auth(&t)
            .header("x-request-id", rid)
            .header("traceparent", traceparent(TRACE, span))
            .header("user-agent", "corr-suite")
            .json(&config("s3://x"))
            .send()
    };
    let resp = send("r-1", "00f067aa0ba902b7").await.unwrap();
    assert_eq!(resp.status(), 201);
    assert_eq!(resp.headers()["x-request-id"], "r-1");

    sim.admin(
        reqwest::Method::POST,
        "/_sim/faults",
        Some(json!({"path_prefix": path, "kind": "status", "status": 503})),
    )
    .await;
    let resp = send("r-2", "00f067aa0ba902b8").await.unwrap();
    assert_eq!(resp.status(), 503);
    assert_eq!(
        resp.headers()["x-request-id"],
        "r-2",
        "a fault's answer echoes too"
    );

    sim.admin(
        reqwest::Method::POST,
        "/_sim/faults",
        Some(json!({"path_prefix": path, "kind": "drop"})),
    )
    .await;
    let err = send("r-3", "00f067aa0ba902b9").await.unwrap_err();
    assert!(!err.is_status(), "no HTTP response at all: {err:?}");

    // Another trace, no id, no token: recorded with nulls, answered without an echo.
    let other = "0af7651916cd43dd8448eb211c80319c";
    let resp = sim
        .http
        .get(sim.url("/api/v1/projects/corr/jobs"))
        .header("traceparent", traceparent(other, "b7ad6b7169203331"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    assert!(resp.headers().get("x-request-id").is_none());

    let traced = sim.requests(&format!("?trace_id={TRACE}")).await;
    let entry = |seq: u64, status: Value, rid: &str, span: &str| {
        json!({
            "seq": seq, "method": "POST", "path": path,
            "route": "POST /api/v1/projects/{project_id}/train-jobs", "status": status,
            "request_id": rid, "traceparent": traceparent(TRACE, span),
            "user_agent": "corr-suite", "project_id": "corr"
        })
    };
    assert_eq!(
        traced,
        [
            entry(1, json!(201), "r-1", "00f067aa0ba902b7"),
            entry(2, json!(503), "r-2", "00f067aa0ba902b8"),
            entry(3, json!("dropped"), "r-3", "00f067aa0ba902b9"),
        ]
    );
    assert_eq!(
        sim.requests(&format!("?trace_id={other}")).await,
        [json!({
            "seq": 4, "method": "GET", "path": "/api/v1/projects/corr/jobs",
            "route": "GET /api/v1/projects/{project_id}/jobs", "status": 401,
            "request_id": null, "traceparent": traceparent(other, "b7ad6b7169203331"),
            "user_agent": null, "project_id": "corr"
        })]
    );
    assert!(
        !serde_json::to_string(&sim.requests("").await)
            .unwrap()
            .contains(&t),
        "never the token"
    );
    assert_eq!(sim.requests("?user_agent=corr-suite").await.len(), 3);
    assert_eq!(sim.requests("?project_id=corr").await.len(), 4);
    assert_eq!(
        sim.requests(
            "?project_id=corr&user_agent=corr-suite&trace_id=0af7651916cd43dd8448eb211c80319c"
        )
        .await
        .len(),
        0,
        "filters combine"
    );
    for bad in [
        "?trace_id=ABC",
        &format!("?trace_id={}", TRACE.to_uppercase()),
        "?traceid=x",
    ] {
        let resp = sim
            .http
            .get(sim.url(&format!("/_sim/requests{bad}")))
            .send()
            .await
            .unwrap();
        assert_eq!(problem(resp).await.0, 400, "{bad}");
    }
}

#[tokio::test]
async fn a_fault_can_replace_the_echoed_request_id() {
    let sim = start(100).await;
    sim.admin(
        reqwest::Method::POST,
        "/_sim/faults",
        Some(json!({"path_prefix": "/api/v1/health", "kind": "status", "status": 429, "count": 2, "request_id": "srv-1"})),
    )
    .await;
    for sent in [Some("c-1"), None] {
        let resp = sim.health_with_id(sent).await;
        assert_eq!(resp.status(), 429);
        assert_eq!(resp.headers()["x-request-id"], "srv-1", "sent {sent:?}");
    }
    let resp = sim.health_with_id(Some("c-3")).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(
        resp.headers()["x-request-id"],
        "c-3",
        "fault used up: echo again"
    );

    sim.admin(
        reqwest::Method::POST,
        "/_sim/faults",
        Some(json!({"path_prefix": "/api/v1/health", "kind": "latency", "latency_ms": 1, "request_id": "srv-2"})),
    )
    .await;
    let resp = sim.health_with_id(Some("c-4")).await;
    assert_eq!(
        (resp.status().as_u16(), &resp.headers()["x-request-id"]),
        (
            200,
            &"srv-2".parse::<reqwest::header::HeaderValue>().unwrap()
        )
    );

    // The log keeps what the client sent, not what the server answered.
    let sent: Vec<Value> = sim
        .requests("")
        .await
        .iter()
        .map(|e| e["request_id"].clone())
        .collect();
    assert_eq!(
        sent,
        [json!("c-1"), Value::Null, json!("c-3"), json!("c-4")]
    );

    for bad in [
        json!({"path_prefix": "/api/", "kind": "drop", "request_id": "srv-3"}),
        json!({"path_prefix": "/api/", "kind": "status", "status": 503, "request_id": "has space"}),
    ] {
        let resp = sim
            .http
            .post(sim.url("/_sim/faults"))
            .json(&bad)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 400, "{bad}");
    }
}

#[tokio::test]
async fn auth_proxy_requests_are_recorded_without_an_echo() {
    let sim = start(100).await;
    let resp = sim
        .http
        .post(sim.url("/auth/realms/hazy/protocol/openid-connect/token"))
        .header("x-request-id", "kc-1")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(
        resp.headers().get("x-request-id").is_none(),
        "Keycloak's answer is passed through as it sent it"
    );
    let logged = sim.requests("").await;
    assert_eq!(
        (
            logged[0]["route"].as_str(),
            logged[0]["status"].as_u64(),
            logged[0]["request_id"].as_str()
        ),
        (Some("POST /auth/{*rest}"), Some(200), Some("kc-1"))
    );
}

#[tokio::test]
async fn request_log_is_bounded_and_cleared_by_reset() {
    let sim = start_with(100, |c| c.request_log_capacity = 3).await;
    for i in 1..=5 {
        let id = format!("r-{i}");
        assert_eq!(sim.health_with_id(Some(&id)).await.status(), 200);
    }
    let kept: Vec<(u64, String)> = sim
        .requests("")
        .await
        .iter()
        .map(|e| {
            (
                e["seq"].as_u64().unwrap(),
                e["request_id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        kept,
        [(3, "r-3".into()), (4, "r-4".into()), (5, "r-5".into())],
        "the newest, oldest first"
    );
    let resp = sim.http.post(sim.url("/_sim/reset")).send().await.unwrap();
    assert_eq!(resp.status(), 204);
    assert!(sim.requests("").await.is_empty());
    sim.health_with_id(None).await;
    assert_eq!(
        sim.requests("").await[0]["seq"],
        6,
        "sequence numbers are never reused"
    );
}

/// Posts `body` exactly as given, the way a client that passes a config through does.
async fn post_raw(
    sim: &Sim,
    path: &str,
    token: &str,
    body: impl Into<reqwest::Body>,
) -> reqwest::Response {
    sim.http
        .post(sim.url(path))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap()
}

async fn job_id(resp: reqwest::Response) -> String {
    assert!(resp.status().is_success(), "{}", resp.status());
    resp.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn the_submitted_bytes_are_served_back_unchanged() {
    let sim = start(100).await;
    let t = sim.token(ALL);
    // Odd whitespace, key order, escapes, numbers a re-serialiser would rewrite, and
    // members no contract knows.
    const CONFIG: &[u8] = b"{\r\n\t\"zeta_unknown\" : {\"nested\":[1e3, 1000.0, -0, 12345678901234567890]},\n  \
        \"data_input\":[ {\"location\":\"s3://b/t.csv\" , \"name\":\"t\"} ],\
        \"data_schema\"  :{\"tables\":[{\"name\":\"t\\u00e9\"}]}  ,\"model_parameters\":{\"generator\":\
        {\"epsilon\":1E-3,\"generator_type\":\"priv_bayes\"}}}\n\n";
    let id = job_id(post_raw(&sim, "/api/v1/projects/raw/train-jobs", &t, CONFIG).await).await;
    let resp = sim
        .http
        .get(sim.url(&format!("/_sim/jobs/{id}/config")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "application/json");
    assert_eq!(resp.bytes().await.unwrap(), CONFIG);

    // A generation job keeps its request the same way.
    tokio::time::sleep(Duration::from_millis(150)).await;
    let model: Value = sim
        .get(&format!("/api/v1/jobs/{id}"), &t)
        .await
        .json()
        .await
        .unwrap();
    let request = format!(
        "{{ \"num_rows\":3,\"model_id\" : \"{}\" }}",
        model["model_id"].as_str().unwrap()
    );
    let gen = job_id(
        post_raw(
            &sim,
            "/api/v1/projects/raw/generation-jobs",
            &t,
            request.clone(),
        )
        .await,
    )
    .await;
    let served = sim
        .http
        .get(sim.url(&format!("/_sim/jobs/{gen}/config")))
        .send()
        .await
        .unwrap();
    assert_eq!(served.bytes().await.unwrap(), request.as_bytes());

    let (status, body) = problem(
        sim.http
            .get(sim.url("/_sim/jobs/no-such-job/config"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (404, Some("job_not_found"))
    );
}

#[tokio::test]
async fn published_shapes_flattened_parameters_and_model_output_objects() {
    let sim = start(100).await;
    let t = sim.token(ALL);
    let path = "/api/v1/projects/shapes/train-jobs";
    let mut flat = config("s3://b/t.csv");
    flat["model_parameters"] = json!({"generator_type": "priv_bayes", "epsilon": 1000.0});
    let (status, p) = problem(sim.post(path, &t, None, &flat).await.unwrap()).await;
    assert_eq!(
        (status, p["code"].as_str(), p["field"].as_str()),
        (
            422,
            Some("validation_failed"),
            Some("model_parameters.generator")
        )
    );
    let detail = p["detail"].as_str().unwrap();
    assert!(
        detail.starts_with(
            "generator_type, epsilon under model_parameters belong in model_parameters.generator"
        ),
        "{detail}"
    );

    let mut published = config("s3://b/t.csv");
    published["model_parameters"]["generator"]["epsilon"] = json!(0.25);
    published["model_output"] =
        json!({"type": "s3", "path": "s3://b/models/t.hmf", "a_newer_field": 1});
    published["data_sources"] = json!([{"id": "raw", "source_type": "s3"}]);
    published["data_input"][0]["data_source_id"] = json!("raw");
    published["data_schema"]["custom_handlers"] = json!([
        {"type": "age", "age_column": "Age", "dob_column": "DoB", "ref_date": "2022-12-25"}
    ]);
    let id = job_id(sim.post(path, &t, None, &published).await.unwrap()).await;
    tokio::time::sleep(Duration::from_millis(150)).await;
    let done: Value = sim
        .get(&format!("/api/v1/jobs/{id}"), &t)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(done["state"], "succeeded");
    let models: Value = sim
        .get("/api/v1/projects/shapes/models", &t)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            &models["items"][0]["generator_type"],
            &models["items"][0]["epsilon"]
        ),
        (&json!("priv_bayes"), &json!(0.25)),
        "the model's generator comes from model_parameters.generator"
    );
}

#[tokio::test]
async fn a_wildcard_scope_trains_and_forbidden_still_names_the_scope() {
    let sim = start(100).await;
    let t = sim.token("openid hazy/TrainJob:* hazy/Model:read");
    let id = job_id(
        sim.post(
            "/api/v1/projects/wild/train-jobs",
            &t,
            None,
            &config("s3://x"),
        )
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(
        sim.get(&format!("/api/v1/jobs/{id}"), &t).await.status(),
        200
    );
    assert_eq!(
        sim.get("/api/v1/projects/wild/jobs", &t).await.status(),
        200
    );
    tokio::time::sleep(Duration::from_millis(150)).await;
    let done: Value = sim
        .get(&format!("/api/v1/jobs/{id}"), &t)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(done["state"], "succeeded");

    let resp = sim
        .post(
            "/api/v1/projects/wild/generation-jobs",
            &t,
            None,
            &json!({"model_id": done["model_id"], "num_rows": 1}),
        )
        .await
        .unwrap();
    assert_eq!(
        resp.headers()["www-authenticate"],
        "Bearer error=\"insufficient_scope\", scope=\"hazy/GenerationJob:create\""
    );
    let (status, p) = problem(resp).await;
    assert_eq!(
        (status, p["required_scope"].as_str()),
        (403, Some("hazy/GenerationJob:create"))
    );
    assert!(p["detail"]
        .as_str()
        .unwrap()
        .contains("hazy/GenerationJob:*"));
}

#[tokio::test]
async fn a_state_fault_reports_a_raw_state_until_disarmed() {
    let sim = start(60_000).await;
    let t = sim.token(ALL);
    let id = job_id(
        sim.post(
            "/api/v1/projects/states/train-jobs",
            &t,
            None,
            &config("s3://x"),
        )
        .await
        .unwrap(),
    )
    .await;
    let job_path = format!("/api/v1/jobs/{id}");
    let fault = sim
        .admin(
            reqwest::Method::POST,
            "/_sim/faults",
            Some(
                json!({"path_prefix": job_path, "method": "GET", "kind": "state",
                        "state": "SUCCEEDED", "progress": 1.0}),
            ),
        )
        .await;
    assert!(
        fault["remaining"].is_null(),
        "no count: armed until disarmed: {fault}"
    );
    for _ in 0..5 {
        let resp = sim.get(&job_path, &t).await;
        assert_eq!(resp.status(), 200);
        let job: Value = resp.json().await.unwrap();
        assert_eq!(
            (job["state"].as_str(), job["progress"].as_f64()),
            (Some("SUCCEEDED"), Some(1.0))
        );
        assert_eq!(
            job["id"],
            id.as_str(),
            "the rest of the job is the simulator's"
        );
    }
    // Other paths and methods answer as usual.
    let listed: Value = sim
        .get("/api/v1/projects/states/jobs", &t)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["items"][0]["state"], "queued");
    let fault_path = format!("/_sim/faults/{}", fault["id"]);
    let removed = sim.http.delete(sim.url(&fault_path)).send().await.unwrap();
    assert_eq!(removed.status(), 204);
    let job: Value = sim.get(&job_path, &t).await.json().await.unwrap();
    assert_eq!(job["state"], "queued");
    let (status, _) = problem(sim.http.delete(sim.url(&fault_path)).send().await.unwrap()).await;
    assert_eq!(status, 404);

    // On a page, with a count, and never on an error answer.
    sim.admin(
        reqwest::Method::POST,
        "/_sim/faults",
        Some(json!({"path_prefix": "/api/v1/projects/states/jobs", "kind": "state", "state": "canceled", "count": 1})),
    )
    .await;
    let listed: Value = sim
        .get("/api/v1/projects/states/jobs", &t)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["items"][0]["state"], "canceled");
    let listed: Value = sim
        .get("/api/v1/projects/states/jobs", &t)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["items"][0]["state"], "queued", "the count ran out");
    sim.admin(
        reqwest::Method::POST,
        "/_sim/faults",
        Some(json!({"path_prefix": "/api/v1/jobs/missing", "kind": "state", "state": "ARCHIVED", "count": 1})),
    )
    .await;
    let (status, p) = problem(sim.get("/api/v1/jobs/missing", &t).await).await;
    assert_eq!((status, p["code"].as_str()), (404, Some("job_not_found")));

    let refused = sim
        .http
        .post(sim.url("/_sim/faults"))
        .json(&json!({"path_prefix": "/api/", "kind": "state"}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 400, "kind state needs state");
}
