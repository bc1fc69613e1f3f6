package io.zts;

import static io.zts.TestSupport.rssBytes;
import static io.zts.TestSupport.token;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * No native memory is leaked: owned strings (results and error messages) are freed and closed handles
 * are released. The surefire JVM has a fixed, pre-touched heap and no C2 JIT (pom.xml), so RSS growth
 * is native memory.
 *
 * <p>Each check runs its calls twice after the warm-up and takes the smaller growth: a leak grows RSS in
 * every round, while the JVM's own one-off allocations (a compilation, a GC structure) land in one.
 */
class LeakTest {
    // Measured growth is under 1 MB for calls, under 2 MB for opening and closing (SQLite's allocations
    // fragment the C heap). Leaving the result strings unfreed grows RSS by ~20 MB per 100,000 calls,
    // leaving the error messages of 100,000 refused calls by ~5 MB, not closing 10,000 handles by ~1.3 GB.
    private static final long ALLOWED_CALL_GROWTH = 2L * 1024 * 1024;
    private static final long ALLOWED_HANDLE_GROWTH = 16L * 1024 * 1024;

    /** save, find, findById and a missed find (an owned error message) in turn, on 100 users. */
    private static void mixedCalls(Store store, int count) {
        for (int n = 0; n < count; n++) {
            int user = n % 100;
            switch (n % 4) {
                case 0:
                    store.save(token("user_name", "user" + user + "@example.com:777", "access_token", String.format("1000.%064d", n)));
                    break;
                case 1:
                    store.find(token("user_name", "user" + user + "@example.com:777"));
                    break;
                case 2:
                    store.findById(String.valueOf(user + 1));
                    break;
                default:
                    try {
                        store.find(token("user_name", "nobody" + user));
                    } catch (ZtsException expected) {
                        // the message was copied and freed
                    }
            }
        }
    }

    /** The same through the packed calls (saveValues, findValues, findByIdValues), and listValues of 100 tokens. */
    private static void packedCalls(Store store, int count) {
        for (int n = 0; n < count; n++) {
            int user = n % 100;
            String[] values = new String[Store.TOKEN_FIELDS.size()];
            values[1] = "user" + user + "@example.com:777";
            switch (n % 5) {
                case 0:
                    values[5] = String.format("1000.%064d", n);
                    store.saveValues(values);
                    break;
                case 1:
                    store.findValues(values);
                    break;
                case 2:
                    store.findByIdValues(String.valueOf(user + 1));
                    break;
                case 3:
                    values[1] = "nobody" + user;
                    try {
                        store.findValues(values);
                    } catch (ZtsException expected) {
                        // the message was copied and freed
                    }
                    break;
                default:
                    if (n % 50 == 4) {
                        store.listValues();
                    }
            }
        }
    }

    private static void refusedCalls(Store store, int count) {
        for (int n = 0; n < count; n++) {
            try {
                if (n % 2 == 1) {
                    store.find(token("user_name", "nobody" + (n % 100) + "@example.com:777"));
                } else {
                    store.findById(String.valueOf(n % 100 + 2));
                }
            } catch (ZtsException expected) {
                // the message was copied and freed
            }
        }
    }

    private static void openAndClose(int count) {
        for (int n = 0; n < count; n++) {
            Store store = new Store(":memory:");
            store.save(token("access_token", "AT"));
            store.close();
        }
    }

    /** Runs the calls twice; asserts the smaller RSS growth of the two rounds is under the bound. */
    private static void assertFlat(Runnable calls, long allowedGrowth, String what) throws IOException {
        long smallest = Long.MAX_VALUE;
        for (int round = 0; round < 2; round++) {
            long before = rssBytes();
            calls.run();
            smallest = Math.min(smallest, rssBytes() - before);
        }
        assertTrue(smallest < allowedGrowth, what + ": RSS grew by " + smallest + " bytes");
    }

    @Test
    void oneHundredThousandCallsLeaveRssFlat() throws IOException {
        try (Store store = new Store(":memory:")) {
            for (int user = 0; user < 100; user++) { // ids 1..100 exist before findById is called
                store.save(token("user_name", "user" + user + "@example.com:777", "access_token", "AT"));
            }
            mixedCalls(store, 20_000); // warm-up: SQLite's page cache, the JIT
            assertFlat(() -> mixedCalls(store, 100_000),
                    ALLOWED_CALL_GROWTH, "100,000 mixed calls");
        }
    }

    @Test
    void oneHundredThousandPackedCallsLeaveRssFlat() throws IOException {
        try (Store store = new Store(":memory:")) {
            for (int user = 0; user < 100; user++) {
                store.save(token("user_name", "user" + user + "@example.com:777", "access_token", "AT"));
            }
            packedCalls(store, 20_000);
            assertFlat(() -> packedCalls(store, 100_000), ALLOWED_CALL_GROWTH, "100,000 packed calls");
        }
    }

    @Test
    void errorMessagesAreFreed() throws IOException {
        try (Store store = new Store(":memory:")) {
            store.save(token("user_name", "user@example.com:777", "access_token", "AT"));
            refusedCalls(store, 20_000);
            assertFlat(() -> refusedCalls(store, 100_000), ALLOWED_CALL_GROWTH, "100,000 refused calls");
        }
    }

    @Test
    void closingAStoreFreesItsHandle() throws IOException {
        openAndClose(2_000);
        assertFlat(() -> openAndClose(10_000), ALLOWED_HANDLE_GROWTH, "10,000 stores opened and closed");
    }
}
