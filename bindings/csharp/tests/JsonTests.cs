using System.Collections.Generic;
using System.Linq;

namespace Zts.Tests
{
    /// <summary>The token JSON the binding writes and reads with Newtonsoft.Json (src/Zts/TokenJson.cs).</summary>
    public class JsonTests
    {
        // Strings Newtonsoft would change if left to its defaults (dates), or that need escapes.
        private static readonly string[] Awkward =
        {
            "2012-03-21T05:40:00Z", "2026-12-02", "/Date(1335205592410)/", "1795350239397", "1.5e3", "true", "null",
            "q\" b\\ \b\f\n\r\t \u0001 \u001f", "ä 日本 😀 \u2028", "{\"a\":1}", "",
        };

        [Test]
        public void TokensAreWrittenCompactInKeyOrder()
        {
            var token = new Dictionary<string, string> { { "id", "1" }, { "user_name", null }, { "access_token", "A\"T" } };
            Check.Equal("{\"id\":\"1\",\"user_name\":null,\"access_token\":\"A\\\"T\"}", TokenJson.Write(token));
        }

        [Test]
        public void WrittenTokensReadBackUnchanged()
        {
            var token = new Dictionary<string, string>();
            for (int i = 0; i < Awkward.Length; i++) token["k" + i] = Awkward[i];
            token["none"] = null;
            string json = TokenJson.Write(token);
            Check.Lacks("\n", json);
            IDictionary<string, string> read = TokenJson.ReadToken(json);
            Check.SequenceEqual(token.Keys, read.Keys, "keys in document order");
            foreach (KeyValuePair<string, string> pair in token) Check.Equal(pair.Value, read[pair.Key], pair.Key);
        }

        [Test]
        public void AListOfTokensIsRead()
        {
            Check.Equal(0, TokenJson.ReadTokens("[]").Count);
            IList<IDictionary<string, string>> tokens = TokenJson.ReadTokens("[{\"id\":\"1\",\"a\":null},{\"id\":\"2\",\"a\":\"2012-03-21T05:40:00Z\"}]");
            Check.Equal(2, tokens.Count);
            Check.Equal(null, tokens[0]["a"]);
            Check.Equal("2012-03-21T05:40:00Z", tokens[1]["a"]);
        }

        [Test]
        public void OptionsAreWrittenAsZtsOpenTakesThem()
        {
            var options = new StoreOptions { BusyTimeoutMs = 250, ReadOnly = false, Create = true, Synchronous = "normal" };
            Check.Equal("{\"busy_timeout_ms\":250,\"read_only\":false,\"create\":true,\"synchronous\":\"normal\"}", options.ToJson());
            Check.Equal(null, new StoreOptions().ToJson());
        }

        [Test]
        public void AwkwardValuesRoundTripThroughTheStore()
        {
            using (var store = new Store(":memory:"))
            {
                foreach (string value in Awkward.Where(value => value.Length > 0))
                {
                    IDictionary<string, string> saved = store.Save(Fixtures.Token("user_name", value, "access_token", value, "api_domain", value));
                    IDictionary<string, string> found = store.FindById(saved["id"]);
                    foreach (string key in new[] { "user_name", "access_token", "api_domain" }) Check.Equal(value, found[key], key);
                    Check.True(store.List().Any(token => token["api_domain"] == value), "listed: " + value);
                }
            }
        }
    }
}
