// `Store`: the zts C ABI in JavaScript terms (objects in and out, one error type for every status).
//
// The rules (matching, merging, ids) live in zts; this module only converts arguments, runs each call
// and maps statuses to `ZtsError`. Every call first runs at once on the calling thread through zts's
// try calls, which never wait: an indexed find takes about 4 µs and a refresh save about 30 µs, much
// less than the hop to the libuv thread pool and back (~15 µs idle, 100 µs and more on a busy
// machine). Where a call would wait (for another process's write lock, for a call of this handle
// already on the pool, for another caller's refresh of the token; on a mysql:// store, any write), zts
// says so at once and the call runs on the pool instead (koffi's `.async`), so the event loop never
// waits for a lock. (On a mysql:// store a find or list is one round trip to the server here.)
// A save or delete that runs at once still syncs to disk when zts's "synchronous" option says it must
// (not for an access-token refresh under the default "auto"), as better-sqlite3 does. The list and
// purge have no try call: the list runs here, the purge on the pool.
// zts returns its error message through an out pointer of the same call, so a call on a worker thread
// still gets it (a thread-local "last error" would be lost there).
import { callNow, takeFields, zts } from "./native.js";

// Statuses of include/zts.h (stable numbers; the tests check them against zts_status_name).
export const OK = 0;
export const NOT_FOUND = 1;
export const INVALID_ARGUMENT = 2;
export const INVALID_JSON = 3;
export const INVALID_TOKEN = 4;
export const BUSY = 5;
export const IO = 6;
export const CORRUPT = 7;
export const INCOMPATIBLE = 8;
export const INTERNAL = 9;
export const REFRESHING = 10;

/** The ten keys of the token JSON, in the SDK stores' column order. */
export const TOKEN_FIELDS = Object.freeze([
  "id", "user_name", "client_id", "client_secret", "refresh_token",
  "access_token", "grant_token", "expiry_time", "redirect_url", "api_domain",
]);

/** The name zts gives a status, e.g. "ZTS_NOT_FOUND" for 1 ("ZTS_UNKNOWN_STATUS" if undefined). */
export function statusName(status) {
  return zts.statusName(status);
}

/** The loaded library's version, "MAJOR.MINOR.PATCH". */
export function libraryVersion() {
  return zts.version();
}

/**
 * A zts call returned a status other than OK. `status` is the number (compare with the exported
 * constants, e.g. NOT_FOUND), `statusName` its name and `message` what zts said was wrong (zts never
 * puts a secret in it).
 */
export class ZtsError extends Error {
  constructor(status, message) {
    super(message);
    this.name = "ZtsError";
    this.status = status;
    this.statusName = statusName(status);
  }

  toString() {
    return `${this.statusName}: ${this.message}`;
  }
}

/** A checked `const char *` argument; null/undefined become NULL, which zts refuses by itself. */
function cText(value, what) {
  if (value === null || value === undefined) {
    return null;
  }
  if (typeof value !== "string") {
    throw new TypeError(`${what} must be a string, not ${typeof value}`);
  }
  if (value.includes("\0")) {
    // C would silently cut the string at the NUL, so "1\0x" would act as id "1".
    throw new ZtsError(INVALID_ARGUMENT, `${what} contains a NUL character`);
  }
  if (!value.isWellFormed()) {
    // A lone surrogate has no UTF-8 form; koffi would send U+FFFD instead.
    throw new ZtsError(INVALID_ARGUMENT, `${what} is not valid Unicode (it has a lone surrogate)`);
  }
  return value;
}

// Above this many bytes a packed token might hold a value over zts's limit: it goes as JSON instead, so
// that zts refuses it with the JSON call's status and message.
const PACKED_FAST_BYTES = 64 * 1024;

/**
 * The packed form (see zts_save_fields in zts.h) of ten values, or null when one is not a string or
 * null/undefined, holds a NUL or a lone surrogate, or the token is very long: such a token goes as JSON,
 * where zts refuses it exactly as through save and find.
 */
function packed(values) {
  if (values.length !== TOKEN_FIELDS.length) {
    return null;
  }
  let text = "";
  for (const value of values) {
    if (value == null) {
      text += "\0";
    } else if (typeof value === "string" && !value.includes("\0")) {
      text += `${value}\0`;
    } else {
      return null;
    }
  }
  if (!text.isWellFormed()) {
    return null;
  }
  const bytes = Buffer.from(text, "utf8");
  return bytes.length > PACKED_FAST_BYTES ? null : bytes;
}

function asObject(values) {
  const token = {};
  TOKEN_FIELDS.forEach((key, i) => {
    if (values[i] != null) {
      token[key] = values[i];
    }
  });
  return token;
}

/** The values of packed tokens, one flat array ("" read back as null, as zts means it). */
function unpacked(text) {
  const values = text.split("\0");
  values.pop(); // the empty string after the last NUL
  for (let i = 0; i < values.length; i += 1) {
    if (values[i] === "") {
      values[i] = null;
    }
  }
  return values;
}

// What a call returns: nothing, an owned string, or packed fields and their length.
const NONE = 0;
const TEXT = 1;
const FIELDS = 2;

function outputs(kind) {
  return kind === NONE ? [[null]] : kind === TEXT ? [[null], [null]] : [[null], [null], [null]];
}

// The call's result from its out arguments (the error is always the last).
function resultOf(kind, outs) {
  return kind === NONE ? undefined : kind === TEXT ? outs[0][0] : takeFields(outs[0][0], outs[1][0]);
}

/** Whether a try call said the call would wait (ZTS_BUSY; ZTS_REFRESHING from a find). */
function wouldWait(error) {
  return error instanceof ZtsError && (error.status === BUSY || error.status === REFRESHING);
}

function closedError(location) {
  const error = new Error(`the zts store ${JSON.stringify(location)} is closed`);
  error.code = "ERR_ZTS_CLOSED";
  return error;
}

// koffi refuses more than `max_async_calls` (256) async calls in flight in the whole process, and the
// libuv pool runs 4 at a time anyway: calls beyond this many wait here, in order, for a free slot.
const MAX_NATIVE_CALLS = 64;
let runningCalls = 0;
const waitingCalls = [];

async function callAsync(fn, args) {
  if (runningCalls < MAX_NATIVE_CALLS) {
    runningCalls += 1;
  } else {
    await new Promise((resolve) => waitingCalls.push(resolve)); // the finishing call hands its slot over
  }
  try {
    return await new Promise((resolve, reject) => {
      fn.async(...args, (failure, value) => (failure ? reject(failure) : resolve(value)));
    });
  } finally {
    const next = waitingCalls.shift();
    if (next) {
      next();
    } else {
      runningCalls -= 1;
    }
  }
}

const MAX_WAITING_FINDS = Math.max(1, (Number(process.env.UV_THREADPOOL_SIZE) || 4) - 2);
let waitingFinds = 0;
const findsInLine = [];

// A native handle with its calls in flight. zts_close while a worker thread is inside a call on the
// handle is undefined behaviour, so a closing handle is released only when its last call has returned.
const openHandles = new Set();

function release(handle) {
  if (handle.pointer !== null) {
    zts.close(handle.pointer);
    handle.pointer = null;
    openHandles.delete(handle);
    handle.onReleased?.();
  }
}

function closeWhenIdle(handle) {
  handle.closing = true;
  if (handle.calls === 0) {
    release(handle);
  }
}

// A Store dropped without close() is closed when garbage-collected, and open stores at process exit
// (idle ones only: process.exit() during a call must not free the handle under it).
const finalizers = new FinalizationRegistry(closeWhenIdle);
process.on("exit", () => {
  for (const handle of openHandles) {
    if (handle.calls === 0) {
      release(handle);
    }
  }
});

/**
 * An open zts token store: a SQLite file shared by every Zoho SDK, or ":memory:".
 *
 * `new Store(location, options)` (or `Store.open`) opens, and by default creates, the store; options
 * are those of zts_open: busy_timeout_ms, read_only, create, synchronous ("auto", "full" or "normal").
 * Every method is async (returns a Promise). A call runs at once on the calling thread when nothing is
 * in its way, else on the libuv thread pool (see the top of this file); the event loop never waits for
 * a lock. zts serializes the calls on one handle. Refused calls reject with ZtsError; a call on a
 * closed store rejects with an Error whose code is "ERR_ZTS_CLOSED".
 */
export class Store {
  #location;
  #handle;
  #closed = null;

  constructor(location, options = null) {
    if (typeof location !== "string") {
      throw new TypeError(`location must be a string, not ${typeof location}`);
    }
    cText(location, "location");
    this.#location = location;
    const optionsJson = options === null || options === undefined ? null : JSON.stringify(options);
    const pointer = [null];
    const error = [null];
    const status = zts.open(location, optionsJson, pointer, error);
    if (status !== OK) {
      throw new ZtsError(status, error[0] ?? "");
    }
    this.#handle = { pointer: pointer[0], calls: 0, closing: false, onReleased: null };
    openHandles.add(this.#handle);
    finalizers.register(this, this.#handle, this.#handle);
  }

  /** Opens a store; the same as `new Store(location, options)`. */
  static open(location, options = null) {
    return new Store(location, options);
  }

  get location() {
    return this.#location;
  }

  get closed() {
    return this.#handle.closing;
  }

  /**
   * Closes the store: later calls reject at once; calls already running finish first. Returns a
   * promise that resolves when the handle has been freed. Calling it again returns the same promise.
   */
  close() {
    if (this.#closed === null) {
      const handle = this.#handle;
      finalizers.unregister(handle);
      this.#closed = new Promise((resolve) => {
        handle.onReleased = resolve;
      });
      closeWhenIdle(handle);
    }
    return this.#closed;
  }

  toString() {
    return `Store(${JSON.stringify(this.#location)})`;
  }

  // Runs fn(handle, ...args, ...outs) on the thread pool, the outs of `kind` (NONE, TEXT, FIELDS);
  // returns the result or throws ZtsError.
  async #call(fn, args, kind) {
    const handle = this.#handle;
    if (handle.closing) {
      throw closedError(this.#location);
    }
    const outs = outputs(kind);
    handle.calls += 1;
    let status;
    try {
      const callArgs = [handle.pointer, ...args, ...outs];
      status = await callAsync(fn, callArgs);
    } finally {
      handle.calls -= 1;
      if (handle.closing && handle.calls === 0) {
        release(handle);
      }
    }
    if (status !== OK) {
      throw new ZtsError(status, outs[outs.length - 1][0] ?? "");
    }
    return resultOf(kind, outs);
  }

  // A call on this thread: fn(handle, ...args, ...outs); returns the result or throws ZtsError. No
  // call counting: close() on this same thread cannot run in between. For FIELDS and NONE, fn is one
  // of zts.now (out slots, see callNow).
  #read(fn, args, kind) {
    const handle = this.#handle;
    if (handle.closing) {
      throw closedError(this.#location);
    }
    if (kind !== TEXT) {
      const [status, text] = callNow(fn, [handle.pointer, ...args], kind === FIELDS);
      if (status !== OK) {
        throw new ZtsError(status, text);
      }
      return kind === FIELDS ? text : undefined;
    }
    const outs = outputs(kind);
    const status = fn(handle.pointer, ...args, ...outs);
    if (status !== OK) {
      throw new ZtsError(status, outs[outs.length - 1][0] ?? "");
    }
    return resultOf(kind, outs);
  }

  // A write runs at once on this thread when nothing is in its way (zts's try call); where it would
  // wait (ZTS_BUSY: another writer's lock, a call of ours on the pool, any mysql:// write) it runs on
  // the thread pool instead, so the event loop never waits for a lock.
  async #write(tryFn, waitFn, args, kind) {
    try {
      return this.#read(tryFn, args, kind);
    } catch (error) {
      if (!wouldWait(error)) {
        throw error;
      }
    }
    return this.#call(waitFn, args, kind);
  }

  // A find runs at once on this thread unless it would wait: for another caller's refresh of the token
  // (ZTS_REFRESHING), or for anything else (ZTS_BUSY, as #write). Then the find that waits runs on the
  // thread pool, so the event loop (maybe the refresher's own HTTP response) keeps running. A waiting
  // find holds a pool thread, which the refresher's save and DNS lookups also need: at most
  // MAX_WAITING_FINDS wait there at once, the rest wait here and try again whenever one of them returns.
  async #find(tryFn, waitFn, args, kind) {
    for (;;) {
      try {
        return this.#read(tryFn, args, kind);
      } catch (error) {
        if (!wouldWait(error)) {
          throw error;
        }
      }
      if (waitingFinds < MAX_WAITING_FINDS) {
        break;
      }
      await new Promise((resolve) => findsInLine.push(resolve));
    }
    waitingFinds += 1;
    try {
      return await this.#call(waitFn, args, kind);
    } finally {
      waitingFinds -= 1;
      for (const retry of findsInLine.splice(0)) {
        retry();
      }
    }
  }

  // JSON text in and out, as the C ABI: for callers that already hold token JSON.

  /** Saves a token given as JSON text; resolves to the stored token as JSON text. */
  async saveJson(tokenJson) {
    return this.#write(zts.trySave, zts.save, [cText(tokenJson, "tokenJson")], TEXT);
  }

  /** Finds the stored token a query (JSON text) matches; resolves to it as JSON text. */
  async findJson(tokenJson) {
    return this.#find(zts.tryFind, zts.find, [cText(tokenJson, "tokenJson")], TEXT);
  }

  // Objects in and out.

  // JSON.stringify writes NUL and lone surrogates as \u escapes, so its text needs no cText checks.

  /** Saves a token; resolves to the stored token with its id (assigned when the token had none). */
  async save(token) {
    return JSON.parse(await this.#write(zts.trySave, zts.save, [JSON.stringify(token)], TEXT));
  }

  /** Resolves to the stored token a query token matches by the SDK rules (ZtsError NOT_FOUND if none). */
  async find(token) {
    return JSON.parse(await this.#find(zts.tryFind, zts.find, [JSON.stringify(token)], TEXT));
  }

  /** Resolves to the token with this id (ZtsError NOT_FOUND when there is none). */
  async findById(id) {
    return JSON.parse(await this.#find(zts.tryFindById, zts.findById, [cText(id, "id")], TEXT));
  }

  /** Resolves to every stored token, in numeric id order. */
  async list() {
    return JSON.parse(this.#read(zts.list, [], TEXT));
  }

  // Tokens as arrays of the ten values in TOKEN_FIELDS order (null when absent), through zts's packed
  // calls: no JSON is written or parsed on either side. Refusals are those of the object methods.

  /** `save` of a token given as its ten values; resolves to the stored token's ten values. */
  async saveValues(values) {
    const bytes = packed(values);
    if (bytes === null) {
      return Object.values(await this.save(asObject(values)));
    }
    return unpacked(await this.#write(zts.now.trySaveFields, zts.saveFields, [bytes, bytes.length], FIELDS));
  }

  /** `find` of a query given as its ten values; resolves to the stored token's ten values. */
  async findValues(values) {
    const bytes = packed(values);
    if (bytes === null) {
      return Object.values(await this.find(asObject(values)));
    }
    return unpacked(await this.#find(zts.now.tryFindFields, zts.findFields, [bytes, bytes.length], FIELDS));
  }

  /** `findById`, resolving to the token's ten values. */
  async findByIdValues(id) {
    return unpacked(await this.#find(zts.now.tryFindByIdFields, zts.findByIdFields, [cText(id, "id")], FIELDS));
  }

  // The same made now, synchronously, for callers that count microseconds (ZohoTokenStore): the
  // result, or null where the call cannot be made at once (it would wait, or the token must go as
  // JSON); then make the async call. Refusals throw ZtsError as the async calls reject.

  /** `saveValues` made now: the stored token's ten values, or null (see above). */
  trySaveValues(values) {
    const bytes = packed(values);
    return bytes === null ? null : this.#now(zts.now.trySaveFields, [bytes, bytes.length]);
  }

  /** `findValues` made now: the stored token's ten values, or null (see above). */
  tryFindValues(values) {
    const bytes = packed(values);
    return bytes === null ? null : this.#now(zts.now.tryFindFields, [bytes, bytes.length]);
  }

  /** `findByIdValues` made now: the token's ten values, or null (see above). */
  tryFindByIdValues(id) {
    return this.#now(zts.now.tryFindByIdFields, [cText(id, "id")]);
  }

  #now(fn, args) {
    try {
      return unpacked(this.#read(fn, args, FIELDS));
    } catch (error) {
      if (wouldWait(error)) {
        return null;
      }
      throw error;
    }
  }

  /** Resolves to every stored token's ten values one after another in one flat array, in id order. */
  async listValues() {
    return unpacked(this.#read(zts.now.listFields, [], FIELDS));
  }

  /** Deletes the token with this id (ZtsError NOT_FOUND when there is none). */
  async delete(id) {
    await this.#write(zts.now.tryDelete, zts.delete, [cText(id, "id")], NONE);
  }

  /** Deletes every token. */
  async purge() {
    await this.#call(zts.purge, [], NONE);
  }
}
