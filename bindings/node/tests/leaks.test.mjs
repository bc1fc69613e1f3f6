// No native memory is leaked: owned strings (results and error messages) are freed and closed handles
// are released. Each scenario runs in its own process (leak_worker.mjs), which compares RSS after a
// warm-up with RSS after the calls.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { BINDING_DIR } from "./helpers.mjs";

const MB = 1024 * 1024;
// Measured growth is under 1 MB for the calls. Not freeing the result strings of 100,000 calls grows
// RSS by about 23 MB, not freeing only the error messages of 100,000 refused calls by about 5 MB.
const ALLOWED_CALL_GROWTH = 3 * MB;
// Measured growth is 0-3 MB (the allocator's arenas settle slowly); not closing 10,000 handles grows
// RSS by about 1.3 GB.
const ALLOWED_HANDLE_GROWTH = 16 * MB;

function growth(scenario, warmUp, count) {
  const worker = join(BINDING_DIR, "tests", "leak_worker.mjs");
  const completed = spawnSync(process.execPath, ["--expose-gc", "--max-semi-space-size=1", worker, scenario, String(warmUp), String(count)], {
    cwd: BINDING_DIR,
    encoding: "utf8",
    timeout: 120_000,
  });
  assert.equal(completed.status, 0, completed.stderr);
  const { before, after } = JSON.parse(completed.stdout);
  return after - before;
}

test("100,000 calls leave RSS flat", () => {
  const grown = growth("calls", 10_000, 100_000);
  assert.ok(grown < ALLOWED_CALL_GROWTH, `RSS grew by ${grown} bytes`);
});

test("100,000 refused calls leave RSS flat (error messages are freed)", () => {
  const grown = growth("refused", 10_000, 100_000);
  assert.ok(grown < ALLOWED_CALL_GROWTH, `RSS grew by ${grown} bytes`);
});

test("10,000 opened and closed stores leave RSS flat (handles are freed)", () => {
  const grown = growth("handles", 2_000, 10_000);
  assert.ok(grown < ALLOWED_HANDLE_GROWTH, `RSS grew by ${grown} bytes`);
});
