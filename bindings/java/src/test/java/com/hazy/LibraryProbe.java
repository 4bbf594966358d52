package com.hazy;

/** Run in a child JVM: loads libhazy and prints where it came from. */
public final class LibraryProbe {
    private LibraryProbe() {
    }

    public static void main(String[] args) {
        try {
            System.out.println("source=" + Hazy.librarySource());
            System.out.println("path=" + Hazy.libraryPath());
            System.out.println("version=" + Hazy.libraryVersion());
            // A real call through the loaded library.
            try (HazyClient c = HazyClient.builder().host("http://127.0.0.1:9").build()) {
                System.out.println("client=" + c);
            }
        } catch (UnsatisfiedLinkError e) {
            System.out.println("error=" + e.getMessage());
            System.exit(3);
        }
    }
}
