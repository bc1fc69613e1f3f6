// The real Node.js SDK's side of tests/cli/sdk_round_trip.sh; the same commands as sdk_files.py:
//   write PATH | read PATH | zts PATH | flow PATH (and flow-one PATH ID, which flow runs per token)
// Prints the tokens as one JSON array of ten-key objects, sorted by id.
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

// The SDK and the binding are installed in bindings/node; resolve them from there.
const binding = join(dirname(fileURLToPath(import.meta.url)), "../../bindings/node/package.json");
const require = createRequire(binding);
const Z = await import(pathToFileURL(require.resolve("@zohocrm/nodejs-sdk-8.0")));
const { ZohoTokenStore } = await import(pathToFileURL(require.resolve("zoho-token-store/sdk")));

function fields(token) {
  return {
    id: token.getId() ?? null,
    user_name: token.getUserSignature()?.getName() ?? null,
    client_id: token.getClientId() ?? null,
    client_secret: token.getClientSecret() ?? null,
    refresh_token: token.getRefreshToken() ?? null,
    access_token: token.getAccessToken() ?? null,
    grant_token: token.getGrantToken() ?? null,
    expiry_time: token.getExpiresIn() ?? null,
    redirect_url: token.getRedirectURL() ?? null,
    api_domain: token.getAPIDomain() ?? null,
  };
}

function asJson(tokens) {
  return JSON.stringify(tokens.map(fields).sort((a, b) => Number(a.id) - Number(b.id)));
}

async function write(path) {
  const expiry = String(Date.now() + 3600 * 1000);
  const store = new Z.FileStore(path);
  const full = new Z.OAuthBuilder()
    .clientId("1000.NODECLIENT")
    .clientSecret("nodeSeCrEt0123456789abcdef")
    .grantToken("1000.nodegrantSeCrEt0123456789")
    .redirectURL("http://localhost/cb")
    .build();
  full.setRefreshToken("1000.noderefreshSeCrEt0123456789");
  full.setUserSignature(new Z.UserSignature("node@example.com:780"));
  full.setAPIDomain("https://www.zohoapis.com");
  const second = new Z.OAuthBuilder()
    .clientId("1000.NODECLIENT")
    .clientSecret("nodeSeCrEt0123456789abcdef")
    .refreshToken("1000.node2refreshSeCrEt0123456789")
    .build();
  second.setUserSignature(new Z.UserSignature("node2@example.com:780"));
  second.setAPIDomain("https://www.zohoapis.eu");
  const onlyAccess = new Z.OAuthBuilder().accessToken("1000.nodeonlyaccessSeCrEt0123456789").build();
  [full, second].forEach((token, n) => {
    token.setAccessToken(`1000.node${n}accessSeCrEt0123456789`);
    token.setExpiresIn(expiry);
  });
  for (const token of [full, second, onlyAccess]) {
    await store.saveToken(token);
  }
}

const [command, path] = process.argv.slice(2);
if (command === "write") {
  await write(path);
} else if (command === "read") {
  console.log(asJson(await new Z.FileStore(path).getTokens()));
} else if (command === "flow-one") {
  // Initializes the SDK with only the token's id and prints what get_token gives: the stored access token,
  // without any HTTP call (the accounts URL is a closed port on 127.0.0.1, so a refresh would fail).
  const store = new ZohoTokenStore(path);
  const closed = "http://127.0.0.1:9";
  const environment = new Z.Environment(closed, `${closed}/oauth/v2/token`, closed);
  const token = new Z.OAuthBuilder().id(process.argv[4]).build();
  await (await new Z.InitializeBuilder()).environment(environment).token(token).store(store).resourcePath(dirname(path)).initialize();
  console.log(await token.getToken());
  await store.close();
} else {
  const store = new ZohoTokenStore(path);
  const tokens = await store.getTokens();
  for (const token of tokens) {
    const found = await store.findTokenById(token.getId());
    if (JSON.stringify(fields(found)) !== JSON.stringify(fields(token))) throw new Error(`id ${token.getId()} differs`);
  }
  if (command === "flow") {
    // One SDK initialization per process: the Node.js SDK's Initializer is global state.
    for (const stored of tokens.filter((t) => t.getClientId() != null)) {
      const access = execFileSync(process.execPath, [fileURLToPath(import.meta.url), "flow-one", path, stored.getId()]);
      if (String(access).trim() !== stored.getAccessToken()) throw new Error(`id ${stored.getId()}: got another access token`);
    }
  }
  await store.close();
  console.log(asJson(tokens));
}
