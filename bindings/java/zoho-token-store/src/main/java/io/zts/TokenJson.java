package io.zts;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.json.JSONArray;
import org.json.JSONObject;

/** Token maps to and from the token JSON of zts (README "The token JSON"). */
final class TokenJson {
    private TokenJson() {
    }

    /** Compact JSON of a token map; a null value becomes JSON null. */
    static String write(Map<String, ?> token) {
        JSONObject object = new JSONObject();
        for (Map.Entry<String, ?> field : token.entrySet()) {
            object.put(field.getKey(), field.getValue() == null ? JSONObject.NULL : field.getValue());
        }
        return object.toString();
    }

    /** A token zts returned: every key, in the SDK's column order (Store.TOKEN_FIELDS) first. */
    static Map<String, String> readToken(String json) {
        return toMap(new JSONObject(json));
    }

    static List<Map<String, String>> readList(String json) {
        JSONArray array = new JSONArray(json);
        List<Map<String, String>> tokens = new ArrayList<>(array.length());
        for (int index = 0; index < array.length(); index++) {
            tokens.add(toMap(array.getJSONObject(index)));
        }
        return tokens;
    }

    private static Map<String, String> toMap(JSONObject object) {
        Map<String, String> token = new LinkedHashMap<>();
        for (String key : Store.TOKEN_FIELDS) {
            if (object.has(key)) {
                token.put(key, object.isNull(key) ? null : object.get(key).toString());
            }
        }
        for (String key : object.keySet()) {
            if (!token.containsKey(key)) {
                token.put(key, object.isNull(key) ? null : object.get(key).toString());
            }
        }
        return token;
    }
}
