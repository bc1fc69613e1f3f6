// The cross-language driver (tests/xlang/PROTOCOL.md): requests piped through ./xlang-driver.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { libraryVersion, Store, TOKEN_FIELDS } from "zoho-token-store";
import { BINDING_DIR, tempDir } from "./helpers.mjs";

const DRIVER = join(BINDING_DIR, "xlang-driver");
const NONE = Object.fromEntries(TOKEN_FIELDS.map((key) => [key, null]));

/** Runs the driver from another working directory with these request lines; returns [exit code, responses]. */
function drive(t, args, lines) {
  const completed = spawnSync(DRIVER, args, { cwd: tempDir(t), input: lines.map((l) => `${l}\n`).join(""), encoding: "utf8", timeout: 60_000 });
  const responses = completed.stdout.split("\n").filter(Boolean).map((line) => JSON.parse(line));
  return [completed.status, responses, completed.stderr];
}

test("the driver answers every request in order, then closes the store", async (t) => {
  const path = join(tempDir(t), "tökens.db");
  const token = { user_name: "ü@example.com:1", client_id: "cid", client_secret: "csec", refresh_token: "RT1", access_token: "AT1" };
  const saved = { ...NONE, ...token, id: "1" };
  const requests = [
    { op: "version" },
    { op: "save", token },
    { op: "find", token: { user_name: token.user_name } },
    { op: "find", json: JSON.stringify({ client_id: "cid", client_secret: "csec", refresh_token: "RT1" }) },
    { op: "find_by_id", id: "1" },
    { op: "save", json: "{not json" },
    { op: "find_by_id", id: "2" },
    { op: "list" },
    { op: "delete", id: "1" },
    { op: "delete", id: "1" },
    { op: "save", token: { access_token: "ATX" } },
    { op: "purge" },
  ];
  const [status, responses, stderr] = drive(t, [path, '{"synchronous":"normal"}'], [...requests.map((r) => JSON.stringify(r)), "not json", '{"op":"rename"}', '{"op":"list"}', '{"op":"save","token":{"access_token":"ATY"}}']);
  assert.equal(status, 0, stderr);
  const expected = [
    ["ZTS_OK", libraryVersion()],
    ["ZTS_OK", saved],
    ["ZTS_OK", saved],
    ["ZTS_OK", saved],
    ["ZTS_OK", saved],
    ["ZTS_INVALID_JSON", null],
    ["ZTS_NOT_FOUND", null],
    ["ZTS_OK", [saved]],
    ["ZTS_OK", null],
    ["ZTS_NOT_FOUND", null],
    ["ZTS_OK", { ...NONE, id: "2", access_token: "ATX" }], // a deleted token's id is never issued again
    ["ZTS_OK", null],
    ["DRIVER_ERROR", null],
    ["DRIVER_ERROR", null],
    ["ZTS_OK", []],
    ["ZTS_OK", { ...NONE, id: "3", access_token: "ATY" }],
  ];
  assert.equal(responses.length, expected.length);
  responses.forEach((response, i) => {
    const [expectedStatus, expectedResult] = expected[i];
    assert.deepEqual(Object.keys(response), ["status", "result", "error"]);
    assert.equal(response.status, expectedStatus, `response ${i + 1}: ${JSON.stringify(response)}`);
    assert.deepEqual(response.result, expectedResult, `response ${i + 1}`);
    assert.equal(response.error === null, expectedStatus === "ZTS_OK", `response ${i + 1}`);
  });
  assert.equal(responses[6].error, 'no token has id "2"'); // the zts message, verbatim
  assert.deepEqual(Object.keys(responses[1].result), TOKEN_FIELDS); // all ten keys, in zts's order
  const store = new Store(path); // the driver's last save is in the file
  assert.deepEqual(await store.list(), [{ ...NONE, id: "3", access_token: "ATY" }]);
  await store.close();
});

test("a store the driver cannot open gives one response line and exit code 1", (t) => {
  const [status, responses] = drive(t, [join(tempDir(t), "missing", "tokens.db")], ['{"op":"list"}']);
  assert.equal(status, 1);
  assert.equal(responses.length, 1);
  assert.equal(responses[0].status, "ZTS_IO");
  assert.match(responses[0].error, /missing/);
});
