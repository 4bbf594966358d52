/*
 * Counts a process's heap allocations, for `make bench`'s allocations per call: loaded with
 * LD_PRELOAD into a contender, it wraps malloc, calloc and realloc (glibc's own entry points
 * do the work) and, at exit, writes "malloc N realloc N calloc N bytes N" to the file named
 * by BENCH_ALLOC_OUT. The harness runs a contender twice with different call counts, so the
 * allocations of its start and exit cancel out.
 */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);

static unsigned long n_malloc, n_calloc, n_realloc, n_bytes;

void *malloc(size_t size) {
    __atomic_fetch_add(&n_malloc, 1, __ATOMIC_RELAXED);
    __atomic_fetch_add(&n_bytes, size, __ATOMIC_RELAXED);
    return __libc_malloc(size);
}

void *calloc(size_t n, size_t size) {
    __atomic_fetch_add(&n_calloc, 1, __ATOMIC_RELAXED);
    __atomic_fetch_add(&n_bytes, n * size, __ATOMIC_RELAXED);
    return __libc_calloc(n, size);
}

void *realloc(void *p, size_t size) {
    __atomic_fetch_add(&n_realloc, 1, __ATOMIC_RELAXED);
    return __libc_realloc(p, size);
}

__attribute__((destructor)) static void report(void) {
    const char *out = getenv("BENCH_ALLOC_OUT");
    FILE *f = out != NULL ? fopen(out, "w") : NULL;
    if (f != NULL) {
        fprintf(f, "malloc %lu realloc %lu calloc %lu bytes %lu\n", n_malloc, n_realloc, n_calloc, n_bytes);
        fclose(f);
    }
}
