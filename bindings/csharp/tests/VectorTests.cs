using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace Zts.Tests
{
    /// <summary>Replays the shared vectors (tests/vectors/store.json, format in its README) through Store.</summary>
    public class VectorTests
    {
        private static List<object> Cases()
        {
            var document = (Dictionary<string, object>)TestJson.Parse(File.ReadAllText(Fixtures.VectorsFile));
            return (List<object>)document["cases"];
        }

        [TestCases]
        public IEnumerable<TestCase> SharedVectors()
        {
            foreach (Dictionary<string, object> vector in Cases())
            {
                Dictionary<string, object> current = vector;
                yield return new TestCase((string)current["name"], () => Replay(current));
            }
        }

        [Test]
        public void TheVectorsAreAllReplayed()
        {
            // Guards against an empty or misread vector file making the replay vacuous.
            List<object> cases = Cases();
            Check.True(cases.Count >= 10, "at least 10 cases, got " + cases.Count);
            int steps = cases.Sum(vector => ((List<object>)((Dictionary<string, object>)vector)["steps"]).Count);
            Check.True(steps > 100, "more than 100 steps, got " + steps);
        }

        private static int tables;

        /// <summary>":memory:", or with ZTS_MYSQL_URL (tests/mysql/bindings.sh) a new table on that server.</summary>
        private static string VectorLocation()
        {
            string url = Environment.GetEnvironmentVariable("ZTS_MYSQL_URL");
            if (string.IsNullOrEmpty(url)) return ":memory:";
            return url + "?table=vectors_csharp_" + System.Diagnostics.Process.GetCurrentProcess().Id + "_" +
                   System.Threading.Interlocked.Increment(ref tables);
        }

        private static void Replay(Dictionary<string, object> vector)
        {
            using (var store = new Store(VectorLocation()))
            {
                int number = 0;
                foreach (Dictionary<string, object> step in (List<object>)vector["steps"])
                {
                    number++;
                    string at = vector["name"] + " / step " + number;
                    string status = "ZTS_OK", message = null;
                    object result = null;
                    try
                    {
                        result = RunStep(store, step);
                    }
                    catch (ZtsException error)
                    {
                        status = error.StatusName;
                        message = error.Message;
                    }
                    Check.Equal((string)step["status"], status, at + " (error: " + message + ")");
                    if (status != "ZTS_OK")
                    {
                        Check.True(!string.IsNullOrEmpty(message), at + ": an error message");
                        foreach (string text in Strings(step, "error_contains")) Check.Contains(text, message, at);
                        foreach (string text in Strings(step, "error_excludes")) Check.Lacks(text, message, at);
                    }
                    if (!step.ContainsKey("result")) continue;
                    var expectedList = step["result"] as List<object>;
                    if (expectedList == null)
                    {
                        CheckToken((Dictionary<string, object>)step["result"], (IDictionary<string, string>)result, at);
                        continue;
                    }
                    var actualList = (IList<IDictionary<string, string>>)result;
                    Check.Equal(expectedList.Count, actualList.Count, at + ": list length");
                    for (int i = 0; i < expectedList.Count; i++)
                        CheckToken((Dictionary<string, object>)expectedList[i], actualList[i], at + ": list item " + i);
                }
            }
        }

        /// <summary>Runs one step; returns the token, the list, or null.</summary>
        private static object RunStep(Store store, Dictionary<string, object> step)
        {
            string op = (string)step["op"];
            switch (op)
            {
                case "save":
                case "find":
                    bool save = op == "save";
                    if (!step.ContainsKey("token"))
                    {
                        string json = (string)step["json"]; // passed verbatim: malformed on purpose
                        return ReadToken(save ? store.SaveJson(json) : store.FindJson(json));
                    }
                    var token = (Dictionary<string, object>)step["token"];
                    IDictionary<string, string> strings = AsStrings(token);
                    if (strings != null) return save ? store.Save(strings) : store.Find(strings);
                    // A value that is not a string (an integer expiry_time) goes through the JSON text API.
                    string text = TestJson.Serialize(token);
                    return ReadToken(save ? store.SaveJson(text) : store.FindJson(text));
                case "find_by_id":
                    return store.FindById((string)step["id"]);
                case "delete":
                    store.Delete((string)step["id"]);
                    return null;
                case "list":
                    return store.List();
                case "purge":
                    store.Purge();
                    return null;
                default:
                    throw new CheckFailed("unknown op " + op);
            }
        }

        private static IDictionary<string, string> AsStrings(Dictionary<string, object> token)
        {
            var strings = new Dictionary<string, string>();
            foreach (KeyValuePair<string, object> pair in token)
            {
                if (pair.Value != null && !(pair.Value is string)) return null;
                strings[pair.Key] = (string)pair.Value;
            }
            return strings;
        }

        private static IDictionary<string, string> ReadToken(string json)
        {
            var token = (Dictionary<string, object>)TestJson.Parse(json);
            return token.ToDictionary(pair => pair.Key, pair => (string)pair.Value);
        }

        private static IEnumerable<string> Strings(Dictionary<string, object> step, string key)
        {
            return step.ContainsKey(key) ? ((List<object>)step[key]).Cast<string>() : Enumerable.Empty<string>();
        }

        /// <summary>Exactly the ten keys; each equals the expected value, or null when the expected token leaves it out.</summary>
        private static void CheckToken(Dictionary<string, object> expected, IDictionary<string, string> actual, string at)
        {
            Check.True(actual != null, at + ": a token");
            Check.SequenceEqual(Fixtures.Keys.OrderBy(key => key), actual.Keys.OrderBy(key => key), at + ": keys");
            foreach (string key in Fixtures.Keys)
            {
                object value;
                expected.TryGetValue(key, out value);
                Check.Equal((string)value, actual[key], at + ": key " + key);
            }
        }
    }
}
