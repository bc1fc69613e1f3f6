package com.zoho.api.authenticator;

import com.zoho.api.authenticator.store.TokenStore;
import com.zoho.crm.api.Initializer;
import com.zoho.crm.api.UserSignature;
import com.zoho.crm.api.dc.DataCenter.Environment;
import com.zoho.crm.api.exception.SDKException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.json.JSONObject;

/**
 * Stand-in for the SDK's OAuthToken: the same fields, getters, setters and Builder (docs/sdk-contract.md §2), and
 * getToken() driving the store as docs/sdk-contract.md §3 describes the SDK doing it (find by id or by the token,
 * exchange or refresh against the accounts URL, look the user up, save).
 */
public class OAuthToken implements Token {
    private static final long REFRESH_MARGIN_MS = 5000;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private String clientID;
    private String clientSecret;
    private String redirectURL;
    private String grantToken;
    private String refreshToken;
    private String accessToken;
    private String expiresIn;
    private UserSignature userSignature;
    private String id;
    private String apiDomain;
    private boolean findUser;

    /** A blank token, as the SDK's stores create one (findUser false). */
    public OAuthToken() {
    }

    public String getClientId() {
        return clientID;
    }

    public void setClientId(String clientID) {
        this.clientID = clientID;
    }

    public String getClientSecret() {
        return clientSecret;
    }

    public void setClientSecret(String clientSecret) {
        this.clientSecret = clientSecret;
    }

    public String getRedirectURL() {
        return redirectURL;
    }

    public void setRedirectURL(String redirectURL) {
        this.redirectURL = redirectURL;
    }

    public String getGrantToken() {
        return grantToken;
    }

    public void setGrantToken(String grantToken) {
        this.grantToken = grantToken;
    }

    public String getRefreshToken() {
        return refreshToken;
    }

    public void setRefreshToken(String refreshToken) {
        this.refreshToken = refreshToken;
    }

    public String getAccessToken() {
        return accessToken;
    }

    public void setAccessToken(String accessToken) {
        this.accessToken = accessToken;
    }

    /** The absolute expiry time, epoch milliseconds as a string (not a duration, despite the name). */
    public String getExpiresIn() {
        return expiresIn;
    }

    public void setExpiresIn(String expiresIn) {
        this.expiresIn = expiresIn;
    }

    public UserSignature getUserSignature() {
        return userSignature;
    }

    public void setUserSignature(UserSignature userSignature) {
        this.userSignature = userSignature;
    }

    public String getAPIDomain() {
        return apiDomain;
    }

    public void setAPIDomain(String apiDomain) {
        this.apiDomain = apiDomain;
    }

    @Override
    public String getId() {
        return id;
    }

    public void setId(String id) {
        this.id = id;
    }

    @Override
    public void generateToken() throws SDKException {
        getToken();
    }

    /** Contract §3: returns the access token, after an exchange or refresh and a save when needed. */
    public String getToken() throws SDKException {
        Initializer initializer = Initializer.getInitializer();
        TokenStore store = initializer.getStore();
        OAuthToken token;
        if (id != null) {
            // As the Java SDK: a null here is not checked (the store throws for an unknown id).
            token = (OAuthToken) store.findTokenById(id);
            fillEmptyFieldsFrom(token);
            token.findUser = findUser;
        } else {
            token = (OAuthToken) store.findToken(this);
        }
        if (token == null) {
            if (userSignature != null && grantToken == null && refreshToken == null) {
                throw new SDKException("MANDATORY VALUE ERROR", "Given user_name token details not found");
            }
            token = this;
        }
        Environment environment = initializer.getEnvironment();
        if (isEmpty(token.apiDomain)) {
            token.apiDomain = environment.getUrl();
        }
        String accountsUrl = environment.getAccountsUrl();
        boolean save = false;
        if (isEmpty(token.accessToken)) {
            if (!isEmpty(token.refreshToken)) {
                token.refresh(accountsUrl);
            } else {
                token.exchangeGrant(accountsUrl);
            }
            save = true;
        } else if (!isEmpty(token.expiresIn)
                && Long.parseLong(token.expiresIn) - System.currentTimeMillis() < REFRESH_MARGIN_MS) {
            token.refresh(accountsUrl);
            save = true;
        } else if (token.expiresIn == null && token.id == null) {
            save = true; // the plain access-token flow
        }
        if (save) {
            try {
                if (token.userSignature == null && token.findUser) {
                    String name = userName(environment.getUrl(), token.accessToken);
                    if (name != null) {
                        token.userSignature = new UserSignature(name);
                    }
                }
                store.saveToken(token);
            } catch (Exception error) {
                throw new SDKException("SAVE_TOKEN_ERROR", error);
            }
        }
        return token.accessToken;
    }

    @Override
    public void remove() throws SDKException {
        Initializer.getInitializer().getStore().deleteToken(id);
    }

    /** Contract §3: finds a token holding only the id, then revokes its refresh token if it got one. */
    @Override
    public Boolean revoke(String id) throws SDKException {
        Initializer initializer = Initializer.getInitializer();
        OAuthToken query = new OAuthToken();
        query.setId(id);
        initializer.getStore().findToken(query);
        if (query.refreshToken == null) {
            return Boolean.FALSE;
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("token", query.refreshToken);
        JSONObject response = new JSONObject(post(initializer.getEnvironment().getAccountsUrl() + "/revoke", form));
        return "success".equals(response.optString("status"));
    }

    private void exchangeGrant(String url) throws SDKException {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("client_id", clientID);
        form.put("client_secret", clientSecret);
        if (redirectURL != null) {
            form.put("redirect_uri", redirectURL);
        }
        form.put("grant_type", "authorization_code");
        form.put("code", grantToken);
        takeResponse(post(url, form));
    }

    private void refresh(String url) throws SDKException {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("client_id", clientID);
        form.put("client_secret", clientSecret);
        form.put("grant_type", "refresh_token");
        form.put("refresh_token", refreshToken);
        takeResponse(post(url, form));
    }

    /** Contract §6 response handling; the SDK's update_api_domain default (true) is assumed. */
    private void takeResponse(String body) throws SDKException {
        JSONObject response = new JSONObject(body);
        if (!response.has("access_token")) {
            throw new SDKException("INVALID TOKEN ERROR", response.optString("error", "ACCESS TOKEN IS NOT PRESENT IN RESPONSE"));
        }
        accessToken = response.getString("access_token");
        long expiresMs = response.has("expires_in_sec") ? response.getLong("expires_in") : response.getLong("expires_in") * 1000;
        expiresIn = String.valueOf(System.currentTimeMillis() + expiresMs);
        if (response.has("refresh_token")) {
            refreshToken = response.getString("refresh_token");
        }
        if (response.has("api_domain")) {
            apiDomain = response.getString("api_domain");
        }
    }

    /** Contract §2: "email:zgid" from the current user and the org, or null when either lookup fails. */
    private static String userName(String crmUrl, String accessToken) {
        try {
            JSONObject users = new JSONObject(get(crmUrl + "/crm/v8/users?type=CurrentUser", accessToken));
            JSONObject org = new JSONObject(get(crmUrl + "/crm/v8/org", accessToken));
            return users.getJSONArray("users").getJSONObject(0).getString("email") + ":"
                    + org.getJSONArray("org").getJSONObject(0).getString("zgid");
        } catch (RuntimeException | SDKException error) {
            return null; // the SDK logs it and saves without a signature
        }
    }

    private static String post(String url, Map<String, String> form) throws SDKException {
        String body = form.entrySet().stream()
                .map(field -> encode(field.getKey()) + "=" + encode(field.getValue()))
                .collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    private static String get(String url, String accessToken) throws SDKException {
        return send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Zoho-oauthtoken " + accessToken).GET().build());
    }

    private static String send(HttpRequest request) throws SDKException {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException error) {
            throw new SDKException(error);
        } catch (InterruptedException error) {
            Thread.currentThread().interrupt();
            throw new SDKException(error);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value == null ? "" : value, StandardCharsets.UTF_8);
    }

    private static boolean isEmpty(String value) {
        return value == null || value.isEmpty();
    }

    /** The SDK's mergeObjects: this token keeps its own non-null fields and takes the stored ones. */
    private void fillEmptyFieldsFrom(OAuthToken stored) {
        clientID = clientID != null ? clientID : stored.clientID;
        clientSecret = clientSecret != null ? clientSecret : stored.clientSecret;
        redirectURL = redirectURL != null ? redirectURL : stored.redirectURL;
        grantToken = grantToken != null ? grantToken : stored.grantToken;
        refreshToken = refreshToken != null ? refreshToken : stored.refreshToken;
        accessToken = accessToken != null ? accessToken : stored.accessToken;
        expiresIn = expiresIn != null ? expiresIn : stored.expiresIn;
        userSignature = userSignature != null ? userSignature : stored.userSignature;
        apiDomain = apiDomain != null ? apiDomain : stored.apiDomain;
    }

    /** The SDK's builder: at least one of grant, refresh, id, access token or user signature. */
    public static class Builder {
        private String clientID;
        private String clientSecret;
        private String redirectURL;
        private String refreshToken;
        private String grantToken;
        private String accessToken;
        private String id;
        private UserSignature userSignature;
        private boolean findUser = true;

        public Builder id(String id) {
            this.id = id;
            return this;
        }

        public Builder clientID(String clientID) throws SDKException {
            this.clientID = required(clientID, "client_id");
            return this;
        }

        public Builder clientSecret(String clientSecret) throws SDKException {
            this.clientSecret = required(clientSecret, "client_secret");
            return this;
        }

        public Builder redirectURL(String redirectURL) {
            this.redirectURL = redirectURL;
            return this;
        }

        public Builder refreshToken(String refreshToken) {
            this.refreshToken = refreshToken;
            return this;
        }

        public Builder grantToken(String grantToken) {
            this.grantToken = grantToken;
            return this;
        }

        public Builder accessToken(String accessToken) {
            this.accessToken = accessToken;
            return this;
        }

        public Builder userSignature(UserSignature userSignature) {
            this.userSignature = userSignature;
            return this;
        }

        public Builder findUser(boolean findUser) {
            this.findUser = findUser;
            return this;
        }

        public OAuthToken build() throws SDKException {
            if (grantToken == null && refreshToken == null && id == null && accessToken == null && userSignature == null) {
                throw new SDKException("MANDATORY VALUE ERROR", "Value missing or null - grantToken, refreshToken, id, accessToken, userSignature");
            }
            if ((grantToken != null || refreshToken != null) && (clientID == null || clientSecret == null)) {
                throw new SDKException("MANDATORY VALUE ERROR", "Value missing or null - clientID, clientSecret");
            }
            OAuthToken token = new OAuthToken();
            token.clientID = clientID;
            token.clientSecret = clientSecret;
            token.redirectURL = redirectURL;
            token.refreshToken = refreshToken;
            token.grantToken = grantToken;
            token.accessToken = accessToken;
            token.id = id;
            token.userSignature = userSignature;
            token.findUser = findUser;
            return token;
        }

        private static String required(String value, String what) throws SDKException {
            if (value == null) {
                throw new SDKException("TOKEN ERROR", what + " must not be null");
            }
            return value;
        }
    }
}
