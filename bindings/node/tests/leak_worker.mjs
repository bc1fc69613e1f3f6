// One leak scenario of leaks.test.mjs, in its own process: node --expose-gc --max-semi-space-size=1.
// A small fixed young generation keeps V8's own growth (new space doubles under a high allocation rate)
// out of RSS, so what is left is native memory. Prints {"before", "after"} RSS in bytes as JSON.
import assert from "node:assert/strict";
import { Store, ZtsError } from "zoho-token-store";

/** save, find, findById and a missed find (an owned error message) in turn, on 100 users. */
async function mixedCalls(store, count) {
  for (let n = 0; n < count; n++) {
    const user = n % 100;
    switch (n % 4) {
      case 0:
        await store.save({ user_name: `user${user}@example.com:777`, access_token: `1000.${String(n).padStart(64, "0")}` });
        break;
      case 1:
        await store.find({ user_name: `user${user}@example.com:777` });
        break;
      case 2:
        await store.findById(String(user + 1));
        break;
      default:
        await store.find({ user_name: `nobody${user}` }).catch((error) => assert.ok(error instanceof ZtsError));
    }
  }
}

async function refusedCalls(store, count) {
  for (let n = 0; n < count; n++) {
    const call = n % 2 ? store.find({ user_name: `nobody${n % 100}@example.com:777` }) : store.findById(String((n % 100) + 2));
    await call.then(() => assert.fail("not refused"), (error) => assert.ok(error instanceof ZtsError));
  }
}

async function openAndClose(count) {
  for (let n = 0; n < count; n++) {
    const store = new Store(":memory:");
    await store.save({ access_token: "AT" });
    await store.close();
  }
}

async function withUsers(users, body) {
  const store = new Store(":memory:");
  for (let user = 0; user < users; user++) {
    await store.save({ user_name: `user${user}@example.com:777`, access_token: "AT" }); // ids 1..users
  }
  await body(store);
  await store.close();
}

async function settledRss() {
  globalThis.gc();
  await new Promise((resolve) => setImmediate(resolve));
  globalThis.gc();
  return process.memoryUsage.rss();
}

const SCENARIOS = {
  calls: (count) => withUsers(100, (store) => mixedCalls(store, count)),
  refused: (count) => withUsers(1, (store) => refusedCalls(store, count)),
  handles: openAndClose,
};

const [scenario, warmUp, count] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
await SCENARIOS[scenario](warmUp); // SQLite's caches, V8's code, koffi's call pools
const before = await settledRss();
await SCENARIOS[scenario](count);
console.log(JSON.stringify({ before, after: await settledRss() }));
