using System;
using System.Collections.Generic;
using Com.Zoho.API.Authenticator;
using Com.Zoho.API.Authenticator.Store;
using Com.Zoho.API.Exception;
using Com.Zoho.Crm.API;

namespace Zts
{
    /// <summary>
    /// The Zoho CRM C# SDK's ITokenStore (ZOHOCRMSDK-8.0) over a zts store file (or ":memory:").
    /// </summary>
    /// <remarks>
    /// Only the mapping between the SDK's OAuthToken objects and zts tokens is done here; matching,
    /// merging and ids are zts's (the SDK FileStore rules, see the repository README). Every failure
    /// throws the SDK's SDKException with Code "TOKEN_STORE"; its Message names the operation, the zts
    /// status name and zts's message, and its Cause is the ZtsException (or the disposed-store or
    /// argument error). Tokens that are not OAuthToken are ignored, as by the SDK's own stores.
    /// </remarks>
    public sealed class ZohoTokenStore : ITokenStore, IDisposable
    {
        private const string TokenStoreCode = "TOKEN_STORE";

        /// <summary>
        /// The C# SDK refreshes a token only when it expires within 5 ms (it stores the expiry 10 minutes
        /// early), not within 5 s as the other SDKs: a find of a token it will not refresh takes no lease.
        /// </summary>
        public const int SdkRefreshLeadMs = 5;

        private readonly Store store;

        public ZohoTokenStore(string location)
            : this(location, null)
        {
        }

        /// <summary>
        /// Opens the store with the options of zts_open (null: the defaults), and the C# SDK's refresh
        /// lead (<see cref="SdkRefreshLeadMs"/>) unless the options set RefreshLeadMs.
        /// </summary>
        public ZohoTokenStore(string location, StoreOptions options)
        {
            options = options == null ? new StoreOptions() : options.Copy();
            if (!options.RefreshLeadMs.HasValue) options.RefreshLeadMs = SdkRefreshLeadMs;
            try
            {
                store = new Store(location, options);
            }
            catch (Exception error) when (IsStoreError(error) || error is DllNotFoundException)
            {
                throw SdkError("open", error);
            }
        }

        /// <summary>The underlying <see cref="Zts.Store"/> (dictionaries instead of OAuthToken objects).</summary>
        public Store Store { get { return store; } }

        /// <summary>Closes the store. Calling it again does nothing.</summary>
        public void Dispose()
        {
            store.Dispose();
        }

        public override string ToString()
        {
            return "ZohoTokenStore(" + store.Location + ")";
        }

        /// <summary>
        /// Fills the null fields of the given token from the stored token it matches and returns that
        /// same object, or returns null when nothing matches.
        /// </summary>
        public IToken FindToken(IToken token)
        {
            var oauthToken = token as OAuthToken;
            if (oauthToken == null) return token;
            IDictionary<string, string> query = ToZts(oauthToken);
            // The SDK stores never match on the id here: the SDK's Revoke passes a token holding only an
            // id and gets null from them. Without its id such a token has nothing to match, so no query.
            query.Remove("id");
            bool matchable = false;
            foreach (string value in query.Values) matchable |= value != null;
            if (!matchable) return null;
            IDictionary<string, string> stored;
            try
            {
                stored = store.Find(query);
            }
            catch (ZtsException error) when (error.Status == ZtsStatus.NotFound || error.Status == ZtsStatus.InvalidToken)
            {
                return null;
            }
            catch (Exception error) when (IsStoreError(error))
            {
                throw SdkError("FindToken", error);
            }
            FillEmptyFields(oauthToken, stored);
            return oauthToken;
        }

        /// <summary>A new OAuthToken holding the token with this id; SDKException when there is none.</summary>
        public IToken FindTokenById(string id)
        {
            IDictionary<string, string> stored;
            try
            {
                stored = store.FindById(id);
            }
            catch (Exception error) when (IsStoreError(error))
            {
                throw SdkError("FindTokenById", error);
            }
            return NewOAuthToken(stored);
        }

        /// <summary>
        /// Saves the token, then fills its null fields from the stored row: the assigned id is written
        /// back, so the SDK finds the token by id next time.
        /// </summary>
        public void SaveToken(IToken token)
        {
            var oauthToken = token as OAuthToken;
            if (oauthToken == null) return;
            IDictionary<string, string> stored;
            try
            {
                stored = store.Save(ToZts(oauthToken));
            }
            catch (Exception error) when (IsStoreError(error))
            {
                throw SdkError("SaveToken", error);
            }
            FillEmptyFields(oauthToken, stored);
        }

        /// <summary>Deletes the token with this id; SDKException when there is none (as the SDK FileStore).</summary>
        public void DeleteToken(string id)
        {
            try
            {
                store.Delete(id);
            }
            catch (Exception error) when (IsStoreError(error))
            {
                throw SdkError("DeleteToken", error);
            }
        }

        /// <summary>Every stored token as a new OAuthToken, in numeric id order.</summary>
        public List<IToken> GetTokens()
        {
            IList<IDictionary<string, string>> stored;
            try
            {
                stored = store.List();
            }
            catch (Exception error) when (IsStoreError(error))
            {
                throw SdkError("GetTokens", error);
            }
            var tokens = new List<IToken>(stored.Count);
            foreach (IDictionary<string, string> token in stored) tokens.Add(NewOAuthToken(token));
            return tokens;
        }

        /// <summary>Deletes every token.</summary>
        public void DeleteTokens()
        {
            try
            {
                store.Purge();
            }
            catch (Exception error) when (IsStoreError(error))
            {
                throw SdkError("DeleteTokens", error);
            }
        }

        // What the Store layer throws: a refused call, a disposed store, a null argument.
        private static bool IsStoreError(Exception error)
        {
            return error is ZtsException || error is ObjectDisposedException || error is ArgumentException;
        }

        private static SDKException SdkError(string operation, Exception error)
        {
            var refused = error as ZtsException;
            string detail = refused != null ? refused.StatusName + ": " + refused.Message : error.Message;
            return new SDKException(TokenStoreCode, "zts " + operation + " failed: " + detail, error);
        }

        /// <summary>The zts token of an OAuthToken. expiry_time is the SDK's ExpiresIn (epoch ms, a string).</summary>
        private static IDictionary<string, string> ToZts(OAuthToken token)
        {
            return new Dictionary<string, string>
            {
                { "id", token.Id },
                { "user_name", token.UserSignature != null ? token.UserSignature.Name : null },
                { "client_id", token.ClientId },
                { "client_secret", token.ClientSecret },
                { "refresh_token", token.RefreshToken },
                { "access_token", token.AccessToken },
                { "grant_token", token.GrantToken },
                { "expiry_time", token.ExpiresIn },
                { "redirect_url", token.RedirectURL },
                { "api_domain", token.APIDomain },
            };
        }

        /// <summary>Sets the token's null fields from a stored zts token, as the SDK stores' SetMergeData.</summary>
        private static void FillEmptyFields(OAuthToken token, IDictionary<string, string> stored)
        {
            if (token.Id == null) token.Id = stored["id"];
            if (token.UserSignature == null && stored["user_name"] != null) token.UserSignature = new UserSignature(stored["user_name"]);
            if (token.ClientId == null) token.ClientId = stored["client_id"];
            if (token.ClientSecret == null) token.ClientSecret = stored["client_secret"];
            if (token.RefreshToken == null) token.RefreshToken = stored["refresh_token"];
            if (token.AccessToken == null) token.AccessToken = stored["access_token"];
            if (token.GrantToken == null) token.GrantToken = stored["grant_token"];
            if (token.ExpiresIn == null) token.ExpiresIn = stored["expiry_time"];
            if (token.RedirectURL == null) token.RedirectURL = stored["redirect_url"];
            if (token.APIDomain == null) token.APIDomain = stored["api_domain"];
        }

        /// <summary>A new OAuthToken holding a stored token, built as the SDK FileStore builds one.</summary>
        private static OAuthToken NewOAuthToken(IDictionary<string, string> stored)
        {
            var token = new OAuthToken();
            FillEmptyFields(token, stored);
            return token;
        }
    }
}
