package com.zoho.api.authenticator.store;

import com.zoho.api.authenticator.Token;
import com.zoho.crm.api.exception.SDKException;
import java.util.List;

/** The SDK's TokenStore interface, method for method (docs/sdk-contract.md §1). */
public interface TokenStore {
    Token findToken(Token token) throws SDKException;

    Token findTokenById(String id) throws SDKException;

    void saveToken(Token token) throws SDKException;

    void deleteToken(String id) throws SDKException;

    List<Token> getTokens() throws SDKException;

    void deleteTokens() throws SDKException;
}
