package com.hazy;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How to authenticate against Keycloak: the client-credentials grant, the password grant, or
 * a bearer token obtained elsewhere. Immutable. {@link #toString()} never shows a secret.
 *
 * <p>Secrets are held as Java strings for the lifetime of this object (the JVM cannot wipe
 * them); libhazy copies them and wipes its own copies.
 */
public final class Credentials {
    private enum Kind {
        CLIENT_CREDENTIALS, PASSWORD, BEARER
    }

    private final Kind kind;
    private final String clientId;
    private final String clientSecret;
    private final String username;
    private final String password;
    private final String token;

    private Credentials(Kind kind, String clientId, String clientSecret, String username, String password,
            String token) {
        this.kind = kind;
        this.clientId = Args.text(clientId, "clientId");
        this.clientSecret = Args.text(clientSecret, "clientSecret");
        this.username = Args.text(username, "username");
        this.password = Args.text(password, "password");
        this.token = Args.text(token, "token");
    }

    /**
     * The client-credentials grant: a confidential Keycloak client and its secret (what the
     * Hub's tutorial calls the API key).
     */
    public static Credentials clientCredentials(String clientId, String clientSecret) {
        return new Credentials(Kind.CLIENT_CREDENTIALS, clientId, clientSecret, null, null, null);
    }

    /**
     * The password grant for a user. {@code clientSecret} may be null for a public client.
     * Refresh tokens are used automatically.
     */
    public static Credentials password(String clientId, String clientSecret, String username, String password) {
        return new Credentials(Kind.PASSWORD, clientId, clientSecret, username, password, null);
    }

    /**
     * A bearer token obtained elsewhere. It cannot be refreshed: once the Hub rejects it, calls
     * fail with {@link AuthenticationException}.
     */
    public static Credentials bearer(String token) {
        return new Credentials(Kind.BEARER, null, null, null, null, token);
    }

    /** The OAuth client id; null for a bearer token. */
    public String clientId() {
        return clientId;
    }

    /** The user of the password grant; null otherwise. */
    public String username() {
        return username;
    }

    /** "client_credentials", "password" or "bearer". */
    public String grant() {
        switch (kind) {
            case CLIENT_CREDENTIALS:
                return "client_credentials";
            case PASSWORD:
                return "password";
            default:
                return "bearer";
        }
    }

    int authenticate(HazyNative lib, Pointer client, PointerByReference error) {
        switch (kind) {
            case CLIENT_CREDENTIALS:
                return lib.hazy_authenticate_client_credentials(client, clientId, clientSecret, error);
            case PASSWORD:
                return lib.hazy_authenticate_password(client, clientId, clientSecret, username, password, error);
            default:
                return lib.hazy_authenticate_bearer(client, token, error);
        }
    }

    /** The options that configure these credentials on a client ({@link HazyClient#authenticate()}). */
    Map<String, String> options() {
        Map<String, String> o = new LinkedHashMap<String, String>();
        o.put("client_id", kind == Kind.BEARER ? "" : clientId);
        o.put("client_secret", kind == Kind.BEARER || clientSecret == null ? "" : clientSecret);
        o.put("username", kind == Kind.PASSWORD ? username : "");
        o.put("password", kind == Kind.PASSWORD ? password : "");
        o.put("access_token", kind == Kind.BEARER ? token : "");
        return o;
    }

    @Override
    public String toString() {
        switch (kind) {
            case CLIENT_CREDENTIALS:
                return "Credentials[client_credentials, clientId=" + clientId + ", clientSecret=" + mask(clientSecret) + "]";
            case PASSWORD:
                return "Credentials[password, clientId=" + clientId + ", clientSecret=" + mask(clientSecret)
                        + ", username=" + username + ", password=" + mask(password) + "]";
            default:
                return "Credentials[bearer, token=" + mask(token) + "]";
        }
    }

    static String mask(String secret) {
        return secret == null ? "none" : "****";
    }
}
