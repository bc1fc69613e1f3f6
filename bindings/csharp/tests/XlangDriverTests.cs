using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using static Zts.Tests.Fixtures;

namespace Zts.Tests
{
    /// <summary>The cross-language driver (tests/xlang/PROTOCOL.md), run through bindings/csharp/xlang-driver.</summary>
    public class XlangDriverTests : IDisposable
    {
        private static readonly string Driver = Path.Combine(BindingDirectory, "xlang-driver");

        private readonly TempDirectory temp = new TempDirectory();

        public void Dispose()
        {
            temp.Dispose();
        }

        /// <summary>Runs the driver from another working directory; returns its parsed response lines.</summary>
        private List<Dictionary<string, object>> Drive(string arguments, IEnumerable<string> requests, int expectedExit = 0)
        {
            ProcessResult run = Run("bash", Quote(Driver) + " " + arguments, string.Concat(requests.Select(request => request + "\n")), temp.Path);
            Check.Equal(expectedExit, run.ExitCode, run.ToString());
            Check.True(run.Stdout.EndsWith("\n") && !run.Stdout.Contains("\r"), "LF-terminated lines: " + run.Stdout);
            return run.Stdout.TrimEnd('\n').Split('\n').Select(line => (Dictionary<string, object>)TestJson.Parse(line)).ToList();
        }

        private static void CheckResponse(Dictionary<string, object> response, string status, string what)
        {
            Check.SequenceEqual(new[] { "status", "result", "error" }, response.Keys, what + ": keys");
            Check.Equal(status, (string)response["status"], what + ": " + TestJson.Serialize(response));
            if (status == "ZTS_OK") Check.Equal(null, response["error"], what);
            else Check.True(response["result"] == null && ((string)response["error"]).Length > 0, what + ": an error and no result");
        }

        [Test]
        public void EveryOpGetsOneResponseInOrder()
        {
            string path = temp.File("tokens.db");
            string[] requests =
            {
                "{\"op\":\"version\"}",
                "{\"op\":\"save\",\"token\":{\"user_name\":\"grüß 日本 😀\",\"client_id\":\"cid\",\"client_secret\":\"csec\",\"refresh_token\":\"RT1\",\"access_token\":\"AT1\",\"expiry_time\":4102444839397}}",
                "{\"op\":\"find\",\"token\":{\"user_name\":\"grüß 日本 😀\"}}",
                "{\"op\":\"find_by_id\",\"id\":\"1\"}",
                "{\"op\":\"save\",\"json\":\"{\\\"access_token\\\":\\\"ATX\\\"}\"}",
                "{\"op\":\"find\",\"json\":\"{\\\"access_token\\\":\\\"ATX\\\"}\"}",
                "{\"op\":\"list\"}",
                "{\"op\":\"delete\",\"id\":\"2\"}",
                "{\"op\":\"find_by_id\",\"id\":\"2\"}",
                "{\"op\":\"save\",\"json\":\"{not json\"}",
                "{\"op\":\"purge\"}",
                "{\"op\":\"list\"}",
            };
            List<Dictionary<string, object>> responses = Drive(Quote(path), requests);
            Check.Equal(requests.Length, responses.Count, "one response per request");

            CheckResponse(responses[0], "ZTS_OK", "version");
            Check.Equal(Store.LibraryVersion, (string)responses[0]["result"]);
            CheckResponse(responses[1], "ZTS_OK", "save token");
            var saved = (Dictionary<string, object>)responses[1]["result"];
            Check.SequenceEqual(Keys, saved.Keys, "all ten keys, in zts's order");
            Check.Equal("1", (string)saved["id"]);
            Check.Equal("grüß 日本 😀", (string)saved["user_name"]);
            Check.Equal("4102444839397", (string)saved["expiry_time"]);
            Check.Equal(null, saved["grant_token"]);
            CheckResponse(responses[2], "ZTS_OK", "find token");
            Check.Equal(TestJson.Serialize(saved), TestJson.Serialize(responses[2]["result"]));
            CheckResponse(responses[3], "ZTS_OK", "find_by_id");
            Check.Equal(TestJson.Serialize(saved), TestJson.Serialize(responses[3]["result"]));
            CheckResponse(responses[4], "ZTS_OK", "save json");
            Check.Equal("2", (string)((Dictionary<string, object>)responses[4]["result"])["id"]);
            CheckResponse(responses[5], "ZTS_OK", "find json");
            CheckResponse(responses[6], "ZTS_OK", "list");
            Check.SequenceEqual(new[] { "1", "2" }, ((List<object>)responses[6]["result"]).Select(token => (string)((Dictionary<string, object>)token)["id"]));
            CheckResponse(responses[7], "ZTS_OK", "delete");
            Check.Equal(null, responses[7]["result"]);
            CheckResponse(responses[8], "ZTS_NOT_FOUND", "find_by_id of a deleted id");
            CheckResponse(responses[9], "ZTS_INVALID_JSON", "malformed json");
            CheckResponse(responses[10], "ZTS_OK", "purge");
            CheckResponse(responses[11], "ZTS_OK", "list after purge");
            Check.Equal(0, ((List<object>)responses[11]["result"]).Count);
        }

        [Test]
        public void TheErrorIsTheZtsMessageExactly()
        {
            string[] requests = { "{\"op\":\"find\",\"token\":{\"user_name\":\"nobody\"}}" };
            Dictionary<string, object> response = Drive(":memory:", requests).Single();
            CheckResponse(response, "ZTS_NOT_FOUND", "miss");
            using (var store = new Store(":memory:"))
            {
                var error = Check.Throws<ZtsException>(() => store.Find(Fields("user_name", "nobody")));
                Check.Equal(error.Message, (string)response["error"]);
            }
        }

        [Test]
        public void TokensSavedByTheDriverAreReadByTheStoreLayer()
        {
            string path = temp.File("tokens.db");
            Drive(Quote(path), new[] { "{\"op\":\"save\",\"token\":{\"access_token\":\"ATX\",\"api_domain\":\"http://127.0.0.1:1\"}}" });
            using (var store = new Store(path))
            {
                Check.SameToken(Token("id", "1", "access_token", "ATX", "api_domain", "http://127.0.0.1:1"), store.FindById("1"));
            }
        }

        [TestCases]
        public IEnumerable<TestCase> BadRequestsGetDriverErrorAndTheDriverKeepsServing()
        {
            var requests = new Dictionary<string, string>
            {
                { "not JSON", "{op: save}" },
                { "not an object", "[\"list\"]" },
                { "blank line", "" },
                { "unknown op", "{\"op\":\"explode\"}" },
                { "no op", "{\"id\":\"1\"}" },
                { "id not a string", "{\"op\":\"find_by_id\",\"id\":1}" },
                { "token not an object", "{\"op\":\"save\",\"token\":\"AT\"}" },
                { "neither token nor json", "{\"op\":\"save\"}" },
            };
            foreach (var pair in requests)
            {
                string request = pair.Value;
                yield return new TestCase(pair.Key, () =>
                {
                    using (var run = new XlangDriverTests())
                    {
                        List<Dictionary<string, object>> responses = run.Drive(":memory:", new[] { request, "{\"op\":\"list\"}" });
                        Check.Equal(2, responses.Count, "one response per line");
                        CheckResponse(responses[0], "DRIVER_ERROR", request);
                        CheckResponse(responses[1], "ZTS_OK", "the next request");
                    }
                });
            }
        }

        [Test]
        public void ANulInTheJsonTextIsRefusedNotCut()
        {
            // The request's "json" decodes to text holding a NUL character.
            Dictionary<string, object> response = Drive(":memory:", new[] { "{\"op\":\"save\",\"json\":\"{\\\"access_token\\\":\\\"A\\u0000T\\\"}\"}" }).Single();
            CheckResponse(response, "ZTS_INVALID_ARGUMENT", "NUL");
            Check.Contains("NUL", (string)response["error"]);
        }

        [Test]
        public void OptionsArePassedToOpen()
        {
            string path = temp.File("tokens.db");
            Dictionary<string, object> response = Drive(Quote(path) + " " + Quote("{\"create\":false}"), new string[0], 1).Single();
            CheckResponse(response, "ZTS_IO", "create false on a missing file");
            Check.True(!File.Exists(path), "no file created");
            response = Drive(":memory: " + Quote("{\"colour\":1}"), new string[0], 1).Single();
            CheckResponse(response, "ZTS_INVALID_ARGUMENT", "unknown option");
            Check.Contains("colour", (string)response["error"]);
            response = Drive(Quote(path) + " " + Quote("{\"synchronous\":\"normal\",\"busy_timeout_ms\":100}"), new[] { "{\"op\":\"list\"}" }).Single();
            CheckResponse(response, "ZTS_OK", "valid options");
        }

        [Test]
        public void AFailedOpenWritesOneResponseAndExits1()
        {
            ProcessResult run = Run("bash", Quote(Driver) + " " + Quote(temp.File("missing/tokens.db")), "{\"op\":\"list\"}\n", temp.Path);
            Check.Equal(1, run.ExitCode, run.ToString());
            string[] lines = run.Stdout.TrimEnd('\n').Split('\n');
            Check.Equal(1, lines.Length, "one line");
            CheckResponse((Dictionary<string, object>)TestJson.Parse(lines[0]), "ZTS_IO", "open");
        }

        [Test]
        public void WithoutAStorePathItPrintsUsageToStderr()
        {
            ProcessResult run = Run("bash", Quote(Driver), "", temp.Path);
            Check.Equal(2, run.ExitCode, run.ToString());
            Check.Equal("", run.Stdout);
            Check.Contains("usage", run.Stderr);
        }
    }
}
