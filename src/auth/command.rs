//! The credential command (`credential_command`), as AWS's `credential_process`: a program
//! run whenever a new grant is needed, which prints a client secret or an access token as
//! JSON. Neither its output nor its stderr is ever put in an error or a log record: both may
//! hold secrets.

use std::io::Read;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use secrecy::SecretString;
use zeroize::Zeroizing;

use crate::config::Config;
use crate::error::{Error, Result};
use crate::status::Status;

/// More standard output than this is refused: a credential is a few kilobytes at most.
const MAX_OUTPUT: usize = 1 << 20;

/// How the command is configured. Its words are split when it runs.
#[derive(Clone, Debug)]
pub struct CredentialCommand {
    command: String,
    shell: bool,
    timeout: Duration,
}

/// What the command printed. `Debug` shows no secret (`SecretString` redacts).
#[derive(Debug)]
pub enum CommandOutput {
    /// `{"client_secret": "..."}`: used for this grant's client authentication.
    ClientSecret(SecretString),
    /// `{"access_token": "...", "expires_at": ...}`: used as a bearer token until
    /// `expires_at` (or until the Hub rejects it when there is none).
    AccessToken { token: SecretString, expires_at: Option<SystemTime> },
}

impl CredentialCommand {
    /// The command configured, if any. Its words are checked by [`CredentialCommand::check`].
    pub fn from_config(config: &Config) -> Option<CredentialCommand> {
        config.credential_command.as_ref().map(|command| CredentialCommand {
            command: command.clone(),
            shell: config.credential_command_shell,
            timeout: config.credential_command_timeout,
        })
    }

    /// Whether the command can be split into words (always, with a shell).
    pub fn check(&self) -> Result<()> {
        self.argv().map(drop)
    }

    /// The program and its arguments. With `credential_command_shell`, `/bin/sh -c COMMAND`
    /// (`cmd /C COMMAND` on Windows); else a JSON array of strings, or the words of the text
    /// ([`split_words`]).
    fn argv(&self) -> Result<Vec<String>> {
        if self.shell {
            // On Windows the text goes to cmd unquoted ([`CredentialCommand::command`]).
            let shell: &[&str] = if cfg!(windows) { &["cmd", "/C"] } else { &["/bin/sh", "-c"] };
            return Ok(shell.iter().map(|s| (*s).to_owned()).chain([self.command.clone()]).collect());
        }
        let argv = if self.command.trim_start().starts_with('[') {
            serde_json::from_str::<Vec<String>>(&self.command)
                .map_err(|_| bad("starts with '[' but is not a JSON array of strings"))?
        } else {
            split_words(&self.command)?
        };
        if argv.is_empty() || argv[0].is_empty() {
            return Err(bad("names no program"));
        }
        Ok(argv)
    }

    /// Runs the command on a blocking thread, with its timeout.
    pub async fn run(&self) -> Result<CommandOutput> {
        let command = self.clone();
        match tokio::task::spawn_blocking(move || command.run_blocking()).await {
            Ok(result) => result,
            Err(_) => Err(Error::new(Status::Panic, "option 'credential_command': the thread running the command panicked")),
        }
    }

    /// The process to start for `argv`.
    fn command(&self, argv: &[String]) -> Command {
        #[cfg(windows)]
        if self.shell {
            use std::os::windows::process::CommandExt;
            // cmd reads its command line its own way: the C runtime's quoting that `arg` applies
            // (`\"`) would reach the command as backslashes. /S /C "TEXT" makes cmd drop exactly
            // the outer quotes and run TEXT as written; /D skips the AutoRun commands.
            let mut command = Command::new("cmd");
            command.raw_arg(format!("/D /S /C \"{}\"", self.command));
            return command;
        }
        let mut command = Command::new(&argv[0]);
        command.args(&argv[1..]);
        command
    }

    /// Runs the command and parses what it printed. Stdin is empty; stdout and stderr are
    /// read in full by their own threads (so a chatty child never blocks on a full pipe); the
    /// child is killed at the timeout, and what it wrote is wiped unread.
    pub fn run_blocking(&self) -> Result<CommandOutput> {
        let argv = self.argv()?;
        let started = Instant::now();
        let mut child = self
            .command(&argv)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| {
                let why = match e.kind() {
                    std::io::ErrorKind::NotFound => "no such program".to_owned(),
                    std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
                    _ => e.to_string(),
                };
                Error::new(Status::Auth, format!("option 'credential_command': cannot start '{}': {why}", argv[0]))
            })?;
        let (tx, stdout) = mpsc::channel();
        let mut out = child.stdout.take().expect("piped");
        std::thread::spawn(move || {
            let mut buf = Zeroizing::new(Vec::new());
            let result = (&mut out).take(MAX_OUTPUT as u64 + 1).read_to_end(&mut buf).map(|_| buf);
            // Drain the rest so the child is not blocked on a full pipe.
            let _ = std::io::copy(&mut out, &mut std::io::sink());
            let _ = tx.send(result);
        });
        let mut err = child.stderr.take().expect("piped");
        // Read and dropped: stderr may hold secrets and is never shown.
        std::thread::spawn(move || {
            let mut sink = std::io::sink();
            let _ = std::io::copy(&mut err, &mut sink);
        });
        let timed_out = || {
            Error::new(
                Status::Timeout,
                format!(
                    "option 'credential_command': the credential command did not finish within {} ms \
                     (credential_command_timeout_ms) and was killed",
                    self.timeout.as_millis()
                ),
            )
        };
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if started.elapsed() >= self.timeout => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(timed_out());
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(5)),
                Err(e) => {
                    let _ = child.kill();
                    return Err(Error::new(Status::Auth, format!("option 'credential_command': cannot wait for the command: {e}")));
                }
            }
        };
        if !status.success() {
            let how = match status.code() {
                Some(code) => format!("exited with status {code}"),
                None => "was killed by a signal".to_owned(),
            };
            return Err(Error::new(Status::Auth, format!("option 'credential_command': the credential command {how}")));
        }
        // A process the command left behind may hold stdout open: wait no longer than the timeout.
        let remaining = self.timeout.saturating_sub(started.elapsed());
        let output = match stdout.recv_timeout(remaining) {
            Ok(Ok(output)) => output,
            Ok(Err(e)) => return Err(Error::new(Status::Auth, format!("option 'credential_command': cannot read its output: {e}"))),
            Err(_) => return Err(timed_out()),
        };
        if output.len() > MAX_OUTPUT {
            return Err(bad(&format!("the credential command printed more than {MAX_OUTPUT} bytes")));
        }
        parse_output(&output)
    }
}

fn bad(why: &str) -> Error {
    Error::invalid_argument(format!("option 'credential_command': {why}"))
}

/// Parses the command's output. Messages name the fields, never their values.
pub(crate) fn parse_output(output: &[u8]) -> Result<CommandOutput> {
    #[derive(serde::Deserialize)]
    struct Output {
        client_secret: Option<String>,
        access_token: Option<String>,
        expires_at: Option<serde_json::Value>,
    }
    let parsed: Output = serde_json::from_slice(output).map_err(|_| {
        bad("the credential command's output is not a JSON object with string fields client_secret or access_token (the output is not shown)")
    })?;
    let secret = |s: String| SecretString::from(s);
    match (parsed.client_secret, parsed.access_token) {
        (Some(_), Some(_)) => Err(bad("the credential command printed both client_secret and access_token: print one")),
        (Some(s), None) if !s.is_empty() => Ok(CommandOutput::ClientSecret(secret(s))),
        (None, Some(t)) if !t.is_empty() => {
            let expires_at = parsed.expires_at.as_ref().filter(|v| !v.is_null()).map(parse_expires_at).transpose()?;
            Ok(CommandOutput::AccessToken { token: secret(t), expires_at })
        }
        _ => Err(bad("the credential command printed neither a non-empty client_secret nor a non-empty access_token")),
    }
}

/// `expires_at`: RFC 3339 (`2026-12-07T17:00:00Z`, `...+01:00`, fractions allowed) or unix
/// seconds, as a number or a string of digits.
fn parse_expires_at(value: &serde_json::Value) -> Result<SystemTime> {
    let fail = || bad("expires_at is neither an RFC 3339 time nor unix seconds");
    let seconds = match value {
        serde_json::Value::Number(n) => n.as_f64().ok_or_else(fail)?,
        serde_json::Value::String(s) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => s.parse::<f64>().map_err(|_| fail())?,
        serde_json::Value::String(s) => return parse_rfc3339(s).ok_or_else(fail),
        _ => return Err(fail()),
    };
    if !(0.0..1e12).contains(&seconds) {
        return Err(fail());
    }
    Ok(UNIX_EPOCH + Duration::from_secs_f64(seconds))
}

/// RFC 3339 with `Z` or a `±HH:MM` offset.
fn parse_rfc3339(text: &str) -> Option<SystemTime> {
    let text = text.trim();
    if let Some(utc) = text.strip_suffix(['Z', 'z']) {
        return humantime::parse_rfc3339_weak(utc).ok();
    }
    let (local, offset) = text.split_at(text.len().checked_sub(6)?);
    let sign = match offset.as_bytes()[0] {
        b'+' => 1i64,
        b'-' => -1,
        _ => return None,
    };
    let (hours, minutes) = offset[1..].split_once(':')?;
    let offset = sign * (hours.parse::<i64>().ok()? * 3600 + minutes.parse::<i64>().ok()? * 60);
    let local = humantime::parse_rfc3339_weak(local).ok()?;
    // Local time minus the offset is UTC.
    if offset >= 0 {
        local.checked_sub(Duration::from_secs(offset as u64))
    } else {
        local.checked_add(Duration::from_secs((-offset) as u64))
    }
}

/// Splits a command into words as a POSIX shell would, without expanding anything: blanks
/// separate words; `'...'` keeps everything literally; `"..."` keeps everything but `\"`,
/// `\\`, `\$` and `` \` ``; outside quotes `\` takes the next character literally (a trailing one is kept). The parsing is shell-words'.
pub(crate) fn split_words(text: &str) -> Result<Vec<String>> {
    // shell-words' only error is an unclosed quote; it quotes nothing of the text.
    shell_words::split(text).map_err(|_| bad("has an unclosed quote"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;
    use std::path::PathBuf;

    #[test]
    fn words_split_as_a_shell_would_without_expansion() {
        let cases: &[(&str, &[&str])] = &[
            ("vault-get  --field secret", &["vault-get", "--field", "secret"]),
            ("'/opt/my tools/get' \"a b\" c\\ d", &["/opt/my tools/get", "a b", "c d"]),
            ("x '' \"\" y", &["x", "", "", "y"]),
            ("echo $HOME \"\\$x \\\" \\n\" 'a\\b'", &["echo", "$HOME", "$x \" \\n", "a\\b"]),
            ("  ", &[]),
            ("trailing\\", &["trailing\\"]),
        ];
        for (text, want) in cases {
            assert_eq!(split_words(text).unwrap(), *want, "{text}");
        }
        for bad in ["'open", "\"open"] {
            let e = split_words(bad).unwrap_err();
            assert_eq!(e.status(), Status::InvalidArgument);
            assert!(e.message().contains("credential_command"), "{}", e.message());
        }
    }

    #[test]
    fn a_json_array_is_taken_as_the_words() {
        let c = CredentialCommand { command: r#"["/bin/get secret", "a b"]"#.into(), shell: false, timeout: Duration::from_secs(1) };
        assert_eq!(c.argv().unwrap(), ["/bin/get secret", "a b"]);
        let c = CredentialCommand { command: "[1]".into(), ..c };
        assert_eq!(c.check().unwrap_err().status(), Status::InvalidArgument);
        let c = CredentialCommand { command: "  ".into(), ..c };
        assert!(c.check().unwrap_err().message().contains("names no program"));
        let c = CredentialCommand { command: "echo 'x".into(), shell: true, ..c };
        assert_eq!(c.argv().unwrap().last().unwrap(), "echo 'x");
    }

    #[test]
    fn the_output_is_parsed_and_never_shown() {
        match parse_output(br#"{"client_secret": "CANARY-cs"}"#).unwrap() {
            CommandOutput::ClientSecret(s) => assert_eq!(s.expose_secret(), "CANARY-cs"),
            _ => panic!(),
        }
        match parse_output(br#"{"access_token": "CANARY-at", "expires_at": "2026-12-07T17:00:00Z", "Version": 1}"#).unwrap() {
            CommandOutput::AccessToken { token, expires_at } => {
                assert_eq!(token.expose_secret(), "CANARY-at");
                assert_eq!(expires_at.unwrap().duration_since(UNIX_EPOCH).unwrap().as_secs(), 1_796_662_800);
            }
            _ => panic!(),
        }
        for (expires, secs) in [
            (r#"1796662800"#, 1_796_662_800),
            (r#""1796662800""#, 1_796_662_800),
            (r#""2026-12-07T18:00:00.5+01:00""#, 1_796_662_800),
            (r#""2026-12-07T12:00:00-05:00""#, 1_796_662_800),
        ] {
            let text = format!(r#"{{"access_token": "t", "expires_at": {expires}}}"#);
            let CommandOutput::AccessToken { expires_at, .. } = parse_output(text.as_bytes()).unwrap() else { panic!() };
            assert_eq!(expires_at.unwrap().duration_since(UNIX_EPOCH).unwrap().as_secs(), secs, "{expires}");
        }
        let CommandOutput::AccessToken { expires_at: None, .. } = parse_output(br#"{"access_token": "t"}"#).unwrap() else { panic!() };
        for bad in [
            &b"CANARY-not-json"[..],
            br#"["CANARY-array"]"#,
            br#"{"secret": "CANARY-other"}"#,
            br#"{"client_secret": "", "note": "CANARY-empty"}"#,
            br#"{"client_secret": 12}"#,
            br#"{"client_secret": "CANARY-both", "access_token": "CANARY-both"}"#,
            br#"{"access_token": "CANARY-at", "expires_at": "tomorrow CANARY"}"#,
            br#"{"access_token": "CANARY-at", "expires_at": -5}"#,
        ] {
            let e = parse_output(bad).unwrap_err();
            assert_eq!(e.status(), Status::InvalidArgument, "{}", String::from_utf8_lossy(bad));
            assert!(e.message().contains("credential_command") && !e.message().contains("CANARY"), "{}", e.message());
        }
    }

    fn script(body: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("hazy-command-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("s{}.sh", fastrand::u64(..)));
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        path
    }

    fn command(body: &str, timeout_ms: u64) -> CredentialCommand {
        let path = script(body);
        CredentialCommand { command: format!("/bin/sh '{}'", path.display()), shell: false, timeout: Duration::from_millis(timeout_ms) }
    }

    #[cfg(unix)]
    #[test]
    fn a_command_prints_its_secret_and_its_stderr_is_dropped() {
        let c = command(r#"echo "CANARY-stderr" >&2; printf '{"client_secret": "%s"}' "CANARY-$1-ok""#, 5000);
        let c = CredentialCommand { command: format!("{} arg", c.command), ..c };
        let CommandOutput::ClientSecret(s) = c.run_blocking().unwrap() else { panic!() };
        assert_eq!(s.expose_secret(), "CANARY-arg-ok");
        // The shell, when asked for.
        let c = CredentialCommand { command: r#"echo '{"access_token": "tok'"$((1+1))"'"}'"#.into(), shell: true, timeout: Duration::from_secs(5) };
        let CommandOutput::AccessToken { token, .. } = c.run_blocking().unwrap() else { panic!() };
        assert_eq!(token.expose_secret(), "tok2");
    }

    #[cfg(unix)]
    #[test]
    fn failures_give_their_status_and_never_the_output() {
        let cases = [
            (r#"echo '{"client_secret": "CANARY-exit"}'; echo CANARY-stderr >&2; exit 3"#, Status::Auth, "exited with status 3"),
            (r#"echo 'CANARY-bad-json'; echo CANARY-stderr >&2"#, Status::InvalidArgument, "not a JSON object"),
            (r#"echo '{"token": "CANARY-neither"}'"#, Status::InvalidArgument, "neither"),
            (r#"echo '{"client_secret": "CANARY-late"}'; exec sleep 30"#, Status::Timeout, "did not finish within 300 ms"),
            (r#"kill -9 $$"#, Status::Auth, "killed by a signal"),
        ];
        for (body, status, words) in cases {
            let started = Instant::now();
            let e = command(body, 300).run_blocking().unwrap_err();
            assert_eq!(e.status(), status, "{body}: {}", e.message());
            assert!(e.message().contains(words) && e.message().contains("credential_command"), "{}", e.message());
            assert!(!e.message().contains("CANARY"), "{}", e.message());
            assert!(started.elapsed() < Duration::from_secs(10));
        }
        let missing = CredentialCommand { command: "/nonexistent/hazy-get-secret --flag".into(), shell: false, timeout: Duration::from_secs(1) };
        let e = missing.run_blocking().unwrap_err();
        assert_eq!(e.status(), Status::Auth);
        assert!(e.message().contains("/nonexistent/hazy-get-secret") && e.message().contains("no such program"), "{}", e.message());
    }

    #[cfg(unix)]
    #[test]
    fn a_command_that_leaves_a_child_holding_stdout_still_ends_at_the_timeout() {
        let started = Instant::now();
        let e = command(r#"sleep 30 & echo '{"client_secret": "x"}'"#, 400).run_blocking();
        // Either it read the output (the pipe closed) or it gave up at the timeout; it never hangs.
        if let Err(e) = e {
            assert_eq!(e.status(), Status::Timeout);
        }
        assert!(started.elapsed() < Duration::from_secs(5));
    }
}
