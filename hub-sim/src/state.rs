//! What every handler shares: the configuration, the clock, the token verifier, the job store
//! and the simulator's own books (faults, stats, the request log).

use std::sync::{Arc, Mutex};

use crate::config::Config;
use crate::{auth, clock, faults, jobs, output, proxy, requests, stats};

pub struct AppState {
    pub config: Config,
    pub clock: clock::Clock,
    pub verifier: auth::Verifier,
    pub store: Mutex<jobs::Store>,
    pub faults: Mutex<faults::Faults>,
    pub stats: Mutex<stats::Stats>,
    pub requests: Mutex<requests::RequestLog>,
    pub proxy: Option<Arc<proxy::Proxy>>,
}

impl AppState {
    pub fn new(config: Config) -> Arc<Self> {
        // One clock for jobs and token expiry, so tests can move both at once.
        let clock = clock::Clock::new();
        Arc::new(AppState {
            verifier: auth::Verifier::new(
                &config.issuer,
                &config.audience,
                &config.jwks_url,
                config.leeway_s,
            )
            .with_clock(clock.clone()),
            clock,
            store: Mutex::new(jobs::Store::new(
                config.job_duration_ms,
                output::default_root(),
            )),
            faults: Mutex::new(faults::Faults::default()),
            stats: Mutex::new(stats::Stats::default()),
            requests: Mutex::new(requests::RequestLog::new(config.request_log_capacity)),
            proxy: config
                .keycloak_url
                .as_deref()
                .map(|url| Arc::new(proxy::Proxy::new(url))),
            config,
        })
    }
}
