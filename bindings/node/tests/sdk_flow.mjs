// Runs one Zoho SDK token flow in a fresh process (the SDK's Initializer is global state).
//
// Usage: node sdk_flow.mjs SPEC_JSON, where SPEC_JSON is an object with:
//   store  "zts" (ZohoTokenStore) or "file" (the SDK's own FileStore, a CSV file)
//   path   the store file
//   port   the fake accounts server's port on 127.0.0.1
//   token  OAuthBuilder settings: client_id, client_secret, grant_token, refresh_token, redirect_url,
//          id, access_token, user_signature (a name, wrapped in UserSignature), find_user
//   then   "get_token" (default) or "remove": what to call on the token after initialize()
// Prints one JSON line: {"id", "access_token" or "removed"}. Any error exits non-zero (the Node SDK
// rethrows a failed saveToken as SDKException SAVE_TOKEN_ERROR).
import { dirname } from "node:path";
import * as Z from "@zohocrm/nodejs-sdk-8.0";
import { ZohoTokenStore } from "zoho-token-store/sdk";

const BUILDER_STEPS = {
  client_id: "clientId",
  client_secret: "clientSecret",
  grant_token: "grantToken",
  refresh_token: "refreshToken",
  redirect_url: "redirectURL",
  id: "id",
  access_token: "accessToken",
  find_user: "findUser",
};

const spec = JSON.parse(process.argv[2]);
const base = `http://127.0.0.1:${spec.port}`;
const environment = new Z.Environment(base, `${base}/oauth/v2/token`, base);
let builder = new Z.OAuthBuilder();
for (const [key, value] of Object.entries(spec.token)) {
  builder = key === "user_signature" ? builder.userSignature(new Z.UserSignature(value)) : builder[BUILDER_STEPS[key]](value);
}
const token = builder.build();
const store = spec.store === "zts" ? new ZohoTokenStore(spec.path) : new Z.FileStore(spec.path);

await (await new Z.InitializeBuilder())
  .environment(environment)
  .token(token)
  .store(store)
  .resourcePath(dirname(spec.path))
  .initialize();
const result = { id: token.getId() ?? null };
if ((spec.then ?? "get_token") === "get_token") {
  result.access_token = await token.getToken();
} else {
  result.removed = await token.remove();
}
if (store instanceof ZohoTokenStore) {
  await store.close();
}
console.log(JSON.stringify(result));
