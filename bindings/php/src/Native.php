<?php

declare(strict_types=1);

namespace Zts;

use FFI;
use FFI\CData;

/**
 * Finds and loads libzts.so through ext-ffi with the declarations generated from include/zts.h
 * (zts.cdef.h, see tools/generate.php).
 *
 * Owned strings (tokens, lists, error messages) come back through `char **` out pointers and are
 * declared `char *`, which PHP FFI leaves as CData: takeString() copies them and gives them back to
 * zts_string_free. A `const char *` return (zts_version, zts_status_name) is a static string, which FFI
 * copies into a PHP string by itself; it must never be freed.
 *
 * @internal The public API is Store.
 */
final class Native
{
    public const LIBRARY_ENV = 'ZTS_LIBRARY';
    public const LIBRARY_FILE = 'libzts.so';
    /** The major.minor of include/zts.h this binding was written against; the patch level may differ. */
    public const EXPECTED_VERSION = '0.1';
    public const CDEF_FILE = __DIR__ . '/zts.cdef.h';

    private static ?FFI $ffi = null;
    private static ?string $loadedPath = null;

    /** The loaded library, loaded on first use (so merely autoloading this package loads nothing). */
    public static function ffi(): FFI
    {
        return self::$ffi ??= self::load();
    }

    /** The absolute path of the loaded library (loads it if needed). */
    public static function loadedPath(): string
    {
        self::ffi();
        return self::$loadedPath;
    }

    /**
     * The absolute path to load: the Composer package's library for this machine
     * (lib/linux-x86_64/ or lib/linux-aarch64/), else libzts.so in the package directory (a checkout),
     * else $ZTS_LIBRARY.
     */
    public static function libraryPath(): string
    {
        $package = dirname(__DIR__);
        $candidates = [
            "$package/lib/linux-" . php_uname('m') . '/' . self::LIBRARY_FILE,
            "$package/" . self::LIBRARY_FILE,
        ];
        foreach ($candidates as $bundled) {
            if (is_file($bundled)) {
                return $bundled;
            }
        }
        $configured = getenv(self::LIBRARY_ENV);
        if (is_string($configured) && $configured !== '') {
            // Absolute, so that dlopen never searches the system for some other libzts.so.
            return str_starts_with($configured, '/') ? $configured : getcwd() . '/' . $configured;
        }
        throw new \RuntimeException(sprintf(
            'zts: the zts library was not found: %s has no libzts.so for this machine (the Composer '
            . 'package has one for Linux x86_64 and aarch64). '
            . 'Set the environment variable %s to the absolute path of libzts.so (build it with '
            . '`cargo build --release`, it is then target/release/libzts.so).',
            dirname(__DIR__),
            self::LIBRARY_ENV,
        ));
    }

    /** Refuses a library whose major.minor differs from the ABI this binding declares. */
    public static function checkVersion(string $version): void
    {
        $majorMinor = implode('.', array_slice(explode('.', $version), 0, 2));
        if ($majorMinor !== self::EXPECTED_VERSION) {
            throw new \RuntimeException(sprintf(
                'zts: the zts library is version %s but this binding needs %s.x; install a matching '
                . 'libzts.so or point %s at one',
                $version,
                self::EXPECTED_VERSION,
                self::LIBRARY_ENV,
            ));
        }
    }

    /** Copies an owned zts string, frees it with zts_string_free, and returns it (null for NULL). */
    public static function takeString(CData $pointer): ?string
    {
        if (FFI::isNull($pointer)) {
            return null;
        }
        try {
            return FFI::string($pointer);
        } finally {
            self::ffi()->zts_string_free($pointer);
        }
    }

    private static function load(): FFI
    {
        if (!extension_loaded('ffi')) {
            throw new \RuntimeException('zts: the PHP extension ffi is not loaded (Debian: apt-get install php-cli; '
                . 'it must be enabled with ffi.enable=true or "preload" for the CLI)');
        }
        $path = self::libraryPath();
        try {
            $ffi = FFI::cdef(file_get_contents(self::CDEF_FILE), $path);
        } catch (FFI\Exception $error) {
            throw new \RuntimeException(sprintf(
                'zts: cannot load the zts library %s (%s). Set %s to the absolute path of a libzts.so '
                . 'built for this machine.',
                $path,
                $error->getMessage(),
                self::LIBRARY_ENV,
            ), 0, $error);
        }
        self::checkVersion($ffi->zts_version());
        self::$loadedPath = $path;
        return $ffi;
    }
}
