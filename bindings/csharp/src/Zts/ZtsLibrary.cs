using System;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;

namespace Zts
{
    /// <summary>
    /// Finds and loads libzts.so by absolute path and binds the C ABI of include/zts.h.
    /// </summary>
    /// <remarks>
    /// How the library is bound, and why: [DllImport] takes a name fixed at compile time, and
    /// libzts.so has no SONAME, so neither Mono nor .NET would reuse a copy we dlopen'ed first; a
    /// dllmap is Mono-only and NativeLibrary.SetDllImportResolver is .NET Core 3+ only. So the library
    /// is opened with dlopen(absolute path) and each export is called through a delegate made from its
    /// dlsym address (Marshal.GetDelegateForFunctionPointer), which works the same on Mono and every
    /// .NET on Linux. Only libdl itself is a [DllImport].
    ///
    /// Conventions of zts.h that shape the delegates: every returned string is an IntPtr. Owned strings
    /// (tokens, lists, error messages) come back through `char **` out pointers and are copied, then
    /// freed with zts_string_free (TakeString). zts_version and zts_status_name return static strings:
    /// copied, never freed. A `string` return type would make the marshaller free them (a crash on Mono).
    /// Inputs are NUL-terminated UTF-8 byte arrays (Utf8Argument), whatever the locale.
    /// </remarks>
    internal sealed class ZtsLibrary
    {
        public const string LibraryEnv = "ZTS_LIBRARY";
        public const string LibraryFile = "libzts.so";
        // The major.minor of include/zts.h this binding was written against; the patch level may differ.
        public const string ExpectedVersion = "0.1";

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        public delegate int OpenFunction(byte[] location, byte[] optionsJson, ref IntPtr store, ref IntPtr error);
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        public delegate void CloseFunction(IntPtr store);
        // zts_save, zts_find (token JSON in) and zts_find_by_id (id in): the same shape.
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        public delegate int TextFunction(IntPtr store, byte[] text, ref IntPtr output, ref IntPtr error);
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        public delegate int ListFunction(IntPtr store, ref IntPtr output, ref IntPtr error);
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        public delegate int DeleteFunction(IntPtr store, byte[] id, ref IntPtr error);
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        public delegate int PurgeFunction(IntPtr store, ref IntPtr error);
        // The packed `_fields` calls (docs/packed-fields.md): zts_save_fields and zts_find_fields take a
        // packed token; zts_find_by_id_fields an id; zts_list_fields nothing. Each returns a packed buffer
        // and its length, freed with zts_fields_free.
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        public delegate int FieldsFunction(IntPtr store, byte[] fields, UIntPtr fieldsLength, ref IntPtr output, ref UIntPtr outputLength, ref IntPtr error);
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        public delegate int IdFieldsFunction(IntPtr store, byte[] id, ref IntPtr output, ref UIntPtr outputLength, ref IntPtr error);
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        public delegate int ListFieldsFunction(IntPtr store, ref IntPtr output, ref UIntPtr outputLength, ref IntPtr error);
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        public delegate void FieldsFreeFunction(IntPtr fields, UIntPtr length);
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        public delegate void StringFreeFunction(IntPtr text);
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        public delegate IntPtr VersionFunction();
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        public delegate IntPtr StatusNameFunction(int status);

        private const int RTLD_NOW = 2;

        [DllImport("libdl.so.2", EntryPoint = "dlopen")]
        private static extern IntPtr DlOpen(byte[] path, int flags);
        [DllImport("libdl.so.2", EntryPoint = "dlsym")]
        private static extern IntPtr DlSym(IntPtr library, byte[] name);
        [DllImport("libdl.so.2", EntryPoint = "dlerror")]
        private static extern IntPtr DlError();

        // Lazy caches a failure too, so every use after a failed load throws the same clear exception.
        private static readonly Lazy<ZtsLibrary> instance =
            new Lazy<ZtsLibrary>(Load, LazyThreadSafetyMode.ExecutionAndPublication);

        public static ZtsLibrary Instance { get { return instance.Value; } }

        public readonly string Path;
        public readonly string Version;
        public readonly OpenFunction Open;
        public readonly CloseFunction Close;
        public readonly TextFunction Save;
        public readonly TextFunction Find;
        public readonly TextFunction FindById;
        public readonly ListFunction List;
        public readonly DeleteFunction Delete;
        public readonly PurgeFunction Purge;
        public readonly FieldsFunction SaveFields;
        public readonly FieldsFunction FindFields;
        public readonly IdFieldsFunction FindByIdFields;
        public readonly ListFieldsFunction ListFields;
        public readonly FieldsFreeFunction FieldsFree;
        public readonly StringFreeFunction StringFree;
        public readonly StatusNameFunction StatusNameOf;

        private ZtsLibrary(string path, IntPtr library)
        {
            Path = path;
            Open = Bind<OpenFunction>(library, "zts_open");
            Close = Bind<CloseFunction>(library, "zts_close");
            Save = Bind<TextFunction>(library, "zts_save");
            Find = Bind<TextFunction>(library, "zts_find");
            FindById = Bind<TextFunction>(library, "zts_find_by_id");
            List = Bind<ListFunction>(library, "zts_list");
            Delete = Bind<DeleteFunction>(library, "zts_delete");
            Purge = Bind<PurgeFunction>(library, "zts_purge");
            SaveFields = Bind<FieldsFunction>(library, "zts_save_fields");
            FindFields = Bind<FieldsFunction>(library, "zts_find_fields");
            FindByIdFields = Bind<IdFieldsFunction>(library, "zts_find_by_id_fields");
            ListFields = Bind<ListFieldsFunction>(library, "zts_list_fields");
            FieldsFree = Bind<FieldsFreeFunction>(library, "zts_fields_free");
            StringFree = Bind<StringFreeFunction>(library, "zts_string_free");
            StatusNameOf = Bind<StatusNameFunction>(library, "zts_status_name");
            Version = CopyString(Bind<VersionFunction>(library, "zts_version")());
        }

        /// <summary>The absolute path to load: libzts.so next to this assembly (the package's), else $ZTS_LIBRARY.</summary>
        public static string LibraryPath()
        {
            string directory = AssemblyDirectory();
            // Next to the assembly (Mono, `dotnet publish -r linux-x64`), else where a portable .NET
            // build keeps the package's native asset for this process's architecture.
            string[] candidates =
            {
                System.IO.Path.Combine(directory, LibraryFile),
                System.IO.Path.Combine(directory, "runtimes", RuntimeIdentifier(), "native", LibraryFile),
            };
            foreach (string candidate in candidates)
            {
                if (File.Exists(candidate)) return candidate;
            }
            string configured = Environment.GetEnvironmentVariable(LibraryEnv);
            if (!string.IsNullOrEmpty(configured))
            {
                // Absolute, so dlopen never searches the system for another libzts.so.
                return System.IO.Path.GetFullPath(configured);
            }
            throw new DllNotFoundException(
                "Zts: the zts library was not found. Set the environment variable " + LibraryEnv +
                " to the absolute path of libzts.so (build it with `cargo build --release`, it is then " +
                "target/release/libzts.so), or put libzts.so next to " + AssemblyFile() + ".");
        }

        /// <summary>The NuGet runtime identifier of this process: linux-x64 or linux-arm64, the two the package carries.</summary>
        static string RuntimeIdentifier()
        {
            return RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64";
        }

        /// <summary>Refuses a library whose major.minor differs from the ABI this binding declares.</summary>
        public static void CheckVersion(string version, string path)
        {
            string[] parts = (version ?? "").Split('.');
            if (parts.Length < 2 || parts[0] + "." + parts[1] != ExpectedVersion)
            {
                throw new DllNotFoundException(
                    "Zts: the zts library " + path + " is version " + version + " but this binding needs " +
                    ExpectedVersion + ".x; install a matching libzts.so or point " + LibraryEnv + " at one.");
            }
        }

        private static ZtsLibrary Load()
        {
            string path = LibraryPath();
            IntPtr library = DlOpen(NulTerminated(path), RTLD_NOW);
            if (library == IntPtr.Zero)
            {
                throw new DllNotFoundException(
                    "Zts: cannot load the zts library " + path + " (" + CopyString(DlError()) + "). Set " +
                    LibraryEnv + " to the absolute path of a libzts.so built for this machine.");
            }
            // Never dlclose'd: delegates to its functions live as long as the process.
            var loaded = new ZtsLibrary(path, library);
            CheckVersion(loaded.Version, path);
            return loaded;
        }

        private static T Bind<T>(IntPtr library, string name) where T : class
        {
            IntPtr address = DlSym(library, NulTerminated(name));
            if (address == IntPtr.Zero)
                throw new DllNotFoundException("Zts: the library has no function " + name + " (" + CopyString(DlError()) + ")");
            return Marshal.GetDelegateForFunctionPointer<T>(address);
        }

        private static string AssemblyFile()
        {
            string location = typeof(ZtsLibrary).Assembly.Location;
            return string.IsNullOrEmpty(location) ? "the application" : location;
        }

        private static string AssemblyDirectory()
        {
            string location = typeof(ZtsLibrary).Assembly.Location;
            // Location is empty in a single-file app; the app directory is then the assembly's.
            return string.IsNullOrEmpty(location) ? AppContext.BaseDirectory : System.IO.Path.GetDirectoryName(location);
        }

        /// <summary>Copies an owned zts string and frees it with zts_string_free (null for NULL).</summary>
        public string TakeString(ref IntPtr text)
        {
            if (text == IntPtr.Zero) return null;
            try
            {
                return CopyString(text);
            }
            finally
            {
                StringFree(text);
                text = IntPtr.Zero;
            }
        }

        /// <summary>Copies packed fields and frees them with zts_fields_free (an empty array for NULL).</summary>
        public byte[] TakeFields(ref IntPtr fields, ref UIntPtr length)
        {
            if (fields == IntPtr.Zero) return new byte[0];
            try
            {
                var bytes = new byte[checked((int)length.ToUInt64())];
                Marshal.Copy(fields, bytes, 0, bytes.Length);
                return bytes;
            }
            finally
            {
                FieldsFree(fields, length);
                fields = IntPtr.Zero;
            }
        }

        /// <summary>Copies a NUL-terminated UTF-8 string without freeing it (null for NULL).</summary>
        public static string CopyString(IntPtr text)
        {
            if (text == IntPtr.Zero) return null;
            int length = 0;
            while (Marshal.ReadByte(text, length) != 0) length++;
            var bytes = new byte[length];
            Marshal.Copy(text, bytes, 0, length);
            return Encoding.UTF8.GetString(bytes);
        }

        private static byte[] NulTerminated(string text)
        {
            byte[] bytes = new byte[Encoding.UTF8.GetByteCount(text) + 1];
            Encoding.UTF8.GetBytes(text, 0, text.Length, bytes, 0);
            return bytes;
        }
    }
}
