package com.hazy;

/** Run in a child JVM: a client from the HAZY_* environment authenticates and lists jobs. */
public final class EnvProbe {
    private EnvProbe() {
    }

    public static void main(String[] args) {
        try (HazyClient c = HazyClient.fromEnvironment()) {
            c.authenticate();
            System.out.println("token_requests=" + c.tokenRequestCount());
            System.out.println("jobs=" + c.listJobs(args[0]).size());
        } catch (HazyException e) {
            System.out.println("status=" + e.status());
            System.out.println("message=" + e.getMessage());
            System.exit(4);
        }
    }
}
