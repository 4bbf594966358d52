//! The runtimes behind the blocking API: a thread's first calls run on a runtime shared by
//! the process; a thread that keeps calling gets a current-thread tokio runtime of its own.
//!
//! A blocking call on a thread's own runtime runs its future, and the connections it uses, on
//! the caller's thread: no worker thread to wake and no hand-back of the response, which is
//! where a shared multi-threaded runtime spent most of a short call (docs/design.md). But a
//! connection opened there lives only as long as its thread, so a program that makes a thread
//! per call would pay a runtime, a connection and a TLS handshake per call. A thread's first
//! [`SHARED_CALLS`] calls therefore run on one current-thread runtime shared by the process,
//! whose connections every new thread reuses; from the next call on, the thread uses its own
//! runtime (issue 28). One call at a time runs on the shared runtime, and drives it (its sockets,
//! timers and tasks) on its own thread: a thread per call has no thread hop, as on a runtime of
//! its own. A new thread that finds it taken by another call runs that call on the overflow
//! runtime instead: a multi-thread runtime with one worker, which drives the sockets of every
//! such call. That costs a thread hop per request, but no runtime, pool or connection per
//! thread, which is what made threads that call at once cost three times libcurl's memory.
//! What must be shared across threads (the token cache and its single flight, cancellation)
//! uses tokio's runtime-independent sync primitives, so it works across these runtimes.
//!
//! Each runtime has a generation number, unique in the process, so that the HTTP connection
//! pools kept elsewhere ([`crate::http`]) can tell a runtime they were made for from a later
//! one on a reused thread id or in a forked child, and the shared runtime from the others.
//!
//! A connection's task stays on the runtime that opened it, which runs only while a thread is
//! inside a call on it. So when a client closes, the tasks of its dropped pools would keep
//! their sockets and buffers until the next call there: [`release_tasks`] runs every idle
//! runtime of the process (the shared one too) for a moment, from the closing thread, so that
//! they end now.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
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

/// A thread's first calls, which run on the shared runtime when no other call holds it. A thread
/// that makes no more (a thread per call or per message) never pays for a runtime and a
/// connection of its own; one that makes more pays once, then keeps them.
pub const SHARED_CALLS: u32 = 8;

/// A runtime of the whole process (the shared or the overflow one), with the process that made
/// it: a forked child inherits it without its threads, and makes another. (A child forked while
/// a call held the shared one finds it taken for good: its new threads use the overflow one.)
struct Shared {
    pid: u32,
    generation: u64,
    runtime: Arc<Runtime>,
}

static SHARED: Mutex<Option<Arc<Shared>>> = Mutex::new(None);

/// The runtime of a new thread's call that finds [`SHARED`] taken, made on first need: many
/// threads calling at once share its one worker, which drives their connections while each
/// thread polls its own future (so a thread held up inside its call holds up no one else).
static OVERFLOW: Mutex<Option<Arc<Shared>>> = Mutex::new(None);

/// The generation of [`OVERFLOW`], read on every call without its lock; 0 before it is made.
static OVERFLOW_GENERATION: AtomicU64 = AtomicU64::new(0);

/// Whether a call is running on the shared runtime. One at a time: several threads could block
/// on it together, but then one of them drives everyone's sockets, and a thread held up inside
/// its call (a slow log callback) would hold up the others' (tests/logging, slow callback). A
/// thread that finds it taken makes its own runtime, as a thread that keeps calling does.
static SHARED_TAKEN: AtomicBool = AtomicBool::new(false);

/// The shared runtime, taken for one call; given back when dropped, also when the call panics.
struct Claim;

impl Claim {
    fn take() -> Option<Claim> {
        // Not then_some(Claim): that would make, and drop, a Claim on failure too, giving back
        // the claim another thread holds.
        SHARED_TAKEN.compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed).is_ok().then(|| Claim)
    }
}

impl Drop for Claim {
    fn drop(&mut self) {
        SHARED_TAKEN.store(false, Ordering::Release);
    }
}
/// The generation of [`SHARED`], read on every call without its lock; 0 before it is made.
static SHARED_GENERATION: AtomicU64 = AtomicU64::new(0);

thread_local! {
    static LOCAL: RefCell<Option<Local>> = const { RefCell::new(None) };
    /// Calls this thread has made, counted up to [`SHARED_CALLS`]: while fewer, it is a new
    /// thread, which may run its call on the shared runtime.
    static MADE: Cell<u32> = const { Cell::new(0) };
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

/// Whether `generation` is the shared or the overflow runtime's (of this process): their
/// connections may be used from any thread.
pub fn is_shared(generation: u64) -> bool {
    SHARED_GENERATION.load(Ordering::Relaxed) == generation || OVERFLOW_GENERATION.load(Ordering::Relaxed) == generation
}

/// The shared runtime of this process, made on first use.
fn shared(pid: u32) -> Result<Arc<Shared>> {
    process_wide(&SHARED, &SHARED_GENERATION, pid, || {
        let runtime = Arc::new(build()?);
        // Run by release_tasks when no call holds it, like a thread's own.
        register(pid, &runtime);
        Ok(runtime)
    })
}

/// The overflow runtime of this process, made on first use. Its worker runs its tasks, so
/// release_tasks need not.
fn overflow(pid: u32) -> Result<Arc<Shared>> {
    process_wide(&OVERFLOW, &OVERFLOW_GENERATION, pid, || {
        Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("hazy-io")
            .enable_all()
            .build()
            .map(Arc::new)
            .map_err(|e| Error::new(Status::InvalidState, format!("cannot start the runtime: {e}")))
    })
}

/// The runtime in `slot` if this process made it, else a new one from `make`.
fn process_wide(
    slot: &Mutex<Option<Arc<Shared>>>,
    generation_of: &AtomicU64,
    pid: u32,
    make: impl FnOnce() -> Result<Arc<Runtime>>,
) -> Result<Arc<Shared>> {
    let mut slot = slot.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(shared) = slot.as_ref().filter(|s| s.pid == pid) {
        return Ok(shared.clone());
    }
    if let Some(inherited) = slot.take() {
        // Inherited across fork(): its threads are gone, and its drop would wait for them.
        std::mem::forget(inherited);
    }
    let generation = GENERATIONS.fetch_add(1, Ordering::Relaxed);
    let shared = Arc::new(Shared { pid, generation, runtime: make()? });
    *slot = Some(shared.clone());
    generation_of.store(generation, Ordering::Relaxed);
    Ok(shared)
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
    // A call's future is some 19 KB, and passing it down by value to where tokio pins it
    // copies it into frame after frame: a new thread's stack grew by ~190 KB in its first call
    // (RSS per live thread, `make bench`). On the heap, only its pointer is passed.
    let mut future = Box::pin(future);
    run(future.as_mut())
}

/// [`block_on`] for the future `make` returns, built straight into its box: a call's future is
/// some 19 KB, which would otherwise be made on the caller's stack first and copied.
pub fn block_on_with<F: Future>(make: impl FnOnce() -> F) -> Result<F::Output> {
    ensure_blocking_allowed()?;
    let mut future = Box::pin(make());
    run(future.as_mut())
}

/// [`block_on`] past the boxing.
fn run<T>(future: Pin<&mut dyn Future<Output = T>>) -> Result<T> {
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
        let releases = RELEASES.load(Ordering::SeqCst);
        let made = MADE.with(Cell::get);
        let new_thread = made < SHARED_CALLS;
        if new_thread {
            MADE.with(|n| n.set(made + 1));
        }
        let claim = (slot.is_none() && new_thread).then(Claim::take).flatten();
        let output = if claim.is_some() {
            let shared = shared(pid)?;
            let _entered = Entered::new(shared.generation);
            shared.runtime.block_on(future)
        } else if slot.is_none() && new_thread {
            let overflow = overflow(pid)?;
            let _entered = Entered::new(overflow.generation);
            overflow.runtime.block_on(future)
        } else {
            if slot.is_none() {
                let generation = GENERATIONS.fetch_add(1, Ordering::Relaxed);
                let runtime = Arc::new(build()?);
                register(pid, &runtime);
                *slot = Some(Local { pid, generation, runtime });
            }
            let local = slot.as_ref().expect("set above");
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

    /// The generations of the runtimes a new thread's first calls run on.
    fn generations(calls: u32) -> Vec<u64> {
        std::thread::spawn(move || (0..calls).map(|_| block_on(async { current_generation() }).unwrap().unwrap()).collect())
            .join()
            .unwrap()
    }

    /// Other tests' calls may hold the shared runtime at the time: a thread that finds it taken
    /// makes its own, so these try a few threads.
    const TRIES: usize = 200;

    #[test]
    fn new_threads_share_a_runtime_and_a_thread_that_keeps_calling_gets_its_own() {
        // The shared runtime's generation, seen by each thread that made all its first calls there.
        let mut seen = Vec::new();
        for _ in 0..TRIES {
            let one = generations(SHARED_CALLS + 2);
            let own = one.iter().position(|g| !is_shared(*g)).expect("a thread gets its own runtime after its first calls");
            assert_eq!(own, SHARED_CALLS as usize, "a thread's first calls run on runtimes of the process: {one:?}");
            assert!(one[own..].iter().all(|g| *g == one[own]), "a thread keeps its own runtime: {one:?}");
            if one[..own].iter().all(|g| *g == one[0] && *g == SHARED_GENERATION.load(Ordering::Relaxed)) {
                seen.push(one[0]);
                if seen.len() == 2 {
                    assert_eq!(seen[0], seen[1], "every new thread starts on the same shared runtime");
                    return;
                }
            }
        }
        panic!("fewer than two new threads made their first calls on the shared runtime in {TRIES} tries");
    }

    #[test]
    fn a_call_finding_the_shared_runtime_taken_runs_on_the_overflow_runtime_at_once() {
        for _ in 0..TRIES {
            let (inside_tx, inside_rx) = std::sync::mpsc::channel();
            let (release_tx, release_rx) = tokio::sync::oneshot::channel::<()>();
            let holder = std::thread::spawn(move || {
                block_on(async move {
                    inside_tx.send(current_generation().unwrap()).unwrap();
                    let _ = release_rx.await;
                })
                .unwrap()
            });
            let held = inside_rx.recv().unwrap();
            // While the holder waits inside its call, another new thread's calls still complete.
            let other = generations(2);
            release_tx.send(()).unwrap();
            holder.join().unwrap();
            if held == SHARED_GENERATION.load(Ordering::Relaxed) {
                assert!(other.iter().all(|g| *g != held && is_shared(*g)), "{held} held; the other thread ran on {other:?}");
                assert_eq!(other[0], OVERFLOW_GENERATION.load(Ordering::Relaxed));
                return;
            }
        }
        panic!("no thread got the shared runtime in {TRIES} tries");
    }

    #[test]
    fn the_shared_runtime_refuses_nested_blocking_calls_too() {
        let nested = std::thread::spawn(|| block_on(async { block_on(async { 7 }) }).unwrap()).join().unwrap();
        assert_eq!(nested.unwrap_err().status(), Status::InvalidState);
    }
}
