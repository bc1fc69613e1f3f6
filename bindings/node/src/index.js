// zoho-token-store: the zts token store (one SQLite file shared by every Zoho CRM SDK) for Node.js.
// This entry point is the Store layer and needs only libzts.so; the SDK's TokenStore is in
// "zoho-token-store/sdk", so that importing this never loads the Zoho SDK.
export * from "./store.js";
export { LIBRARY_PATH, EXPECTED_VERSION } from "./native.js";
