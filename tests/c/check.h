/* A tiny TAP-like check helper shared by the C tests. */
#ifndef ZTS_TEST_CHECK_H
#define ZTS_TEST_CHECK_H
#include <stdio.h>

static int checks_passed, checks_failed;

#define CHECK(cond, ...)                                                  \
    do {                                                                  \
        if (cond) {                                                       \
            checks_passed++;                                              \
        } else {                                                          \
            checks_failed++;                                              \
            printf("not ok - %s:%d: ", __FILE__, __LINE__);               \
            printf(__VA_ARGS__);                                          \
            printf("\n");                                                 \
        }                                                                 \
    } while (0)

/* Prints "<suite>: N passed, M failed" and returns the exit status. */
static int finish(const char *suite) {
    printf("%s: %d passed, %d failed\n", suite, checks_passed, checks_failed);
    return checks_failed ? 1 : 0;
}
#endif
