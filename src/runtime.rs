//! The runtimes behind the blocking API: one current-thread tokio runtime per calling thread.
//!
//! A blocking call runs its future, and the connections it uses, on the caller's own thread:
//! no worker thread to wake and no hand-back of the response, which is where a shared
//! multi-threaded runtime spent most of a short call (README, "Design notes"). What must be
//! shared across threads (the token cache and its single flight, cancellation) uses tokio's
//! runtime-independent sync primitives, so it works across these runtimes.
//!
//! Each runtime has a generation number, unique in the process, so that per-thread state kept
//! elsewhere (the HTTP connection pools in [`crate::http`]) can tell a runtime it was made for
//! from a later one on a reused thread id or in a forked child.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::runtime::{Builder, Runtime};

use crate::error::{Error, Result};
use crate::status::Status;

struct Local {
    pid: u32,
    generation: u64,
    runtime: Runtime,
}

static GENERATIONS: AtomicU64 = AtomicU64::new(1);

thread_local! {
    static LOCAL: RefCell<Option<Local>> = const { RefCell::new(None) };
    /// The generation of the runtime this thread is inside `block_on` of, if any.
    static ENTERED: Cell<Option<u64>> = const { Cell::new(None) };
}

fn build() -> Result<Runtime> {
    Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::new(Status::InvalidState, format!("cannot start the runtime: {e}")))
}

/// The generation of the libhazy runtime driving the current thread, when called from inside
/// [`block_on`]; None on any other thread or runtime (a host program's own tokio runtime).
pub fn current_generation() -> Option<u64> {
    ENTERED.with(Cell::get)
}

/// Fails when called from inside an async context (a libhazy call in progress on this thread,
/// or a host program's own tokio runtime), where blocking would deadlock or panic.
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

/// Runs a future to completion on this thread's runtime, blocking the thread.
pub fn block_on<F: Future>(future: F) -> Result<F::Output> {
    ensure_blocking_allowed()?;
    LOCAL.with(|slot| {
        let mut slot = slot.try_borrow_mut().map_err(|_| {
            Error::new(Status::InvalidState, "libhazy's blocking API was re-entered on the same thread")
        })?;
        let pid = std::process::id();
        if slot.as_ref().is_some_and(|local| local.pid != pid) {
            // Inherited across fork(): the runtime's blocking-pool threads are gone, and its
            // drop would wait for them. Leak it.
            std::mem::forget(slot.take());
        }
        if slot.is_none() {
            let generation = GENERATIONS.fetch_add(1, Ordering::Relaxed);
            *slot = Some(Local { pid, generation, runtime: build()? });
        }
        let local = slot.as_ref().expect("set above");
        let _entered = Entered::new(local.generation);
        Ok(local.runtime.block_on(future))
    })
}

/// Marks the thread as inside `block_on` until dropped, also when the future panics.
struct Entered(Option<u64>);

impl Entered {
    fn new(generation: u64) -> Entered {
        Entered(ENTERED.with(|e| e.replace(Some(generation))))
    }
}

impl Drop for Entered {
    fn drop(&mut self) {
        ENTERED.with(|e| e.set(self.0));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocking_from_an_ordinary_thread_works() {
        assert_eq!(block_on(async { 7 }).unwrap(), 7);
        assert_eq!(current_generation(), None);
    }

    #[test]
    fn blocking_from_inside_a_runtime_is_refused_not_a_panic() {
        // As if a task of the call in progress called back into the blocking API.
        let nested = block_on(async { block_on(async { 7 }) }).unwrap();
        assert_eq!(nested.unwrap_err().status(), Status::InvalidState);
        // A host program's own runtime.
        let host = Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
        let inside_task = host.block_on(host.spawn(async { block_on(async { 7 }) })).unwrap();
        assert_eq!(inside_task.unwrap_err().status(), Status::InvalidState);
        assert_eq!(host.block_on(async { block_on(async { 7 }) }).unwrap_err().status(), Status::InvalidState);
    }

    #[test]
    fn each_thread_has_its_own_runtime_and_keeps_it() {
        let inside = || block_on(async { current_generation() }).unwrap().unwrap();
        let here = inside();
        assert_eq!(inside(), here, "a thread's runtime is reused");
        let there = std::thread::spawn(inside).join().unwrap();
        assert_ne!(there, here, "another thread has its own");
    }
}
