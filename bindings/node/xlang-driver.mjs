// The cross-language driver (tests/xlang/PROTOCOL.md) over the Store layer: one JSON request per stdin
// line, one JSON response per stdout line, in order. It adds no logic: decode, one call, encode.
//
// Usage: xlang-driver STORE_PATH [OPTIONS_JSON]
import { createInterface } from "node:readline";
import { libraryVersion, Store, ZtsError } from "zoho-token-store";

function respond(status, result, error) {
  process.stdout.write(`${JSON.stringify({ status, result, error })}\n`);
}

/** The call a request names; resolves to its result as a JSON value. */
function call(store, request) {
  const text = () => ("token" in request ? JSON.stringify(request.token) : request.json);
  switch (request.op) {
    case "save":
      return store.saveJson(text()).then(JSON.parse);
    case "find":
      return store.findJson(text()).then(JSON.parse);
    case "find_by_id":
      return store.findById(request.id);
    case "list":
      return store.list();
    case "delete":
      return store.delete(request.id).then(() => null);
    case "purge":
      return store.purge().then(() => null);
    case "version":
      return Promise.resolve(libraryVersion());
    default:
      throw new Error(`unknown op ${JSON.stringify(request.op)}`);
  }
}

const [location, optionsJson] = process.argv.slice(2);
if (location === undefined) {
  console.error("usage: xlang-driver STORE_PATH [OPTIONS_JSON]");
  process.exit(2);
}
let store;
try {
  store = new Store(location, optionsJson === undefined ? null : JSON.parse(optionsJson));
} catch (error) {
  respond(error instanceof ZtsError ? error.statusName : "DRIVER_ERROR", null, error.message);
  process.exit(1);
}

for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  let request;
  try {
    request = JSON.parse(line);
    if (request === null || typeof request !== "object" || Array.isArray(request)) {
      throw new Error("a request must be a JSON object");
    }
  } catch (error) {
    respond("DRIVER_ERROR", null, `cannot parse the request: ${error.message}`);
    continue;
  }
  try {
    respond("ZTS_OK", (await call(store, request)) ?? null, null);
  } catch (error) {
    respond(error instanceof ZtsError ? error.statusName : "DRIVER_ERROR", null, error.message);
  }
}
await store.close();
