package com.hazy;

/**
 * Run in a child JVM (for example with -Dhazy.cleaner=phantom, the Java 8 implementation):
 * clients dropped without close() are freed by the cleaner.
 */
public final class CleanerProbe {
    private CleanerProbe() {
    }

    public static void main(String[] args) throws InterruptedException {
        System.out.println("cleaner=" + Cleaners.get().kind());
        for (int i = 0; i < 5; i++) {
            HazyClient.builder().host("http://127.0.0.1:9").build();
        }
        long deadline = System.currentTimeMillis() + 20000;
        while (HazyClient.Handle.FREED.get() < 5 && System.currentTimeMillis() < deadline) {
            System.gc();
            Thread.sleep(20);
        }
        System.out.println("freed=" + HazyClient.Handle.FREED.get());
    }
}
