package com.zoho.crm.api.dc;

/**
 * Stand-in for the SDK's DataCenter (docs/sdk-contract.md §6): only the abstract Environment, which a test
 * subclasses with the fake accounts server's URLs. The SDK's built-in data centers are left out, so a
 * token's api_domain never switches the environment here (docs/sdk-contract.md §3 step 3 switches only for them).
 */
public abstract class DataCenter {
    public abstract static class Environment {
        public abstract String getUrl();

        public abstract String getAccountsUrl();

        public abstract String getFileUploadUrl();
    }
}
