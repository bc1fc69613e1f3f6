<?php

declare(strict_types=1);

namespace Zts\Tests;

use com\zoho\api\authenticator\OAuthToken;

/** Paths and helpers shared by the tests. */
final class Support
{
    public const PACKAGE_DIR = __DIR__ . '/..';

    public static function repoRoot(): string
    {
        return dirname(__DIR__, 3);
    }

    public static function vectorsPath(): string
    {
        return self::repoRoot() . '/tests/vectors/store.json';
    }

    /** A new empty directory, removed at exit. */
    public static function tempDir(): string
    {
        $dir = sys_get_temp_dir() . '/zts-php-' . bin2hex(random_bytes(6));
        mkdir($dir, 0700);
        register_shutdown_function(static fn () => self::removeTree($dir));
        return $dir;
    }

    public static function removeTree(string $path): void
    {
        if (is_dir($path) && !is_link($path)) {
            foreach (array_diff(scandir($path), ['.', '..']) as $entry) {
                self::removeTree("$path/$entry");
            }
            rmdir($path);
        } elseif (file_exists($path) || is_link($path)) {
            unlink($path);
        }
    }

    /** This process's resident set size in bytes, from VmRSS in /proc/self/status. */
    public static function rssBytes(): int
    {
        preg_match('/^VmRSS:\s+(\d+) kB$/m', file_get_contents('/proc/self/status'), $match);
        return (int) $match[1] * 1024;
    }

    /**
     * Runs PHP code in a new process with the binding's autoloader; returns [exit code, stdout, stderr].
     *
     * @param array<string, string>|null $env the whole environment (null: this process's)
     */
    public static function runPhp(string $code, ?array $env = null, ?string $cwd = null): array
    {
        $autoload = 'require ' . var_export(realpath(self::PACKAGE_DIR) . '/autoload.php', true) . ";\n";
        return self::run([PHP_BINARY, '-d', 'display_errors=stderr', '-r', $autoload . $code], '', $env, $cwd);
    }

    /**
     * Runs a command with $stdin; returns [exit code, stdout, stderr].
     *
     * @param list<string> $command
     */
    public static function run(array $command, string $stdin = '', ?array $env = null, ?string $cwd = null): array
    {
        $pipes = [];
        $process = proc_open($command, [['pipe', 'r'], ['pipe', 'w'], ['pipe', 'w']], $pipes, $cwd, $env);
        fwrite($pipes[0], $stdin);
        fclose($pipes[0]);
        $stdout = stream_get_contents($pipes[1]);
        $stderr = stream_get_contents($pipes[2]);
        fclose($pipes[1]);
        fclose($pipes[2]);
        return [proc_close($process), $stdout, $stderr];
    }

    /** The environment of this process without ZTS_LIBRARY, plus $extra. */
    public static function env(array $extra = []): array
    {
        $env = getenv();
        unset($env['ZTS_LIBRARY']);
        return array_merge($env, $extra);
    }

    /** The ten fields of an OAuthToken, by zts key. */
    public static function fields(OAuthToken $token): array
    {
        $signature = $token->getUserSignature();
        return [
            'id' => $token->getId(),
            'user_name' => $signature !== null ? $signature->getName() : null,
            'client_id' => $token->getClientId(),
            'client_secret' => $token->getClientSecret(),
            'refresh_token' => $token->getRefreshToken(),
            'access_token' => $token->getAccessToken(),
            'grant_token' => $token->getGrantToken(),
            'expiry_time' => $token->getExpiresIn(),
            'redirect_url' => $token->getRedirectURL(),
            'api_domain' => $token->getAPIDomain(),
        ];
    }
}
