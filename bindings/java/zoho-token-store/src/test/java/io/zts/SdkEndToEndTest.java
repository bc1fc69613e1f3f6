package io.zts;

import static io.zts.TestSupport.stored;
import static io.zts.TestSupport.token;
import static io.zts.TestSupport.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Zoho Java SDK driving ZohoTokenStore against the fake accounts server (tests/e2e/fake_accounts.py).
 *
 * <p>Each SDK run is a new JVM (SdkFlow): the SDK's Initializer is global. When the SDK on the class
 * path has its FileStore (the real SDK does, the contract stand-in does not), every flow also runs with
 * the FileStore against its own fresh server, and both stores must end with the same logical tokens.
 */
class SdkEndToEndTest {
    private static final Map<String, Object> GRANT = Map.of("client_id", "cid", "client_secret", "csec",
            "grant_token", "GT1", "redirect_url", "http://localhost/cb", "find_user", false);
    private static final Map<String, Object> BY_ID = Map.of("id", "1", "find_user", false);
    private static final long HOUR_MS = 3600L * 1000;

    @TempDir
    Path directory;

    /** One store (zts or the SDK's FileStore), its fake server, and the SDK runs against them. */
    private static final class Flow implements AutoCloseable {
        final String kind;
        final Path path;
        final FakeAccounts server;
        int seenRequests;

        Flow(String kind, Path directory) throws IOException {
            Files.createDirectories(directory);
            this.kind = kind;
            this.path = directory.resolve(kind.equals("zts") ? "tokens.db" : "tokens.csv");
            this.server = new FakeAccounts(directory.resolve("requests.jsonl"));
        }

        JSONObject run(Map<String, Object> token, String then) throws Exception {
            JSONObject spec = new JSONObject().put("store", kind).put("path", path.toString())
                    .put("port", server.port).put("token", new JSONObject(token)).put("then", then);
            // The working directory is the SDK's default resource path: keep its files out of the repo.
            TestSupport.Result result = TestSupport.java(List.of(), SdkFlow.class, spec.toString())
                    .in(path.getParent()).run().assertSucceeded();
            return new JSONObject(result.lastLine());
        }

        JSONObject run(Map<String, Object> token) throws Exception {
            return run(token, "get_token");
        }

        /** The requests the server got since the last call. */
        List<JSONObject> newRequests() throws IOException {
            List<JSONObject> requests = server.requests();
            List<JSONObject> fresh = new ArrayList<>(requests.subList(seenRequests, requests.size()));
            seenRequests = requests.size();
            return fresh;
        }

        /** The stored tokens as zts maps, with this server's URL replaced by "BASE". */
        List<Map<String, String>> tokens() throws IOException {
            List<Map<String, String>> tokens;
            if (kind.equals("zts")) {
                try (Store store = new Store(path.toString())) {
                    tokens = store.list();
                }
            } else {
                tokens = new ArrayList<>();
                List<String> rows = Files.readAllLines(path);
                for (String row : rows.subList(1, rows.size())) {
                    if (!row.isBlank()) {
                        tokens.add(csvToken(row));
                    }
                }
            }
            for (Map<String, String> token : tokens) {
                if (token.get("api_domain") != null) {
                    token.put("api_domain", token.get("api_domain").replace(server.baseUrl, "BASE"));
                }
            }
            return tokens;
        }

        /** Writes expiry_time "1000" (long past) into the stored token, outside the SDK. */
        void expire(String id) throws IOException {
            if (kind.equals("zts")) {
                try (Store store = new Store(path.toString())) {
                    store.save(token("id", id, "expiry_time", "1000"));
                }
            } else {
                List<String> rows = new ArrayList<>(Files.readAllLines(path));
                for (int index = 1; index < rows.size(); index++) {
                    String[] fields = rows.get(index).split(",", -1);
                    if (unquote(fields[0]).equals(id)) {
                        fields[7] = "1000";
                        rows.set(index, String.join(",", fields));
                    }
                }
                Files.write(path, rows);
            }
        }

        @Override
        public void close() {
            server.close();
        }
    }

    /** A row of the SDK's FileStore CSV (no value here holds a comma or a quote). */
    private static Map<String, String> csvToken(String row) {
        String[] fields = row.split(",", -1);
        Map<String, String> token = new LinkedHashMap<>();
        for (int index = 0; index < Store.TOKEN_FIELDS.size(); index++) {
            String value = unquote(fields[index]);
            token.put(Store.TOKEN_FIELDS.get(index), value.isEmpty() ? null : value);
        }
        return token;
    }

    private static String unquote(String field) {
        return field.length() >= 2 && field.startsWith("\"") && field.endsWith("\"") ? field.substring(1, field.length() - 1) : field;
    }

    private static boolean sdkHasFileStore() {
        try {
            Class.forName("com.zoho.api.authenticator.store.FileStore");
            return true;
        } catch (ClassNotFoundException absent) {
            return false;
        }
    }

    private interface Steps {
        void run(Flow flow) throws Exception;
    }

    /** Runs the steps for zts, and for the FileStore when there is one; returns zts's end tokens. */
    private List<Map<String, String>> runBoth(Steps steps) throws Exception {
        Map<String, List<Map<String, String>>> ends = new LinkedHashMap<>();
        List<String> kinds = sdkHasFileStore() ? List.of("zts", "file") : List.of("zts");
        for (String kind : kinds) {
            try (Flow flow = new Flow(kind, directory.resolve(kind))) {
                steps.run(flow);
                ends.put(kind, flow.tokens());
            }
        }
        if (ends.containsKey("file")) {
            assertSameLogicalTokens(ends.get("zts"), ends.get("file"));
        }
        return ends.get("zts");
    }

    /**
     * The same rows, fields set alike and equal, except an expiry that the clock made differ. Access
     * tokens come from each run's own fresh server counter, so they are compared exactly.
     */
    private static void assertSameLogicalTokens(List<Map<String, String>> zts, List<Map<String, String>> file) {
        assertEquals(file.size(), zts.size(), () -> zts + " vs " + file);
        for (int index = 0; index < zts.size(); index++) {
            Map<String, String> ztsToken = zts.get(index);
            Map<String, String> fileToken = file.get(index);
            for (String key : Store.TOKEN_FIELDS) {
                String a = ztsToken.get(key);
                String b = fileToken.get(key);
                if (key.equals("expiry_time") && a != null && b != null && !a.equals(b)) {
                    assertTrue(Math.abs(Long.parseLong(a) - Long.parseLong(b)) < 60_000, ztsToken + " vs " + fileToken);
                } else {
                    assertEquals(b, a, key + ": " + ztsToken + " vs " + fileToken);
                }
            }
        }
    }

    private static Map<String, String> postForm(JSONObject request) {
        assertEquals("POST", request.getString("method"), request.toString());
        assertEquals("/oauth/v2/token", request.getString("path"), request.toString());
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : request.getString("body").split("&")) {
            String[] parts = pair.split("=", 2);
            form.put(URLDecoder.decode(parts[0], StandardCharsets.UTF_8), URLDecoder.decode(parts[1], StandardCharsets.UTF_8));
        }
        return form;
    }

    private static void assertExpiresInAnHour(String expiryTime, long startedMs) {
        long expiry = Long.parseLong(expiryTime);
        assertTrue(startedMs + HOUR_MS <= expiry && expiry <= System.currentTimeMillis() + HOUR_MS, expiryTime);
    }

    private static Map<String, Object> grantWithFindUser(boolean findUser) {
        Map<String, Object> grant = new LinkedHashMap<>(GRANT);
        grant.put("find_user", findUser);
        return grant;
    }

    /** A grant exchange on an empty store: saves id "1"; returns the requests and the stored token. */
    private static Map<String, String> grantExchange(Flow flow, boolean findUser, List<JSONObject> requestsOut) throws Exception {
        long startedMs = System.currentTimeMillis();
        JSONObject result = flow.run(grantWithFindUser(findUser));
        assertEquals("1", result.get("id"));
        assertEquals("AT1", result.get("access_token"));
        List<JSONObject> requests = flow.newRequests();
        assertEquals(Map.of("client_id", "cid", "client_secret", "csec", "redirect_uri", "http://localhost/cb",
                "grant_type", "authorization_code", "code", "GT1"), postForm(requests.get(0)));
        List<Map<String, String>> tokens = flow.tokens();
        assertEquals(1, tokens.size(), tokens::toString);
        Map<String, String> token = tokens.get(0);
        assertExpiresInAnHour(token.get("expiry_time"), startedMs);
        assertEquals(stored(token("id", "1", "user_name", findUser ? "user@example.com:777" : null, "client_id", "cid",
                "client_secret", "csec", "refresh_token", "RT1", "access_token", "AT1", "grant_token", "GT1",
                "expiry_time", token.get("expiry_time"), "redirect_url", "http://localhost/cb", "api_domain", "BASE")), token);
        requestsOut.addAll(requests);
        return token;
    }

    @Test
    void aGrantExchangeSavesTheTokenWithId1() throws Exception {
        runBoth(flow -> {
            List<JSONObject> requests = new ArrayList<>();
            grantExchange(flow, false, requests);
            assertEquals(1, requests.size(), requests::toString);
        });
    }

    @Test
    void aNewJvmFindsTheTokenByIdWithoutHttp() throws Exception {
        runBoth(flow -> {
            Map<String, String> saved = grantExchange(flow, false, new ArrayList<>());
            JSONObject result = flow.run(BY_ID);
            assertEquals("1", result.get("id"));
            assertEquals("AT1", result.get("access_token"));
            assertEquals(List.of(), flow.newRequests());
            assertEquals(List.of(saved), flow.tokens());
        });
    }

    @Test
    void anExpiredTokenIsRefreshedAndSaved() throws Exception {
        runBoth(flow -> {
            Map<String, String> saved = grantExchange(flow, false, new ArrayList<>());
            flow.expire("1");
            long startedMs = System.currentTimeMillis();
            JSONObject result = flow.run(BY_ID);
            assertEquals("1", result.get("id"));
            assertEquals("AT2", result.get("access_token"));
            List<JSONObject> requests = flow.newRequests();
            assertEquals(1, requests.size(), requests::toString);
            assertEquals(Map.of("client_id", "cid", "client_secret", "csec", "grant_type", "refresh_token",
                    "refresh_token", "RT1"), postForm(requests.get(0)));
            List<Map<String, String>> tokens = flow.tokens();
            assertEquals(1, tokens.size());
            assertExpiresInAnHour(tokens.get(0).get("expiry_time"), startedMs);
            assertEquals(with(saved, "access_token", "AT2", "expiry_time", tokens.get(0).get("expiry_time")), tokens.get(0));
        });
    }

    @Test
    void theUserSignatureFlow() throws Exception {
        List<Map<String, String>> tokens = runBoth(flow -> {
            List<JSONObject> requests = new ArrayList<>();
            Map<String, String> saved = grantExchange(flow, true, requests);
            List<String> lookups = requests.subList(1, requests.size()).stream()
                    .map(request -> request.getString("method") + " " + request.getString("path").split("\\?")[0])
                    .collect(Collectors.toList());
            assertEquals(List.of("GET /crm/v8/users", "GET /crm/v8/org"), lookups);
            JSONObject result = flow.run(Map.of("user_signature", "user@example.com:777"));
            assertEquals("1", result.get("id"));
            assertEquals("AT1", result.get("access_token"));
            assertEquals(List.of(), flow.newRequests());
            assertEquals(List.of(saved), flow.tokens());
        });
        assertEquals("user@example.com:777", tokens.get(0).get("user_name"));
    }

    @Test
    void theAccessTokenOnlyFlowSavesOneRow() throws Exception {
        runBoth(flow -> {
            List<Map<String, String>> expected = List.of(stored(token("id", "1", "access_token", "ATX", "api_domain", "BASE")));
            for (int run = 0; run < 2; run++) {
                JSONObject result = flow.run(Map.of("access_token", "ATX", "find_user", false));
                assertEquals("1", result.get("id"));
                assertEquals("ATX", result.get("access_token"));
                assertEquals(expected, flow.tokens());
            }
            assertEquals(List.of(), flow.newRequests());
        });
    }

    @Test
    void removeDeletesTheRow() throws Exception {
        runBoth(flow -> {
            grantExchange(flow, false, new ArrayList<>());
            JSONObject result = flow.run(BY_ID, "remove");
            assertEquals(true, result.get("removed"));
            assertEquals(List.of(), flow.tokens());
            assertEquals(List.of(), flow.newRequests());
        });
    }

    @Test
    void aRefreshTokenTokenFindsTheGrantedRowWithoutHttp() throws Exception {
        runBoth(flow -> {
            Map<String, String> saved = grantExchange(flow, false, new ArrayList<>());
            JSONObject result = flow.run(Map.of("client_id", "cid", "client_secret", "csec", "refresh_token", "RT1", "find_user", false));
            assertEquals("1", result.get("id"));
            assertEquals("AT1", result.get("access_token"));
            assertEquals(List.of(), flow.newRequests());
            assertEquals(List.of(saved), flow.tokens());
        });
    }
}
