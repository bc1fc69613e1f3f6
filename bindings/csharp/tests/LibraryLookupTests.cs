using System;
using System.Collections.Generic;
using System.IO;
using static Zts.Tests.Fixtures;

namespace Zts.Tests
{
    /// <summary>
    /// Where libzts is loaded from: libzts.so next to Zts.dll, else the runtimes/RID/native/ copy of a
    /// portable .NET build (RID: linux-x64 or linux-arm64), else $ZTS_LIBRARY (made absolute). Each case
    /// runs the xlang driver copied with Zts.dll, and without the SDK assembly (and without libzts.so
    /// unless it says so), into a directory of its own.
    /// </summary>
    public class LibraryLookupTests : IDisposable
    {
        private const string ListRequest = "{\"op\":\"save\",\"token\":{\"access_token\":\"AT\"}}\n{\"op\":\"list\"}\n";

        private readonly TempDirectory temp = new TempDirectory();
        private readonly string app;
        private readonly string library = Path.Combine(BuildDirectory, "libzts.so");

        public LibraryLookupTests()
        {
            app = temp.File("app");
            Directory.CreateDirectory(app);
            foreach (string file in new[] { "XlangDriver.exe", "Zts.dll" })
                File.Copy(Path.Combine(BuildDirectory, file), Path.Combine(app, file));
        }

        public void Dispose()
        {
            temp.Dispose();
        }

        private ProcessResult RunDriver(string ztsLibrary, string workingDirectory = null)
        {
            var environment = new Dictionary<string, string> { { ZtsLibrary.LibraryEnv, ztsLibrary } };
            return Run("mono", Quote(Path.Combine(app, "XlangDriver.exe")) + " :memory:", ListRequest, workingDirectory ?? temp.Path, environment);
        }

        private static void CheckServed(ProcessResult run)
        {
            Check.Equal(0, run.ExitCode, run.ToString());
            Check.Contains("{\"status\":\"ZTS_OK\",\"result\":[{\"id\":\"1\"", run.Stdout);
        }

        private static string LoadError(ProcessResult run)
        {
            Check.Equal(1, run.ExitCode, run.ToString());
            var response = (Dictionary<string, object>)TestJson.Parse(run.Stdout.Trim());
            Check.Equal("DRIVER_ERROR", (string)response["status"]);
            return (string)response["error"];
        }

        [Test]
        public void ThisProcessLoadedTheCopyNextToZtsDll()
        {
            Check.Equal(library, Store.LibraryPath);
        }

        [Test]
        public void TheBundledLibraryWinsOverZtsLibrary()
        {
            File.Copy(library, Path.Combine(app, "libzts.so"));
            CheckServed(RunDriver("/nonexistent/libzts.so"));
        }

        [Test]
        public void ZtsLibraryIsMadeAbsoluteAgainstTheWorkingDirectory()
        {
            string libraryDirectory = temp.File("lib");
            Directory.CreateDirectory(libraryDirectory);
            File.Copy(library, Path.Combine(libraryDirectory, "libzts.so"));
            // No libzts.so next to the app and no SDK assembly: the Store layer needs neither.
            CheckServed(RunDriver("libzts.so", libraryDirectory));
            string error = LoadError(RunDriver("libzts.so", temp.Path));
            Check.Contains(temp.File("libzts.so"), error);
        }

        [Test]
        public void AWrongZtsLibraryFailsClearly()
        {
            string error = LoadError(RunDriver("/nonexistent/libzts.so"));
            Check.Contains("/nonexistent/libzts.so", error);
            Check.Contains("ZTS_LIBRARY", error);
            string notALibrary = temp.File("libzts.so");
            File.WriteAllText(notALibrary, "not a library");
            error = LoadError(RunDriver(notALibrary));
            Check.Contains("cannot load the zts library " + notALibrary, error);
        }

        [Test]
        public void WithoutABundledLibraryTheErrorSaysToSetZtsLibrary()
        {
            string error = LoadError(RunDriver(null));
            Check.Contains("Set the environment variable ZTS_LIBRARY", error);
            Check.Contains(Path.Combine(app, "Zts.dll"), error);
        }

        [Test]
        public void TheBundledLibraryIsFoundNextToZtsDll()
        {
            File.Copy(library, Path.Combine(app, "libzts.so"));
            CheckServed(RunDriver(null));
        }

        [Test]
        public void ThePortableDotnetLayoutIsFoundForThisProcesssArchitecture()
        {
            // The package carries runtimes/linux-x64/ and runtimes/linux-arm64/: the other one is never loaded.
            bool arm64 = System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture ==
                         System.Runtime.InteropServices.Architecture.Arm64;
            string native = Path.Combine(app, "runtimes", arm64 ? "linux-arm64" : "linux-x64", "native");
            string other = Path.Combine(app, "runtimes", arm64 ? "linux-x64" : "linux-arm64", "native");
            Directory.CreateDirectory(native);
            Directory.CreateDirectory(other);
            File.WriteAllText(Path.Combine(other, "libzts.so"), "not a library for this machine");
            File.Copy(library, Path.Combine(native, "libzts.so"));
            CheckServed(RunDriver(null));
        }
    }
}
