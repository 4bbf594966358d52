//! The binary as the test stack runs it: flags, port file, startup line.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn binary_writes_port_file_and_serves_health() {
    let dir = std::env::temp_dir().join(format!("hub-sim-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let port_file = dir.join("port");
    let _ = std::fs::remove_file(&port_file);
    let mut child = Child(
        Command::new(env!("CARGO_BIN_EXE_hazy-hub-sim"))
            .args(["--listen", "127.0.0.1:0", "--port-file"])
            .arg(&port_file)
            .args([
                "--issuer",
                "http://127.0.0.1:9/auth/realms/hazy",
                "--job-duration-ms",
                "100",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    let port: u16 = loop {
        if let Ok(s) = std::fs::read_to_string(&port_file) {
            break s
                .trim()
                .parse()
                .expect("port file holds a whole port number");
        }
        assert!(Instant::now() < deadline, "no port file");
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut line = String::new();
    BufReader::new(child.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(
        line.trim(),
        format!("hazy-hub-sim listening on http://127.0.0.1:{port}")
    );

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let http = hazy_hub_sim::http_client_builder().build().unwrap();
        let health = http
            .get(format!("http://127.0.0.1:{port}/api/v1/health"))
            .send()
            .await
            .unwrap();
        assert_eq!(health.status(), 200);
        // The JWKS at port 9 is unreachable: a token cannot be verified, so 503, not 401.
        let resp = http
            .get(format!("http://127.0.0.1:{port}/api/v1/projects/p1/jobs"))
            .bearer_auth("eyJhbGciOiJSUzI1NiIsImtpZCI6ImsifQ.e30.c2ln")
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 503);
        assert!(resp.headers().contains_key("retry-after"));
    });
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_flags_exit_2_with_usage() {
    let out = Command::new(env!("CARGO_BIN_EXE_hazy-hub-sim"))
        .arg("--listen")
        .arg("nope")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = Command::new(env!("CARGO_BIN_EXE_hazy-hub-sim"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--issuer"));
}
