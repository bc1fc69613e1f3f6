package com.zoho.api.authenticator;

import com.zoho.crm.api.exception.SDKException;

/**
 * Stand-in for the SDK's Token interface (docs/sdk-contract.md §2). The SDK's fifth method,
 * authenticate(APIHTTPConnector), belongs to its CRM API client and is left out.
 */
public interface Token {
    Boolean revoke(String id) throws SDKException;

    void remove() throws SDKException;

    void generateToken() throws SDKException;

    String getId();
}
