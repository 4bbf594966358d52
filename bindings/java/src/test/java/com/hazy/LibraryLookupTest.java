package com.hazy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

/**
 * Each step of the native library lookup, in a child JVM: hazy.library.path (file, directory,
 * wrong), jna.library.path, java.library.path, the system loader (LD_LIBRARY_PATH), and the
 * copy bundled in the jar; and that earlier steps win over later ones.
 */
class LibraryLookupTest {
    private static Path library;

    @TempDir
    Path tmp;

    @BeforeAll
    static void findBundledCopy() throws Exception {
        URL url = LibraryLookupTest.class.getClassLoader().getResource("linux-x86-64/libhazy.so");
        assertNotNull(url, "the build must bundle linux-x86-64/libhazy.so (maven-antrun-plugin in pom.xml)");
        library = new File(url.toURI()).toPath();
    }

    private final List<Path> links = new java.util.ArrayList<Path>();

    /** A directory holding a symlink {@code name} to the library. */
    private Path dirWith(String dir, String name) throws IOException {
        Path d = Files.createDirectories(tmp.resolve(dir));
        links.add(Files.createSymbolicLink(d.resolve(name), library));
        return d;
    }

    @org.junit.jupiter.api.AfterEach
    void removeLinks() throws IOException {
        for (Path link : links) {
            Files.deleteIfExists(link);
        }
    }

    private static Map<String, String> props(String output) {
        Map<String, String> m = new HashMap<String, String>();
        for (String line : output.split("\n")) {
            int i = line.indexOf('=');
            if (i > 0) {
                m.put(line.substring(0, i), line.substring(i + 1).trim());
            }
        }
        return m;
    }

    private static Map<String, String> probe(List<String> jvmArgs, Map<String, String> env) throws Exception {
        TestSupport.Result r = TestSupport.runJava(LibraryProbe.class, jvmArgs, env);
        Map<String, String> p = props(r.output);
        p.put("exit", Integer.toString(r.exitCode));
        p.put("output", r.output);
        return p;
    }

    private static Map<String, String> probe(String... jvmArgs) throws Exception {
        return probe(Arrays.asList(jvmArgs), Collections.<String, String>emptyMap());
    }

    private static void assertLoaded(Map<String, String> p, String source, Path path) {
        assertEquals("0", p.get("exit"), p.get("output"));
        assertEquals(source, p.get("source"), p.get("output"));
        if (path != null) {
            assertEquals(path.toAbsolutePath().toString(), p.get("path"), p.get("output"));
        }
        assertTrue(p.get("version").matches("\\d+\\.\\d+\\.\\d+.*"), p.get("output"));
        assertEquals("HazyClient[open]", p.get("client"), p.get("output"));
    }

    @Test
    void hazyLibraryPathAsFileWinsOverEverythingElse() throws Exception {
        Path explicit = dirWith("explicit", "libhazy-custom-name.so").resolve("libhazy-custom-name.so");
        Path jna = dirWith("jna", "libhazy.so.0");
        Path java = dirWith("java", "libhazy.so.0");
        Map<String, String> p = probe("-Dhazy.library.path=" + explicit, "-Djna.library.path=" + jna,
                "-Djava.library.path=" + java);
        assertLoaded(p, "hazy.library.path", explicit);
    }

    @Test
    void hazyLibraryPathAsDirectory() throws Exception {
        Path dir = dirWith("dir", "libhazy.so");
        assertLoaded(probe("-Dhazy.library.path=" + dir), "hazy.library.path", dir.resolve("libhazy.so"));
    }

    @Test
    void wrongHazyLibraryPathFailsClearlyWithoutFallingBack() throws Exception {
        Path missing = tmp.resolve("nowhere/libhazy.so");
        Map<String, String> p = probe("-Dhazy.library.path=" + missing);
        assertEquals("3", p.get("exit"), p.get("output"));
        assertTrue(p.get("error").contains("hazy.library.path=" + missing), p.get("output"));
    }

    @Test
    void jnaLibraryPathComesBeforeJavaLibraryPath() throws Exception {
        Path jna = dirWith("jna", "libhazy.so.0");
        Path java = dirWith("java", "libhazy.so.0");
        assertLoaded(probe("-Djna.library.path=" + jna, "-Djava.library.path=" + java), "jna.library.path",
                jna.resolve("libhazy.so.0"));
    }

    @Test
    void javaLibraryPath() throws Exception {
        Path java = dirWith("java", "libhazy.so");
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertLoaded(probe("-Djna.library.path=" + empty, "-Djava.library.path=" + empty + File.pathSeparator + java),
                "java.library.path", java.resolve("libhazy.so"));
    }

    @Test
    void systemLoaderThroughLdLibraryPath() throws Exception {
        Path sys = dirWith("sys", "libhazy.so.0");
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Map<String, String> env = new HashMap<String, String>();
        env.put("LD_LIBRARY_PATH", sys.toString());
        Map<String, String> p = probe(Arrays.asList("-Djava.library.path=" + empty), env);
        assertLoaded(p, "system", null);
        assertEquals("libhazy.so.0", p.get("path"));
    }

    @Test
    void bundledCopyFromTheClassPath() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        // hazy.library.system=false: an installed libhazy (ld.so cache) must not hide the bundled one.
        assertLoaded(probe("-Djava.library.path=" + empty, "-Dhazy.library.system=false"), "bundled", library);
    }

    @Test
    void bundledCopyIsExtractedFromAJar() throws Exception {
        // A jar holding only the native library, first on the class path: JNA extracts it.
        File jar = tmp.resolve("native.jar").toFile();
        try (JarOutputStream out = new JarOutputStream(new FileOutputStream(jar));
                InputStream in = Files.newInputStream(library)) {
            JarEntry e = new JarEntry("linux-x86-64/libhazy.so");
            out.putNextEntry(e);
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
            }
            out.closeEntry();
        }
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Path jnaTmp = Files.createDirectories(tmp.resolve("jna-tmp"));
        TestSupport.Result r = TestSupport.runJava(LibraryProbe.class,
                Arrays.asList("-Djava.library.path=" + empty, "-Dhazy.library.system=false", "-Djna.tmpdir=" + jnaTmp,
                        "-Xbootclasspath/a:" + jar),
                Collections.<String, String>emptyMap());
        Map<String, String> p = props(r.output);
        assertEquals(0, r.exitCode, r.output);
        assertEquals("bundled", p.get("source"), r.output);
        assertTrue(p.get("path").startsWith(jnaTmp.toString()), "extracted under jna.tmpdir: " + r.output);
    }
}
