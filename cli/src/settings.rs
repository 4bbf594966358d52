//! The library's configuration, from the `HAZY_*` environment (exactly as libhazy reads it),
//! then the flags, then secrets from files or standard input.

use std::io::Read;
use std::path::Path;

use hazy::{Config, Error};

use crate::args::Global;

/// Reads a file given on the command line; `-` is standard input, which only one input may use.
pub struct Inputs {
    stdin_used_by: Option<&'static str>,
}

impl Inputs {
    pub fn new() -> Inputs {
        Inputs { stdin_used_by: None }
    }

    pub fn read(&mut self, what: &'static str, path: &Path) -> Result<String, Error> {
        if path.as_os_str() == "-" {
            if let Some(first) = self.stdin_used_by.replace(what) {
                return Err(Error::invalid_argument(format!(
                    "standard input can carry only one thing: both {first} and {what} are `-`"
                )));
            }
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| Error::invalid_argument(format!("cannot read {what} from standard input: {e}")))?;
            return Ok(text);
        }
        std::fs::read_to_string(path)
            .map_err(|e| Error::invalid_argument(format!("cannot read {what} from '{}': {e}", path.display())))
    }

    /// A secret from a file: one line, its line ending (and surrounding blanks) removed.
    fn read_secret(&mut self, what: &'static str, path: &Path) -> Result<String, Error> {
        let text = self.read(what, path)?;
        let secret = text.trim();
        if secret.is_empty() {
            return Err(Error::invalid_argument(format!("{what} file '{}' is empty", path.display())));
        }
        Ok(secret.to_owned())
    }
}

pub fn config(global: &Global, inputs: &mut Inputs) -> Result<Config, Error> {
    let mut config = Config::from_env()?;
    let flags = [
        ("host", &global.host),
        ("realm", &global.realm),
        ("auth_url", &global.auth_url),
        ("token_url", &global.token_url),
        ("client_id", &global.client_id),
        ("username", &global.username),
        ("scope", &global.scope),
        ("ca_bundle", &global.ca_bundle),
        ("proxy", &global.more.proxy),
        ("no_proxy", &global.more.no_proxy),
        ("proxy_username", &global.more.proxy_username),
    ];
    for (key, value) in flags {
        if let Some(value) = value {
            config.set(key, value).map_err(|e| Error::invalid_argument(format!("--{}: {}", key.replace('_', "-"), e.message())))?;
        }
    }
    // The credential command stands for the client secret or the access token: the flag
    // replaces those of the environment, and a file flag for either replaces the environment's
    // command (a flag for both is refused by the library, naming the two options).
    if let Some(command) = &global.more.credential_command {
        for key in ["client_secret", "client_secret_file", "access_token", "access_token_file"] {
            config.set(key, "")?;
        }
        config.set("credential_command", command)?;
    } else if global.client_secret_file.is_some() || global.access_token_file.is_some() {
        config.set("credential_command", "")?;
    }
    if global.more.credential_command_shell {
        config.set("credential_command_shell", "true")?;
    }
    if let Some(timeout) = global.more.credential_command_timeout {
        // Rounded up: a timeout under a millisecond is not "none".
        let ms = timeout.as_nanos().div_ceil(1_000_000).max(1);
        config.set("credential_command_timeout_ms", &ms.to_string())?;
    }
    // Files the library reads itself, when it needs them (passphrases with their key, the
    // proxy password when the client is made): a path each, never standard input.
    let paths = [
        ("client_private_key_passphrase_file", &global.more.client_private_key_passphrase_file),
        ("client_key_passphrase_file", &global.more.client_key_passphrase_file),
        ("client_cert_p12", &global.more.client_cert_p12),
        ("client_cert_p12_passphrase_file", &global.more.client_cert_p12_passphrase_file),
        ("proxy_password_file", &global.more.proxy_password_file),
    ];
    for (key, path) in paths {
        if let Some(path) = path {
            let flag = format!("--{}", key.replace('_', "-"));
            if path.as_os_str() == "-" {
                return Err(Error::invalid_argument(format!(
                    "{flag}: `-` (standard input) cannot be read again when libhazy needs the file: give a path"
                )));
            }
            let text = path.to_str().ok_or_else(|| Error::invalid_argument(format!("{flag}: the path '{}' is not UTF-8", path.display())))?;
            config.set(key, text)?;
        }
    }
    // A file becomes the library's `*_file` option, read again at every grant, so a secret
    // rotated on disk is picked up by a long wait; `-` (standard input) can be read only once.
    // Either replaces the secret's variable, as flags do.
    let files = [
        ("client_secret", "client secret", &global.client_secret_file),
        ("password", "password", &global.password_file),
        ("access_token", "access token", &global.access_token_file),
    ];
    for (key, what, path) in files {
        if let Some(path) = path {
            let file_key = format!("{key}_file");
            if path.as_os_str() == "-" {
                let secret = inputs.read_secret(what, path)?;
                config.set(&file_key, "")?;
                config.set(key, &secret)?;
            } else {
                let path = path.to_str().ok_or_else(|| {
                    Error::invalid_argument(format!("--{}: the path '{}' is not UTF-8", file_key.replace('_', "-"), path.display()))
                })?;
                config.set(key, "")?;
                config.set(&file_key, path)?;
            }
        }
    }
    if let Some(path) = &global.token_cache {
        let path = match path {
            Some(path) => path.clone(),
            None => default_token_cache()?,
        };
        let path = path.to_str().ok_or_else(|| {
            Error::invalid_argument(format!("--token-cache: the path '{}' is not UTF-8", path.display()))
        })?;
        config.set("token_cache", path).map_err(|e| Error::invalid_argument(format!("--token-cache: {}", e.message())))?;
    }
    // -v and --log-file: besides HAZY_LOG and HAZY_LOG_FILE, which the library still reads.
    config.log_sinks.extend(crate::logs::sink(global.verbose, global.log_file.as_deref())?);
    // The CLI names itself to the Hub unless the caller chose a User-Agent.
    if std::env::var_os("HAZY_USER_AGENT").is_none() {
        config.user_agent = format!("hazy-cli/{} libhazy/{}", env!("CARGO_PKG_VERSION"), hazy::VERSION);
    }
    Ok(config)
}

/// `--token-cache` without a file: `$XDG_CACHE_HOME/hazy/tokens.json`, else
/// `~/.cache/hazy/tokens.json`. The `hazy` directory is made with mode 0700, as the library
/// refuses a cache in a directory that others can write to.
fn default_token_cache() -> Result<std::path::PathBuf, Error> {
    let absolute = |var: &str| std::env::var_os(var).map(std::path::PathBuf::from).filter(|p| p.is_absolute());
    let base = absolute("XDG_CACHE_HOME").or_else(|| absolute("HOME").map(|home| home.join(".cache"))).ok_or_else(|| {
        Error::invalid_argument("--token-cache: neither XDG_CACHE_HOME nor HOME is set to an absolute path: give the file (--token-cache=FILE)")
    })?;
    let dir = base.join("hazy");
    std::fs::create_dir_all(&base)
        .and_then(|()| private_dir(&dir))
        .map_err(|e| Error::invalid_argument(format!("--token-cache: cannot create '{}': {e}", dir.display())))?;
    Ok(dir.join("tokens.json"))
}

#[cfg(unix)]
fn private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    match std::fs::DirBuilder::new().mode(0o700).create(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        other => other,
    }
}

#[cfg(not(unix))]
fn private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)
}
