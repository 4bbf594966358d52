package com.hazy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link Status}, {@link JobState} and the exception mapping against include/hazy.h: a
 * {@code HAZY_STATUS_*} that is missing here, has another number, or has no exception mapping
 * fails the build's tests. The header is the tree's ({@code ../../include/hazy.h} from
 * bindings/java), or {@code -Dhazy.header=FILE}.
 */
class StatusHeaderTest {

    static Path header() {
        String given = System.getProperty("hazy.header");
        return given != null && !given.isEmpty() ? Paths.get(given)
                : Paths.get(System.getProperty("user.dir")).resolve("../../include/hazy.h").normalize();
    }

    /** The enumerators of {@code typedef enum { PREFIX_X = N, ... } name;}, names without the prefix. */
    static Map<String, Integer> headerEnum(String name, String prefix) throws IOException {
        String text = new String(Files.readAllBytes(header()), StandardCharsets.UTF_8);
        Matcher block = Pattern.compile("typedef enum \\{([^}]*)\\}\\s*" + name + ";").matcher(text);
        assertTrue(block.find(), header() + " has no enum " + name);
        String body = block.group(1).replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", "");
        Pattern entry = Pattern.compile(Pattern.quote(prefix) + "([A-Z0-9_]+)\\s*=\\s*(-?\\d+)");
        Map<String, Integer> values = new LinkedHashMap<String, Integer>();
        for (String item : body.split(",")) {
            item = item.trim();
            if (item.isEmpty()) {
                continue;
            }
            Matcher m = entry.matcher(item);
            if (!m.matches()) {
                fail(header() + ": cannot read enumerator '" + item + "' of " + name);
            }
            values.put(m.group(1), Integer.valueOf(m.group(2)));
        }
        assertTrue(values.size() > 2, header() + ": " + name + " has " + values);
        return values;
    }

    @Test
    void everyHeaderStatusIsMappedWithItsNumberAndException() throws IOException {
        Map<String, Integer> statuses = headerEnum("hazy_status", "HAZY_STATUS_");
        for (Map.Entry<String, Integer> e : statuses.entrySet()) {
            Status s;
            try {
                s = Status.valueOf(e.getKey());
            } catch (IllegalArgumentException missing) {
                fail("HAZY_STATUS_" + e.getKey() + " (" + e.getValue() + ") is missing from com.hazy.Status");
                return;
            }
            assertEquals(e.getValue().intValue(), s.code(), "number of " + s);
            assertEquals(s, Status.fromCode(e.getValue()));
            assertEquals(e.getKey(), Hazy.statusName(e.getValue()), "libhazy's name of status " + e.getValue());
            if (s == Status.OK) {
                continue;
            }
            HazyException ex = HazyException.of(s, "detail"); // throws AssertionError if unmapped
            assertEquals(s, ex.status());
        }
        for (Status s : Status.values()) {
            if (s != Status.UNKNOWN) {
                assertTrue(statuses.containsKey(s.name()), s + " is not in " + header());
            }
        }
        // The library knows no status that the header lacks.
        for (int code = -1; code <= 64; code++) {
            if (!statuses.containsValue(code)) {
                assertEquals("UNKNOWN", Hazy.statusName(code), "status " + code + " of libhazy is not in hazy.h");
            }
        }
    }

    @Test
    void everyHeaderStateIsMapped() throws IOException {
        Map<String, Integer> states = headerEnum("hazy_state", "HAZY_STATE_");
        assertEquals(JobState.values().length, states.size(), "states of " + header() + ": " + states);
        for (Map.Entry<String, Integer> e : states.entrySet()) {
            JobState s = JobState.valueOf(e.getKey());
            assertEquals(e.getValue().intValue(), s.code(), "number of " + s);
        }
    }
}
