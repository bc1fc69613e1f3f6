// Benchmark: the SDK's findToken and saveToken through ZohoTokenStore, next to the SDK's FileStore.
//
//   node bindings/node/bench.mjs [--dir DIR]      (after bindings/node/run_tests.sh)
//
// Both stores hold the same N tokens (user tokens with a UserSignature, as the SDK saves them with
// findUser on) for N = 10, 1,000 and 10,000.
// - findToken: a new OAuthToken with the UserSignature of a random stored user, as the SDK's getToken
//   passes it; the store fills it in.
// - saveToken: a token fetched with findTokenById, given a new access token and expiry, as the SDK saves
//   a refreshed token (matched by its id).
// Each cell is the median of one awaited call (token objects are built outside the timing), after
// untimed warm-up calls. zts runs
// twice: synchronous "auto" (the default: a refresh is saved without an fsync, still safe against a
// killed process; FileStore never syncs) and "full" (an fsync per save, safe against a power loss). FileStore at 10,000
// rows takes milliseconds per call, so it gets fewer iterations. Prints a Markdown table.
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import * as Z from "@zohocrm/nodejs-sdk-8.0";
import { libraryVersion, Store, TOKEN_FIELDS } from "zoho-token-store";
import { ZohoTokenStore } from "zoho-token-store/sdk";

const SIZES = [10, 1_000, 10_000];
const ZTS_ITERATIONS = { findToken: 2_000, saveToken: 300 };
const FILESTORE_ITERATIONS = { 10: 300, 1_000: 60, 10_000: 10 };
const SYNCHRONOUS = ["auto", "full"];

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

/** Writes the same `size` tokens into a zts file and a FileStore CSV; returns their paths. */
async function populate(directory, size) {
  const ztsPath = join(directory, `tokens-${size}.db`);
  const store = new Store(ztsPath, { synchronous: "normal" });
  for (let n = 1; n <= size; n++) {
    await store.save(storedToken(n));
  }
  await store.close();
  const csvPath = join(directory, `tokens-${size}.csv`);
  new Z.FileStore(csvPath); // writes the SDK's header
  // Rows as the Node FileStore writes them ("\n" between rows, no quoting); saving 10,000 one by one
  // through FileStore would take minutes.
  const rows = [];
  for (let n = 1; n <= size; n++) {
    rows.push(TOKEN_FIELDS.map((key) => storedToken(n)[key] ?? "").join(","));
  }
  appendFileSync(csvPath, `\n${rows.join("\n")}`);
  return { ztsPath, csvPath };
}

/** The durations of `count` calls of `operation`, in seconds. */
async function timeCalls(operation, store, size, count, random) {
  const durations = [];
  for (let i = 0; i < count; i++) {
    const n = random(size);
    let token;
    if (operation === "findToken") {
      token = new Z.OAuthBuilder().userSignature(new Z.UserSignature(storedToken(n).user_name)).build();
    } else {
      token = await store.findTokenById(String(n));
      token.setAccessToken(`1000.refreshed.${random(1e9)}`);
      token.setExpiresIn(String(Date.now() + 3_600_000));
    }
    const started = process.hrtime.bigint();
    const result = await store[operation](token);
    durations.push(Number(process.hrtime.bigint() - started) / 1e9);
    if (operation === "findToken" && (result !== token || token.getId() !== String(n))) {
      throw new Error(`findToken returned the wrong token for user ${n}`);
    }
  }
  return durations;
}

/** The median duration of one `operation` call, in seconds, after untimed warm-up calls. */
async function medianCall(operation, store, size, iterations, random) {
  await timeCalls(operation, store, size, Math.min(Math.floor(iterations / 5), 200), random);
  const sorted = (await timeCalls(operation, store, size, iterations, random)).sort((x, y) => x - y);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function formatDuration(seconds) {
  return seconds < 1e-3 ? `${(seconds * 1e6).toFixed(1)} µs` : `${(seconds * 1e3).toFixed(2)} ms`;
}

function formatRatio(ratio) {
  return ratio < 10 ? `${ratio.toFixed(1)}×` : `${Math.round(ratio)}×`;
}

async function main() {
  const dirFlag = process.argv.indexOf("--dir");
  const directory = mkdtempSync(join(dirFlag > 0 ? process.argv[dirFlag + 1] : tmpdir(), "zts-bench-"));
  const random = randomInts(7);
  const rows = [];
  try {
    for (const size of SIZES) {
      const { ztsPath, csvPath } = await populate(directory, size);
      const ztsStores = SYNCHRONOUS.map((synchronous) => new ZohoTokenStore(ztsPath, { synchronous }));
      const fileStore = new Z.FileStore(csvPath);
      if (size === SIZES[0]) {
        await timeCalls("findToken", ztsStores[0], size, 2_000, random); // JIT warm-up for the whole run
      }
      for (const operation of ["findToken", "saveToken"]) {
        const zts = [];
        for (const store of ztsStores) {
          zts.push(await medianCall(operation, store, size, ZTS_ITERATIONS[operation], random));
        }
        const file = await medianCall(operation, fileStore, size, FILESTORE_ITERATIONS[size], random);
        rows.push({ size, operation, zts, file });
      }
      await Promise.all(ztsStores.map((store) => store.close()));
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }

  const sdkVersion = JSON.parse(readFileSync(new URL("node_modules/@zohocrm/nodejs-sdk-8.0/package.json", import.meta.url))).version;
  console.log(`Command: node ${[relative(process.cwd(), process.argv[1]), ...process.argv.slice(2)].join(" ")}`);
  console.log(
    `Node ${process.version}, zts ${libraryVersion()}, @zohocrm/nodejs-sdk-8.0 ${sdkVersion}, ${process.arch}; ` +
      `zts iterations ${JSON.stringify(ZTS_ITERATIONS)}, FileStore iterations ${JSON.stringify(FILESTORE_ITERATIONS)}`,
  );
  console.log();
  console.log("| tokens | operation | zts (default, synchronous auto) | zts, synchronous full | SDK FileStore | FileStore / zts | FileStore / zts full |");
  console.log("| ---: | --- | ---: | ---: | ---: | ---: | ---: |");
  for (const { size, operation, zts, file } of rows) {
    const [auto, full] = zts;
    console.log(
      `| ${size.toLocaleString("en-US")} | ${operation} | ${formatDuration(auto)} | ${formatDuration(full)} | ` +
        `${formatDuration(file)} | ${formatRatio(file / auto)} | ${formatRatio(file / full)} |`,
    );
  }
}

await main();
