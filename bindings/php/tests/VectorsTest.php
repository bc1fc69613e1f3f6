<?php

declare(strict_types=1);

namespace Zts\Tests;

use PHPUnit\Framework\TestCase;
use Zts\Store;
use Zts\ZtsException;

/** Replays the shared vectors (tests/vectors/store.json, format in tests/vectors/README.md) through Store. */
final class VectorsTest extends TestCase
{
    private static function cases(): array
    {
        return json_decode(file_get_contents(Support::vectorsPath()), true, 512, JSON_THROW_ON_ERROR)['cases'];
    }

    public function vectorCases(): iterable
    {
        foreach (self::cases() as $case) {
            yield $case['name'] => [$case];
        }
    }

    private static int $tables = 0;

    /** ':memory:', or with ZTS_MYSQL_URL (tests/mysql/bindings.sh) a new table on that server. */
    private static function vectorLocation(): string
    {
        $url = getenv('ZTS_MYSQL_URL');
        if (!is_string($url) || $url === '') {
            return ':memory:';
        }
        return sprintf('%s?table=vectors_php_%d_%d', $url, getmypid(), ++self::$tables);
    }

    /** @dataProvider vectorCases */
    public function testSharedVector(array $case): void
    {
        $store = new Store(self::vectorLocation());
        foreach ($case['steps'] as $number => $step) {
            $at = sprintf('%s / step %d', $case['name'], $number + 1);
            [$status, $result, $message] = self::runStep($store, $step);
            $this->assertSame($step['status'], $status, "$at: error " . var_export($message, true));
            if ($status === 'ZTS_OK') {
                $this->assertNull($message, $at);
            } else {
                $this->assertIsString($message, $at);
                $this->assertNotSame('', $message, $at);
                foreach ($step['error_contains'] ?? [] as $text) {
                    $this->assertStringContainsString($text, $message, $at);
                }
                foreach ($step['error_excludes'] ?? [] as $text) {
                    $this->assertStringNotContainsString($text, $message, $at);
                }
            }
            if (array_key_exists('result', $step)) {
                $expected = $step['result'];
                if (array_is_list($expected)) {
                    $this->assertIsArray($result, $at);
                    $this->assertTrue(array_is_list($result), $at);
                    $this->assertCount(count($expected), $result, $at);
                    foreach ($expected as $index => $expectedToken) {
                        $this->checkToken($result[$index], $expectedToken, "$at, token $index");
                    }
                } else {
                    $this->checkToken($result, $expected, $at);
                }
            }
        }
        $store->close();
    }

    public function testVectorsAreAllReplayed(): void
    {
        // Guards against an empty or misread vector file making the replay vacuous.
        $cases = self::cases();
        $this->assertGreaterThanOrEqual(10, count($cases));
        $this->assertGreaterThan(100, array_sum(array_map(fn ($case) => count($case['steps']), $cases)));
    }

    /** Runs one step; returns [status name, result (decoded JSON) or null, error message or null]. */
    private static function runStep(Store $store, array $step): array
    {
        try {
            $result = match ($step['op']) {
                // save/find send the token array as its compact JSON text; "json" goes verbatim.
                'save' => array_key_exists('token', $step) ? $store->save($step['token']) : self::decode($store->saveJson($step['json'])),
                'find' => array_key_exists('token', $step) ? $store->find($step['token']) : self::decode($store->findJson($step['json'])),
                'find_by_id' => $store->findById($step['id']),
                'delete' => $store->delete($step['id']),
                'list' => $store->list(),
                'purge' => $store->purge(),
            };
        } catch (ZtsException $error) {
            return [$error->getStatusName(), null, $error->getZtsMessage()];
        }
        return ['ZTS_OK', $result, null];
    }

    private static function decode(string $json): array
    {
        return json_decode($json, true, 512, JSON_THROW_ON_ERROR);
    }

    private function checkToken(mixed $actual, array $expected, string $at): void
    {
        $this->assertIsArray($actual, $at);
        $keys = array_keys($actual);
        $expectedKeys = Store::TOKEN_FIELDS;
        sort($keys);
        sort($expectedKeys);
        $this->assertSame($expectedKeys, $keys, "$at: exactly the ten keys");
        foreach (Store::TOKEN_FIELDS as $key) {
            $this->assertSame($expected[$key] ?? null, $actual[$key], "$at: key $key");
        }
    }
}
