// The Store layer: statuses and errors, UTF-8, options, closing, concurrency, library loading.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import * as zts from "zoho-token-store";
import { Store, TOKEN_FIELDS, ZtsError } from "zoho-token-store";
import { checkVersion, EXPECTED_VERSION, LIBRARY_PATH } from "../src/native.js";
import { BINDING_DIR, tempDir } from "./helpers.mjs";

const STATUS_CONSTANTS = ["OK", "NOT_FOUND", "INVALID_ARGUMENT", "INVALID_JSON", "INVALID_TOKEN", "BUSY", "IO", "CORRUPT", "INCOMPATIBLE", "INTERNAL", "REFRESHING"];
const USER = {
  user_name: "user@example.com:777",
  client_id: "1000.CID",
  client_secret: "SECRET-csec",
  refresh_token: "1000.SECRET-refresh",
  access_token: "1000.SECRET-access",
  expiry_time: "4102444839397",
};
const EMPTY = Object.fromEntries(TOKEN_FIELDS.map((key) => [key, null]));

/** Runs `node --input-type=module -e code` in `cwd`; returns the completed process. */
function runNode(code, { cwd = BINDING_DIR, env = process.env } = {}) {
  return spawnSync(process.execPath, ["--input-type=module", "-e", code], { cwd, env, encoding: "utf8", timeout: 60_000 });
}

async function withStore(location, options, body) {
  const store = new Store(location, options);
  try {
    return await body(store);
  } finally {
    await store.close();
  }
}

// --- statuses and errors -------------------------------------------------------------------------------

test("status constants match the library's names", () => {
  STATUS_CONSTANTS.forEach((name, number) => {
    assert.equal(zts[name], number);
    assert.equal(zts.statusName(number), `ZTS_${name}`);
  });
  assert.equal(zts.statusName(STATUS_CONSTANTS.length), "ZTS_UNKNOWN_STATUS");
});

test("the library version is the one the binding declares", () => {
  assert.ok(zts.libraryVersion().startsWith(`${EXPECTED_VERSION}.`));
  checkVersion("0.1.99"); // another patch level is fine
  for (const version of ["0.2.0", "1.1.0", "0.10.0", "garbage"]) {
    assert.throws(() => checkVersion(version), /needs 0\.1\.x/);
  }
});

test("NOT_FOUND carries the status name and a message without the value", async () => {
  await withStore(":memory:", null, async (store) => {
    await store.save(USER);
    const error = await store.find({ user_name: "someone-else@example.com:1" }).catch((e) => e);
    assert.ok(error instanceof ZtsError && error instanceof Error);
    assert.equal(error.status, zts.NOT_FOUND);
    assert.equal(error.statusName, "ZTS_NOT_FOUND");
    assert.match(error.message, /user_name/);
    assert.doesNotMatch(error.message, /someone-else/);
    assert.equal(String(error), `ZTS_NOT_FOUND: ${error.message}`);
  });
});

const REFUSALS = [
  ["malformed JSON", (s) => s.saveJson("{not json"), "ZTS_INVALID_JSON"],
  ["unknown key", (s) => s.save({ id: "1", colour: "red" }), "ZTS_INVALID_JSON"],
  ["nothing to store", (s) => s.save({ client_id: "c" }), "ZTS_INVALID_TOKEN"],
  ["refresh token without client", (s) => s.find({ refresh_token: "r" }), "ZTS_INVALID_TOKEN"],
  ["unknown id", (s) => s.findById("42"), "ZTS_NOT_FOUND"],
  ["empty id", (s) => s.findById(""), "ZTS_INVALID_ARGUMENT"],
  ["null id is passed as NULL", (s) => s.findById(null), "ZTS_INVALID_ARGUMENT"],
  ["delete of an unknown id", (s) => s.delete("42"), "ZTS_NOT_FOUND"],
  ["NUL in an id (C would cut it to 1)", (s) => s.findById("1\0"), "ZTS_INVALID_ARGUMENT"],
  ["NUL in JSON text", (s) => s.findJson('{"id":"1"}\0'), "ZTS_INVALID_ARGUMENT"],
  ["lone surrogate in an id", (s) => s.findById("\udc80"), "ZTS_INVALID_ARGUMENT"],
  ["NUL inside a value (escaped by JSON)", (s) => s.save({ access_token: "a\0b" }), "ZTS_INVALID_JSON"],
  ["lone surrogate inside a value", (s) => s.save({ access_token: "a\ud800" }), "ZTS_INVALID_JSON"],
  ["undefined token is passed as NULL", (s) => s.save(undefined), "ZTS_INVALID_ARGUMENT"],
];

for (const [what, call, status] of REFUSALS) {
  test(`a refusal rejects with ZtsError ${status}: ${what}`, async () => {
    await withStore(":memory:", null, async (store) => {
      await store.save({ ...USER, id: "1" });
      const error = await call(store).then(() => null, (e) => e);
      assert.ok(error instanceof ZtsError, String(error));
      assert.equal(error.statusName, status);
      assert.ok(error.message);
      assert.doesNotMatch(error.message, /SECRET/);
    });
  });
}

test("a NUL inside an id does not reach another token", async () => {
  await withStore(":memory:", null, async (store) => {
    await store.save({ ...USER, id: "1" });
    await assert.rejects(store.delete("1\0junk"), ZtsError);
    assert.deepEqual((await store.list()).map((t) => t.id), ["1"]);
  });
});

test("a non-string id rejects with TypeError", async () => {
  await withStore(":memory:", null, async (store) => {
    await assert.rejects(store.findById(1), TypeError);
    await assert.rejects(store.delete({}), TypeError);
    await assert.rejects(store.saveJson({}), TypeError);
  });
});

test("UTF-8 text round-trips in every field and in the file path", async (t) => {
  const directory = join(tempDir(t), "grüß 日本");
  mkdirSync(directory);
  const path = join(directory, "tökens 😀.db");
  const token = { user_name: "üser@exämple.com:日本", access_token: "grüß 日本 😀", api_domain: "https://zoho.例え.jp" };
  await withStore(path, null, async (store) => {
    assert.deepEqual(await store.save(token), { ...EMPTY, ...token, id: "1" });
    assert.equal((await store.find({ user_name: token.user_name })).access_token, "grüß 日本 😀");
    assert.equal(JSON.parse(await store.findJson(JSON.stringify({ access_token: "grüß 日本 😀" }))).id, "1");
  });
  assert.ok(readdirSync(directory).includes("tökens 😀.db"));
});

// --- opening and options -------------------------------------------------------------------------------

test("a missing directory is IO naming the path", (t) => {
  const path = join(tempDir(t), "no-such-dir", "tokens.db");
  assert.throws(() => new Store(path), (error) => error instanceof ZtsError && error.statusName === "ZTS_IO" && error.message.includes("no-such-dir"));
});

test("a NUL inside the location is refused and nothing is created", (t) => {
  const directory = tempDir(t);
  assert.throws(() => new Store(join(directory, "tokens.db") + "\0.bak"), (error) => error.statusName === "ZTS_INVALID_ARGUMENT");
  assert.deepEqual(readdirSync(directory), []);
  assert.throws(() => new Store(42), TypeError);
});

test("a file that is not SQLite is CORRUPT and left untouched", (t) => {
  const path = join(tempDir(t), "tokens.db");
  const content = "id,user_name\n1,x\n".repeat(100);
  writeFileSync(path, content);
  assert.throws(() => new Store(path), (error) => error.statusName === "ZTS_CORRUPT");
  assert.equal(readFileSync(path, "utf8"), content);
});

for (const options of [{ colour: "red" }, { busy_timeout_ms: "5s" }, { read_only: 1 }]) {
  test(`an unknown or mistyped option is INVALID_ARGUMENT: ${JSON.stringify(options)}`, () => {
    assert.throws(() => new Store(":memory:", options), (error) => error.statusName === "ZTS_INVALID_ARGUMENT" && error.message.includes(Object.keys(options)[0]));
  });
}

test("options reach the library", async (t) => {
  const path = join(tempDir(t), "tokens.db");
  assert.throws(() => Store.open(path, { create: false }), (error) => error.statusName === "ZTS_IO");
  await withStore(path, { busy_timeout_ms: 100, synchronous: "normal" }, (store) => store.save(USER));
  await withStore(path, { read_only: true }, async (store) => {
    assert.equal((await store.find({ user_name: USER.user_name })).id, "1");
    await assert.rejects(store.save({ ...USER, access_token: "new" }), (error) => error.statusName === "ZTS_IO");
  });
});

test("tokens persist in the file and every method works", async (t) => {
  const path = join(tempDir(t), "tokens.db");
  const saved = await withStore(path, null, (store) => store.save(USER));
  assert.deepEqual(saved, { ...EMPTY, ...USER, id: "1" });
  await withStore(path, null, async (store) => {
    assert.deepEqual(await store.findById("1"), saved);
    assert.deepEqual(await store.find({ access_token: USER.access_token }), saved);
    assert.deepEqual(JSON.parse(await store.saveJson('{"id":"1","access_token":"AT2"}')), { ...saved, access_token: "AT2" });
    assert.deepEqual(await store.list(), [{ ...saved, access_token: "AT2" }]);
    assert.equal(await store.delete("1"), undefined);
    assert.deepEqual(await store.list(), []);
    await store.save(USER);
    assert.equal(await store.purge(), undefined);
    assert.deepEqual(await store.list(), []);
  });
});

// --- closing -------------------------------------------------------------------------------------------

test("close is idempotent and a closed store rejects every call clearly", async () => {
  const store = new Store(":memory:");
  assert.equal(store.closed, false);
  const closing = store.close();
  assert.equal(store.close(), closing);
  await closing;
  await store.close();
  assert.equal(store.closed, true);
  const calls = [
    () => store.save(USER), () => store.find(USER), () => store.findById("1"), () => store.list(),
    () => store.delete("1"), () => store.purge(), () => store.saveJson("{}"), () => store.findJson("{}"),
  ];
  for (const call of calls) {
    await assert.rejects(call(), (error) => error.code === "ERR_ZTS_CLOSED" && /closed/.test(error.message));
  }
});

test("close while calls are in flight waits for them, then frees the handle", async () => {
  const store = new Store(":memory:");
  await store.save(USER);
  // More than koffi's 256 async calls at once: the binding queues the rest. (save runs on the thread
  // pool; reads run at once on this thread.)
  const inFlight = Array.from({ length: 1000 }, () => store.save(USER));
  let released = false;
  const closing = store.close().then(() => {
    released = true;
  });
  await assert.rejects(store.save(USER), { code: "ERR_ZTS_CLOSED" }); // refused at once
  const results = await Promise.all(inFlight); // started before close: all complete
  assert.ok(results.every((token) => token.id === "1"));
  await closing;
  assert.ok(released);
});

test("concurrent calls on one store never share an id", async (t) => {
  const path = join(tempDir(t), "tokens.db");
  await withStore(path, { synchronous: "normal" }, async (store) => {
    const names = Array.from({ length: 300 }, (_, n) => `user${n}@example.com:1`);
    const saved = await Promise.all(names.map((name) => store.save({ user_name: name, access_token: `AT-${name}` })));
    const found = await Promise.all(names.map((name) => store.find({ user_name: name })));
    assert.deepEqual(found.map((t) => t.id), saved.map((t) => t.id));
    const ids = (await store.list()).map((t) => Number(t.id)).sort((a, b) => a - b);
    assert.deepEqual(ids, Array.from({ length: names.length }, (_, n) => n + 1));
  });
});

test("toString shows the path and no token", async () => {
  await withStore(":memory:", null, async (store) => {
    await store.save(USER);
    assert.equal(String(store), 'Store(":memory:")');
  });
});

test("a store dropped without close() is closed by garbage collection", (t) => {
  const code = `
    import { readdirSync, readlinkSync } from "node:fs";
    import { setFlagsFromString } from "node:v8";
    import { runInNewContext } from "node:vm";
    import { Store } from "zoho-token-store";
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc");
    const path = process.argv[1];
    const openFds = () => readdirSync("/proc/self/fd").filter((fd) => { try { return readlinkSync("/proc/self/fd/" + fd).startsWith(path); } catch { return false; } }).length;
    (() => { new Store(path); })();
    const before = openFds();
    for (let i = 0; i < 50 && openFds() > 0; i++) { gc(); await new Promise((r) => setTimeout(r, 20)); }
    console.log(JSON.stringify({ before, after: openFds() }));`;
  const directory = tempDir(t);
  const completed = spawnSync(process.execPath, ["--input-type=module", "-e", code, join(directory, "tokens.db")], { cwd: BINDING_DIR, encoding: "utf8" });
  assert.equal(completed.status, 0, completed.stderr);
  const { before, after } = JSON.parse(completed.stdout);
  assert.ok(before > 0, "the store held the file open");
  assert.equal(after, 0);
});

test("open stores are closed cleanly at process exit", (t) => {
  const directory = tempDir(t);
  const path = join(directory, "tokens.db");
  const code = `
    import { Store } from "zoho-token-store";
    const kept = new Store(${JSON.stringify(path)});
    await kept.save({ user_name: "u", access_token: "a" });
    new Store(":memory:");
    process.exit(0);`;
  const completed = runNode(code);
  assert.equal(completed.status, 0, completed.stderr);
  assert.equal(completed.stderr, "");
  // SQLite removes the -wal file when the last connection closes: it was closed, not abandoned. The
  // write queue's lock file stays by design (docs/write-queue.md).
  assert.deepEqual(readdirSync(directory).sort(), ["tokens.db", "tokens.db-lock"]);
});

// --- loading the library and the SDK -------------------------------------------------------------------

test("the packaged library wins over ZTS_LIBRARY", () => {
  const completed = runNode('import { LIBRARY_PATH } from "zoho-token-store"; console.log(LIBRARY_PATH);', {
    env: { ...process.env, ZTS_LIBRARY: "/nonexistent/libzts.so" },
  });
  assert.equal(completed.status, 0, completed.stderr);
  assert.equal(completed.stdout.trim(), join(BINDING_DIR, "libzts.so"));
});

/** A copy of the package without libzts.so and without the Zoho SDK (only koffi installed). */
function bareCopy(t) {
  const directory = tempDir(t);
  cpSync(join(BINDING_DIR, "src"), join(directory, "src"), { recursive: true });
  copyFileSync(join(BINDING_DIR, "package.json"), join(directory, "package.json"));
  mkdirSync(join(directory, "node_modules", "@koromix"), { recursive: true });
  symlinkSync(join(BINDING_DIR, "node_modules", "koffi"), join(directory, "node_modules", "koffi"));
  for (const name of readdirSync(join(BINDING_DIR, "node_modules", "@koromix"))) {
    symlinkSync(join(BINDING_DIR, "node_modules", "@koromix", name), join(directory, "node_modules", "@koromix", name));
  }
  return directory;
}

test("without a bundled library, ZTS_LIBRARY is loaded by absolute path", (t) => {
  const directory = bareCopy(t);
  copyFileSync(LIBRARY_PATH, join(directory, "libzts.so.copy"));
  const env = { ...process.env, ZTS_LIBRARY: "libzts.so.copy" }; // relative: resolved against the working directory
  const completed = runNode('import { LIBRARY_PATH } from "zoho-token-store"; console.log(LIBRARY_PATH);', { cwd: directory, env });
  assert.equal(completed.status, 0, completed.stderr);
  assert.equal(completed.stdout.trim(), join(directory, "libzts.so.copy"));
});

test("without a bundled library, a wrong ZTS_LIBRARY fails the import clearly", (t) => {
  const directory = bareCopy(t);
  const env = { ...process.env, ZTS_LIBRARY: "/nonexistent/libzts.so" };
  const completed = runNode('import "zoho-token-store";', { cwd: directory, env });
  assert.notEqual(completed.status, 0);
  assert.match(completed.stderr, /\/nonexistent\/libzts\.so/);
  assert.match(completed.stderr, /ZTS_LIBRARY/);
});

test("without a bundled library the import says to set ZTS_LIBRARY", (t) => {
  const directory = bareCopy(t);
  const env = { ...process.env };
  delete env.ZTS_LIBRARY;
  const completed = runNode('import "zoho-token-store";', { cwd: directory, env });
  assert.notEqual(completed.status, 0, completed.stdout);
  assert.match(completed.stderr, /Set the environment variable ZTS_LIBRARY/);
});

test("the Store layer works without the SDK, and the SDK layer says it needs it", (t) => {
  const directory = bareCopy(t);
  assert.ok(!existsSync(join(directory, "node_modules", "@zohocrm")));
  const code = `
    import { Store } from "zoho-token-store";
    const store = new Store(":memory:");
    console.log((await store.save({ access_token: "a" })).id);
    await store.close();
    try { await import("zoho-token-store/sdk"); } catch (error) { console.log(error.message); }`;
  const completed = runNode(code, { cwd: directory, env: { ...process.env, ZTS_LIBRARY: LIBRARY_PATH } });
  assert.equal(completed.status, 0, completed.stderr);
  assert.equal(completed.stdout, "1\nzoho-token-store/sdk needs the Zoho CRM SDK: npm install @zohocrm/nodejs-sdk-8.0@2.0.0\n");
});

test("the values methods give what the object methods give", async () => {
  await withStore(":memory:", null, async (store) => {
    const saved = await store.saveValues(TOKEN_FIELDS.map((key) => USER[key] ?? null));
    assert.deepEqual(saved, Object.values(await store.findById("1")));
    assert.deepEqual(saved.slice(0, 2), ["1", USER.user_name]);
    assert.equal(saved[6], null);
    assert.deepEqual(await store.findValues([null, USER.user_name, ...Array(8).fill(null)]), saved);
    assert.deepEqual(await store.findByIdValues("1"), saved);
    await store.save({ user_name: "ü@example.com:1", access_token: "Å" });
    assert.deepEqual(await store.listValues(), (await store.list()).flatMap((token) => Object.values(token)));
    await assert.rejects(store.findByIdValues("9"), (error) => error.statusName === "ZTS_NOT_FOUND");
    await store.purge();
    assert.deepEqual(await store.listValues(), []);
  });
});

test("a token the packed form cannot carry goes as JSON with the same outcome", async () => {
  const token = (accessToken, expiry = null) => [null, "u@example.com:1", null, null, null, accessToken, null, expiry, null, null];
  await withStore(":memory:", null, async (store) => {
    for (const value of ["a\0b", "a".repeat(64 * 1024 + 1), "lone \udc80"]) {
      const packed = await store.saveValues(token(value)).catch((error) => error);
      const asJson = await store.save({ user_name: "u@example.com:1", access_token: value }).catch((error) => error);
      assert.ok(packed instanceof ZtsError, String(packed));
      assert.deepEqual([packed.status, packed.message], [asJson.status, asJson.message]);
    }
    assert.deepEqual(await store.listValues(), []);
    assert.equal((await store.saveValues(token("A", 4102444839397)))[7], "4102444839397");
  });
});

// --- where calls run ---------------------------------------------------------------------------------

/** Whether `promise` settles within a few microtask turns, that is without the event loop running. */
async function settlesAtOnce(promise) {
  let settled = false;
  promise.then(() => (settled = true), () => (settled = true));
  for (let turn = 0; turn < 20; turn += 1) {
    await null;
  }
  return settled;
}

test("a write with nothing in its way runs at once on this thread", async (t) => {
  await withStore(join(tempDir(t), "tokens.db"), null, async (store) => {
    const values = TOKEN_FIELDS.map((key) => USER[key] ?? null);
    // A call on the thread pool settles only after the event loop has run its callback.
    assert.ok(await settlesAtOnce(store.saveValues(values)), "saveValues went to the thread pool");
    assert.ok(await settlesAtOnce(store.save({ id: "1", access_token: "A2" })), "save went to the thread pool");
    assert.ok(await settlesAtOnce(store.findByIdValues("1")), "findByIdValues went to the thread pool");
    assert.ok(await settlesAtOnce(store.delete("1")), "delete went to the thread pool");
    assert.deepEqual(await store.listValues(), []);
    // Its errors come back too, as UTF-8.
    await assert.rejects(store.findByIdValues("ü9"), (error) => error.message === 'no token has id "ü9"');
    await assert.rejects(store.delete("ü9"), (error) => error.statusName === "ZTS_NOT_FOUND" && error.message.includes("ü9"));
  });
});

test("the try values methods answer now, throw refusals, and give null where they cannot", async (t) => {
  const path = join(tempDir(t), "tokens.db");
  await withStore(path, null, async (store) => {
    const values = TOKEN_FIELDS.map((key) => USER[key] ?? null);
    const saved = store.trySaveValues(values);
    assert.deepEqual(saved, Object.values(await store.findById("1")));
    assert.deepEqual(store.tryFindValues([null, USER.user_name, ...Array(8).fill(null)]), saved);
    assert.deepEqual(store.tryFindByIdValues("1"), saved);
    assert.throws(() => store.tryFindByIdValues("9"), (error) => error.statusName === "ZTS_NOT_FOUND");
    assert.throws(() => store.tryFindValues(Array(10).fill(null)), (error) => error.statusName === "ZTS_INVALID_TOKEN");
    assert.equal(store.trySaveValues([null, "u@example.com:1", null, null, null, "a\0b", null, null, null, null]), null,
      "a value the packed form cannot carry: null (the async call sends it as JSON)");
    // A due token whose refresh another handle holds: a find would wait for it.
    await store.save({ user_name: "due@example.com:1", client_id: "c", client_secret: "s", refresh_token: "R", expiry_time: "1" });
    await withStore(path, null, async (holder) => {
      await holder.findById("2"); // takes the refresh lease
      assert.equal(store.tryFindByIdValues("2"), null);
    });
  });
  const closed = new Store(":memory:");
  await closed.close();
  assert.throws(() => closed.tryFindByIdValues("1"), (error) => error.code === "ERR_ZTS_CLOSED");
});

test("a write that must wait for another program's lock waits on the pool; the event loop runs", async (t) => {
  if (spawnSync("sqlite3", ["-version"]).status !== 0) {
    t.skip("no sqlite3 shell");
    return;
  }
  const path = join(tempDir(t), "tokens.db");
  await withStore(path, { busy_timeout_ms: 20_000 }, async (store) => {
    await store.save(USER);
    const { spawn } = await import("node:child_process");
    const shell = spawn("sqlite3", [path], { stdio: ["pipe", "pipe", "inherit"] });
    t.after(() => shell.kill());
    shell.stdin.write("BEGIN IMMEDIATE;\nSELECT 'locked';\n");
    await new Promise((resolve) => shell.stdout.once("data", resolve)); // the shell holds the write lock

    const refresh = ["1", null, null, null, null, "A2", null, null, null, null];
    assert.equal(store.trySaveValues(refresh), null, "trySaveValues would wait: null, nothing written");
    assert.deepEqual(store.tryFindByIdValues("1")[5], USER.access_token, "a read is made now");

    let ticks = 0;
    const timer = setInterval(() => (ticks += 1), 5);
    t.after(() => clearInterval(timer));
    const save = store.saveValues(["1", null, null, null, null, "A2", null, null, null, null]);
    const removal = store.delete("1");
    assert.ok(!(await settlesAtOnce(save)), "the save did not wait for the lock");
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.ok(ticks >= 10, `the timer fired ${ticks} times in 300 ms: the event loop was blocked`);
    // Calls on one handle take turns, so a read meanwhile goes through another handle.
    await withStore(path, null, async (reader) => {
      assert.equal((await reader.findById("1")).access_token, USER.access_token, "reads go on meanwhile");
    });

    shell.stdin.end("ROLLBACK;\n.quit\n");
    assert.equal((await save)[5], "A2");
    await removal;
    assert.deepEqual(await store.list(), []);
  });
});
