using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Text;

namespace Zts
{
    /// <summary>
    /// An open zts token store: one SQLite file shared by every Zoho SDK, or ":memory:".
    /// </summary>
    /// <remarks>
    /// The C ABI in C# terms: tokens are dictionaries with the ten keys of <see cref="TokenFields"/>
    /// (values strings or null), and every status other than OK throws <see cref="ZtsException"/>.
    /// The rules (matching, merging, ids) live in zts; this class converts, calls and maps errors.
    /// One Store may be used from many threads (zts serializes calls on a handle). Dispose is
    /// idempotent; a disposed store throws ObjectDisposedException; a store nobody disposes is closed
    /// by its SafeHandle's finalizer, or at process exit.
    /// </remarks>
    public sealed class Store : IDisposable
    {
        /// <summary>The ten keys of the token JSON, in the SDK stores' column order.</summary>
        public static readonly ReadOnlyCollection<string> TokenFields = new ReadOnlyCollection<string>(new[]
        {
            "id", "user_name", "client_id", "client_secret", "refresh_token", "access_token", "grant_token",
            "expiry_time", "redirect_url", "api_domain",
        });

        // Strict: a lone surrogate throws instead of silently becoming U+FFFD.
        private static readonly Encoding Utf8 = new UTF8Encoding(false, true);

        private readonly ZtsLibrary library;
        private readonly StoreHandle handle;
        private readonly string location;

        // The native call made while the handle is held; output stays zero for calls without one.
        private delegate int NativeCall(IntPtr store, ref IntPtr output, ref IntPtr error);
        private delegate int NativeFieldsCall(IntPtr store, ref IntPtr output, ref UIntPtr outputLength, ref IntPtr error);

        // Above this many packed bytes a token goes as JSON: a value might then pass zts's per-value
        // limit, which zts should refuse with the JSON call's status and message.
        private const int PackedFastBytes = 64 * 1024;

        /// <summary>Opens (and by default creates) the store at a file path, or ":memory:".</summary>
        public Store(string location)
            : this(location, null, (StoreOptions)null)
        {
        }

        /// <summary>Opens the store with the options of zts_open (null: the defaults).</summary>
        public Store(string location, StoreOptions options)
            : this(location, null, options)
        {
        }

        private Store(string location, string optionsJson, StoreOptions options)
        {
            if (location == null) throw new ArgumentNullException("location");
            library = ZtsLibrary.Instance;
            this.location = location;
            byte[] path = Utf8Argument(location, "location");
            byte[] optionsText = Utf8Argument(options != null ? options.ToJson() : optionsJson, "options");
            handle = new StoreHandle();
            IntPtr opened = IntPtr.Zero, error = IntPtr.Zero;
            int status = library.Open(path, optionsText, ref opened, ref error);
            string message = library.TakeString(ref error);
            if (status != ZtsStatus.Ok)
            {
                handle.Dispose();
                throw new ZtsException(status, message);
            }
            handle.Adopt(opened);
        }

        /// <summary>
        /// Opens a store with zts_open's options given as JSON text (null: the defaults), e.g.
        /// {"busy_timeout_ms":10000}. An unknown option or a wrong type is ZTS_INVALID_ARGUMENT.
        /// </summary>
        public static Store Open(string location, string optionsJson)
        {
            return new Store(location, optionsJson, null);
        }

        /// <summary>The loaded library's version, "MAJOR.MINOR.PATCH".</summary>
        public static string LibraryVersion { get { return ZtsLibrary.Instance.Version; } }

        /// <summary>The absolute path of the loaded libzts.so.</summary>
        public static string LibraryPath { get { return ZtsLibrary.Instance.Path; } }

        /// <summary>The name zts gives a status, e.g. "ZTS_NOT_FOUND" for 1 ("ZTS_UNKNOWN_STATUS" if undefined).</summary>
        public static string StatusName(int status)
        {
            return ZtsLibrary.CopyString(ZtsLibrary.Instance.StatusNameOf(status));
        }

        /// <summary>The path (or ":memory:") this store was opened with.</summary>
        public string Location { get { return location; } }

        /// <summary>True once the store is disposed.</summary>
        public bool IsClosed { get { return handle.IsClosed; } }

        /// <summary>Closes the store. Calling it again does nothing.</summary>
        public void Dispose()
        {
            handle.Dispose();
        }

        /// <summary>The same as <see cref="Dispose"/>.</summary>
        public void Close()
        {
            Dispose();
        }

        public override string ToString()
        {
            return "Store(" + location + ")";
        }

        // JSON text in and out, exactly as the C ABI: for callers that already hold token JSON.

        /// <summary>Saves a token given as JSON text; returns the stored token as JSON text.</summary>
        public string SaveJson(string tokenJson)
        {
            byte[] input = Utf8Argument(tokenJson, "tokenJson");
            return Call((IntPtr store, ref IntPtr output, ref IntPtr error) => library.Save(store, input, ref output, ref error));
        }

        /// <summary>Finds the stored token a query (JSON text) matches; returns it as JSON text.</summary>
        public string FindJson(string tokenJson)
        {
            byte[] input = Utf8Argument(tokenJson, "tokenJson");
            return Call((IntPtr store, ref IntPtr output, ref IntPtr error) => library.Find(store, input, ref output, ref error));
        }

        /// <summary>The token with this id as JSON text (ZTS_NOT_FOUND when there is none).</summary>
        public string FindByIdJson(string id)
        {
            byte[] input = Utf8Argument(id, "id");
            return Call((IntPtr store, ref IntPtr output, ref IntPtr error) => library.FindById(store, input, ref output, ref error));
        }

        /// <summary>Every stored token as a JSON array, in numeric id order.</summary>
        public string ListJson()
        {
            return Call((IntPtr store, ref IntPtr output, ref IntPtr error) => library.List(store, ref output, ref error));
        }

        // Dictionaries in and out.

        /// <summary>Saves a token; returns the stored token with its id (assigned when the token had none).</summary>
        public IDictionary<string, string> Save(IDictionary<string, string> token)
        {
            return ReadToken(SaveJson(WriteToken(token)));
        }

        /// <summary>The stored token a query token matches by the SDK rules (ZTS_NOT_FOUND when none does).</summary>
        public IDictionary<string, string> Find(IDictionary<string, string> query)
        {
            return ReadToken(FindJson(WriteToken(query)));
        }

        /// <summary>The token with this id (ZTS_NOT_FOUND when there is none).</summary>
        public IDictionary<string, string> FindById(string id)
        {
            return ReadToken(FindByIdJson(id));
        }

        /// <summary>Every stored token, in numeric id order.</summary>
        public IList<IDictionary<string, string>> List()
        {
            return TokenJson.ReadTokens(ListJson());
        }

        // Tokens as their ten values in TokenFields order (null when absent), through zts's packed
        // `_fields` calls (docs/packed-fields.md): no JSON is written or parsed on either side. A token
        // the packed form cannot carry exactly (a value holding a NUL or a lone surrogate, or over 64 KiB
        // in all) goes through the JSON call, so zts refuses it as through Save and Find.

        /// <summary><see cref="Save"/> of a token given as its ten values; returns the stored token's ten values.</summary>
        public string[] SaveValues(IList<string> values)
        {
            return TokenCall(values, library.SaveFields, Save);
        }

        /// <summary><see cref="Find"/> of a query given as its ten values; returns the stored token's ten values.</summary>
        public string[] FindValues(IList<string> values)
        {
            return TokenCall(values, library.FindFields, Find);
        }

        // A packed call with a token in and a token out, or its JSON form for what Pack cannot carry.
        private string[] TokenCall(IList<string> values, ZtsLibrary.FieldsFunction packedCall,
            Func<IDictionary<string, string>, IDictionary<string, string>> jsonCall)
        {
            byte[] packed = Pack(values);
            if (packed == null) return ToValues(jsonCall(ToDictionary(values)));
            var length = new UIntPtr((uint)packed.Length);
            return Unpack(CallFields((IntPtr store, ref IntPtr output, ref UIntPtr outputLength, ref IntPtr error) =>
                packedCall(store, packed, length, ref output, ref outputLength, ref error)))[0];
        }

        /// <summary><see cref="FindById"/>, returning the token's ten values.</summary>
        public string[] FindByIdValues(string id)
        {
            byte[] input = Utf8Argument(id, "id");
            return Unpack(CallFields((IntPtr store, ref IntPtr output, ref UIntPtr outputLength, ref IntPtr error) =>
                library.FindByIdFields(store, input, ref output, ref outputLength, ref error)))[0];
        }

        /// <summary>Every stored token's ten values, in numeric id order.</summary>
        public IList<string[]> ListValues()
        {
            return Unpack(CallFields((IntPtr store, ref IntPtr output, ref UIntPtr outputLength, ref IntPtr error) =>
                library.ListFields(store, ref output, ref outputLength, ref error)));
        }

        /// <summary>Deletes the token with this id (ZTS_NOT_FOUND when there is none).</summary>
        public void Delete(string id)
        {
            byte[] input = Utf8Argument(id, "id");
            Call((IntPtr store, ref IntPtr output, ref IntPtr error) => library.Delete(store, input, ref error));
        }

        /// <summary>Deletes every token.</summary>
        public void Purge()
        {
            Call((IntPtr store, ref IntPtr output, ref IntPtr error) => library.Purge(store, ref error));
        }

        private string Call(NativeCall call)
        {
            IntPtr output = IntPtr.Zero, error = IntPtr.Zero;
            int status;
            bool held = false;
            try
            {
                status = call(Hold(ref held), ref output, ref error);
            }
            finally
            {
                if (held) handle.DangerousRelease();
            }
            string result = library.TakeString(ref output);
            string message = library.TakeString(ref error);
            if (status != ZtsStatus.Ok) throw new ZtsException(status, message);
            return result;
        }

        private byte[] CallFields(NativeFieldsCall call)
        {
            IntPtr output = IntPtr.Zero, error = IntPtr.Zero;
            UIntPtr outputLength = UIntPtr.Zero;
            int status;
            bool held = false;
            try
            {
                status = call(Hold(ref held), ref output, ref outputLength, ref error);
            }
            finally
            {
                if (held) handle.DangerousRelease();
            }
            byte[] result = library.TakeFields(ref output, ref outputLength);
            string message = library.TakeString(ref error);
            if (status != ZtsStatus.Ok) throw new ZtsException(status, message);
            return result;
        }

        /// <summary>The native handle, held until the caller's DangerousRelease (when held is set).</summary>
        private IntPtr Hold(ref bool held)
        {
            try
            {
                handle.DangerousAddRef(ref held);
            }
            catch (ObjectDisposedException) when (!held)
            {
                // No object name: it would add a second line to the message.
                throw new ObjectDisposedException(null, "the zts store " + location + " is closed");
            }
            return handle.DangerousGetHandle();
        }

        /// <summary>
        /// NUL-terminated UTF-8 for a `const char *` argument; null stays NULL, which zts refuses by itself.
        /// </summary>
        private static byte[] Utf8Argument(string value, string what)
        {
            if (value == null) return null;
            // C would silently cut the string at the NUL, so "1\0x" would act as id "1".
            if (value.IndexOf('\0') >= 0)
                throw new ZtsException(ZtsStatus.InvalidArgument, what + " contains a NUL character");
            try
            {
                byte[] bytes = new byte[Utf8.GetByteCount(value) + 1];
                Utf8.GetBytes(value, 0, value.Length, bytes, 0);
                return bytes;
            }
            catch (EncoderFallbackException)
            {
                throw new ZtsException(ZtsStatus.InvalidArgument, what + " holds a lone UTF-16 surrogate, which has no UTF-8 form");
            }
        }

        private static string WriteToken(IDictionary<string, string> token)
        {
            if (token == null) throw new ArgumentNullException("token");
            return TokenJson.Write(token);
        }

        // zts returns every value of a token as a string or null (expiry_time too).
        private static IDictionary<string, string> ReadToken(string json)
        {
            return TokenJson.ReadToken(json);
        }

        /// <summary>
        /// The packed form of ten values (each followed by a NUL; null is empty), or null when it cannot
        /// carry them exactly: a value holding a NUL or a lone surrogate, or more than 64 KiB in all.
        /// </summary>
        internal static byte[] Pack(IList<string> values)
        {
            if (values == null) throw new ArgumentNullException("values");
            if (values.Count != TokenFields.Count)
                throw new ArgumentException("a token has " + TokenFields.Count + " values, not " + values.Count, "values");
            int length = values.Count;
            foreach (string value in values)
            {
                if (value == null) continue;
                if (value.IndexOf('\0') >= 0) return null;
                try
                {
                    length += Utf8.GetByteCount(value);
                }
                catch (EncoderFallbackException)
                {
                    return null;
                }
                if (length > PackedFastBytes) return null;
            }
            var packed = new byte[length];
            int at = 0;
            foreach (string value in values)
            {
                if (value != null) at += Utf8.GetBytes(value, 0, value.Length, packed, at);
                packed[at++] = 0;
            }
            return packed;
        }

        /// <summary>
        /// The tokens of a packed buffer, ten values each ("" read back as null, as zts means it). A value
        /// whose bytes equal the previous token's value of the same key is that same string: the tokens of
        /// one application share their client, redirect URL and API domain, and a list then makes fewer
        /// strings (strings are immutable, so sharing one changes nothing for the caller).
        /// </summary>
        internal static IList<string[]> Unpack(byte[] packed)
        {
            int keys = TokenFields.Count;
            var tokens = new List<string[]>();
            string[] token = null, previous = null;
            var previousStart = new int[keys];
            var previousLength = new int[keys];
            int field = keys, start = 0;
            for (int at = 0; at < packed.Length; at++)
            {
                if (packed[at] != 0) continue;
                if (field == keys)
                {
                    previous = token;
                    token = new string[keys];
                    tokens.Add(token);
                    field = 0;
                }
                int length = at - start;
                if (length == 0)
                    token[field] = null;
                else if (previous != null && previousLength[field] == length && SameBytes(packed, previousStart[field], start, length))
                    token[field] = previous[field];
                else
                    token[field] = Encoding.UTF8.GetString(packed, start, length);
                previousStart[field] = start;
                previousLength[field] = length;
                field++;
                start = at + 1;
            }
            if (field != keys || start != packed.Length)
                throw new ZtsException(ZtsStatus.Internal, "zts returned packed fields that do not hold whole tokens");
            return tokens;
        }

        private static bool SameBytes(byte[] bytes, int first, int second, int length)
        {
            for (int i = 0; i < length; i++)
            {
                if (bytes[first + i] != bytes[second + i]) return false;
            }
            return true;
        }

        private static Dictionary<string, string> ToDictionary(IList<string> values)
        {
            var token = new Dictionary<string, string>(TokenFields.Count);
            for (int i = 0; i < TokenFields.Count; i++) token[TokenFields[i]] = values[i];
            return token;
        }

        private static string[] ToValues(IDictionary<string, string> token)
        {
            var values = new string[TokenFields.Count];
            for (int i = 0; i < TokenFields.Count; i++)
            {
                string value;
                values[i] = token.TryGetValue(TokenFields[i], out value) ? value : null;
            }
            return values;
        }
    }
}
