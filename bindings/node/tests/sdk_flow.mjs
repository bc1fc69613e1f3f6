// Runs one Zoho SDK token flow in a fresh process (the SDK's Initializer is global state).
//
// Usage: node sdk_flow.mjs SPEC_JSON, where SPEC_JSON is an object with:
//   store  "zts" (ZohoTokenStore) or "file" (the SDK's own FileStore, a CSV file)
//   path   the store file
//   port   the fake accounts server's port on 127.0.0.1
//   token  OAuthBuilder settings: client_id, client_secret, grant_token, refresh_token, redirect_url,
//          id, access_token, user_signature (a name, wrapped in UserSignature), find_user
//   then   "get_token" (default) or "remove": what to call on the token after initialize()
//   loop   optional {stop_file, pause_ms}: then call getToken again and again (tests/refresh)
// Prints one JSON line: {"id", "access_token" or "removed"}. Any error exits non-zero (the Node SDK
// rethrows a failed saveToken as SDKException SAVE_TOKEN_ERROR). With "loop": "READY" once initialized,
// then getToken every pause_ms until stop_file exists (errors counted, not fatal), then one JSON line
// {last, calls, errors, max_ms}. ZTS_REFRESH_LEASE_MS, when set, is passed as refresh_lease_ms.
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
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
const lease = process.env.ZTS_REFRESH_LEASE_MS;
const options = lease ? { refresh_lease_ms: Number(lease) } : null;
const store = spec.store === "zts" ? new ZohoTokenStore(spec.path, options) : new Z.FileStore(spec.path);

await (await new Z.InitializeBuilder())
  .environment(environment)
  .token(token)
  .store(store)
  // The SDK keeps its resource files beside the store file; a mysql:// store has no directory.
  .resourcePath(spec.path.startsWith("mysql://") ? tmpdir() : dirname(spec.path))
  .initialize();
if (spec.loop) {
  console.log("READY");
  const result = { last: null, calls: 0, errors: 0, max_ms: 0 };
  while (!existsSync(spec.loop.stop_file)) {
    const started = performance.now();
    try {
      result.last = await token.getToken();
    } catch (error) {
      result.errors += 1;
      console.error(`getToken: ${error?.message ?? error}`);
    }
    result.calls += 1;
    result.max_ms = Math.max(result.max_ms, Math.round(performance.now() - started));
    await sleep(spec.loop.pause_ms);
  }
  await store.close();
  console.log(JSON.stringify(result));
  process.exit(0);
}
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
