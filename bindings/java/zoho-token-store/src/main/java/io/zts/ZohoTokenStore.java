package io.zts;

import com.zoho.api.authenticator.OAuthToken;
import com.zoho.api.authenticator.Token;
import com.zoho.api.authenticator.store.TokenStore;
import com.zoho.crm.api.UserSignature;
import com.zoho.crm.api.exception.SDKException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The Zoho CRM Java SDK's TokenStore over a zts store file (or ":memory:").
 *
 * <pre>
 * new Initializer.Builder().environment(env).token(token).store(new ZohoTokenStore("tokens.db")).initialize();
 * </pre>
 *
 * Only the mapping between the SDK's OAuthToken objects and zts tokens (their ten values, passed through
 * Store's packed *Values methods without JSON) is done here; matching, merging and ids are zts's (the SDK FileStore rules, see the repository README). Every failure throws the
 * SDK's SDKException with code "TOKEN_STORE", a message naming the operation and the zts status and
 * message, and as cause the {@link ZtsException} (or the IllegalStateException of a closed store).
 * Tokens that are not OAuthToken are ignored, as the SDK's own stores ignore them.
 */
public final class ZohoTokenStore implements TokenStore, AutoCloseable {
    /** The SDK's code for a store failure (com.zoho.crm.api.util.Constants.TOKEN_STORE). */
    public static final String ERROR_CODE = "TOKEN_STORE";
    private static final int ID = 0;
    private static final int FIELDS = Store.TOKEN_FIELDS.size();

    private final Store store;

    /** Opens (and by default creates) the store at a file path, or ":memory:". */
    public ZohoTokenStore(String location) throws SDKException {
        this(location, null);
    }

    /** Opens the store with the options of {@link Store#Store(String, Map)}. */
    public ZohoTokenStore(String location, Map<String, ?> options) throws SDKException {
        try {
            store = new Store(location, options);
        } catch (RuntimeException error) {
            throw sdkError("open", error);
        }
    }

    /** The underlying {@link Store} (token maps instead of OAuthToken objects). */
    public Store store() {
        return store;
    }

    @Override
    public void close() {
        store.close();
    }

    @Override
    public String toString() {
        return "ZohoTokenStore(" + org.json.JSONObject.quote(store.location()) + ")";
    }

    /**
     * Fills the null fields of {@code token} from the stored token it matches and returns {@code token},
     * or returns null when nothing matches.
     */
    @Override
    public Token findToken(Token token) throws SDKException {
        if (!(token instanceof OAuthToken)) {
            return token;
        }
        OAuthToken oauthToken = (OAuthToken) token;
        String[] query = toZts(oauthToken);
        // The SDK stores never match on the id here: the SDK's revoke() passes a token holding only an id
        // and gets null from them. Without its id such a token has nothing to match, so no query.
        query[ID] = null;
        if (Arrays.stream(query).allMatch(value -> value == null)) {
            return null;
        }
        String[] stored;
        try {
            stored = store.findValues(query);
        } catch (ZtsException error) {
            if (error.getStatus() == Status.NOT_FOUND || error.getStatus() == Status.INVALID_TOKEN) {
                return null;
            }
            throw sdkError("findToken", error);
        } catch (RuntimeException error) {
            throw sdkError("findToken", error);
        }
        fillEmptyFields(oauthToken, stored, 0);
        return oauthToken;
    }

    /** A new OAuthToken holding the token with this id; SDKException when there is none. */
    @Override
    public Token findTokenById(String id) throws SDKException {
        String[] stored;
        try {
            stored = store.findByIdValues(id);
        } catch (RuntimeException error) {
            throw sdkError("findTokenById", error);
        }
        return newOAuthToken(stored, 0);
    }

    /**
     * Saves {@code token}, then fills its null fields from the stored row: this writes the assigned id
     * back into it, so the SDK finds it by id next time.
     */
    @Override
    public void saveToken(Token token) throws SDKException {
        if (!(token instanceof OAuthToken)) {
            return;
        }
        OAuthToken oauthToken = (OAuthToken) token;
        String[] stored;
        try {
            stored = store.saveValues(toZts(oauthToken));
        } catch (RuntimeException error) {
            throw sdkError("saveToken", error);
        }
        fillEmptyFields(oauthToken, stored, 0);
    }

    /** Deletes the token with this id; SDKException when there is none (as the SDK FileStore). */
    @Override
    public void deleteToken(String id) throws SDKException {
        try {
            store.delete(id);
        } catch (RuntimeException error) {
            throw sdkError("deleteToken", error);
        }
    }

    /** Every stored token as a new OAuthToken, in numeric id order. */
    @Override
    public List<Token> getTokens() throws SDKException {
        String[] stored;
        try {
            stored = store.listValues();
        } catch (RuntimeException error) {
            throw sdkError("getTokens", error);
        }
        List<Token> tokens = new ArrayList<>(stored.length / FIELDS);
        for (int start = 0; start < stored.length; start += FIELDS) {
            tokens.add(newOAuthToken(stored, start));
        }
        return tokens;
    }

    /** Deletes every token. */
    @Override
    public void deleteTokens() throws SDKException {
        try {
            store.purge();
        } catch (RuntimeException error) {
            throw sdkError("deleteTokens", error);
        }
    }

    /** The ten values of an OAuthToken, in Store.TOKEN_FIELDS order. expiry_time is the SDK's expiresIn (an absolute time in ms). */
    private static String[] toZts(OAuthToken token) {
        UserSignature signature = token.getUserSignature();
        return new String[] {token.getId(), signature != null ? signature.getName() : null, token.getClientId(),
            token.getClientSecret(), token.getRefreshToken(), token.getAccessToken(), token.getGrantToken(),
            token.getExpiresIn(), token.getRedirectURL(), token.getAPIDomain()};
    }

    /**
     * Sets the token's null fields from the stored token whose ten values start at {@code start}, as the
     * SDK stores' setMergeData does.
     */
    private static void fillEmptyFields(OAuthToken token, String[] stored, int start) throws SDKException {
        if (token.getId() == null) {
            token.setId(stored[start]);
        }
        if (token.getUserSignature() == null && stored[start + 1] != null) {
            token.setUserSignature(new UserSignature(stored[start + 1]));
        }
        if (token.getClientId() == null) {
            token.setClientId(stored[start + 2]);
        }
        if (token.getClientSecret() == null) {
            token.setClientSecret(stored[start + 3]);
        }
        if (token.getRefreshToken() == null) {
            token.setRefreshToken(stored[start + 4]);
        }
        if (token.getAccessToken() == null) {
            token.setAccessToken(stored[start + 5]);
        }
        if (token.getGrantToken() == null) {
            token.setGrantToken(stored[start + 6]);
        }
        if (token.getExpiresIn() == null) {
            token.setExpiresIn(stored[start + 7]);
        }
        if (token.getRedirectURL() == null) {
            token.setRedirectURL(stored[start + 8]);
        }
        if (token.getAPIDomain() == null) {
            token.setAPIDomain(stored[start + 9]);
        }
    }

    /** A new OAuthToken holding a stored token, made as the SDK's stores make one (public no-arg constructor). */
    private static OAuthToken newOAuthToken(String[] stored, int start) throws SDKException {
        OAuthToken token = new OAuthToken();
        fillEmptyFields(token, stored, start);
        return token;
    }

    /** SDKException's message is shown without its cause's, so the zts status and message go into it. */
    private static SDKException sdkError(String operation, RuntimeException error) {
        String reason = error instanceof ZtsException
                ? ((ZtsException) error).getStatusName() + ": " + error.getMessage()
                : error.getMessage();
        return new SDKException(ERROR_CODE, "zts " + operation + " failed: " + reason, error);
    }
}
