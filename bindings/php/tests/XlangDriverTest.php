<?php

declare(strict_types=1);

namespace Zts\Tests;

use PHPUnit\Framework\TestCase;
use Zts\Store;

/** The cross-language driver (tests/xlang/PROTOCOL.md): requests piped through bindings/php/xlang-driver. */
final class XlangDriverTest extends TestCase
{
    private const DRIVER = Support::PACKAGE_DIR . '/xlang-driver';

    /** Runs the driver from another working directory; returns [exit code, response objects, stderr]. */
    private static function drive(array $arguments, array $requests, array $env = []): array
    {
        $stdin = implode('', array_map(fn ($request) => (is_string($request) ? $request : json_encode($request)) . "\n", $requests));
        [$exit, $stdout, $stderr] = Support::run(array_merge([realpath(self::DRIVER)], $arguments), $stdin, Support::env($env), sys_get_temp_dir());
        $lines = $stdout === '' ? [] : explode("\n", rtrim($stdout, "\n"));
        return [$exit, array_map(fn ($line) => json_decode($line, true, 512, JSON_THROW_ON_ERROR), $lines), $stderr];
    }

    private static function token(array $fields): array
    {
        return array_merge(array_fill_keys(Store::TOKEN_FIELDS, null), $fields);
    }

    public function testTheDriverIsExecutable(): void
    {
        $this->assertTrue(is_executable(self::DRIVER));
        $this->assertStringStartsWith("#!/usr/bin/env bash\n", file_get_contents(self::DRIVER));
    }

    public function testEveryOpAndOneResponseLinePerRequestInOrder(): void
    {
        $path = Support::tempDir() . '/tokens.db';
        $user = ['user_name' => 'grüß 日本 😀:777', 'client_id' => 'cid', 'client_secret' => 'csec', 'refresh_token' => 'RT1', 'access_token' => 'AT1'];
        [$exit, $responses, $stderr] = self::drive([$path], [
            ['op' => 'version'],
            ['op' => 'save', 'token' => $user],
            ['op' => 'find', 'token' => ['user_name' => 'grüß 日本 😀:777']],
            ['op' => 'find', 'json' => '{"client_id":"cid","client_secret":"csec","refresh_token":"RT1"}'],
            ['op' => 'find_by_id', 'id' => '1'],
            ['op' => 'find_by_id', 'id' => '2'],
            ['op' => 'save', 'json' => '{"access_token":'],
            ['op' => 'save', 'json' => '{"access_token":"ATX","expiry_time":4102444839397}'],
            ['op' => 'list'],
            ['op' => 'delete', 'id' => '2'],
            ['op' => 'delete', 'id' => '2'],
            ['op' => 'find', 'token' => ['refresh_token' => 'RT1']],
        ]);
        $this->assertSame(0, $exit, $stderr);
        $this->assertSame('', $stderr);
        $stored = self::token($user + ['id' => '1']);
        $atx = self::token(['id' => '2', 'access_token' => 'ATX', 'expiry_time' => '4102444839397']);
        $ok = fn ($result) => ['status' => 'ZTS_OK', 'result' => $result, 'error' => null];
        $this->assertSame($ok(Store::libraryVersion()), $responses[0]);
        $this->assertSame($ok($stored), $responses[1]);
        $this->assertSame($ok($stored), $responses[2]);
        $this->assertSame($ok($stored), $responses[3]);
        $this->assertSame($ok($stored), $responses[4]);
        $this->assertSame(['status' => 'ZTS_NOT_FOUND', 'result' => null, 'error' => 'no token has id "2"'], $responses[5]);
        $this->assertSame(['ZTS_INVALID_JSON', null], [$responses[6]['status'], $responses[6]['result']]);
        $this->assertNotEmpty($responses[6]['error']);
        $this->assertSame($ok($atx), $responses[7]);
        $this->assertSame($ok([$stored, $atx]), $responses[8]);
        $this->assertSame($ok(null), $responses[9]);
        $this->assertSame('ZTS_NOT_FOUND', $responses[10]['status']);
        $this->assertSame('ZTS_INVALID_TOKEN', $responses[11]['status']);
        $this->assertStringNotContainsString('RT1', $responses[11]['error']);
        $this->assertCount(12, $responses);

        // The file is the store: the Store layer sees what the driver wrote.
        $this->assertSame([$stored], (new Store($path))->list());
    }

    public function testPurgeAndAnEmptyList(): void
    {
        [$exit, $responses] = self::drive([':memory:'], [
            ['op' => 'save', 'token' => ['access_token' => 'A']],
            ['op' => 'purge'],
            ['op' => 'list'],
        ]);
        $this->assertSame(0, $exit);
        $this->assertSame([null, []], [$responses[1]['result'], $responses[2]['result']]);
        $this->assertSame('[]', json_encode($responses[2]['result']));
    }

    public function testBadRequestsGetDriverErrorsAndTheDriverKeepsServing(): void
    {
        [$exit, $responses] = self::drive([':memory:'], [
            'not json',
            '[1, 2]',
            ['op' => 'fly'],
            ['op' => 'find_by_id'],
            ['op' => 'find_by_id', 'id' => 7],
            ['op' => 'save', 'token' => 'text'],
            ['op' => 'find_by_id', 'id' => null],
            ['op' => 'find_by_id', 'id' => "1\0"],
            ['op' => 'version'],
        ]);
        $this->assertSame(0, $exit);
        $this->assertCount(9, $responses);
        foreach (array_slice($responses, 0, 6) as $index => $response) {
            $this->assertSame('DRIVER_ERROR', $response['status'], "request $index");
            $this->assertNull($response['result']);
            $this->assertNotEmpty($response['error']);
        }
        $this->assertSame('unknown op "fly"', $responses[2]['error']);
        $this->assertSame(['ZTS_INVALID_ARGUMENT', 'id is NULL'], [$responses[6]['status'], $responses[6]['error']]);
        $this->assertSame(['ZTS_INVALID_ARGUMENT', 'id contains a NUL character'], [$responses[7]['status'], $responses[7]['error']]);
        $this->assertSame('ZTS_OK', $responses[8]['status']);
    }

    public function testOptionsAreGivenToOpen(): void
    {
        $path = Support::tempDir() . '/tokens.db';
        [$exit, $responses] = self::drive([$path, '{"create":false}'], [['op' => 'list']]);
        $this->assertSame(1, $exit);
        $this->assertCount(1, $responses);
        $this->assertSame(['ZTS_IO', null], [$responses[0]['status'], $responses[0]['result']]);
        $this->assertFileDoesNotExist($path);

        [$exit, $responses] = self::drive([$path, '{"synchronous":"normal","busy_timeout_ms":100}'], [['op' => 'list']]);
        $this->assertSame([0, 'ZTS_OK'], [$exit, $responses[0]['status']]);
    }

    public function testAFailedOpenWritesOneResponseAndExits1(): void
    {
        [$exit, $responses, $stderr] = self::drive([Support::tempDir() . '/missing/tokens.db'], [['op' => 'list']]);
        $this->assertSame(1, $exit, $stderr);
        $this->assertCount(1, $responses);
        $this->assertSame('ZTS_IO', $responses[0]['status']);
        $this->assertStringContainsString('missing', $responses[0]['error']);
    }

    public function testTheDriverLoadsThePackagedLibraryWhateverZtsLibrarySays(): void
    {
        [$exit, $responses] = self::drive([':memory:'], [['op' => 'version']], ['ZTS_LIBRARY' => '/nonexistent/libzts.so']);
        $this->assertSame([0, Store::libraryVersion()], [$exit, $responses[0]['result']]);
    }
}
