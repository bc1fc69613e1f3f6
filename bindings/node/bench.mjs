// Benchmark: every SDK store call through ZohoTokenStore, next to the SDK's FileStore and a careful
// pure-Node SQLite store (better-sqlite3), in one run.
//
//   cd bindings/node && npm install --no-save better-sqlite3@12.11.1 && node bench.mjs [--dir DIR] [--sizes 10,1000,10000] [--rounds 3]
//
// (after bindings/node/run_tests.sh; better-sqlite3 is only the baseline's, so it is not a dependency:
// `npm ci` removes it again). The three stores hold the same N tokens (user tokens with a UserSignature,
// as the SDK saves them with findUser on):
// - zts: ZohoTokenStore with its defaults (synchronous "auto": a refresh is saved without an fsync);
// - sqlite: CarefulSqliteStore below, what a careful Node developer writes on better-sqlite3: one indexed
//   row per token, bound parameters, prepared statements, WAL, BEGIN IMMEDIATE around each save, the SDK
//   FileStore's rules, zts's durability (a refresh not synced, every other change synced), the SDK's
//   OAuthToken objects in and out. It is synchronous, as better-sqlite3 is: a save waiting for another
//   process's lock blocks the event loop, which zts's saves (on the thread pool) never do;
// - FileStore: the SDK's own CSV store.
// Calls: findToken (a new token with the UserSignature of a random stored user), findTokenById (a random
// id), saveToken (a token found by id with a new access token and expiry, as the SDK saves a refresh),
// deleteToken (of a token saved just before, untimed), getTokens. Each cell is the median of single
// awaited calls; the stores take turns in --rounds rounds. Prints a Markdown table with the targets:
// zts faster than the FileStore and within 1.5x of the sqlite store.
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import * as Z from "@zohocrm/nodejs-sdk-8.0";
import { libraryVersion, Store, TOKEN_FIELDS } from "zoho-token-store";
import { ZohoTokenStore } from "zoho-token-store/sdk";

let Database;
try {
  Database = createRequire(import.meta.url)("better-sqlite3");
} catch {
  console.error("bench.mjs: the baseline needs better-sqlite3: cd bindings/node && npm install --no-save better-sqlite3@12.11.1");
  process.exit(2);
}

const CALLS = ["findToken", "findTokenById", "saveToken", "deleteToken", "getTokens"];
// Calls per round: fewer where a call costs milliseconds (FileStore rewrites or reads the whole file).
const FAST_ITERATIONS = { findToken: 1_000, findTokenById: 1_000, saveToken: 200, deleteToken: 100 };
const FILESTORE_ITERATIONS = { 10: 100, 1_000: 20, 10_000: 4 };

function iterations(call, kind, size) {
  if (call === "getTokens") {
    return kind === "FileStore" ? Math.max(3, FILESTORE_ITERATIONS[size] >> 2) : Math.max(3, Math.min(1_000, Math.floor(20_000 / size)));
  }
  return kind === "FileStore" ? FILESTORE_ITERATIONS[size] : FAST_ITERATIONS[call];
}

/** The baseline (see the top of this file). */
class CarefulSqliteStore extends Z.TokenStore.TokenStore {
  #db;
  #byColumn = {};
  #insert;
  #update;
  #largestId;
  #delete;
  #list;

  constructor(path) {
    super();
    this.#db = new Database(path);
    this.#db.pragma("journal_mode = WAL");
    this.#db.pragma("synchronous = FULL");
    this.#db.pragma("busy_timeout = 5000");
    this.#db.exec(`CREATE TABLE IF NOT EXISTS oauthtoken (${TOKEN_FIELDS.map((c) => `${c} TEXT`).join(", ")})`);
    this.#db.exec("CREATE UNIQUE INDEX IF NOT EXISTS oauthtoken_id ON oauthtoken (id)");
    for (const column of ["user_name", "access_token", "grant_token", "refresh_token"]) {
      this.#db.exec(`CREATE INDEX IF NOT EXISTS oauthtoken_${column} ON oauthtoken (${column})`);
    }
    const select = `SELECT ${TOKEN_FIELDS.join(", ")} FROM oauthtoken`;
    for (const column of ["id", "user_name", "access_token", "grant_token", "refresh_token"]) {
      this.#byColumn[column] = this.#db.prepare(`${select} WHERE ${column} = ? LIMIT 1`).raw();
    }
    this.#insert = this.#db.prepare(`INSERT INTO oauthtoken VALUES (${TOKEN_FIELDS.map(() => "?").join(", ")})`);
    this.#update = this.#db.prepare(`UPDATE oauthtoken SET ${TOKEN_FIELDS.map((c) => `${c} = ?`).join(", ")} WHERE id = ?`);
    this.#largestId = this.#db.prepare("SELECT max(CAST(id AS INTEGER)) FROM oauthtoken").pluck();
    this.#delete = this.#db.prepare("DELETE FROM oauthtoken WHERE id = ?");
    this.#list = this.#db.prepare(`${select} ORDER BY CAST(id AS INTEGER)`).raw();
  }

  close() {
    this.#db.close();
  }

  static rowOf(token) {
    return [
      token.getId() ?? null, token.getUserSignature()?.getName() ?? null, token.getClientId() ?? null,
      token.getClientSecret() ?? null, token.getRefreshToken() ?? null, token.getAccessToken() ?? null,
      token.getGrantToken() ?? null, token.getExpiresIn() ?? null, token.getRedirectURL() ?? null,
      token.getAPIDomain() ?? null,
    ];
  }

  /** The SDK FileStore's setMergeData: fills the token's empty fields from a stored row. */
  static fill(token, [id, userName, clientId, clientSecret, refresh, access, grant, expiry, redirect, domain]) {
    if (token.getId() == null) token.setId(id);
    if (token.getUserSignature() == null && userName !== null) token.setUserSignature(new Z.UserSignature(userName));
    if (token.getClientId() == null) token.setClientId(clientId);
    if (token.getClientSecret() == null) token.setClientSecret(clientSecret);
    if (token.getRefreshToken() == null) token.setRefreshToken(refresh);
    if (token.getAccessToken() == null) token.setAccessToken(access);
    if (token.getGrantToken() == null) token.setGrantToken(grant);
    if (token.getExpiresIn() == null) token.setExpiresIn(expiry);
    if (token.getRedirectURL() == null) token.setRedirectURL(redirect);
    if (token.getAPIDomain() == null) token.setAPIDomain(domain);
  }

  static newToken(row) {
    const token = Reflect.construct(Z.OAuthToken, []);
    CarefulSqliteStore.fill(token, row);
    return token;
  }

  #match([, userName, clientId, clientSecret, refresh, access, grant]) {
    if (userName !== null) return this.#byColumn.user_name.get(userName);
    if (access !== null && clientId === null && clientSecret === null) return this.#byColumn.access_token.get(access);
    if (clientId !== null && clientSecret !== null) {
      return (grant !== null ? this.#byColumn.grant_token.get(grant) : undefined) ??
        (refresh !== null ? this.#byColumn.refresh_token.get(refresh) : undefined);
    }
    return undefined;
  }

  async findToken(token) {
    const found = this.#match(CarefulSqliteStore.rowOf(token));
    if (found === undefined) return null;
    CarefulSqliteStore.fill(token, found);
    return token;
  }

  async findTokenById(id) {
    const found = this.#byColumn.id.get(id);
    if (found === undefined) throw new Z.SDKException("TOKEN_STORE", "no token has this id");
    return CarefulSqliteStore.newToken(found);
  }

  async saveToken(token) {
    const row = CarefulSqliteStore.rowOf(token);
    // A refresh (a save by id) is not synced; anything else is.
    this.#db.pragma(`synchronous = ${row[0] !== null ? "NORMAL" : "FULL"}`);
    this.#db.exec("BEGIN IMMEDIATE");
    try {
      const found = row[0] !== null ? this.#byColumn.id.get(row[0]) : this.#match(row);
      if (found !== undefined) {
        const merged = row.map((value, i) => value ?? found[i]);
        merged[0] = found[0];
        this.#update.run(...merged, found[0]);
        row[0] = found[0];
      } else {
        if (row[0] === null) row[0] = String((this.#largestId.get() ?? 0) + 1);
        this.#insert.run(...row);
      }
      this.#db.exec("COMMIT");
    } catch (error) {
      this.#db.exec("ROLLBACK");
      throw error;
    }
    token.setId(row[0]);
  }

  async deleteToken(id) {
    this.#db.pragma("synchronous = FULL");
    if (this.#delete.run(id).changes === 0) throw new Z.SDKException("TOKEN_STORE", "no token has this id");
  }

  async getTokens() {
    return this.#list.all().map(CarefulSqliteStore.newToken);
  }

  async deleteTokens() {
    this.#db.exec("DELETE FROM oauthtoken");
  }
}

/** A seeded generator of integers in [1, max], so every run picks the same tokens. */
function randomInts(seed) {
  let state = seed >>> 0;
  return (max) => {
    state = (state + 0x6d2b79f5) >>> 0; // mulberry32
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return 1 + Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * max);
  };
}

function hex(n, width) {
  return n.toString(16).padStart(width, "0");
}

function storedToken(n) {
  return {
    id: String(n),
    user_name: `user${n}@example.com:${700000 + n}`,
    client_id: `1000.CLIENTID${String(n).padStart(26, "0")}`,
    client_secret: String(n).padStart(42, "0"),
    refresh_token: `1000.${hex(n, 32)}.${hex(n, 32)}`,
    access_token: `1000.${hex(n + 1, 32)}.${hex(n, 32)}`,
    grant_token: null,
    expiry_time: String(Date.now() + 3_600_000),
    redirect_url: "https://example.com/callback",
    api_domain: "https://www.zohoapis.com",
  };
}

/** The same `size` tokens in a zts file, a SQLite file and a FileStore CSV; returns their paths. */
async function populate(directory, size) {
  const ztsPath = join(directory, `tokens-${size}.db`);
  const store = new Store(ztsPath, { synchronous: "normal" });
  for (let n = 1; n <= size; n++) {
    await store.save(storedToken(n));
  }
  await store.close();
  const sqlitePath = join(directory, `tokens-${size}.sqlite`);
  const baseline = new CarefulSqliteStore(sqlitePath);
  baseline.close();
  const db = new Database(sqlitePath);
  const insert = db.prepare(`INSERT INTO oauthtoken VALUES (${TOKEN_FIELDS.map(() => "?").join(", ")})`);
  db.transaction(() => {
    for (let n = 1; n <= size; n++) insert.run(...TOKEN_FIELDS.map((key) => storedToken(n)[key]));
  })();
  db.close();
  const csvPath = join(directory, `tokens-${size}.csv`);
  new Z.FileStore(csvPath); // writes the SDK's header
  // Rows as the Node FileStore writes them ("\n" between rows, no quoting); saving 10,000 one by one
  // through FileStore would take minutes.
  const rows = [];
  for (let n = 1; n <= size; n++) {
    rows.push(TOKEN_FIELDS.map((key) => storedToken(n)[key] ?? "").join(","));
  }
  appendFileSync(csvPath, `\n${rows.join("\n")}`);
  return { ztsPath, sqlitePath, csvPath };
}

/** The duration of one call, in seconds; the token objects are built outside the timing. */
async function sample(call, store, size, random, counter) {
  const n = random(size);
  let started;
  let result;
  if (call === "findToken") {
    const token = new Z.OAuthBuilder().userSignature(new Z.UserSignature(storedToken(n).user_name)).build();
    started = process.hrtime.bigint();
    result = await store.findToken(token);
    const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
    if (result !== token || token.getId() !== String(n)) throw new Error(`findToken: wrong token for user ${n}`);
    return elapsed;
  }
  if (call === "findTokenById") {
    started = process.hrtime.bigint();
    result = await store.findTokenById(String(n));
    const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
    if (result.getUserSignature().getName() !== storedToken(n).user_name) throw new Error(`findTokenById: wrong token ${n}`);
    return elapsed;
  }
  if (call === "saveToken") {
    const token = await store.findTokenById(String(n));
    token.setAccessToken(`1000.refreshed.${random(1e9)}`);
    token.setExpiresIn(String(Date.now() + 3_600_000));
    started = process.hrtime.bigint();
    await store.saveToken(token);
    return Number(process.hrtime.bigint() - started) / 1e9;
  }
  if (call === "deleteToken") {
    counter.newUsers += 1;
    const token = new Z.OAuthBuilder().clientId("1000.NEW").clientSecret("s").refreshToken(`1000.new.${counter.newUsers}`)
      .userSignature(new Z.UserSignature(`new${counter.newUsers}@example.com:1`)).build();
    token.setAccessToken("1000.a");
    await store.saveToken(token);
    started = process.hrtime.bigint();
    await store.deleteToken(token.getId());
    return Number(process.hrtime.bigint() - started) / 1e9;
  }
  started = process.hrtime.bigint();
  result = await store.getTokens();
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.length !== size) throw new Error(`getTokens: ${result.length} tokens, not ${size}`);
  return elapsed;
}

function median(values) {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function formatDuration(seconds) {
  return seconds < 1e-3 ? `${(seconds * 1e6).toFixed(1)} µs` : `${(seconds * 1e3).toFixed(2)} ms`;
}

function flag(name, fallback) {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : fallback;
}

async function main() {
  const sizes = flag("--sizes", "10,1000,10000").split(",").map(Number);
  const rounds = Number(flag("--rounds", "3"));
  const directory = mkdtempSync(join(flag("--dir", tmpdir()), "zts-bench-"));
  const random = randomInts(7);
  const counter = { newUsers: 0 };
  const rows = [];
  try {
    for (const size of sizes) {
      const { ztsPath, sqlitePath, csvPath } = await populate(directory, size);
      const stores = {
        zts: new ZohoTokenStore(ztsPath),
        sqlite: new CarefulSqliteStore(sqlitePath),
        FileStore: new Z.FileStore(csvPath),
      };
      if (size === sizes[0]) {
        for (const store of Object.values(stores)) {
          for (let i = 0; i < 3000; i++) await sample("findToken", store, size, random, counter); // JIT warm-up (V8 optimizes after some thousands of calls)
        }
      }
      for (const call of CALLS) {
        const samples = { zts: [], sqlite: [], FileStore: [] };
        for (let round = 0; round < rounds; round++) {
          for (const [kind, store] of Object.entries(stores)) {
            const count = iterations(call, kind, size);
            for (let i = 0; i < Math.min(3, count); i++) await sample(call, store, size, random, counter); // warm-up
            for (let i = 0; i < count; i++) samples[kind].push(await sample(call, store, size, random, counter));
          }
        }
        rows.push({ size, call, zts: median(samples.zts), sqlite: median(samples.sqlite), file: median(samples.FileStore) });
      }
      await stores.zts.close();
      stores.sqlite.close();
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }

  const sdkVersion = JSON.parse(readFileSync(new URL("node_modules/@zohocrm/nodejs-sdk-8.0/package.json", import.meta.url))).version;
  const sqliteVersion = new Database(":memory:").prepare("SELECT sqlite_version()").pluck().get();
  console.log(`Command: node ${[relative(process.cwd(), process.argv[1]), ...process.argv.slice(2)].join(" ")}`);
  console.log(
    `Node ${process.version}, zts ${libraryVersion()}, better-sqlite3 (SQLite ${sqliteVersion}), ` +
      `@zohocrm/nodejs-sdk-8.0 ${sdkVersion} FileStore, ${process.arch}; medians over ${rounds} rounds`,
  );
  console.log();
  console.log("| tokens | call | zts | sqlite store | FileStore | zts ÷ sqlite | FileStore ÷ zts | target |");
  console.log("| ---: | --- | ---: | ---: | ---: | ---: | ---: | --- |");
  let met = 0;
  for (const { size, call, zts, sqlite, file } of rows) {
    const ok = zts < file && zts <= 1.5 * sqlite;
    met += ok;
    console.log(
      `| ${size.toLocaleString("en-US")} | ${call} | ${formatDuration(zts)} | ${formatDuration(sqlite)} | ` +
        `${formatDuration(file)} | ${(zts / sqlite).toFixed(2)} | ${(file / zts).toFixed(1)}× | ${ok ? "met" : "MISSED"} |`,
    );
  }
  console.log();
  console.log(`target (faster than FileStore, within 1.5x of the sqlite store): ${met} of ${rows.length} met`);
}

await main();
