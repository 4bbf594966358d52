//! Command-line flags. Hand-parsed: a handful of flags does not justify a
//! CLI framework in the dependency tree.

use std::net::SocketAddr;
use std::path::PathBuf;

pub const USAGE: &str =
    "usage: hazy-hub-sim --issuer ISSUER [--listen 127.0.0.1:0] [--port-file FILE]
                    [--jwks-url URL] [--audience hazy-hub-backend] [--keycloak-url URL]
                    [--job-duration-ms 3000] [--leeway-s 5]";

#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub port_file: Option<PathBuf>,
    pub issuer: String,
    pub jwks_url: String,
    pub audience: String,
    /// Base URL of Keycloak including its relative path, e.g. `http://127.0.0.1:8080/auth`.
    pub keycloak_url: Option<String>,
    pub job_duration_ms: u64,
    pub leeway_s: u64,
    /// Entries kept for `GET /_sim/requests`. No flag: only tests that embed the simulator
    /// need another bound, to reach it cheaply.
    pub request_log_capacity: usize,
}

impl Config {
    pub fn new(issuer: &str) -> Self {
        let issuer = issuer.trim_end_matches('/').to_owned();
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            port_file: None,
            jwks_url: format!("{issuer}/protocol/openid-connect/certs"),
            issuer,
            audience: "hazy-hub-backend".to_owned(),
            keycloak_url: None,
            job_duration_ms: 3000,
            leeway_s: 5,
            request_log_capacity: 10_000,
        }
    }

    pub fn from_args<I: IntoIterator<Item = String>>(args: I) -> Result<Config, String> {
        let mut it = args.into_iter();
        let mut listen = None;
        let mut port_file = None;
        let mut issuer = None;
        let mut jwks_url = None;
        let mut audience = None;
        let mut keycloak_url = None;
        let mut job_duration_ms = None;
        let mut leeway_s = None;
        while let Some(flag) = it.next() {
            if flag == "-h" || flag == "--help" {
                return Err(USAGE.to_owned());
            }
            // Accept both `--flag value` and `--flag=value`.
            let (name, inline) = match flag.split_once('=') {
                Some((n, v)) => (n.to_owned(), Some(v.to_owned())),
                None => (flag.clone(), None),
            };
            let mut value = || {
                inline
                    .clone()
                    .or_else(|| it.next())
                    .ok_or(format!("{name} needs a value"))
            };
            match name.as_str() {
                "--listen" => {
                    listen = Some(value()?.parse().map_err(|e| format!("--listen: {e}"))?)
                }
                "--port-file" => port_file = Some(PathBuf::from(value()?)),
                "--issuer" => issuer = Some(value()?),
                "--jwks-url" => jwks_url = Some(value()?),
                "--audience" => audience = Some(value()?),
                "--keycloak-url" => keycloak_url = Some(value()?.trim_end_matches('/').to_owned()),
                "--job-duration-ms" => {
                    job_duration_ms = Some(
                        value()?
                            .parse()
                            .map_err(|e| format!("--job-duration-ms: {e}"))?,
                    )
                }
                "--leeway-s" => {
                    leeway_s = Some(value()?.parse().map_err(|e| format!("--leeway-s: {e}"))?)
                }
                other => return Err(format!("unknown argument {other}\n{USAGE}")),
            }
        }
        let issuer = issuer.ok_or_else(|| format!("--issuer is required\n{USAGE}"))?;
        let mut cfg = Config::new(&issuer);
        if let Some(v) = listen {
            cfg.listen = v;
        }
        cfg.port_file = port_file;
        if let Some(v) = jwks_url {
            cfg.jwks_url = v;
        }
        if let Some(v) = audience {
            cfg.audience = v;
        }
        cfg.keycloak_url = keycloak_url;
        if let Some(v) = job_duration_ms {
            cfg.job_duration_ms = v;
        }
        if let Some(v) = leeway_s {
            cfg.leeway_s = v;
        }
        Ok(cfg)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Config, String> {
        Config::from_args(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn defaults_derive_from_issuer() {
        let c = parse(&["--issuer", "http://127.0.0.1:8080/auth/realms/hazy/"]).unwrap();
        assert_eq!(c.issuer, "http://127.0.0.1:8080/auth/realms/hazy");
        assert_eq!(
            c.jwks_url,
            "http://127.0.0.1:8080/auth/realms/hazy/protocol/openid-connect/certs"
        );
        assert_eq!(c.audience, "hazy-hub-backend");
        assert_eq!(c.listen.to_string(), "127.0.0.1:0");
        assert_eq!((c.job_duration_ms, c.leeway_s), (3000, 5));
    }

    #[test]
    fn all_flags() {
        let c = parse(&[
            "--listen=127.0.0.1:4000",
            "--port-file",
            "/tmp/p",
            "--issuer",
            "http://i",
            "--jwks-url",
            "http://j",
            "--audience",
            "aud",
            "--keycloak-url",
            "http://k/auth/",
            "--job-duration-ms",
            "10",
            "--leeway-s",
            "0",
        ])
        .unwrap();
        assert_eq!(c.listen.port(), 4000);
        assert_eq!(c.port_file.unwrap().to_str(), Some("/tmp/p"));
        assert_eq!(
            (c.jwks_url.as_str(), c.audience.as_str()),
            ("http://j", "aud")
        );
        assert_eq!(c.keycloak_url.as_deref(), Some("http://k/auth"));
        assert_eq!((c.job_duration_ms, c.leeway_s), (10, 0));
    }

    #[test]
    fn rejects_missing_issuer_and_unknown_flags() {
        assert!(parse(&[]).unwrap_err().contains("--issuer"));
        assert!(parse(&["--issuer", "x", "--bogus"])
            .unwrap_err()
            .contains("--bogus"));
        assert!(parse(&["--issuer"]).is_err());
    }
}
