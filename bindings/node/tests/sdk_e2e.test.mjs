// The real SDK (@zohocrm/nodejs-sdk-8.0 2.0.0) driving ZohoTokenStore against the fake accounts server.
//
// Each SDK run is a new Node process (sdk_flow.mjs): the SDK's Initializer is global. Every flow runs
// twice, with ZohoTokenStore and with the SDK's own FileStore, each against its own fresh fake server;
// the same assertions hold for both, and both must end with the same logical tokens.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { Store, TOKEN_FIELDS } from "zoho-token-store";
import { FakeAccounts, runSdkFlow, tempDir } from "./helpers.mjs";

const GRANT = { client_id: "cid", client_secret: "csec", grant_token: "GT1", redirect_url: "http://localhost/cb", find_user: false };
const BY_ID = { id: "1", find_user: false };
const HOUR_MS = 3600 * 1000;
const NONE = Object.fromEntries(TOKEN_FIELDS.map((key) => [key, null]));

/** One store (zts or the SDK's FileStore), its fake server, and the SDK runs against them. */
class Flow {
  constructor(kind, directory, server) {
    mkdirSync(directory);
    this.kind = kind;
    this.server = server;
    this.path = join(directory, kind === "zts" ? "tokens.db" : "tokens.csv");
    this.seenRequests = 0;
  }

  /** Resolves to the SDK run's result line. */
  run(token, then = "get_token") {
    return runSdkFlow({ store: this.kind, path: this.path, port: this.server.port, token, then });
  }

  /** The requests the server got since the last call. */
  newRequests() {
    const requests = this.server.requests();
    const fresh = requests.slice(this.seenRequests);
    this.seenRequests = requests.length;
    return fresh;
  }

  /** The stored tokens as zts objects, with this server's URL replaced by "BASE". */
  async tokens() {
    let tokens;
    if (this.kind === "zts") {
      const store = new Store(this.path);
      tokens = await store.list();
      await store.close();
    } else {
      // The Node FileStore's format: a header, rows joined by "\n", fields by ",", no quoting.
      const rows = this.csvRows().slice(1);
      tokens = rows.map((row) => Object.fromEntries(TOKEN_FIELDS.map((key, i) => [key, row[i] || null])));
    }
    for (const token of tokens) {
      token.api_domain = token.api_domain?.replaceAll(this.server.baseUrl, "BASE") ?? null;
    }
    return tokens;
  }

  csvRows() {
    return readFileSync(this.path, "utf8").split("\n").filter((line) => line.trim()).map((line) => line.split(","));
  }

  /** Writes expiry_time "1000" (long past) into the stored token, outside the SDK. */
  async expire(id) {
    if (this.kind === "zts") {
      const store = new Store(this.path);
      await store.save({ id, expiry_time: "1000" });
      await store.close();
    } else {
      const rows = this.csvRows().map((row) => (row[0] === id ? [...row.slice(0, 7), "1000", ...row.slice(8)] : row));
      writeFileSync(this.path, rows.map((row) => row.join(",")).join("\n"));
    }
  }
}

function postForm(request) {
  assert.equal(request.method, "POST");
  assert.equal(request.path, "/oauth/v2/token");
  // The Node SDK posts multipart/form-data: read the name="..." parts of the body.
  const form = {};
  for (const [, name, value] of request.body.matchAll(/name="([^"]+)"\r\n\r\n([^\r]*)\r\n/g)) {
    form[name] = value;
  }
  return form;
}

function assertExpiresInAnHour(expiryTime, startedMs) {
  const expiry = Number(expiryTime);
  assert.ok(startedMs + HOUR_MS <= expiry && expiry <= Date.now() + HOUR_MS, `expiry ${expiryTime}`);
}

/**
 * Runs `steps(flow)` for zts and for FileStore, side by side (separate servers and files); checks both
 * end with the same logical tokens.
 */
async function runBoth(t, steps) {
  const directory = tempDir(t);
  const [zts, file] = await Promise.all(
    ["zts", "file"].map(async (kind) => {
      const server = await FakeAccounts.start(join(directory, `requests-${kind}.jsonl`));
      try {
        const flow = new Flow(kind, join(directory, kind), server);
        await steps(flow);
        return await flow.tokens();
      } finally {
        await server.stop();
      }
    }),
  );
  assertSameLogicalTokens(zts, file);
  return zts;
}

/**
 * The same rows, fields set alike and equal, except an expiry that the clock made differ. Access
 * tokens come from each run's own fresh server counter, so they are compared exactly; an expiry is
 * now + 1 h at the moment of the exchange, so two runs may differ by seconds.
 */
function assertSameLogicalTokens(ztsTokens, fileTokens) {
  assert.equal(ztsTokens.length, fileTokens.length, JSON.stringify({ ztsTokens, fileTokens }));
  ztsTokens.forEach((ztsToken, i) => {
    const fileToken = fileTokens[i];
    for (const key of TOKEN_FIELDS) {
      if (key === "expiry_time" && ztsToken[key] !== null && fileToken[key] !== null) {
        assert.ok(Math.abs(Number(ztsToken[key]) - Number(fileToken[key])) < 60_000, JSON.stringify({ ztsToken, fileToken }));
      } else {
        assert.equal(ztsToken[key], fileToken[key], `${key}: ${JSON.stringify({ ztsToken, fileToken })}`);
      }
    }
  });
}

async function grantExchange(flow, findUser = false) {
  const startedMs = Date.now();
  const result = await flow.run({ ...GRANT, find_user: findUser });
  assert.deepEqual(result, { id: "1", access_token: "AT1" });
  const requests = flow.newRequests();
  assert.deepEqual(postForm(requests[0]), {
    client_id: "cid",
    client_secret: "csec",
    redirect_uri: "http://localhost/cb",
    grant_type: "authorization_code",
    code: "GT1",
  });
  const [token, ...others] = await flow.tokens();
  assert.deepEqual(others, []);
  assertExpiresInAnHour(token.expiry_time, startedMs);
  assert.deepEqual(token, {
    id: "1",
    user_name: findUser ? "user@example.com:777" : null,
    client_id: "cid",
    client_secret: "csec",
    refresh_token: "RT1",
    access_token: "AT1",
    grant_token: "GT1",
    expiry_time: token.expiry_time,
    redirect_url: "http://localhost/cb",
    api_domain: "BASE",
  });
  return { requests, token };
}

test("(a) a grant exchange saves the token with id 1", async (t) => {
  await runBoth(t, async (flow) => {
    const { requests } = await grantExchange(flow);
    assert.equal(requests.length, 1);
  });
});

test("(b) a new process with id 1 finds the token without HTTP", async (t) => {
  await runBoth(t, async (flow) => {
    const { token: saved } = await grantExchange(flow);
    assert.deepEqual(await flow.run(BY_ID), { id: "1", access_token: "AT1" });
    assert.deepEqual(flow.newRequests(), []);
    assert.deepEqual(await flow.tokens(), [saved]);
  });
});

test("(c) an expired token is refreshed and saved", async (t) => {
  await runBoth(t, async (flow) => {
    const { token: saved } = await grantExchange(flow);
    await flow.expire("1");
    const startedMs = Date.now();
    assert.deepEqual(await flow.run(BY_ID), { id: "1", access_token: "AT2" });
    const [refresh, ...more] = flow.newRequests();
    assert.deepEqual(more, []);
    assert.deepEqual(postForm(refresh), { client_id: "cid", client_secret: "csec", grant_type: "refresh_token", refresh_token: "RT1" });
    const [token] = await flow.tokens();
    assertExpiresInAnHour(token.expiry_time, startedMs);
    assert.deepEqual(token, { ...saved, access_token: "AT2", expiry_time: token.expiry_time });
  });
});

test("(d) the user signature flow", async (t) => {
  const tokens = await runBoth(t, async (flow) => {
    const { requests, token: saved } = await grantExchange(flow, true);
    assert.deepEqual(requests.slice(1).map((r) => [r.method, r.path.split("?")[0]]), [
      ["GET", "/crm/v8/users"],
      ["GET", "/crm/v8/org"],
    ]);
    assert.deepEqual(await flow.run({ user_signature: "user@example.com:777" }), { id: "1", access_token: "AT1" });
    assert.deepEqual(flow.newRequests(), []);
    assert.deepEqual(await flow.tokens(), [saved]);
  });
  assert.equal(tokens[0].user_name, "user@example.com:777");
});

test("(e) the access-token-only flow saves one row", async (t) => {
  await runBoth(t, async (flow) => {
    const expected = [{ ...NONE, id: "1", access_token: "ATX", api_domain: "BASE" }];
    for (let run = 0; run < 2; run++) {
      assert.deepEqual(await flow.run({ access_token: "ATX", find_user: false }), { id: "1", access_token: "ATX" });
      assert.deepEqual(await flow.tokens(), expected);
    }
    assert.deepEqual(flow.newRequests(), []);
  });
});

test("(f) remove() deletes the row", async (t) => {
  await runBoth(t, async (flow) => {
    await grantExchange(flow);
    assert.deepEqual(await flow.run(BY_ID, "remove"), { id: "1", removed: true });
    assert.deepEqual(await flow.tokens(), []);
    assert.deepEqual(flow.newRequests(), []);
  });
});

test("a refresh-token token finds the granted row without HTTP", async (t) => {
  await runBoth(t, async (flow) => {
    const { token: saved } = await grantExchange(flow);
    const result = await flow.run({ client_id: "cid", client_secret: "csec", refresh_token: "RT1", find_user: false });
    assert.deepEqual(result, { id: "1", access_token: "AT1" });
    assert.deepEqual(flow.newRequests(), []);
    assert.deepEqual(await flow.tokens(), [saved]);
  });
});
