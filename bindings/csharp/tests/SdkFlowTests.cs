using System;
using System.Collections.Generic;
using System.Linq;
using Com.Zoho.API.Authenticator;
using Com.Zoho.API.Authenticator.Store;
using Com.Zoho.API.Exception;
using Com.Zoho.Crm.API;
using static Zts.Tests.Fixtures;

namespace Zts.Tests
{
    /// <summary>
    /// The SDK's call sequence (docs/sdk-contract.md §3) replayed against ZohoTokenStore: the store calls that the
    /// C# SDK's OAuthToken.GetToken, Remove and Revoke make, in their order, with the token exchange
    /// played by a fake accounts server in process. The real SDK cannot be installed here (NuGet).
    /// </summary>
    public class SdkFlowTests : IDisposable
    {
        private const string EnvironmentUrl = "http://127.0.0.1:18081";

        private readonly TempDirectory temp = new TempDirectory();
        private readonly FakeAccounts accounts = new FakeAccounts();

        public void Dispose()
        {
            temp.Dispose();
        }

        /// <summary>The token endpoint: counts grant exchanges and refreshes, issues AT1, AT2, ...</summary>
        private sealed class FakeAccounts
        {
            public readonly List<string> Requests = new List<string>();

            public void Exchange(OAuthToken token, string grantType)
            {
                Requests.Add(grantType);
                token.AccessToken = "AT" + Requests.Count;
                if (grantType == "authorization_code") token.RefreshToken = "RT1";
                // The C# SDK stores the expiry 10 minutes early: now + expires_in*1000 - 600000.
                token.ExpiresIn = (SdkFlow.Now() + 3600 * 1000L - 600000).ToString();
                token.APIDomain = EnvironmentUrl;
            }
        }

        /// <summary>An ITokenStore that records the calls the SDK makes and passes them on.</summary>
        private sealed class RecordingStore : ITokenStore
        {
            private readonly ZohoTokenStore inner;
            public readonly List<string> Calls = new List<string>();

            public RecordingStore(ZohoTokenStore inner)
            {
                this.inner = inner;
            }

            public ZohoTokenStore Inner { get { return inner; } }

            public IToken FindToken(IToken token) { Calls.Add("FindToken"); return inner.FindToken(token); }
            public IToken FindTokenById(string id) { Calls.Add("FindTokenById(" + id + ")"); return inner.FindTokenById(id); }
            public void SaveToken(IToken token) { Calls.Add("SaveToken"); inner.SaveToken(token); }
            public void DeleteToken(string id) { Calls.Add("DeleteToken(" + id + ")"); inner.DeleteToken(id); }
            public List<IToken> GetTokens() { Calls.Add("GetTokens"); return inner.GetTokens(); }
            public void DeleteTokens() { Calls.Add("DeleteTokens"); inner.DeleteTokens(); }
        }

        /// <summary>The C# SDK's OAuthToken.GetToken (see SdkFlow) with the in-process accounts server.</summary>
        private string GetToken(ITokenStore store, OAuthToken self)
        {
            return new SdkFlow(store, accounts.Exchange, EnvironmentUrl).GetToken(self);
        }

        /// <summary>OAuthToken.Revoke's store call: a token holding only the id, through FindToken.</summary>
        private static OAuthToken RevokeLookup(ITokenStore store, string id)
        {
            var token = new OAuthToken { Id = id };
            store.FindToken(token);
            return token;
        }

        private static RecordingStore Open(string path, StoreOptions options = null)
        {
            return new RecordingStore(new ZohoTokenStore(path, options));
        }

        private static void Close(RecordingStore store)
        {
            store.Inner.Dispose();
        }

        [Test]
        public void GrantExchangeThenAnotherProcessFindsTheTokenById()
        {
            string path = temp.File("tokens.db");
            RecordingStore first = Open(path);
            var granted = new OAuthToken { ClientId = "cid", ClientSecret = "csec", GrantToken = "GT1", RedirectURL = "http://localhost/cb" };
            Check.Equal("AT1", GetToken(first, granted));
            Check.SequenceEqual(new[] { "FindToken", "SaveToken" }, first.Calls);
            Check.Equal("1", granted.Id); // written back by SaveToken
            // The SDK's next GetToken on the same object goes by id and needs no HTTP.
            first.Calls.Clear();
            Check.Equal("AT1", GetToken(first, granted));
            Check.SequenceEqual(new[] { "FindTokenById(1)" }, first.Calls);
            Close(first);

            // A new process (a new store on the file) with OAuthToken(id: "1").
            RecordingStore second = Open(path);
            Check.Equal("AT1", GetToken(second, new OAuthToken { Id = "1" }));
            Check.SequenceEqual(new[] { "FindTokenById(1)" }, second.Calls);
            Check.SequenceEqual(new[] { "authorization_code" }, accounts.Requests);
            var stored = FieldsOf(second.GetTokens().Single());
            Check.SameToken(Token("id", "1", "client_id", "cid", "client_secret", "csec", "refresh_token", "RT1", "access_token", "AT1",
                                  "grant_token", "GT1", "expiry_time", stored["expiry_time"], "redirect_url", "http://localhost/cb",
                                  "api_domain", EnvironmentUrl), stored);
            Close(second);
        }

        [Test]
        public void AnExpiredTokenFoundByIdIsRefreshedAndSavedById()
        {
            RecordingStore store = Open(temp.File("tokens.db"));
            store.Inner.Store.Save(With(ZohoTokenStoreTests.Stored, "expiry_time", "1000"));
            Check.Equal("AT1", GetToken(store, new OAuthToken { Id = "1" }));
            Check.SequenceEqual(new[] { "FindTokenById(1)", "SaveToken" }, store.Calls);
            Check.SequenceEqual(new[] { "refresh_token" }, accounts.Requests);
            IDictionary<string, string> row = store.Inner.Store.List().Single();
            Check.Equal("1", row["id"]);
            Check.Equal("AT1", row["access_token"]);
            Check.Equal("RT1", row["refresh_token"]);
            Check.Equal("user@example.com:777", row["user_name"]);
            Check.True(long.Parse(row["expiry_time"]) > SdkFlow.Now(), "a new expiry in the future");
            Close(store);
        }

        [Test]
        public void ARefreshTokenTokenFindsTheGrantedRowWithoutHttp()
        {
            RecordingStore store = Open(temp.File("tokens.db"));
            GetToken(store, new OAuthToken { ClientId = "cid", ClientSecret = "csec", GrantToken = "GT1" });
            store.Calls.Clear();
            var byRefresh = new OAuthToken { ClientId = "cid", ClientSecret = "csec", RefreshToken = "RT1" };
            Check.Equal("AT1", GetToken(store, byRefresh));
            Check.SequenceEqual(new[] { "FindToken" }, store.Calls);
            Check.Equal("1", byRefresh.Id); // FindToken filled the given object
            Check.Equal(1, accounts.Requests.Count);
            Close(store);
        }

        [Test]
        public void TheUserSignatureFlow()
        {
            RecordingStore store = Open(temp.File("tokens.db"));
            var granted = new OAuthToken
            {
                ClientId = "cid", ClientSecret = "csec", GrantToken = "GT1", UserSignature = new UserSignature("user@example.com:777"),
            };
            GetToken(store, granted);
            store.Calls.Clear();
            var byUser = new OAuthToken { UserSignature = new UserSignature("user@example.com:777") };
            Check.Equal("AT1", GetToken(store, byUser));
            Check.SequenceEqual(new[] { "FindToken" }, store.Calls);
            Check.Equal("1", byUser.Id);
            var unknown = new OAuthToken { UserSignature = new UserSignature("nobody@example.com:1") };
            var error = Check.Throws<SDKException>(() => GetToken(store, unknown));
            Check.Equal("MANDATORY VALUE ERROR", error.Code);
            Close(store);
        }

        [Test]
        public void TheAccessTokenOnlyFlowSavesOnceThenGoesById()
        {
            RecordingStore store = Open(temp.File("tokens.db"));
            var token = new OAuthToken { AccessToken = "ATX" };
            Check.Equal("ATX", GetToken(store, token));
            Check.SequenceEqual(new[] { "FindToken", "SaveToken" }, store.Calls);
            Check.Equal("1", token.Id); // without the id, the SDK would save the row on every call
            store.Calls.Clear();
            GetToken(store, token);
            Check.SequenceEqual(new[] { "FindTokenById(1)" }, store.Calls);
            Check.Equal(0, accounts.Requests.Count);
            Check.SameToken(Token("id", "1", "access_token", "ATX", "api_domain", EnvironmentUrl), FieldsOf(store.GetTokens().Single()));
            Close(store);
        }

        [Test]
        public void RevokeFindsNothingByIdAndRemoveDeletesTheRow()
        {
            RecordingStore store = Open(temp.File("tokens.db"));
            var token = new OAuthToken { ClientId = "cid", ClientSecret = "csec", GrantToken = "GT1" };
            GetToken(store, token);
            store.Calls.Clear();
            // Revoke passes a token holding only the id: the SDK's stores find nothing for it.
            OAuthToken revoked = RevokeLookup(store, "1");
            Check.Equal(null, revoked.RefreshToken);
            // Remove deletes by id; an unknown id is the SDK's exception.
            store.DeleteToken(token.Id);
            Check.SequenceEqual(new[] { "FindToken", "DeleteToken(1)" }, store.Calls);
            Check.Equal(0, store.GetTokens().Count);
            var error = Check.Throws<SDKException>(() => GetToken(store, new OAuthToken { Id = "1" }));
            Check.Equal("TOKEN_STORE", error.Code);
            Check.Contains("ZTS_NOT_FOUND", error.Message);
            Close(store);
        }

        [Test]
        public void AFailedSaveIsRethrownAsSaveTokenError()
        {
            string path = temp.File("tokens.db");
            new Store(path).Dispose();
            RecordingStore store = Open(path, new StoreOptions { ReadOnly = true });
            var error = Check.Throws<SDKException>(() => GetToken(store, new OAuthToken { AccessToken = "ATX" }));
            Check.SequenceEqual(new[] { "FindToken", "SaveToken" }, store.Calls);
            Check.Equal("SAVE_TOKEN_ERROR", error.Code);
            var cause = error.Cause as SDKException;
            Check.True(cause != null, "the cause is the store's SDKException");
            Check.Equal("TOKEN_STORE", cause.Code);
            Check.Contains("ZTS_IO", cause.Message);
            Close(store);
        }

        private static Dictionary<string, string> FieldsOf(IToken token)
        {
            return ZohoTokenStoreTests.FieldsOf((OAuthToken)token);
        }
    }
}
