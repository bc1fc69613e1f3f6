// `npm install ./bindings/node` into a new application, next to the real SDK: the application's SDK
// accepts the store (one copy of the SDK classes) and a grant exchange runs against the fake server.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, lstatSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { BINDING_DIR, FakeAccounts, tempDir } from "./helpers.mjs";

const APP = `
import * as ZOHOCRMSDK from "@zohocrm/nodejs-sdk-8.0";
import { Store } from "zoho-token-store";
import { ZohoTokenStore } from "zoho-token-store/sdk";

const base = "http://127.0.0.1:" + process.argv[2];
const environment = new ZOHOCRMSDK.Environment(base, base + "/oauth/v2/token", base);
const token = new ZOHOCRMSDK.OAuthBuilder().clientId("cid").clientSecret("csec").grantToken("GT1").findUser(false).build();
const store = new ZohoTokenStore("tokens.db");
await (await new ZOHOCRMSDK.InitializeBuilder()).environment(environment).token(token).store(store).initialize();
await store.close();
const plain = new Store("tokens.db");
console.log(JSON.stringify({ id: token.getId(), stored: await plain.list() }));
await plain.close();
`;

function run(command, args, cwd, env = process.env) {
  const completed = spawnSync(command, args, { cwd, env, encoding: "utf8", timeout: 180_000 });
  assert.equal(completed.status, 0, `${command} ${args.join(" ")}: ${completed.stderr}`);
  return completed.stdout;
}

for (const [how, flags] of [["linked (npm's default for a folder)", []], ["copied (--install-links)", ["--install-links"]]]) {
  test(`npm install ./bindings/node, ${how}, works with the application's SDK`, async (t) => {
    const app = tempDir(t);
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
    writeFileSync(join(app, "app.mjs"), APP);
    const npmFlags = ["--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error", ...flags];
    run("npm", ["install", ...npmFlags, BINDING_DIR, "@zohocrm/nodejs-sdk-8.0@2.0.0"], app);
    const installed = join(app, "node_modules", "zoho-token-store");
    assert.equal(lstatSync(installed).isSymbolicLink(), flags.length === 0);
    const env = { ...process.env };
    delete env.ZTS_LIBRARY; // the library shipped in the package
    if (flags.length > 0) {
      assert.ok(existsSync(join(installed, "libzts.so")));
    }
    const server = await FakeAccounts.start(join(app, "requests.jsonl"));
    try {
      const result = JSON.parse(run(process.execPath, ["app.mjs", String(server.port)], app, env));
      assert.equal(result.id, "1");
      assert.deepEqual(result.stored.map((token) => [token.id, token.grant_token, token.access_token]), [["1", "GT1", "AT1"]]);
      assert.equal(server.requests().length, 1);
    } finally {
      await server.stop();
    }
  });
}
