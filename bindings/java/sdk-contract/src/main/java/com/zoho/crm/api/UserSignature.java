package com.zoho.crm.api;

import com.zoho.crm.api.exception.SDKException;

/** Stand-in for the SDK's UserSignature (docs/sdk-contract.md §2): one name, never null. */
public class UserSignature {
    private final String name;

    public UserSignature(String name) throws SDKException {
        if (name == null) {
            throw new SDKException("MANDATORY VALUE ERROR", "Value missing or null - name");
        }
        this.name = name;
    }

    public String getName() {
        return name;
    }
}
