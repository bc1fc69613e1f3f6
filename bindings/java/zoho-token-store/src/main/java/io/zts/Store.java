package io.zts;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import java.lang.ref.Cleaner;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.json.JSONObject;

/**
 * An open zts token store: one SQLite file shared by every Zoho SDK, or ":memory:". The C ABI of
 * include/zts.h in Java terms: token maps (or JSON text) in and out, {@link ZtsException} for every
 * status zts returns. The rules (matching, merging, ids) are zts's; this class converts and calls.
 *
 * <p>Tokens are maps with the ten keys of {@link #TOKEN_FIELDS}; values are strings or null (an
 * expiry_time may also be given as a number). One Store may be shared by threads (zts serializes the
 * calls on a handle). {@link #close()} is idempotent and waits for a call in progress; a call on a
 * closed store throws IllegalStateException. A Store that is never closed is closed when it is
 * garbage-collected, or when the JVM exits.
 */
public final class Store implements AutoCloseable {
    /** The ten keys of the token JSON, in the SDK stores' column order. */
    public static final List<String> TOKEN_FIELDS = List.of("id", "user_name", "client_id", "client_secret",
            "refresh_token", "access_token", "grant_token", "expiry_time", "redirect_url", "api_domain");

    private static final Cleaner CLEANER = Cleaner.create();

    private final String location;
    private final Handle handle;
    private final Cleaner.Cleanable cleanable;

    /** Opens (and by default creates) the store at a file path, or ":memory:". */
    public Store(String location) {
        this(location, null);
    }

    /**
     * Opens the store with the options of zts_open: "busy_timeout_ms" (integer), "read_only" (boolean),
     * "create" (boolean), "synchronous" ("full" or "normal"). zts refuses an unknown or mistyped one.
     */
    public Store(String location, Map<String, ?> options) {
        LibraryLoader.ensureLoaded();
        this.location = location;
        byte[] path = CText.encode(location, "location");
        byte[] optionsJson = options == null || options.isEmpty() ? null : CText.encode(new JSONObject(options).toString(), "options");
        PointerByReference store = new PointerByReference();
        PointerByReference error = new PointerByReference();
        int status = NativeZts.zts_open(path, optionsJson, store, error);
        String message = CText.take(error);
        if (status != Status.OK) {
            throw ZtsException.of(status, message);
        }
        handle = new Handle(store.getValue());
        cleanable = CLEANER.register(this, handle);
    }

    /** The loaded library's version, "MAJOR.MINOR.PATCH". */
    public static String libraryVersion() {
        LibraryLoader.ensureLoaded();
        return CText.readStatic(NativeZts.zts_version());
    }

    /** The absolute path of the loaded libzts (loading it if needed). */
    public static String libraryPath() {
        return LibraryLoader.ensureLoaded();
    }

    public String location() {
        return location;
    }

    public boolean isClosed() {
        synchronized (handle) {
            return handle.closed;
        }
    }

    /** Closes the store; waits for a call in progress on another thread. Calling it again does nothing. */
    @Override
    public void close() {
        cleanable.clean();
    }

    @Override
    public String toString() {
        return "Store(" + JSONObject.quote(location) + ")";
    }

    // JSON text in and out, as the C ABI: for callers that already hold token JSON.

    /** Saves a token given as JSON text; returns the stored token as JSON text. */
    public String saveJson(String tokenJson) {
        byte[] text = CText.encode(tokenJson, "token_json");
        return call((store, outs) -> NativeZts.zts_save(store, text, outs.out, outs.error), Store::text);
    }

    /** Finds the stored token a query (JSON text) matches; returns it as JSON text. */
    public String findJson(String tokenJson) {
        byte[] text = CText.encode(tokenJson, "token_json");
        return call((store, outs) -> NativeZts.zts_find(store, text, outs.out, outs.error), Store::text);
    }

    /** The token with this id, as JSON text. */
    public String findByIdJson(String id) {
        byte[] text = CText.encode(id, "id");
        return call((store, outs) -> NativeZts.zts_find_by_id(store, text, outs.out, outs.error), Store::text);
    }

    /** Every stored token as a JSON array, in numeric id order. */
    public String listJson() {
        return call((store, outs) -> NativeZts.zts_list(store, outs.out, outs.error), Store::text);
    }

    // Token maps in and out.

    /** Saves a token; returns the stored token with its id (assigned when the token had none). */
    public Map<String, String> save(Map<String, ?> token) {
        return TokenJson.readToken(saveJson(TokenJson.write(token)));
    }

    /** The stored token a query token matches by the SDK rules (ZtsException NOT_FOUND when none). */
    public Map<String, String> find(Map<String, ?> token) {
        return TokenJson.readToken(findJson(TokenJson.write(token)));
    }

    /** The token with this id (ZtsException NOT_FOUND when there is none). */
    public Map<String, String> findById(String id) {
        return TokenJson.readToken(findByIdJson(id));
    }

    /** Every stored token, in numeric id order. */
    public List<Map<String, String>> list() {
        return TokenJson.readList(listJson());
    }

    /** Deletes the token with this id (ZtsException NOT_FOUND when there is none). */
    public void delete(String id) {
        byte[] text = CText.encode(id, "id");
        call((store, outs) -> NativeZts.zts_delete(store, text, outs.error), Store::nothing);
    }

    /** Deletes every token. */
    public void purge() {
        call((store, outs) -> NativeZts.zts_purge(store, outs.error), Store::nothing);
    }

    // Tokens as arrays of their ten values in TOKEN_FIELDS order (null when absent), through zts's packed
    // _fields calls: no JSON is written or parsed on either side. Refusals are those of the map methods:
    // a token the packed form cannot carry exactly (not ten values, a value holding a NUL or a lone
    // surrogate, a token over 64 KiB) goes through the JSON call instead.

    /** {@link #save} of a token given as its ten values; returns the stored token's ten values. */
    public String[] saveValues(String[] values) {
        return tokenCall(values, NativeZts::zts_save_fields, this::save);
    }

    /** {@link #find} of a query given as its ten values; returns the stored token's ten values. */
    public String[] findValues(String[] values) {
        return tokenCall(values, NativeZts::zts_find_fields, this::find);
    }

    /** A packed call that takes a token, or its map method (`viaJson`) where the packed form cannot carry it. */
    private String[] tokenCall(String[] values, PackedTokenCall packedCall,
            Function<Map<String, String>, Map<String, String>> viaJson) {
        byte[] packed = PackedFields.pack(values);
        if (packed == null) {
            return valuesOf(viaJson.apply(asMap(values)));
        }
        return PackedFields.unpack(call((store, outs) -> packedCall.invoke(store, packed, packed.length, outs.out,
                outs.length, outs.error), Store::fields));
    }

    /** zts_save_fields or zts_find_fields. */
    private interface PackedTokenCall {
        int invoke(Pointer store, byte[] fields, long fieldsLen, PointerByReference outFields,
                LongByReference outFieldsLen, PointerByReference outError);
    }

    /** {@link #findById}, returning the token's ten values. */
    public String[] findByIdValues(String id) {
        byte[] text = CText.encode(id, "id");
        return PackedFields.unpack(call((store, outs) -> NativeZts.zts_find_by_id_fields(store, text, outs.out,
                outs.length, outs.error), Store::fields));
    }

    /** Every stored token's ten values one after another in one flat array, in numeric id order. */
    public String[] listValues() {
        return PackedFields.unpack(call((store, outs) -> NativeZts.zts_list_fields(store, outs.out, outs.length,
                outs.error), Store::fields));
    }

    /** The map of ten values (null when the array is null), for the JSON calls to refuse or read it. */
    private static Map<String, String> asMap(String[] values) {
        if (values == null) {
            throw ZtsException.of(Status.INVALID_ARGUMENT, "the token values are null");
        }
        if (values.length != TOKEN_FIELDS.size()) {
            throw ZtsException.of(Status.INVALID_ARGUMENT, "a token has " + TOKEN_FIELDS.size() + " values, not "
                    + values.length);
        }
        Map<String, String> token = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            token.put(TOKEN_FIELDS.get(i), values[i]);
        }
        return token;
    }

    private static String[] valuesOf(Map<String, String> token) {
        String[] values = new String[TOKEN_FIELDS.size()];
        Arrays.setAll(values, i -> token.get(TOKEN_FIELDS.get(i)));
        return values;
    }

    /** How many handles are open in this JVM (for tests of closing). */
    static int openHandles() {
        return Handle.OPEN.size();
    }

    /** One C call on the open handle; the out pointers are this thread's. */
    private interface Invocation {
        int invoke(Pointer store, OutPointers outs);
    }

    /** Reads (and frees) what a call wrote into the out pointers. */
    private interface Output<T> {
        T take(OutPointers outs);
    }

    /**
     * The out pointers of a call, reused by each thread: a fresh PointerByReference per call would
     * allocate native memory that is freed only when the garbage collector gets to it.
     */
    private static final class OutPointers {
        final PointerByReference out = new PointerByReference();
        final LongByReference length = new LongByReference();
        final PointerByReference error = new PointerByReference();
    }

    private static final ThreadLocal<OutPointers> OUT_POINTERS = ThreadLocal.withInitial(OutPointers::new);

    private static String text(OutPointers outs) {
        return CText.take(outs.out);
    }

    private static byte[] fields(OutPointers outs) {
        return PackedFields.take(outs.out, outs.length);
    }

    private static Void nothing(OutPointers outs) {
        return null;
    }

    private <T> T call(Invocation invocation, Output<T> output) {
        OutPointers outs = OUT_POINTERS.get();
        outs.out.setValue(null);
        outs.length.setValue(0);
        outs.error.setValue(null);
        int status;
        synchronized (handle) {
            if (handle.closed) {
                throw new IllegalStateException("the zts store " + JSONObject.quote(location) + " is closed");
            }
            status = invocation.invoke(handle.store, outs);
        }
        T result;
        String message;
        try {
            result = output.take(outs);
        } finally {
            message = CText.take(outs.error); // freed even if reading the result failed
        }
        if (status != Status.OK) {
            throw ZtsException.of(status, message);
        }
        return result;
    }

    /**
     * The native handle, closed exactly once: by close(), by the Cleaner when the Store is unreachable,
     * or by the shutdown hook. It holds no reference to its Store, so the Store can be collected. Calls
     * and closing synchronize on it: zts_close during a call on the handle is undefined behaviour.
     */
    private static final class Handle implements Runnable {
        static final Set<Handle> OPEN = ConcurrentHashMap.newKeySet();

        static {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> new ArrayList<>(OPEN).forEach(Handle::run), "zts-close-stores"));
        }

        final Pointer store;
        boolean closed;

        Handle(Pointer store) {
            this.store = store;
            OPEN.add(this);
        }

        @Override
        public synchronized void run() {
            if (!closed) {
                closed = true;
                OPEN.remove(this);
                NativeZts.zts_close(store);
            }
        }
    }
}
