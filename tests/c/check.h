/* The check helper shared by the C tests: one "ok - ..." or "not ok - ..." line per check, and a
 * summary line "<suite>: N passed, M failed". */
#ifndef ZTS_TEST_CHECK_H
#define ZTS_TEST_CHECK_H

#include <stdarg.h>
#include <stdio.h>

static int checks_passed, checks_failed;

/* Counts and prints one check described by a printf format; returns `ok` so that a caller can add
 * details (with `diag`) when it failed. */
__attribute__((format(printf, 2, 3))) static int check(int ok, const char *fmt, ...) {
    va_list args;
    va_start(args, fmt);
    fputs(ok ? "ok - " : "not ok - ", stdout);
    vprintf(fmt, args);
    putchar('\n');
    va_end(args);
    if (ok)
        checks_passed++;
    else
        checks_failed++;
    return ok;
}

/* A detail line under a failed check. */
__attribute__((format(printf, 1, 2))) static void diag(const char *fmt, ...) {
    va_list args;
    va_start(args, fmt);
    fputs("#   ", stdout);
    vprintf(fmt, args);
    putchar('\n');
    va_end(args);
}

/* Prints the summary line and returns the exit status. */
static int finish(const char *suite) {
    printf("%s: %d passed, %d failed\n", suite, checks_passed, checks_failed);
    return checks_failed ? 1 : 0;
}

#endif
