package io.zts.xlang;

import io.zts.Store;
import io.zts.ZtsException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.json.JSONException;
import org.json.JSONObject;

/**
 * The cross-language driver of tests/xlang/PROTOCOL.md, over the public Store layer only: one JSON
 * request per stdin line, one JSON response per stdout line, in UTF-8 whatever the locale.
 *
 * <p>Usage: {@code XlangDriver STORE_PATH [OPTIONS_JSON]} (bindings/java/xlang-driver runs it).
 */
public final class XlangDriver {
    private XlangDriver() {
    }

    public static void main(String[] args) throws IOException {
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        // Anything else anyone prints goes to stderr, so stdout holds only response lines.
        System.setOut(new PrintStream(System.err, true, StandardCharsets.UTF_8));
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: xlang-driver STORE_PATH [OPTIONS_JSON]");
            System.exit(2);
        }
        Store store;
        try {
            Map<String, Object> options = args.length == 2 ? new JSONObject(args[1]).toMap() : null;
            store = new Store(args[0], options);
        } catch (ZtsException error) {
            respond(out, error.getStatusName(), null, error.getMessage());
            System.exit(1);
            return;
        } catch (JSONException error) {
            respond(out, "DRIVER_ERROR", null, "OPTIONS_JSON is not a JSON object: " + error.getMessage());
            System.exit(1);
            return;
        } catch (UnsatisfiedLinkError error) { // libzts missing or of another version: no zts status
            respond(out, "DRIVER_ERROR", null, error.getMessage());
            System.exit(1);
            return;
        }
        try (store) {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                serve(store, line, out);
            }
        }
    }

    private static void serve(Store store, String line, PrintStream out) {
        JSONObject request;
        try {
            request = new JSONObject(line);
        } catch (JSONException error) {
            respond(out, "DRIVER_ERROR", null, "the request is not a JSON object: " + error.getMessage());
            return;
        }
        try {
            respond(out, "ZTS_OK", call(store, request), null);
        } catch (ZtsException error) {
            respond(out, error.getStatusName(), null, error.getMessage());
        } catch (IllegalArgumentException | JSONException error) {
            respond(out, "DRIVER_ERROR", null, error.getMessage());
        }
    }

    /** Makes the one call a request names; returns its result as JSON text ("null" for none). */
    private static String call(Store store, JSONObject request) {
        String op = request.optString("op", null);
        if (op == null) {
            throw new IllegalArgumentException("the request has no \"op\" string");
        }
        switch (op) {
            case "save":
                return store.saveJson(tokenText(request));
            case "find":
                return store.findJson(tokenText(request));
            case "find_by_id":
                return store.findByIdJson(text(request, "id"));
            case "list":
                return store.listJson();
            case "delete":
                store.delete(text(request, "id"));
                return "null";
            case "purge":
                store.purge();
                return "null";
            case "version":
                return JSONObject.quote(Store.libraryVersion());
            default:
                throw new IllegalArgumentException("unknown op " + JSONObject.quote(op));
        }
    }

    /** "token" (an object, sent as compact JSON) or "json" (text sent verbatim). */
    private static String tokenText(JSONObject request) {
        if (request.has("token")) {
            return request.getJSONObject("token").toString();
        }
        return text(request, "json");
    }

    /** A string member; JSON null is passed on as NULL, for zts to refuse. */
    private static String text(JSONObject request, String key) {
        if (!request.has(key)) {
            throw new IllegalArgumentException("the request has no " + JSONObject.quote(key));
        }
        if (request.isNull(key)) {
            return null;
        }
        Object value = request.get(key);
        if (!(value instanceof String)) {
            throw new IllegalArgumentException(JSONObject.quote(key) + " must be a string");
        }
        return (String) value;
    }

    /** One response line; result is JSON text as zts returned it, embedded without re-encoding. */
    private static void respond(PrintStream out, String status, String result, String error) {
        out.print("{\"status\":" + JSONObject.quote(status) + ",\"result\":" + (result == null ? "null" : result)
                + ",\"error\":" + (error == null ? "null" : JSONObject.quote(error)) + "}\n");
        out.flush();
    }
}
