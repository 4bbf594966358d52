package com.hazy;

import java.lang.ref.PhantomReference;
import java.lang.ref.ReferenceQueue;
import java.lang.reflect.Method;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A safety net that runs a cleanup action once an object has become unreachable, like
 * {@code java.lang.ref.Cleaner} (used, through reflection, when the JVM has it: Java 9+), with a
 * {@link PhantomReference} queue drained by one daemon thread on Java 8. The action must not
 * refer to the object it cleans up after.
 */
abstract class Cleaners {

    /** A registration; {@link #clean()} runs the action at most once and deregisters it. */
    interface Cleanable {
        void clean();
    }

    /** Registers {@code action} to run once {@code referent} is phantom reachable. */
    abstract Cleanable register(Object referent, Runnable action);

    /** "java.lang.ref.Cleaner" or "phantom-reference". */
    abstract String kind();

    private static final Cleaners INSTANCE = create();

    static Cleaners get() {
        return INSTANCE;
    }

    private static Cleaners create() {
        // -Dhazy.cleaner=phantom forces the Java 8 implementation (used by the tests).
        if (!"phantom".equals(System.getProperty("hazy.cleaner"))) {
            try {
                return new JdkCleaner();
            } catch (ReflectiveOperationException | RuntimeException e) {
                // Java 8: no java.lang.ref.Cleaner.
            }
        }
        return new PhantomCleaner("hazy-cleaner");
    }

    /** java.lang.ref.Cleaner, reached by reflection so this class compiles for Java 8. */
    static final class JdkCleaner extends Cleaners {
        private final Object cleaner;
        private final Method register;
        private final Method clean;

        JdkCleaner() throws ReflectiveOperationException {
            Class<?> cleanerClass = Class.forName("java.lang.ref.Cleaner");
            Class<?> cleanableClass = Class.forName("java.lang.ref.Cleaner$Cleanable");
            cleaner = cleanerClass.getMethod("create").invoke(null);
            register = cleanerClass.getMethod("register", Object.class, Runnable.class);
            clean = cleanableClass.getMethod("clean");
        }

        @Override
        Cleanable register(Object referent, Runnable action) {
            final Object cleanable;
            try {
                cleanable = register.invoke(cleaner, referent, action);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("java.lang.ref.Cleaner.register failed", e);
            }
            return new Cleanable() {
                @Override
                public void clean() {
                    try {
                        clean.invoke(cleanable);
                    } catch (ReflectiveOperationException e) {
                        throw new IllegalStateException("java.lang.ref.Cleaner.Cleanable.clean failed", e);
                    }
                }
            };
        }

        @Override
        String kind() {
            return "java.lang.ref.Cleaner";
        }
    }

    /** Java 8: phantom references, a queue, and a daemon thread started on first use. */
    static final class PhantomCleaner extends Cleaners {
        private final ReferenceQueue<Object> queue = new ReferenceQueue<Object>();
        // Keeps the references themselves reachable until they are cleaned.
        private final Set<Ref> live = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<Ref, Boolean>()));
        private final String threadName;
        private boolean started;

        PhantomCleaner(String threadName) {
            this.threadName = threadName;
        }

        final class Ref extends PhantomReference<Object> implements Cleanable {
            private final Runnable action;
            private final AtomicBoolean done = new AtomicBoolean();

            Ref(Object referent, Runnable action) {
                super(referent, queue);
                this.action = action;
            }

            @Override
            public void clean() {
                if (done.compareAndSet(false, true)) {
                    live.remove(this);
                    clear();
                    action.run();
                }
            }
        }

        @Override
        Cleanable register(Object referent, Runnable action) {
            Ref ref = new Ref(referent, action);
            live.add(ref);
            startThread();
            return ref;
        }

        private synchronized void startThread() {
            if (started) {
                return;
            }
            Thread t = new Thread(new Runnable() {
                @Override
                public void run() {
                    while (true) {
                        try {
                            ((Ref) queue.remove()).clean();
                        } catch (InterruptedException e) {
                            // a daemon: keep draining
                        } catch (Throwable t) {
                            // a failing action must not stop the others
                        }
                    }
                }
            }, threadName);
            t.setDaemon(true);
            t.start();
            started = true;
        }

        @Override
        String kind() {
            return "phantom-reference";
        }
    }
}
