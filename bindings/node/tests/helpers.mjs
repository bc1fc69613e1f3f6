// Shared by the tests: repository paths, the fake accounts server, the per-process SDK flow, RSS.
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

export const BINDING_DIR = fileURLToPath(new URL("..", import.meta.url));
export const REPO_ROOT = join(BINDING_DIR, "..", "..");
export const VECTORS = join(REPO_ROOT, "tests", "vectors", "store.json");
export const FAKE_ACCOUNTS = join(REPO_ROOT, "tests", "e2e", "fake_accounts.py");
export const SDK_FLOW = join(BINDING_DIR, "tests", "sdk_flow.mjs");

/** A new temporary directory, removed when the test ends (pass the test context `t`). */
export function tempDir(t) {
  const directory = mkdtempSync(join(tmpdir(), "zts-node-"));
  t.after(() => rmSync(directory, { recursive: true, force: true }));
  return directory;
}

/** The fake Zoho accounts server (tests/e2e/fake_accounts.py) in a child process on 127.0.0.1. */
export class FakeAccounts {
  static async start(logPath) {
    writeFileSync(logPath, "");
    const child = spawn("python3", [FAKE_ACCOUNTS, logPath], { stdio: ["ignore", "pipe", "inherit"] });
    const lines = createInterface({ input: child.stdout });
    const firstLine = await new Promise((resolve) => {
      lines.once("line", resolve);
      child.once("exit", () => resolve(""));
    });
    lines.close();
    const server = new FakeAccounts(child, logPath);
    if (!firstLine.startsWith("PORT ")) {
      await server.stop();
      throw new Error(`fake_accounts.py did not print its port: ${JSON.stringify(firstLine)}`);
    }
    server.port = Number(firstLine.split(" ")[1]);
    server.baseUrl = `http://127.0.0.1:${server.port}`;
    return server;
  }

  constructor(child, logPath) {
    this.process = child;
    this.logPath = logPath;
  }

  /** Every request the server has received so far, in order. */
  requests() {
    return readFileSync(this.logPath, "utf8").split("\n").filter((line) => line.trim()).map((line) => JSON.parse(line));
  }

  async stop() {
    if (this.process.exitCode === null && this.process.signalCode === null) {
      const exited = new Promise((resolve) => this.process.once("exit", resolve));
      this.process.kill("SIGTERM");
      await exited;
    }
  }
}

/** Runs tests/sdk_flow.mjs in a new Node process; resolves to its JSON result. */
export function runSdkFlow(spec) {
  // cwd: keep anything the SDK writes next to the store file, out of the repository.
  const options = { cwd: dirname(spec.path), encoding: "utf8", timeout: 60_000 };
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [SDK_FLOW, JSON.stringify(spec)], options, (error, stdout, stderr) => {
      if (error) {
        reject(new Error(`sdk_flow.mjs failed (${error.code ?? error.signal}): ${stderr}${stdout}`));
        return;
      }
      const lines = stdout.trim().split("\n");
      resolve(JSON.parse(lines[lines.length - 1]));
    });
  });
}

/** This process's resident set size in bytes. */
export function rssBytes() {
  return process.memoryUsage.rss();
}
