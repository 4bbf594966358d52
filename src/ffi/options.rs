//! `hazy_options_t`: string key/value settings, so new options never change the ABI.

use std::ffi::c_char;

use super::boundary::{free_box, guard_value, optional_str, required_ptr, required_str};
use super::error::{guard, hazy_error_t};
use crate::config::Config;
use crate::status::Status;

/// Settings for hazy_client_new. Not thread-safe: fill it from one thread, then pass it.
pub struct hazy_options_t {
    pub(crate) config: Config,
    /// Set by hazy_options_set_log_callback; one per options, replaced when set again.
    pub(crate) log_callback: Option<std::sync::Arc<dyn crate::logging::Sink>>,
}

impl hazy_options_t {
    /// The configuration a client is made from: the settings and the log callback.
    pub(crate) fn client_config(&self) -> Config {
        let mut config = self.config.clone();
        config.log_sinks.extend(self.log_callback.clone());
        config
    }
}

/// Creates options holding the defaults (realm "hazy", 10 s connect timeout, 30 s request
/// timeout, ...; see the README's configuration table). Never returns NULL. Free with
/// hazy_options_free.
#[no_mangle]
pub extern "C" fn hazy_options_new() -> *mut hazy_options_t {
    Box::into_raw(Box::new(hazy_options_t { config: Config::default(), log_callback: None }))
}

/// Sets option `key` to `value` (both UTF-8). The keys are listed in the README, e.g.
/// "host", "realm", "client_id", "client_secret", "token_url", "connect_timeout_ms",
/// "ca_bundle", "client_auth", "client_private_key", "client_cert", "client_key". An empty or
/// NULL `value` clears an optional setting.
///
/// Returns HAZY_STATUS_OK, or HAZY_STATUS_INVALID_ARGUMENT for an unknown key or a malformed
/// value (the message names the key). Key and certificate files are read by
/// hazy_client_new, which returns HAZY_STATUS_INVALID_ARGUMENT naming the option and path
/// when one is missing, unreadable or not a usable PEM key or certificate.
#[no_mangle]
pub unsafe extern "C" fn hazy_options_set(
    options: *mut hazy_options_t,
    key: *const c_char,
    value: *const c_char,
    error: *mut *mut hazy_error_t,
) -> Status {
    guard(error, || {
        required_ptr(options, "options")?;
        // SAFETY: NULL or a NUL-terminated string that outlives the call (the header's contract).
        let key = unsafe { required_str(key, "key")? };
        // SAFETY: NULL or a NUL-terminated string that outlives the call (the header's contract).
        let value = unsafe { optional_str(value, "value")? }.unwrap_or("");
        // The only way for the C, C++ and Miri tests to reach the panic boundary. Builds with
        // debug assertions (the ones they test) have it, armed only by HAZY_ALLOW_DEBUG_PANIC=1;
        // release builds do not, so there the key is unknown like any other.
        #[cfg(debug_assertions)]
        if key == "debug_panic" && std::env::var_os("HAZY_ALLOW_DEBUG_PANIC").is_some_and(|v| v == "1") {
            panic!("deliberate panic requested through the debug_panic option");
        }
        // SAFETY: checked non-NULL above; options are filled from one thread (the header's contract).
        unsafe { &mut *options }.config.set(key, value)
    })
}

/// Sets every option whose `HAZY_*` environment variable is set and non-empty (e.g.
/// HAZY_HUB_HOST, HAZY_CLIENT_ID, HAZY_CLIENT_SECRET; see the README). Call it before
/// hazy_options_set for explicit settings to win.
///
/// Returns HAZY_STATUS_OK, or HAZY_STATUS_INVALID_ARGUMENT naming a malformed variable.
#[no_mangle]
pub unsafe extern "C" fn hazy_options_load_env(options: *mut hazy_options_t, error: *mut *mut hazy_error_t) -> Status {
    guard(error, || {
        required_ptr(options, "options")?;
        // SAFETY: checked non-NULL above; options are filled from one thread (the header's contract).
        unsafe { &mut *options }.config.apply_env()
    })
}

/// Frees options. NULL does nothing. Clients created from them keep their own copy.
#[no_mangle]
pub unsafe extern "C" fn hazy_options_free(options: *mut hazy_options_t) {
    // SAFETY: NULL or an object this library handed out, freed once (the header's contract).
    guard_value((), || unsafe { free_box(options) })
}

