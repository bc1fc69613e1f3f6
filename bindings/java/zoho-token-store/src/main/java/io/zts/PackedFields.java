package io.zts;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import java.nio.charset.StandardCharsets;

/**
 * Tokens in zts's packed form (docs/packed-fields.md): the ten values in Store.TOKEN_FIELDS order, each
 * followed by one NUL byte, an absent value empty; a list is such tokens one after another.
 */
final class PackedFields {
    static final int COUNT = Store.TOKEN_FIELDS.size();
    /**
     * Above this many bytes a packed token might hold a value over zts's limit: it goes as JSON instead,
     * so that zts refuses it with the JSON call's status and message.
     */
    static final int FAST_BYTES = 64 * 1024;

    private PackedFields() {
    }

    /**
     * The packed form of ten values, or null when the form cannot carry them exactly: not ten values, a
     * value holding a NUL or a lone surrogate, or a token over {@link #FAST_BYTES}. Such a token goes as
     * JSON, where zts (or {@link CText}) refuses it as through save and find.
     */
    static byte[] pack(String[] values) {
        if (values == null || values.length != COUNT) {
            return null;
        }
        byte[][] encoded = new byte[COUNT][];
        int length = COUNT;
        for (int i = 0; i < COUNT; i++) {
            String value = values[i];
            if (value == null || value.isEmpty()) {
                continue;
            }
            if (!carriable(value)) {
                return null;
            }
            encoded[i] = value.getBytes(StandardCharsets.UTF_8);
            length += encoded[i].length;
            if (length > FAST_BYTES) {
                return null;
            }
        }
        byte[] packed = new byte[length];
        int at = 0;
        for (byte[] value : encoded) {
            if (value != null) {
                System.arraycopy(value, 0, packed, at, value.length);
                at += value.length;
            }
            at += 1; // the NUL: new arrays are zeroed
        }
        return packed;
    }

    /** Whether UTF-8 and the NUL-ended form carry the value exactly: no NUL, no lone surrogate. */
    private static boolean carriable(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\0') {
                return false;
            }
            if (Character.isSurrogate(c)) {
                // String.getBytes would send '?' for a lone one.
                if (!Character.isHighSurrogate(c) || i + 1 == value.length() || !Character.isLowSurrogate(value.charAt(i + 1))) {
                    return false;
                }
                i++;
            }
        }
        return true;
    }

    /**
     * The values of packed tokens, one flat array (ten per token; an empty value read back as null, as
     * zts means it). Throws IllegalStateException when zts returned something else (a bug).
     */
    static String[] unpack(byte[] packed) {
        int nuls = 0;
        for (byte b : packed) {
            if (b == 0) {
                nuls++;
            }
        }
        if (nuls % COUNT != 0 || (packed.length > 0 && packed[packed.length - 1] != 0)) {
            throw new IllegalStateException("zts returned packed fields of " + nuls + " values, not tokens of " + COUNT);
        }
        String[] values = new String[nuls];
        int start = 0;
        int index = 0;
        for (int i = 0; i < packed.length; i++) {
            if (packed[i] == 0) {
                values[index++] = i == start ? null : new String(packed, start, i - start, StandardCharsets.UTF_8);
                start = i + 1;
            }
        }
        return values;
    }

    /**
     * Copies the packed output a {@code _fields} call wrote and frees it with zts_fields_free; an empty
     * array for NULL (no output, or an empty list).
     */
    static byte[] take(PointerByReference out, LongByReference outLength) {
        Pointer fields = out.getValue();
        long length = outLength.getValue();
        if (fields == null) {
            return new byte[0];
        }
        try {
            if (length > Integer.MAX_VALUE - 8) {
                throw new IllegalStateException("zts returned " + length + " bytes of packed fields, more than a Java array holds");
            }
            return fields.getByteArray(0, (int) length);
        } finally {
            NativeZts.zts_fields_free(fields, length);
            out.setValue(null);
            outLength.setValue(0);
        }
    }
}
