/* Exercises every function of include/zts.h from C: statuses, NULL and invalid arguments, ownership
 * (run under valgrind: every returned string is freed), files and threads. */
#define _DEFAULT_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "zts.h"

static char *const SENTINEL = (char *)"sentinel";

static int contains(const char *s, const char *part) { return s && strstr(s, part) != NULL; }

/* Checks a failed call: its status, a message containing `part`, then frees the message. The
 * message is passed by address because C does not order the call before reading `error`. */
static void expect_error(int32_t got, int32_t want, char **error, const char *part, const char *what) {
    CHECK(got == want, "%s: status %s, want %s (%s)", what, zts_status_name(got), zts_status_name(want),
          *error ? *error : "no message");
    CHECK(contains(*error, part), "%s: message %s lacks '%s'", what, *error ? *error : "(null)", part);
    zts_string_free(*error);
    *error = NULL;
}

static zts_store *open_memory(void) {
    zts_store *store = NULL;
    int32_t rc = zts_open(":memory:", NULL, &store, NULL);
    CHECK(rc == ZTS_OK && store != NULL, "open :memory:");
    return store;
}

static void test_version_and_names(void) {
    CHECK(strcmp(zts_version(), ZTS_VERSION) == 0, "version %s vs header %s", zts_version(), ZTS_VERSION);
    const char *names[] = {"ZTS_OK", "ZTS_NOT_FOUND", "ZTS_INVALID_ARGUMENT", "ZTS_INVALID_JSON",
                           "ZTS_INVALID_TOKEN", "ZTS_BUSY", "ZTS_IO", "ZTS_CORRUPT",
                           "ZTS_INCOMPATIBLE", "ZTS_INTERNAL"};
    for (int i = 0; i <= ZTS_INTERNAL; i++) CHECK(strcmp(zts_status_name(i), names[i]) == 0, "name of %d", i);
    CHECK(strcmp(zts_status_name(-1), "ZTS_UNKNOWN_STATUS") == 0, "name of -1");
    CHECK(strcmp(zts_status_name(10), "ZTS_UNKNOWN_STATUS") == 0, "name of 10");
}

static void test_nulls(void) {
    zts_store *store = open_memory();
    char *out = SENTINEL, *error = NULL;
    expect_error(zts_open(NULL, NULL, NULL, &error), ZTS_INVALID_ARGUMENT, &error, "location is NULL", "open NULL");
    expect_error(zts_save(NULL, "{}", &out, &error), ZTS_INVALID_ARGUMENT, &error, "store is NULL", "save NULL store");
    expect_error(zts_save(store, NULL, &out, &error), ZTS_INVALID_ARGUMENT, &error, "token_json is NULL", "save NULL json");
    expect_error(zts_find(NULL, "{}", &out, &error), ZTS_INVALID_ARGUMENT, &error, "store is NULL", "find NULL store");
    expect_error(zts_find(store, NULL, &out, &error), ZTS_INVALID_ARGUMENT, &error, "token_json is NULL", "find NULL");
    expect_error(zts_find_by_id(NULL, "1", &out, &error), ZTS_INVALID_ARGUMENT, &error, "store is NULL", "by_id NULL store");
    expect_error(zts_find_by_id(store, NULL, &out, &error), ZTS_INVALID_ARGUMENT, &error, "id is NULL", "by_id NULL id");
    expect_error(zts_list(NULL, &out, &error), ZTS_INVALID_ARGUMENT, &error, "store is NULL", "list NULL");
    expect_error(zts_delete(NULL, "1", &error), ZTS_INVALID_ARGUMENT, &error, "store is NULL", "delete NULL store");
    expect_error(zts_delete(store, NULL, &error), ZTS_INVALID_ARGUMENT, &error, "id is NULL", "delete NULL id");
    expect_error(zts_purge(NULL, &error), ZTS_INVALID_ARGUMENT, &error, "store is NULL", "purge NULL");
    CHECK(out == SENTINEL, "outputs are untouched on failure");
    /* NULL out pointers are allowed: the caller does not want that output. */
    CHECK(zts_save(store, "{\"access_token\":\"AT1\"}", NULL, NULL) == ZTS_OK, "save with NULL outs");
    CHECK(zts_find_by_id(store, "9", NULL, NULL) == ZTS_NOT_FOUND, "status without outs");
    CHECK(zts_list(store, NULL, NULL) == ZTS_OK, "list with NULL outs");
    error = SENTINEL;
    CHECK(zts_purge(store, &error) == ZTS_OK && error == NULL, "success sets *out_error to NULL");
    zts_close(NULL);
    zts_string_free(NULL);
    zts_close(store);
}

static void test_invalid_utf8(void) {
    zts_store *store = open_memory();
    char *error = NULL;
    expect_error(zts_open("\xff\xfe.db", NULL, NULL, &error), ZTS_INVALID_ARGUMENT, &error, "UTF-8", "location");
    expect_error(zts_open(":memory:", "{\"\xff\":1}", NULL, &error), ZTS_INVALID_ARGUMENT, &error, "UTF-8", "options");
    expect_error(zts_save(store, "{\"user_name\":\"\xc3\x28\"}", NULL, &error), ZTS_INVALID_ARGUMENT, &error, "UTF-8",
                 "token_json");
    expect_error(zts_find_by_id(store, "1\xff", NULL, &error), ZTS_INVALID_ARGUMENT, &error, "UTF-8", "id");
    expect_error(zts_delete(store, "\x80", &error), ZTS_INVALID_ARGUMENT, &error, "UTF-8", "delete id");
    zts_close(store);
}

static void test_options(void) {
    char *error = NULL;
    zts_store *store = NULL;
    CHECK(zts_open(":memory:", "{\"busy_timeout_ms\":100,\"synchronous\":\"normal\"}", &store, &error) == ZTS_OK,
          "valid options");
    zts_close(store);
    CHECK(zts_open(":memory:", NULL, NULL, NULL) == ZTS_OK, "open without out_store");
    expect_error(zts_open(":memory:", "{\"timeout\":1}", NULL, &error), ZTS_INVALID_ARGUMENT, &error, "timeout",
                 "unknown option");
    expect_error(zts_open(":memory:", "{\"read_only\":\"yes\"}", NULL, &error), ZTS_INVALID_ARGUMENT, &error,
                 "read_only", "wrong option type");
    expect_error(zts_open("", NULL, NULL, &error), ZTS_INVALID_ARGUMENT, &error, "empty", "empty location");
}

static void test_statuses_and_values(void) {
    zts_store *store = open_memory();
    char *out = NULL, *error = NULL;
    CHECK(zts_save(store, "{\"user_name\":\"u@x\",\"access_token\":\"AT1\"}", &out, &error) == ZTS_OK, "save");
    CHECK(contains(out, "\"id\":\"1\""), "saved id: %s", out);
    zts_string_free(out);
    expect_error(zts_find(store, "{\"user_name\":\"nobody\"}", &out, &error), ZTS_NOT_FOUND, &error, "user_name",
                 "not found");
    expect_error(zts_save(store, "{\"user_name\":", &out, &error), ZTS_INVALID_JSON, &error, "JSON", "bad JSON");
    expect_error(zts_save(store, "{\"user_name\":\"u\"", &out, &error), ZTS_INVALID_JSON, &error, "JSON", "cut JSON");
    expect_error(zts_save(store, "{\"user_name\":\"v\"}", &out, &error), ZTS_INVALID_TOKEN, &error, "nothing to store",
                 "nothing to store");
    expect_error(zts_find(store, "{}", &out, &error), ZTS_INVALID_TOKEN, &error, "nothing to match on", "empty query");

    /* A value of exactly the limit is stored; one byte more is refused by name. */
    size_t size = ZTS_MAX_VALUE_BYTES + 64;
    char *json = malloc(size);
    int n = snprintf(json, size, "{\"access_token\":\"");
    memset(json + n, 'a', ZTS_MAX_VALUE_BYTES);
    strcpy(json + n + ZTS_MAX_VALUE_BYTES, "\"}");
    CHECK(zts_save(store, json, NULL, NULL) == ZTS_OK, "a value of ZTS_MAX_VALUE_BYTES is accepted");
    memset(json + n, 'b', ZTS_MAX_VALUE_BYTES);
    strcpy(json + n + ZTS_MAX_VALUE_BYTES, "b\"}");
    expect_error(zts_save(store, json, NULL, &error), ZTS_INVALID_JSON, &error, "limit", "an over-long value");
    free(json);

    CHECK(zts_list(store, &out, NULL) == ZTS_OK && contains(out, "\"id\":\"2\"") && !contains(out, "\"id\":\"3\""),
          "refused saves changed nothing");
    zts_string_free(out);
    CHECK(zts_delete(store, "2", NULL) == ZTS_OK, "delete");
    expect_error(zts_delete(store, "2", &error), ZTS_NOT_FOUND, &error, "\"2\"", "delete twice");
    zts_close(store);
}

static void test_files(void) {
    char dir[] = "/tmp/zts-c-XXXXXX";
    CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    char path[256], *out = NULL, *error = NULL;
    struct stat st;
    zts_store *store = NULL;

    snprintf(path, sizeof path, "%s/tokens.db", dir);
    CHECK(zts_open(path, NULL, &store, &error) == ZTS_OK, "create %s: %s", path, error ? error : "");
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600, "a new store has mode 0600 (%o)", st.st_mode & 0777);
    CHECK(zts_save(store, "{\"access_token\":\"AT1\"}", NULL, NULL) == ZTS_OK, "save to file");
    zts_close(store);
    CHECK(zts_open(path, NULL, &store, NULL) == ZTS_OK, "reopen");
    CHECK(zts_find_by_id(store, "1", &out, NULL) == ZTS_OK && contains(out, "AT1"), "data persists");
    zts_string_free(out);
    zts_close(store);

    chmod(path, 0400);
    expect_error(zts_open(path, NULL, &store, &error), ZTS_IO, &error, "read-only", "read-only file");
    CHECK(zts_open(path, "{\"read_only\":true}", &store, NULL) == ZTS_OK, "read_only open");
    CHECK(zts_find_by_id(store, "1", NULL, NULL) == ZTS_OK, "read_only find");
    expect_error(zts_save(store, "{\"access_token\":\"AT2\"}", NULL, &error), ZTS_IO, &error, "read_only",
                 "read_only save");
    zts_close(store);

    snprintf(path, sizeof path, "%s/missing/tokens.db", dir);
    expect_error(zts_open(path, NULL, &store, &error), ZTS_IO, &error, "missing", "missing directory");
    expect_error(zts_open(dir, NULL, &store, &error), ZTS_IO, &error, "directory", "a directory");
    snprintf(path, sizeof path, "%s/absent.db", dir);
    expect_error(zts_open(path, "{\"create\":false}", &store, &error), ZTS_IO, &error, "absent.db", "create false");

    snprintf(path, sizeof path, "%s/empty.db", dir);
    fclose(fopen(path, "w"));
    expect_error(zts_open(path, NULL, &store, &error), ZTS_CORRUPT, &error, "empty", "zero-byte file");
    CHECK(stat(path, &st) == 0 && st.st_size == 0, "the zero-byte file stays empty");

    snprintf(path, sizeof path, "%s/hello.txt", dir);
    FILE *f = fopen(path, "w");
    fputs("hello, this is not a database at all; it is long enough to hold a header....................."
          "..................\n",
          f);
    fclose(f);
    expect_error(zts_open(path, NULL, &store, &error), ZTS_CORRUPT, &error, "not an SQLite", "a text file");
    CHECK(stat(path, &st) == 0 && st.st_size == 112, "the text file is unchanged (%ld bytes)", (long)st.st_size);

    /* A store from a newer zts (user_version, header offset 60, raised to 99) is refused untouched. */
    snprintf(path, sizeof path, "%s/newer.db", dir);
    CHECK(zts_open(path, NULL, &store, NULL) == ZTS_OK, "create newer.db");
    zts_close(store);
    f = fopen(path, "r+b");
    fseek(f, 60, SEEK_SET);
    fwrite("\0\0\0\x63", 1, 4, f);
    fclose(f);
    stat(path, &st);
    off_t size = st.st_size;
    expect_error(zts_open(path, NULL, &store, &error), ZTS_INCOMPATIBLE, &error, "newer", "a newer schema");
    CHECK(stat(path, &st) == 0 && st.st_size == size, "the newer store is untouched");

    /* Another process holds the write lock (the sqlite3 shell in a transaction): a save waits
     * busy_timeout_ms, then gives ZTS_BUSY with a message that says so. */
    snprintf(path, sizeof path, "%s/busy.db", dir);
    CHECK(zts_open(path, "{\"busy_timeout_ms\":100}", &store, NULL) == ZTS_OK, "create busy.db");
    char command[300];
    snprintf(command, sizeof command, "sqlite3 %s", path);
    FILE *holder = popen(command, "w");
    fputs("BEGIN IMMEDIATE;\nINSERT INTO oauthtoken (id) VALUES ('99');\n", holder);
    fflush(holder);
    usleep(500 * 1000);
    expect_error(zts_save(store, "{\"access_token\":\"AT1\"}", NULL, &error), ZTS_BUSY, &error, "busy_timeout_ms=100",
                 "a held write lock");
    fputs("ROLLBACK;\n.quit\n", holder);
    pclose(holder);
    CHECK(zts_save(store, "{\"access_token\":\"AT1\"}", NULL, NULL) == ZTS_OK, "saves work once the lock is gone");
    zts_close(store);

    snprintf(command, sizeof command, "rm -rf %s", dir);
    CHECK(system(command) == 0, "cleanup");
}

#define THREADS 4
#define SAVES_PER_THREAD 200

struct worker { zts_store *store; int index; int failures; };

static void *save_many(void *arg) {
    struct worker *w = arg;
    char json[64];
    for (int i = 0; i < SAVES_PER_THREAD; i++) {
        snprintf(json, sizeof json, "{\"access_token\":\"T%d-%d\"}", w->index, i);
        if (zts_save(w->store, json, NULL, NULL) != ZTS_OK) w->failures++;
    }
    return NULL;
}

static void test_threads(void) {
    zts_store *store = open_memory();
    pthread_t threads[THREADS];
    struct worker workers[THREADS];
    for (int i = 0; i < THREADS; i++) {
        workers[i] = (struct worker){store, i, 0};
        pthread_create(&threads[i], NULL, save_many, &workers[i]);
    }
    int failures = 0;
    for (int i = 0; i < THREADS; i++) {
        pthread_join(threads[i], NULL);
        failures += workers[i].failures;
    }
    CHECK(failures == 0, "%d saves failed", failures);
    /* Every id from 1 to 800 exists once: no id was given twice. */
    int missing = 0;
    char id[16];
    for (int i = 1; i <= THREADS * SAVES_PER_THREAD; i++) {
        snprintf(id, sizeof id, "%d", i);
        if (zts_find_by_id(store, id, NULL, NULL) != ZTS_OK) missing++;
    }
    snprintf(id, sizeof id, "%d", THREADS * SAVES_PER_THREAD + 1);
    CHECK(missing == 0 && zts_find_by_id(store, id, NULL, NULL) == ZTS_NOT_FOUND, "ids 1..%d, %d missing",
          THREADS * SAVES_PER_THREAD, missing);
    zts_close(store);
}

int main(void) {
    test_version_and_names();
    test_nulls();
    test_invalid_utf8();
    test_options();
    test_statuses_and_values();
    test_files();
    test_threads();
    return finish("api");
}
