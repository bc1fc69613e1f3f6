// `ZohoTokenStore`: a TokenStore of the Zoho CRM Node.js SDK (@zohocrm/nodejs-sdk-8.0) backed by zts.
//
//   import { ZohoTokenStore } from "zoho-token-store/sdk";
//   await (await new InitializeBuilder()).environment(env).token(token).store(new ZohoTokenStore("tokens.db")).initialize();
//
// Only the mapping between the SDK's OAuthToken objects and zts tokens (their ten values, packed by
// Store's *Values methods without JSON) is done here; matching,
// merging and ids are zts's (the SDK FileStore rules, see the repository README). This module imports
// the SDK; "zoho-token-store" alone does not.
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { INVALID_TOKEN, NOT_FOUND, Store, TOKEN_FIELDS, ZtsError } from "./store.js";

const SDK_PACKAGE = "@zohocrm/nodejs-sdk-8.0";

// The SDK must be the application's own copy: InitializeBuilder checks `store instanceof TokenStore`
// and the stores check `instanceof OAuthToken`, which fail across two copies of the SDK. A plain import
// resolves from this file's real path, and `npm install ./bindings/node` links this package instead of
// copying it, so the SDK is looked up from the application (its main script, then the working
// directory) first, and from this package last.
async function importSdk() {
  const bases = [process.argv[1], join(process.cwd(), "index.js"), fileURLToPath(import.meta.url)];
  for (const base of bases.filter(Boolean)) {
    let resolved;
    try {
      resolved = createRequire(resolve(base)).resolve(SDK_PACKAGE);
    } catch {
      continue; // not installed there
    }
    return import(pathToFileURL(resolved).href);
  }
  throw new Error(`zoho-token-store/sdk needs the Zoho CRM SDK: npm install ${SDK_PACKAGE}@2.0.0`);
}

const SDK = await importSdk();
// The package root exports TokenStore as a module namespace: the class is TokenStore.TokenStore.
const { OAuthToken, SDKException, UserSignature, Constants } = SDK;
const TokenStore = SDK.TokenStore.TokenStore;

// The mapping between an OAuthToken and the ten zts values (TOKEN_FIELDS order: id, user_name,
// client_id, client_secret, refresh_token, access_token, grant_token, expiry_time, redirect_url,
// api_domain). expiry_time is the SDK's expiresIn (an absolute time, epoch ms as a string); user_name is
// the UserSignature's name. The accessors are called by name, not through a table: V8 caches a literal
// call, while `token[name]()` over ten names was about a microsecond per find.

/** The ten zts values of an OAuthToken (null where it has none: the SDK leaves unset fields undefined). */
function toZts(token) {
  return [
    token.getId() ?? null,
    token.getUserSignature()?.getName() ?? null,
    token.getClientId() ?? null,
    token.getClientSecret() ?? null,
    token.getRefreshToken() ?? null,
    token.getAccessToken() ?? null,
    token.getGrantToken() ?? null,
    token.getExpiresIn() ?? null,
    token.getRedirectURL() ?? null,
    token.getAPIDomain() ?? null,
  ];
}

/** Sets the token's empty (null or undefined) fields from a stored token's ten values, as the SDK's setMergeData. */
function fillEmptyFields(token, [id, name, clientId, clientSecret, refresh, access, grant, expiry, redirect, domain]) {
  if (id !== null && token.getId() == null) token.setId(id);
  if (name !== null && token.getUserSignature() == null) token.setUserSignature(new UserSignature(name));
  if (clientId !== null && token.getClientId() == null) token.setClientId(clientId);
  if (clientSecret !== null && token.getClientSecret() == null) token.setClientSecret(clientSecret);
  if (refresh !== null && token.getRefreshToken() == null) token.setRefreshToken(refresh);
  if (access !== null && token.getAccessToken() == null) token.setAccessToken(access);
  if (grant !== null && token.getGrantToken() == null) token.setGrantToken(grant);
  if (expiry !== null && token.getExpiresIn() == null) token.setExpiresIn(expiry);
  if (redirect !== null && token.getRedirectURL() == null) token.setRedirectURL(redirect);
  if (domain !== null && token.getAPIDomain() == null) token.setAPIDomain(domain);
}

/**
 * A new OAuthToken holding the ten values at `at` of a flat array of stored tokens' values, built as
 * the SDK FileStore builds one (each field set once).
 */
function newOAuthToken(values, at = 0) {
  const token = Reflect.construct(OAuthToken, []);
  token.setId(values[at]);
  token.setUserSignature(values[at + 1] === null ? null : new UserSignature(values[at + 1]));
  token.setClientId(values[at + 2]);
  token.setClientSecret(values[at + 3]);
  token.setRefreshToken(values[at + 4]);
  token.setAccessToken(values[at + 5]);
  token.setGrantToken(values[at + 6]);
  token.setExpiresIn(values[at + 7]);
  token.setRedirectURL(values[at + 8]);
  token.setAPIDomain(values[at + 9]);
  return token;
}

function sdkError(operation, error) {
  // SDKException appends String(cause), e.g. 'ZTS_NOT_FOUND: no token has id "7"'.
  return new SDKException(Constants.TOKEN_STORE, `zts ${operation} failed: `, null, error);
}

/**
 * The SDK's TokenStore over a zts store file (or ":memory:").
 *
 * `new ZohoTokenStore(location, options)` takes the options of `Store`. Every method returns a
 * Promise (the SDK calls .catch() on them). Every failure rejects with the SDK's SDKException, code
 * "TOKEN_STORE", whose `cause` is the ZtsError. Tokens that are not OAuthToken are ignored, as by the
 * SDK's own stores.
 */
export class ZohoTokenStore extends TokenStore {
  #store;

  constructor(location, options = null) {
    super();
    try {
      this.#store = new Store(location, options);
    } catch (error) {
      throw sdkError("open", error);
    }
  }

  /** The underlying Store (plain token objects instead of OAuthToken). */
  get store() {
    return this.#store;
  }

  /** Closes the store (see Store.close). */
  close() {
    return this.#store.close();
  }

  toString() {
    return `ZohoTokenStore(${JSON.stringify(this.#store.location)})`;
  }

  /**
   * Fills the empty fields of `token` from the stored token it matches and returns `token`, or null
   * when nothing matches.
   */
  async findToken(token) {
    if (!(token instanceof OAuthToken)) {
      return token;
    }
    const query = toZts(token);
    // The SDK stores never match on the id here: the SDK's revoke() passes a token holding only an id
    // and gets null from them. Without its id such a token has nothing to match, so no query.
    query[0] = null;
    if (query.every((value) => value === null)) {
      return null;
    }
    let stored;
    try {
      stored = this.#store.tryFindValues(query) ?? (await this.#store.findValues(query));
    } catch (error) {
      if (error instanceof ZtsError && (error.status === NOT_FOUND || error.status === INVALID_TOKEN)) {
        return null;
      }
      throw sdkError("findToken", error);
    }
    fillEmptyFields(token, stored);
    return token;
  }

  /**
   * Saves `token`, then fills its empty fields from the stored row: this writes the assigned id back
   * into it, so the SDK finds it by id next time.
   */
  async saveToken(token) {
    if (!(token instanceof OAuthToken)) {
      return token;
    }
    let stored;
    try {
      const values = toZts(token);
      stored = this.#store.trySaveValues(values) ?? (await this.#store.saveValues(values));
    } catch (error) {
      throw sdkError("saveToken", error);
    }
    fillEmptyFields(token, stored);
  }

  /** Deletes the token with this id; SDKException when there is none (as the SDK FileStore). */
  async deleteToken(id) {
    try {
      await this.#store.delete(id);
    } catch (error) {
      throw sdkError("deleteToken", error);
    }
  }

  /** Every stored token as a new OAuthToken, in numeric id order. */
  async getTokens() {
    let stored;
    try {
      stored = await this.#store.listValues();
    } catch (error) {
      throw sdkError("getTokens", error);
    }
    const tokens = new Array(stored.length / TOKEN_FIELDS.length);
    for (let t = 0; t < tokens.length; t += 1) {
      tokens[t] = newOAuthToken(stored, t * TOKEN_FIELDS.length);
    }
    return tokens;
  }

  /** Deletes every token. */
  async deleteTokens() {
    try {
      await this.#store.purge();
    } catch (error) {
      throw sdkError("deleteTokens", error);
    }
  }

  /** A new OAuthToken holding the token with this id; SDKException when there is none. */
  async findTokenById(id) {
    let stored;
    try {
      stored = this.#store.tryFindByIdValues(id) ?? (await this.#store.findByIdValues(id));
    } catch (error) {
      throw sdkError("findTokenById", error);
    }
    return newOAuthToken(stored);
  }
}
