package io.zts;

import com.zoho.api.authenticator.OAuthToken;
import com.zoho.api.authenticator.store.TokenStore;
import com.zoho.crm.api.Initializer;
import com.zoho.crm.api.UserSignature;
import com.zoho.crm.api.dc.DataCenter;
import org.json.JSONObject;

/**
 * Runs one Zoho SDK token flow in a new JVM (the SDK's Initializer is global state).
 *
 * <p>Usage: {@code SdkFlow SPEC_JSON}, where SPEC_JSON is an object with: "store" ("zts" for
 * ZohoTokenStore, "file" for the SDK's own FileStore, a CSV file), "path" (the store file), "port" (the
 * fake accounts server's on 127.0.0.1), "token" (OAuthToken.Builder values by zts key, plus
 * "user_signature" and "find_user") and "then" ("get_token", the default, or "remove"). Prints one JSON
 * line: {"id", "access_token" or "removed"}. A failed save makes the SDK throw, so the JVM exits non-zero.
 *
 * <p>With "loop": {"stop_file", "pause_ms"} (tests/refresh): prints "READY" once initialized, then calls
 * getToken every pause_ms until stop_file exists (errors counted, not fatal), then one JSON line {"last",
 * "calls", "errors", "max_ms"}. ZTS_REFRESH_LEASE_MS, when set, is passed as refresh_lease_ms.
 */
public final class SdkFlow {
    private SdkFlow() {
    }

    public static void main(String[] args) throws Exception {
        JSONObject spec = new JSONObject(args[0]);
        String base = "http://127.0.0.1:" + spec.getInt("port");
        DataCenter.Environment environment = new DataCenter.Environment() {
            @Override
            public String getUrl() {
                return base;
            }

            @Override
            public String getAccountsUrl() {
                return base + "/oauth/v2/token";
            }

            @Override
            public String getFileUploadUrl() {
                return base;
            }
        };
        OAuthToken token = buildToken(spec.getJSONObject("token"));
        new Initializer.Builder().environment(environment).token(token).store(store(spec)).initialize();
        if (spec.has("loop")) {
            loop(token, spec.getJSONObject("loop"));
            System.exit(0);
        }

        JSONObject result = new JSONObject();
        result.put("id", token.getId() == null ? JSONObject.NULL : token.getId());
        if (spec.optString("then", "get_token").equals("get_token")) {
            result.put("access_token", token.getToken());
        } else {
            token.remove();
            result.put("removed", true);
        }
        System.out.println(result);
        System.exit(0); // the SDK may leave threads behind
    }

    private static void loop(OAuthToken token, JSONObject loop) throws InterruptedException {
        System.out.println("READY");
        System.out.flush();
        java.nio.file.Path stopFile = java.nio.file.Paths.get(loop.getString("stop_file"));
        JSONObject result = new JSONObject().put("last", JSONObject.NULL).put("calls", 0).put("errors", 0);
        long maxMs = 0;
        while (!java.nio.file.Files.exists(stopFile)) {
            long started = System.nanoTime();
            try {
                result.put("last", token.getToken());
            } catch (Exception error) {
                result.put("errors", result.getInt("errors") + 1);
                System.err.println("getToken: " + error);
            }
            result.put("calls", result.getInt("calls") + 1);
            maxMs = Math.max(maxMs, (System.nanoTime() - started) / 1_000_000);
            Thread.sleep(loop.getLong("pause_ms"));
        }
        System.out.println(result.put("max_ms", maxMs));
    }

    private static TokenStore store(JSONObject spec) throws Exception {
        String path = spec.getString("path");
        if (spec.getString("store").equals("zts")) {
            String lease = System.getenv("ZTS_REFRESH_LEASE_MS");
            return new ZohoTokenStore(path, lease == null ? null : java.util.Map.of("refresh_lease_ms", Integer.parseInt(lease)));
        }
        // By name: the contract stand-in the tests may run against has no FileStore.
        return (TokenStore) Class.forName("com.zoho.api.authenticator.store.FileStore").getConstructor(String.class).newInstance(path);
    }

    private static OAuthToken buildToken(JSONObject fields) throws Exception {
        OAuthToken.Builder builder = new OAuthToken.Builder();
        for (String key : fields.keySet()) {
            switch (key) {
                case "id":
                    builder.id(fields.getString(key));
                    break;
                case "client_id":
                    builder.clientID(fields.getString(key));
                    break;
                case "client_secret":
                    builder.clientSecret(fields.getString(key));
                    break;
                case "grant_token":
                    builder.grantToken(fields.getString(key));
                    break;
                case "refresh_token":
                    builder.refreshToken(fields.getString(key));
                    break;
                case "access_token":
                    builder.accessToken(fields.getString(key));
                    break;
                case "redirect_url":
                    builder.redirectURL(fields.getString(key));
                    break;
                case "user_signature":
                    builder.userSignature(new UserSignature(fields.getString(key)));
                    break;
                case "find_user":
                    builder.findUser(fields.getBoolean(key));
                    break;
                default:
                    throw new IllegalArgumentException("unknown token key " + key);
            }
        }
        return builder.build();
    }
}
