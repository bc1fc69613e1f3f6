package io.zts;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Small programs the tests run in a new JVM: `ChildJvm COMMAND ARGS...`. Each prints one line on
 * success and exits non-zero (with a reason on stderr) otherwise.
 */
public final class ChildJvm {
    /** Non-ASCII in every plane UTF-8 has: Latin-1, CJK, and a 4-byte emoji. */
    static final String UNICODE = "grüß 日本 😀";

    private ChildJvm() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "library-path":
                System.out.println(Store.libraryPath());
                break;
            case "leave-open":
                leaveOpen(args[1]);
                break;
            case "store-without-sdk":
                storeWithoutSdk();
                break;
            case "utf8":
                utf8(args[1]);
                break;
            default:
                throw new IllegalArgumentException(args[0]);
        }
    }

    /** Saves a token into a file store and exits with it (and an unreachable one) still open. */
    private static void leaveOpen(String path) {
        Store kept = new Store(path);
        kept.save(Map.of("user_name", "u", "access_token", "a"));
        new Store(":memory:").save(Map.of("access_token", "a"));
        System.out.println("left open: " + kept);
    }

    /** The Store layer with no Zoho SDK on the class path; ZohoTokenStore then fails to link. */
    private static void storeWithoutSdk() {
        try (Store store = new Store(":memory:")) {
            check("1".equals(store.save(Map.of("access_token", "a")).get("id")), "save gave no id 1");
        }
        try {
            Class.forName("io.zts.ZohoTokenStore").getConstructor(String.class).newInstance(":memory:");
            throw new AssertionError("ZohoTokenStore worked without the SDK");
        } catch (ReflectiveOperationException | LinkageError error) {
            System.out.println("no sdk: " + error.getClass().getSimpleName());
        }
    }

    /**
     * Run with a Latin-1 default charset: saves and finds a non-ASCII token in a store whose file name
     * is non-ASCII. The parent test then reads the same file back in a UTF-8 JVM.
     */
    private static void utf8(String directory) {
        Charset expected = Charset.forName("ISO-8859-1");
        check(Charset.defaultCharset().equals(expected), "default charset is " + Charset.defaultCharset());
        // The JDK derives sun.jnu.encoding (file names) from the locale: ASCII under LANG=C.
        String fileNames = System.getProperty("sun.jnu.encoding");
        check(!fileNames.toUpperCase().contains("UTF"), "sun.jnu.encoding is " + fileNames);
        try (Store store = new Store(directory + "/" + UNICODE + ".db")) {
            Map<String, String> saved = store.save(Map.of("user_name", UNICODE, "access_token", "AT-" + UNICODE));
            Map<String, String> found = store.find(Map.of("user_name", UNICODE));
            check(found.equals(saved), "find returned another token");
            check(found.get("access_token").equals("AT-" + UNICODE), "access_token changed on the way");
            check(store.findJson("{\"user_name\":\"" + UNICODE + "\"}").contains(UNICODE), "findJson lost the text");
            try {
                store.findById(UNICODE);
                check(false, "found an id that does not exist");
            } catch (ZtsException error) {
                check(error.getStatus() == Status.NOT_FOUND, "status " + error.getStatusName());
            }
            System.out.println("utf8 ok " + new String(saved.get("id").getBytes(StandardCharsets.US_ASCII), StandardCharsets.US_ASCII));
        }
    }

    private static void check(boolean condition, String failure) {
        if (!condition) {
            System.err.println(failure);
            System.exit(3);
        }
    }
}
