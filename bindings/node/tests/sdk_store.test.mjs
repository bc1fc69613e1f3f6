// ZohoTokenStore against the SDK's own OAuthToken objects, in process and without HTTP.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import * as Z from "@zohocrm/nodejs-sdk-8.0";
import { Store, TOKEN_FIELDS, ZtsError } from "zoho-token-store";
import { ZohoTokenStore } from "zoho-token-store/sdk";
import { tempDir } from "./helpers.mjs";

const { OAuthBuilder, OAuthToken, SDKException, UserSignature } = Z;
const STORED = {
  user_name: "user@example.com:777",
  client_id: "cid",
  client_secret: "csec",
  refresh_token: "RT1",
  access_token: "AT1",
  grant_token: "GT1",
  expiry_time: "4102444839397",
  redirect_url: "http://localhost/cb",
  api_domain: "http://127.0.0.1:18081",
};
const NONE = Object.fromEntries(TOKEN_FIELDS.map((key) => [key, null]));

/** The ten fields of an OAuthToken, by zts key (unset ones as null). */
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

/** A ZohoTokenStore on ":memory:", holding STORED as id "1" unless `empty`; closed after the test. */
async function openStore(t, { empty = false } = {}) {
  const store = new ZohoTokenStore(":memory:");
  t.after(() => store.close());
  if (!empty) {
    await store.store.save(STORED);
  }
  return store;
}

async function rejection(promise) {
  return promise.then(() => assert.fail("expected a rejection"), (error) => error);
}

test("it is the SDK's TokenStore and InitializeBuilder accepts it", async (t) => {
  const store = await openStore(t, { empty: true });
  assert.ok(store instanceof Z.TokenStore.TokenStore);
  const builder = await new Z.InitializeBuilder();
  assert.equal(builder.store(store), builder); // the builder's instanceof check passes
});

test("every method returns a Promise", async (t) => {
  const store = await openStore(t);
  // One after the other: calls started together may run in any order on the thread pool.
  const calls = [
    () => store.findToken(new OAuthBuilder().accessToken("AT1").build()),
    () => store.findTokenById("1"),
    () => store.saveToken(new OAuthBuilder().accessToken("ATX").findUser(false).build()),
    () => store.getTokens(),
    () => store.deleteToken("2"),
    () => store.deleteTokens(),
  ];
  for (const call of calls) {
    const result = call();
    assert.ok(result instanceof Promise);
    await result;
  }
});

test("saveToken writes the assigned id back", async (t) => {
  const store = await openStore(t, { empty: true });
  const token = new OAuthBuilder().clientId("cid").clientSecret("csec").grantToken("GT1").findUser(false).build();
  token.setAccessToken("AT1");
  assert.equal(await store.saveToken(token), undefined);
  assert.equal(token.getId(), "1");
  assert.equal((await store.store.findById("1")).grant_token, "GT1");
  const second = new OAuthBuilder().accessToken("ATX").findUser(false).build();
  await store.saveToken(second);
  assert.equal(second.getId(), "2");
});

test("saveToken and findTokenById map all ten fields both ways", async (t) => {
  const store = await openStore(t, { empty: true });
  const token = new OAuthBuilder()
    .clientId("cid").clientSecret("csec").grantToken("GT1").refreshToken("RT1").redirectURL("http://localhost/cb")
    .accessToken("AT1").userSignature(new UserSignature("user@example.com:777")).findUser(false).build();
  token.setAPIDomain("http://127.0.0.1:18081");
  token.setExpiresIn("4102444839397");
  await store.saveToken(token);
  assert.deepEqual(await store.store.findById("1"), { ...STORED, id: "1" });
  const found = await store.findTokenById("1");
  assert.ok(found instanceof OAuthToken);
  assert.ok(found.getUserSignature() instanceof UserSignature);
  assert.deepEqual(fields(found), { ...STORED, id: "1" });
});

test("saveToken of a refreshed token updates its row by id", async (t) => {
  const store = await openStore(t);
  const token = await store.findTokenById("1");
  token.setAccessToken("AT2");
  token.setExpiresIn("4102444899999");
  await store.saveToken(token);
  assert.deepEqual(await store.store.list(), [{ ...STORED, id: "1", access_token: "AT2", expiry_time: "4102444899999" }]);
});

test("saveToken fills the token's empty fields from the stored row", async (t) => {
  const store = await openStore(t);
  const token = new OAuthBuilder().userSignature(new UserSignature("user@example.com:777")).accessToken("AT9").findUser(false).build();
  await store.saveToken(token);
  assert.deepEqual(fields(token), { ...STORED, id: "1", access_token: "AT9" });
});

test("findToken fills only the empty fields of the given token and returns it", async (t) => {
  const store = await openStore(t);
  const token = new OAuthBuilder().clientId("cid").clientSecret("csec").refreshToken("RT1").redirectURL("http://mine/cb").build();
  assert.equal(await store.findToken(token), token);
  assert.deepEqual(fields(token), { ...STORED, id: "1", redirect_url: "http://mine/cb" });
});

test("findToken by user signature and by access token", async (t) => {
  const store = await openStore(t);
  const bySignature = new OAuthBuilder().userSignature(new UserSignature("user@example.com:777")).build();
  assert.equal(await store.findToken(bySignature), bySignature);
  assert.deepEqual(fields(bySignature), { ...STORED, id: "1" });
  const byAccess = new OAuthBuilder().accessToken("AT1").build();
  assert.equal(await store.findToken(byAccess), byAccess);
  assert.equal(byAccess.getId(), "1");
});

test("findToken resolves null on a miss and leaves the token alone", async (t) => {
  const store = await openStore(t);
  const token = new OAuthBuilder().userSignature(new UserSignature("other@example.com:1")).build();
  assert.equal(await store.findToken(token), null);
  assert.equal(fields(token).access_token, null);
});

test("findToken never matches by id", async (t) => {
  const store = await openStore(t);
  const idOnly = new OAuthBuilder().id("1").build(); // what the SDK's revoke() passes
  const nothingMatchable = new OAuthToken(undefined, undefined, undefined, "RT1", null, "1"); // refresh token, no client
  for (const token of [idOnly, nothingMatchable]) {
    assert.equal(await store.findToken(token), null);
    assert.equal(fields(token).access_token, null);
  }
});

test("findTokenById returns a new token each time", async (t) => {
  const store = await openStore(t);
  const [first, second] = [await store.findTokenById("1"), await store.findTokenById("1")];
  assert.ok(first instanceof OAuthToken && first !== second);
  assert.deepEqual(fields(first), { ...STORED, id: "1" });
});

test("findTokenById of an unknown id rejects with SDKException TOKEN_STORE", async (t) => {
  const store = await openStore(t);
  const error = await rejection(store.findTokenById("2"));
  assert.ok(error instanceof SDKException);
  assert.equal(error.code, "TOKEN_STORE");
  assert.match(error.message, /findTokenById/);
  assert.match(error.message, /ZTS_NOT_FOUND/);
  assert.ok(error.cause instanceof ZtsError);
  assert.equal(error.cause.statusName, "ZTS_NOT_FOUND");
});

test("deleteToken", async (t) => {
  const store = await openStore(t);
  const error = await rejection(store.deleteToken("2"));
  assert.ok(error instanceof SDKException);
  assert.equal(error.code, "TOKEN_STORE");
  assert.match(error.message, /ZTS_NOT_FOUND/);
  await store.deleteToken("1");
  assert.deepEqual(await store.store.list(), []);
});

test("getTokens and deleteTokens", async (t) => {
  const store = await openStore(t);
  await store.store.save({ access_token: "ATX" });
  const tokens = await store.getTokens();
  assert.ok(tokens.every((token) => token instanceof OAuthToken));
  assert.deepEqual(tokens.map(fields), [{ ...STORED, id: "1" }, { ...NONE, id: "2", access_token: "ATX" }]);
  await store.deleteTokens();
  assert.deepEqual(await store.getTokens(), []);
});

test("tokens that are not OAuthToken are ignored", async (t) => {
  const store = await openStore(t);
  const other = { getId: () => "1" };
  assert.equal(await store.findToken(other), other);
  await store.saveToken(other);
  assert.equal((await store.store.list()).length, 1);
});

test("a refused save rejects with SDKException carrying the status", async (t) => {
  const store = await openStore(t, { empty: true });
  const error = await rejection(store.saveToken(new OAuthBuilder().id("1").findUser(false).build())); // nothing to store
  assert.ok(error instanceof SDKException);
  assert.equal(error.code, "TOKEN_STORE");
  assert.match(error.message, /ZTS_INVALID_TOKEN/);
});

test("open and closed-store failures become SDKException", async (t) => {
  const directory = tempDir(t);
  assert.throws(() => new ZohoTokenStore(join(directory, "missing", "tokens.db")), (error) => error instanceof SDKException && error.code === "TOKEN_STORE" && /ZTS_IO/.test(error.message));
  const store = new ZohoTokenStore(join(directory, "tokens.db"));
  await store.close();
  for (const call of [() => store.getTokens(), () => store.findTokenById("1"), () => store.deleteTokens(), () => store.findToken(new OAuthBuilder().accessToken("ATX").build())]) {
    const error = await rejection(call());
    assert.ok(error instanceof SDKException && error.code === "TOKEN_STORE");
    assert.match(error.message, /closed/);
  }
  // An id-only token is answered without a query, so even a closed store resolves null.
  assert.equal(await store.findToken(new OAuthBuilder().id("1").build()), null);
});

test("no secret in toString or errors", async (t) => {
  const store = await openStore(t);
  assert.equal(String(store), 'ZohoTokenStore(":memory:")');
  const token = new OAuthToken("cid", "csec-SECRET", undefined, undefined, null, "9");
  const error = await rejection(store.saveToken(token));
  assert.doesNotMatch(error.message, /SECRET/);
  assert.doesNotMatch(String(error), /SECRET/);
});

test("a store file is shared with the Store layer", async (t) => {
  const path = join(tempDir(t), "tokens.db");
  const store = new ZohoTokenStore(path);
  await store.saveToken(new OAuthBuilder().accessToken("ATX").findUser(false).build());
  await store.close();
  const plain = new Store(path);
  assert.equal((await plain.find({ access_token: "ATX" })).id, "1");
  await plain.close();
});

test("a find that waits for another caller's refresh leaves the event loop running", async (t) => {
  const store = new ZohoTokenStore(join(tempDir(t), "tokens.db"));
  t.after(() => store.close());
  // Due: it expires within the SDK's 5 s lead, so the SDK that finds it refreshes it.
  const { id } = await store.store.save({ ...STORED, expiry_time: String(Date.now() + 1000) });
  const holder = await store.findTokenById(id); // the first find holds the refresh lease
  assert.equal(holder.getAccessToken(), "AT1");

  let ticks = 0;
  const timer = setInterval(() => (ticks += 1), 5);
  t.after(() => clearInterval(timer));
  // More waiters than the thread pool has threads: the holder's save below must still get one.
  let resolved = 0;
  const waiters = Array.from({ length: 6 }, () => store.findTokenById(id).then((token) => ((resolved += 1), token)));
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(resolved, 0, "the waiters got the old token while the lease was live");
  assert.ok(ticks >= 10, `the timer fired ${ticks} times in 300 ms: the event loop was blocked`);

  const started = Date.now();
  holder.setAccessToken("AT2");
  holder.setExpiresIn(String(Date.now() + 3600_000));
  await store.saveToken(holder);
  const found = await Promise.all(waiters);
  assert.deepEqual(found.map((token) => token.getAccessToken()), Array(6).fill("AT2"));
  // Woken by the save, not by the end of the 15 s lease.
  assert.ok(Date.now() - started < 5000, `the waiters took ${Date.now() - started} ms after the save`);
});
