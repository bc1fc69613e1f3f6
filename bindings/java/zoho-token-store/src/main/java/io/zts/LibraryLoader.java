package io.zts;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Finds libzts and binds {@link NativeZts} to it, once per JVM, on first use.
 *
 * Where from: the copy bundled in this jar as the resource linux-x86-64/libzts.so (linux-aarch64/ on
 * aarch64), which JNA extracts to a temporary file; else the system property {@code zts.library}, else
 * the environment variable {@code ZTS_LIBRARY}, each an absolute path (a relative one is resolved
 * against the working directory). Always loaded by absolute path, so the system's library search path
 * never picks another libzts. A library whose major.minor version is not 0.1 is refused, and so is a JVM
 * whose size_t is not 64 bits (NativeZts binds size_t as a Java long).
 */
final class LibraryLoader {
    static final String PROPERTY = "zts.library";
    static final String ENVIRONMENT = "ZTS_LIBRARY";
    /** The major.minor of include/zts.h this binding was written against; the patch level may differ. */
    static final String EXPECTED_VERSION = "0.1";

    private static String loadedPath;

    private LibraryLoader() {
    }

    /** Binds the library if that has not been done; returns its path. Throws UnsatisfiedLinkError. */
    static synchronized String ensureLoaded() {
        if (loadedPath == null) {
            checkSizeT(Native.SIZE_T_SIZE);
            String path = libraryPath();
            bind(path);
            loadedPath = path;
        }
        return loadedPath;
    }

    /** The absolute path to load (see the class comment). */
    static String libraryPath() {
        try {
            return Native.extractFromResourcePath("zts", LibraryLoader.class.getClassLoader()).getAbsolutePath();
        } catch (IOException notBundled) {
            // Then the property or the environment names it.
        }
        String configured = System.getProperty(PROPERTY);
        String source = "the system property " + PROPERTY;
        if (configured == null || configured.isEmpty()) {
            configured = System.getenv(ENVIRONMENT);
            source = "the environment variable " + ENVIRONMENT;
        }
        if (configured != null && !configured.isEmpty()) {
            Path path = Paths.get(configured).toAbsolutePath();
            if (!Files.isRegularFile(path)) {
                throw new UnsatisfiedLinkError("zts: the zts library " + path + " named by " + source
                        + " does not exist; set " + ENVIRONMENT + " to the absolute path of libzts.so");
            }
            return path.toString();
        }
        throw new UnsatisfiedLinkError("zts: the zts library was not found: this jar has no libzts.so for this "
                + "platform. Set the environment variable " + ENVIRONMENT + " (or the system property " + PROPERTY
                + ") to the absolute path of libzts.so (build it with `cargo build --release`, it is then "
                + "target/release/libzts.so), or build this jar with libzts.so in it (bindings/java/README.md).");
    }

    /** Refuses a platform whose size_t is not the 64 bits of the long that NativeZts binds it as. */
    static void checkSizeT(int bytes) {
        if (bytes != Long.BYTES) {
            throw new UnsatisfiedLinkError("zts: this binding needs a 64-bit platform (size_t of 8 bytes), but size_t has "
                    + bytes + " bytes here");
        }
    }

    /** Refuses a library whose major.minor differs from the ABI this binding declares. */
    static void checkVersion(String version) {
        String[] parts = version.split("\\.");
        if (parts.length < 2 || !(parts[0] + "." + parts[1]).equals(EXPECTED_VERSION)) {
            throw new UnsatisfiedLinkError("zts: the zts library is version " + version + " but this binding needs "
                    + EXPECTED_VERSION + ".x; install a matching libzts.so or point " + ENVIRONMENT + " at one");
        }
    }

    private static void bind(String path) {
        NativeLibrary library;
        try {
            library = NativeLibrary.getInstance(path);
        } catch (UnsatisfiedLinkError error) {
            throw new UnsatisfiedLinkError("zts: cannot load the zts library " + path + " (" + error.getMessage()
                    + "). Set " + ENVIRONMENT + " to the absolute path of a libzts.so built for this machine.");
        }
        Native.register(NativeZts.class, library);
        try {
            checkVersion(CText.readStatic(NativeZts.zts_version()));
        } catch (UnsatisfiedLinkError error) {
            Native.unregister(NativeZts.class);
            throw error;
        }
    }
}
