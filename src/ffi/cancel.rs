//! `hazy_cancel_token_t`: cancels a hazy_job_wait from another thread.

use tokio_util::sync::CancellationToken;

use super::boundary::{free_box, guard_value};

/// A cancellation flag shared between a waiting thread and the thread that cancels.
/// Thread-safe.
pub struct hazy_cancel_token_t {
    pub(crate) token: CancellationToken,
}

/// Creates a token that is not cancelled. Never returns NULL. Free with
/// hazy_cancel_token_free once no wait uses it.
#[no_mangle]
pub extern "C" fn hazy_cancel_token_new() -> *mut hazy_cancel_token_t {
    Box::into_raw(Box::new(hazy_cancel_token_t { token: CancellationToken::new() }))
}

/// Cancels: every hazy_job_wait using this token returns HAZY_STATUS_CANCELLED promptly
/// (within milliseconds), and later waits with it return at once. Callable from any thread,
/// any number of times. NULL does nothing.
#[no_mangle]
pub unsafe extern "C" fn hazy_cancel_token_cancel(token: *const hazy_cancel_token_t) {
    guard_value((), || {
        // SAFETY: NULL or a live object this library handed out (the header's contract).
        if let Some(t) = unsafe { token.as_ref() } {
            t.token.cancel()
        }
    })
}

/// Frees a token. It must not be in use by a running hazy_job_wait. NULL does nothing.
#[no_mangle]
pub unsafe extern "C" fn hazy_cancel_token_free(token: *mut hazy_cancel_token_t) {
    // SAFETY: NULL or an object this library handed out, freed once (the header's contract).
    guard_value((), || unsafe { free_box(token) })
}
