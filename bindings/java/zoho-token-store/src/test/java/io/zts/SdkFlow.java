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

    private static TokenStore store(JSONObject spec) throws Exception {
        String path = spec.getString("path");
        if (spec.getString("store").equals("zts")) {
            return new ZohoTokenStore(path);
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
