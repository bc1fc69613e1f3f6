package io.zts;

import static io.zts.TestSupport.stored;
import static io.zts.TestSupport.token;
import static io.zts.TestSupport.with;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.function.Consumer;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The Store layer: statuses and errors, options, closing, threads, library loading. */
class StoreTest {
    static final Map<String, String> USER = token(
            "user_name", "user@example.com:777",
            "client_id", "1000.CID",
            "client_secret", "SECRET-csec",
            "refresh_token", "1000.SECRET-refresh",
            "access_token", "1000.SECRET-access",
            "expiry_time", "4102444839397");

    private static final String[] STATUS_NAMES = {"OK", "NOT_FOUND", "INVALID_ARGUMENT", "INVALID_JSON",
        "INVALID_TOKEN", "BUSY", "IO", "CORRUPT", "INCOMPATIBLE", "INTERNAL", "REFRESHING"};

    // --- statuses and errors ------------------------------------------------------------------------

    @Test
    void statusConstantsMatchTheLibraryNames() throws ReflectiveOperationException {
        for (int number = 0; number < STATUS_NAMES.length; number++) {
            assertEquals(number, Status.class.getField(STATUS_NAMES[number]).getInt(null));
            assertEquals("ZTS_" + STATUS_NAMES[number], Status.name(number));
        }
        assertEquals("ZTS_UNKNOWN_STATUS", Status.name(STATUS_NAMES.length));
        assertEquals("ZTS_UNKNOWN_STATUS", Status.name(-1));
    }

    @Test
    void onlyA64BitSizeTIsAccepted() {
        LibraryLoader.checkSizeT(8);
        UnsatisfiedLinkError error = assertThrows(UnsatisfiedLinkError.class, () -> LibraryLoader.checkSizeT(4));
        assertTrue(error.getMessage().contains("64-bit"), error.getMessage());
    }

    @Test
    void theLibraryVersionIsTheOneTheBindingDeclares() {
        assertTrue(Store.libraryVersion().startsWith(LibraryLoader.EXPECTED_VERSION + "."), Store.libraryVersion());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.2.0", "1.1.0", "0.10.0", "garbage"})
    void aLibraryOfAnotherMajorMinorIsRefused(String version) {
        UnsatisfiedLinkError error = assertThrows(UnsatisfiedLinkError.class, () -> LibraryLoader.checkVersion(version));
        assertTrue(error.getMessage().contains("needs 0.1.x"), error.getMessage());
    }

    @Test
    void anotherPatchLevelIsAccepted() {
        LibraryLoader.checkVersion("0.1.99");
    }

    @Test
    void notFoundCarriesStatusNameAndMessageWithoutTheValue() {
        ZtsException error;
        try (Store store = new Store(":memory:")) {
            store.save(USER);
            error = assertThrows(ZtsException.class, () -> store.find(token("user_name", "someone-else@example.com:1")));
        }
        assertEquals(Status.NOT_FOUND, error.getStatus());
        assertEquals("ZTS_NOT_FOUND", error.getStatusName());
        assertTrue(error.getMessage().contains("user_name"), error.getMessage());
        assertFalse(error.getMessage().contains("someone-else"), error.getMessage());
        assertEquals("io.zts.ZtsException: ZTS_NOT_FOUND: " + error.getMessage(), error.toString());
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                Arguments.of("malformed JSON", (Consumer<Store>) s -> s.saveJson("{not json"), "ZTS_INVALID_JSON"),
                Arguments.of("unknown key", (Consumer<Store>) s -> s.save(token("id", "1", "colour", "red")), "ZTS_INVALID_JSON"),
                Arguments.of("nothing to store", (Consumer<Store>) s -> s.save(token("client_id", "c")), "ZTS_INVALID_TOKEN"),
                Arguments.of("nothing to match", (Consumer<Store>) s -> s.find(token("refresh_token", "r")), "ZTS_INVALID_TOKEN"),
                Arguments.of("unknown id", (Consumer<Store>) s -> s.findById("42"), "ZTS_NOT_FOUND"),
                Arguments.of("empty id", (Consumer<Store>) s -> s.findById(""), "ZTS_INVALID_ARGUMENT"),
                Arguments.of("null id is passed as NULL", (Consumer<Store>) s -> s.findById(null), "ZTS_INVALID_ARGUMENT"),
                Arguments.of("null JSON is passed as NULL", (Consumer<Store>) s -> s.saveJson(null), "ZTS_INVALID_ARGUMENT"),
                Arguments.of("delete of an unknown id", (Consumer<Store>) s -> s.delete("42"), "ZTS_NOT_FOUND"),
                Arguments.of("NUL in an id (C would cut it to \"1\")", (Consumer<Store>) s -> s.findById("1\0"), "ZTS_INVALID_ARGUMENT"),
                Arguments.of("NUL in JSON text", (Consumer<Store>) s -> s.findJson("{\"id\":\"1\"}\0junk"), "ZTS_INVALID_ARGUMENT"),
                Arguments.of("lone surrogate", (Consumer<Store>) s -> s.findById("\udc80"), "ZTS_INVALID_ARGUMENT"),
                Arguments.of("NUL in a token value", (Consumer<Store>) s -> s.save(token("id", "1", "access_token", "A\0T")), "ZTS_INVALID_JSON"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void eachRefusalThrowsZtsExceptionWithItsStatus(String what, Consumer<Store> call, String status) {
        try (Store store = new Store(":memory:")) {
            store.save(with(USER, "id", "1"));
            ZtsException error = assertThrows(ZtsException.class, () -> call.accept(store));
            assertEquals(status, error.getStatusName(), error.getMessage());
            assertFalse(error.getMessage().isEmpty());
            assertFalse(error.getMessage().contains("SECRET"), error.getMessage());
            assertEquals(List.of(stored(with(USER, "id", "1"))), store.list(), "a refused call changed the store");
        }
    }

    @Test
    void aNulInsideAnIdDoesNotReachAnotherToken() {
        try (Store store = new Store(":memory:")) {
            store.save(with(USER, "id", "1"));
            ZtsException error = assertThrows(ZtsException.class, () -> store.delete("1\0junk"));
            assertTrue(error.getMessage().contains("NUL"), error.getMessage());
            assertEquals("1", store.list().get(0).get("id"));
        }
    }

    @Test
    void jsonAndMapCallsAgree() {
        try (Store store = new Store(":memory:")) {
            String saved = store.saveJson("{\"access_token\":\"AT1\",\"expiry_time\":4102444839397}");
            assertEquals(stored(token("id", "1", "access_token", "AT1", "expiry_time", "4102444839397")), TokenJson.readToken(saved));
            assertEquals(TokenJson.readToken(saved), store.findById("1"));
            assertEquals(TokenJson.readToken(saved), TokenJson.readToken(store.findByIdJson("1")));
            assertEquals(TokenJson.readToken(saved), TokenJson.readToken(store.findJson("{\"access_token\":\"AT1\"}")));
            assertEquals(List.of(TokenJson.readToken(saved)), TokenJson.readList(store.listJson()));
        }
    }

    // --- the packed values methods -----------------------------------------------------------------

    /** The ten values of a token map, in TOKEN_FIELDS order. */
    static String[] values(Map<String, String> token) {
        return Store.TOKEN_FIELDS.stream().map(token::get).toArray(String[]::new);
    }

    @Test
    void theValuesMethodsGiveWhatTheMapMethodsGive() {
        try (Store store = new Store(":memory:")) {
            String[] saved = store.saveValues(values(USER));
            assertArrayEquals(values(store.findById("1")), saved);
            assertEquals("1", saved[0]);
            assertEquals(USER.get("user_name"), saved[1]);
            assertEquals(null, saved[6], "an absent value comes back as null");
            String[] query = new String[Store.TOKEN_FIELDS.size()];
            query[1] = USER.get("user_name");
            assertArrayEquals(saved, store.findValues(query));
            assertArrayEquals(saved, store.findByIdValues("1"));
            // Non-ASCII values, a character outside the BMP (a surrogate pair) and "" (absent) both ways.
            String[] other = values(token("user_name", "ü@example.com:1", "access_token", "Å 😀 Ω", "grant_token", ""));
            String[] otherSaved = store.saveValues(other);
            assertEquals("Å 😀 Ω", otherSaved[5]);
            assertEquals(null, otherSaved[6]);
            assertEquals(store.findById("2"), stored(token("id", "2", "user_name", "ü@example.com:1", "access_token", "Å 😀 Ω")));
            String[] flat = store.list().stream().flatMap(token -> Arrays.stream(values(token))).toArray(String[]::new);
            assertArrayEquals(flat, store.listValues());
            assertEquals(20, store.listValues().length);
            ZtsException missing = assertThrows(ZtsException.class, () -> store.findByIdValues("9"));
            assertEquals(Status.NOT_FOUND, missing.getStatus());
            String[] nobody = query.clone();
            nobody[1] = "nobody@example.com:1";
            assertEquals(Status.NOT_FOUND, assertThrows(ZtsException.class, () -> store.findValues(nobody)).getStatus());
            store.purge();
            assertArrayEquals(new String[0], store.listValues());
        }
    }

    static Stream<Arguments> valuesThePackedFormCannotCarry() {
        return Stream.of(
                Arguments.of("a NUL", "a\0b"),
                Arguments.of("over 64 KiB", "a".repeat(64 * 1024 + 1)),
                Arguments.of("a lone low surrogate", "lone \udc80"),
                Arguments.of("a lone high surrogate at the end", "lone \ud83d"),
                Arguments.of("a pair in the wrong order", "swapped \ude00\ud83d"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valuesThePackedFormCannotCarry")
    void aTokenThePackedFormCannotCarryGoesAsJsonWithTheSameOutcome(String what, String value) {
        Map<String, String> token = token("user_name", "u@example.com:1", "access_token", value);
        assertEquals(null, PackedFields.pack(values(token)), "the packed form must not carry it");
        try (Store store = new Store(":memory:")) {
            ZtsException packed = assertThrows(ZtsException.class, () -> store.saveValues(values(token)));
            ZtsException asJson = assertThrows(ZtsException.class, () -> store.save(token));
            assertEquals(asJson.getStatusName(), packed.getStatusName());
            assertEquals(asJson.getMessage(), packed.getMessage());
            assertEquals(asJson.getStatusName(), assertThrows(ZtsException.class, () -> store.findValues(values(token))).getStatusName());
            assertArrayEquals(new String[0], store.listValues());
        }
    }

    @Test
    void valuesThatAreNotTenAreRefused() {
        try (Store store = new Store(":memory:")) {
            ZtsException tooFew = assertThrows(ZtsException.class, () -> store.saveValues(new String[] {null, "u@example.com:1"}));
            assertEquals(Status.INVALID_ARGUMENT, tooFew.getStatus());
            assertEquals("a token has 10 values, not 2", tooFew.getMessage());
            assertEquals(Status.INVALID_ARGUMENT, assertThrows(ZtsException.class, () -> store.findValues(null)).getStatus());
            assertEquals(Status.INVALID_ARGUMENT, assertThrows(ZtsException.class, () -> store.findByIdValues(null)).getStatus());
            assertEquals(Status.INVALID_ARGUMENT, assertThrows(ZtsException.class, () -> store.findByIdValues("1\0")).getStatus());
            assertArrayEquals(new String[0], store.listValues());
        }
    }

    @Test
    void packedFieldsThatAreNotTokensAreABug() {
        assertArrayEquals(new String[] {"1", null, null, null, null, "A", null, null, null, null},
                PackedFields.unpack("1\0\0\0\0\0A\0\0\0\0\0".getBytes(StandardCharsets.UTF_8)));
        assertThrows(IllegalStateException.class, () -> PackedFields.unpack("1\0A\0".getBytes(StandardCharsets.UTF_8)));
        assertThrows(IllegalStateException.class, () -> PackedFields.unpack("\0\0\0\0\0\0\0\0\0\0x".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aStoredValueHoldingANulIsReadByJsonAndRefusedPacked(@TempDir Path directory) throws Exception {
        Path file = directory.resolve("tokens.db");
        try (Store store = new Store(file.toString())) {
            store.save(USER);
            // Only another program can store a NUL: zts refuses it in every value it is given.
            new TestSupport.Command("python3", "-c", "import sqlite3, sys\n"
                    + "db = sqlite3.connect(sys.argv[1])\n"
                    + "db.execute(\"UPDATE oauthtoken SET access_token = 'A' || char(0) || 'T' WHERE id = '1'\")\n"
                    + "db.commit()", file.toString()).run().assertSucceeded();
            assertEquals("A\0T", store.findById("1").get("access_token"));
            ZtsException refused = assertThrows(ZtsException.class, () -> store.findByIdValues("1"));
            assertEquals(Status.INVALID_TOKEN, refused.getStatus());
            assertTrue(refused.getMessage().contains("access_token"), refused.getMessage());
            assertEquals(Status.INVALID_TOKEN, assertThrows(ZtsException.class, store::listValues).getStatus());
        }
    }

    // --- opening and options ------------------------------------------------------------------------

    @Test
    void aMissingDirectoryIsIoNamingThePath(@TempDir Path directory) {
        Path path = directory.resolve("no-such-dir").resolve("tokens.db");
        ZtsException error = assertThrows(ZtsException.class, () -> new Store(path.toString()));
        assertEquals("ZTS_IO", error.getStatusName());
        assertTrue(error.getMessage().contains("no-such-dir"), error.getMessage());
    }

    @Test
    void aNulInsideTheLocationIsRefused(@TempDir Path directory) throws Exception {
        ZtsException error = assertThrows(ZtsException.class, () -> new Store(directory.resolve("tokens.db") + "\0.bak"));
        assertEquals("ZTS_INVALID_ARGUMENT", error.getStatusName());
        try (Stream<Path> files = Files.list(directory)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void aNullLocationIsInvalidArgument() {
        assertEquals("ZTS_INVALID_ARGUMENT", assertThrows(ZtsException.class, () -> new Store(null)).getStatusName());
    }

    @Test
    void aFileThatIsNotSqliteIsCorruptAndUntouched(@TempDir Path directory) throws Exception {
        Path path = directory.resolve("tokens.db");
        byte[] csv = "id,user_name\n1,x\n".repeat(100).getBytes(StandardCharsets.UTF_8);
        Files.write(path, csv);
        ZtsException error = assertThrows(ZtsException.class, () -> new Store(path.toString()));
        assertEquals("ZTS_CORRUPT", error.getStatusName());
        assertArrayEquals(csv, Files.readAllBytes(path));
    }

    static Stream<Map<String, Object>> badOptions() {
        return Stream.of(Map.of("colour", "red"), Map.of("busy_timeout_ms", "5s"), Map.of("read_only", 1));
    }

    @ParameterizedTest
    @MethodSource("badOptions")
    void anUnknownOrMistypedOptionIsInvalidArgument(Map<String, Object> options) {
        ZtsException error = assertThrows(ZtsException.class, () -> new Store(":memory:", options));
        assertEquals("ZTS_INVALID_ARGUMENT", error.getStatusName());
        assertTrue(error.getMessage().contains(options.keySet().iterator().next()), error.getMessage());
    }

    @Test
    void optionsReachTheLibrary(@TempDir Path directory) {
        String path = directory.resolve("tokens.db").toString();
        ZtsException missing = assertThrows(ZtsException.class, () -> new Store(path, Map.of("create", false)));
        assertEquals("ZTS_IO", missing.getStatusName());
        try (Store store = new Store(path, Map.of("busy_timeout_ms", 100, "synchronous", "normal"))) {
            store.save(USER);
        }
        try (Store store = new Store(path, Map.of("read_only", true))) {
            assertEquals("1", store.find(token("user_name", USER.get("user_name"))).get("id"));
            ZtsException error = assertThrows(ZtsException.class, () -> store.save(with(USER, "access_token", "new")));
            assertEquals("ZTS_IO", error.getStatusName());
        }
    }

    @Test
    void tokensPersistInTheFileAndTheIdComesBack(@TempDir Path directory) {
        String path = directory.resolve("tokens.db").toString();
        Map<String, String> saved;
        try (Store store = new Store(path)) {
            saved = store.save(USER);
        }
        assertEquals(stored(with(USER, "id", "1")), saved);
        assertEquals(Store.TOKEN_FIELDS, new ArrayList<>(saved.keySet()), "keys in the SDK's column order");
        try (Store store = new Store(path)) {
            assertEquals(saved, store.findById("1"));
            assertEquals(List.of(saved), store.list());
            store.delete("1");
            assertEquals(List.of(), store.list());
            store.save(USER);
            store.purge();
            assertEquals(List.of(), store.list());
        }
    }

    // --- closing ------------------------------------------------------------------------------------

    @Test
    void closeIsIdempotentAndAClosedStoreRefusesEveryCall() {
        Store store = new Store(":memory:");
        assertFalse(store.isClosed());
        store.close();
        store.close();
        assertTrue(store.isClosed());
        List<Runnable> calls = List.of(
                () -> store.save(USER), () -> store.find(USER), () -> store.findById("1"), store::list,
                () -> store.delete("1"), store::purge, () -> store.saveJson("{}"), () -> store.findJson("{}"),
                () -> store.findByIdJson("1"), store::listJson, () -> store.saveValues(values(USER)),
                () -> store.findValues(values(USER)), () -> store.findByIdValues("1"), store::listValues);
        for (Runnable call : calls) {
            IllegalStateException error = assertThrows(IllegalStateException.class, call::run);
            assertEquals("the zts store \":memory:\" is closed", error.getMessage());
        }
    }

    @Test
    void tryWithResourcesClosesAlsoOnAnException() {
        Store[] opened = new Store[1];
        assertThrows(IllegalStateException.class, () -> {
            try (Store store = new Store(":memory:")) {
                opened[0] = store;
                throw new IllegalStateException("boom");
            }
        });
        assertTrue(opened[0].isClosed());
    }

    @Test
    void garbageCollectionClosesTheHandle() throws InterruptedException {
        int before = Store.openHandles();
        List<Store> stores = new ArrayList<>();
        for (int index = 0; index < 10; index++) {
            stores.add(new Store(":memory:"));
        }
        assertEquals(before + 10, Store.openHandles());
        stores.clear();
        // Bounded retries, not a time limit: the Cleaner runs once a collection has found the Stores.
        for (int attempt = 0; attempt < 200 && Store.openHandles() > before; attempt++) {
            System.gc();
            Thread.sleep(10);
        }
        assertEquals(before, Store.openHandles());
    }

    @Test
    void storesLeftOpenAtJvmExitAreClosedCleanly(@TempDir Path directory) throws Exception {
        Path path = directory.resolve("tokens.db");
        TestSupport.Result result = TestSupport.java(List.of(), ChildJvm.class, "leave-open", path.toString()).run().assertSucceeded();
        assertEquals("", result.stderr.strip());
        // SQLite removes the -wal file when the last connection closes: the exit hook closed the store.
        assertFalse(Files.exists(Path.of(path + "-wal")), "the -wal file is left: the store was not closed");
        try (Store store = new Store(path.toString())) {
            assertEquals("a", store.find(token("user_name", "u")).get("access_token"));
        }
    }

    @Test
    void toStringShowsThePathAndNoToken() {
        try (Store store = new Store(":memory:")) {
            store.save(USER);
            assertEquals("Store(\":memory:\")", store.toString());
        }
    }

    // --- threads ------------------------------------------------------------------------------------

    @Test
    void threadsShareOneStore(@TempDir Path directory) throws InterruptedException {
        int threadCount = 8;
        int usersPerThread = 50;
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        List<Map<String, String>> tokens;
        try (Store store = new Store(directory.resolve("tokens.db").toString(), Map.of("synchronous", "normal"))) {
            List<Thread> threads = new ArrayList<>();
            for (int thread = 0; thread < threadCount; thread++) {
                int number = thread;
                threads.add(new Thread(() -> {
                    try {
                        for (int user = 0; user < usersPerThread; user++) {
                            String name = "user" + number + "-" + user + "@example.com:1";
                            Map<String, String> saved = store.save(token("user_name", name, "access_token", "AT" + number + "-" + user));
                            assertEquals(saved.get("id"), store.find(token("user_name", name)).get("id"));
                            assertEquals(name, store.findById(saved.get("id")).get("user_name"));
                        }
                    } catch (Throwable error) {
                        failures.add(error);
                    }
                }));
            }
            threads.forEach(Thread::start);
            for (Thread thread : threads) {
                thread.join();
            }
            tokens = store.list();
        }
        assertEquals(List.of(), failures);
        assertEquals(threadCount * usersPerThread, tokens.size());
        List<Integer> ids = tokens.stream().map(t -> Integer.parseInt(t.get("id"))).sorted().collect(Collectors.toList());
        assertEquals(IntStream.rangeClosed(1, tokens.size()).boxed().collect(Collectors.toList()), ids);
    }

    @Test
    void closingWhileThreadsCallStopsThemWithIllegalStateException() throws Exception {
        Store store = new Store(":memory:");
        store.save(USER);
        List<Throwable> outcomes = Collections.synchronizedList(new ArrayList<>());
        CyclicBarrier started = new CyclicBarrier(5);
        List<Thread> threads = new ArrayList<>();
        for (int index = 0; index < 4; index++) {
            threads.add(new Thread(() -> {
                try {
                    started.await();
                    while (true) {
                        store.find(token("user_name", USER.get("user_name")));
                    }
                } catch (Throwable error) {
                    outcomes.add(error);
                }
            }));
        }
        threads.forEach(Thread::start);
        started.await();
        store.close();
        for (Thread thread : threads) {
            thread.join();
        }
        assertEquals(4, outcomes.size());
        outcomes.forEach(error -> assertTrue(error instanceof IllegalStateException, error.toString()));
    }

    // --- loading the library and the SDK ------------------------------------------------------------

    @Test
    void theStoreLayerWorksWithoutTheSdk() throws Exception {
        String classPath = TestSupport.classPathWithout("zoho-sdk-contract", "zohocrm-java-sdk");
        assertNotEquals(System.getProperty("java.class.path"), classPath, "the SDK was not on the class path");
        TestSupport.Result result = TestSupport.javaWithClassPath(classPath, List.of(), ChildJvm.class, "store-without-sdk").run();
        result.assertSucceeded();
        assertEquals("no sdk: NoClassDefFoundError", result.lastLine());
    }

    @Test
    void theBundledLibraryWinsOverZtsLibrary() throws Exception {
        TestSupport.Result result = TestSupport.java(List.of("-Dzts.library=/nonexistent/libzts.so"), ChildJvm.class,
                "library-path").env("ZTS_LIBRARY", "/nonexistent/libzts.so").run().assertSucceeded();
        assertTrue(Path.of(result.lastLine()).isAbsolute() && !result.lastLine().contains("nonexistent"), result.stdout);
    }

    @Test
    void withoutABundledLibraryZts_libraryIsLoadedByAbsolutePath(@TempDir Path directory) throws Exception {
        Path copy = directory.resolve("libzts.so");
        Files.copy(Path.of(Store.libraryPath()), copy);
        // relative: resolved against the working directory
        TestSupport.Result result = withoutBundledLibrary(directory).env("ZTS_LIBRARY", "libzts.so").in(directory).run()
                .assertSucceeded();
        assertEquals(copy.toString(), result.lastLine());
    }

    @Test
    void theSystemPropertyWinsOverTheEnvironment(@TempDir Path directory) throws Exception {
        Path copy = directory.resolve("libzts-copy.so");
        Files.copy(Path.of(Store.libraryPath()), copy);
        TestSupport.Result result = withoutBundledLibrary(directory, "-Dzts.library=" + copy)
                .env("ZTS_LIBRARY", "/nonexistent/libzts.so").run().assertSucceeded();
        assertEquals(copy.toString(), result.lastLine());
    }

    @Test
    void aWrongZtsLibraryFailsClearly(@TempDir Path directory) throws Exception {
        TestSupport.Result result = withoutBundledLibrary(directory).env("ZTS_LIBRARY", "/nonexistent/libzts.so").run();
        assertNotEquals(0, result.exitCode);
        assertTrue(result.stderr.contains("UnsatisfiedLinkError"), result.stderr);
        assertTrue(result.stderr.contains("/nonexistent/libzts.so") && result.stderr.contains("ZTS_LIBRARY"), result.stderr);
    }

    @Test
    void aFileThatIsNotALibraryFailsClearly(@TempDir Path directory) throws Exception {
        Path fake = Files.writeString(directory.resolve("libzts.so"), "not a shared object");
        TestSupport.Result result = withoutBundledLibrary(directory).env("ZTS_LIBRARY", fake.toString()).run();
        assertNotEquals(0, result.exitCode);
        assertTrue(result.stderr.contains("cannot load the zts library " + fake), result.stderr);
    }

    @Test
    void theLibraryBundledInAJarIsExtractedAndLoaded(@TempDir Path directory) throws Exception {
        // The binding's classes and resources as one jar, as `mvn package` makes it.
        Path classes = Path.of(LibraryLoader.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path jar = directory.resolve("zoho-token-store.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)); Stream<Path> files = Files.walk(classes)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(file)) {
                    out.putNextEntry(new JarEntry(classes.relativize(file).toString()));
                    Files.copy(file, out);
                    out.closeEntry();
                }
            }
        }
        String classPath = jar + java.io.File.pathSeparator + TestSupport.classPathWithout(classes.toString());
        TestSupport.Result result = TestSupport.javaWithClassPath(classPath, List.of(), ChildJvm.class, "library-path")
                .env("ZTS_LIBRARY", null).run().assertSucceeded();
        Path loaded = Path.of(result.lastLine());
        assertTrue(loaded.isAbsolute() && !loaded.startsWith(classes), "not an extracted copy: " + loaded);
    }

    @Test
    void withoutABundledLibraryTheErrorSaysToSetZtsLibrary(@TempDir Path directory) throws Exception {
        TestSupport.Result result = withoutBundledLibrary(directory).env("ZTS_LIBRARY", null).run();
        assertNotEquals(0, result.exitCode, result.stdout);
        assertTrue(result.stderr.contains("Set the environment variable ZTS_LIBRARY"), result.stderr);
    }

    /** A JVM printing the library path, with the binding's classes but no bundled libzts.so. */
    private static TestSupport.Command withoutBundledLibrary(Path directory, String... jvmOptions) throws Exception {
        Path classes = Path.of(LibraryLoader.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path copy = directory.resolve("classes");
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (!file.toString().contains("linux-")) {
                    Files.copy(file, copy.resolve(classes.relativize(file).toString()));
                }
            }
        }
        String classPath = copy + java.io.File.pathSeparator + TestSupport.classPathWithout(classes.toString());
        return TestSupport.javaWithClassPath(classPath, List.of(jvmOptions), ChildJvm.class, "library-path");
    }
}
