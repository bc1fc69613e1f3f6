using System;
using Com.Zoho.API.Authenticator;
using Com.Zoho.API.Authenticator.Store;
using Com.Zoho.API.Exception;

namespace Zts.Tests
{
    /// <summary>
    /// What the C# SDK's OAuthToken.GetToken does with its ITokenStore, replayed step by step (the real
    /// SDK cannot be installed here: NuGet), with the token endpoint played by `exchange(token,
    /// grantType)`, which sets the token's access token, expiry and api_domain as the SDK does.
    /// </summary>
    internal sealed class SdkFlow
    {
        private readonly ITokenStore store;
        private readonly Action<OAuthToken, string> exchange;
        private readonly string environmentUrl;

        public SdkFlow(ITokenStore store, Action<OAuthToken, string> exchange, string environmentUrl)
        {
            this.store = store;
            this.exchange = exchange;
            this.environmentUrl = environmentUrl;
        }

        public static long Now()
        {
            return DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        }

        /// <summary>
        /// The store calls of the C# SDK's OAuthToken.GetToken (CS8 API/Authenticator/OAuthToken.cs),
        /// step by step; see contract §3. Returns the access token. findUser is off (no CRM calls).
        /// </summary>
        public string GetToken(OAuthToken self)
        {
            OAuthToken token;
            if (self.Id != null)
            {
                // C#'s MergeObjects builds a new object and drops it: self is not merged.
                token = (OAuthToken)store.FindTokenById(self.Id);
            }
            else
            {
                token = (OAuthToken)store.FindToken(self);
            }
            if (token == null)
            {
                if (self.UserSignature != null && self.GrantToken == null && self.RefreshToken == null)
                    throw new SDKException("MANDATORY VALUE ERROR", "Given user_name token details not found");
                token = self;
            }
            if (string.IsNullOrEmpty(token.APIDomain)) token.APIDomain = environmentUrl;
            bool save = false;
            if (string.IsNullOrEmpty(token.AccessToken))
            {
                exchange(token, string.IsNullOrEmpty(token.RefreshToken) ? "authorization_code" : "refresh_token");
                save = true;
            }
            else if (!string.IsNullOrEmpty(token.ExpiresIn) && long.Parse(token.ExpiresIn) - Now() < 5L)
            {
                exchange(token, "refresh_token");
                save = true;
            }
            else if (token.ExpiresIn == null && token.AccessToken != null && token.Id == null)
            {
                save = true;
            }
            if (save)
            {
                try
                {
                    store.SaveToken(token);
                }
                catch (Exception error)
                {
                    throw new SDKException("SAVE_TOKEN_ERROR", error.Message, error);
                }
            }
            return token.AccessToken;
        }
    }
}
