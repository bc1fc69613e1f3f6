package io.zts.bench;

import com.zoho.api.authenticator.OAuthToken;
import com.zoho.api.authenticator.Token;
import com.zoho.api.authenticator.store.FileStore;
import com.zoho.api.authenticator.store.TokenStore;
import com.zoho.crm.api.UserSignature;
import io.zts.Store;
import io.zts.ZohoTokenStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The benchmark itself (started by {@link Bench}): every SDK store call through ZohoTokenStore, next to
 * the real SDK's FileStore and a careful JDBC SQLite store, in one JVM (see README.md here). The three stores hold the same N tokens (user tokens with a
 * UserSignature, as the SDK saves them with findUser on):
 * - zts: ZohoTokenStore with its defaults (synchronous "auto": a refresh is saved without an fsync);
 * - sqlite: {@link CarefulSqliteStore};
 * - FileStore: the SDK's own CSV store (com.zoho.api.authenticator.store.FileStore).
 * Calls: findToken (a new token with the UserSignature of a random stored user), findTokenById (a random
 * id), saveToken (a token found by id with a new access token and expiry, as the SDK saves a refresh),
 * deleteToken (of a token saved just before, untimed), getTokens. Each cell is the median of single
 * calls; in each of --rounds rounds the stores take turns call by call, after a warm-up for the JIT. Prints a Markdown table
 * with the targets: zts faster than the FileStore and within 1.5x of the sqlite store.
 */
final class SideBySide {
    private static final List<String> CALLS = List.of("findToken", "findTokenById", "saveToken", "deleteToken", "getTokens");
    private static final List<String> KINDS = List.of("zts", "sqlite", "FileStore");
    // Calls per round: fewer where a call costs milliseconds (FileStore rewrites or reads the whole file).
    private static final Map<String, Integer> FAST_ITERATIONS = Map.of("findToken", 1_000, "findTokenById", 1_000,
            "saveToken", 200, "deleteToken", 100);
    private static final Map<Integer, Integer> FILESTORE_ITERATIONS = Map.of(10, 100, 1_000, 20, 10_000, 4);
    // Untimed calls per store before the first size's rounds: enough for C2 to compile the hot paths.
    private static final int JIT_WARMUP_CALLS = 5_000;
    private static final long EXPIRY = System.currentTimeMillis() + 3_600_000;

    private SideBySide() {
    }

    private static int iterations(String call, String kind, int size) {
        int fileStore = FILESTORE_ITERATIONS.getOrDefault(size, Math.max(1, 40_000 / size));
        if (call.equals("getTokens")) {
            return kind.equals("FileStore") ? Math.max(3, fileStore >> 2) : Math.max(3, Math.min(1_000, 20_000 / size));
        }
        return kind.equals("FileStore") ? fileStore : FAST_ITERATIONS.get(call);
    }

    /** A seeded generator of integers in [1, max] (mulberry32, as bench.mjs), so every run picks the same tokens. */
    static final class RandomInts {
        private int state;

        RandomInts(int seed) {
            state = seed;
        }

        int next(int max) {
            state += 0x6d2b79f5;
            int t = state;
            t = (t ^ (t >>> 15)) * (t | 1);
            t ^= t + (t ^ (t >>> 7)) * (t | 61);
            long unsigned = Integer.toUnsignedLong(t ^ (t >>> 14));
            return 1 + (int) Math.floor(unsigned / 4294967296.0 * max);
        }
    }

    /** Stored token n, its ten values in Store.TOKEN_FIELDS order. */
    static String[] storedToken(int n) {
        return new String[] {String.valueOf(n), userName(n), "1000.CLIENTID" + String.format("%026d", n),
            String.format("%042d", n), String.format("1000.%032x.%032x", n, n), String.format("1000.%032x.%032x", n + 1, n),
            null, String.valueOf(EXPIRY), "https://example.com/callback", "https://www.zohoapis.com"};
    }

    static String userName(int n) {
        return "user" + n + "@example.com:" + (700000 + n);
    }

    /** The same {@code size} tokens in a zts file, a SQLite file and a FileStore CSV. */
    static Path[] populate(Path directory, int size) throws Exception {
        Path ztsPath = directory.resolve("tokens-" + size + ".db");
        try (Store store = new Store(ztsPath.toString(), Map.of("synchronous", "normal"))) {
            for (int n = 1; n <= size; n++) {
                String[] values = storedToken(n);
                Map<String, String> token = new LinkedHashMap<>();
                for (int i = 0; i < values.length; i++) {
                    token.put(Store.TOKEN_FIELDS.get(i), values[i]);
                }
                store.save(token);
            }
        }
        Path sqlitePath = directory.resolve("tokens-" + size + ".sqlite");
        new CarefulSqliteStore(sqlitePath.toString()).close(); // the schema
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + sqlitePath);
                PreparedStatement insert = db.prepareStatement(CarefulSqliteStore.insertSql())) {
            db.setAutoCommit(false);
            for (int n = 1; n <= size; n++) {
                String[] values = storedToken(n);
                for (int i = 0; i < values.length; i++) {
                    insert.setString(i + 1, values[i]);
                }
                insert.executeUpdate();
            }
            db.commit();
        }
        Path csvPath = directory.resolve("tokens-" + size + ".csv");
        new FileStore(csvPath.toString()); // writes the SDK's header
        // Rows as the Java FileStore writes them (opencsv writeAll(rows, false): quotes only where a value
        // needs them, which none here does; "\n" after every row; null as empty); saving 10,000 one by one
        // through FileStore would take minutes.
        StringBuilder rows = new StringBuilder();
        for (int n = 1; n <= size; n++) {
            String[] values = storedToken(n);
            for (int i = 0; i < values.length; i++) {
                rows.append(i > 0 ? "," : "").append(values[i] == null ? "" : values[i]);
            }
            rows.append('\n');
        }
        Files.write(csvPath, rows.toString().getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
        return new Path[] {ztsPath, sqlitePath, csvPath};
    }

    /** The duration of one call, in nanoseconds; the token objects are built outside the timing. */
    static long sample(String call, TokenStore store, int size, RandomInts random, int[] newUsers) throws Exception {
        int n = random.next(size);
        long started;
        long elapsed;
        switch (call) {
            case "findToken": {
                OAuthToken token = new OAuthToken.Builder().userSignature(new UserSignature(userName(n))).build();
                started = System.nanoTime();
                Token result = store.findToken(token);
                elapsed = System.nanoTime() - started;
                if (result != token || !String.valueOf(n).equals(token.getId())) {
                    throw new IllegalStateException("findToken: wrong token for user " + n);
                }
                return elapsed;
            }
            case "findTokenById": {
                started = System.nanoTime();
                OAuthToken result = (OAuthToken) store.findTokenById(String.valueOf(n));
                elapsed = System.nanoTime() - started;
                if (!result.getUserSignature().getName().equals(userName(n))) {
                    throw new IllegalStateException("findTokenById: wrong token " + n);
                }
                return elapsed;
            }
            case "saveToken": {
                OAuthToken token = (OAuthToken) store.findTokenById(String.valueOf(n));
                token.setAccessToken("1000.refreshed." + random.next(1_000_000_000));
                token.setExpiresIn(String.valueOf(System.currentTimeMillis() + 3_600_000));
                started = System.nanoTime();
                store.saveToken(token);
                return System.nanoTime() - started;
            }
            case "deleteToken": {
                newUsers[0] += 1;
                OAuthToken token = new OAuthToken.Builder().clientID("1000.NEW").clientSecret("s")
                        .refreshToken("1000.new." + newUsers[0])
                        .userSignature(new UserSignature("new" + newUsers[0] + "@example.com:1")).build();
                token.setAccessToken("1000.a");
                store.saveToken(token);
                started = System.nanoTime();
                store.deleteToken(token.getId());
                return System.nanoTime() - started;
            }
            default: {
                started = System.nanoTime();
                List<Token> result = store.getTokens();
                elapsed = System.nanoTime() - started;
                if (result.size() != size) {
                    throw new IllegalStateException("getTokens: " + result.size() + " tokens, not " + size);
                }
                return elapsed;
            }
        }
    }

    static double median(List<Long> values) {
        long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2.0;
    }

    static String duration(double nanos) {
        return nanos < 1e6 ? String.format(Locale.ROOT, "%.1f µs", nanos / 1e3) : String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
    }

    private static String flag(List<String> args, String name, String fallback) {
        int at = args.indexOf(name);
        return at >= 0 && at + 1 < args.size() ? args.get(at + 1) : fallback;
    }

    private static final class Row {
        final int size;
        final String call;
        final double zts;
        final double sqlite;
        final double file;

        Row(int size, String call, double zts, double sqlite, double file) {
            this.size = size;
            this.call = call;
            this.zts = zts;
            this.sqlite = sqlite;
            this.file = file;
        }
    }

    static void run(String[] argv) throws Exception {
        List<String> args = Arrays.asList(argv);
        int[] sizes = Arrays.stream(flag(args, "--sizes", "10,1000,10000").split(",")).mapToInt(Integer::parseInt).toArray();
        int rounds = Integer.parseInt(flag(args, "--rounds", "3"));
        Path directory = Files.createTempDirectory(Path.of(flag(args, "--dir", System.getProperty("java.io.tmpdir"))), "zts-bench-");
        RandomInts random = new RandomInts(7);
        int[] newUsers = {0};
        List<Row> rows = new ArrayList<>();
        try {
            for (int size : sizes) {
                Path[] paths = populate(directory, size);
                Map<String, TokenStore> stores = new LinkedHashMap<>();
                stores.put("zts", new ZohoTokenStore(paths[0].toString()));
                stores.put("sqlite", new CarefulSqliteStore(paths[1].toString()));
                stores.put("FileStore", new FileStore(paths[2].toString()));
                if (size == sizes[0]) {
                    for (TokenStore store : stores.values()) {
                        for (String call : List.of("findToken", "findTokenById", "getTokens")) {
                            for (int i = 0; i < JIT_WARMUP_CALLS; i++) {
                                sample(call, store, size, random, newUsers);
                            }
                        }
                        for (int i = 0; i < JIT_WARMUP_CALLS / 10; i++) {
                            sample("saveToken", store, size, random, newUsers);
                            sample("deleteToken", store, size, random, newUsers);
                        }
                    }
                }
                for (String call : CALLS) {
                    Map<String, List<Long>> samples = new LinkedHashMap<>();
                    for (String kind : KINDS) {
                        samples.put(kind, new ArrayList<>());
                    }
                    for (int round = 0; round < rounds; round++) {
                        for (String kind : KINDS) {
                            for (int i = 0; i < Math.min(3, iterations(call, kind, size)); i++) {
                                sample(call, stores.get(kind), size, random, newUsers); // warm-up
                            }
                        }
                        // The stores take turns call by call, so that a burst of other work on the machine
                        // (a disk busy with another program's syncs) falls on all three alike.
                        int longest = KINDS.stream().mapToInt(kind -> iterations(call, kind, size)).max().getAsInt();
                        for (int i = 0; i < longest; i++) {
                            for (String kind : KINDS) {
                                if (i < iterations(call, kind, size)) {
                                    samples.get(kind).add(sample(call, stores.get(kind), size, random, newUsers));
                                }
                            }
                        }
                    }
                    rows.add(new Row(size, call, median(samples.get("zts")), median(samples.get("sqlite")),
                            median(samples.get("FileStore"))));
                }
                ((ZohoTokenStore) stores.get("zts")).close();
                ((CarefulSqliteStore) stores.get("sqlite")).close();
            }
        } finally {
            try (Stream<Path> files = Files.walk(directory)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException ignored) {
                // a temporary directory left behind
            }
        }
        print(rows, rounds, String.join(" ", argv));
    }

    private static void print(List<Row> rows, int rounds, String arguments) throws Exception {
        String sqliteVersion;
        String driverVersion;
        try (Connection db = DriverManager.getConnection("jdbc:sqlite::memory:");
                Statement statement = db.createStatement();
                ResultSet result = statement.executeQuery("SELECT sqlite_version()")) {
            result.next();
            sqliteVersion = result.getString(1);
            driverVersion = db.getMetaData().getDriverVersion();
        }
        String command = System.getProperty("zts.bench.command", "java io.zts.bench.Bench " + arguments).trim();
        System.out.println("Command: " + command);
        System.out.printf(Locale.ROOT, "Java %s (%s), zts %s, sqlite-jdbc %s (SQLite %s), zohocrm-java-sdk-8-0 %s FileStore, %s;"
                + " medians over %d rounds%n", System.getProperty("java.version"), System.getProperty("java.vm.name"),
                Store.libraryVersion(), driverVersion, sqliteVersion, sdkVersion(),
                System.getProperty("os.arch"), rounds);
        System.out.println();
        System.out.println("| tokens | call | zts | sqlite store | FileStore | zts ÷ sqlite | FileStore ÷ zts | target |");
        System.out.println("| ---: | --- | ---: | ---: | ---: | ---: | ---: | --- |");
        int met = 0;
        for (Row row : rows) {
            boolean ok = row.zts < row.file && row.zts <= 1.5 * row.sqlite;
            met += ok ? 1 : 0;
            System.out.printf(Locale.ROOT, "| %,d | %s | %s | %s | %s | %.2f | %.1f× | %s |%n", row.size, row.call,
                    duration(row.zts), duration(row.sqlite), duration(row.file), row.zts / row.sqlite, row.file / row.zts,
                    ok ? "met" : "MISSED");
        }
        System.out.println();
        System.out.printf("target (faster than FileStore, within 1.5x of the sqlite store): %d of %d met%n", met, rows.size());
    }

    /** The SDK version, from the jar FileStore came from (its file name in the Maven repository). */
    private static String sdkVersion() {
        String jar = FileStore.class.getProtectionDomain().getCodeSource().getLocation().getPath();
        java.util.regex.Matcher version = java.util.regex.Pattern.compile("zohocrm-java-sdk-8-0-([^/]+)\\.jar$").matcher(jar);
        return version.find() ? version.group(1) : jar;
    }
}
