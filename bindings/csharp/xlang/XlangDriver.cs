using System;
using System.IO;
using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Zts;

/// <summary>
/// The cross-language driver of tests/xlang/PROTOCOL.md: `xlang-driver STORE_PATH [OPTIONS_JSON]`.
/// One JSON request per stdin line, one response line per request on stdout; only the public Store
/// layer is used, and results are zts's JSON text as returned.
/// </summary>
public static class XlangDriver
{
    private const string DriverError = "DRIVER_ERROR";

    public static int Main(string[] args)
    {
        // No BOM and "\n" line ends whatever the platform; flushed after every response.
        var output = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
        if (args.Length < 1 || args.Length > 2)
        {
            Console.Error.WriteLine("usage: xlang-driver STORE_PATH [OPTIONS_JSON]");
            return 2;
        }
        Store store;
        try
        {
            store = Store.Open(args[0], args.Length == 2 ? args[1] : null);
        }
        catch (ZtsException error)
        {
            output.WriteLine(Response(error.StatusName, null, error.Message));
            return 1;
        }
        catch (Exception error)
        {
            // The library could not be loaded: no zts status to report.
            output.WriteLine(Response(DriverError, null, error.Message));
            return 1;
        }
        using (store)
        {
            var input = new StreamReader(Console.OpenStandardInput(), new UTF8Encoding(false));
            string line;
            while ((line = input.ReadLine()) != null) output.WriteLine(Serve(store, line));
        }
        return 0;
    }

    private static string Serve(Store store, string line)
    {
        JObject request;
        try
        {
            request = ParseRequest(line);
        }
        catch (Exception error) when (error is JsonException || error is ArgumentException)
        {
            // ArgumentException: a repeated key.
            return Response(DriverError, null, "cannot parse the request: " + error.Message);
        }
        if (request == null) return Response(DriverError, null, "a request must be a JSON object");
        try
        {
            return Response("ZTS_OK", Call(store, request), null);
        }
        catch (ZtsException error)
        {
            return Response(error.StatusName, null, error.Message);
        }
        catch (Exception error)
        {
            // A malformed request (RequestException) or anything unforeseen: report it, keep serving.
            return Response(DriverError, null, error.Message);
        }
    }

    /// <summary>One JSON value and nothing after it; null when it is not an object.</summary>
    private static JObject ParseRequest(string line)
    {
        // No date parsing: a string must reach zts exactly as sent. Depth bounded: hostile lines.
        using (var reader = new JsonTextReader(new StringReader(line)) { DateParseHandling = DateParseHandling.None, MaxDepth = 64 })
        {
            JToken request = JToken.ReadFrom(reader);
            if (reader.Read()) throw new JsonReaderException("unexpected text after the request");
            return request as JObject;
        }
    }

    /// <summary>Makes the one call a request asks for; returns its result as JSON text.</summary>
    private static string Call(Store store, JObject request)
    {
        string op = Text(request, "op");
        switch (op)
        {
            case "save":
                return store.SaveJson(TokenText(request));
            case "find":
                return store.FindJson(TokenText(request));
            case "find_by_id":
                return store.FindByIdJson(Text(request, "id"));
            case "list":
                return store.ListJson();
            case "delete":
                store.Delete(Text(request, "id"));
                return "null";
            case "purge":
                store.Purge();
                return "null";
            case "version":
                return JsonConvert.ToString(Store.LibraryVersion);
            default:
                throw new RequestException("unknown op \"" + op + "\"");
        }
    }

    /// <summary>"token" (an object, sent as compact JSON) or "json" (text sent verbatim).</summary>
    private static string TokenText(JObject request)
    {
        JToken token;
        if (request.TryGetValue("token", out token))
        {
            if (token.Type != JTokenType.Object) throw new RequestException("\"token\" must be an object");
            return token.ToString(Formatting.None);
        }
        if (request["json"] != null) return Text(request, "json");
        throw new RequestException("the request needs \"token\" or \"json\"");
    }

    private static string Text(JObject request, string key)
    {
        JToken value;
        if (!request.TryGetValue(key, out value)) throw new RequestException("the request needs \"" + key + "\"");
        if (value.Type != JTokenType.String) throw new RequestException("\"" + key + "\" must be a string");
        return (string)value;
    }

    private static string Response(string status, string resultJson, string error)
    {
        return "{\"status\":" + Quoted(status) + ",\"result\":" + (resultJson ?? "null") +
               ",\"error\":" + Quoted(error) + "}";
    }

    private static string Quoted(string text)
    {
        return text == null ? "null" : JsonConvert.ToString(text);
    }

    private sealed class RequestException : Exception
    {
        public RequestException(string message) : base(message) { }
    }
}
