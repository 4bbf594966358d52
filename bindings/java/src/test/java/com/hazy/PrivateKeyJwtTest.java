package com.hazy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import java.nio.file.Paths;

/**
 * private_key_jwt through the builder, against the realm's Signed JWT client with the key the
 * test stack made (tests/stack/signed_jwt.py). Behaviour is tested in depth once, by
 * tests/integration/test_private_key_jwt.py.
 */
class PrivateKeyJwtTest {

    @Test
    void signedJwtAuthenticatesAndAnUnknownKeyIsAuth() {
        String id = TestSupport.env("HAZY_TEST_JWT_CLIENT_ID");
        // Keycloak checks the assertion's audience against its own URL: talk to it directly,
        // not through the simulator's /auth proxy.
        try (HazyClient c = TestSupport.builder().authUrl(TestSupport.keycloakUrl())
                .privateKeyJwt(id, Paths.get(TestSupport.env("HAZY_TEST_JWT_PRIVATE_KEY"))).build()) {
            c.authenticate();
            assertEquals(0, c.listJobs(TestSupport.project()).size());
        }
        // The other Signed JWT client's EC key is not registered for this one.
        try (HazyClient c = TestSupport.builder().authUrl(TestSupport.keycloakUrl())
                .privateKeyJwt(id, TestSupport.env("HAZY_TEST_JWT_EC_PRIVATE_KEY")).build()) {
            AuthenticationException e = assertThrows(AuthenticationException.class, c::authenticate);
            assertNotNull(e.oauthError(), "Keycloak's OAuth error: " + e.getMessage());
        }
    }
}
