package io.zts;

import static io.zts.ChildJvm.UNICODE;
import static io.zts.TestSupport.stored;
import static io.zts.TestSupport.token;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bindings/java/xlang-driver speaks tests/xlang/PROTOCOL.md. */
class XlangDriverTest {
    /** The three keys of every response. */
    private static final Set<String> RESPONSE_KEYS = Set.of("status", "result", "error");

    @TempDir
    Path directory;

    private static TestSupport.Command driver(String... args) {
        TestSupport.Command command = new TestSupport.Command("bash", TestSupport.XLANG_DRIVER.toString());
        command.argv.addAll(List.of(args));
        return command;
    }

    private static List<JSONObject> responses(TestSupport.Result result) {
        List<JSONObject> responses = new ArrayList<>();
        for (String line : result.stdout.split("\n")) {
            if (!line.isEmpty()) {
                responses.add(new JSONObject(line));
            }
        }
        return responses;
    }

    private static void assertResponse(JSONObject response, String status, Object result, boolean hasError) {
        assertEquals(RESPONSE_KEYS, response.keySet(), response.toString());
        assertEquals(status, response.getString("status"), response.toString());
        if (result != null) {
            assertTrue(result instanceof JSONObject ? ((JSONObject) result).similar(response.get("result"))
                    : result instanceof JSONArray ? ((JSONArray) result).similar(response.get("result"))
                    : result.equals(response.get("result")), response.toString());
        }
        assertEquals(hasError, !response.isNull("error"), response.toString());
    }

    private static JSONObject storedJson(Map<String, String> fields) {
        JSONObject token = new JSONObject();
        stored(fields).forEach((key, value) -> token.put(key, value == null ? JSONObject.NULL : value));
        return token;
    }

    @Test
    void aConversation() throws Exception {
        Path path = directory.resolve("tokens.db");
        List<String> requests = List.of(
                "{\"op\":\"version\"}",
                "{\"op\":\"save\",\"token\":{\"user_name\":\"u@x:1\",\"access_token\":\"AT1\",\"expiry_time\":4102444839397}}",
                "{\"op\":\"find\",\"token\":{\"user_name\":\"u@x:1\"}}",
                "{\"op\":\"find\",\"json\":\"{\\\"access_token\\\":\\\"AT1\\\"}\"}",
                "{\"op\":\"find_by_id\",\"id\":\"1\"}",
                "{\"op\":\"find_by_id\",\"id\":\"9\"}",
                "{\"op\":\"save\",\"json\":\"{\\\"id\\\":\\\"1\\\",\\\"access_token\\\":\\\"AT8\\\",\\\"access_token\\\":\\\"AT9\\\"}\"}",
                "not json",
                "{\"op\":\"fly\"}",
                "{\"op\":\"list\"}",
                "{\"op\":\"delete\",\"id\":\"9\"}",
                "{\"op\":\"delete\",\"id\":\"1\"}",
                "{\"op\":\"save\",\"token\":{\"access_token\":\"AT2\"}}",
                "{\"op\":\"purge\"}",
                "{\"op\":\"list\"}");
        TestSupport.Result result = driver(path.toString()).input(String.join("\n", requests) + "\n").run().assertSucceeded();
        List<JSONObject> responses = responses(result);
        assertEquals(requests.size(), responses.size(), result.stdout);
        JSONObject saved = storedJson(token("id", "1", "user_name", "u@x:1", "access_token", "AT1", "expiry_time", "4102444839397"));
        assertResponse(responses.get(0), "ZTS_OK", Store.libraryVersion(), false);
        assertResponse(responses.get(1), "ZTS_OK", saved, false);
        assertResponse(responses.get(2), "ZTS_OK", saved, false);
        assertResponse(responses.get(3), "ZTS_OK", saved, false);
        assertResponse(responses.get(4), "ZTS_OK", saved, false);
        assertResponse(responses.get(5), "ZTS_NOT_FOUND", JSONObject.NULL, true);
        assertEquals("no token has id \"9\"", responses.get(5).getString("error"));
        assertResponse(responses.get(6), "ZTS_INVALID_JSON", JSONObject.NULL, true);
        assertResponse(responses.get(7), "DRIVER_ERROR", JSONObject.NULL, true);
        assertResponse(responses.get(8), "DRIVER_ERROR", JSONObject.NULL, true);
        assertResponse(responses.get(9), "ZTS_OK", new JSONArray().put(saved), false);
        assertResponse(responses.get(10), "ZTS_NOT_FOUND", JSONObject.NULL, true);
        assertResponse(responses.get(11), "ZTS_OK", JSONObject.NULL, false);
        // id 2: a deleted token's id is never issued again
        assertResponse(responses.get(12), "ZTS_OK", storedJson(token("id", "2", "access_token", "AT2")), false);
        assertResponse(responses.get(13), "ZTS_OK", JSONObject.NULL, false);
        assertResponse(responses.get(14), "ZTS_OK", new JSONArray(), false);
    }

    @Test
    void whatTheDriverSavesIsInTheStoreFile() throws Exception {
        Path path = directory.resolve("tokens.db");
        driver(path.toString(), "{\"synchronous\":\"normal\"}")
                .input("{\"op\":\"save\",\"token\":{\"user_name\":\"u@x:1\",\"access_token\":\"AT1\"}}\n").run().assertSucceeded();
        try (Store store = new Store(path.toString())) {
            assertEquals("AT1", store.find(token("user_name", "u@x:1")).get("access_token"));
        }
    }

    @Test
    void aFailedOpenWritesOneResponseAndExits1() throws Exception {
        TestSupport.Result missing = driver(directory.resolve("no-such-dir/tokens.db").toString()).run();
        assertEquals(1, missing.exitCode, missing.stderr);
        List<JSONObject> responses = responses(missing);
        assertEquals(1, responses.size(), missing.stdout);
        assertResponse(responses.get(0), "ZTS_IO", JSONObject.NULL, true);

        TestSupport.Result badOption = driver(directory.resolve("tokens.db").toString(), "{\"colour\":1}").run();
        assertEquals(1, badOption.exitCode);
        assertResponse(responses(badOption).get(0), "ZTS_INVALID_ARGUMENT", JSONObject.NULL, true);
    }

    @Test
    void utf8WhateverTheLocaleAndDefaultCharset() throws Exception {
        String request = new JSONObject().put("op", "save").put("token", new JSONObject().put("user_name", UNICODE).put("access_token", "AT1")).toString();
        TestSupport.Result result = driver(directory.resolve("tokens.db").toString())
                .env("LANG", "C").env("LC_ALL", "C")
                .env("JAVA_TOOL_OPTIONS", "-Dfile.encoding=ISO-8859-1 -Dsun.jnu.encoding=ISO-8859-1")
                .input(request + "\n" + "{\"op\":\"find\",\"token\":{\"user_name\":\"" + UNICODE + "\"}}\n").run().assertSucceeded();
        assertTrue(result.stderr.contains("-Dfile.encoding=ISO-8859-1"), "the JVM did not pick up the Latin-1 option");
        List<JSONObject> responses = responses(result);
        assertEquals(2, responses.size(), result.stdout);
        for (JSONObject response : responses) {
            assertEquals("ZTS_OK", response.getString("status"), response.toString());
            assertEquals(UNICODE, response.getJSONObject("result").getString("user_name"));
        }
    }
}
