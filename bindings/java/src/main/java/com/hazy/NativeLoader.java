package com.hazy;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;

import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds and loads the native libhazy once per class loader. Lookup order:
 * <ol>
 * <li>the system property {@code hazy.library.path}: the library file itself, or a directory
 *     holding it; when set, it must work (no fallback);</li>
 * <li>the directories of {@code jna.library.path}, then of {@code java.library.path};</li>
 * <li>the system's dynamic loader ({@code LD_LIBRARY_PATH}, the ld.so cache, e.g. after
 *     {@code make install}), unless {@code -Dhazy.library.system=false};</li>
 * <li>the copy bundled in the jar under JNA's resource prefix, extracted by JNA to a temporary
 *     file: the release builds for glibc 2.17, linux-x86-64/libhazy.so and
 *     linux-aarch64/libhazy.so, and for Windows x86_64, win32-x86-64/hazy.dll.</li>
 * </ol>
 */
final class NativeLoader {
    static final String PROPERTY = "hazy.library.path";
    static final String SYSTEM_PROPERTY = "hazy.library.system";
    /** The major version of libhazy this binding is written against. */
    static final int EXPECTED_MAJOR = 0;

    private static final Object LOCK = new Object();
    private static volatile Loaded loaded;
    private static String failure;

    private NativeLoader() {
    }

    /** The loaded library, and where it came from. */
    static final class Loaded {
        final HazyNative lib;
        final String source;
        final String path;
        final String version;

        Loaded(HazyNative lib, String source, String path, String version) {
            this.lib = lib;
            this.source = source;
            this.path = path;
            this.version = version;
        }
    }

    static HazyNative lib() {
        return get().lib;
    }

    static Loaded get() {
        Loaded l = loaded;
        if (l != null) {
            return l;
        }
        synchronized (LOCK) {
            if (loaded == null) {
                if (failure != null) {
                    throw new UnsatisfiedLinkError(failure);
                }
                try {
                    loaded = load();
                } catch (UnsatisfiedLinkError e) {
                    failure = e.getMessage();
                    throw e;
                }
            }
            return loaded;
        }
    }

    private static Map<String, Object> options() {
        Map<String, Object> options = new HashMap<String, Object>();
        options.put(Library.OPTION_STRING_ENCODING, "UTF-8");
        return Collections.unmodifiableMap(options);
    }

    /** File names the library can have in a directory, most specific first. */
    static List<String> fileNames() {
        List<String> names = new ArrayList<String>();
        if (Platform.isLinux()) {
            names.add("libhazy.so." + EXPECTED_MAJOR);
        } else if (Platform.isMac()) {
            names.add("libhazy." + EXPECTED_MAJOR + ".dylib");
        }
        names.add(System.mapLibraryName("hazy"));
        return names;
    }

    private static Loaded load() {
        List<String> tried = new ArrayList<String>();

        // 1. hazy.library.path: explicit, so no fallback when it is wrong.
        String explicit = System.getProperty(PROPERTY);
        if (explicit != null && !explicit.trim().isEmpty()) {
            File f = new File(explicit.trim());
            File lib = f.isDirectory() ? findIn(f) : f;
            if (lib == null || !lib.isFile()) {
                throw new UnsatisfiedLinkError("libhazy not found at " + PROPERTY + "=" + explicit
                        + (f.isDirectory() ? " (a directory without any of " + fileNames() + ")" : " (no such file)"));
            }
            return open(lib.getAbsolutePath(), PROPERTY, lib.getAbsolutePath());
        }

        // 2. jna.library.path, then java.library.path.
        for (String property : new String[] {"jna.library.path", "java.library.path"}) {
            String value = System.getProperty(property);
            if (value == null || value.isEmpty()) {
                continue;
            }
            for (String dir : value.split(File.pathSeparator)) {
                if (dir.isEmpty()) {
                    continue;
                }
                File lib = findIn(new File(dir));
                if (lib != null) {
                    return open(lib.getAbsolutePath(), property, lib.getAbsolutePath());
                }
            }
            tried.add(property + "=" + value);
        }

        // 3. The system's dynamic loader, by file name (LD_LIBRARY_PATH, ld.so cache, ...).
        // An absolute-looking name is not used here, so JNA hands it to dlopen() as it is.
        // On Linux only the SONAME: JNA would otherwise fall back to extracting the bundled
        // linux-<arch>/libhazy.so itself, and step 4 would be reported as "system".
        // -Dhazy.library.system=false skips this step (to prefer the bundled copy over an
        // installed one).
        List<String> systemNames = Platform.isLinux() ? Collections.singletonList("libhazy.so." + EXPECTED_MAJOR)
                : fileNames();
        UnsatisfiedLinkError systemError = null;
        if (!"false".equalsIgnoreCase(System.getProperty(SYSTEM_PROPERTY))) {
            for (String name : systemNames) {
                try {
                    return open(name, "system", name);
                } catch (UnsatisfiedLinkError e) {
                    systemError = e;
                }
            }
            tried.add("the system loader (" + systemNames + ")");
        }

        // 4. The copy bundled in the jar (linux-x86-64/, linux-aarch64/libhazy.so or
        // win32-x86-64/hazy.dll: JNA's prefix and the platform's file name).
        String resource = Platform.RESOURCE_PREFIX + "/" + System.mapLibraryName("hazy");
        ClassLoader cl = NativeLoader.class.getClassLoader();
        URL url = cl == null ? ClassLoader.getSystemResource(resource) : cl.getResource(resource);
        if (url != null) {
            try {
                File extracted = Native.extractFromResourcePath("hazy", cl);
                return open(extracted.getAbsolutePath(), "bundled", extracted.getAbsolutePath());
            } catch (IOException e) {
                throw new UnsatisfiedLinkError("libhazy: cannot extract the bundled " + resource + ": " + e);
            }
        }
        tried.add("the bundled resource " + resource + " (not in this jar)");

        throw new UnsatisfiedLinkError("libhazy not found. Tried: " + String.join("; ", tried)
                + (systemError != null ? " [" + systemError.getMessage() + "]" : "")
                + ". Set -D" + PROPERTY + "=/path/to/" + System.mapLibraryName("hazy")
                + " or use a jar with the library bundled for your platform.");
    }

    private static File findIn(File dir) {
        if (!dir.isDirectory()) {
            return null;
        }
        for (String name : fileNames()) {
            File f = new File(dir, name);
            if (f.isFile()) {
                return f;
            }
        }
        return null;
    }

    private static Loaded open(String nameOrPath, String source, String path) {
        HazyNative lib = Native.load(nameOrPath, HazyNative.class, options());
        String version = lib.hazy_version();
        int major;
        try {
            major = Integer.parseInt(version.substring(0, version.indexOf('.')));
        } catch (RuntimeException e) {
            major = -1;
        }
        if (major != EXPECTED_MAJOR) {
            throw new UnsatisfiedLinkError("libhazy " + version + " loaded from " + path + " (" + source
                    + ") is not compatible with this binding, which needs libhazy " + EXPECTED_MAJOR + ".x");
        }
        return new Loaded(lib, source, path, version);
    }
}
