package com.hazy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;

/** Every grant against the real Keycloak, and every way authentication fails. */
class AuthenticationTest {

    private static void assertJwt(String token) {
        assertEquals(3, token.split("\\.").length, "a JWT has three parts");
    }

    @Test
    void clientCredentials() {
        try (HazyClient c = TestSupport.builder().build()) {
            assertEquals(0, c.tokenRequestCount());
            c.authenticate(Credentials.clientCredentials(TestSupport.API_ID, TestSupport.API_SECRET));
            assertEquals(1, c.tokenRequestCount());
            assertJwt(c.accessToken());
            assertEquals(1, c.tokenRequestCount(), "the token is cached");
            assertEquals(0, c.listJobs(TestSupport.project()).size());
        }
    }

    @Test
    void passwordGrant() {
        try (HazyClient c = TestSupport.builder().build()) {
            c.authenticate(Credentials.password(TestSupport.API_ID, TestSupport.API_SECRET, TestSupport.ANALYST,
                    TestSupport.ANALYST_PASSWORD));
            assertJwt(c.accessToken());
            assertEquals(0, c.listModels(TestSupport.project()).size());
        }
    }

    @Test
    void bearerTokenFromElsewhere() {
        String token;
        try (HazyClient issuer = TestSupport.client()) {
            token = issuer.accessToken();
        }
        try (HazyClient c = TestSupport.builder().build()) {
            c.authenticate(Credentials.bearer(token));
            assertEquals(0, c.listJobs(TestSupport.project()).size());
            assertEquals(0, c.tokenRequestCount(), "a bearer token needs no token request");
            assertEquals(token, c.accessToken());
        }
    }

    @Test
    void invalidBearerTokenIsRejectedByTheHub() {
        try (HazyClient c = TestSupport.builder().build()) {
            c.authenticate(Credentials.bearer("not-a-real-token"));
            AuthenticationException e = assertThrows(AuthenticationException.class,
                    () -> c.listJobs(TestSupport.project()));
            assertEquals(401, e.httpStatus());
        }
    }

    @Test
    void configuredCredentialsThroughTheBuilder() {
        try (HazyClient c = TestSupport.builder()
                .credentials(Credentials.password(TestSupport.API_ID, TestSupport.API_SECRET, TestSupport.ANALYST,
                        TestSupport.ANALYST_PASSWORD))
                .build()) {
            c.authenticate();
            assertEquals(1, c.tokenRequestCount());
        }
    }

    @Test
    void explicitTokenUrlAndAuthUrl() {
        try (HazyClient c = TestSupport.builder().tokenUrl(TestSupport.tokenUrl()).build()) {
            c.authenticate(Credentials.clientCredentials(TestSupport.API_ID, TestSupport.API_SECRET));
            assertJwt(c.accessToken());
        }
        try (HazyClient c = TestSupport.builder().authUrl(TestSupport.keycloakUrl()).realm("hazy").build()) {
            c.authenticate(Credentials.clientCredentials(TestSupport.API_ID, TestSupport.API_SECRET));
            assertJwt(c.accessToken());
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

    @Test
    void wrongSecretIsAuthWithKeycloaksError() {
        try (HazyClient c = TestSupport.builder().build()) {
            AuthenticationException e = assertThrows(AuthenticationException.class,
                    () -> c.authenticate(Credentials.clientCredentials(TestSupport.API_ID, "wrong-secret")));
            assertEquals(Status.AUTH, e.status());
            assertTrue(Arrays.asList("unauthorized_client", "invalid_client").contains(e.oauthError()), e.toString());
            assertEquals(401, e.httpStatus(), e.toString());
        }
    }

    @Test
    void wrongPasswordAndDisabledUserAreAuth() {
        try (HazyClient c = TestSupport.builder().build()) {
            AuthenticationException wrong = assertThrows(AuthenticationException.class,
                    () -> c.authenticate(Credentials.password(TestSupport.API_ID, TestSupport.API_SECRET,
                            TestSupport.ANALYST, "wrong-password")));
            assertEquals("invalid_grant", wrong.oauthError(), wrong.toString());
            AuthenticationException disabled = assertThrows(AuthenticationException.class,
                    () -> c.authenticate(Credentials.password(TestSupport.API_ID, TestSupport.API_SECRET,
                            TestSupport.DISABLED, TestSupport.DISABLED_PASSWORD)));
            assertEquals(Status.AUTH, disabled.status());
        }
    }

    @Test
    void clientWithoutServiceAccountIsAuth() {
        try (HazyClient c = TestSupport.builder().build()) {
            AuthenticationException e = assertThrows(AuthenticationException.class,
                    () -> c.authenticate(Credentials.clientCredentials(TestSupport.NOSA_ID, TestSupport.NOSA_SECRET)));
            assertTrue(e.oauthError() != null, e.toString());
        }
    }

    @Test
    void tokenWithoutTheHubAudienceIsRejectedByTheHub() {
        try (HazyClient c = TestSupport.builder().build()) {
            c.authenticate(Credentials.clientCredentials(TestSupport.NOAUD_ID, TestSupport.NOAUD_SECRET));
            AuthenticationException e = assertThrows(AuthenticationException.class,
                    () -> c.train(TestSupport.project(), TestSupport.CONFIG));
            assertEquals(401, e.httpStatus(), e.toString());
        }
    }

    @Test
    void unknownRealmIsNotFound() {
        try (HazyClient c = TestSupport.builder().realm("no-such-realm").build()) {
            NotFoundException e = assertThrows(NotFoundException.class,
                    () -> c.authenticate(Credentials.clientCredentials(TestSupport.API_ID, TestSupport.API_SECRET)));
            assertEquals(Status.NOT_FOUND, e.status());
            assertEquals(404, e.httpStatus());
        }
    }

    @Test
    void closedPortIsNetwork() throws Exception {
        try (HazyClient c = HazyClient.builder().host("http://127.0.0.1:" + TestSupport.closedPort())
                .retryMaxAttempts(1).build()) {
            NetworkException e = assertThrows(NetworkException.class,
                    () -> c.authenticate(Credentials.clientCredentials(TestSupport.API_ID, TestSupport.API_SECRET)));
            assertEquals(Status.NETWORK, e.status());
            assertEquals(0, e.httpStatus());
        }
    }

    @Test
    void shortLivedTokensAreRenewedUnderneath() throws Exception {
        // api-short-lived tokens live 5 s; calls keep working across several lifetimes.
        try (HazyClient c = TestSupport.builder().build()) {
            c.authenticate(Credentials.clientCredentials(TestSupport.SHORT_ID, TestSupport.SHORT_SECRET));
            String first = c.accessToken();
            String project = TestSupport.project();
            long end = System.nanoTime() + Duration.ofSeconds(7).toNanos();
            while (System.nanoTime() < end) {
                c.listJobs(project);
                Thread.sleep(500);
            }
            assertTrue(c.tokenRequestCount() >= 2, "renewed: " + c.tokenRequestCount());
            assertNotEquals(first, c.accessToken());
        }
    }
}
