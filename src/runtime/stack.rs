//! Gives back the stack pages a new thread's call touched, once it has returned.
//!
//! A call's poll path is deep (reqwest, hyper and our own futures: some 90 KB of frames), and a
//! thread's stack keeps every page it ever touched resident until the thread exits. A program
//! that keeps many threads alive, each having made a call or two (a thread per connection or
//! per message), would hold that much per thread for nothing; libcurl's threads hold about 16 KB
//! of stack each (`make bench`, threads alive). After each of a thread's first calls, the pages
//! below the caller's frame are dead, so the kernel may drop them: as glibc does for a thread's
//! stack when the thread exits. A thread that keeps calling is left alone after that: it would
//! only touch them again.

use std::cell::Cell;

/// Left untouched below this function's frame: room for madvise's own frame (a system call).
const MARGIN: usize = 1024;

thread_local! {
    /// This thread's stack, [lowest, highest) above its guard page; (0, 0) when unknown or not
    /// to be touched (the main thread, whose stack the kernel grows on demand).
    static BOUNDS: Cell<Option<(usize, usize)>> = const { Cell::new(None) };
}

fn bounds() -> (usize, usize) {
    BOUNDS.with(|cell| {
        if let Some(bounds) = cell.get() {
            return bounds;
        }
        let bounds = find_bounds().unwrap_or((0, 0));
        cell.set(Some(bounds));
        bounds
    })
}

fn find_bounds() -> Option<(usize, usize)> {
    // SAFETY: plain libc calls on this thread's own attributes, destroyed before returning.
    unsafe {
        // The system call, not glibc's gettid(): that is glibc 2.30's, and releases are built for 2.17.
        if libc::syscall(libc::SYS_gettid) == libc::c_long::from(libc::getpid()) {
            return None;
        }
        let mut attr = std::mem::MaybeUninit::<libc::pthread_attr_t>::uninit();
        if libc::pthread_getattr_np(libc::pthread_self(), attr.as_mut_ptr()) != 0 {
            return None;
        }
        let mut attr = attr.assume_init();
        let (mut addr, mut size) = (std::ptr::null_mut(), 0usize);
        let got = libc::pthread_attr_getstack(&attr, &mut addr, &mut size);
        libc::pthread_attr_destroy(&mut attr);
        (got == 0 && !addr.is_null()).then_some((addr as usize, addr as usize + size))
    }
}

/// Releases the pages of this thread's stack below the caller's frame.
#[inline(never)]
pub fn release_unused() {
    let (low, top) = bounds();
    let marker = 0u8;
    let here = std::hint::black_box(&marker) as *const u8 as usize;
    if here <= low || here >= top {
        // Not on the stack the thread was made with (a coroutine's or a green thread's):
        // what lies below is not known to be free.
        return;
    }
    let page = 4096;
    let high = here.saturating_sub(MARGIN) & !(page - 1);
    if high <= low {
        return;
    }
    // SAFETY: [low, high) lies in this thread's own stack, below every live frame of this
    // thread (the stack grows down, and `high` is MARGIN below this frame); MADV_DONTNEED
    // only makes those pages read as zeros when next touched, as fresh stack does.
    unsafe {
        libc::madvise(low as *mut libc::c_void, high - low, libc::MADV_DONTNEED);
    }
}
