package com.hazy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The binding's classes are Java 8 bytecode (class file major version 52), so Java 8 users can
 * run them. (run-tests.sh checks the packaged jar the same way.)
 */
class BytecodeTest {

    static int majorVersion(File classFile) throws IOException {
        try (DataInputStream in = new DataInputStream(new FileInputStream(classFile))) {
            assertEquals(0xCAFEBABE, in.readInt(), classFile + " is a class file");
            in.readUnsignedShort(); // minor
            return in.readUnsignedShort();
        }
    }

    private static void collect(File dir, List<File> out) {
        File[] files = dir.listFiles();
        if (files == null) {
            return;
        }
        for (File f : files) {
            if (f.isDirectory()) {
                collect(f, out);
            } else if (f.getName().endsWith(".class")) {
                out.add(f);
            }
        }
    }

    @Test
    void everyClassOfTheBindingIsJava8Bytecode() throws IOException {
        File classes = TestSupport.codeSource(HazyClient.class);
        List<File> files = new ArrayList<File>();
        collect(classes, files);
        assertTrue(files.size() >= 20, "found the binding's classes in " + classes + ": " + files.size());
        for (File f : files) {
            assertEquals(52, majorVersion(f), f.toString());
        }
    }

    @Test
    void jnaItselfRunsOnJava8() throws IOException {
        // JNA is the only runtime dependency: it must be Java 8 bytecode too.
        java.util.jar.JarFile jar = new java.util.jar.JarFile(TestSupport.codeSource(com.sun.jna.Native.class));
        try (DataInputStream in = new DataInputStream(jar.getInputStream(jar.getEntry("com/sun/jna/Native.class")))) {
            in.readInt();
            in.readUnsignedShort();
            assertTrue(in.readUnsignedShort() <= 52, "JNA's classes are Java 8 or older bytecode");
        } finally {
            jar.close();
        }
    }
}
