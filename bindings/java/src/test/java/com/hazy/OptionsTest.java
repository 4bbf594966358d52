package com.hazy;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Each typed builder method of issue 25 (secret files, the credential command, key
 * passphrases, PKCS#12, per-client proxies) reaches libhazy under its option key: it is given a
 * value that libhazy refuses, or reports in a way only that option can cause, and the exception
 * names the option, and the path when there is one. What the options do is tested once, against
 * the real services, in tests/integration and tests/tls. Nothing is sent anywhere: the token
 * endpoint is a closed port, and every case fails before it would be used.
 */
class OptionsTest {
    @TempDir
    static Path dir;

    /** A case: the builder's settings, whether the error comes from authenticate(), its class, and fragments of its detail. */
    private static Arguments row(String name, Function<HazyClient.Builder, HazyClient.Builder> settings, boolean authenticate,
            Class<? extends HazyException> error, String... fragments) {
        return Arguments.of(name, settings, authenticate, error, fragments);
    }

    private static String missing(String name) {
        return dir.resolve(name).toString();
    }

    static Stream<Arguments> newOptions() {
        return Stream.of(
                row("clientSecretFile(Path)", b -> b.option("client_id", "java-options").clientSecretFile(dir.resolve("secret")), true,
                        InvalidArgumentException.class, "'client_secret_file'", missing("secret")),
                row("clientSecretFile(String)", b -> b.option("client_id", "java-options").clientSecretFile(missing("secret2")), true,
                        InvalidArgumentException.class, "'client_secret_file'", missing("secret2")),
                row("passwordFile", b -> b.option("client_id", "java-options").option("username", "u")
                        .passwordFile(dir.resolve("password")), true,
                        InvalidArgumentException.class, "'password_file'", missing("password")),
                row("accessTokenFile", b -> b.accessTokenFile(dir.resolve("token")), true,
                        InvalidArgumentException.class, "'access_token_file'", missing("token")),
                // Split into words: the program is the first.
                row("credentialCommand(String)", b -> b.option("client_id", "java-options")
                        .credentialCommand(missing("program") + " --json"), true,
                        AuthenticationException.class, "'credential_command'", "cannot start '" + missing("program") + "'"),
                // The words as given: a blank stays in the program's name.
                row("credentialCommand(List)", b -> b.option("client_id", "java-options")
                        .credentialCommand(Arrays.asList(missing("a \"program\""), "--json")), true,
                        AuthenticationException.class, "'credential_command'", "cannot start '" + missing("a \"program\"") + "'"),
                // Only a shell runs `exit 3`.
                row("credentialCommandShell", b -> b.option("client_id", "java-options").credentialCommandShell("exit 3"), true,
                        AuthenticationException.class, "'credential_command'", "exited with status 3"),
                row("credentialCommandTimeout", b -> b.option("client_id", "java-options").credentialCommand("sleep 5")
                        .credentialCommandTimeout(Duration.ofMillis(100)), true,
                        HazyTimeoutException.class, "within 100 ms", "credential_command_timeout_ms"),
                row("privateKeyPassphraseFile", b -> b.privateKeyPassphraseFile(dir.resolve("key-passphrase")), false,
                        InvalidArgumentException.class, "client_private_key_passphrase_file"),
                row("clientKeyPassphraseFile", b -> b.clientKeyPassphraseFile(dir.resolve("tls-passphrase")), false,
                        InvalidArgumentException.class, "'client_key_passphrase_file'"),
                row("clientCertificateP12", b -> b.clientCertificateP12(dir.resolve("client.p12"), null), false,
                        InvalidArgumentException.class, "'client_cert_p12'", missing("client.p12")),
                row("clientCertificateP12 passphrase", b -> b.clientCertificateP12(null, dir.resolve("p12-passphrase")), false,
                        InvalidArgumentException.class, "'client_cert_p12_passphrase_file'"),
                row("proxy(URI)", b -> b.proxy(URI.create("ftp://proxy.example")), false,
                        InvalidArgumentException.class, "option 'proxy'"),
                row("proxy(String)", b -> b.proxy("ftp://proxy.example"), false,
                        InvalidArgumentException.class, "option 'proxy'"),
                row("noProxy", b -> b.noProxy("localhost", ".example.com,10.0.0.0/8"), false,
                        InvalidArgumentException.class, "'no_proxy' is set without 'proxy'"),
                // Read only if the user arrived too (else: "is set without 'proxy_username'").
                row("proxyAuth", b -> b.proxy("http://127.0.0.1:1").proxyAuth("proxy-user", dir.resolve("proxy-password")), false,
                        InvalidArgumentException.class, "'proxy_password_file'", missing("proxy-password")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("newOptions")
    void newOptionsReachTheLibrary(String name, Function<HazyClient.Builder, HazyClient.Builder> settings, boolean authenticate,
            Class<? extends HazyException> error, String[] fragments) {
        HazyClient.Builder builder = settings.apply(
                HazyClient.builder().host("http://127.0.0.1:1").tokenUrl("http://127.0.0.1:1/token"));
        HazyException e;
        if (authenticate) {
            try (HazyClient c = builder.build()) {
                e = assertThrows(error, c::authenticate);
            }
        } else {
            e = assertThrows(error, () -> builder.build().close());
        }
        for (String f : fragments) {
            assertTrue(e.detail().contains(f), "'" + e.detail() + "' does not contain '" + f + "'");
        }
    }
}
