package com.hazy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import java.nio.file.Paths;

/**
 * Each kind of {@link Credentials}, and the builder's private_key_jwt, reaches the library
 * intact: one authentication each against the real Keycloak. The grants themselves, and every
 * way Keycloak or the Hub refuses them, are tested once through the C API
 * (tests/integration/test_keycloak_auth.py, test_private_key_jwt.py, test_hub_e2e.py).
 */
class AuthenticationTest {

    /** Authenticates {@code c} (with {@code creds}, or its configured credentials if null) and makes one Hub call. */
    private static void authenticateAndCall(HazyClient c, Credentials creds) {
        if (creds == null) {
            c.authenticate();
        } else {
            c.authenticate(creds);
        }
        assertEquals(3, c.accessToken().split("\\.").length, "a JWT has three parts");
        assertEquals(0, c.listJobs(TestSupport.project()).size());
    }

    @Test
    void everyKindOfCredentialsAuthenticates() {
        try (HazyClient c = TestSupport.builder().build()) {
            assertEquals(0, c.tokenRequestCount());
            authenticateAndCall(c, Credentials.clientCredentials(TestSupport.API_ID, TestSupport.API_SECRET));
            assertEquals(1, c.tokenRequestCount(), "one token request, the token cached");

            authenticateAndCall(c, Credentials.password(TestSupport.API_ID, TestSupport.API_SECRET,
                    TestSupport.ANALYST, TestSupport.ANALYST_PASSWORD));
            assertEquals(2, c.tokenRequestCount());
        }
        String token;
        try (HazyClient issuer = TestSupport.client()) {
            token = issuer.accessToken();
        }
        try (HazyClient c = TestSupport.builder().build()) {
            authenticateAndCall(c, Credentials.bearer(token));
            assertEquals(0, c.tokenRequestCount(), "a bearer token needs no token request");
            assertEquals(token, c.accessToken());
        }
        // Credentials given to the builder, used by authenticate().
        try (HazyClient c = TestSupport.builder().credentials(Credentials.password(TestSupport.API_ID,
                TestSupport.API_SECRET, TestSupport.ANALYST, TestSupport.ANALYST_PASSWORD)).build()) {
            authenticateAndCall(c, null);
            assertEquals(1, c.tokenRequestCount());
        }
        // private_key_jwt: Keycloak checks the assertion's audience against its own URL, so talk
        // to it directly, not through the simulator's /auth proxy.
        try (HazyClient c = TestSupport.builder().authUrl(TestSupport.keycloakUrl())
                .privateKeyJwt(TestSupport.env("HAZY_TEST_JWT_CLIENT_ID"),
                        Paths.get(TestSupport.env("HAZY_TEST_JWT_PRIVATE_KEY"))).build()) {
            authenticateAndCall(c, null);
        }
    }

    /**
     * logout reaches the library and maps its statuses: after a password grant against the real
     * Keycloak it succeeds; a bearer-token client has no session to end. What Keycloak does with
     * it is tested once through the C API (tests/integration/test_logout.py).
     */
    @Test
    void logoutEndsAPasswordGrantAndRefusesABearerToken() {
        try (HazyClient c = TestSupport.builder().build()) {
            c.authenticate(Credentials.password(TestSupport.API_ID, TestSupport.API_SECRET,
                    TestSupport.ANALYST, TestSupport.ANALYST_PASSWORD));
            c.logout();
        }
        try (HazyClient c = TestSupport.builder().build()) {
            c.authenticate(Credentials.bearer("given.bearer.token"));
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class, c::logout);
            assertEquals(Status.INVALID_ARGUMENT, e.status());
        }
    }

    @Test
    void noConfiguredCredentialsIsInvalidArgument() {
        try (HazyClient c = TestSupport.builder().build()) {
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class, c::authenticate);
            assertEquals(Status.INVALID_ARGUMENT, e.status());
            assertEquals(0, c.tokenRequestCount(), "nothing was sent");
            assertThrows(InvalidArgumentException.class, () -> c.authenticate(null));
            assertThrows(InvalidArgumentException.class,
                    () -> c.authenticate(Credentials.clientCredentials("", TestSupport.API_SECRET)));
            assertThrows(InvalidArgumentException.class, () -> c.authenticate(Credentials.bearer(null)));
        }
    }
}
