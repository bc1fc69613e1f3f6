/* Replays the shared vectors (tests/vectors/store.json, format in tests/vectors/README.md) through the
 * C ABI: each case on a fresh ":memory:" store, one "ok"/"not ok" line per step.
 * Usage: vectors PATH/TO/store.json */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "zts.h"

static const char *const FIELDS[10] = {"id",           "user_name",   "client_id",   "client_secret",
                                       "refresh_token", "access_token", "grant_token", "expiry_time",
                                       "redirect_url",  "api_domain"};

/* Why a step failed: every problem found, joined with "; ". */
struct verdict {
    char why[2048];
};

__attribute__((format(printf, 2, 3))) static void problem(struct verdict *v, const char *fmt, ...) {
    size_t used = strlen(v->why);
    if (used && used + 2 < sizeof v->why) {
        strcpy(v->why + used, "; ");
        used += 2;
    }
    va_list args;
    va_start(args, fmt);
    vsnprintf(v->why + used, sizeof v->why - used, fmt, args);
    va_end(args);
}

/* A returned token has exactly the ten keys, each equal to the expected object's value, or null
 * where the expected object leaves the key out. */
static void check_token(struct verdict *v, json_t *actual, json_t *expected, size_t index) {
    if (!json_is_object(actual) || json_object_size(actual) != 10) {
        problem(v, "token %zu is not an object of ten keys", index);
        return;
    }
    for (size_t i = 0; i < 10; i++) {
        json_t *want = json_object_get(expected, FIELDS[i]);
        json_t *got = json_object_get(actual, FIELDS[i]);
        if (!got || !json_equal(got, want ? want : json_null()))
            problem(v, "token %zu: key %s differs", index, FIELDS[i]);
    }
}

/* The output against `result`: one token, or a list compared element by element in order. */
static void check_result(struct verdict *v, const char *out, json_t *expected) {
    json_error_t error;
    json_t *actual = out ? json_loads(out, 0, &error) : NULL;
    if (!actual) {
        problem(v, "output %s is not JSON", out ? out : "(NULL)");
    } else if (json_is_array(expected)) {
        if (!json_is_array(actual) || json_array_size(actual) != json_array_size(expected))
            problem(v, "expected a list of %zu tokens", json_array_size(expected));
        else
            for (size_t i = 0; i < json_array_size(expected); i++)
                check_token(v, json_array_get(actual, i), json_array_get(expected, i), i);
    } else {
        check_token(v, actual, expected, 0);
    }
    if (v->why[0] && out) problem(v, "got %s", out);
    json_decref(actual);
}

/* The message must (want = 1) or must not (want = 0) contain each string of `parts`. */
static void check_message(struct verdict *v, const char *message, json_t *parts, int want) {
    size_t i;
    json_t *part;
    json_array_foreach(parts, i, part) {
        const char *text = json_string_value(part);
        if (text && (strstr(message, text) != NULL) != want)
            problem(v, "message \"%s\" %s \"%s\"", message, want ? "lacks" : "contains", text);
    }
}

/* Runs one step and returns why it failed ("" when it passed). */
static struct verdict run_step(zts_store *store, json_t *step) {
    struct verdict v = {""};
    const char *op = json_string_value(json_object_get(step, "op"));
    json_t *token = json_object_get(step, "token");
    char *token_text = token ? json_dumps(token, JSON_COMPACT) : NULL;
    const char *arg = token_text;
    if (!arg) arg = json_string_value(json_object_get(step, "json"));
    if (!arg) arg = json_string_value(json_object_get(step, "id"));

    char *out = NULL, *error = NULL;
    int32_t status = -1;
    if (!op)
        problem(&v, "no op");
    else if (strcmp(op, "save") == 0)
        status = zts_save(store, arg, &out, &error);
    else if (strcmp(op, "find") == 0)
        status = zts_find(store, arg, &out, &error);
    else if (strcmp(op, "find_by_id") == 0)
        status = zts_find_by_id(store, arg, &out, &error);
    else if (strcmp(op, "list") == 0)
        status = zts_list(store, &out, &error);
    else if (strcmp(op, "delete") == 0)
        status = zts_delete(store, arg, &error);
    else if (strcmp(op, "purge") == 0)
        status = zts_purge(store, &error);
    else
        problem(&v, "unknown op %s", op);

    const char *want = json_string_value(json_object_get(step, "status"));
    if (!want || strcmp(zts_status_name(status), want) != 0)
        problem(&v, "status %s, want %s (message: %s)", zts_status_name(status), want ? want : "(none)",
                error ? error : "NULL");
    if (status == ZTS_OK) {
        if (error) problem(&v, "an error message on success");
    } else if (!error || !*error) {
        problem(&v, "no error message");
    } else {
        if (out) problem(&v, "an output on failure");
        check_message(&v, error, json_object_get(step, "error_contains"), 1);
        check_message(&v, error, json_object_get(step, "error_excludes"), 0);
    }
    json_t *expected = json_object_get(step, "result");
    if (expected) check_result(&v, out, expected);

    zts_string_free(out);
    zts_string_free(error);
    free(token_text);
    return v;
}

int main(int argc, char **argv) {
    json_error_t parse_error;
    json_t *doc = argc > 1 ? json_load_file(argv[1], 0, &parse_error) : NULL;
    if (!doc) {
        fprintf(stderr, "usage: vectors tests/vectors/store.json (%s)\n", argc > 1 ? parse_error.text : "no path");
        return 2;
    }
    json_t *cases = json_object_get(doc, "cases");
    if (json_array_size(cases) == 0) {
        fprintf(stderr, "%s has no cases\n", argv[1]);
        return 2;
    }
    size_t c, s;
    json_t *test_case, *step;
    json_array_foreach(cases, c, test_case) {
        const char *name = json_string_value(json_object_get(test_case, "name"));
        zts_store *store = NULL;
        char *open_error = NULL;
        zts_open(":memory:", NULL, &store, &open_error);
        json_array_foreach(json_object_get(test_case, "steps"), s, step) {
            const char *op = json_string_value(json_object_get(step, "op"));
            struct verdict v = {""};
            if (store)
                v = run_step(store, step);
            else
                problem(&v, "zts_open(\":memory:\") failed: %s", open_error ? open_error : "NULL");
            if (!check(v.why[0] == '\0', "%s / step %zu (%s)", name ? name : "?", s + 1, op ? op : "?"))
                diag("%s", v.why);
        }
        zts_string_free(open_error);
        zts_close(store);
    }
    json_decref(doc);
    return finish("vectors");
}
