package com.hazy;

/**
 * A proxy answered 407 Proxy Authentication Required: no proxy credentials were set, the proxy
 * refused them, or it wants a scheme other than Basic ({@link Status#PROXY_AUTH}). The message
 * names the proxy, never its credentials.
 */
public class ProxyAuthException extends HazyException {
    private static final long serialVersionUID = 1L;

    /** See {@link HazyException#HazyException(Status, String, int, String, String, String, Throwable)}. */
    public ProxyAuthException(String detail, int httpStatus, String oauthError, String oauthDescription, String field,
            Throwable cause) {
        super(Status.PROXY_AUTH, detail, httpStatus, oauthError, oauthDescription, field, cause);
    }

    /** An exception with only a message. */
    public ProxyAuthException(String detail) {
        this(detail, 0, null, null, null, null);
    }
}
