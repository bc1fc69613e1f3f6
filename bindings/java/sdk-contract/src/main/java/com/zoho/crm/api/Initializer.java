package com.zoho.crm.api;

import com.zoho.api.authenticator.Token;
import com.zoho.api.authenticator.store.TokenStore;
import com.zoho.crm.api.dc.DataCenter.Environment;
import com.zoho.crm.api.exception.SDKException;

/**
 * Stand-in for the SDK's Initializer (docs/sdk-contract.md §1, §3): global state holding the environment, the
 * token and the store; initialize() runs the token flow at once, as the SDK does.
 */
public final class Initializer {
    private static volatile Initializer current;

    private final Environment environment;
    private final Token token;
    private final TokenStore store;

    private Initializer(Environment environment, Token token, TokenStore store) {
        this.environment = environment;
        this.token = token;
        this.store = store;
    }

    public static Initializer getInitializer() {
        return current;
    }

    public Environment getEnvironment() {
        return environment;
    }

    public TokenStore getStore() {
        return store;
    }

    public Token getToken() {
        return token;
    }

    public static class Builder {
        private Environment environment;
        private Token token;
        private TokenStore store;

        public Builder environment(Environment environment) throws SDKException {
            this.environment = required(environment, "environment");
            return this;
        }

        public Builder token(Token token) throws SDKException {
            this.token = required(token, "token");
            return this;
        }

        public Builder store(TokenStore store) throws SDKException {
            this.store = store;
            return this;
        }

        /** The SDK falls back to its FileStore without a store; the stand-in has none, so it refuses. */
        public void initialize() throws Exception {
            required(environment, "environment");
            required(token, "token");
            required(store, "store");
            current = new Initializer(environment, token, store);
            token.generateToken();
        }

        private static <T> T required(T value, String what) throws SDKException {
            if (value == null) {
                throw new SDKException("INITIALIZATION ERROR", what + " is required");
            }
            return value;
        }
    }
}
