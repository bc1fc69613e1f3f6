<?php

declare(strict_types=1);

namespace Zts\Tests;

use PHPUnit\Framework\TestCase;
use Zts\Store;
use Zts\ZtsException;

/**
 * No memory is leaked: owned strings (tokens, lists, error messages) are freed with zts_string_free, a
 * closed or destroyed Store releases its handle, and the PHP side keeps no CData around.
 * RSS (from /proc/self/status) catches native leaks, memory_get_usage() leaks in PHP's own heap.
 */
final class LeakTest extends TestCase
{
    // Measured growth is 0 here. Not freeing the token strings grows RSS by ~20 MB over the 100,000
    // calls; not closing 10,000 handles by far more.
    private const ALLOWED_RSS_GROWTH = 2 * 1024 * 1024;
    private const ALLOWED_PHP_GROWTH = 64 * 1024;

    /**
     * save, find, findById and a missed find (an owned error message) in turn, on 100 users: the array
     * calls (JSON), or with $packed the values calls (the packed `_fields` calls).
     */
    private static function mixedCalls(Store $store, int $count, bool $packed = false): void
    {
        $values = fn (array $token) => array_map(fn ($key) => $token[$key] ?? null, Store::TOKEN_FIELDS);
        for ($n = 0; $n < $count; $n++) {
            $user = $n % 100;
            switch ($n % 4) {
                case 0:
                    $token = ['user_name' => "user$user@example.com:777", 'access_token' => sprintf('1000.%064d', $n)];
                    $packed ? $store->saveValues($values($token)) : $store->save($token);
                    break;
                case 1:
                    $query = ['user_name' => "user$user@example.com:777"];
                    $packed ? $store->findValues($values($query)) : $store->find($query);
                    break;
                case 2:
                    $packed ? $store->findByIdValues((string) ($user + 1)) : $store->findById((string) ($user + 1));
                    break;
                default:
                    try {
                        $query = ['user_name' => "nobody$user"];
                        $packed ? $store->findValues($values($query)) : $store->find($query);
                    } catch (ZtsException) {
                    }
            }
        }
    }

    /** Runs $work($count) as a warm-up, then 10x more; returns the growth of [RSS, PHP heap]. */
    private static function growth(callable $work, int $warmUp): array
    {
        $work($warmUp);
        gc_collect_cycles();
        $rss = Support::rssBytes();
        $php = memory_get_usage();
        $work($warmUp * 10);
        gc_collect_cycles();
        return [Support::rssBytes() - $rss, memory_get_usage() - $php];
    }

    private function assertFlat(array $growth): void
    {
        [$rss, $php] = $growth;
        $this->assertLessThan(self::ALLOWED_RSS_GROWTH, $rss, "RSS grew by $rss bytes");
        $this->assertLessThan(self::ALLOWED_PHP_GROWTH, $php, "PHP memory grew by $php bytes");
    }

    public function test100000CallsLeaveMemoryFlat(): void
    {
        $store = new Store(':memory:');
        for ($user = 0; $user < 100; $user++) { // ids 1..100 exist before findById is called
            $store->save(['user_name' => "user$user@example.com:777", 'access_token' => 'AT']);
        }
        $this->assertFlat(self::growth(fn (int $count) => self::mixedCalls($store, $count), 10_000));
        $this->assertCount(100, $store->list());
        $store->close();
    }

    public function test100000PackedCallsLeaveMemoryFlat(): void
    {
        $store = new Store(':memory:');
        for ($user = 0; $user < 100; $user++) {
            $store->save(['user_name' => "user$user@example.com:777", 'access_token' => 'AT']);
        }
        $this->assertFlat(self::growth(fn (int $count) => self::mixedCalls($store, $count, true), 10_000));
        $this->assertCount(1000, $store->listValues());
        $store->close();
    }

    public function testErrorMessagesAreFreed(): void
    {
        $store = new Store(':memory:');
        $store->save(['user_name' => 'user@example.com:777', 'access_token' => 'AT']);
        $refusedCalls = function (int $count) use ($store): void {
            for ($n = 0; $n < $count; $n++) {
                try {
                    $n % 2 ? $store->find(['user_name' => 'nobody' . ($n % 100) . '@example.com:777']) : $store->findById((string) ($n % 100 + 2));
                } catch (ZtsException) {
                }
            }
        };
        $this->assertFlat(self::growth($refusedCalls, 10_000));
        $store->close();
    }

    public function testListsAreFreed(): void
    {
        $store = new Store(':memory:');
        for ($n = 0; $n < 20; $n++) {
            $store->save(['access_token' => sprintf('AT%0100d', $n)]);
        }
        $this->assertFlat(self::growth(function (int $count) use ($store): void {
            for ($n = 0; $n < $count; $n++) {
                $store->list();
                $store->listPacked();
            }
        }, 1_000));
        $store->close();
    }

    public function testClosingOrDestroyingAStoreFreesItsHandle(): void
    {
        $this->assertFlat(self::growth(function (int $count): void {
            for ($n = 0; $n < $count; $n++) {
                $store = new Store(':memory:');
                $store->save(['access_token' => 'AT']);
                if ($n % 2) {
                    $store->close();
                }
                unset($store); // the other half is closed by __destruct
            }
        }, 1_000));
    }
}
