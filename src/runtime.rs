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
//!
//! A connection's task stays on the runtime that opened it, which runs only while its thread
//! is inside a call. So when a client closes, the tasks of its dropped pools would keep their
//! sockets and buffers until each thread's next call: [`release_tasks`] runs every idle
//! runtime of the process for a moment, from the closing thread, so that they end now.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, Weak};

use tokio::runtime::{Builder, Runtime};

use crate::error::{Error, Result};
use crate::status::Status;

struct Local {
    pid: u32,
    generation: u64,
    /// Shared only with [`release_tasks`] on another thread, for the moment it runs it.
    runtime: Arc<Runtime>,
}

static GENERATIONS: AtomicU64 = AtomicU64::new(1);

/// Every libhazy runtime made in this process (with the process that made it, since a forked
/// child inherits the list but not the runtimes' threads), for [`release_tasks`].
static RUNTIMES: Mutex<Vec<(u32, Weak<Runtime>)>> = Mutex::new(Vec::new());

/// How many times [`release_tasks`] was asked for: a call during which it changed releases
/// tasks when it ends, since it could not be done from inside the call.
static RELEASES: AtomicU64 = AtomicU64::new(0);

/// Runs of the runtime's scheduler [`release_tasks`] gives each runtime: a connection whose
/// pool is gone ends in its first; the rest cover a shutdown that needs a second look.
const RELEASE_ROUNDS: usize = 4;

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
            let runtime = Arc::new(build()?);
            register(pid, &runtime);
            *slot = Some(Local { pid, generation, runtime });
        }
        let local = slot.as_ref().expect("set above");
        let releases = RELEASES.load(Ordering::SeqCst);
        let output = {
            let _entered = Entered::new(local.generation);
            local.runtime.block_on(future)
        };
        if RELEASES.load(Ordering::SeqCst) != releases {
            // A client closed during the call, perhaps dropping its pools only as the call
            // ended: this thread is outside the runtime again and can run them.
            run_idle_runtimes();
        }
        Ok(output)
    })
}

fn register(pid: u32, runtime: &Arc<Runtime>) {
    let mut all = RUNTIMES.lock().unwrap_or_else(PoisonError::into_inner);
    all.retain(|(made_by, weak)| *made_by == pid && weak.strong_count() > 0);
    all.push((pid, Arc::downgrade(runtime)));
}

/// Lets the tasks of connections whose pool was dropped end, on every libhazy runtime of the
/// process that no thread is running (those that are running end theirs themselves), freeing
/// their sockets and buffers now rather than at their thread's next call. Called when a
/// client's pools are dropped. From inside a runtime it cannot run others; the libhazy call
/// in progress on this thread then does it as it returns.
pub fn release_tasks() {
    RELEASES.fetch_add(1, Ordering::SeqCst);
    // Not inside a runtime, and not so late in the thread's exit that tokio's thread-locals
    // are gone (a client dropped by a thread-local destructor or an atexit handler).
    if tokio::runtime::Handle::try_current().is_err_and(|e| e.is_missing_context()) {
        run_idle_runtimes();
    }
}

fn run_idle_runtimes() {
    let pid = std::process::id();
    let runtimes: Vec<Arc<Runtime>> = RUNTIMES
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .iter()
        .filter(|(made_by, _)| *made_by == pid)
        .filter_map(|(_, weak)| weak.upgrade())
        .collect();
    for runtime in runtimes {
        // A runtime another thread is running is not taken from it: then this only waits out
        // the rounds, which do not depend on the scheduler.
        // Nothing here should panic; if a task does, the close that got here still succeeds.
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            runtime.block_on(async {
                for _ in 0..RELEASE_ROUNDS {
                    tokio::task::yield_now().await;
                }
            })
        }));
    }
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
