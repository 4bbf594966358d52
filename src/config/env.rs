//! The `HAZY_*` environment variables: each option's variable, read on top of the defaults.

use super::options::OPTIONS;
use super::settings::Config;
use crate::error::{Error, Result};

impl Config {
    /// A config from the `HAZY_*` environment variables on top of the defaults.
    pub fn from_env() -> Result<Config> {
        let mut config = Config::default();
        config.apply_env()?;
        Ok(config)
    }

    /// Sets every option whose environment variable is present and non-empty.
    pub fn apply_env(&mut self) -> Result<()> {
        for (key, var, _) in OPTIONS {
            match std::env::var(var) {
                Ok(value) if !value.is_empty() => self
                    .set(key, &value)
                    .map_err(|e| Error::invalid_argument(format!("{var}: {}", e.message())))?,
                Ok(_) => {}
                Err(std::env::VarError::NotPresent) => {}
                Err(std::env::VarError::NotUnicode(_)) => {
                    return Err(Error::invalid_argument(format!("{var} is not valid UTF-8")))
                }
            }
        }
        Ok(())
    }
}
