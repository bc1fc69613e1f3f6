using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Text;
using Com.Zoho.API.Authenticator;
using Com.Zoho.API.Exception;

namespace Zts.Tests
{
    /// <summary>
    /// The C# SDK's GetToken (replayed by SdkFlow) in a loop against a real accounts server, for the
    /// refresh coordination test (tests/refresh/run.py): Zts.Tests.exe --child sdk-loop SPEC_JSON, where
    /// SPEC_JSON has "path" (the store file), "port" (the fake accounts server's on 127.0.0.1), "token"
    /// ({"id": ...}) and "loop" ({"stop_file", "pause_ms"}). Prints "READY" after the first GetToken (the
    /// SDK's initialize), then calls GetToken every pause_ms until stop_file exists (errors counted, not
    /// fatal), then one JSON line {"last", "calls", "errors", "max_ms"}. ZTS_REFRESH_LEASE_MS, when set,
    /// is passed as RefreshLeaseMs (the refresh lead stays the C# SDK's, as ZohoTokenStore sets it).
    /// </summary>
    internal static class SdkLoop
    {
        public static int Run(string specJson)
        {
            var spec = (Dictionary<string, object>)TestJson.Parse(specJson);
            var loop = (Dictionary<string, object>)spec["loop"];
            string baseUrl = "http://127.0.0.1:" + Convert.ToInt64(spec["port"]);
            string lease = Environment.GetEnvironmentVariable("ZTS_REFRESH_LEASE_MS");
            var options = new StoreOptions();
            if (!string.IsNullOrEmpty(lease)) options.RefreshLeaseMs = int.Parse(lease);
            using (var store = new ZohoTokenStore((string)spec["path"], options))
            {
                var flow = new SdkFlow(store, (token, grantType) => Exchange(baseUrl + "/oauth/v2/token", token, grantType), baseUrl);
                var self = new OAuthToken { Id = (string)((Dictionary<string, object>)spec["token"])["id"] };
                flow.GetToken(self);
                Console.WriteLine("READY");
                Console.Out.Flush();
                string last = null;
                long calls = 0, errors = 0, maxMs = 0;
                long pauseMs = Convert.ToInt64(loop["pause_ms"]);
                while (!File.Exists((string)loop["stop_file"]))
                {
                    var watch = Stopwatch.StartNew();
                    try
                    {
                        last = flow.GetToken(self);
                    }
                    catch (Exception error)
                    {
                        errors++;
                        Console.Error.WriteLine("GetToken: " + error.Message);
                    }
                    calls++;
                    maxMs = Math.Max(maxMs, watch.ElapsedMilliseconds);
                    System.Threading.Thread.Sleep((int)pauseMs);
                }
                Console.WriteLine(TestJson.Serialize(new Dictionary<string, object>
                {
                    { "last", last }, { "calls", calls }, { "errors", errors }, { "max_ms", maxMs },
                }));
            }
            return 0;
        }

        /// <summary>The SDK's token request: a form POST; the answer sets the token as the C# SDK does.</summary>
        private static void Exchange(string url, OAuthToken token, string grantType)
        {
            string form = "client_id=" + Uri.EscapeDataString(token.ClientId) + "&client_secret=" + Uri.EscapeDataString(token.ClientSecret) +
                "&grant_type=" + grantType + "&refresh_token=" + Uri.EscapeDataString(token.RefreshToken ?? "");
            var request = (HttpWebRequest)WebRequest.Create(url);
            request.Method = "POST";
            request.ContentType = "application/x-www-form-urlencoded";
            request.Proxy = null;
            byte[] body = Encoding.UTF8.GetBytes(form);
            using (Stream stream = request.GetRequestStream()) stream.Write(body, 0, body.Length);
            string answer;
            using (var response = (HttpWebResponse)request.GetResponse())
            using (var reader = new StreamReader(response.GetResponseStream(), Encoding.UTF8))
            {
                answer = reader.ReadToEnd();
            }
            var fields = (Dictionary<string, object>)TestJson.Parse(answer);
            object accessToken;
            if (!fields.TryGetValue("access_token", out accessToken))
                throw new SDKException("INVALID TOKEN ERROR", "no access token in the answer");
            token.AccessToken = (string)accessToken;
            // The C# SDK stores the expiry 10 minutes early: now + expires_in*1000 - 600000.
            token.ExpiresIn = (SdkFlow.Now() + Convert.ToInt64(fields["expires_in"]) * 1000 - 600000).ToString();
            if (fields.ContainsKey("refresh_token")) token.RefreshToken = (string)fields["refresh_token"];
            if (fields.ContainsKey("api_domain")) token.APIDomain = (string)fields["api_domain"];
        }
    }
}
