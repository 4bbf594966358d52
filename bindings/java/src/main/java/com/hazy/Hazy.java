package com.hazy;

/**
 * Facts about the native library this binding uses.
 *
 * <p>The library is loaded on first use, looked up in this order: the system property
 * {@code hazy.library.path} (the file, or a directory holding it); the directories of
 * {@code jna.library.path} and then {@code java.library.path}; the system's dynamic loader
 * ({@code LD_LIBRARY_PATH}, installed libraries) unless {@code -Dhazy.library.system=false}; the
 * copy bundled in the jar for linux-x86-64.
 * Failure to find it raises {@link UnsatisfiedLinkError} naming what was tried.
 */
public final class Hazy {
    private Hazy() {
    }

    /** The version of the loaded libhazy, e.g. "0.1.0". Loads the library if needed. */
    public static String libraryVersion() {
        return NativeLoader.get().version;
    }

    /**
     * Where the loaded libhazy came from: {@code "hazy.library.path"}, {@code "jna.library.path"},
     * {@code "java.library.path"}, {@code "system"} or {@code "bundled"}.
     */
    public static String librarySource() {
        return NativeLoader.get().source;
    }

    /** The path (or, for the system loader, the file name) of the loaded libhazy. */
    public static String libraryPath() {
        return NativeLoader.get().path;
    }

    /** The name of a status as the C library spells it, e.g. "AUTH" for 2. */
    public static String statusName(int code) {
        return NativeLoader.lib().hazy_status_name(code);
    }

    /** The name of a job state as the C library spells it, e.g. "running" for 2. */
    public static String stateName(int code) {
        return NativeLoader.lib().hazy_state_name(code);
    }
}
