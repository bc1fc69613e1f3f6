package io.zts;

/** The statuses of include/zts.h: stable numbers, never reused. {@link ZtsException#getStatus()} is one. */
public final class Status {
    public static final int OK = 0;
    public static final int NOT_FOUND = 1;
    public static final int INVALID_ARGUMENT = 2;
    public static final int INVALID_JSON = 3;
    public static final int INVALID_TOKEN = 4;
    public static final int BUSY = 5;
    public static final int IO = 6;
    public static final int CORRUPT = 7;
    public static final int INCOMPATIBLE = 8;
    public static final int INTERNAL = 9;
    /** Only from a find that must not wait: another caller is refreshing the token. */
    public static final int REFRESHING = 10;

    private Status() {
    }

    /** The name zts gives a status, e.g. "ZTS_NOT_FOUND" for 1 ("ZTS_UNKNOWN_STATUS" if undefined). */
    public static String name(int status) {
        LibraryLoader.ensureLoaded();
        return CText.readStatic(NativeZts.zts_status_name(status));
    }
}
