/* zts quickstart: create a store file, save a token as the Zoho SDK does after a grant exchange,
 * then refresh it by id, find it by user, and list the store, all through the C ABI.
 * Build and run: bash examples/demo.sh (or see README "C quickstart"). */
#include <stdio.h>
#include <stdlib.h>
#include "zts.h"

/* Prints the error of a failed call, frees it, and exits. It takes the error's address, not its value:
 * in check(zts_open(..., &error), error, ...) the argument `error` may be read before zts_open fills it. */
static void check(int32_t status, char **error, const char *what) {
    if (status == ZTS_OK) return;
    fprintf(stderr, "%s failed: %s: %s\n", what, zts_status_name(status), *error ? *error : "(no message)");
    zts_string_free(*error);
    exit(1);
}

/* Prints an owned JSON string returned by zts and frees it. */
static void show(const char *label, char *json) {
    printf("%-34s %s\n", label, json);
    zts_string_free(json);
}

int main(int argc, char **argv) {
    const char *path = argc > 1 ? argv[1] : "tokens.db";
    zts_store *store = NULL;
    char *error = NULL, *json = NULL;
    printf("zts %s (header %s), store file %s\n", zts_version(), ZTS_VERSION, path);

    check(zts_open(path, "{\"busy_timeout_ms\": 5000}", &store, &error), &error, "zts_open");

    /* The SDK saves the token it got from the grant exchange; with no id, the grant token finds the
     * row if it exists, otherwise a new row gets the next numeric id. */
    check(zts_save(store,
                   "{\"user_name\":\"user@example.com:777\",\"client_id\":\"1000.CLIENT\","
                   "\"client_secret\":\"s3cr3t\",\"grant_token\":\"1000.grant\","
                   "\"refresh_token\":\"1000.refresh\",\"access_token\":\"1000.access.1\","
                   "\"expiry_time\":4102444839397,\"redirect_url\":\"http://localhost/cb\","
                   "\"api_domain\":\"https://www.zohoapis.com\"}",
                   &json, &error),
          &error, "zts_save (grant exchange)");
    show("saved after the grant exchange:", json);

    /* Later the SDK refreshes: it saves only the changed fields, by id; the rest is kept. */
    check(zts_find(store, "{\"user_name\":\"user@example.com:777\"}", &json, &error), &error, "zts_find");
    show("found by user_name:", json);
    check(zts_save(store, "{\"id\":\"1\",\"access_token\":\"1000.access.2\",\"expiry_time\":\"4102448439397\"}",
                   &json, &error),
          &error, "zts_save (refresh)");
    show("saved after a refresh:", json);

    check(zts_find_by_id(store, "1", &json, &error), &error, "zts_find_by_id");
    show("found by id 1:", json);

    /* A wrong call gets a status and a message naming what was wrong. */
    int32_t status = zts_find(store, "{\"user_name\": 42}", &json, &error);
    printf("%-34s %s: %s\n", "a bad query:", zts_status_name(status), error);
    zts_string_free(error);

    check(zts_list(store, &json, &error), &error, "zts_list");
    show("every token:", json);

    zts_close(store);
    return 0;
}
