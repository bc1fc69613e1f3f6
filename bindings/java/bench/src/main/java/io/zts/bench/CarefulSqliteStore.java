package io.zts.bench;

import com.zoho.api.authenticator.OAuthToken;
import com.zoho.api.authenticator.Token;
import com.zoho.api.authenticator.store.TokenStore;
import com.zoho.crm.api.UserSignature;
import com.zoho.crm.api.exception.SDKException;
import io.zts.Store;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The baseline: what a careful Java developer writes on JDBC and org.xerial's sqlite-jdbc. One row per
 * token in the SDK DBStore's oauthtoken columns, indexed on every column it is looked up by; bound
 * parameters; statements prepared once and kept; WAL; BEGIN IMMEDIATE around each save; the SDK
 * FileStore's matching and merging rules; zts's durability (a refresh, a save by id, is not synced:
 * synchronous NORMAL for it, FULL for every other change); the SDK's OAuthToken objects in and out.
 * One connection, so not for several threads at once (zts's handle is).
 */
final class CarefulSqliteStore implements TokenStore, AutoCloseable {
    private static final List<String> COLUMNS = Store.TOKEN_FIELDS;
    private static final int ID = 0;

    private final Connection db;
    private final Map<String, PreparedStatement> byColumn = new HashMap<>();
    private final PreparedStatement insert;
    private final PreparedStatement update;
    private final PreparedStatement largestId;
    private final PreparedStatement delete;
    private final PreparedStatement deleteAll;
    private final PreparedStatement list;
    private final PreparedStatement begin;
    private final PreparedStatement commit;
    private final PreparedStatement rollback;
    private final PreparedStatement syncNormal;
    private final PreparedStatement syncFull;

    CarefulSqliteStore(String path) throws SQLException {
        db = DriverManager.getConnection("jdbc:sqlite:" + path);
        try (Statement statement = db.createStatement()) {
            statement.execute("PRAGMA journal_mode = WAL");
            statement.execute("PRAGMA synchronous = FULL");
            statement.execute("PRAGMA busy_timeout = 5000");
            statement.execute("CREATE TABLE IF NOT EXISTS oauthtoken (" + String.join(" TEXT, ", COLUMNS) + " TEXT)");
            statement.execute("CREATE UNIQUE INDEX IF NOT EXISTS oauthtoken_id ON oauthtoken (id)");
            for (String column : List.of("user_name", "access_token", "grant_token", "refresh_token")) {
                statement.execute("CREATE INDEX IF NOT EXISTS oauthtoken_" + column + " ON oauthtoken (" + column + ")");
            }
        }
        String select = "SELECT " + String.join(", ", COLUMNS) + " FROM oauthtoken";
        for (String column : List.of("id", "user_name", "access_token", "grant_token", "refresh_token")) {
            byColumn.put(column, db.prepareStatement(select + " WHERE " + column + " = ? LIMIT 1"));
        }
        insert = db.prepareStatement(insertSql());
        update = db.prepareStatement("UPDATE oauthtoken SET " + String.join(" = ?, ", COLUMNS) + " = ? WHERE id = ?");
        largestId = db.prepareStatement("SELECT max(CAST(id AS INTEGER)) FROM oauthtoken");
        delete = db.prepareStatement("DELETE FROM oauthtoken WHERE id = ?");
        deleteAll = db.prepareStatement("DELETE FROM oauthtoken");
        list = db.prepareStatement(select + " ORDER BY CAST(id AS INTEGER)");
        begin = db.prepareStatement("BEGIN IMMEDIATE");
        commit = db.prepareStatement("COMMIT");
        rollback = db.prepareStatement("ROLLBACK");
        syncNormal = db.prepareStatement("PRAGMA synchronous = NORMAL");
        syncFull = db.prepareStatement("PRAGMA synchronous = FULL");
    }

    /** The INSERT of one row of the ten columns (also used to populate the benchmark's file). */
    static String insertSql() {
        return "INSERT INTO oauthtoken VALUES (" + String.join(", ", Collections.nCopies(COLUMNS.size(), "?")) + ")";
    }

    @Override
    public void close() throws SQLException {
        db.close();
    }

    private static String[] rowOf(OAuthToken token) {
        UserSignature signature = token.getUserSignature();
        return new String[] {token.getId(), signature != null ? signature.getName() : null, token.getClientId(),
            token.getClientSecret(), token.getRefreshToken(), token.getAccessToken(), token.getGrantToken(),
            token.getExpiresIn(), token.getRedirectURL(), token.getAPIDomain()};
    }

    /** The SDK FileStore's setMergeData: fills the token's empty fields from a stored row. */
    private static void fill(OAuthToken token, String[] row) throws SDKException {
        if (token.getId() == null) {
            token.setId(row[0]);
        }
        if (token.getUserSignature() == null && row[1] != null) {
            token.setUserSignature(new UserSignature(row[1]));
        }
        if (token.getClientId() == null) {
            token.setClientId(row[2]);
        }
        if (token.getClientSecret() == null) {
            token.setClientSecret(row[3]);
        }
        if (token.getRefreshToken() == null) {
            token.setRefreshToken(row[4]);
        }
        if (token.getAccessToken() == null) {
            token.setAccessToken(row[5]);
        }
        if (token.getGrantToken() == null) {
            token.setGrantToken(row[6]);
        }
        if (token.getExpiresIn() == null) {
            token.setExpiresIn(row[7]);
        }
        if (token.getRedirectURL() == null) {
            token.setRedirectURL(row[8]);
        }
        if (token.getAPIDomain() == null) {
            token.setAPIDomain(row[9]);
        }
    }

    private static OAuthToken newToken(String[] row) throws SDKException {
        OAuthToken token = new OAuthToken();
        fill(token, row);
        return token;
    }

    private static String[] read(ResultSet result) throws SQLException {
        String[] row = new String[COLUMNS.size()];
        for (int i = 0; i < row.length; i++) {
            row[i] = result.getString(i + 1);
        }
        return row;
    }

    /** The first row whose column holds the value, or null. */
    private String[] by(String column, String value) throws SQLException {
        PreparedStatement query = byColumn.get(column);
        query.setString(1, value);
        try (ResultSet result = query.executeQuery()) {
            return result.next() ? read(result) : null;
        }
    }

    /** The SDK FileStore's checkCondition, as indexed lookups. */
    private String[] match(String[] row) throws SQLException {
        String userName = row[1];
        String clientId = row[2];
        String clientSecret = row[3];
        String refresh = row[4];
        String access = row[5];
        String grant = row[6];
        if (userName != null) {
            return by("user_name", userName);
        }
        if (access != null && clientId == null && clientSecret == null) {
            return by("access_token", access);
        }
        if (clientId != null && clientSecret != null) {
            String[] found = grant != null ? by("grant_token", grant) : null;
            return found == null && refresh != null ? by("refresh_token", refresh) : found;
        }
        return null;
    }

    private static SDKException failure(String operation, Exception cause) {
        return new SDKException("TOKEN_STORE", operation + " failed", cause);
    }

    @Override
    public Token findToken(Token token) throws SDKException {
        if (!(token instanceof OAuthToken)) {
            return token;
        }
        OAuthToken oauthToken = (OAuthToken) token;
        String[] found;
        try {
            found = match(rowOf(oauthToken));
        } catch (SQLException error) {
            throw failure("findToken", error);
        }
        if (found == null) {
            return null;
        }
        fill(oauthToken, found);
        return oauthToken;
    }

    @Override
    public Token findTokenById(String id) throws SDKException {
        String[] found;
        try {
            found = by("id", id);
        } catch (SQLException error) {
            throw failure("findTokenById", error);
        }
        if (found == null) {
            throw new SDKException("TOKEN_STORE", "no token has this id");
        }
        return newToken(found);
    }

    @Override
    public void saveToken(Token token) throws SDKException {
        if (!(token instanceof OAuthToken)) {
            return;
        }
        OAuthToken oauthToken = (OAuthToken) token;
        String[] row = rowOf(oauthToken);
        try {
            // A refresh (a save by id) is not synced; anything else is.
            (row[ID] != null ? syncNormal : syncFull).execute();
            begin.execute();
            try {
                String[] found = row[ID] != null ? by("id", row[ID]) : match(row);
                if (found != null) {
                    for (int i = 0; i < row.length; i++) {
                        update.setString(i + 1, row[i] != null ? row[i] : found[i]);
                    }
                    update.setString(ID + 1, found[ID]);
                    update.setString(row.length + 1, found[ID]);
                    update.executeUpdate();
                    row[ID] = found[ID];
                } else {
                    if (row[ID] == null) {
                        try (ResultSet result = largestId.executeQuery()) {
                            row[ID] = String.valueOf((result.next() ? result.getLong(1) : 0) + 1);
                        }
                    }
                    for (int i = 0; i < row.length; i++) {
                        insert.setString(i + 1, row[i]);
                    }
                    insert.executeUpdate();
                }
                commit.execute();
            } catch (SQLException | RuntimeException error) {
                rollback.execute();
                throw error;
            }
        } catch (SQLException error) {
            throw failure("saveToken", error);
        }
        oauthToken.setId(row[ID]);
    }

    @Override
    public void deleteToken(String id) throws SDKException {
        int deleted;
        try {
            syncFull.execute();
            delete.setString(1, id);
            deleted = delete.executeUpdate();
        } catch (SQLException error) {
            throw failure("deleteToken", error);
        }
        if (deleted == 0) {
            throw new SDKException("TOKEN_STORE", "no token has this id");
        }
    }

    @Override
    public List<Token> getTokens() throws SDKException {
        List<Token> tokens = new ArrayList<>();
        try (ResultSet result = list.executeQuery()) {
            while (result.next()) {
                tokens.add(newToken(read(result)));
            }
        } catch (SQLException error) {
            throw failure("getTokens", error);
        }
        return tokens;
    }

    @Override
    public void deleteTokens() throws SDKException {
        try {
            syncFull.execute();
            deleteAll.executeUpdate();
        } catch (SQLException error) {
            throw failure("deleteTokens", error);
        }
    }
}
