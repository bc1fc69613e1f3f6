package io.zts;

import static io.zts.ChildJvm.UNICODE;
import static io.zts.TestSupport.token;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Strings cross to zts as UTF-8 whatever the JVM's default charset and the locale. */
class Utf8Test {
    @Test
    void nonAsciiValuesRoundTripExactly(@TempDir Path directory) {
        Path path = directory.resolve(UNICODE + ".db");
        try (Store store = new Store(path.toString())) {
            Map<String, String> saved = store.save(token("user_name", UNICODE, "access_token", "AT-" + UNICODE, "client_id", "ü"));
            assertEquals(UNICODE, saved.get("user_name"));
            assertEquals("AT-" + UNICODE, saved.get("access_token"));
            assertEquals(saved, store.find(token("user_name", UNICODE)));
            assertEquals(saved, store.find(token("access_token", "AT-" + UNICODE)));
            assertEquals(List.of(saved), store.list());
        }
        assertTrue(Files.exists(path), "the file name did not arrive as UTF-8");
    }

    @Test
    void aJvmWithALatin1DefaultCharsetUnderLangCStillSpeaksUtf8(@TempDir Path directory) throws Exception {
        TestSupport.Result result = TestSupport.java(
                List.of("-Dfile.encoding=ISO-8859-1", "-Dsun.jnu.encoding=ISO-8859-1"), ChildJvm.class, "utf8", directory.toString())
                .env("LANG", "C").env("LC_ALL", "C").env("JAVA_TOOL_OPTIONS", null)
                .run();
        result.assertSucceeded();
        assertEquals("utf8 ok 1", result.lastLine());
        // Read back in this (UTF-8) JVM: the file name and the values are the UTF-8 of the same text.
        Path path = directory.resolve(UNICODE + ".db");
        assertTrue(Files.exists(path), "the child's file name was not UTF-8");
        try (Store store = new Store(path.toString())) {
            Map<String, String> found = store.findById("1");
            assertEquals(UNICODE, found.get("user_name"));
            assertEquals("AT-" + UNICODE, found.get("access_token"));
        }
    }
}
