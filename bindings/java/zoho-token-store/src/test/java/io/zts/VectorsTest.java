package io.zts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Replays the shared vectors (tests/vectors/store.json, format in tests/vectors/README.md) through Store. */
class VectorsTest {
    private static JSONArray cases() throws IOException {
        return new JSONObject(Files.readString(TestSupport.VECTORS)).getJSONArray("cases");
    }

    /** What one step gave: the status name, the returned JSON (or null) and the error message (or null). */
    private static final class Outcome {
        String status = "ZTS_OK";
        Object result;
        String error;
    }

    private static Outcome run(Store store, JSONObject step) {
        Outcome outcome = new Outcome();
        String op = step.getString("op");
        try {
            switch (op) {
                case "save":
                case "find": {
                    // "token" is passed as its compact JSON text, "json" verbatim.
                    String text = step.has("token") ? step.getJSONObject("token").toString() : step.getString("json");
                    outcome.result = new JSONObject(op.equals("save") ? store.saveJson(text) : store.findJson(text));
                    break;
                }
                case "find_by_id":
                    outcome.result = new JSONObject(store.findByIdJson(step.getString("id")));
                    break;
                case "delete":
                    store.delete(step.getString("id"));
                    break;
                case "list":
                    outcome.result = new JSONArray(store.listJson());
                    break;
                case "purge":
                    store.purge();
                    break;
                default:
                    throw new AssertionError("unknown op " + op);
            }
        } catch (ZtsException error) {
            outcome.status = error.getStatusName();
            outcome.error = error.getMessage();
        }
        return outcome;
    }

    private static void checkToken(Object actual, JSONObject expected, String at) {
        assertTrue(actual instanceof JSONObject, at + ": not an object: " + actual);
        JSONObject token = (JSONObject) actual;
        assertEquals(new TreeSet<>(Store.TOKEN_FIELDS), new TreeSet<>(token.keySet()), at + ": keys");
        for (String key : Store.TOKEN_FIELDS) {
            Object want = expected.has(key) ? expected.get(key) : JSONObject.NULL;
            assertEquals(want, token.get(key), at + ": key " + key);
        }
    }

    private static final AtomicInteger TABLES = new AtomicInteger();

    /** ":memory:", or with ZTS_MYSQL_URL (tests/mysql/bindings.sh) a new table on that server. */
    private static String vectorLocation() {
        String url = System.getenv("ZTS_MYSQL_URL");
        if (url == null || url.isEmpty()) {
            return ":memory:";
        }
        return url + "?table=vectors_java_" + ProcessHandle.current().pid() + "_" + TABLES.incrementAndGet();
    }

    private static void replay(JSONObject testCase) {
        try (Store store = new Store(vectorLocation())) {
            JSONArray steps = testCase.getJSONArray("steps");
            for (int index = 0; index < steps.length(); index++) {
                JSONObject step = steps.getJSONObject(index);
                String at = testCase.getString("name") + " / step " + (index + 1);
                Outcome outcome = run(store, step);
                assertEquals(step.getString("status"), outcome.status, at + ": error " + outcome.error);
                if (outcome.status.equals("ZTS_OK")) {
                    assertNull(outcome.error, at);
                } else {
                    assertTrue(outcome.error != null && !outcome.error.isEmpty(), at + ": empty error");
                    for (Object text : step.optJSONArray("error_contains", new JSONArray())) {
                        assertTrue(outcome.error.contains((String) text), at + ": " + outcome.error + " lacks " + text);
                    }
                    for (Object text : step.optJSONArray("error_excludes", new JSONArray())) {
                        assertFalse(outcome.error.contains((String) text), at + ": " + outcome.error + " shows " + text);
                    }
                }
                if (step.has("result")) {
                    Object expected = step.get("result");
                    if (expected instanceof JSONArray) {
                        JSONArray want = (JSONArray) expected;
                        assertTrue(outcome.result instanceof JSONArray, at + ": not a list: " + outcome.result);
                        JSONArray got = (JSONArray) outcome.result;
                        assertEquals(want.length(), got.length(), at + ": " + got);
                        for (int item = 0; item < want.length(); item++) {
                            checkToken(got.get(item), want.getJSONObject(item), at + " item " + item);
                        }
                    } else {
                        checkToken(outcome.result, (JSONObject) expected, at);
                    }
                }
            }
        }
    }

    @TestFactory
    Stream<DynamicTest> sharedVectors() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Object testCase : cases()) {
            JSONObject object = (JSONObject) testCase;
            tests.add(DynamicTest.dynamicTest(object.getString("name"), () -> replay(object)));
        }
        return tests.stream();
    }

    @Test
    void theVectorsAreAllReplayed() throws IOException {
        // Guards against an empty or misread vector file making the replay vacuous.
        JSONArray cases = cases();
        int steps = 0;
        Set<String> names = new TreeSet<>();
        for (Object testCase : cases) {
            steps += ((JSONObject) testCase).getJSONArray("steps").length();
            names.add(((JSONObject) testCase).getString("name"));
        }
        assertTrue(cases.length() >= 10, "cases: " + cases.length());
        assertTrue(steps > 100, "steps: " + steps);
        assertEquals(cases.length(), names.size(), "case names are not unique");
    }
}
