package io.zts;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * The C ABI of include/zts.h, bound by JNA direct mapping (LibraryLoader registers it).
 *
 * Strings go in as NUL-terminated UTF-8 byte[] made by {@link CText}, never as String: JNA would encode
 * a String with jna.encoding or the JVM's default charset, which is not UTF-8 under LANG=C. Owned
 * strings come out through PointerByReference, never as a String return: JNA would copy such a string
 * and lose the pointer, so it could never be given back to zts_string_free (a leak).
 *
 * The {@code _fields} calls take and return tokens packed (see {@link PackedFields}) with a {@code size_t}
 * length, bound here as a Java long (and LongByReference for {@code size_t *}): size_t is 64 bits on
 * every platform the binding loads a library for (linux-x86-64, linux-aarch64; LibraryLoader refuses
 * others).
 */
final class NativeZts {
    private NativeZts() {
    }

    static native int zts_open(byte[] location, byte[] optionsJson, PointerByReference outStore, PointerByReference outError);

    static native void zts_close(Pointer store);

    static native int zts_save(Pointer store, byte[] tokenJson, PointerByReference outTokenJson, PointerByReference outError);

    static native int zts_find(Pointer store, byte[] tokenJson, PointerByReference outTokenJson, PointerByReference outError);

    static native int zts_find_by_id(Pointer store, byte[] id, PointerByReference outTokenJson, PointerByReference outError);

    static native int zts_list(Pointer store, PointerByReference outTokensJson, PointerByReference outError);

    static native int zts_save_fields(Pointer store, byte[] fields, long fieldsLen, PointerByReference outFields,
            LongByReference outFieldsLen, PointerByReference outError);

    static native int zts_find_fields(Pointer store, byte[] fields, long fieldsLen, PointerByReference outFields,
            LongByReference outFieldsLen, PointerByReference outError);

    static native int zts_find_by_id_fields(Pointer store, byte[] id, PointerByReference outFields,
            LongByReference outFieldsLen, PointerByReference outError);

    static native int zts_list_fields(Pointer store, PointerByReference outFields, LongByReference outFieldsLen,
            PointerByReference outError);

    static native void zts_fields_free(Pointer fields, long fieldsLen);

    static native int zts_delete(Pointer store, byte[] id, PointerByReference outError);

    static native int zts_purge(Pointer store, PointerByReference outError);

    static native void zts_string_free(Pointer string);

    /** A static string: read, never freed. */
    static native Pointer zts_version();

    /** A static string: read, never freed. */
    static native Pointer zts_status_name(int status);
}
