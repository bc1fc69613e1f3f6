/* The C driver of tests/xlang/PROTOCOL.md: one JSON request per stdin line, one response per stdout
 * line, each a direct call of the C ABI. Usage: xlang_driver STORE [OPTIONS_JSON] */
#define _POSIX_C_SOURCE 200809L
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zts.h"

/* Prints a response and frees what it was given: `result` (a reference) and `error` (a zts string). */
static void respond(const char *status, json_t *result, char *error) {
    json_t *response = json_pack("{s:s, s:o, s:s?}", "status", status, "result", result ? result : json_null(),
                                 "error", error);
    char *line = json_dumps(response, JSON_COMPACT);
    printf("%s\n", line);
    fflush(stdout);
    free(line);
    json_decref(response);
    zts_string_free(error);
}

static void driver_error(const char *why) {
    json_t *response = json_pack("{s:s, s:n, s:s}", "status", "DRIVER_ERROR", "result", "error", why);
    char *line = json_dumps(response, JSON_COMPACT);
    printf("%s\n", line);
    fflush(stdout);
    free(line);
    json_decref(response);
}

/* The token text of a save or find request: "json" verbatim, else "token" as compact JSON. */
static char *token_text(json_t *request) {
    json_t *verbatim = json_object_get(request, "json");
    if (json_is_string(verbatim)) {
        const char *text = json_string_value(verbatim);
        return strlen(text) == json_string_length(verbatim) ? strdup(text) : NULL; /* C cuts at a NUL */
    }
    json_t *token = json_object_get(request, "token");
    return token ? json_dumps(token, JSON_COMPACT) : NULL;
}

static void serve(zts_store *store, json_t *request) {
    const char *op = json_string_value(json_object_get(request, "op"));
    const char *id = json_string_value(json_object_get(request, "id"));
    char *out = NULL, *error = NULL;
    int32_t status;
    if (!op) return driver_error("the request has no \"op\" string");
    if (strcmp(op, "version") == 0) return respond("ZTS_OK", json_string(zts_version()), NULL);
    if (strcmp(op, "save") == 0 || strcmp(op, "find") == 0) {
        char *text = token_text(request);
        if (!text) return driver_error("save and find need \"token\" or \"json\" (with no NUL: a C string)");
        status = (op[0] == 's' ? zts_save : zts_find)(store, text, &out, &error);
        free(text);
    } else if (strcmp(op, "find_by_id") == 0) {
        status = zts_find_by_id(store, id, &out, &error);
    } else if (strcmp(op, "list") == 0) {
        status = zts_list(store, &out, &error);
    } else if (strcmp(op, "delete") == 0) {
        status = zts_delete(store, id, &error);
    } else if (strcmp(op, "purge") == 0) {
        status = zts_purge(store, &error);
    } else {
        return driver_error("unknown op");
    }
    json_t *result = out ? json_loads(out, 0, NULL) : NULL;
    zts_string_free(out);
    respond(zts_status_name(status), result, error);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s STORE [OPTIONS_JSON]\n", argv[0]);
        return 2;
    }
    zts_store *store = NULL;
    char *error = NULL;
    int32_t status = zts_open(argv[1], argc > 2 ? argv[2] : NULL, &store, &error);
    if (status != ZTS_OK) {
        respond(zts_status_name(status), NULL, error);
        return 1;
    }
    char *line = NULL;
    size_t capacity = 0;
    while (getline(&line, &capacity, stdin) > 0) {
        /* JSON_ALLOW_NUL: a token value may hold "\u0000"; it reaches zts escaped, as JSON text. */
        json_t *request = json_loads(line, JSON_ALLOW_NUL, NULL);
        if (json_is_object(request)) serve(store, request);
        else driver_error("the line is not a JSON object");
        json_decref(request);
    }
    free(line);
    zts_close(store);
    return 0;
}
