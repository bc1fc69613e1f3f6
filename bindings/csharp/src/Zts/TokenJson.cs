using System.Collections.Generic;
using System.Globalization;
using System.IO;
using Newtonsoft.Json;

namespace Zts
{
    /// <summary>
    /// The token JSON of the C ABI, read and written with Newtonsoft.Json, which the Zoho C# SDK
    /// already brings. Tokens are objects of strings and nulls, so the reader and writer are used
    /// directly, without a document model or reflection.
    /// </summary>
    internal static class TokenJson
    {
        /// <summary>A token (or any object of strings and nulls) as compact JSON, in its key order.</summary>
        public static string Write(IEnumerable<KeyValuePair<string, string>> token)
        {
            var text = new StringWriter(CultureInfo.InvariantCulture);
            using (var writer = new JsonTextWriter(text))
            {
                writer.WriteStartObject();
                foreach (KeyValuePair<string, string> pair in token)
                {
                    writer.WritePropertyName(pair.Key);
                    writer.WriteValue(pair.Value);
                }
                writer.WriteEndObject();
            }
            return text.ToString();
        }

        /// <summary>Any value Newtonsoft can write (the open options), as compact JSON.</summary>
        public static string Write(object value)
        {
            return JsonConvert.SerializeObject(value, Formatting.None);
        }

        /// <summary>One token as zts returns it: an object whose values are strings or null.</summary>
        public static IDictionary<string, string> ReadToken(string json)
        {
            using (JsonTextReader reader = Reader(json))
            {
                reader.Read();
                return ReadObject(reader);
            }
        }

        /// <summary>The array of tokens zts_list returns.</summary>
        public static IList<IDictionary<string, string>> ReadTokens(string json)
        {
            var tokens = new List<IDictionary<string, string>>();
            using (JsonTextReader reader = Reader(json))
            {
                reader.Read(); // [
                while (reader.Read() && reader.TokenType == JsonToken.StartObject) tokens.Add(ReadObject(reader));
            }
            return tokens;
        }

        private static JsonTextReader Reader(string json)
        {
            // DateParseHandling.None: by default Newtonsoft turns a string that looks like a date into a
            // DateTime, and it would come back in another format, a changed token.
            return new JsonTextReader(new StringReader(json)) { DateParseHandling = DateParseHandling.None };
        }

        // The reader is on StartObject; leaves it on the matching EndObject.
        private static IDictionary<string, string> ReadObject(JsonTextReader reader)
        {
            if (reader.TokenType != JsonToken.StartObject) throw new JsonReaderException("zts returned no token object");
            var token = new Dictionary<string, string>(10);
            while (reader.Read() && reader.TokenType == JsonToken.PropertyName)
            {
                var key = (string)reader.Value;
                reader.Read();
                token.Add(key, reader.TokenType == JsonToken.Null ? null : (string)reader.Value);
            }
            return token;
        }
    }
}
