/* Prints a C string as a JSON string (or null) on stdout, alone or as an object's member: the
 * test programs that report to a Python harness as JSON lines share it. */
#ifndef HAZY_TEST_JSON_STRING_H
#define HAZY_TEST_JSON_STRING_H

#include <stdio.h>

static void json_string(const char *s) {
    if (!s) {
        fputs("null", stdout);
        return;
    }
    putchar('"');
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\') printf("\\%c", ch);
        else if (ch < 0x20) printf("\\u%04x", ch);
        else putchar(ch);
    }
    putchar('"');
}

/* Prints `,"name":` and then `s` as json_string does: one more member of an object. */
static void json_field(const char *name, const char *s) {
    printf(",\"%s\":", name);
    json_string(s);
}

#endif
