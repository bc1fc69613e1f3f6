using System;
using System.Collections.Generic;
using System.Linq;

namespace Zts.Tests
{
    /// <summary>The binding's small JSON reader and writer (src/Zts/Json.cs).</summary>
    public class JsonTests
    {
        [Test]
        public void ValuesOfEveryKindAreRead()
        {
            var document = (Dictionary<string, object>)Json.Parse(
                " {\"s\":\"x\",\"n\":null,\"t\":true,\"f\":false,\"i\":-12,\"big\":4102444839397,\"d\":1.5e3,\"a\":[1,[],{}],\"o\":{}} ");
            Check.SequenceEqual(new[] { "s", "n", "t", "f", "i", "big", "d", "a", "o" }, document.Keys, "keys in document order");
            Check.Equal("x", (string)document["s"]);
            Check.Equal(null, document["n"]);
            Check.Equal(true, (bool)document["t"]);
            Check.Equal(false, (bool)document["f"]);
            Check.Equal(-12L, (long)document["i"]);
            Check.Equal(4102444839397L, (long)document["big"]);
            Check.Equal(1500.0, (double)document["d"]);
            var array = (List<object>)document["a"];
            Check.Equal(3, array.Count);
            Check.Equal(0, ((List<object>)array[1]).Count);
            Check.Equal(0, ((Dictionary<string, object>)document["o"]).Count);
        }

        [Test]
        public void EscapesAreDecoded()
        {
            string text = (string)Json.Parse("\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t \\u00e4 \\ud83d\\ude00 grüß\"");
            Check.Equal("q\" b\\ s/ \b\f\n\r\t ä 😀 grüß", text);
        }

        [Test]
        public void WrittenStringsReadBackUnchanged()
        {
            string original = "q\" b\\ \b\f\n\r\t \u0001 \u001f ä 日本 😀 \u2028";
            string json = Json.Serialize(original);
            Check.Lacks("\n", json);
            Check.Contains("\\u0001", json);
            Check.Equal(original, (string)Json.Parse(json));
        }

        [Test]
        public void ObjectsAndListsAreWrittenCompactInOrder()
        {
            var token = new Dictionary<string, string> { { "id", "1" }, { "user_name", null }, { "access_token", "A\"T" } };
            Check.Equal("{\"id\":\"1\",\"user_name\":null,\"access_token\":\"A\\\"T\"}", Json.Serialize(token));
            var mixed = new Dictionary<string, object> { { "n", 5L }, { "b", true }, { "l", new List<object> { 1, "x", null } }, { "d", 0.5 } };
            Check.Equal("{\"n\":5,\"b\":true,\"l\":[1,\"x\",null],\"d\":0.5}", Json.Serialize(mixed));
            Check.Equal("[]", Json.Serialize(new string[0]));
        }

        [TestCases]
        public IEnumerable<TestCase> MalformedTextIsRefused()
        {
            var cases = new[]
            {
                "", "{", "{\"a\":1", "{\"a\" 1}", "{a:1}", "[1,]", "[1 2]", "\"open", "\"\\x\"", "\"\\u12\"", "tru",
                "01", "-", "1.", "1e", "{\"a\":1} x", "{\"a\":1,\"a\":2}", "\"tab\there\"", "nul",
                new string('[', 100) + new string(']', 100),
            };
            foreach (string text in cases)
            {
                string malformed = text;
                yield return new TestCase(malformed.Length > 20 ? malformed.Substring(0, 20) + "..." : malformed,
                    () => Check.Throws<FormatException>(() => Json.Parse(malformed)));
            }
        }

        [Test]
        public void NestingUpToTheLimitIsRead()
        {
            var nested = (List<object>)Json.Parse(new string('[', 60) + new string(']', 60));
            Check.Equal(1, nested.Count);
        }

        [Test]
        public void ValuesThatAreNotJsonAreRefused()
        {
            Check.Throws<ArgumentException>(() => Json.Serialize(new object()));
            Check.Throws<ArgumentException>(() => Json.Serialize(double.NaN));
            Check.Throws<ArgumentNullException>(() => Json.Parse(null));
        }

        [Test]
        public void TheVectorFileRoundTrips()
        {
            // The whole vector file, read, written and read again, gives the same document.
            object first = Json.Parse(System.IO.File.ReadAllText(Fixtures.VectorsFile));
            string written = Json.Serialize(first);
            Check.Equal(written, Json.Serialize(Json.Parse(written)));
            Check.True(((List<object>)((Dictionary<string, object>)first)["cases"]).Any(), "cases");
        }
    }
}
