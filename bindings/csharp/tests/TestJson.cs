using System.Collections.Generic;
using System.IO;
using System.Linq;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Zts.Tests
{
    /// <summary>
    /// JSON for the tests, with Newtonsoft.Json: documents read as plain values (Dictionary&lt;string,
    /// object&gt; in document order, List&lt;object&gt;, long, double, bool, string, null) so that the
    /// tests can walk the vector file and the driver's responses.
    /// </summary>
    public static class TestJson
    {
        public static object Parse(string text)
        {
            using (var reader = new JsonTextReader(new StringReader(text)) { DateParseHandling = DateParseHandling.None })
            {
                return Plain(JToken.ReadFrom(reader));
            }
        }

        public static string Serialize(object value)
        {
            return JsonConvert.SerializeObject(value, Formatting.None);
        }

        private static object Plain(JToken token)
        {
            switch (token.Type)
            {
                case JTokenType.Object:
                    var result = new Dictionary<string, object>();
                    foreach (JProperty property in ((JObject)token).Properties()) result.Add(property.Name, Plain(property.Value));
                    return result;
                case JTokenType.Array:
                    return token.Select(Plain).ToList();
                case JTokenType.Null:
                    return null;
                default:
                    return ((JValue)token).Value;
            }
        }
    }
}
