//! The floor under libhazy's threaded figures: the same GET on reqwest and tokio alone, with
//! the versions and features libhazy links, and none of libhazy (no token cache, retry loop,
//! trace headers, logging, JSON parsing or C handles). The design fixes tokio and reqwest
//! (docs/design.md), so what this program costs per call against libcurl is what no libhazy
//! design can go below.
//!
//!   reqwest_floor seq N          N sequential GETs on one current-thread runtime and Client
//!   reqwest_floor threads T M    T threads x M GETs, each thread with its own current-thread
//!                                runtime and Client (libhazy's design for a thread that keeps
//!                                calling)
//!
//! Environment: HAZY_HUB_HOST, BENCH_JOB_ID, BENCH_TOKEN (the bearer token, fetched by the
//! harness). Prints one JSON line in the C contenders' shape (bench/c/common.h): wall and
//! process CPU time and context switches of the whole process, from getrusage.

use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |i: usize, fallback: u64| args.get(i).and_then(|a| a.parse().ok()).unwrap_or(fallback);
    let url = format!("{}/api/v1/jobs/{}", env("HAZY_HUB_HOST"), env("BENCH_JOB_ID"));
    let bearer = format!("Bearer {}", env("BENCH_TOKEN"));
    match args.get(1).map(String::as_str) {
        Some("seq") => {
            let n = arg(2, 3000);
            let (runtime, client) = per_thread();
            runtime.block_on(get(&client, &url, &bearer)); // untimed, opens the connection
            let (a, started) = (usage(), Instant::now());
            for _ in 0..n {
                runtime.block_on(get(&client, &url, &bearer));
            }
            report("seq", n, started, a, "");
        }
        Some("threads") => {
            let (threads, calls) = (arg(2, 64), arg(3, 1000));
            let (a, started) = (usage(), Instant::now());
            std::thread::scope(|scope| {
                for _ in 0..threads {
                    scope.spawn(|| {
                        let (runtime, client) = per_thread();
                        for _ in 0..calls {
                            runtime.block_on(get(&client, &url, &bearer));
                        }
                    });
                }
            });
            report("threads", threads * calls, started, a, &format!(",\"threads\":{threads}"));
        }
        _ => {
            eprintln!("usage: reqwest_floor seq N | threads T M");
            std::process::exit(2);
        }
    }
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        eprintln!("reqwest_floor: {name} is not set");
        std::process::exit(2)
    })
}

/// A current-thread runtime and a Client with libhazy's HTTP settings that cost per request:
/// a request timeout (a timer per request), no redirects, a User-Agent. Plain HTTP, so the TLS
/// configuration only has to exist.
fn per_thread() -> (tokio::runtime::Runtime, reqwest::Client) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_root_certificates(rustls::RootCertStore::empty())
        .with_no_client_auth();
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(30))
        .redirect(reqwest::redirect::Policy::none())
        .user_agent("reqwest_floor")
        .tls_backend_preconfigured(tls)
        .build()
        .expect("client");
    (runtime, client)
}

/// One GET, its body read whole and checked for the job id, as libcurl's contender does.
async fn get(client: &reqwest::Client, url: &str, bearer: &str) {
    let response = client
        .get(url)
        .header(reqwest::header::AUTHORIZATION, bearer)
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .expect("GET");
    assert!(response.status().is_success(), "HTTP {}", response.status());
    let body = response.bytes().await.expect("body");
    assert!(body.windows(3).any(|w| w == b"\"id"), "the body has no job id");
}

struct Usage {
    cpu_s: f64,
    csw: i64,
}

fn usage() -> Usage {
    // SAFETY: getrusage writes into the zeroed struct it is given.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) };
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    Usage { cpu_s: secs(u.ru_utime) + secs(u.ru_stime), csw: u.ru_nvcsw + u.ru_nivcsw }
}

fn report(mode: &str, calls: u64, started: Instant, a: Usage, extra: &str) {
    let wall = started.elapsed().as_secs_f64();
    let b = usage();
    println!(
        "{{\"mode\":\"{mode}\",\"calls\":{calls},\"wall_s\":{wall:.6},\"cpu_s\":{:.6},\"calls_per_s\":{:.1},\"csw_per_call\":{:.4}{extra}}}",
        b.cpu_s - a.cpu_s,
        calls as f64 / wall,
        (b.csw - a.csw) as f64 / calls as f64
    );
}
