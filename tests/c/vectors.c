/* Replays tests/vectors/store.json (format: tests/vectors/README.md) through the C ABI.
 * Usage: vectors PATH/TO/store.json */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "zts.h"

static const char *FIELDS[] = {"id", "user_name", "client_id", "client_secret", "refresh_token",
                               "access_token", "grant_token", "expiry_time", "redirect_url", "api_domain"};

/* A returned token has exactly the ten keys, each equal to the expected value or null. */
static int token_matches(json_t *actual, json_t *expected) {
    if (!json_is_object(actual) || json_object_size(actual) != 10) return 0;
    for (size_t i = 0; i < 10; i++) {
        json_t *want = json_object_get(expected, FIELDS[i]);
        json_t *got = json_object_get(actual, FIELDS[i]);
        if (!got || !json_equal(got, want ? want : json_null())) return 0;
    }
    return 1;
}

static int result_matches(const char *out, json_t *expected) {
    json_t *actual = json_loads(out ? out : "", 0, NULL);
    int ok = actual != NULL;
    if (ok && json_is_array(expected)) {
        ok = json_is_array(actual) && json_array_size(actual) == json_array_size(expected);
        for (size_t i = 0; ok && i < json_array_size(expected); i++)
            ok = token_matches(json_array_get(actual, i), json_array_get(expected, i));
    } else if (ok) {
        ok = token_matches(actual, expected);
    }
    json_decref(actual);
    return ok;
}

/* Every string of `list` must (want = 1) or must not (want = 0) appear in the message. */
static int message_check(const char *message, json_t *list, int want) {
    size_t i;
    json_t *part;
    json_array_foreach(list, i, part) {
        if ((strstr(message, json_string_value(part)) != NULL) != want) return 0;
    }
    return 1;
}

static void run_step(zts_store *store, json_t *step, const char *at) {
    const char *op = json_string_value(json_object_get(step, "op"));
    json_t *token = json_object_get(step, "token");
    char *arg = token ? json_dumps(token, JSON_COMPACT) : NULL;
    const char *text = arg ? arg : json_string_value(json_object_get(step, "json"));
    if (!text) text = json_string_value(json_object_get(step, "id"));
    char *out = NULL, *error = NULL;
    int32_t status;
    if (strcmp(op, "save") == 0) status = zts_save(store, text, &out, &error);
    else if (strcmp(op, "find") == 0) status = zts_find(store, text, &out, &error);
    else if (strcmp(op, "find_by_id") == 0) status = zts_find_by_id(store, text, &out, &error);
    else if (strcmp(op, "list") == 0) status = zts_list(store, &out, &error);
    else if (strcmp(op, "delete") == 0) status = zts_delete(store, text, &error);
    else if (strcmp(op, "purge") == 0) status = zts_purge(store, &error);
    else status = -1;

    const char *want = json_string_value(json_object_get(step, "status"));
    CHECK(strcmp(zts_status_name(status), want) == 0, "%s: %s, want %s (%s)", at, zts_status_name(status), want,
          error ? error : "");
    if (status == ZTS_OK) {
        CHECK(error == NULL, "%s: error set on success", at);
    } else {
        CHECK(error && *error && out == NULL, "%s: a failure has a message and no output", at);
        CHECK(error && message_check(error, json_object_get(step, "error_contains"), 1), "%s: %s lacks a part", at,
              error);
        CHECK(error && message_check(error, json_object_get(step, "error_excludes"), 0), "%s: %s shows a value", at,
              error);
    }
    json_t *expected = json_object_get(step, "result");
    if (expected) CHECK(result_matches(out, expected), "%s: got %s", at, out ? out : "(null)");
    zts_string_free(out);
    zts_string_free(error);
    free(arg);
}

int main(int argc, char **argv) {
    json_error_t parse_error;
    json_t *doc = argc > 1 ? json_load_file(argv[1], 0, &parse_error) : NULL;
    if (!doc) {
        fprintf(stderr, "usage: vectors tests/vectors/store.json (%s)\n", argc > 1 ? parse_error.text : "no path");
        return 2;
    }
    size_t c, s;
    json_t *test_case, *step;
    json_array_foreach(json_object_get(doc, "cases"), c, test_case) {
        zts_store *store = NULL;
        CHECK(zts_open(":memory:", NULL, &store, NULL) == ZTS_OK, "open");
        json_array_foreach(json_object_get(test_case, "steps"), s, step) {
            char at[512];
            snprintf(at, sizeof at, "%s / step %zu", json_string_value(json_object_get(test_case, "name")), s + 1);
            run_step(store, step, at);
        }
        zts_close(store);
    }
    json_decref(doc);
    return finish("vectors");
}
