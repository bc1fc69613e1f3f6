// Finds and loads libzts.so and declares its C ABI (include/zts.h) for koffi.
//
// Owned strings (token JSON, lists, error messages) come back through `char **` out pointers. They are
// declared as the disposable type `zts_owned_str`: koffi copies the UTF-8 text into a JS string, then
// hands the original pointer to zts_string_free (koffi's default disposal would call libc free, which
// must never touch a string zts allocated). zts_version and zts_status_name return static strings,
// declared `const char *` (copied, never freed). The `_fields` calls return a packed buffer and its
// length (`char **`, `size_t *`): `takeFields` has zts_fields_take copy it into a Buffer of
// ours and free it (one call; reading native memory through koffi.view costs about 2 µs more), then
// decodes the Buffer.
//
// The calls that run on the event loop (`now`: the try calls and the packed list) take their out
// pointers as plain `void *` slots of one Buffer of ours (`callNow`): koffi's `_Out_` arrays cost
// about 1 µs more per call, a fifth of a find. They run one at a time, so the slots are shared.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import koffi from "koffi";

export const LIBRARY_ENV = "ZTS_LIBRARY";
// The major.minor of include/zts.h this binding was written against; the patch level may differ.
export const EXPECTED_VERSION = "0.1";
const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url));

/** The absolute path to load: libzts.so in the package directory (the tarball's), else $ZTS_LIBRARY. */
export function libraryPath(env = process.env) {
  const bundled = resolve(PACKAGE_DIR, "libzts.so");
  if (existsSync(bundled)) {
    return bundled;
  }
  if (env[LIBRARY_ENV]) {
    // Absolute, so the loader never searches the system for another libzts.so.
    return resolve(env[LIBRARY_ENV]);
  }
  throw new Error(
    `zoho-token-store: the zts library was not found: ${PACKAGE_DIR} has no libzts.so (the package ` +
      `tarball has one). Set the environment variable ${LIBRARY_ENV} to the absolute path of libzts.so ` +
      "(build it with `cargo build --release`, it is then target/release/libzts.so)",
  );
}

/** Refuses a library whose major.minor differs from the ABI declared here. */
export function checkVersion(version) {
  if (String(version).split(".").slice(0, 2).join(".") !== EXPECTED_VERSION) {
    throw new Error(
      `zoho-token-store: the zts library is version ${version} but this binding needs ` +
        `${EXPECTED_VERSION}.x; install a matching libzts.so or point ${LIBRARY_ENV} at one`,
    );
  }
}

function load(path) {
  let lib;
  try {
    lib = koffi.load(path);
  } catch (error) {
    throw new Error(
      `zoho-token-store: cannot load the zts library ${path} (${error.message}). ` +
        `Set ${LIBRARY_ENV} to the absolute path of a libzts.so built for this machine.`,
    );
  }
  koffi.opaque("zts_store");
  const stringFree = lib.func("void zts_string_free(void *s)");
  koffi.disposable("zts_owned_str", "str", stringFree);
  const out = "_Out_ zts_owned_str *"; // an owned `char **` output
  const packed = "_Out_ void **fields, _Out_ size_t *fieldsLen"; // a packed output and its length
  const functions = {
    open: lib.func(`int32_t zts_open(const char *location, const char *options, _Out_ zts_store **store, ${out}error)`),
    close: lib.func("void zts_close(zts_store *store)"),
    save: lib.func(`int32_t zts_save(zts_store *store, const char *token, ${out}result, ${out}error)`),
    find: lib.func(`int32_t zts_find(zts_store *store, const char *token, ${out}result, ${out}error)`),
    findById: lib.func(`int32_t zts_find_by_id(zts_store *store, const char *id, ${out}result, ${out}error)`),
    tryFind: lib.func(`int32_t zts_try_find(zts_store *store, const char *token, ${out}result, ${out}error)`),
    tryFindById: lib.func(`int32_t zts_try_find_by_id(zts_store *store, const char *id, ${out}result, ${out}error)`),
    list: lib.func(`int32_t zts_list(zts_store *store, ${out}result, ${out}error)`),
    delete: lib.func(`int32_t zts_delete(zts_store *store, const char *id, ${out}error)`),
    purge: lib.func(`int32_t zts_purge(zts_store *store, ${out}error)`),
    saveFields: lib.func(`int32_t zts_save_fields(zts_store *store, const char *token, size_t len, ${packed}, ${out}error)`),
    findFields: lib.func(`int32_t zts_find_fields(zts_store *store, const char *token, size_t len, ${packed}, ${out}error)`),
    findByIdFields: lib.func(`int32_t zts_find_by_id_fields(zts_store *store, const char *id, ${packed}, ${out}error)`),
    trySave: lib.func(`int32_t zts_try_save(zts_store *store, const char *token, ${out}result, ${out}error)`),
    fieldsTake: lib.func("void zts_fields_take(void *fields, size_t len, void *dst)"),
    stringFree,
    version: lib.func("const char *zts_version(void)"),
    statusName: lib.func("const char *zts_status_name(int32_t status)"),
  };
  const slots = "void *fields, void *fieldsLen, void *error"; // see callNow
  functions.now = {
    trySaveFields: lib.func(`int32_t zts_try_save_fields(zts_store *store, const char *token, size_t len, ${slots})`),
    tryFindFields: lib.func(`int32_t zts_try_find_fields(zts_store *store, const char *token, size_t len, ${slots})`),
    tryFindByIdFields: lib.func(`int32_t zts_try_find_by_id_fields(zts_store *store, const char *id, ${slots})`),
    listFields: lib.func(`int32_t zts_list_fields(zts_store *store, ${slots})`),
    tryDelete: lib.func("int32_t zts_try_delete(zts_store *store, const char *id, void *error)"),
  };
  checkVersion(functions.version());
  return functions;
}

export const LIBRARY_PATH = libraryPath();
export const zts = load(LIBRARY_PATH);

// Where takeFields copies a packed output: reused (JS runs one takeFields at a time), grown as needed.
let copies = Buffer.allocUnsafe(4096);

// The out slots of the `now` calls: the packed output, its length, the error message.
const slots = Buffer.alloc(24);
const [FIELDS_SLOT, LENGTH_SLOT, ERROR_SLOT] = [0, 8, 16].map((at) => slots.subarray(at, at + 8));

/**
 * Runs a `now` call with `args` and the slots for a packed output (`withFields`) and an error. Returns
 * [status, text]: on OK the packed output's text ("" without one), else zts's message.
 */
export function callNow(fn, args, withFields) {
  const status = withFields ? fn(...args, FIELDS_SLOT, LENGTH_SLOT, ERROR_SLOT) : fn(...args, ERROR_SLOT);
  if (status !== 0) {
    const error = koffi.decode(ERROR_SLOT, "void *");
    const message = error === null ? "" : koffi.decode(error, "char", -1);
    zts.stringFree(error);
    return [status, message];
  }
  return [status, withFields ? takeFields(koffi.decode(FIELDS_SLOT, "void *"), Number(LENGTH_SLOT.readBigUInt64LE())) : ""];
}

/** The text of a packed output ("" for NULL), copied and freed. */
export function takeFields(pointer, length) {
  if (pointer === null) {
    return "";
  }
  if (copies.length < length) {
    copies = Buffer.allocUnsafe(length);
  }
  zts.fieldsTake(pointer, length, copies);
  return copies.toString("utf8", 0, length);
}
