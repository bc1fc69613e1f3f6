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
    /// <summary>ZohoTokenStore against the SDK's OAuthToken objects, in process and without HTTP.</summary>
    public class ZohoTokenStoreTests : IDisposable
    {
        internal static readonly Dictionary<string, string> Stored = Fields(
            "user_name", "user@example.com:777",
            "client_id", "cid",
            "client_secret", "csec",
            "refresh_token", "RT1",
            "access_token", "AT1",
            "grant_token", "GT1",
            "expiry_time", "4102444839397",
            "redirect_url", "http://localhost/cb",
            "api_domain", "http://127.0.0.1:18081");

        private readonly TempDirectory temp = new TempDirectory();
        private readonly ZohoTokenStore store = new ZohoTokenStore(":memory:");

        public void Dispose()
        {
            store.Dispose();
            temp.Dispose();
        }

        /// <summary>The ten fields of an OAuthToken, by zts key.</summary>
        internal static Dictionary<string, string> FieldsOf(OAuthToken token)
        {
            return Fields(
                "id", token.Id,
                "user_name", token.UserSignature != null ? token.UserSignature.Name : null,
                "client_id", token.ClientId,
                "client_secret", token.ClientSecret,
                "refresh_token", token.RefreshToken,
                "access_token", token.AccessToken,
                "grant_token", token.GrantToken,
                "expiry_time", token.ExpiresIn,
                "redirect_url", token.RedirectURL,
                "api_domain", token.APIDomain);
        }

        private static Dictionary<string, string> StoredWith(params string[] pairs)
        {
            var token = Token();
            foreach (var pair in Stored) token[pair.Key] = pair.Value;
            return With(token, pairs);
        }

        /// <summary>The store holding Stored as id "1".</summary>
        private ZohoTokenStore WithStored()
        {
            store.Store.Save(Stored);
            return store;
        }

        [Test]
        public void ItIsTheSdkTokenStore()
        {
            Check.True(typeof(ITokenStore).IsAssignableFrom(typeof(ZohoTokenStore)), "implements ITokenStore");
            Check.True(typeof(IDisposable).IsAssignableFrom(typeof(ZohoTokenStore)), "implements IDisposable");
        }

        [Test]
        public void SaveTokenWritesTheAssignedIdBack()
        {
            var token = new OAuthToken { ClientId = "cid", ClientSecret = "csec", GrantToken = "GT1", AccessToken = "AT1" };
            store.SaveToken(token);
            Check.Equal("1", token.Id);
            Check.Equal("GT1", store.Store.FindById("1")["grant_token"]);
            var second = new OAuthToken { AccessToken = "ATX" };
            store.SaveToken(second);
            Check.Equal("2", second.Id);
        }

        [Test]
        public void SaveTokenMapsAllTenFieldsBothWays()
        {
            var token = new OAuthToken
            {
                ClientId = "cid",
                ClientSecret = "csec",
                GrantToken = "GT1",
                RefreshToken = "RT1",
                RedirectURL = "http://localhost/cb",
                AccessToken = "AT1",
                UserSignature = new UserSignature("user@example.com:777"),
                APIDomain = "http://127.0.0.1:18081",
                ExpiresIn = "4102444839397",
            };
            store.SaveToken(token);
            Check.SameToken(StoredWith("id", "1"), store.Store.FindById("1"));
            Check.SameToken(StoredWith("id", "1"), FieldsOf((OAuthToken)store.FindTokenById("1")));
        }

        [Test]
        public void SaveTokenOfARefreshedTokenUpdatesItsRow()
        {
            WithStored();
            var token = (OAuthToken)store.FindTokenById("1");
            token.AccessToken = "AT2";
            token.ExpiresIn = "4102444899999";
            store.SaveToken(token);
            Check.SameToken(StoredWith("id", "1", "access_token", "AT2", "expiry_time", "4102444899999"), store.Store.List().Single());
        }

        [Test]
        public void FindTokenFillsOnlyTheEmptyFieldsOfTheGivenToken()
        {
            WithStored();
            var token = new OAuthToken { ClientId = "cid", ClientSecret = "csec", RefreshToken = "RT1", RedirectURL = "http://mine/cb" };
            Check.True(ReferenceEquals(token, store.FindToken(token)), "the same object is returned");
            Check.SameToken(StoredWith("id", "1", "redirect_url", "http://mine/cb"), FieldsOf(token));
        }

        [Test]
        public void FindTokenByUserSignature()
        {
            WithStored();
            var token = new OAuthToken { UserSignature = new UserSignature("user@example.com:777") };
            Check.True(ReferenceEquals(token, store.FindToken(token)), "the same object is returned");
            Check.SameToken(StoredWith("id", "1"), FieldsOf(token));
        }

        [Test]
        public void FindTokenReturnsNullOnAMissAndLeavesTheTokenAlone()
        {
            WithStored();
            var token = new OAuthToken { UserSignature = new UserSignature("other@example.com:1") };
            Check.True(store.FindToken(token) == null, "null on a miss");
            Check.Equal(null, token.AccessToken);
            Check.Equal(null, token.Id);
        }

        [TestCases]
        public IEnumerable<TestCase> FindTokenNeverMatchesById()
        {
            var tokens = new Dictionary<string, Func<OAuthToken>>
            {
                // What the SDK's Revoke passes.
                { "id only", () => new OAuthToken { Id = "1" } },
                // A refresh token without client credentials: nothing zts can match on.
                { "nothing matchable", () => new OAuthToken { Id = "1", RefreshToken = "RT1" } },
            };
            foreach (var pair in tokens)
            {
                Func<OAuthToken> make = pair.Value;
                yield return new TestCase(pair.Key, () =>
                {
                    using (var fresh = new ZohoTokenStore(":memory:"))
                    {
                        fresh.Store.Save(Stored);
                        OAuthToken token = make();
                        Check.True(fresh.FindToken(token) == null, "null");
                        Check.Equal(null, token.AccessToken);
                    }
                });
            }
        }

        [Test]
        public void FindTokenDoesNotQueryTheStoreForAnIdOnlyToken()
        {
            store.Dispose(); // any query would now fail
            Check.True(store.FindToken(new OAuthToken { Id = "1" }) == null, "null without a query");
            var error = Check.Throws<SDKException>(() => store.FindToken(new OAuthToken { AccessToken = "ATX" }));
            Check.Contains("closed", error.Message);
        }

        [Test]
        public void FindTokenByIdReturnsANewToken()
        {
            WithStored();
            IToken first = store.FindTokenById("1"), second = store.FindTokenById("1");
            Check.True(first is OAuthToken && !ReferenceEquals(first, second), "a new OAuthToken each time");
            Check.SameToken(StoredWith("id", "1"), FieldsOf((OAuthToken)first));
            Check.Equal("1", first.GetId());
        }

        [Test]
        public void FindTokenByIdOfAnUnknownIdThrowsSdkException()
        {
            WithStored();
            var error = Check.Throws<SDKException>(() => store.FindTokenById("2"));
            Check.Equal("TOKEN_STORE", error.Code);
            Check.Contains("FindTokenById", error.Message);
            Check.Contains("ZTS_NOT_FOUND", error.Message);
            var cause = error.Cause as ZtsException;
            Check.True(cause != null, "the cause is the ZtsException");
            Check.Equal("ZTS_NOT_FOUND", cause.StatusName);
            Check.Contains(cause.Message, error.Message);
            Check.True(ReferenceEquals(cause, error.InnerException), "InnerException too");
        }

        [Test]
        public void DeleteToken()
        {
            WithStored();
            var error = Check.Throws<SDKException>(() => store.DeleteToken("2"));
            Check.Equal("TOKEN_STORE", error.Code);
            Check.Contains("ZTS_NOT_FOUND", error.Message);
            store.DeleteToken("1");
            Check.Equal(0, store.Store.List().Count);
        }

        [Test]
        public void GetTokensAndDeleteTokens()
        {
            WithStored();
            store.Store.Save(Fields("access_token", "ATX"));
            List<IToken> tokens = store.GetTokens();
            Check.True(tokens.All(token => token is OAuthToken), "OAuthToken objects");
            Check.Equal(2, tokens.Count);
            Check.SameToken(StoredWith("id", "1"), FieldsOf((OAuthToken)tokens[0]));
            Check.SameToken(Token("id", "2", "access_token", "ATX"), FieldsOf((OAuthToken)tokens[1]));
            store.DeleteTokens();
            Check.Equal(0, store.GetTokens().Count);
        }

        [Test]
        public void TokensThatAreNotOAuthTokensAreIgnored()
        {
            WithStored();
            var other = new OtherToken();
            Check.True(ReferenceEquals(other, store.FindToken(other)), "returned unchanged");
            store.SaveToken(other);
            Check.Equal(1, store.Store.List().Count);
        }

        [Test]
        public void ARefusedSaveThrowsSdkExceptionWithTheStatus()
        {
            var error = Check.Throws<SDKException>(() => store.SaveToken(new OAuthToken { Id = "1" })); // nothing to store
            Check.Equal("TOKEN_STORE", error.Code);
            Check.Contains("SaveToken", error.Message);
            Check.Contains("ZTS_INVALID_TOKEN", error.Message);
        }

        [Test]
        public void OpenAndClosedStoreFailuresThrowSdkException()
        {
            var error = Check.Throws<SDKException>(() => new ZohoTokenStore(temp.File("missing/tokens.db")));
            Check.Equal("TOKEN_STORE", error.Code);
            Check.Contains("ZTS_IO", error.Message);
            error = Check.Throws<SDKException>(() => new ZohoTokenStore(null));
            Check.Equal("TOKEN_STORE", error.Code);
            var closed = new ZohoTokenStore(temp.File("tokens.db"), new StoreOptions { Synchronous = "normal" });
            closed.Dispose();
            closed.Dispose();
            var calls = new Dictionary<string, Action>
            {
                { "FindToken", () => closed.FindToken(new OAuthToken { AccessToken = "AT" }) },
                { "FindTokenById", () => closed.FindTokenById("1") },
                { "SaveToken", () => closed.SaveToken(new OAuthToken { AccessToken = "AT" }) },
                { "DeleteToken", () => closed.DeleteToken("1") },
                { "GetTokens", () => closed.GetTokens() },
                { "DeleteTokens", () => closed.DeleteTokens() },
            };
            foreach (var call in calls)
            {
                error = Check.Throws<SDKException>(call.Value, call.Key);
                Check.Equal("TOKEN_STORE", error.Code, call.Key);
                Check.Contains("zts " + call.Key + " failed", error.Message, call.Key);
                Check.Contains("closed", error.Message, call.Key);
                Check.True(error.Cause is ObjectDisposedException, call.Key + ": the cause");
            }
        }

        [Test]
        public void NoSecretInToStringOrErrors()
        {
            WithStored();
            Check.Equal("ZohoTokenStore(:memory:)", store.ToString());
            // An id that is not stored, for a token without a credential: refused.
            var error = Check.Throws<SDKException>(() => store.SaveToken(new OAuthToken { Id = "9", ClientId = "cid", ClientSecret = "csec" }));
            Check.Lacks("csec", error.Message);
            Check.Lacks("csec", error.ToString());
            error = Check.Throws<SDKException>(() => store.FindToken(new OAuthToken { AccessToken = "SECRET\0" }));
            Check.Lacks("SECRET", error.ToString());
        }

        [Test]
        public void AStoreFileIsSharedWithTheStoreLayer()
        {
            string path = temp.File("tokens.db");
            using (var sdkStore = new ZohoTokenStore(path))
            {
                sdkStore.SaveToken(new OAuthToken { AccessToken = "ATX" });
            }
            using (var plain = new Store(path))
            {
                Check.Equal("1", plain.Find(Fields("access_token", "ATX"))["id"]);
            }
        }

        /// <summary>A token type of the application, not the SDK's OAuthToken.</summary>
        private sealed class OtherToken : IToken
        {
            public void Authenticate(Com.Zoho.Crm.API.Util.APIHTTPConnector urlConnection) { }
            public bool Revoke(string id) { return false; }
            public void Remove() { }
            public void GenerateToken() { }
            public string GetId() { return null; }
        }
    }
}
