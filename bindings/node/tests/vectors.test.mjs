// Replays the shared vectors (tests/vectors/store.json, format in tests/vectors/README.md) through Store.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { Store, TOKEN_FIELDS, ZtsError } from "zoho-token-store";
import { VECTORS } from "./helpers.mjs";

const CASES = JSON.parse(readFileSync(VECTORS, "utf8")).cases;

/** Runs one step; returns [status name, result or null, error message or null]. */
async function runStep(store, step) {
  const calls = {
    save: () => ("token" in step ? store.save(step.token) : store.saveJson(step.json).then(JSON.parse)),
    find: () => ("token" in step ? store.find(step.token) : store.findJson(step.json).then(JSON.parse)),
    find_by_id: () => store.findById(step.id),
    delete: () => store.delete(step.id),
    list: () => store.list(),
    purge: () => store.purge(),
  };
  assert.ok(calls[step.op], `unknown op ${step.op}`);
  try {
    return ["ZTS_OK", await calls[step.op](), null];
  } catch (error) {
    if (!(error instanceof ZtsError)) {
      throw error;
    }
    return [error.statusName, null, error.message];
  }
}

function checkToken(actual, expected, at) {
  assert.equal(typeof actual, "object", at);
  assert.deepEqual(Object.keys(actual).sort(), [...TOKEN_FIELDS].sort(), at);
  for (const key of TOKEN_FIELDS) {
    assert.equal(actual[key], expected[key] ?? null, `${at}: key ${key}`);
  }
}

let tables = 0;

/** ":memory:", or with ZTS_MYSQL_URL (tests/mysql/bindings.sh) a new table on that server. */
function vectorLocation() {
  const url = process.env.ZTS_MYSQL_URL;
  return url ? `${url}?table=vectors_node_${process.pid}_${++tables}` : ":memory:";
}

for (const testCase of CASES) {
  test(`vector: ${testCase.name}`, async () => {
    const store = new Store(vectorLocation());
    try {
      for (const [index, step] of testCase.steps.entries()) {
        const at = `${testCase.name} / step ${index + 1}`;
        const [status, result, message] = await runStep(store, step);
        assert.equal(status, step.status, `${at}: error ${message}`);
        if (status !== "ZTS_OK") {
          assert.ok(message, at);
          for (const text of step.error_contains ?? []) {
            assert.ok(message.includes(text), `${at}: ${JSON.stringify(message)} lacks ${JSON.stringify(text)}`);
          }
          for (const text of step.error_excludes ?? []) {
            assert.ok(!message.includes(text), `${at}: ${JSON.stringify(message)} shows ${JSON.stringify(text)}`);
          }
        }
        if ("result" in step) {
          if (Array.isArray(step.result)) {
            assert.ok(Array.isArray(result) && result.length === step.result.length, `${at}: ${JSON.stringify(result)}`);
            result.forEach((token, i) => checkToken(token, step.result[i], at));
          } else {
            checkToken(result, step.result, at);
          }
        }
      }
    } finally {
      await store.close();
    }
  });
}

test("the vectors are all replayed", () => {
  // Guards against an empty or misread vector file making the replay vacuous.
  assert.ok(CASES.length >= 10);
  assert.ok(CASES.reduce((sum, c) => sum + c.steps.length, 0) > 100);
});
