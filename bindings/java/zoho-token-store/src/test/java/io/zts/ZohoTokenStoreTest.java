package io.zts;

import static io.zts.TestSupport.stored;
import static io.zts.TestSupport.token;
import static io.zts.TestSupport.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zoho.api.authenticator.OAuthToken;
import com.zoho.api.authenticator.Token;
import com.zoho.api.authenticator.store.TokenStore;
import com.zoho.crm.api.UserSignature;
import com.zoho.crm.api.exception.SDKException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ZohoTokenStore against the SDK's own OAuthToken objects, in process and without HTTP. */
class ZohoTokenStoreTest {
    static final Map<String, String> STORED = token(
            "user_name", "user@example.com:777",
            "client_id", "cid",
            "client_secret", "csec",
            "refresh_token", "RT1",
            "access_token", "AT1",
            "grant_token", "GT1",
            "expiry_time", "4102444839397",
            "redirect_url", "http://localhost/cb",
            "api_domain", "http://127.0.0.1:18081");

    private ZohoTokenStore store;

    @BeforeEach
    void open() throws SDKException {
        store = new ZohoTokenStore(":memory:");
    }

    @AfterEach
    void close() {
        store.close();
    }

    /** The store holding STORED as id "1". */
    private ZohoTokenStore withStoredToken() {
        store.store().save(STORED);
        return store;
    }

    /** The ten fields of an OAuthToken, by zts key. */
    static Map<String, String> fields(Token token) {
        OAuthToken oauth = (OAuthToken) token;
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("id", oauth.getId());
        fields.put("user_name", oauth.getUserSignature() != null ? oauth.getUserSignature().getName() : null);
        fields.put("client_id", oauth.getClientId());
        fields.put("client_secret", oauth.getClientSecret());
        fields.put("refresh_token", oauth.getRefreshToken());
        fields.put("access_token", oauth.getAccessToken());
        fields.put("grant_token", oauth.getGrantToken());
        fields.put("expiry_time", oauth.getExpiresIn());
        fields.put("redirect_url", oauth.getRedirectURL());
        fields.put("api_domain", oauth.getAPIDomain());
        return fields;
    }

    private static void assertTokenStoreError(SDKException error, String statusName, String operation) {
        assertEquals("TOKEN_STORE", error.getCode());
        assertTrue(error.getMessage().contains(statusName), error.getMessage());
        assertTrue(error.getMessage().contains(operation), error.getMessage());
    }

    @Test
    void itIsTheSdksTokenStore() {
        assertTrue(TokenStore.class.isAssignableFrom(ZohoTokenStore.class));
        assertTrue(AutoCloseable.class.isAssignableFrom(ZohoTokenStore.class));
    }

    @Test
    void saveTokenWritesTheAssignedIdBack() throws SDKException {
        OAuthToken token = new OAuthToken.Builder().clientID("cid").clientSecret("csec").grantToken("GT1").findUser(false).build();
        token.setAccessToken("AT1");
        store.saveToken(token);
        assertEquals("1", token.getId());
        assertEquals("GT1", store.store().findById("1").get("grant_token"));
        OAuthToken second = new OAuthToken.Builder().accessToken("ATX").findUser(false).build();
        store.saveToken(second);
        assertEquals("2", second.getId());
    }

    @Test
    void saveTokenMapsAllTenFieldsBothWays() throws SDKException {
        OAuthToken token = new OAuthToken.Builder().clientID("cid").clientSecret("csec").grantToken("GT1")
                .refreshToken("RT1").redirectURL("http://localhost/cb").accessToken("AT1")
                .userSignature(new UserSignature("user@example.com:777")).findUser(false).build();
        token.setAPIDomain("http://127.0.0.1:18081");
        token.setExpiresIn("4102444839397");
        store.saveToken(token);
        assertEquals(stored(with(STORED, "id", "1")), store.store().findById("1"));
        assertEquals(stored(with(STORED, "id", "1")), fields(store.findTokenById("1")));
    }

    @Test
    void saveTokenOfARefreshedTokenUpdatesItsRow() throws SDKException {
        OAuthToken token = (OAuthToken) withStoredToken().findTokenById("1");
        token.setAccessToken("AT2");
        token.setExpiresIn("4102444899999");
        store.saveToken(token);
        assertEquals(List.of(stored(with(STORED, "id", "1", "access_token", "AT2", "expiry_time", "4102444899999"))), store.store().list());
    }

    @Test
    void findTokenFillsOnlyTheEmptyFieldsOfTheGivenToken() throws SDKException {
        OAuthToken token = new OAuthToken.Builder().clientID("cid").clientSecret("csec").refreshToken("RT1")
                .redirectURL("http://mine/cb").build();
        assertSame(token, withStoredToken().findToken(token));
        assertEquals(stored(with(STORED, "id", "1", "redirect_url", "http://mine/cb")), fields(token));
    }

    @Test
    void findTokenByUserSignature() throws SDKException {
        OAuthToken token = new OAuthToken.Builder().userSignature(new UserSignature("user@example.com:777")).build();
        assertSame(token, withStoredToken().findToken(token));
        assertEquals(stored(with(STORED, "id", "1")), fields(token));
    }

    @Test
    void findTokenReturnsNullOnAMissAndLeavesTheTokenAlone() throws SDKException {
        OAuthToken token = new OAuthToken.Builder().userSignature(new UserSignature("other@example.com:1")).build();
        assertNull(withStoredToken().findToken(token));
        assertNull(token.getAccessToken());
        assertNull(token.getId());
    }

    @Test
    void findTokenNeverMatchesById() throws SDKException {
        OAuthToken idOnly = new OAuthToken(); // what the SDK's revoke() passes
        idOnly.setId("1");
        assertNull(withStoredToken().findToken(idOnly));
        assertNull(idOnly.getAccessToken());
        OAuthToken nothingMatchable = new OAuthToken(); // a refresh token without client credentials
        nothingMatchable.setId("1");
        nothingMatchable.setRefreshToken("RT1");
        assertNull(store.findToken(nothingMatchable));
        assertNull(nothingMatchable.getAccessToken());
    }

    @Test
    void findTokenByIdReturnsANewToken() throws SDKException {
        Token first = withStoredToken().findTokenById("1");
        Token second = store.findTokenById("1");
        assertTrue(first instanceof OAuthToken);
        assertNotSame(first, second);
        assertEquals(stored(with(STORED, "id", "1")), fields(first));
    }

    @Test
    void findTokenByIdOfAnUnknownIdThrowsSdkException() {
        SDKException error = assertThrows(SDKException.class, () -> withStoredToken().findTokenById("2"));
        assertTokenStoreError(error, "ZTS_NOT_FOUND", "findTokenById");
        assertTrue(error.getCause() instanceof ZtsException);
        assertEquals(Status.NOT_FOUND, ((ZtsException) error.getCause()).getStatus());
        assertTrue(error.getMessage().contains(error.getCause().getMessage()), "the zts message is in the SDK message");
    }

    @Test
    void deleteToken() throws SDKException {
        SDKException error = assertThrows(SDKException.class, () -> withStoredToken().deleteToken("2"));
        assertTokenStoreError(error, "ZTS_NOT_FOUND", "deleteToken");
        store.deleteToken("1");
        assertEquals(List.of(), store.store().list());
    }

    @Test
    void getTokensAndDeleteTokens() throws SDKException {
        withStoredToken().store().save(token("access_token", "ATX"));
        List<Token> tokens = store.getTokens();
        assertTrue(tokens.stream().allMatch(token -> token instanceof OAuthToken));
        assertEquals(List.of(stored(with(STORED, "id", "1")), stored(token("id", "2", "access_token", "ATX"))),
                tokens.stream().map(ZohoTokenStoreTest::fields).collect(Collectors.toList()));
        store.deleteTokens();
        assertEquals(List.of(), store.getTokens());
    }

    @Test
    void tokensThatAreNotOAuthTokensAreIgnored() throws SDKException {
        Token other = (Token) Proxy.newProxyInstance(Token.class.getClassLoader(), new Class<?>[] {Token.class},
                (proxy, method, args) -> {
                    throw new AssertionError("the store called " + method.getName());
                });
        assertSame(other, withStoredToken().findToken(other));
        store.saveToken(other);
        assertEquals(1, store.store().list().size());
    }

    @Test
    void aRefusedSaveThrowsSdkExceptionWithTheStatus() throws SDKException {
        OAuthToken token = new OAuthToken.Builder().id("1").findUser(false).build(); // nothing to store
        SDKException error = assertThrows(SDKException.class, () -> store.saveToken(token));
        assertTokenStoreError(error, "ZTS_INVALID_TOKEN", "saveToken");
    }

    @Test
    void openAndClosedStoreFailuresThrowSdkException(@TempDir Path directory) throws SDKException {
        SDKException error = assertThrows(SDKException.class, () -> new ZohoTokenStore(directory.resolve("missing/tokens.db").toString()));
        assertTokenStoreError(error, "ZTS_IO", "open");
        ZohoTokenStore closed = new ZohoTokenStore(directory.resolve("tokens.db").toString());
        closed.close();
        closed.close();
        SDKException onClosed = assertThrows(SDKException.class, closed::getTokens);
        assertEquals("TOKEN_STORE", onClosed.getCode());
        assertTrue(onClosed.getMessage().contains("closed"), onClosed.getMessage());
        assertTrue(onClosed.getCause() instanceof IllegalStateException);
    }

    @Test
    void optionsReachTheStore(@TempDir Path directory) throws SDKException {
        String path = directory.resolve("tokens.db").toString();
        SDKException error = assertThrows(SDKException.class, () -> new ZohoTokenStore(path, Map.of("create", false)));
        assertTokenStoreError(error, "ZTS_IO", "open");
        new ZohoTokenStore(path).close();
        try (ZohoTokenStore readOnly = new ZohoTokenStore(path, Map.of("read_only", true))) {
            OAuthToken token = new OAuthToken.Builder().accessToken("ATX").findUser(false).build();
            assertTokenStoreError(assertThrows(SDKException.class, () -> readOnly.saveToken(token)), "ZTS_IO", "saveToken");
        }
    }

    @Test
    void noSecretInToStringOrErrors() {
        assertEquals("ZohoTokenStore(\":memory:\")", withStoredToken().toString());
        OAuthToken token = new OAuthToken();
        token.setId("9");
        token.setClientId("cid");
        token.setClientSecret("csec-SECRET");
        SDKException error = assertThrows(SDKException.class, () -> store.saveToken(token));
        assertFalse(error.getMessage().contains("SECRET"), error.getMessage());
        assertFalse(error.toString().contains("SECRET"), error.toString());
    }

    @Test
    void aStoreFileIsSharedWithTheStoreLayer(@TempDir Path directory) throws SDKException {
        String path = directory.resolve("tokens.db").toString();
        try (ZohoTokenStore sdkStore = new ZohoTokenStore(path)) {
            sdkStore.saveToken(new OAuthToken.Builder().accessToken("ATX").findUser(false).build());
        }
        try (Store plain = new Store(path)) {
            assertEquals("1", plain.find(token("access_token", "ATX")).get("id"));
        }
    }

    @Test
    void findTokenDoesNotQueryTheStoreForAnIdOnlyToken() throws SDKException {
        store.close(); // any query would now fail
        OAuthToken idOnly = new OAuthToken();
        idOnly.setId("1");
        assertNull(store.findToken(idOnly));
        OAuthToken accessToken = new OAuthToken.Builder().accessToken("ATX").build();
        SDKException error = assertThrows(SDKException.class, () -> store.findToken(accessToken));
        assertTrue(error.getMessage().contains("closed"), error.getMessage());
    }

    @Test
    void aFindThatZtsRefusesForAnotherReasonThrows() throws SDKException {
        OAuthToken token = new OAuthToken.Builder().accessToken("A\0T").build(); // NUL: refused, not a miss
        SDKException error = assertThrows(SDKException.class, () -> store.findToken(token));
        assertTokenStoreError(error, "ZTS_INVALID_JSON", "findToken");
    }

    @Test
    void nonAsciiValuesCrossBothWays() throws SDKException {
        OAuthToken token = new OAuthToken.Builder().userSignature(new UserSignature("ü@example.com:1")).accessToken("Å 😀 Ω")
                .findUser(false).build();
        store.saveToken(token);
        assertEquals("1", token.getId());
        OAuthToken found = (OAuthToken) store.findTokenById("1");
        assertEquals("ü@example.com:1", found.getUserSignature().getName());
        assertEquals("Å 😀 Ω", found.getAccessToken());
        assertEquals("Å 😀 Ω", store.store().findById("1").get("access_token"));
    }

    @Test
    void aStoredValueHoldingANulIsRefusedNotGarbled(@TempDir Path directory) throws Exception {
        Path file = directory.resolve("tokens.db");
        try (ZohoTokenStore fileStore = new ZohoTokenStore(file.toString())) {
            fileStore.store().save(STORED);
            // Only another program can store a NUL: zts refuses it in every value it is given.
            new TestSupport.Command("python3", "-c", "import sqlite3, sys\n"
                    + "db = sqlite3.connect(sys.argv[1])\n"
                    + "db.execute(\"UPDATE oauthtoken SET access_token = 'A' || char(0) || 'T' WHERE id = '1'\")\n"
                    + "db.commit()", file.toString()).run().assertSucceeded();
            assertTokenStoreError(assertThrows(SDKException.class, () -> fileStore.findTokenById("1")), "ZTS_INVALID_TOKEN",
                    "findTokenById");
            assertTokenStoreError(assertThrows(SDKException.class, fileStore::getTokens), "ZTS_INVALID_TOKEN", "getTokens");
            // As for any token zts cannot match: no token (the SDK then saves a fresh one over the row).
            OAuthToken byUser = new OAuthToken.Builder().userSignature(new UserSignature(STORED.get("user_name"))).build();
            assertNull(fileStore.findToken(byUser));
            assertNull(byUser.getAccessToken());
        }
    }
}
