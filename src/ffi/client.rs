//! `hazy_client_t`: creation, authentication, tokens.

use std::ffi::{c_char, CString};
use std::sync::Arc;

use secrecy::{ExposeSecret, SecretString};

use super::boundary::{guard_value, optional_str, required_ptr, required_str};
use super::error::{guard, hazy_error_t};
use super::options::hazy_options_t;
use crate::auth::Credentials;
use crate::client::Client;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::runtime;
use crate::status::Status;

/// A Hub client: settings, connection pools and a token cache. Thread-safe: share one
/// client between threads; one token request is in flight however many threads need one.
///
/// The handle is reference-counted: the caller's reference (released by hazy_free) and one
/// per call in progress. So hazy_free while another thread is inside a call is safe: that
/// call ends (a wait with HAZY_STATUS_CLOSED) and the memory goes with the last reference.
/// Bindings need no count of their own: hazy_client_close releases everything heavy at once,
/// and hazy_free (from a finalizer, say) frees what little is left.
pub struct hazy_client_t {
    pub(crate) client: Client,
    /// A handle from hazy_client_with_traceparent: hazy_free releases it without closing the
    /// client it shares.
    pub(crate) view: bool,
}

/// A call's reference to a client, released when the call returns.
pub(crate) struct Held(Arc<hazy_client_t>);

impl std::ops::Deref for Held {
    type Target = Client;
    fn deref(&self) -> &Client {
        &self.0.client
    }
}

impl hazy_client_t {
    /// A reference to the client behind a handle for the length of a call, after the checks
    /// every call makes.
    pub(crate) fn get(p: *const hazy_client_t) -> Result<Held> {
        required_ptr(p, "client")?;
        // SAFETY: a non-NULL handle came from Arc::into_raw in hazy_client_new, and the
        // caller's own reference is alive: a call may not start after hazy_free returned,
        // only run while it happens. The count is raised before a second Arc is made of it.
        let held = Held(unsafe {
            Arc::increment_strong_count(p);
            Arc::from_raw(p)
        });
        held.check_process()?;
        super::log::check_not_in_callback()?;
        runtime::ensure_blocking_allowed()?;
        Ok(held)
    }
}

/// Creates a client. `options` may be NULL: then settings come from the `HAZY_*`
/// environment variables. The options are copied; free them when convenient.
///
/// No network traffic happens here. Returns HAZY_STATUS_OK and writes `*client_out`, or
/// HAZY_STATUS_INVALID_ARGUMENT (a NULL `client_out`, a malformed host or environment
/// variable, an unreadable CA bundle; a missing, unreadable or unusable client_private_key,
/// client_cert or client_key, named with its path but never its content; client_auth
/// private_key_jwt without client_private_key; a token_cache whose directory does not exist,
/// or any token_cache on Windows). A token_cache that others could read or write is not an
/// error: it is refused with a warning and the client works without it. Free the client with
/// hazy_free.
#[no_mangle]
pub unsafe extern "C" fn hazy_client_new(
    options: *const hazy_options_t,
    client_out: *mut *mut hazy_client_t,
    error: *mut *mut hazy_error_t,
) -> Status {
    guard(error, || {
        required_ptr(client_out, "client_out")?;
        // SAFETY: NULL or a live object this library handed out (the header's contract).
        let config = match unsafe { options.as_ref() } {
            Some(o) => o.client_config(),
            None => Config::from_env()?,
        };
        let client = Client::new(config)?;
        // SAFETY: client_out was checked non-NULL above; the caller gives a writable slot.
        unsafe { *client_out = Arc::into_raw(Arc::new(hazy_client_t { client, view: false })).cast_mut() };
        Ok(())
    })
}

/// Closes the client (as hazy_client_close) and releases the caller's reference to it: the
/// only function that frees the handle. NULL does nothing. Safe while other threads are inside
/// calls on the client: their waits end with HAZY_STATUS_CLOSED, other calls finish, and the
/// memory is freed when the last one returns. No call may *start* with the handle once
/// hazy_free has returned. On a handle from hazy_client_with_traceparent it releases only that
/// handle and closes nothing.
#[no_mangle]
pub unsafe extern "C" fn hazy_free(client: *mut hazy_client_t) {
    guard_value((), || {
        if !client.is_null() {
            // SAFETY: the handle came from Arc::into_raw in hazy_client_new, and this is the
            // caller's one reference, given up here exactly once.
            let owner = unsafe { Arc::from_raw(client) };
            if !owner.view {
                owner.client.close();
            }
        }
    })
}

/// A second handle to `client` whose calls join the caller's trace `traceparent` (a W3C
/// trace context, `00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>`) instead of the
/// configured one: every request made through it carries that trace id, with a new span id
/// per attempt. Use one per incoming request of your own service, for example. The handle
/// shares the client's connections, token cache and state: hazy_client_close on either closes
/// both. hazy_free on it releases only this handle, and the client stays usable through its
/// own. NULL or "" `traceparent`: the handle starts a new trace per call.
///
/// Returns HAZY_STATUS_OK and writes `*view_out`; HAZY_STATUS_INVALID_ARGUMENT for a NULL
/// client or view_out, or a malformed traceparent; HAZY_STATUS_CLOSED if the client is closed.
#[no_mangle]
pub unsafe extern "C" fn hazy_client_with_traceparent(
    client: *mut hazy_client_t,
    traceparent: *const c_char,
    view_out: *mut *mut hazy_client_t,
    error: *mut *mut hazy_error_t,
) -> Status {
    guard(error, || {
        let c = hazy_client_t::get(client)?;
        required_ptr(view_out, "view_out")?;
        // SAFETY: NULL or a NUL-terminated string that outlives the call (the header's contract).
        let parent = match unsafe { optional_str(traceparent, "traceparent")? } {
            Some(tp) if !tp.is_empty() => Some(crate::trace::TraceParent::parse(tp)?),
            _ => None,
        };
        if c.is_closed() {
            return Err(Error::closed());
        }
        let view = hazy_client_t { client: c.with_traceparent(parent), view: true };
        // SAFETY: view_out was checked non-NULL above; the caller gives a writable slot.
        unsafe { *view_out = Arc::into_raw(Arc::new(view)).cast_mut() };
        Ok(())
    })
}

/// Closes the client without freeing the handle: every hazy_job_wait in progress on it
/// returns HAZY_STATUS_CLOSED promptly (within milliseconds), calls already sending a request
/// finish it (none of them gets a new token), and every later call on it, or on a handle from
/// hazy_client_with_traceparent sharing it, returns HAZY_STATUS_CLOSED.
///
/// Close releases the client's resources at once: its HTTP connection pools (one per calling
/// thread) and their connections, the token cache (access and refresh tokens, and the
/// credentials from the options or hazy_authenticate_*, all wiped), and the Hub client. When
/// calls are still in progress on other threads, they are released as the last of them
/// returns, so a call racing close never uses freed state. The handle itself, the settings without their
/// secrets, and the log sinks stay until hazy_free, which remains necessary and is the only
/// function that frees the handle. hazy_token_request_count keeps working.
///
/// Idempotent; callable from any thread, concurrently with any call on the client, including
/// another hazy_client_close; NULL does nothing.
#[no_mangle]
pub unsafe extern "C" fn hazy_client_close(client: *mut hazy_client_t) {
    guard_value((), || {
        // SAFETY: NULL or a live handle from hazy_client_new (not yet given to hazy_free).
        if let Some(handle) = unsafe { client.as_ref() } {
            handle.client.close();
        }
    })
}

/// Authenticates with the credentials in the client's options or environment: a bearer
/// token (access_token) if set, else the password grant if username and password are set,
/// else client_credentials with client_id and client_secret. Blocks until Keycloak answers.
/// The token is cached and renewed automatically before it expires.
///
/// Returns HAZY_STATUS_OK; HAZY_STATUS_INVALID_ARGUMENT (no credentials configured);
/// HAZY_STATUS_AUTH (rejected; the error carries Keycloak's `error`); HAZY_STATUS_FORBIDDEN
/// (invalid_scope); HAZY_STATUS_NOT_FOUND (unknown realm or token URL); HAZY_STATUS_NETWORK,
/// HAZY_STATUS_TIMEOUT, HAZY_STATUS_TLS, HAZY_STATUS_SERVER, HAZY_STATUS_PROTOCOL;
/// HAZY_STATUS_INVALID_STATE (called from a libhazy runtime thread, or after fork()).
#[no_mangle]
pub unsafe extern "C" fn hazy_authenticate(client: *mut hazy_client_t, error: *mut *mut hazy_error_t) -> Status {
    guard(error, || {
        let client = hazy_client_t::get(client)?;
        runtime::block_on(client.authenticate(None))?
    })
}

/// Authenticates with the client_credentials grant (the seed tutorial's "API key" is the
/// client secret), replacing any earlier credentials. Statuses as for hazy_authenticate.
#[no_mangle]
pub unsafe extern "C" fn hazy_authenticate_client_credentials(
    client: *mut hazy_client_t,
    client_id: *const c_char,
    client_secret: *const c_char,
    error: *mut *mut hazy_error_t,
) -> Status {
    guard(error, || {
        let c = hazy_client_t::get(client)?;
        let credentials = Credentials::ClientCredentials {
            // SAFETY: NULL or a NUL-terminated string that outlives the call (the header's contract).
            client_id: unsafe { required_str(client_id, "client_id")? }.to_owned(),
            // SAFETY: NULL or a NUL-terminated string that outlives the call (the header's contract).
            client_secret: Some(secret(unsafe { required_str(client_secret, "client_secret")? }).into()),
        };
        runtime::block_on(c.authenticate(Some(credentials)))?
    })
}

/// Authenticates with the password grant, as the seed tutorial's code does. `client_secret`
/// may be NULL for a public client. The `audience` option, when set, is sent too. Refresh
/// tokens are used automatically. Statuses as for hazy_authenticate.
#[no_mangle]
pub unsafe extern "C" fn hazy_authenticate_password(
    client: *mut hazy_client_t,
    client_id: *const c_char,
    client_secret: *const c_char,
    username: *const c_char,
    password: *const c_char,
    error: *mut *mut hazy_error_t,
) -> Status {
    guard(error, || {
        let c = hazy_client_t::get(client)?;
        let credentials = Credentials::Password {
            // SAFETY: NULL or a NUL-terminated string that outlives the call (the header's contract).
            client_id: unsafe { required_str(client_id, "client_id")? }.to_owned(),
            // SAFETY: NULL or a NUL-terminated string that outlives the call (the header's contract).
            client_secret: unsafe { optional_str(client_secret, "client_secret")? }
                .filter(|s| !s.is_empty())
                .map(|s| secret(s).into()),
            // SAFETY: NULL or a NUL-terminated string that outlives the call (the header's contract).
            username: unsafe { required_str(username, "username")? }.to_owned(),
            // SAFETY: NULL or a NUL-terminated string that outlives the call (the header's contract).
            password: secret(unsafe { required_str(password, "password")? }).into(),
        };
        runtime::block_on(c.authenticate(Some(credentials)))?
    })
}

/// Uses a bearer token obtained elsewhere (the tutorial's `api_key=token`). No network
/// traffic; the token cannot be refreshed, so when the Hub rejects it calls fail with
/// HAZY_STATUS_AUTH. Returns HAZY_STATUS_OK or HAZY_STATUS_INVALID_ARGUMENT.
#[no_mangle]
pub unsafe extern "C" fn hazy_authenticate_bearer(
    client: *mut hazy_client_t,
    token: *const c_char,
    error: *mut *mut hazy_error_t,
) -> Status {
    guard(error, || {
        let c = hazy_client_t::get(client)?;
        // SAFETY: NULL or a NUL-terminated string that outlives the call (the header's contract).
        let token = secret(unsafe { required_str(token, "token")? });
        runtime::block_on(c.authenticate(Some(Credentials::Bearer(token.into()))))?
    })
}

/// Writes a currently valid access token to `*token_out` (renewing it first if due), for
/// callers that call other Hazy APIs themselves. Free it with hazy_string_free, which wipes
/// it. Treat it as a secret. Statuses as for hazy_authenticate.
#[no_mangle]
pub unsafe extern "C" fn hazy_access_token(
    client: *mut hazy_client_t,
    token_out: *mut *mut c_char,
    error: *mut *mut hazy_error_t,
) -> Status {
    guard(error, || {
        required_ptr(token_out, "token_out")?;
        let c = hazy_client_t::get(client)?;
        let token = runtime::block_on(c.access_token())??;
        // Grants refuse tokens that are not visible ASCII, so a NUL cannot get here; were one
        // to, it is the server's fault, not a reason to panic.
        let owned = CString::new(token.expose_secret())
            .map_err(|_| Error::protocol("the access token contains a NUL character"))?;
        // SAFETY: token_out was checked non-NULL above and is writable (the header's contract).
        unsafe { *token_out = owned.into_raw() };
        Ok(())
    })
}

/// Ends the Keycloak session behind the client's tokens: the refresh token is revoked at the
/// realm's revocation endpoint (RFC 7009, `.../protocol/openid-connect/revoke`) and its session
/// logged out (`.../logout`), both authenticated as token requests are. With the `token_cache`
/// option, the refresh token the cache file holds for the client's credentials is revoked too
/// and its entry removed, under the file's lock. The client forgets its tokens: a later call
/// authenticates anew, with a new session. An access token handed out already stays valid
/// until it expires (the Hub checks tokens itself, it does not ask Keycloak).
///
/// Call it when a program that used the password grant is done, so that its session ends then
/// rather than at Keycloak's idle timeout. No refresh token (client_credentials gives none) is
/// nothing to revoke: HAZY_STATUS_OK.
///
/// Returns HAZY_STATUS_OK; HAZY_STATUS_INVALID_ARGUMENT (no credentials, a bearer token, or a
/// token_url that does not end in /token, beside which the other endpoints are found);
/// HAZY_STATUS_AUTH (Keycloak refused the client); HAZY_STATUS_TIMEOUT (another process held
/// the token cache's lock for request_timeout_ms, or the cache was refused); the network
/// statuses as for hazy_authenticate.
#[no_mangle]
pub unsafe extern "C" fn hazy_logout(client: *mut hazy_client_t, error: *mut *mut hazy_error_t) -> Status {
    guard(error, || {
        let client = hazy_client_t::get(client)?;
        runtime::block_on(client.logout())?.map(drop)
    })
}

/// How many HTTP requests the client has sent to the token endpoint since it was created
/// (retries included). 0 when `client` is NULL. For monitoring and tests.
#[no_mangle]
pub unsafe extern "C" fn hazy_token_request_count(client: *const hazy_client_t) -> u64 {
    // SAFETY: NULL or a live object this library handed out (the header's contract).
    guard_value(0, || unsafe { client.as_ref() }.map_or(0, |c| c.client.token_requests()))
}

fn secret(s: &str) -> SecretString {
    SecretString::from(s.to_owned())
}
