package io.zts;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/** C strings for zts: UTF-8 whatever the JVM's default charset, and owned strings copied then freed. */
final class CText {
    private static final String UTF_8 = StandardCharsets.UTF_8.name();

    private CText() {
    }

    /** NUL-terminated UTF-8 for a {@code const char *} argument; null stays NULL (zts refuses it itself). */
    static byte[] encode(String value, String what) {
        if (value == null) {
            return null;
        }
        if (value.indexOf('\0') >= 0) {
            // C would silently cut the string at the NUL, so "1\0x" would act as id "1".
            throw ZtsException.of(Status.INVALID_ARGUMENT, what + " contains a NUL character");
        }
        ByteBuffer bytes;
        try {
            // newEncoder() reports a lone surrogate; String.getBytes would silently send '?' instead.
            bytes = StandardCharsets.UTF_8.newEncoder().encode(CharBuffer.wrap(value));
        } catch (CharacterCodingException error) {
            throw ZtsException.of(Status.INVALID_ARGUMENT, what + " is not valid Unicode (it holds a lone surrogate)");
        }
        byte[] text = new byte[bytes.remaining() + 1];
        bytes.get(text, 0, text.length - 1);
        return text;
    }

    /** Copies the owned string an out pointer received, frees it with zts_string_free; null for NULL. */
    static String take(PointerByReference out) {
        Pointer string = out.getValue();
        if (string == null) {
            return null;
        }
        try {
            return string.getString(0, UTF_8);
        } finally {
            NativeZts.zts_string_free(string);
            out.setValue(null);
        }
    }

    /** Reads a static string (zts_version, zts_status_name); never freed. */
    static String readStatic(Pointer string) {
        return string.getString(0, UTF_8);
    }
}
