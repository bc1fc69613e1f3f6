using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Zts
{
    /// <summary>
    /// A small JSON reader and writer for the token JSON of the C ABI.
    /// </summary>
    /// <remarks>
    /// Why our own: the binding must build with Debian's Mono (mono-runtime ships neither
    /// System.Runtime.Serialization nor System.Web.Extensions) and on netstandard2.0 without extra
    /// packages (System.Text.Json is not part of it), and NuGet is not reachable to test with
    /// Newtonsoft.Json. The ABI only needs objects of strings and nulls, so this stays small.
    /// Objects read as Dictionary&lt;string, object&gt; in document order, arrays as List&lt;object&gt;,
    /// numbers as long (or double when not an integer), true/false as bool, null as null.
    /// </remarks>
    internal static class Json
    {
        // Deeper input is refused instead of overflowing the stack (the xlang driver reads hostile lines).
        private const int MaxDepth = 64;

        public static object Parse(string text)
        {
            if (text == null) throw new ArgumentNullException("text");
            var reader = new Reader(text);
            reader.SkipWhitespace();
            object value = reader.ReadValue(0);
            reader.SkipWhitespace();
            if (!reader.AtEnd) throw reader.Error("unexpected text after the JSON value");
            return value;
        }

        public static string Serialize(object value)
        {
            var builder = new StringBuilder();
            Write(builder, value);
            return builder.ToString();
        }

        private static void Write(StringBuilder builder, object value)
        {
            if (value == null) { builder.Append("null"); return; }
            var text = value as string;
            if (text != null) { WriteString(builder, text); return; }
            if (value is bool) { builder.Append((bool)value ? "true" : "false"); return; }
            if (value is int || value is long) { builder.Append(Convert.ToInt64(value).ToString(CultureInfo.InvariantCulture)); return; }
            if (value is double)
            {
                double number = (double)value;
                if (double.IsNaN(number) || double.IsInfinity(number)) throw new ArgumentException("JSON has no NaN or infinity");
                builder.Append(number.ToString("R", CultureInfo.InvariantCulture));
                return;
            }
            var strings = value as IEnumerable<KeyValuePair<string, string>>;
            if (strings != null) { WriteObject(builder, strings, pair => pair.Key, pair => pair.Value); return; }
            var objects = value as IEnumerable<KeyValuePair<string, object>>;
            if (objects != null) { WriteObject(builder, objects, pair => pair.Key, pair => pair.Value); return; }
            var items = value as IEnumerable;
            if (items != null)
            {
                builder.Append('[');
                bool first = true;
                foreach (object item in items)
                {
                    if (!first) builder.Append(',');
                    first = false;
                    Write(builder, item);
                }
                builder.Append(']');
                return;
            }
            throw new ArgumentException("cannot write a " + value.GetType().Name + " as JSON");
        }

        private static void WriteObject<T>(StringBuilder builder, IEnumerable<T> pairs, Func<T, string> key, Func<T, object> value)
        {
            builder.Append('{');
            bool first = true;
            foreach (T pair in pairs)
            {
                if (!first) builder.Append(',');
                first = false;
                WriteString(builder, key(pair));
                builder.Append(':');
                Write(builder, value(pair));
            }
            builder.Append('}');
        }

        private static void WriteString(StringBuilder builder, string text)
        {
            builder.Append('"');
            foreach (char c in text)
            {
                switch (c)
                {
                    case '"': builder.Append("\\\""); break;
                    case '\\': builder.Append("\\\\"); break;
                    case '\n': builder.Append("\\n"); break;
                    case '\r': builder.Append("\\r"); break;
                    case '\t': builder.Append("\\t"); break;
                    default:
                        if (c < 0x20) builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                        else builder.Append(c);
                        break;
                }
            }
            builder.Append('"');
        }

        private sealed class Reader
        {
            private readonly string text;
            private int position;

            public Reader(string text) { this.text = text; }

            public bool AtEnd { get { return position >= text.Length; } }

            public FormatException Error(string what)
            {
                return new FormatException("invalid JSON at offset " + position + ": " + what);
            }

            public void SkipWhitespace()
            {
                while (!AtEnd && (text[position] == ' ' || text[position] == '\t' || text[position] == '\n' || text[position] == '\r'))
                    position++;
            }

            public object ReadValue(int depth)
            {
                if (depth > MaxDepth) throw Error("nested deeper than " + MaxDepth);
                if (AtEnd) throw Error("a value is missing");
                char c = text[position];
                switch (c)
                {
                    case '{': return ReadObject(depth);
                    case '[': return ReadArray(depth);
                    case '"': return ReadString();
                    case 't': ReadWord("true"); return true;
                    case 'f': ReadWord("false"); return false;
                    case 'n': ReadWord("null"); return null;
                    default:
                        if (c == '-' || (c >= '0' && c <= '9')) return ReadNumber();
                        throw Error("unexpected character '" + c + "'");
                }
            }

            private Dictionary<string, object> ReadObject(int depth)
            {
                var result = new Dictionary<string, object>();
                position++; // {
                SkipWhitespace();
                if (!AtEnd && text[position] == '}') { position++; return result; }
                while (true)
                {
                    SkipWhitespace();
                    if (AtEnd || text[position] != '"') throw Error("an object key must be a string");
                    string key = ReadString();
                    if (result.ContainsKey(key)) throw Error("the key \"" + key + "\" is repeated");
                    SkipWhitespace();
                    Expect(':');
                    SkipWhitespace();
                    result.Add(key, ReadValue(depth + 1));
                    SkipWhitespace();
                    if (AtEnd) throw Error("the object is not closed");
                    if (text[position] == ',') { position++; continue; }
                    Expect('}');
                    return result;
                }
            }

            private List<object> ReadArray(int depth)
            {
                var result = new List<object>();
                position++; // [
                SkipWhitespace();
                if (!AtEnd && text[position] == ']') { position++; return result; }
                while (true)
                {
                    SkipWhitespace();
                    result.Add(ReadValue(depth + 1));
                    SkipWhitespace();
                    if (AtEnd) throw Error("the array is not closed");
                    if (text[position] == ',') { position++; continue; }
                    Expect(']');
                    return result;
                }
            }

            private string ReadString()
            {
                position++; // opening quote
                var builder = new StringBuilder();
                while (true)
                {
                    if (AtEnd) throw Error("the string is not closed");
                    char c = text[position++];
                    if (c == '"') return builder.ToString();
                    if (c < 0x20) throw Error("a control character inside a string");
                    if (c != '\\') { builder.Append(c); continue; }
                    if (AtEnd) throw Error("the string is not closed");
                    char escape = text[position++];
                    switch (escape)
                    {
                        case '"': builder.Append('"'); break;
                        case '\\': builder.Append('\\'); break;
                        case '/': builder.Append('/'); break;
                        case 'b': builder.Append('\b'); break;
                        case 'f': builder.Append('\f'); break;
                        case 'n': builder.Append('\n'); break;
                        case 'r': builder.Append('\r'); break;
                        case 't': builder.Append('\t'); break;
                        case 'u':
                            // A surrogate pair arrives as two escapes; appending both UTF-16 units rebuilds it.
                            if (position + 4 > text.Length) throw Error("a \\u escape needs four hex digits");
                            int code;
                            if (!int.TryParse(text.Substring(position, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out code))
                                throw Error("a \\u escape needs four hex digits");
                            builder.Append((char)code);
                            position += 4;
                            break;
                        default: throw Error("unknown escape \\" + escape);
                    }
                }
            }

            private object ReadNumber()
            {
                int start = position;
                if (text[position] == '-') position++;
                int digits = position;
                while (!AtEnd && text[position] >= '0' && text[position] <= '9') position++;
                if (position == digits) throw Error("a number needs digits");
                if (text[digits] == '0' && position - digits > 1) throw Error("a number has a leading zero");
                bool integral = true;
                if (!AtEnd && text[position] == '.')
                {
                    integral = false;
                    position++;
                    int fraction = position;
                    while (!AtEnd && text[position] >= '0' && text[position] <= '9') position++;
                    if (position == fraction) throw Error("a fraction needs digits");
                }
                if (!AtEnd && (text[position] == 'e' || text[position] == 'E'))
                {
                    integral = false;
                    position++;
                    if (!AtEnd && (text[position] == '+' || text[position] == '-')) position++;
                    int exponent = position;
                    while (!AtEnd && text[position] >= '0' && text[position] <= '9') position++;
                    if (position == exponent) throw Error("an exponent needs digits");
                }
                string number = text.Substring(start, position - start);
                long whole;
                if (integral && long.TryParse(number, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out whole))
                    return whole;
                return double.Parse(number, NumberStyles.Float, CultureInfo.InvariantCulture);
            }

            private void ReadWord(string word)
            {
                if (string.CompareOrdinal(text, position, word, 0, word.Length) != 0) throw Error("unexpected text");
                position += word.Length;
            }

            private void Expect(char c)
            {
                if (AtEnd || text[position] != c) throw Error("expected '" + c + "'");
                position++;
            }
        }
    }
}
