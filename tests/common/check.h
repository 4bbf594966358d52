/* Pass/fail counting shared by the C test programs of tests/c (included by a path relative to
 * them, so that every build finds it: the Makefile's, Wine's and qemu's). CHECK(cond) counts one
 * check and prints where a failed one is; CHECK_MSG(cond, format, ...) adds a printf-style
 * detail to the failure. The program prints `passed` and `failed` at its end. */
#ifndef HAZY_TEST_CHECK_H
#define HAZY_TEST_CHECK_H

#include <stdarg.h>
#include <stdio.h>

static int passed, failed;

/* Counts `ok`; when it is false, prints FAIL with the place, the condition and the detail. */
static void check_at(int ok, const char *file, int line, const char *what, const char *format, ...) {
    va_list args;
    if (ok) {
        passed++;
        return;
    }
    failed++;
    fprintf(stderr, "FAIL %s:%d: %s", file, line, what);
    if (format != NULL) {
        fputs(": ", stderr);
        va_start(args, format);
        vfprintf(stderr, format, args);
        va_end(args);
    }
    fputc('\n', stderr);
}

#define CHECK(cond) check_at((cond) ? 1 : 0, __FILE__, __LINE__, #cond, NULL)
#define CHECK_MSG(cond, ...) check_at((cond) ? 1 : 0, __FILE__, __LINE__, #cond, __VA_ARGS__)

#endif
