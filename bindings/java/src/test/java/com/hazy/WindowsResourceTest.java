package com.hazy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.sun.jna.Platform;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * On Windows x86_64 the loader's last step (NativeLoader: JNA's resource prefix plus the
 * platform's library file name) must find the bundled hazy.dll. Windows Java cannot run here,
 * so the path is computed with JNA's own rule for that platform and looked up in the class path
 * the jar is built from; the resource must be an x86_64 Windows DLL (tests/windows checks its
 * exports and runs it under Wine).
 */
class WindowsResourceTest {
    /** The JDK's System.mapLibraryName("hazy") on Windows (and JNA's): name + ".dll". */
    private static final String WINDOWS_FILE_NAME = "hazy.dll";

    /**
     * JNA's Platform.RESOURCE_PREFIX as it would be on another platform: the package-private
     * rule JNA computes it with, called by reflection (JNA is on the class path, not a module).
     */
    private static String resourcePrefix(int osType, String arch, String osName) throws Exception {
        Method rule = Platform.class.getDeclaredMethod("getNativeLibraryResourcePrefix", int.class, String.class, String.class);
        rule.setAccessible(true);
        return (String) rule.invoke(null, osType, arch, osName);
    }

    @Test
    void jnaResourcePrefixForWindowsX8664FindsTheBundledDll() throws Exception {
        // The rule reproduces this JVM's own prefix, so it is the one JNA uses.
        assertEquals(Platform.RESOURCE_PREFIX, resourcePrefix(Platform.getOSType(), System.getProperty("os.arch"),
                System.getProperty("os.name")));
        // os.arch is "amd64" on 64-bit Windows JDKs; JNA treats "x86_64" alike.
        for (String arch : new String[] {"amd64", "x86_64"}) {
            assertEquals("win32-x86-64", resourcePrefix(Platform.WINDOWS, arch, "Windows Server 2022"));
        }
        String resource = resourcePrefix(Platform.WINDOWS, "amd64", "Windows 11") + "/" + WINDOWS_FILE_NAME;
        InputStream in = WindowsResourceTest.class.getClassLoader().getResourceAsStream(resource);
        assertNotNull(in, "the jar must bundle " + resource + " (maven-antrun-plugin in pom.xml)");
        byte[] dll = readAll(in);
        ByteBuffer b = ByteBuffer.wrap(dll).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0x5A4D, b.getShort(0) & 0xFFFF, resource + " has no MZ header");
        int pe = b.getInt(0x3C);
        assertEquals(0x00004550, b.getInt(pe), resource + " has no PE signature");
        assertEquals(0x8664, b.getShort(pe + 4) & 0xFFFF, resource + " is not an x86_64 image");
        int characteristics = b.getShort(pe + 22) & 0xFFFF;
        assertEquals(0x2000, characteristics & 0x2000, resource + " is not a DLL");
    }

    private static byte[] readAll(InputStream in) throws IOException {
        try (InputStream s = in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[1 << 16];
            for (int n; (n = s.read(buf)) > 0; ) {
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        }
    }
}
