//! The one internal tokio runtime behind the blocking C API. Rust callers who want a blocking
//! interface use [`block_on`] too.
//!
//! Created lazily on first use, shared by every client, and rebuilt (the old one leaked) in a
//! child after `fork()`: tokio's worker threads do not survive a fork, so a child must never
//! touch the parent's runtime.

use std::future::Future;
use std::sync::{Arc, Mutex};

use tokio::runtime::{Builder, Runtime};

use crate::error::{Error, Result};
use crate::status::Status;

struct Owned {
    pid: u32,
    runtime: Arc<Runtime>,
}

static RUNTIME: Mutex<Option<Owned>> = Mutex::new(None);

/// The runtime of the current process, and the pid it belongs to.
pub fn get() -> Result<(u32, Arc<Runtime>)> {
    let pid = std::process::id();
    let mut slot = RUNTIME.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(owned) = slot.as_ref() {
        if owned.pid == pid {
            return Ok((pid, owned.runtime.clone()));
        }
        // Inherited from the parent across fork(): its threads are gone, and dropping it
        // would try to join them. Leak it.
        std::mem::forget(slot.take());
    }
    let runtime = Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("hazy-runtime")
        .enable_all()
        .build()
        .map_err(|e| Error::new(Status::InvalidState, format!("cannot start the runtime: {e}")))?;
    let runtime = Arc::new(runtime);
    *slot = Some(Owned { pid, runtime: runtime.clone() });
    Ok((pid, runtime))
}

/// Fails when called from inside an async context (a libhazy runtime thread, or a host
/// program's own tokio runtime), where blocking would deadlock or panic.
pub fn ensure_blocking_allowed() -> Result<()> {
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(Error::new(
            Status::InvalidState,
            "libhazy's blocking API was called from inside an async runtime thread; \
             call it from an ordinary thread",
        ));
    }
    Ok(())
}

/// Runs a future to completion on the shared runtime, blocking the calling thread.
pub fn block_on<F: Future>(future: F) -> Result<F::Output> {
    ensure_blocking_allowed()?;
    let (_, runtime) = get()?;
    Ok(runtime.block_on(future))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocking_from_an_ordinary_thread_works() {
        assert_eq!(block_on(async { 7 }).unwrap(), 7);
    }

    #[test]
    fn blocking_from_inside_a_runtime_is_refused_not_a_panic() {
        let (_, runtime) = get().unwrap();
        // As if a task on the library's own runtime called back into the blocking API.
        let nested = runtime.block_on(async { block_on(async { 7 }) });
        assert_eq!(nested.unwrap_err().status(), Status::InvalidState);
        let inside_task = runtime.block_on(runtime.spawn(async { block_on(async { 7 }) })).unwrap();
        assert_eq!(inside_task.unwrap_err().status(), Status::InvalidState);
    }
}
