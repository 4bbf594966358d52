package com.hazy;

/**
 * Checks on strings before they reach C. JNA passes a Java string as a NUL-terminated C
 * string, so an embedded NUL would silently cut the value short: it is refused, as the C++ and
 * Go bindings do. The value itself is not echoed (it may be a secret).
 */
final class Args {
    private Args() {
    }

    /** {@code value} (null passes: libhazy reports a missing required value itself). */
    static String text(String value, String what) {
        if (value != null && value.indexOf('\0') >= 0) {
            throw new InvalidArgumentException(what + " contains a NUL character");
        }
        return value;
    }
}
