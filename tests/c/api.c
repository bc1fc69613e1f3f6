/* Exercises every function of include/zts.h from C: every status a call can produce, NULL and
 * non-UTF-8 arguments, the out-pointer contract, files, a write lock held by another process, and one
 * handle shared by threads. Runs under valgrind: every string zts returns is freed here, so a leak
 * reported is the library's. */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "zts.h"

/* ---- calls and their outcomes ---------------------------------------------------------------- */

/* Out pointers start as these sentinels, so a test sees whether a call wrote them. */
static char sentinel_text[] = "sentinel";
static long long sentinel_store_object;
#define SENTINEL sentinel_text
#define STORE_SENTINEL ((zts_store *)&sentinel_store_object)

/* One call's status and its out pointers (still the sentinels where the call wrote nothing). */
struct result {
    int32_t status;
    char *out;
    char *error;
    zts_store *store;
};

#define RESULT_INIT {-1, SENTINEL, SENTINEL, STORE_SENTINEL}

#define TOKEN "{\"access_token\":\"AT1\"}"
#define STORED "{\"id\":\"1\",\"access_token\":\"AT1\"}" /* TOKEN as the first save stores it */

static struct result open_store(const char *location, const char *options_json) {
    struct result r = RESULT_INIT;
    r.status = zts_open(location, options_json, &r.store, &r.error);
    return r;
}

static struct result save(zts_store *store, const char *token_json) {
    struct result r = RESULT_INIT;
    r.status = zts_save(store, token_json, &r.out, &r.error);
    return r;
}

static struct result find(zts_store *store, const char *token_json) {
    struct result r = RESULT_INIT;
    r.status = zts_find(store, token_json, &r.out, &r.error);
    return r;
}

static struct result find_by_id(zts_store *store, const char *id) {
    struct result r = RESULT_INIT;
    r.status = zts_find_by_id(store, id, &r.out, &r.error);
    return r;
}

static struct result try_save(zts_store *store, const char *token_json) {
    struct result r = RESULT_INIT;
    r.status = zts_try_save(store, token_json, &r.out, &r.error);
    return r;
}

static struct result try_delete(zts_store *store, const char *id) {
    struct result r = RESULT_INIT;
    r.status = zts_try_delete(store, id, &r.error);
    return r;
}

static struct result try_find(zts_store *store, const char *token_json) {
    struct result r = RESULT_INIT;
    r.status = zts_try_find(store, token_json, &r.out, &r.error);
    return r;
}

static struct result try_find_by_id(zts_store *store, const char *id) {
    struct result r = RESULT_INIT;
    r.status = zts_try_find_by_id(store, id, &r.out, &r.error);
    return r;
}

static struct result leases(zts_store *store) {
    struct result r = RESULT_INIT;
    r.status = zts_leases(store, &r.out, &r.error);
    return r;
}

static struct result list(zts_store *store) {
    struct result r = RESULT_INIT;
    r.status = zts_list(store, &r.out, &r.error);
    return r;
}

static struct result delete_id(zts_store *store, const char *id) {
    struct result r = RESULT_INIT;
    r.status = zts_delete(store, id, &r.error);
    return r;
}

static struct result purge(zts_store *store) {
    struct result r = RESULT_INIT;
    r.status = zts_purge(store, &r.error);
    return r;
}

static const char *shown(const char *s) {
    return s == SENTINEL ? "(untouched)" : s ? s : "(NULL)";
}

/* A call that must fail: the wanted status, an owned message containing `part`, and no output
 * written. Frees whatever the call returned. */
static void expect_fail(const char *what, struct result r, int32_t want, const char *part) {
    int has_message = r.error != NULL && r.error != SENTINEL && *r.error;
    int untouched = r.out == SENTINEL && r.store == STORE_SENTINEL;
    if (!check(r.status == want && has_message && strstr(r.error, part) && untouched, "%s -> %s mentioning '%s'",
               what, zts_status_name(want), part)) {
        diag("got %s, message %s", zts_status_name(r.status), shown(r.error));
        if (!untouched) diag("an output was written by a failing call");
    }
    if (r.error != SENTINEL) zts_string_free(r.error);
    if (r.out != SENTINEL) zts_string_free(r.out);
    if (r.store != STORE_SENTINEL) zts_close(r.store);
}

/* A call that must succeed: ZTS_OK, and *out_error reset from the sentinel to NULL. Returns the
 * output (NULL when the call has none), which the caller frees with zts_string_free. */
static char *expect_ok(const char *what, struct result r) {
    if (!check(r.status == ZTS_OK && r.error == NULL, "%s -> ZTS_OK", what))
        diag("got %s, message %s", zts_status_name(r.status), shown(r.error));
    if (r.error != SENTINEL) zts_string_free(r.error);
    return r.out == SENTINEL ? NULL : r.out;
}

/* expect_ok for a call whose output is not examined. */
static void call_ok(const char *what, struct result r) { zts_string_free(expect_ok(what, r)); }

static zts_store *open_ok(const char *what, const char *location, const char *options_json) {
    struct result r = open_store(location, options_json);
    expect_ok(what, r);
    return r.store == STORE_SENTINEL ? NULL : r.store;
}

static zts_store *open_memory(void) { return open_ok("zts_open(\":memory:\")", ":memory:", NULL); }

/* ---- returned JSON --------------------------------------------------------------------------- */

static const char *const FIELDS[10] = {"id",           "user_name",   "client_id",   "client_secret",
                                       "refresh_token", "access_token", "grant_token", "expiry_time",
                                       "redirect_url",  "api_domain"};

/* A token zts returned has exactly the ten keys, each equal to the expected object's value, or null
 * where the expected object leaves the key out. */
static int token_matches(json_t *actual, json_t *expected) {
    if (!json_is_object(actual) || json_object_size(actual) != 10) return 0;
    for (size_t i = 0; i < 10; i++) {
        json_t *want = json_object_get(expected, FIELDS[i]);
        json_t *got = json_object_get(actual, FIELDS[i]);
        if (!got || !json_equal(got, want ? want : json_null())) return 0;
    }
    return 1;
}

/* Checks a returned token against the expected token's JSON text, then frees it. */
static void expect_token(const char *what, char *out, const char *expected_json) {
    json_t *actual = out ? json_loads(out, 0, NULL) : NULL;
    json_t *expected = json_loads(expected_json, 0, NULL);
    if (!check(expected && token_matches(actual, expected), "%s is %s", what, expected_json))
        diag("got %s", shown(out));
    json_decref(actual);
    json_decref(expected);
    zts_string_free(out);
}

/* The number of tokens in a list zts returned (-1 when it is not a JSON array), then frees it. */
static long list_size(char *out) {
    json_t *all = out ? json_loads(out, 0, NULL) : NULL;
    long size = json_is_array(all) ? (long)json_array_size(all) : -1;
    json_decref(all);
    zts_string_free(out);
    return size;
}

/* ---- files ----------------------------------------------------------------------------------- */

struct temp {
    char dir[32];
    char path[96];
};

/* A fresh directory under /tmp, and `path` naming `file` in it. */
static void make_temp(struct temp *t, const char *file) {
    strcpy(t->dir, "/tmp/zts-c-XXXXXX");
    if (!mkdtemp(t->dir)) {
        perror("mkdtemp");
        exit(2);
    }
    snprintf(t->path, sizeof t->path, "%s/%s", t->dir, file);
}

static void remove_temp(struct temp *t) {
    char command[64];
    snprintf(command, sizeof command, "rm -rf '%s'", t->dir);
    if (system(command) != 0) diag("could not remove %s", t->dir);
}

static int count_entries(const char *dir) {
    DIR *d = opendir(dir);
    int n = 0;
    if (!d) return -1;
    for (struct dirent *e; (e = readdir(d));)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
    closedir(d);
    return n;
}

static void write_file(const char *path, const char *bytes, size_t len) {
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(bytes, 1, len, f) != len || fclose(f) != 0) {
        perror(path);
        exit(2);
    }
}

/* The whole file (malloc'ed, *len bytes), or NULL. */
static char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0, got;
    char *data = malloc(cap);
    while ((got = fread(data + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) data = realloc(data, cap *= 2);
    }
    fclose(f);
    *len = n;
    return data;
}

/* Reads the file now so that `unchanged` can tell later whether anything was written to it. */
struct snapshot {
    char *data;
    size_t len;
};

static struct snapshot snapshot(const char *path) {
    struct snapshot s = {NULL, 0};
    s.data = read_file(path, &s.len);
    return s;
}

static int unchanged(const char *path, struct snapshot *before) {
    size_t len = 0;
    char *now = read_file(path, &len);
    int same = now && before->data && len == before->len && memcmp(now, before->data, len) == 0;
    free(now);
    free(before->data);
    before->data = NULL;
    return same;
}

static long file_size(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* Runs SQL on a file with the sqlite3 shell (a second program, as another tool would). */
static int sqlite3_shell(const char *path, const char *sql) {
    char command[256];
    snprintf(command, sizeof command, "sqlite3 '%s' '%s'", path, sql);
    return system(command) == 0;
}

/* A store file holding one token, closed again. */
static void make_store(const char *path) {
    zts_store *store = open_ok("create a store file", path, NULL);
    call_ok("save a token to it", save(store, TOKEN));
    zts_close(store);
}

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* ---- the tests ------------------------------------------------------------------------------- */

static void test_version_and_status_names(void) {
    check(strcmp(zts_version(), ZTS_VERSION) == 0, "zts_version() \"%s\" is ZTS_VERSION \"%s\"", zts_version(),
          ZTS_VERSION);
#define STATUS(code) {code, #code}
    const struct {
        int32_t code;
        const char *name;
    } statuses[] = {STATUS(ZTS_OK),           STATUS(ZTS_NOT_FOUND), STATUS(ZTS_INVALID_ARGUMENT),
                    STATUS(ZTS_INVALID_JSON), STATUS(ZTS_INVALID_TOKEN), STATUS(ZTS_BUSY),
                    STATUS(ZTS_IO),           STATUS(ZTS_CORRUPT),   STATUS(ZTS_INCOMPATIBLE),
                    STATUS(ZTS_INTERNAL),     STATUS(ZTS_REFRESHING)};
#undef STATUS
    for (int32_t i = 0; i < 11; i++)
        check(statuses[i].code == i && strcmp(zts_status_name(i), statuses[i].name) == 0,
              "zts_status_name(%d) is %s", i, statuses[i].name);
    const int32_t unknown[] = {-1, 11, 1000, INT32_MIN, INT32_MAX};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++)
        check(strcmp(zts_status_name(unknown[i]), "ZTS_UNKNOWN_STATUS") == 0,
              "zts_status_name(%d) is ZTS_UNKNOWN_STATUS", unknown[i]);
}

static void test_null_arguments(void) {
    zts_store *store = open_memory();
    expect_fail("zts_open(location NULL)", open_store(NULL, NULL), ZTS_INVALID_ARGUMENT, "location is NULL");
    expect_fail("zts_save(store NULL)", save(NULL, TOKEN), ZTS_INVALID_ARGUMENT, "store is NULL");
    expect_fail("zts_save(token_json NULL)", save(store, NULL), ZTS_INVALID_ARGUMENT, "token_json is NULL");
    expect_fail("zts_find(store NULL)", find(NULL, TOKEN), ZTS_INVALID_ARGUMENT, "store is NULL");
    expect_fail("zts_find(token_json NULL)", find(store, NULL), ZTS_INVALID_ARGUMENT, "token_json is NULL");
    expect_fail("zts_find_by_id(store NULL)", find_by_id(NULL, "1"), ZTS_INVALID_ARGUMENT, "store is NULL");
    expect_fail("zts_find_by_id(id NULL)", find_by_id(store, NULL), ZTS_INVALID_ARGUMENT, "id is NULL");
    expect_fail("zts_list(store NULL)", list(NULL), ZTS_INVALID_ARGUMENT, "store is NULL");
    expect_fail("zts_delete(store NULL)", delete_id(NULL, "1"), ZTS_INVALID_ARGUMENT, "store is NULL");
    expect_fail("zts_delete(id NULL)", delete_id(store, NULL), ZTS_INVALID_ARGUMENT, "id is NULL");
    expect_fail("zts_purge(store NULL)", purge(NULL), ZTS_INVALID_ARGUMENT, "store is NULL");

    /* The same failures with every out pointer NULL: the status alone comes back. */
    check(zts_open(NULL, NULL, NULL, NULL) == ZTS_INVALID_ARGUMENT, "zts_open(NULL, ..., out_error NULL) fails");
    check(zts_save(NULL, TOKEN, NULL, NULL) == ZTS_INVALID_ARGUMENT, "zts_save(NULL, ..., out_error NULL) fails");
    check(zts_find(store, NULL, NULL, NULL) == ZTS_INVALID_ARGUMENT, "zts_find(.., NULL, out_error NULL) fails");
    check(zts_find_by_id(store, NULL, NULL, NULL) == ZTS_INVALID_ARGUMENT,
          "zts_find_by_id(.., NULL, out_error NULL) fails");
    check(zts_list(NULL, NULL, NULL) == ZTS_INVALID_ARGUMENT, "zts_list(NULL, out NULL, out_error NULL) fails");
    check(zts_delete(store, NULL, NULL) == ZTS_INVALID_ARGUMENT, "zts_delete(.., NULL, out_error NULL) fails");
    check(zts_purge(NULL, NULL) == ZTS_INVALID_ARGUMENT, "zts_purge(NULL, out_error NULL) fails");
    char *out = SENTINEL;
    check(zts_find_by_id(store, NULL, &out, NULL) == ZTS_INVALID_ARGUMENT && out == SENTINEL,
          "a failure with out_error NULL leaves out_token_json untouched");

    zts_close(NULL);
    zts_string_free(NULL);
    check(1, "zts_close(NULL) and zts_string_free(NULL) are no-ops");
    zts_close(store);
}

static void test_out_pointers(void) {
    /* Each success resets *out_error from the sentinel to NULL (expect_ok checks it). */
    zts_store *store = open_memory();
    expect_token("zts_save output", expect_ok("zts_save", save(store, TOKEN)), STORED);
    expect_token("zts_find output", expect_ok("zts_find", find(store, TOKEN)), STORED);
    expect_token("zts_find_by_id output", expect_ok("zts_find_by_id", find_by_id(store, "1")), STORED);
    check(list_size(expect_ok("zts_list", list(store))) == 1, "zts_list output is an array of the one token");
    call_ok("zts_delete", delete_id(store, "1"));
    call_ok("zts_purge", purge(store));
    check(list_size(expect_ok("zts_list of an empty store", list(store))) == 0, "an empty store lists as []");

    /* NULL outputs: the call still runs and returns its status; nothing is allocated to leak. */
    check(zts_open(":memory:", NULL, NULL, NULL) == ZTS_OK, "zts_open with out_store and out_error NULL");
    check(zts_save(store, TOKEN, NULL, NULL) == ZTS_OK, "zts_save with NULL outputs");
    char *error = SENTINEL;
    check(zts_save(store, "{\"access_token\":\"AT2\"}", NULL, &error) == ZTS_OK && error == NULL,
          "zts_save with out_token_json NULL still resets *out_error");
    check(zts_find(store, TOKEN, NULL, NULL) == ZTS_OK, "zts_find with NULL outputs");
    /* ids 2 and 3: test_out_pointers deleted id 1, and a deleted token's id is never issued again. */
    check(zts_find_by_id(store, "3", NULL, NULL) == ZTS_OK, "zts_find_by_id with NULL outputs (the save stored)");
    check(zts_list(store, NULL, NULL) == ZTS_OK, "zts_list with NULL outputs");
    check(zts_find_by_id(store, "9", NULL, NULL) == ZTS_NOT_FOUND, "a failure with NULL outputs returns its status");
    check(zts_save(store, "{", NULL, NULL) == ZTS_INVALID_JSON, "zts_save of bad JSON with NULL outputs");
    check(zts_delete(store, "2", NULL) == ZTS_OK, "zts_delete with out_error NULL");
    check(zts_purge(store, NULL) == ZTS_OK, "zts_purge with out_error NULL");
    check(zts_find_by_id(store, "2", NULL, NULL) == ZTS_NOT_FOUND, "the purge with out_error NULL purged");
    zts_close(store);
}

/* Two bytes that are never UTF-8; a separate literal so that no hex escape runs on. */
#define BAD "\xff\xfe"

static void test_invalid_utf8(void) {
    zts_store *store = open_memory();
    expect_fail("zts_open(location non-UTF-8)", open_store(BAD, NULL), ZTS_INVALID_ARGUMENT,
                "location is not valid UTF-8");
    expect_fail("zts_open(options_json non-UTF-8)", open_store(":memory:", "{\"" BAD "\":1}"), ZTS_INVALID_ARGUMENT,
                "options_json is not valid UTF-8");
    expect_fail("zts_save(token_json non-UTF-8)", save(store, "{\"access_token\":\"" BAD "\"}"), ZTS_INVALID_ARGUMENT,
                "token_json is not valid UTF-8");
    expect_fail("zts_find(token_json non-UTF-8)", find(store, "{\"user_name\":\"" BAD "\"}"), ZTS_INVALID_ARGUMENT,
                "token_json is not valid UTF-8");
    expect_fail("zts_find_by_id(id non-UTF-8)", find_by_id(store, BAD), ZTS_INVALID_ARGUMENT,
                "id is not valid UTF-8");
    expect_fail("zts_delete(id non-UTF-8)", delete_id(store, "1" BAD), ZTS_INVALID_ARGUMENT, "id is not valid UTF-8");
    zts_close(store);
}

static void test_options(void) {
    zts_close(open_ok("zts_open with options_json NULL", ":memory:", NULL));
    zts_close(open_ok("zts_open with {}", ":memory:", "{}"));
    zts_close(open_ok("zts_open with busy_timeout_ms and synchronous", ":memory:",
                      "{\"busy_timeout_ms\":100,\"synchronous\":\"normal\"}"));
    zts_close(open_ok("zts_open with every option", ":memory:",
                      "{\"busy_timeout_ms\":0,\"read_only\":false,\"create\":true,\"synchronous\":\"full\"}"));
    char *error = SENTINEL;
    check(zts_open(":memory:", "{\"busy_timeout_ms\":100}", NULL, &error) == ZTS_OK && error == NULL,
          "zts_open with out_store NULL opens, checks and closes");

    expect_fail("unknown option", open_store(":memory:", "{\"timeout\":5}"), ZTS_INVALID_ARGUMENT,
                "unknown option \"timeout\"");
    expect_fail("busy_timeout_ms a string", open_store(":memory:", "{\"busy_timeout_ms\":\"100\"}"),
                ZTS_INVALID_ARGUMENT, "\"busy_timeout_ms\" must be");
    expect_fail("busy_timeout_ms negative", open_store(":memory:", "{\"busy_timeout_ms\":-1}"), ZTS_INVALID_ARGUMENT,
                "\"busy_timeout_ms\" must be");
    expect_fail("read_only a string", open_store(":memory:", "{\"read_only\":\"yes\"}"), ZTS_INVALID_ARGUMENT,
                "\"read_only\" must be");
    expect_fail("create a number", open_store(":memory:", "{\"create\":1}"), ZTS_INVALID_ARGUMENT,
                "\"create\" must be");
    expect_fail("synchronous unknown", open_store(":memory:", "{\"synchronous\":\"off\"}"), ZTS_INVALID_ARGUMENT,
                "\"synchronous\" must be");
    zts_close(open_ok("zts_open with the refresh options", ":memory:",
                      "{\"refresh_lead_ms\":5,\"refresh_lease_ms\":0}"));
    expect_fail("refresh_lead_ms negative", open_store(":memory:", "{\"refresh_lead_ms\":-5}"), ZTS_INVALID_ARGUMENT,
                "\"refresh_lead_ms\" must be");
    expect_fail("refresh_lease_ms a string", open_store(":memory:", "{\"refresh_lease_ms\":\"10s\"}"),
                ZTS_INVALID_ARGUMENT, "\"refresh_lease_ms\" must be");
    expect_fail("options_json not JSON", open_store(":memory:", "{"), ZTS_INVALID_ARGUMENT,
                "options_json is not valid JSON");
    expect_fail("options_json not an object", open_store(":memory:", "[]"), ZTS_INVALID_ARGUMENT,
                "options_json must be a JSON object");
    expect_fail("empty location", open_store("", NULL), ZTS_INVALID_ARGUMENT, "location is empty");
}

static void test_statuses(void) {
    zts_store *store = open_memory();
    const char *token = "{\"user_name\":\"u@x\",\"access_token\":\"AT1\",\"expiry_time\":4102444839397}";
    expect_token("the saved token", expect_ok("save", save(store, token)),
                 "{\"id\":\"1\",\"user_name\":\"u@x\",\"access_token\":\"AT1\",\"expiry_time\":\"4102444839397\"}");
    char *before = expect_ok("list before the refused calls", list(store));

    expect_fail("find of an unknown user", find(store, "{\"user_name\":\"nobody\"}"), ZTS_NOT_FOUND,
                "matches the query's user_name");
    expect_fail("find_by_id of an unknown id", find_by_id(store, "2"), ZTS_NOT_FOUND, "no token has id \"2\"");
    expect_fail("delete of an unknown id", delete_id(store, "2"), ZTS_NOT_FOUND, "no token has id \"2\"");

    expect_fail("save of cut JSON", save(store, "{\"user_name\":"), ZTS_INVALID_JSON, "token JSON");
    expect_fail("find of cut JSON", find(store, "{\"user_name\":\"u@x\""), ZTS_INVALID_JSON, "token JSON");
    expect_fail("save of an unknown key", save(store, "{\"colour\":\"red\"}"), ZTS_INVALID_JSON,
                "unknown key \"colour\"");
    expect_fail("save of a repeated key", save(store, "{\"id\":\"1\",\"id\":\"1\"}"), ZTS_INVALID_JSON,
                "\"id\" appears twice");
    expect_fail("save of a number for a string", save(store, "{\"access_token\":12}"), ZTS_INVALID_JSON,
                "\"access_token\" must be a string or null");
    expect_fail("save of an array", save(store, "[]"), ZTS_INVALID_JSON, "object");

    expect_fail("save with nothing to store", save(store, "{\"user_name\":\"v@x\"}"), ZTS_INVALID_TOKEN,
                "nothing to store");
    expect_fail("find with nothing to match on", find(store, "{}"), ZTS_INVALID_TOKEN, "nothing to match on");
    expect_fail("save with a bad id", save(store, "{\"id\":\"01\",\"access_token\":\"AT9\"}"), ZTS_INVALID_TOKEN,
                "id \"01\"");
    expect_fail("save with a bad expiry_time", save(store, "{\"user_name\":\"u@x\",\"expiry_time\":\"soon\"}"),
                ZTS_INVALID_TOKEN, "expiry_time must be epoch milliseconds");

    expect_fail("find_by_id of an empty id", find_by_id(store, ""), ZTS_INVALID_ARGUMENT, "id is empty");
    expect_fail("delete of an empty id", delete_id(store, ""), ZTS_INVALID_ARGUMENT, "id is empty");

    char *after = expect_ok("list after the refused calls", list(store));
    check(before && after && strcmp(before, after) == 0, "refused calls changed nothing");
    zts_string_free(before);
    zts_string_free(after);

    call_ok("delete the token", delete_id(store, "1"));
    expect_fail("find_by_id of the deleted id", find_by_id(store, "1"), ZTS_NOT_FOUND, "no token has id \"1\"");
    call_ok("purge an empty store", purge(store));
    zts_close(store);
}

/* {"access_token":"aaa..."} with a value of `len` bytes (malloc'ed). */
static char *token_with_value_of(size_t len) {
    const char *head = "{\"access_token\":\"", *tail = "\"}";
    char *json = malloc(strlen(head) + len + strlen(tail) + 1);
    strcpy(json, head);
    memset(json + strlen(head), 'a', len);
    strcpy(json + strlen(head) + len, tail);
    return json;
}

static void test_value_limits(void) {
    zts_store *store = open_memory();
    char *json = token_with_value_of(ZTS_MAX_VALUE_BYTES);
    char *out = expect_ok("save of a value of exactly ZTS_MAX_VALUE_BYTES", save(store, json));
    json_t *token = out ? json_loads(out, 0, NULL) : NULL;
    check(json_string_length(json_object_get(token, "access_token")) == ZTS_MAX_VALUE_BYTES,
          "the value comes back whole (%d bytes)", ZTS_MAX_VALUE_BYTES);
    json_decref(token);
    zts_string_free(out);
    free(json);

    json = token_with_value_of(ZTS_MAX_VALUE_BYTES + 1);
    expect_fail("save of a value one byte over", save(store, json), ZTS_INVALID_JSON, "the limit is 65536");
    free(json);
    json = token_with_value_of(1024 * 1024);
    expect_fail("save of a 1 MiB value", save(store, json), ZTS_INVALID_JSON, "the limit is");
    expect_fail("find with a 1 MiB value", find(store, json), ZTS_INVALID_JSON, "the limit is");
    free(json);

    check(list_size(expect_ok("list after the refused saves", list(store))) == 1, "only the accepted token is stored");
    zts_close(store);
}

static void test_new_file(void) {
    struct temp t;
    make_temp(&t, "tokens.db");
    zts_store *store = open_ok("zts_open creates a new store file", t.path, NULL);
    struct stat st = {0};
    stat(t.path, &st);
    check(S_ISREG(st.st_mode) && (st.st_mode & 0777) == 0600, "the new store file has mode 0600 (%o)",
          (unsigned)(st.st_mode & 0777));
    const char *stored = "{\"id\":\"1\",\"user_name\":\"u@x\",\"refresh_token\":\"RT1\",\"client_id\":\"c\","
                         "\"client_secret\":\"s\",\"access_token\":\"AT1\"}";
    call_ok("save to the file", save(store, stored));
    zts_close(store);

    store = open_ok("reopen the store file", t.path, NULL);
    expect_token("the token after close and reopen", expect_ok("find_by_id after reopen", find_by_id(store, "1")),
                 stored);
    check(list_size(expect_ok("list after reopen", list(store))) == 1, "the reopened store lists its one token");
    zts_close(store);

    check(zts_open(t.path, NULL, NULL, NULL) == ZTS_OK, "zts_open of the file with out_store NULL");
    remove_temp(&t);

    make_temp(&t, "checked.db");
    check(zts_open(t.path, NULL, NULL, NULL) == ZTS_OK && stat(t.path, &st) == 0 && (st.st_mode & 0777) == 0600,
          "zts_open with out_store NULL still creates the store");
    remove_temp(&t);
}

static void test_refused_files(void) {
    struct temp t;
    make_temp(&t, "missing/tokens.db");
    expect_fail("a path in a missing directory", open_store(t.path, NULL), ZTS_IO, t.path);
    remove_temp(&t);

    make_temp(&t, "");
    expect_fail("a directory as location", open_store(t.dir, NULL), ZTS_IO, "is a directory");
    remove_temp(&t);

    make_temp(&t, "absent.db");
    expect_fail("create false on a missing file", open_store(t.path, "{\"create\":false}"), ZTS_IO, t.path);
    check(count_entries(t.dir) == 0, "create false created nothing");
    remove_temp(&t);

    make_temp(&t, "empty.db");
    write_file(t.path, "", 0);
    expect_fail("a zero-byte file", open_store(t.path, NULL), ZTS_CORRUPT, "empty (0 bytes)");
    check(file_size(t.path) == 0 && count_entries(t.dir) == 1, "the zero-byte file stays 0 bytes, alone");
    remove_temp(&t);

    make_temp(&t, "hello.txt");
    write_file(t.path, "hello", 5);
    struct snapshot before = snapshot(t.path);
    expect_fail("a text file", open_store(t.path, NULL), ZTS_CORRUPT, "not an SQLite database");
    check(unchanged(t.path, &before) && count_entries(t.dir) == 1, "the text file still holds \"hello\", alone");
    remove_temp(&t);

    make_temp(&t, "truncated.db");
    make_store(t.path);
    if (truncate(t.path, 1000) != 0) perror("truncate");
    before = snapshot(t.path);
    expect_fail("a truncated store", open_store(t.path, NULL), ZTS_CORRUPT, "truncated");
    check(unchanged(t.path, &before), "the truncated store is unchanged");
    remove_temp(&t);
}

static void test_read_only_file(void) {
    struct temp t;
    make_temp(&t, "tokens.db");
    make_store(t.path);
    chmod(t.path, 0400);
    expect_fail("a mode 0400 file without read_only", open_store(t.path, NULL), ZTS_IO, "read-only");

    zts_store *store = open_ok("a mode 0400 file with read_only", t.path, "{\"read_only\":true}");
    expect_token("find in the read_only store", expect_ok("find", find(store, TOKEN)), STORED);
    call_ok("list in the read_only store", list(store));
    expect_fail("save to the read_only store", save(store, "{\"access_token\":\"AT2\"}"), ZTS_IO, "read_only");
    expect_fail("delete in the read_only store", delete_id(store, "1"), ZTS_IO, "read_only");
    expect_fail("purge of the read_only store", purge(store), ZTS_IO, "read_only");
    zts_close(store);
    remove_temp(&t);
}

static void test_incompatible_files(void) {
    struct temp t;
    make_temp(&t, "newer.db");
    make_store(t.path);
    check(sqlite3_shell(t.path, "PRAGMA user_version = 99;"), "the sqlite3 shell marks the store as version 99");
    struct snapshot before = snapshot(t.path);
    expect_fail("a store of a newer zts schema", open_store(t.path, NULL), ZTS_INCOMPATIBLE, "newer");
    check(unchanged(t.path, &before), "the newer store is unchanged");
    remove_temp(&t);

    make_temp(&t, "notes.db");
    check(sqlite3_shell(t.path, "CREATE TABLE notes (body TEXT);"), "the sqlite3 shell makes another database");
    before = snapshot(t.path);
    expect_fail("an SQLite file of another schema", open_store(t.path, NULL), ZTS_INCOMPATIBLE, "another schema");
    check(unchanged(t.path, &before), "the other database is unchanged");
    remove_temp(&t);
}

/* Two handles on one file, and the sqlite3 shell (another process) holding the write lock. */
static void test_busy(void) {
    struct temp t;
    make_temp(&t, "busy.db");
    const char *options = "{\"busy_timeout_ms\":50}";
    zts_store *a = open_ok("open the file (handle a)", t.path, options);
    zts_store *b = open_ok("open the same file again (handle b)", t.path, options);
    call_ok("save through a", save(a, TOKEN));
    call_ok("b sees a's token", find_by_id(b, "1"));

    char ready[128], command[160];
    snprintf(ready, sizeof ready, "%s/locked", t.dir);
    snprintf(command, sizeof command, "sqlite3 '%s'", t.path);
    FILE *holder = popen(command, "w");
    if (!holder) perror("popen");
    /* The shell touches `ready` once it holds the lock, so the test waits no longer than needed. */
    fprintf(holder, "BEGIN IMMEDIATE;\n.shell touch '%s'\n", ready);
    fflush(holder);
    for (int waited = 0; access(ready, F_OK) != 0 && waited < 5000; waited += 10) sleep_ms(10);
    check(access(ready, F_OK) == 0, "the sqlite3 shell holds the write lock");

    double start = now_ms();
    expect_fail("save while another process holds the lock", save(a, "{\"access_token\":\"AT2\"}"), ZTS_BUSY,
                "busy_timeout_ms=50");
    double waited = now_ms() - start;
    check(waited >= 45, "the save waited for busy_timeout_ms (%.0f ms)", waited);
    expect_fail("delete while the lock is held", delete_id(b, "1"), ZTS_BUSY, "busy_timeout_ms");
    expect_fail("purge while the lock is held", purge(b), ZTS_BUSY, "busy_timeout_ms");
    call_ok("find while the lock is held (readers are not blocked)", find_by_id(a, "1"));

    /* The try calls never wait, even on a handle whose busy timeout is long. */
    zts_store *c = open_ok("open the file (handle c, busy_timeout_ms 20000)", t.path, "{\"busy_timeout_ms\":20000}");
    start = now_ms();
    expect_fail("zts_try_save while the lock is held", try_save(c, "{\"access_token\":\"AT3\"}"), ZTS_BUSY,
                "never waits");
    expect_fail("zts_try_delete while the lock is held", try_delete(c, "1"), ZTS_BUSY, "write lock");
    size_t len = 0;
    struct result r = RESULT_INIT;
    r.status = zts_try_save_fields(c, "1\0\0\0\0\0AT3\0\0\0\0\0", 14, &r.out, &len, &r.error);
    expect_fail("zts_try_save_fields while the lock is held", r, ZTS_BUSY, "never waits");
    call_ok("zts_try_find_by_id while the lock is held (a read never waits)", try_find_by_id(c, "1"));
    waited = now_ms() - start;
    check(waited < 10000, "the try calls returned at once, not after busy_timeout_ms=20000 (%.0f ms)", waited);
    expect_fail("zts_try_save(NULL store)", try_save(NULL, TOKEN), ZTS_INVALID_ARGUMENT, "store is NULL");
    expect_fail("zts_try_delete(NULL id)", try_delete(c, NULL), ZTS_INVALID_ARGUMENT, "id is NULL");

    fputs("ROLLBACK;\n.quit\n", holder);
    check(pclose(holder) == 0, "the sqlite3 shell released the lock and exited");
    call_ok("save once the lock is released", save(a, "{\"access_token\":\"AT2\"}"));
    call_ok("b sees it", find(b, "{\"access_token\":\"AT2\"}"));
    call_ok("zts_try_save once the lock is free", try_save(c, "{\"id\":\"1\",\"access_token\":\"AT3\"}"));
    call_ok("a sees it", find(a, "{\"access_token\":\"AT3\"}"));
    call_ok("zts_try_delete once the lock is free", try_delete(c, "1"));
    expect_fail("the deleted token is gone", find_by_id(a, "1"), ZTS_NOT_FOUND, "no token has id");
    expect_fail("zts_try_delete of a missing id", try_delete(c, "1"), ZTS_NOT_FOUND, "no token has id");
    zts_close(a);
    zts_close(b);
    zts_close(c);
    remove_temp(&t);
}

#define THREADS 4
#define SAVES_PER_THREAD 200

struct worker {
    zts_store *store;
    int index;
    int failures;
};

static void *save_many(void *arg) {
    struct worker *w = arg;
    char json[64];
    for (int i = 0; i < SAVES_PER_THREAD; i++) {
        snprintf(json, sizeof json, "{\"access_token\":\"T%d-%d\"}", w->index, i);
        char *error = NULL;
        if (zts_save(w->store, json, NULL, &error) != ZTS_OK) w->failures++;
        zts_string_free(error);
    }
    return NULL;
}

/* Every token listed once, with ids exactly 1..800 in order and every T<thread>-<i> seen once. */
static int list_is_complete(json_t *all) {
    static char seen[THREADS][SAVES_PER_THREAD];
    memset(seen, 0, sizeof seen);
    if (json_array_size(all) != THREADS * SAVES_PER_THREAD) return 0;
    for (size_t i = 0; i < json_array_size(all); i++) {
        json_t *token = json_array_get(all, i);
        const char *id = json_string_value(json_object_get(token, "id"));
        const char *access = json_string_value(json_object_get(token, "access_token"));
        char want[24];
        int thread, n, end = 0;
        snprintf(want, sizeof want, "%zu", i + 1);
        if (!id || strcmp(id, want) != 0 || !access) return 0;
        if (sscanf(access, "T%d-%d%n", &thread, &n, &end) != 2 || access[end] || thread < 0 || thread >= THREADS ||
            n < 0 || n >= SAVES_PER_THREAD || seen[thread][n]++)
            return 0;
    }
    return 1;
}

/* A due token (expired, with a refresh token and client credentials): the first find holds its refresh
 * lease; try_find then says ZTS_REFRESHING without a secret; zts_leases shows it; the refresh save ends
 * it. NULL arguments are refused as everywhere. */
static void test_refresh_lease(void) {
    zts_store *store = open_memory();
    call_ok("save a due token", save(store, "{\"user_name\":\"u\",\"client_id\":\"c\",\"client_secret\":\"s\","
                                             "\"refresh_token\":\"RSECRET\",\"access_token\":\"A1\","
                                             "\"expiry_time\":\"1\"}"));
    char *json = expect_ok("zts_leases before any find", leases(store));
    check(json && strcmp(json, "[]") == 0, "no lease yet: %s", shown(json));
    zts_string_free(json);
    call_ok("the first find of a due token", find_by_id(store, "1"));
    expect_fail("zts_try_find_by_id while the lease is live", try_find_by_id(store, "1"), ZTS_REFRESHING,
                "token id 1 is being refreshed");
    expect_fail("zts_try_find while the lease is live", try_find(store, "{\"user_name\":\"u\"}"), ZTS_REFRESHING,
                "token id 1");
    json = expect_ok("zts_leases with a live lease", leases(store));
    check(json && strstr(json, "\"id\":\"1\"") && strstr(json, "\"holder\":\"pid ") && !strstr(json, "RSECRET"),
          "the lease names token 1 and its holder, no secret: %s", shown(json));
    zts_string_free(json);
    call_ok("the refresh save", save(store, "{\"id\":\"1\",\"access_token\":\"A2\",\"expiry_time\":\"4102444839397\"}"));
    json = expect_ok("zts_try_find_by_id after the refresh", try_find_by_id(store, "1"));
    check(json && strstr(json, "\"access_token\":\"A2\""), "the refreshed token: %s", shown(json));
    zts_string_free(json);
    json = expect_ok("zts_leases after the refresh", leases(store));
    check(json && strcmp(json, "[]") == 0, "the save ended the lease: %s", shown(json));
    zts_string_free(json);
    expect_fail("zts_try_find(store NULL)", try_find(NULL, TOKEN), ZTS_INVALID_ARGUMENT, "store is NULL");
    expect_fail("zts_try_find(token NULL)", try_find(store, NULL), ZTS_INVALID_ARGUMENT, "token_json is NULL");
    expect_fail("zts_try_find_by_id(id NULL)", try_find_by_id(store, NULL), ZTS_INVALID_ARGUMENT, "id is NULL");
    expect_fail("zts_try_find_by_id unknown", try_find_by_id(store, "9"), ZTS_NOT_FOUND, "no token has id");
    expect_fail("zts_leases(store NULL)", leases(NULL), ZTS_INVALID_ARGUMENT, "store is NULL");
    zts_close(store);
}

static void test_threads(void) {
    struct temp t;
    make_temp(&t, "threads.db");
    zts_store *store = open_ok("open a store for the threads", t.path, "{\"synchronous\":\"normal\"}");
    pthread_t threads[THREADS];
    struct worker workers[THREADS];
    for (int i = 0; i < THREADS; i++) {
        workers[i] = (struct worker){store, i, 0};
        if (pthread_create(&threads[i], NULL, save_many, &workers[i]) != 0) {
            perror("pthread_create");
            exit(2);
        }
    }
    int failures = 0;
    for (int i = 0; i < THREADS; i++) {
        pthread_join(threads[i], NULL);
        failures += workers[i].failures;
    }
    check(failures == 0, "%d threads saved %d tokens each through one handle (%d failed)", THREADS, SAVES_PER_THREAD,
          failures);
    char *out = expect_ok("list after the threads", list(store));
    json_t *all = out ? json_loads(out, 0, NULL) : NULL;
    check(list_is_complete(all), "the list holds %d tokens, ids exactly 1..%d, each saved token once",
          THREADS * SAVES_PER_THREAD, THREADS * SAVES_PER_THREAD);
    json_decref(all);
    zts_string_free(out);
    zts_close(store);
    remove_temp(&t);
}

/* ---- the packed _fields calls --------------------------------------------------------------- */

/* A packed token literal: the ten values with their NULs (sizeof - 1 drops the literal's own NUL). */
#define PACKED(text) text, sizeof(text) - 1
#define ALICE_PACKED "\0alice@x:1\0c\0s\0R1\0A1\0\0" "4102444800000\0\0\0"

static int packed_equals(const char *got, size_t got_len, const char *want, size_t want_len) {
    return got != NULL && got != SENTINEL && got_len == want_len && memcmp(got, want, want_len) == 0;
}

static void test_fields(void) {
    zts_store *store = open_memory();
    char *out = SENTINEL, *error = SENTINEL;
    size_t len = 12345;

    /* NULL arguments: a status and a message, and nothing written. */
    struct result r = RESULT_INIT;
    r.status = zts_save_fields(NULL, PACKED(ALICE_PACKED), &r.out, &len, &r.error);
    expect_fail("zts_save_fields(store NULL)", r, ZTS_INVALID_ARGUMENT, "store is NULL");
    r = (struct result)RESULT_INIT;
    r.status = zts_find_fields(store, NULL, 10, &r.out, &len, &r.error);
    expect_fail("zts_find_fields(fields NULL)", r, ZTS_INVALID_ARGUMENT, "fields is NULL");
    r = (struct result)RESULT_INIT;
    r.status = zts_find_by_id_fields(store, NULL, &r.out, &len, &r.error);
    expect_fail("zts_find_by_id_fields(id NULL)", r, ZTS_INVALID_ARGUMENT, "id is NULL");
    r = (struct result)RESULT_INIT;
    r.status = zts_list_fields(NULL, &r.out, &len, &r.error);
    expect_fail("zts_list_fields(store NULL)", r, ZTS_INVALID_ARGUMENT, "store is NULL");
    r = (struct result)RESULT_INIT;
    r.status = zts_save_fields(store, PACKED(ALICE_PACKED), &r.out, NULL, &r.error);
    expect_fail("zts_save_fields(out_fields_len NULL)", r, ZTS_INVALID_ARGUMENT, "out_fields_len");
    check(len == 12345, "a failing _fields call leaves *out_fields_len untouched");
    r = (struct result)RESULT_INIT;
    r.status = zts_list_fields(store, &r.out, &len, &r.error);
    char *empty = expect_ok("zts_list_fields(empty store)", r);
    check(empty == NULL && len == 0, "an empty list is NULL with length 0");

    /* Bad input: the wrong number of NULs, no final NUL, invalid UTF-8, a value over the limit. */
    r = (struct result)RESULT_INIT;
    r.status = zts_save_fields(store, PACKED("1\0u\0"), &r.out, &len, &r.error);
    expect_fail("zts_save_fields(2 values)", r, ZTS_INVALID_ARGUMENT, "found 2 NUL");
    r = (struct result)RESULT_INIT;
    r.status = zts_save_fields(store, PACKED("\0\0\0\0\0a\0b\0\0\0\0\0"), &r.out, &len, &r.error);
    expect_fail("zts_save_fields(a NUL inside a value)", r, ZTS_INVALID_ARGUMENT, "found 11 NUL");
    r = (struct result)RESULT_INIT;
    r.status = zts_save_fields(store, PACKED("\0\0\0\0\0a\0\0\0\0x"), &r.out, &len, &r.error);
    expect_fail("zts_save_fields(no final NUL)", r, ZTS_INVALID_ARGUMENT, "no NUL at the end");
    r = (struct result)RESULT_INIT;
    r.status = zts_find_fields(store, PACKED("\0\xff\0\0\0\0\0\0\0\0\0"), &r.out, &len, &r.error);
    expect_fail("zts_find_fields(invalid UTF-8)", r, ZTS_INVALID_ARGUMENT, "UTF-8");
    size_t long_len = ZTS_MAX_VALUE_BYTES + 11;
    char *long_token = calloc(long_len, 1); /* ten empty values, then the eleventh NUL moved past a long one */
    memset(long_token + 5, 'a', ZTS_MAX_VALUE_BYTES + 1);
    r = (struct result)RESULT_INIT;
    r.status = zts_save_fields(store, long_token, long_len, &r.out, &len, &r.error);
    expect_fail("zts_save_fields(a value over the limit)", r, ZTS_INVALID_ARGUMENT, "limit");
    free(long_token);
    r = (struct result)RESULT_INIT;
    r.status = zts_find_fields(store, PACKED(ALICE_PACKED), &r.out, &len, &r.error);
    expect_fail("zts_find_fields(no match)", r, ZTS_NOT_FOUND, "user_name");

    /* Success: the stored token comes back packed, with its id, and finds and lists return it so. */
    static const char stored[] = "1\0alice@x:1\0c\0s\0R1\0A1\0\0" "4102444800000\0\0\0";
    r = (struct result)RESULT_INIT;
    r.status = zts_save_fields(store, PACKED(ALICE_PACKED), &r.out, &len, &r.error);
    out = expect_ok("zts_save_fields(a new token)", r);
    check(packed_equals(out, len, stored, sizeof stored - 1), "zts_save_fields returns the stored token, id 1");
    zts_fields_free(out, len);
    r = (struct result)RESULT_INIT;
    r.status = zts_find_fields(store, PACKED("\0alice@x:1\0\0\0\0\0\0\0\0\0"), &r.out, &len, &r.error);
    out = expect_ok("zts_find_fields(by user_name)", r);
    check(packed_equals(out, len, stored, sizeof stored - 1), "zts_find_fields returns the whole token");
    zts_fields_free(out, len);
    r = (struct result)RESULT_INIT;
    r.status = zts_try_find_by_id_fields(store, "1", &r.out, &len, &r.error);
    out = expect_ok("zts_try_find_by_id_fields(1)", r);
    check(packed_equals(out, len, stored, sizeof stored - 1), "zts_try_find_by_id_fields returns it");
    char copy[sizeof stored];
    zts_fields_take(out, len, copy);
    static const char refreshed[] = "1\0alice@x:1\0c\0s\0R1\0A2\0\0" "4102444800000\0\0\0";
    r = (struct result)RESULT_INIT;
    r.status = zts_try_save_fields(store, PACKED("1\0\0\0\0\0A2\0\0\0\0\0"), &r.out, &len, &r.error);
    out = expect_ok("zts_try_save_fields(a refresh, nobody else writing)", r);
    check(packed_equals(out, len, refreshed, sizeof refreshed - 1), "zts_try_save_fields returns the merged token");
    zts_fields_free(out, len);
    check(memcmp(copy, stored, sizeof stored - 1) == 0, "zts_fields_take copies the fields (and frees them)");
    call_ok("zts_save(a second token)", save(store, "{\"user_name\":\"bob@x:1\",\"access_token\":\"B\"}"));
    r = (struct result)RESULT_INIT;
    r.status = zts_list_fields(store, &r.out, &len, &r.error);
    out = expect_ok("zts_list_fields(two tokens)", r);
    static const char both[] = "1\0alice@x:1\0c\0s\0R1\0A2\0\0" "4102444800000\0\0\0" "2\0bob@x:1\0\0\0\0B\0\0\0\0\0";
    check(packed_equals(out, len, both, sizeof both - 1), "zts_list_fields packs every token in id order");
    zts_fields_free(out, len);
    r = (struct result)RESULT_INIT;
    r.status = zts_find_fields(store, PACKED("\0\0\0\0\0\0\0\0\0\0"), &r.out, &len, &r.error);
    expect_fail("zts_find_fields(nothing to match)", r, ZTS_INVALID_TOKEN, "");
    check(zts_find_by_id_fields(store, "1", NULL, NULL, &error) == ZTS_OK && error == NULL,
          "zts_find_by_id_fields with both outputs NULL succeeds");
    zts_fields_free(NULL, 0);
    zts_fields_take(NULL, 0, NULL);
    check(1, "zts_fields_free(NULL) and zts_fields_take(NULL) are no-ops");
    zts_close(store);

    /* A value holding a NUL, written into the file by another program, cannot be packed: refused with
     * the key named, while the JSON call still reads it. */
    struct temp t;
    make_temp(&t, "nul.db");
    zts_store *file = open_ok("zts_open(file)", t.path, NULL);
    call_ok("zts_save(a token)", save(file, "{\"user_name\":\"carol@x:1\",\"access_token\":\"C\"}"));
    zts_close(file);
    check(sqlite3_shell(t.path, "UPDATE oauthtoken SET grant_token = char(97, 0, 98);"),
          "another program stores a NUL in grant_token");
    file = open_ok("zts_open(file again)", t.path, NULL);
    r = (struct result)RESULT_INIT;
    r.status = zts_find_by_id_fields(file, "1", &r.out, &len, &r.error);
    expect_fail("zts_find_by_id_fields(a stored NUL)", r, ZTS_INVALID_TOKEN, "grant_token");
    r = (struct result)RESULT_INIT;
    r.status = zts_list_fields(file, &r.out, &len, &r.error);
    expect_fail("zts_list_fields(a stored NUL)", r, ZTS_INVALID_TOKEN, "id \"1\" has a NUL character in key \"grant_token\"");
    call_ok("zts_find_by_id(the same token, as JSON)", find_by_id(file, "1"));
    /* A packed save of that row commits, then cannot return it: the message says it was saved. */
    r = (struct result)RESULT_INIT;
    r.status = zts_save_fields(file, PACKED("1\0\0\0\0\0D\0\0\0\0\0"), &r.out, &len, &r.error);
    expect_fail("zts_save_fields(a row with a stored NUL)", r, ZTS_INVALID_TOKEN, "the token was saved");
    char *saved = expect_ok("zts_find_by_id(after that save, as JSON)", find_by_id(file, "1"));
    check(saved && strstr(saved, "\"access_token\":\"D\"") != NULL, "the packed save was stored: %s",
          saved ? saved : "(NULL)");
    zts_string_free(saved);
    zts_close(file);
    remove_temp(&t);
}

int main(void) {
    /* If the sqlite3 shell is missing, writing to its pipe must fail a check, not kill the test. */
    signal(SIGPIPE, SIG_IGN);
    setvbuf(stdout, NULL, _IOLBF, 0);
    test_version_and_status_names();
    test_null_arguments();
    test_out_pointers();
    test_invalid_utf8();
    test_options();
    test_statuses();
    test_value_limits();
    test_new_file();
    test_refused_files();
    test_read_only_file();
    test_incompatible_files();
    test_busy();
    test_refresh_lease();
    test_threads();
    test_fields();
    return finish("api");
}
