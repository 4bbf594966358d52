//! The command line, declared with clap. Secrets have no flags on purpose: a flag's value is
//! visible to every user in `ps` and /proc/PID/cmdline. They come from the environment, or
//! from a file (or `-`, standard input) named by a `--*-file` flag.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

use crate::duration::parse_duration;

#[derive(Parser, Debug)]
#[command(
    name = "hazy",
    version,
    about = "Train and generate with Hazy's Hub from shell scripts and batch schedulers.",
    long_about = "Train and generate with Hazy's Hub from shell scripts and batch schedulers.\n\n\
        Configuration comes from the same HAZY_* environment variables as libhazy (listed \
        below); the flags override them. Secrets are read only from the environment \
        (HAZY_CLIENT_SECRET, HAZY_PASSWORD, HAZY_ACCESS_TOKEN) or from a file given with a \
        --*-file flag, `-` meaning standard input.\n\n\
        Results go to standard output (one JSON object per line with --json); progress and \
        errors go to standard error.",
    propagate_version = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args, Debug, Clone)]
#[command(next_help_heading = "Global options")]
pub struct Global {
    /// Print each result as one JSON object per line (errors too, on standard error)
    #[arg(long, global = true)]
    pub json: bool,
    /// No progress output while waiting
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// Log libhazy's events on standard error (-v info, -vv debug, -vvv trace)
    #[arg(long, short, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Append those log lines to FILE instead (mode 0600; level from -v, default info)
    #[arg(long, global = true, value_name = "FILE")]
    pub log_file: Option<PathBuf>,
    /// Hub base URL [env: HAZY_HUB_HOST]
    #[arg(long, global = true, value_name = "URL")]
    pub host: Option<String>,
    /// Keycloak realm [env: HAZY_REALM]
    #[arg(long, global = true, value_name = "NAME")]
    pub realm: Option<String>,
    /// Keycloak base URL [env: HAZY_AUTH_URL]
    #[arg(long, global = true, value_name = "URL")]
    pub auth_url: Option<String>,
    /// Full token endpoint URL [env: HAZY_TOKEN_URL]
    #[arg(long, global = true, value_name = "URL")]
    pub token_url: Option<String>,
    /// OAuth client id [env: HAZY_CLIENT_ID]
    #[arg(long, global = true, value_name = "ID")]
    pub client_id: Option<String>,
    /// User for the password grant [env: HAZY_USERNAME]
    #[arg(long, global = true, value_name = "USER")]
    pub username: Option<String>,
    /// `scope` parameter of token requests [env: HAZY_SCOPE]
    #[arg(long, global = true, value_name = "SCOPES")]
    pub scope: Option<String>,
    /// PEM file of extra CA certificates [env: HAZY_CA_BUNDLE]
    #[arg(long, global = true, value_name = "FILE")]
    pub ca_bundle: Option<String>,
    /// Read the client secret from FILE (`-`: standard input) [env: HAZY_CLIENT_SECRET]
    #[arg(long, global = true, value_name = "FILE")]
    pub client_secret_file: Option<PathBuf>,
    /// Read the password from FILE (`-`: standard input) [env: HAZY_PASSWORD]
    #[arg(long, global = true, value_name = "FILE")]
    pub password_file: Option<PathBuf>,
    /// Read a bearer token from FILE (`-`: standard input) [env: HAZY_ACCESS_TOKEN]
    #[arg(long, global = true, value_name = "FILE")]
    pub access_token_file: Option<PathBuf>,
    /// Share tokens with other processes through FILE; alone: $XDG_CACHE_HOME/hazy/tokens.json [env: HAZY_TOKEN_CACHE]
    #[arg(long, global = true, value_name = "FILE", num_args = 0..=1, require_equals = true)]
    pub token_cache: Option<Option<PathBuf>>,
    #[command(flatten)]
    pub more: MoreGlobal,
}

/// The global flags of the credential command, encrypted and PKCS#12 keys, and this command's
/// proxy: under headings of their own, so that their long names leave the others' layout be.
#[derive(Args, Debug, Clone)]
#[command(next_help_heading = "Credential command and keys")]
pub struct MoreGlobal {
    /// Run CMD for every grant; it prints the client secret or a token as JSON [env: HAZY_CREDENTIAL_COMMAND]
    #[arg(long, global = true, value_name = "CMD")]
    pub credential_command: Option<String>,
    /// Run the credential command with /bin/sh -c (cmd /C on Windows) [env: HAZY_CREDENTIAL_COMMAND_SHELL]
    #[arg(long, global = true)]
    pub credential_command_shell: bool,
    /// Kill the credential command after D (default 10s) [env: HAZY_CREDENTIAL_COMMAND_TIMEOUT_MS]
    #[arg(long, global = true, value_name = "D", value_parser = parse_duration)]
    pub credential_command_timeout: Option<Duration>,
    /// Passphrase of an encrypted private_key_jwt key, read from FILE [env: HAZY_CLIENT_PRIVATE_KEY_PASSPHRASE_FILE]
    #[arg(long, global = true, value_name = "FILE")]
    pub client_private_key_passphrase_file: Option<PathBuf>,
    /// Passphrase of an encrypted TLS client key, read from FILE [env: HAZY_CLIENT_KEY_PASSPHRASE_FILE]
    #[arg(long, global = true, value_name = "FILE")]
    pub client_key_passphrase_file: Option<PathBuf>,
    /// PKCS#12 bundle of the TLS client certificate and key [env: HAZY_CLIENT_CERT_P12]
    #[arg(long, global = true, value_name = "FILE")]
    pub client_cert_p12: Option<PathBuf>,
    /// Passphrase of --client-cert-p12, read from FILE [env: HAZY_CLIENT_CERT_P12_PASSPHRASE_FILE]
    #[arg(long, global = true, value_name = "FILE")]
    pub client_cert_p12_passphrase_file: Option<PathBuf>,
    /// Proxy for this command, http:// or https:// [env: HAZY_PROXY]
    #[arg(long, global = true, help_heading = "Proxy", value_name = "URL")]
    pub proxy: Option<String>,
    /// Hosts reached without --proxy, comma-separated [env: HAZY_NO_PROXY]
    #[arg(long, global = true, help_heading = "Proxy", value_name = "LIST")]
    pub no_proxy: Option<String>,
    /// User for the proxy's Basic authentication [env: HAZY_PROXY_USERNAME]
    #[arg(long, global = true, help_heading = "Proxy", value_name = "USER")]
    pub proxy_username: Option<String>,
    /// Read the proxy's password from FILE [env: HAZY_PROXY_PASSWORD_FILE]
    #[arg(long, global = true, help_heading = "Proxy", value_name = "FILE")]
    pub proxy_password_file: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Authentication
    #[command(subcommand)]
    Auth(AuthCommand),
    /// Check the installation step by step and say what to fix
    Doctor(Doctor),
    /// Submit a training job
    Train(Train),
    /// One job: get, wait for or cancel it
    #[command(subcommand)]
    Job(JobCommand),
    /// The jobs of a project
    #[command(subcommand)]
    Jobs(ListCommand),
    /// The trained models of a project
    #[command(subcommand)]
    Models(ListCommand),
    /// Submit a generation job from a trained model
    Generate(Generate),
    /// Print the versions of hazy and libhazy
    Version,
}

#[derive(Subcommand, Debug)]
pub enum AuthCommand {
    /// Authenticate, then print the principal, its scopes and when the token expires (never the token)
    Check,
    /// Print an access token on standard output, for tools that need a bearer token (from the token cache while valid)
    Token,
    /// Revoke the token cache's refresh token at Keycloak, end its session and remove the cache entry
    Logout,
}

/// `hazy doctor`: the Keycloak tutorial's setup, checked against the live installation.
#[derive(Args, Debug)]
pub struct Doctor {
    /// Project whose jobs the authenticated Hub call lists
    #[arg(long, value_name = "ID", default_value = hazy::doctor::DEFAULT_PROJECT)]
    pub project: String,
}

#[derive(Subcommand, Debug)]
pub enum JobCommand {
    /// Print a job's current state
    Get {
        /// Job id
        id: String,
    },
    /// Wait until the job ends; exit with its outcome
    Wait {
        /// Job id
        id: String,
        #[command(flatten)]
        wait: WaitFlags,
    },
    /// Cancel a job on the Hub
    Cancel {
        /// Job id
        id: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum ListCommand {
    /// List them
    List {
        /// The project
        #[arg(long, value_name = "ID")]
        project: String,
    },
}

/// How to wait; for train and generate they need --wait.
#[derive(Args, Debug, Clone, Default)]
pub struct WaitFlags {
    /// Stop waiting after D (e.g. 90s, 10m, 2h; a bare number is seconds) and exit 7
    #[arg(long, value_name = "D", value_parser = parse_duration)]
    pub timeout: Option<Duration>,
    /// On SIGINT or SIGTERM, also cancel the job on the Hub (default: leave it running)
    #[arg(long)]
    pub cancel_on_interrupt: bool,
}

#[derive(Args, Debug)]
pub struct Train {
    /// Project to train in
    #[arg(long, value_name = "ID")]
    pub project: String,
    /// Training config (JSON); `-` reads standard input
    #[arg(long, value_name = "FILE|-")]
    pub config: PathBuf,
    #[command(flatten)]
    pub submit: Submit,
}

#[derive(Args, Debug)]
#[command(group = clap::ArgGroup::new("what").required(true).multiple(true).args(["rows", "config"]))]
pub struct Generate {
    /// Project of the model
    #[arg(long, value_name = "ID")]
    pub project: String,
    /// Trained model to generate from
    #[arg(long, value_name = "ID")]
    pub model: String,
    /// Number of rows to generate
    #[arg(long, value_name = "N")]
    pub rows: Option<u64>,
    /// Generation config (JSON object); `-` reads standard input
    #[arg(long, value_name = "FILE|-")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub submit: Submit,
}

/// Flags shared by the two submissions.
#[derive(Args, Debug)]
pub struct Submit {
    /// Idempotency-Key of the submission: a rerun with the same key and config gets the first job, never a second
    #[arg(long, value_name = "K")]
    pub idempotency_key: Option<String>,
    /// Wait until the job ends, showing progress, and exit with its outcome
    #[arg(long)]
    pub wait: bool,
    /// With --wait: stop waiting after D (e.g. 90s, 10m, 2h; a bare number is seconds) and exit 7
    #[arg(long, value_name = "D", value_parser = parse_duration, requires = "wait")]
    pub timeout: Option<Duration>,
    /// With --wait: on SIGINT or SIGTERM, also cancel the job on the Hub
    #[arg(long, requires = "wait")]
    pub cancel_on_interrupt: bool,
}

impl Submit {
    pub fn wait_flags(&self) -> Option<WaitFlags> {
        self.wait.then_some(WaitFlags { timeout: self.timeout, cancel_on_interrupt: self.cancel_on_interrupt })
    }
}
