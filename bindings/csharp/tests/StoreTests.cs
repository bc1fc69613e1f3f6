using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using static Zts.Tests.Fixtures;

namespace Zts.Tests
{
    /// <summary>The Store layer: statuses and errors, UTF-8, options, closing, threads.</summary>
    public class StoreTests : IDisposable
    {
        private static readonly Dictionary<string, string> User = Fields(
            "user_name", "user@example.com:777",
            "client_id", "1000.CID",
            "client_secret", "SECRET-csec",
            "refresh_token", "1000.SECRET-refresh",
            "access_token", "1000.SECRET-access",
            "expiry_time", "4102444839397");

        private static readonly string[] StatusNames =
        {
            "ZTS_OK", "ZTS_NOT_FOUND", "ZTS_INVALID_ARGUMENT", "ZTS_INVALID_JSON", "ZTS_INVALID_TOKEN", "ZTS_BUSY",
            "ZTS_IO", "ZTS_CORRUPT", "ZTS_INCOMPATIBLE", "ZTS_INTERNAL", "ZTS_REFRESHING",
        };

        private readonly TempDirectory temp = new TempDirectory();

        public void Dispose()
        {
            temp.Dispose();
        }

        // --- statuses and errors ---------------------------------------------------------------------

        [Test]
        public void StatusConstantsMatchTheLibraryNames()
        {
            int[] constants =
            {
                ZtsStatus.Ok, ZtsStatus.NotFound, ZtsStatus.InvalidArgument, ZtsStatus.InvalidJson, ZtsStatus.InvalidToken,
                ZtsStatus.Busy, ZtsStatus.IO, ZtsStatus.Corrupt, ZtsStatus.Incompatible, ZtsStatus.Internal, ZtsStatus.Refreshing,
            };
            for (int i = 0; i < constants.Length; i++)
            {
                Check.Equal(i, constants[i], StatusNames[i]);
                Check.Equal(StatusNames[i], Store.StatusName(constants[i]));
            }
            Check.Equal("ZTS_UNKNOWN_STATUS", Store.StatusName(constants.Length));
            Check.Equal("ZTS_UNKNOWN_STATUS", Store.StatusName(-1));
        }

        [Test]
        public void TheLibraryVersionIsTheOneTheBindingDeclares()
        {
            Check.True(Store.LibraryVersion.StartsWith(ZtsLibrary.ExpectedVersion + "."), "version " + Store.LibraryVersion);
        }

        [TestCases]
        public IEnumerable<TestCase> ALibraryOfAnotherMajorMinorIsRefused()
        {
            foreach (string version in new[] { "0.2.0", "1.1.0", "0.10.0", "garbage", "", null })
            {
                string refused = version;
                yield return new TestCase(version ?? "null", () =>
                {
                    var error = Check.Throws<DllNotFoundException>(() => ZtsLibrary.CheckVersion(refused, "/x/libzts.so"));
                    Check.Contains("needs 0.1.x", error.Message);
                    Check.Contains("/x/libzts.so", error.Message);
                });
            }
        }

        [Test]
        public void AnotherPatchLevelIsAccepted()
        {
            ZtsLibrary.CheckVersion("0.1.99", "/x/libzts.so");
        }

        [Test]
        public void NotFoundCarriesStatusNameAndMessageWithoutTheValue()
        {
            using (var store = new Store(":memory:"))
            {
                store.Save(User);
                var error = Check.Throws<ZtsException>(() => store.Find(Fields("user_name", "someone-else@example.com:1")));
                Check.Equal(ZtsStatus.NotFound, error.Status);
                Check.Equal("ZTS_NOT_FOUND", error.StatusName);
                Check.Contains("user_name", error.Message);
                Check.Lacks("someone-else", error.Message);
                Check.True(error.ToString().StartsWith("Zts.ZtsException: ZTS_NOT_FOUND: " + error.Message), error.ToString());
            }
        }

        [TestCases]
        public IEnumerable<TestCase> EachRefusalThrowsZtsExceptionWithItsStatus()
        {
            var cases = new Dictionary<string, KeyValuePair<Action<Store>, string>>
            {
                { "malformed JSON", Refusal(s => s.SaveJson("{not json"), "ZTS_INVALID_JSON") },
                { "unknown key", Refusal(s => s.Save(Fields("id", "1", "colour", "red")), "ZTS_INVALID_JSON") },
                { "nothing to store", Refusal(s => s.Save(Fields("client_id", "c")), "ZTS_INVALID_TOKEN") },
                { "nothing to match", Refusal(s => s.Find(Fields("refresh_token", "r")), "ZTS_INVALID_TOKEN") },
                { "unknown id", Refusal(s => s.FindById("42"), "ZTS_NOT_FOUND") },
                { "empty id", Refusal(s => s.FindById(""), "ZTS_INVALID_ARGUMENT") },
                { "null id is NULL", Refusal(s => s.FindById(null), "ZTS_INVALID_ARGUMENT") },
                { "null JSON is NULL", Refusal(s => s.SaveJson(null), "ZTS_INVALID_ARGUMENT") },
                { "delete of an unknown id", Refusal(s => s.Delete("42"), "ZTS_NOT_FOUND") },
                { "NUL in an id", Refusal(s => s.FindById("1\0"), "ZTS_INVALID_ARGUMENT") },
                { "NUL in token JSON", Refusal(s => s.SaveJson("{\"access_token\":\"A\0T\"}"), "ZTS_INVALID_ARGUMENT") },
                // A dictionary value travels as a JSON escape (\u0000), which zts refuses by the key's name.
                { "NUL in a token value", Refusal(s => s.Save(Fields("access_token", "A\0T")), "ZTS_INVALID_JSON") },
                { "lone surrogate", Refusal(s => s.FindById("\udc80"), "ZTS_INVALID_ARGUMENT") },
            };
            foreach (var pair in cases)
            {
                Action<Store> call = pair.Value.Key;
                string status = pair.Value.Value;
                yield return new TestCase(pair.Key, () =>
                {
                    using (var store = new Store(":memory:"))
                    {
                        store.Save(With(User, "id", "1"));
                        var error = Check.Throws<ZtsException>(() => call(store));
                        Check.Equal(status, error.StatusName);
                        Check.True(error.Message.Length > 0, "a message");
                        Check.Lacks("SECRET", error.Message);
                    }
                });
            }
        }

        private static KeyValuePair<Action<Store>, string> Refusal(Action<Store> call, string status)
        {
            return new KeyValuePair<Action<Store>, string>(call, status);
        }

        [Test]
        public void ANulIsRefusedWithAClearMessageAndDoesNotReachAnotherToken()
        {
            using (var store = new Store(":memory:"))
            {
                store.Save(With(User, "id", "1"));
                var error = Check.Throws<ZtsException>(() => store.Delete("1\0junk"));
                Check.Equal("id contains a NUL character", error.Message);
                error = Check.Throws<ZtsException>(() => store.SaveJson("{\"id\":\"1\",\"access_token\":\"A\0T\"}"));
                Check.Equal("tokenJson contains a NUL character", error.Message);
                error = Check.Throws<ZtsException>(() => store.Save(Fields("id", "1", "access_token", "A\0T")));
                Check.Equal("ZTS_INVALID_JSON", error.StatusName);
                Check.Contains("access_token", error.Message);
                Check.Contains("NUL", error.Message);
                Check.SequenceEqual(new[] { "1" }, store.List().Select(token => token["id"]));
                Check.Equal("1000.SECRET-access", store.FindById("1")["access_token"]);
            }
        }

        [Test]
        public void ANullTokenIsAnArgumentNullException()
        {
            using (var store = new Store(":memory:"))
            {
                Check.Throws<ArgumentNullException>(() => store.Save(null));
                Check.Throws<ArgumentNullException>(() => store.Find(null));
            }
        }

        // --- UTF-8 ---------------------------------------------------------------------------------

        [Test]
        public void NonAsciiTextRoundTripsAsUtf8()
        {
            const string name = "grüß 日本 😀 \"quoted\" \\ \n\t";
            using (var store = new Store(":memory:"))
            {
                IDictionary<string, string> saved = store.Save(Fields("user_name", name, "access_token", "ÄT-日本-😀"));
                Check.Equal(name, saved["user_name"]);
                Check.Equal("ÄT-日本-😀", store.Find(Fields("user_name", name))["access_token"]);
                Check.Equal(name, store.FindById("1")["user_name"]);
                // A JSON escape reaches zts as the escape and comes back as the character.
                var escaped = (Dictionary<string, object>)TestJson.Parse(store.SaveJson("{\"user_name\":\"\\u00e4\",\"access_token\":\"x\"}"));
                Check.Equal("ä", (string)escaped["user_name"]);
                Check.Equal("x", store.Find(Fields("user_name", "ä"))["access_token"]);
            }
        }

        [Test]
        public void ANonAsciiFilePathWorks()
        {
            string directory = temp.File("tökens-日本");
            Directory.CreateDirectory(directory);
            string path = Path.Combine(directory, "😀.db");
            using (var store = new Store(path))
            {
                store.Save(User);
            }
            Check.True(File.Exists(path), "the file has its UTF-8 name");
            using (var store = new Store(path))
            {
                Check.Equal("1", store.Find(Fields("user_name", User["user_name"]))["id"]);
            }
        }

        // --- opening and options -------------------------------------------------------------------

        [Test]
        public void AMissingDirectoryIsIONamingThePath()
        {
            var error = Check.Throws<ZtsException>(() => new Store(temp.File("no-such-dir/tokens.db")));
            Check.Equal("ZTS_IO", error.StatusName);
            Check.Contains("no-such-dir", error.Message);
        }

        [Test]
        public void ANulInsideTheLocationIsRefusedAndNothingIsCreated()
        {
            var error = Check.Throws<ZtsException>(() => new Store(temp.File("tokens.db") + "\0.bak"));
            Check.Equal("ZTS_INVALID_ARGUMENT", error.StatusName);
            Check.Equal("location contains a NUL character", error.Message);
            Check.Equal(0, Directory.GetFileSystemEntries(temp.Path).Length, "files created");
        }

        [Test]
        public void ANullLocationIsAnArgumentNullException()
        {
            Check.Throws<ArgumentNullException>(() => new Store(null));
        }

        [Test]
        public void AFileThatIsNotSqliteIsCorruptAndUntouched()
        {
            string path = temp.File("tokens.db");
            string content = string.Concat(Enumerable.Repeat("id,user_name\n1,x\n", 100));
            File.WriteAllText(path, content);
            var error = Check.Throws<ZtsException>(() => new Store(path));
            Check.Equal("ZTS_CORRUPT", error.StatusName);
            Check.Equal(content, File.ReadAllText(path));
        }

        [TestCases]
        public IEnumerable<TestCase> AnUnknownOrMistypedOptionIsInvalidArgument()
        {
            var cases = new Dictionary<string, string>
            {
                { "colour", "{\"colour\":\"red\"}" },
                { "busy_timeout_ms", "{\"busy_timeout_ms\":\"5s\"}" },
                { "read_only", "{\"read_only\":1}" },
            };
            foreach (var pair in cases)
            {
                string option = pair.Key, json = pair.Value;
                yield return new TestCase(option, () =>
                {
                    var error = Check.Throws<ZtsException>(() => Store.Open(":memory:", json));
                    Check.Equal("ZTS_INVALID_ARGUMENT", error.StatusName);
                    Check.Contains(option, error.Message);
                });
            }
        }

        [Test]
        public void OptionsReachTheLibrary()
        {
            string path = temp.File("tokens.db");
            var error = Check.Throws<ZtsException>(() => new Store(path, new StoreOptions { Create = false }));
            Check.Equal("ZTS_IO", error.StatusName);
            using (var store = new Store(path, new StoreOptions { BusyTimeoutMs = 100, Synchronous = "normal" }))
            {
                store.Save(User);
            }
            using (var store = new Store(path, new StoreOptions { ReadOnly = true }))
            {
                Check.Equal("1", store.Find(Fields("user_name", User["user_name"]))["id"]);
                error = Check.Throws<ZtsException>(() => store.Save(With(User, "access_token", "new")));
                Check.Equal("ZTS_IO", error.StatusName);
            }
            error = Check.Throws<ZtsException>(() => new Store(path, new StoreOptions { Synchronous = "sometimes" }));
            Check.Equal("ZTS_INVALID_ARGUMENT", error.StatusName);
            using (Store.Open(path, null)) { }
            using (Store.Open(path, "{\"busy_timeout_ms\":10}")) { }
        }

        [Test]
        public void TokensPersistInTheFileAndTheIdComesBack()
        {
            string path = temp.File("tokens.db");
            IDictionary<string, string> saved;
            using (var store = new Store(path))
            {
                saved = store.Save(User);
            }
            var expected = Token("id", "1");
            foreach (var pair in User) expected[pair.Key] = pair.Value;
            Check.SameToken(expected, saved);
            using (var store = new Store(path))
            {
                Check.SameToken(saved, store.FindById("1"));
                Check.SameToken(saved, store.Find(Fields("refresh_token", User["refresh_token"], "client_id", "1000.CID", "client_secret", "SECRET-csec")));
                Check.SameToken(saved, store.List().Single());
                Check.Equal(TestJson.Serialize(new[] { saved }), store.ListJson());
                Check.Equal(TestJson.Serialize(saved), store.FindByIdJson("1"));
                store.Delete("1");
                Check.Equal(0, store.List().Count);
                store.Save(User);
                store.Save(Fields("access_token", "ATX"));
                Check.Equal(2, store.List().Count);
                store.Purge();
                Check.Equal(0, store.List().Count);
            }
        }

        // --- closing ---------------------------------------------------------------------------------

        [Test]
        public void DisposeIsIdempotentAndAClosedStoreRefusesEveryCall()
        {
            var store = new Store(":memory:");
            Check.True(!store.IsClosed, "open");
            store.Dispose();
            store.Dispose();
            store.Close();
            Check.True(store.IsClosed, "closed");
            var calls = new Dictionary<string, Action>
            {
                { "Save", () => store.Save(User) },
                { "SaveJson", () => store.SaveJson("{}") },
                { "Find", () => store.Find(User) },
                { "FindJson", () => store.FindJson("{}") },
                { "FindById", () => store.FindById("1") },
                { "FindByIdJson", () => store.FindByIdJson("1") },
                { "List", () => store.List() },
                { "ListJson", () => store.ListJson() },
                { "Delete", () => store.Delete("1") },
                { "Purge", () => store.Purge() },
            };
            foreach (var call in calls)
            {
                var error = Check.Throws<ObjectDisposedException>(call.Value, call.Key);
                Check.Contains("the zts store :memory: is closed", error.Message, call.Key);
            }
        }

        [Test]
        public void UsingClosesAlsoOnAnException()
        {
            Store kept = null;
            Check.Throws<InvalidOperationException>(() =>
            {
                using (var store = new Store(":memory:"))
                {
                    kept = store;
                    throw new InvalidOperationException("boom");
                }
            });
            Check.True(kept.IsClosed, "closed by using");
        }

        [Test]
        public void TheFinalizerClosesAStoreNobodyDisposed()
        {
            string path = temp.File("tokens.db");
            OpenAndAbandon(path);
            Check.True(File.Exists(path + "-wal"), "an open store has its WAL file");
            GC.Collect();
            GC.WaitForPendingFinalizers();
            // SQLite removes the WAL file when the last connection to the file closes.
            Check.True(!File.Exists(path + "-wal"), "the WAL file is gone: the handle was closed");
            using (var store = new Store(path))
            {
                Check.Equal("a", store.Find(Fields("user_name", "u"))["access_token"]);
            }
        }

        private static void OpenAndAbandon(string path)
        {
            new Store(path).Save(Fields("user_name", "u", "access_token", "a"));
        }

        [Test]
        public void StoresLeftOpenAtProcessExitAreClosedCleanly()
        {
            string path = temp.File("tokens.db");
            ProcessResult child = ChildProcess.Start("leave-open", Quote(path));
            Check.Equal(0, child.ExitCode, child.ToString());
            Check.Equal("", child.Stderr);
            Check.True(!File.Exists(path + "-wal"), "the WAL file is gone: the store was closed at exit");
            using (var store = new Store(path))
            {
                Check.Equal("a", store.Find(Fields("user_name", "u"))["access_token"]);
            }
        }

        [Test]
        public void TheExitHookClosesEveryStoreStillOpen()
        {
            // Mono also finalizes everything at exit, so the test above passes there without the hook;
            // .NET Core runs no finalizers at exit and relies on it.
            var kept = new Store(":memory:");
            var disposed = new Store(":memory:");
            disposed.Dispose();
            StoreHandle.CloseAll();
            Check.True(kept.IsClosed, "the open store is closed");
            Check.Throws<ObjectDisposedException>(() => kept.List());
        }

        [Test]
        public void ToStringShowsThePathAndNoToken()
        {
            using (var store = new Store(":memory:"))
            {
                store.Save(User);
                Check.Equal("Store(:memory:)", store.ToString());
            }
        }

        // --- threads ---------------------------------------------------------------------------------

        [Test]
        public void ThreadsShareOneStore()
        {
            const int threadCount = 8, usersPerThread = 50;
            var failures = new List<Exception>();
            IList<IDictionary<string, string>> tokens;
            using (var store = new Store(temp.File("tokens.db"), new StoreOptions { Synchronous = "normal" }))
            {
                var threads = Enumerable.Range(0, threadCount).Select(thread => new Thread(() =>
                {
                    try
                    {
                        for (int n = 0; n < usersPerThread; n++)
                        {
                            string name = "user" + thread + "-" + n + "@example.com:1";
                            string id = store.Save(Fields("user_name", name, "access_token", "AT" + thread + "-" + n))["id"];
                            Check.Equal(id, store.Find(Fields("user_name", name))["id"]);
                            Check.Equal(name, store.FindById(id)["user_name"]);
                        }
                    }
                    catch (Exception error)
                    {
                        lock (failures) failures.Add(error);
                    }
                })).ToList();
                threads.ForEach(thread => thread.Start());
                threads.ForEach(thread => thread.Join());
                tokens = store.List();
            }
            Check.Equal(0, failures.Count, string.Join("; ", failures.Select(error => error.Message)));
            Check.Equal(threadCount * usersPerThread, tokens.Count);
            Check.SequenceEqual(Enumerable.Range(1, tokens.Count), tokens.Select(token => int.Parse(token["id"])).OrderBy(id => id));
        }

        [Test]
        public void DisposingWhileThreadsCallStopsThemWithObjectDisposedException()
        {
            var store = new Store(":memory:");
            store.Save(User);
            var outcomes = new List<Exception>();
            using (var started = new Barrier(5))
            {
                var threads = Enumerable.Range(0, 4).Select(_ => new Thread(() =>
                {
                    started.SignalAndWait();
                    try
                    {
                        while (true) store.Find(Fields("user_name", User["user_name"]));
                    }
                    catch (Exception error)
                    {
                        lock (outcomes) outcomes.Add(error);
                    }
                })).ToList();
                threads.ForEach(thread => thread.Start());
                started.SignalAndWait();
                Thread.Sleep(20); // let the threads get inside calls; the outcome does not depend on it
                store.Dispose();
                foreach (Thread thread in threads) Check.True(thread.Join(10000), "a thread stopped");
            }
            Check.Equal(4, outcomes.Count);
            Check.True(outcomes.All(error => error is ObjectDisposedException), string.Join("; ", outcomes.Select(error => error.ToString())));
        }
    }
}
