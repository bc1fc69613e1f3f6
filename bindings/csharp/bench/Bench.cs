// Benchmark: every SDK store call through ZohoTokenStore, next to the real SDK's FileStore and a careful
// pure-C# SQLite store (Mono.Data.Sqlite), in one run. Run it with bench/run.sh (it builds this file
// against the real SDK assembly that bench/build-sdk.sh compiles from the SDK's source).
//
// The three stores hold the same N tokens (user tokens with a UserSignature, as the SDK saves them with
// FindUser on), and all three take and return the real SDK's OAuthToken objects:
// - zts: ZohoTokenStore with its defaults (synchronous "auto": a refresh is saved without an fsync);
// - sqlite: CarefulSqliteStore below, what a careful C# developer writes on Mono.Data.Sqlite: one indexed
//   row per token (the SDK DBStore's oauthtoken columns), bound parameters, prepared commands kept, WAL,
//   BEGIN IMMEDIATE around each save, the SDK FileStore's rules, zts's durability (a refresh not synced,
//   every other change synced);
// - FileStore: the SDK's own CSV store (it rewrites the whole file on every save and delete, no fsync).
// Calls: FindToken (a new token with the UserSignature of a random stored user), FindTokenById (a random
// id), SaveToken (a token found by id with a new access token and expiry, as the SDK saves a refresh),
// DeleteToken (of a token saved just before, untimed), GetTokens. Each cell is the median of single
// calls; the stores take turns in --rounds rounds. Prints a Markdown table with the targets: zts faster
// than the FileStore and within 1.5x of the sqlite store.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using Com.Zoho.API.Authenticator;
using Com.Zoho.API.Authenticator.Store;
using Com.Zoho.API.Exception;
using Com.Zoho.Crm.API;
using Mono.Data.Sqlite;
using Zts;

namespace Zts.Bench
{
    /// <summary>The baseline (see the top of this file).</summary>
    public sealed class CarefulSqliteStore : ITokenStore, IDisposable
    {
        public static readonly string[] Columns =
        {
            "id", "user_name", "client_id", "client_secret", "refresh_token", "access_token", "grant_token",
            "expiry_time", "redirect_url", "api_domain",
        };

        private readonly SqliteConnection db;
        private readonly Dictionary<string, SqliteCommand> byColumn = new Dictionary<string, SqliteCommand>();
        private readonly SqliteCommand insert, update, largestId, delete, list, begin, commit, rollback, syncNormal, syncFull;

        public CarefulSqliteStore(string path)
        {
            db = new SqliteConnection("Data Source=" + path);
            db.Open();
            Execute("PRAGMA journal_mode = WAL");
            Execute("PRAGMA synchronous = FULL");
            Execute("PRAGMA busy_timeout = 5000");
            Execute("CREATE TABLE IF NOT EXISTS oauthtoken (" + string.Join(", ", Columns.Select(c => c + " TEXT")) + ")");
            Execute("CREATE UNIQUE INDEX IF NOT EXISTS oauthtoken_id ON oauthtoken (id)");
            foreach (string column in new[] { "user_name", "access_token", "grant_token", "refresh_token" })
                Execute("CREATE INDEX IF NOT EXISTS oauthtoken_" + column + " ON oauthtoken (" + column + ")");
            string select = "SELECT " + string.Join(", ", Columns) + " FROM oauthtoken";
            foreach (string column in new[] { "id", "user_name", "access_token", "grant_token", "refresh_token" })
                byColumn[column] = Prepare(select + " WHERE " + column + " = @value LIMIT 1", "@value");
            insert = Prepare("INSERT INTO oauthtoken VALUES (" + string.Join(", ", Columns.Select(c => "@" + c)) + ")",
                Columns.Select(c => "@" + c).ToArray());
            update = Prepare("UPDATE oauthtoken SET " + string.Join(", ", Columns.Select(c => c + " = @" + c)) + " WHERE id = @key",
                Columns.Select(c => "@" + c).Concat(new[] { "@key" }).ToArray());
            largestId = Prepare("SELECT max(CAST(id AS INTEGER)) FROM oauthtoken");
            delete = Prepare("DELETE FROM oauthtoken WHERE id = @id", "@id");
            list = Prepare(select + " ORDER BY CAST(id AS INTEGER)");
            begin = Prepare("BEGIN IMMEDIATE");
            commit = Prepare("COMMIT");
            rollback = Prepare("ROLLBACK");
            syncNormal = Prepare("PRAGMA synchronous = NORMAL");
            syncFull = Prepare("PRAGMA synchronous = FULL");
        }

        public void Dispose()
        {
            db.Dispose();
        }

        private void Execute(string sql)
        {
            using (var command = new SqliteCommand(sql, db)) command.ExecuteNonQuery();
        }

        private SqliteCommand Prepare(string sql, params string[] parameters)
        {
            var command = new SqliteCommand(sql, db);
            foreach (string name in parameters) command.Parameters.Add(new SqliteParameter(name));
            command.Prepare();
            return command;
        }

        /// <summary>The first row a prepared one-value query returns, as ten values, or null.</summary>
        private static string[] One(SqliteCommand query, string value)
        {
            query.Parameters[0].Value = value;
            using (SqliteDataReader reader = query.ExecuteReader())
            {
                return reader.Read() ? Row(reader) : null;
            }
        }

        private static string[] Row(SqliteDataReader reader)
        {
            var row = new string[10];
            for (int i = 0; i < 10; i++) row[i] = reader.IsDBNull(i) ? null : reader.GetString(i);
            return row;
        }

        public static string[] RowOf(OAuthToken token)
        {
            return new[]
            {
                token.Id, token.UserSignature != null ? token.UserSignature.Name : null, token.ClientId,
                token.ClientSecret, token.RefreshToken, token.AccessToken, token.GrantToken, token.ExpiresIn,
                token.RedirectURL, token.APIDomain,
            };
        }

        /// <summary>The SDK FileStore's SetMergeData: fills the token's null fields from a stored row.</summary>
        public static void Fill(OAuthToken token, string[] row)
        {
            if (token.Id == null) token.Id = row[0];
            if (token.UserSignature == null && row[1] != null) token.UserSignature = new UserSignature(row[1]);
            if (token.ClientId == null) token.ClientId = row[2];
            if (token.ClientSecret == null) token.ClientSecret = row[3];
            if (token.RefreshToken == null) token.RefreshToken = row[4];
            if (token.AccessToken == null) token.AccessToken = row[5];
            if (token.GrantToken == null) token.GrantToken = row[6];
            if (token.ExpiresIn == null) token.ExpiresIn = row[7];
            if (token.RedirectURL == null) token.RedirectURL = row[8];
            if (token.APIDomain == null) token.APIDomain = row[9];
        }

        private static OAuthToken NewToken(string[] row)
        {
            var token = new OAuthToken();
            Fill(token, row);
            return token;
        }

        // The SDK FileStore's CheckCondition, on indexed columns.
        private string[] Match(string[] row)
        {
            string userName = row[1], clientId = row[2], clientSecret = row[3], refresh = row[4], access = row[5], grant = row[6];
            if (userName != null) return One(byColumn["user_name"], userName);
            if (access != null && clientId == null && clientSecret == null) return One(byColumn["access_token"], access);
            if (clientId != null && clientSecret != null)
            {
                string[] found = grant != null ? One(byColumn["grant_token"], grant) : null;
                return found ?? (refresh != null ? One(byColumn["refresh_token"], refresh) : null);
            }
            return null;
        }

        public IToken FindToken(IToken token)
        {
            var oauthToken = token as OAuthToken;
            if (oauthToken == null) return token;
            string[] found = Match(RowOf(oauthToken));
            if (found == null) return null;
            Fill(oauthToken, found);
            return oauthToken;
        }

        public IToken FindTokenById(string id)
        {
            string[] found = One(byColumn["id"], id);
            if (found == null) throw new SDKException("TOKEN_STORE", "no token has this id");
            return NewToken(found);
        }

        public void SaveToken(IToken token)
        {
            var oauthToken = token as OAuthToken;
            if (oauthToken == null) return;
            string[] row = RowOf(oauthToken);
            // A refresh (a save by id) is not synced; anything else is.
            (row[0] != null ? syncNormal : syncFull).ExecuteNonQuery();
            begin.ExecuteNonQuery();
            try
            {
                string[] found = row[0] != null ? One(byColumn["id"], row[0]) : Match(row);
                if (found != null)
                {
                    for (int i = 1; i < 10; i++) update.Parameters[i].Value = row[i] ?? found[i];
                    update.Parameters[0].Value = found[0];
                    update.Parameters[10].Value = found[0];
                    update.ExecuteNonQuery();
                    row[0] = found[0];
                }
                else
                {
                    if (row[0] == null)
                    {
                        object largest = largestId.ExecuteScalar();
                        row[0] = ((largest is DBNull || largest == null ? 0L : Convert.ToInt64(largest)) + 1).ToString(CultureInfo.InvariantCulture);
                    }
                    for (int i = 0; i < 10; i++) insert.Parameters[i].Value = row[i];
                    insert.ExecuteNonQuery();
                }
                commit.ExecuteNonQuery();
            }
            catch
            {
                rollback.ExecuteNonQuery();
                throw;
            }
            oauthToken.Id = row[0];
        }

        public void DeleteToken(string id)
        {
            syncFull.ExecuteNonQuery();
            delete.Parameters[0].Value = id;
            if (delete.ExecuteNonQuery() == 0) throw new SDKException("TOKEN_STORE", "no token has this id");
        }

        public List<IToken> GetTokens()
        {
            var tokens = new List<IToken>();
            using (SqliteDataReader reader = list.ExecuteReader())
            {
                while (reader.Read()) tokens.Add(NewToken(Row(reader)));
            }
            return tokens;
        }

        public void DeleteTokens()
        {
            Execute("DELETE FROM oauthtoken");
        }

        public static string SqliteVersion()
        {
            using (var db = new SqliteConnection("Data Source=:memory:"))
            {
                db.Open();
                using (var command = new SqliteCommand("SELECT sqlite_version()", db)) return (string)command.ExecuteScalar();
            }
        }
    }

    public static class Program
    {
        private static readonly string[] Calls = { "FindToken", "FindTokenById", "SaveToken", "DeleteToken", "GetTokens" };
        private static readonly string[] Kinds = { "zts", "sqlite", "FileStore" };
        private static readonly long Expiry = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 3600000;

        // Calls per round: fewer where a call costs milliseconds (FileStore rewrites or reads the whole file).
        private static int Iterations(string call, string kind, int size)
        {
            int fileStore = size <= 10 ? 100 : size <= 1000 ? 20 : 4;
            if (call == "GetTokens")
                return kind == "FileStore" ? Math.Max(3, fileStore >> 2) : Math.Max(3, Math.Min(1000, 20000 / size));
            if (kind == "FileStore") return fileStore;
            return call == "SaveToken" ? 200 : call == "DeleteToken" ? 100 : 1000;
        }

        /// <summary>mulberry32: a seeded generator of integers in [1, max], so every run picks the same tokens.</summary>
        private sealed class Random32
        {
            private uint state;

            public Random32(uint seed)
            {
                state = seed;
            }

            public int Next(int max)
            {
                unchecked
                {
                    state += 0x6d2b79f5;
                    uint t = state;
                    t = (t ^ (t >> 15)) * (t | 1);
                    t ^= t + (t ^ (t >> 7)) * (t | 61);
                    return 1 + (int)(((t ^ (t >> 14)) / 4294967296.0) * max);
                }
            }
        }

        private static string Hex(int n, int width)
        {
            return n.ToString("x").PadLeft(width, '0');
        }

        /// <summary>Stored token n, as its ten values in column order.</summary>
        private static string[] StoredToken(int n)
        {
            return new[]
            {
                n.ToString(CultureInfo.InvariantCulture),
                "user" + n + "@example.com:" + (700000 + n),
                "1000.CLIENTID" + n.ToString(CultureInfo.InvariantCulture).PadLeft(26, '0'),
                n.ToString(CultureInfo.InvariantCulture).PadLeft(42, '0'),
                "1000." + Hex(n, 32) + "." + Hex(n, 32),
                "1000." + Hex(n + 1, 32) + "." + Hex(n, 32),
                null,
                Expiry.ToString(CultureInfo.InvariantCulture),
                "https://example.com/callback",
                "https://www.zohoapis.com",
            };
        }

        /// <summary>The same tokens in a zts file, a SQLite file and a FileStore CSV.</summary>
        private static string[] Populate(string directory, int size)
        {
            string ztsPath = Path.Combine(directory, "tokens-" + size + ".db");
            using (var store = new Store(ztsPath, new StoreOptions { Synchronous = "normal" }))
            {
                for (int n = 1; n <= size; n++)
                {
                    string[] values = StoredToken(n);
                    var token = new Dictionary<string, string>();
                    for (int i = 0; i < 10; i++) token[CarefulSqliteStore.Columns[i]] = values[i];
                    store.Save(token);
                }
            }
            string sqlitePath = Path.Combine(directory, "tokens-" + size + ".sqlite");
            new CarefulSqliteStore(sqlitePath).Dispose(); // the table and indexes
            using (var db = new SqliteConnection("Data Source=" + sqlitePath))
            {
                db.Open();
                using (SqliteTransaction transaction = db.BeginTransaction())
                using (var insert = new SqliteCommand("INSERT INTO oauthtoken VALUES (" +
                    string.Join(", ", Enumerable.Range(0, 10).Select(i => "@v" + i)) + ")", db, transaction))
                {
                    for (int i = 0; i < 10; i++) insert.Parameters.Add(new SqliteParameter("@v" + i));
                    for (int n = 1; n <= size; n++)
                    {
                        string[] values = StoredToken(n);
                        for (int i = 0; i < 10; i++) insert.Parameters[i].Value = values[i];
                        insert.ExecuteNonQuery();
                    }
                    transaction.Commit();
                }
            }
            string csvPath = Path.Combine(directory, "tokens-" + size + ".csv");
            new FileStore(csvPath); // writes the SDK's header line
            // Rows as the C# FileStore writes them (string.Join(",", values), null as "", one WriteLine
            // each); saving 10,000 one by one through FileStore would take minutes.
            var rows = new StringBuilder();
            for (int n = 1; n <= size; n++) rows.Append(string.Join(",", StoredToken(n))).Append('\n');
            File.AppendAllText(csvPath, rows.ToString());
            return new[] { ztsPath, sqlitePath, csvPath };
        }

        private sealed class Run
        {
            public Random32 Random = new Random32(7);
            public int NewUsers;
        }

        private static double Seconds(long ticks)
        {
            return ticks / (double)Stopwatch.Frequency;
        }

        /// <summary>The duration of one call, in seconds; the token objects are built outside the timing.</summary>
        private static double Sample(string call, ITokenStore store, int size, Run run)
        {
            int n = run.Random.Next(size);
            string nText = n.ToString(CultureInfo.InvariantCulture);
            long started;
            switch (call)
            {
                case "FindToken":
                {
                    OAuthToken token = new OAuthToken.Builder().UserSignature(new UserSignature(StoredToken(n)[1])).Build();
                    started = Stopwatch.GetTimestamp();
                    IToken result = store.FindToken(token);
                    double elapsed = Seconds(Stopwatch.GetTimestamp() - started);
                    if (!ReferenceEquals(result, token) || token.Id != nText) throw new Exception("FindToken: wrong token for user " + n);
                    return elapsed;
                }
                case "FindTokenById":
                {
                    started = Stopwatch.GetTimestamp();
                    var result = (OAuthToken)store.FindTokenById(nText);
                    double elapsed = Seconds(Stopwatch.GetTimestamp() - started);
                    if (result.UserSignature.Name != StoredToken(n)[1]) throw new Exception("FindTokenById: wrong token " + n);
                    return elapsed;
                }
                case "SaveToken":
                {
                    var token = (OAuthToken)store.FindTokenById(nText);
                    token.AccessToken = "1000.refreshed." + run.Random.Next(1000000000);
                    token.ExpiresIn = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 3600000).ToString(CultureInfo.InvariantCulture);
                    started = Stopwatch.GetTimestamp();
                    store.SaveToken(token);
                    return Seconds(Stopwatch.GetTimestamp() - started);
                }
                case "DeleteToken":
                {
                    run.NewUsers++;
                    OAuthToken token = new OAuthToken.Builder().ClientId("1000.NEW").ClientSecret("s")
                        .RefreshToken("1000.new." + run.NewUsers)
                        .UserSignature(new UserSignature("new" + run.NewUsers + "@example.com:1")).Build();
                    token.AccessToken = "1000.a";
                    store.SaveToken(token);
                    started = Stopwatch.GetTimestamp();
                    store.DeleteToken(token.Id);
                    return Seconds(Stopwatch.GetTimestamp() - started);
                }
                default:
                {
                    started = Stopwatch.GetTimestamp();
                    List<IToken> result = store.GetTokens();
                    double elapsed = Seconds(Stopwatch.GetTimestamp() - started);
                    if (result.Count != size) throw new Exception("GetTokens: " + result.Count + " tokens, not " + size);
                    return elapsed;
                }
            }
        }

        private static double Median(List<double> values)
        {
            var sorted = new List<double>(values);
            sorted.Sort();
            int middle = sorted.Count / 2;
            return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        }

        private static string Duration(double seconds)
        {
            return seconds < 1e-3
                ? (seconds * 1e6).ToString("F1", CultureInfo.InvariantCulture) + " µs"
                : (seconds * 1e3).ToString("F2", CultureInfo.InvariantCulture) + " ms";
        }

        private static string Flag(string[] args, string name, string fallback)
        {
            int at = Array.IndexOf(args, name);
            return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
        }

        private static string MonoVersion()
        {
            Type mono = Type.GetType("Mono.Runtime");
            MethodInfo name = mono == null ? null : mono.GetMethod("GetDisplayName", BindingFlags.NonPublic | BindingFlags.Static);
            return name != null ? "Mono " + name.Invoke(null, null) : ".NET " + Environment.Version;
        }

        public static int Main(string[] args)
        {
            int[] sizes = Flag(args, "--sizes", "10,1000,10000").Split(',').Select(int.Parse).ToArray();
            int rounds = int.Parse(Flag(args, "--rounds", "3"));
            string command = Flag(args, "--command", "mono Bench.exe " + string.Join(" ", args));
            string sdkVersion = Flag(args, "--sdk-version", "unknown");
            string directory = Path.Combine(Flag(args, "--dir", Path.GetTempPath()), "zts-bench-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(directory);
            var run = new Run();
            var rows = new List<Tuple<int, string, double, double, double>>();
            try
            {
                foreach (int size in sizes)
                {
                    string[] paths = Populate(directory, size);
                    using (var zts = new ZohoTokenStore(paths[0]))
                    using (var sqlite = new CarefulSqliteStore(paths[1]))
                    {
                        var stores = new Dictionary<string, ITokenStore>
                        {
                            { "zts", zts }, { "sqlite", sqlite }, { "FileStore", new FileStore(paths[2]) },
                        };
                        if (size == sizes[0])
                        {
                            // JIT warm-up of every call on every store.
                            foreach (string call in Calls)
                                foreach (string kind in Kinds)
                                    for (int i = 0; i < (call == "FindToken" ? 300 : 10); i++) Sample(call, stores[kind], size, run);
                        }
                        foreach (string call in Calls)
                        {
                            var samples = Kinds.ToDictionary(kind => kind, kind => new List<double>());
                            for (int round = 0; round < rounds; round++)
                            {
                                foreach (string kind in Kinds)
                                {
                                    int count = Iterations(call, kind, size);
                                    for (int i = 0; i < Math.Min(3, count); i++) Sample(call, stores[kind], size, run); // warm-up
                                    for (int i = 0; i < count; i++) samples[kind].Add(Sample(call, stores[kind], size, run));
                                }
                            }
                            rows.Add(Tuple.Create(size, call, Median(samples["zts"]), Median(samples["sqlite"]), Median(samples["FileStore"])));
                        }
                    }
                }
            }
            finally
            {
                Directory.Delete(directory, true);
            }

            Console.WriteLine("Command: " + command);
            Console.WriteLine(MonoVersion() + ", zts " + Store.LibraryVersion + ", Mono.Data.Sqlite (SQLite " +
                CarefulSqliteStore.SqliteVersion() + "), ZOHOCRMSDK-8.0 " + sdkVersion + " FileStore (built from source), " +
                (Environment.Is64BitProcess ? "x64" : "x86") + "; medians over " + rounds + " rounds");
            Console.WriteLine();
            Console.WriteLine("| tokens | call | zts | sqlite store | FileStore | zts ÷ sqlite | FileStore ÷ zts | target |");
            Console.WriteLine("| ---: | --- | ---: | ---: | ---: | ---: | ---: | --- |");
            int met = 0;
            foreach (var row in rows)
            {
                bool ok = row.Item3 < row.Item5 && row.Item3 <= 1.5 * row.Item4;
                if (ok) met++;
                Console.WriteLine("| " + row.Item1.ToString("N0", CultureInfo.InvariantCulture) + " | " + row.Item2 + " | " +
                    Duration(row.Item3) + " | " + Duration(row.Item4) + " | " + Duration(row.Item5) + " | " +
                    (row.Item3 / row.Item4).ToString("F2", CultureInfo.InvariantCulture) + " | " +
                    (row.Item5 / row.Item3).ToString("F1", CultureInfo.InvariantCulture) + "× | " + (ok ? "met" : "MISSED") + " |");
            }
            Console.WriteLine();
            Console.WriteLine("target (faster than FileStore, within 1.5x of the sqlite store): " + met + " of " + rows.Count + " met");
            return 0;
        }
    }
}
