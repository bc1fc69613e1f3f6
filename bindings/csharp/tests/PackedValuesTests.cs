using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Com.Zoho.API.Authenticator;
using Com.Zoho.API.Exception;
using Com.Zoho.Crm.API;
using static Zts.Tests.Fixtures;

namespace Zts.Tests
{
    /// <summary>
    /// The Store's *Values calls over zts's packed `_fields` calls (docs/packed-fields.md), which
    /// ZohoTokenStore uses: the same tokens and refusals as the dictionary calls over JSON.
    /// </summary>
    public class PackedValuesTests
    {
        private static readonly string[] User =
        {
            null, "user@example.com:777", "1000.CID", "SECRET-csec", "1000.SECRET-refresh", "1000.SECRET-access", null,
            "4102444839397", "https://example.com/cb", "https://www.zohoapis.com",
        };

        private static string[] Values(IDictionary<string, string> token)
        {
            return Keys.Select(key => token.ContainsKey(key) ? token[key] : null).ToArray();
        }

        private static string[] With(string[] values, int index, string value)
        {
            var copy = (string[])values.Clone();
            copy[index] = value;
            return copy;
        }

        [Test]
        public void PackIsTheDocumentedForm()
        {
            // docs/packed-fields.md: {"id":"1","access_token":"A"} is 1\0\0\0\0\0A\0\0\0\0\0.
            byte[] packed = Store.Pack(new[] { "1", null, null, null, null, "A", null, null, null, null });
            Check.SequenceEqual(Encoding.ASCII.GetBytes("1\0\0\0\0\0A\0\0\0\0\0"), packed);
            // Multi-byte UTF-8 is counted in bytes, not chars.
            packed = Store.Pack(new[] { "ä😀", "", null, null, null, null, null, null, null, null });
            Check.SequenceEqual(Encoding.UTF8.GetBytes("ä😀\0\0\0\0\0\0\0\0\0\0"), packed);
        }

        [Test]
        public void UnpackReadsWholeTokensAndRefusesAPartOfOne()
        {
            IList<string[]> tokens = Store.Unpack(Encoding.UTF8.GetBytes("1\0ä\0\0\0\0\0\0\0\0x\0" + "2\0\0\0\0\0\0\0\0\0\0"));
            Check.Equal(2, tokens.Count);
            Check.SequenceEqual(new[] { "1", "ä", null, null, null, null, null, null, null, "x" }, tokens[0]);
            Check.SequenceEqual(new[] { "2", null, null, null, null, null, null, null, null, null }, tokens[1]);
            Check.Equal(0, Store.Unpack(new byte[0]).Count);
            // A value equal to the previous token's is shared; one of the same length but other bytes is not.
            tokens = Store.Unpack(Encoding.UTF8.GetBytes("1\0ab\0\0\0\0\0\0\0\0é\0" + "2\0ac\0\0\0\0\0\0\0\0é\0" + "3\0ac\0\0\0\0\0\0\0x\0ë\0"));
            Check.SequenceEqual(new[] { "ab", "ac", "ac" }, tokens.Select(token => token[1]));
            Check.SequenceEqual(new[] { null, null, "x" }, tokens.Select(token => token[8]));
            Check.SequenceEqual(new[] { "é", "é", "ë" }, tokens.Select(token => token[9]));
            Check.True(ReferenceEquals(tokens[1][1], tokens[2][1]), "an equal value is the same string");
            var error = Check.Throws<ZtsException>(() => Store.Unpack(Encoding.ASCII.GetBytes("1\0\0\0")));
            Check.Equal("ZTS_INTERNAL", error.StatusName);
            Check.Throws<ZtsException>(() => Store.Unpack(Encoding.ASCII.GetBytes("1\0\0\0\0\0\0\0\0\0\0tail")));
        }

        [Test]
        public void PackLeavesToJsonWhatItCannotCarry()
        {
            Check.True(Store.Pack(With(User, 5, "A\0T")) == null, "a NUL");
            Check.True(Store.Pack(With(User, 5, "A\uD800T")) == null, "a lone surrogate");
            Check.True(Store.Pack(With(User, 5, new string('a', 64 * 1024))) == null, "over 64 KiB");
            Check.True(Store.Pack(With(User, 5, new string('a', 60 * 1024))) != null, "under 64 KiB");
            Check.Throws<ArgumentNullException>(() => Store.Pack(null));
            Check.Throws<ArgumentException>(() => Store.Pack(new string[9]));
        }

        [Test]
        public void ValuesCallsReturnWhatTheDictionaryCallsReturn()
        {
            using (var store = new Store(":memory:"))
            {
                string[] saved = store.SaveValues(User);
                Check.SequenceEqual(With(User, 0, "1"), saved);
                string[] other = store.SaveValues(With(With(User, 1, "grüß 日本 😀 \"q\" \\ ,\n"), 4, "1000.other"));
                Check.Equal("2", other[0]);
                Check.Equal("grüß 日本 😀 \"q\" \\ ,\n", other[1]);
                Check.SequenceEqual(Values(store.FindById("2")), store.FindByIdValues("2"));
                Check.SequenceEqual(Values(store.Find(Fields("user_name", User[1]))),
                    store.FindValues(new[] { null, User[1], null, null, null, null, null, null, null, null }));
                IList<IDictionary<string, string>> listed = store.List();
                IList<string[]> values = store.ListValues();
                Check.Equal(2, values.Count);
                for (int i = 0; i < listed.Count; i++) Check.SequenceEqual(Values(listed[i]), values[i]);
                // A refresh by id: the other values are kept, "" means absent.
                string[] refreshed = store.SaveValues(new[] { "1", null, null, null, null, "1000.new", "", "1", null, null });
                Check.SequenceEqual(new[] { "1", User[1], User[2], User[3], User[4], "1000.new", null, "1", User[8], User[9] }, refreshed);
                store.Purge();
                Check.Equal(0, store.ListValues().Count);
            }
        }

        [Test]
        public void RefusalsAreTheDictionaryCallsRefusals()
        {
            using (var store = new Store(":memory:"))
            {
                store.SaveValues(User);
                // Tokens the packed form cannot carry go as JSON: the same status and message.
                var cases = new Dictionary<string, string[]>
                {
                    { "a NUL", With(User, 5, "A\0T") },
                    { "a lone surrogate", With(User, 5, "A\uD800T") },
                    { "a value over the limit", With(User, 5, new string('a', 70000)) },
                    { "nothing to store", new string[10] },
                    { "an id that is not a number", With(User, 0, "x") },
                };
                foreach (var refused in cases)
                {
                    var fromJson = Check.Throws<ZtsException>(() => store.Save(ToDictionary(refused.Value)), refused.Key);
                    var fromValues = Check.Throws<ZtsException>(() => store.SaveValues(refused.Value), refused.Key);
                    Check.Equal(fromJson.StatusName, fromValues.StatusName, refused.Key);
                    Check.Equal(fromJson.Message, fromValues.Message, refused.Key);
                }
                var missing = Check.Throws<ZtsException>(() => store.FindByIdValues("7"));
                Check.Equal("ZTS_NOT_FOUND", missing.StatusName);
                Check.Equal(Check.Throws<ZtsException>(() => store.FindById("7")).Message, missing.Message);
                missing = Check.Throws<ZtsException>(() => store.FindValues(With(new string[10], 1, "nobody@example.com:1")));
                Check.Equal("ZTS_NOT_FOUND", missing.StatusName);
                Check.Equal("id contains a NUL character", Check.Throws<ZtsException>(() => store.FindByIdValues("1\0x")).Message);
                Check.Equal("ZTS_INVALID_ARGUMENT", Check.Throws<ZtsException>(() => store.FindByIdValues(null)).StatusName);
                // Nothing refused reached the stored token.
                Check.SequenceEqual(With(User, 0, "1"), store.ListValues().Single());
            }
        }

        [Test]
        public void ManyTokensListInIdOrder()
        {
            using (var store = new Store(":memory:"))
            {
                for (int n = 1; n <= 1500; n++) store.SaveValues(With(With(User, 1, "user" + n + "@example.com:1"), 4, "1000.r" + n));
                IList<string[]> values = store.ListValues();
                Check.Equal(1500, values.Count);
                for (int n = 1; n <= 1500; n++)
                {
                    Check.Equal(n.ToString(), values[n - 1][0]);
                    Check.Equal("user" + n + "@example.com:1", values[n - 1][1]);
                }
            }
        }

        [Test]
        public void AClosedStoreRefusesTheValuesCalls()
        {
            var store = new Store(":memory:");
            store.Dispose();
            var calls = new Dictionary<string, Action>
            {
                { "SaveValues", () => store.SaveValues(User) },
                { "FindValues", () => store.FindValues(User) },
                { "FindByIdValues", () => store.FindByIdValues("1") },
                { "ListValues", () => store.ListValues() },
            };
            foreach (var call in calls)
            {
                var error = Check.Throws<ObjectDisposedException>(call.Value, call.Key);
                Check.Contains("the zts store :memory: is closed", error.Message, call.Key);
            }
        }

        [Test]
        public void ZohoTokenStoreRefusesWhatThePackedFormCannotCarryAsJsonWould()
        {
            using (var store = new ZohoTokenStore(":memory:"))
            {
                var token = new OAuthToken { ClientId = "cid", ClientSecret = "csec", RefreshToken = "RT\0x", AccessToken = "AT" };
                token.UserSignature = new UserSignature("user@example.com:1");
                var error = Check.Throws<SDKException>(() => store.SaveToken(token));
                Check.Contains("ZTS_INVALID_JSON", error.Message);
                Check.Contains("refresh_token", error.Message);
                Check.Equal(0, store.GetTokens().Count);
                token.RefreshToken = "RT-" + new string('é', 40000); // 80,000 bytes: over the limit, as JSON says
                error = Check.Throws<SDKException>(() => store.SaveToken(token));
                Check.Contains("ZTS_INVALID_JSON", error.Message);
                Check.Equal(0, store.GetTokens().Count);
            }
        }

        private static Dictionary<string, string> ToDictionary(string[] values)
        {
            var token = new Dictionary<string, string>();
            for (int i = 0; i < Keys.Length; i++) token[Keys[i]] = values[i];
            return token;
        }
    }
}
