package com.hazy;

import com.sun.jna.Pointer;

import java.util.HashSet;
import java.util.Set;

/**
 * Cancels waits ({@link Job#await(java.time.Duration, ProgressListener, CancellationToken)})
 * from another thread: every wait using this token ends promptly with
 * {@link CancelledException}, and later waits with it end at once. Thread-safe; needs no
 * closing. Cancelling a wait never cancels the job on the Hub: use {@link Job#cancel()} for that.
 */
public final class CancellationToken {
    private final Object lock = new Object();
    private final Set<Pointer> waits = new HashSet<Pointer>();
    private boolean cancelled;

    /** Cancels every wait using this token, now and later. Idempotent. */
    public void cancel() {
        synchronized (lock) {
            cancelled = true;
            for (Pointer p : waits) {
                NativeLoader.lib().hazy_cancel_token_cancel(p);
            }
        }
    }

    /** Whether {@link #cancel()} was called. */
    public boolean isCancelled() {
        synchronized (lock) {
            return cancelled;
        }
    }

    /** Links a wait's native token; cancels it at once if this token is cancelled already. */
    void attach(HazyNative lib, Pointer nativeToken) {
        synchronized (lock) {
            waits.add(nativeToken);
            if (cancelled) {
                lib.hazy_cancel_token_cancel(nativeToken);
            }
        }
    }

    /** Unlinks a native token before the wait frees it. */
    void detach(Pointer nativeToken) {
        synchronized (lock) {
            waits.remove(nativeToken);
        }
    }

    @Override
    public String toString() {
        return "CancellationToken[" + (isCancelled() ? "cancelled" : "active") + "]";
    }
}
