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
    /// Only the mapping between the SDK's OAuthToken objects and zts tokens (their ten values, passed
    /// packed by the Store's *Values calls, without JSON) is done here; matching,
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

        // The index of the id among a token's values (Store.TokenFields).
        private const int Id = 0;

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
            string[] query = ToZts(oauthToken);
            // The SDK stores never match on the id here: the SDK's Revoke passes a token holding only an
            // id and gets null from them. Without its id such a token has nothing to match, so no query.
            query[Id] = null;
            bool matchable = false;
            foreach (string value in query) matchable |= value != null;
            if (!matchable) return null;
            string[] stored;
            try
            {
                stored = store.FindValues(query);
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
            string[] stored;
            try
            {
                stored = store.FindByIdValues(id);
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
            string[] stored;
            try
            {
                stored = store.SaveValues(ToZts(oauthToken));
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
            IList<string[]> stored;
            try
            {
                stored = store.ListValues();
            }
            catch (Exception error) when (IsStoreError(error))
            {
                throw SdkError("GetTokens", error);
            }
            var tokens = new List<IToken>(stored.Count);
            foreach (string[] token in stored) tokens.Add(NewOAuthToken(token));
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

        /// <summary>
        /// The zts token of an OAuthToken, as its ten values in <see cref="Store.TokenFields"/> order (null
        /// when absent). expiry_time is the SDK's ExpiresIn (epoch ms, a string).
        /// </summary>
        private static string[] ToZts(OAuthToken token)
        {
            return new[]
            {
                token.Id, token.UserSignature != null ? token.UserSignature.Name : null, token.ClientId,
                token.ClientSecret, token.RefreshToken, token.AccessToken, token.GrantToken, token.ExpiresIn,
                token.RedirectURL, token.APIDomain,
            };
        }

        /// <summary>Sets the token's null fields from a stored token's ten values, as the SDK stores' SetMergeData.</summary>
        private static void FillEmptyFields(OAuthToken token, string[] stored)
        {
            if (token.Id == null) token.Id = stored[Id];
            if (token.UserSignature == null && stored[1] != null) token.UserSignature = new UserSignature(stored[1]);
            if (token.ClientId == null) token.ClientId = stored[2];
            if (token.ClientSecret == null) token.ClientSecret = stored[3];
            if (token.RefreshToken == null) token.RefreshToken = stored[4];
            if (token.AccessToken == null) token.AccessToken = stored[5];
            if (token.GrantToken == null) token.GrantToken = stored[6];
            if (token.ExpiresIn == null) token.ExpiresIn = stored[7];
            if (token.RedirectURL == null) token.RedirectURL = stored[8];
            if (token.APIDomain == null) token.APIDomain = stored[9];
        }

        /// <summary>A new OAuthToken holding a stored token, built as the SDK FileStore builds one.</summary>
        private static OAuthToken NewOAuthToken(string[] stored)
        {
            var token = new OAuthToken();
            FillEmptyFields(token, stored);
            return token;
        }
    }
}
