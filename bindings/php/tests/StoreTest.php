<?php

declare(strict_types=1);

namespace Zts\Tests;

use PHPUnit\Framework\TestCase;
use Zts\Native;
use Zts\Status;
use Zts\Store;
use Zts\ZtsException;

/** The Store layer: every function, statuses and errors, options, UTF-8, NUL, closing, library loading. */
final class StoreTest extends TestCase
{
    private const USER = [
        'user_name' => 'user@example.com:777',
        'client_id' => '1000.CID',
        'client_secret' => 'SECRET-csec',
        'refresh_token' => '1000.SECRET-refresh',
        'access_token' => '1000.SECRET-access',
        'expiry_time' => '4102444839397',
    ];

    private static function stored(array $token): array
    {
        return array_merge(array_fill_keys(Store::TOKEN_FIELDS, null), $token);
    }

    private static function refusal(callable $call): ZtsException
    {
        try {
            $call();
        } catch (ZtsException $error) {
            return $error;
        }
        self::fail('no ZtsException was thrown');
    }

    // --- statuses and errors ---------------------------------------------------------------------------

    public function testTheLibraryVersionIsTheOneTheBindingDeclares(): void
    {
        $this->assertStringStartsWith(Native::EXPECTED_VERSION . '.', Store::libraryVersion());
    }

    /**
     * @testWith ["0.2.0"]
     *           ["1.1.0"]
     *           ["0.10.0"]
     *           ["garbage"]
     */
    public function testALibraryOfAnotherMajorMinorIsRefused(string $version): void
    {
        $this->expectException(\RuntimeException::class);
        $this->expectExceptionMessage('needs 0.1.x');
        Native::checkVersion($version);
    }

    public function testAnotherPatchLevelIsAccepted(): void
    {
        Native::checkVersion('0.1.99');
        $this->addToAssertionCount(1);
    }

    public function testNotFoundCarriesStatusNameAndMessageWithoutTheValue(): void
    {
        $store = new Store(':memory:');
        $store->save(self::USER);
        $error = self::refusal(fn () => $store->find(['user_name' => 'someone-else@example.com:1']));
        $this->assertSame(Status::NOT_FOUND, $error->getStatus());
        $this->assertSame(Status::NOT_FOUND, $error->getCode());
        $this->assertSame('ZTS_NOT_FOUND', $error->getStatusName());
        $this->assertStringContainsString('user_name', $error->getZtsMessage());
        $this->assertStringNotContainsString('someone-else', $error->getZtsMessage());
        $this->assertSame('ZTS_NOT_FOUND: ' . $error->getZtsMessage(), $error->getMessage());
    }

    public function refusals(): iterable
    {
        yield 'malformed JSON' => [fn (Store $s) => $s->saveJson('{not json'), 'ZTS_INVALID_JSON'];
        yield 'unknown key' => [fn (Store $s) => $s->save(['id' => '1', 'colour' => 'red']), 'ZTS_INVALID_JSON'];
        yield 'integer id' => [fn (Store $s) => $s->save(['id' => 1, 'access_token' => 'a']), 'ZTS_INVALID_JSON'];
        yield 'nothing to store' => [fn (Store $s) => $s->save(['client_id' => 'c']), 'ZTS_INVALID_TOKEN'];
        yield 'empty token' => [fn (Store $s) => $s->save([]), 'ZTS_INVALID_TOKEN'];
        yield 'nothing to match' => [fn (Store $s) => $s->find(['refresh_token' => 'r']), 'ZTS_INVALID_TOKEN'];
        yield 'find by unknown id' => [fn (Store $s) => $s->findById('42'), 'ZTS_NOT_FOUND'];
        yield 'find by empty id' => [fn (Store $s) => $s->findById(''), 'ZTS_INVALID_ARGUMENT'];
        yield 'find by null id' => [fn (Store $s) => $s->findById(null), 'ZTS_INVALID_ARGUMENT'];
        yield 'delete unknown id' => [fn (Store $s) => $s->delete('42'), 'ZTS_NOT_FOUND'];
        yield 'delete null id' => [fn (Store $s) => $s->delete(null), 'ZTS_INVALID_ARGUMENT'];
        // C would cut these at the NUL, so "1\0" would act as id "1".
        yield 'NUL in an id' => [fn (Store $s) => $s->findById("1\0"), 'ZTS_INVALID_ARGUMENT'];
        yield 'NUL in token JSON text' => [fn (Store $s) => $s->saveJson("{\"id\":\"1\"}\0junk"), 'ZTS_INVALID_ARGUMENT'];
        // In an array the NUL travels escaped (\u0000) and zts refuses it.
        yield 'NUL in a token value' => [fn (Store $s) => $s->save(['user_name' => "a\0b", 'access_token' => 'a']), 'ZTS_INVALID_JSON'];
        // Not UTF-8: raw bytes reach zts and are refused there; an array cannot even become JSON.
        yield 'non-UTF-8 id' => [fn (Store $s) => $s->findById("\x80"), 'ZTS_INVALID_ARGUMENT'];
        yield 'non-UTF-8 JSON text' => [fn (Store $s) => $s->findJson("{\"user_name\":\"\xff\"}"), 'ZTS_INVALID_ARGUMENT'];
        yield 'non-UTF-8 token value' => [fn (Store $s) => $s->save(['user_name' => "\xff", 'access_token' => 'a']), 'ZTS_INVALID_ARGUMENT'];
    }

    /** @dataProvider refusals */
    public function testEachRefusalThrowsZtsExceptionWithItsStatus(callable $call, string $status): void
    {
        $store = new Store(':memory:');
        $store->save(self::USER + ['id' => '1']);
        $error = self::refusal(fn () => $call($store));
        $this->assertSame($status, $error->getStatusName());
        $this->assertSame(Status::ALL[substr($status, 4)], $error->getStatus());
        $this->assertNotSame('', $error->getZtsMessage());
        $this->assertStringNotContainsString('SECRET', $error->getMessage());
    }

    public function testANulRefusalSaysSo(): void
    {
        $store = new Store(':memory:');
        $error = self::refusal(fn () => $store->delete("1\0junk"));
        $this->assertSame('ZTS_INVALID_ARGUMENT: id contains a NUL character', $error->getMessage());
    }

    public function testANulInsideAnIdDoesNotReachAnotherToken(): void
    {
        $store = new Store(':memory:');
        $store->save(self::USER + ['id' => '1']);
        self::refusal(fn () => $store->delete("1\0junk"));
        $this->assertSame(['1'], array_column($store->list(), 'id'));
    }

    public function testStackTracesDoNotShowTokenText(): void
    {
        // Traces with arguments, as a development php.ini has them.
        $ignoreArgs = ini_set('zend.exception_ignore_args', '0');
        $maxLength = ini_set('zend.exception_string_param_max_len', '1000');
        try {
            $store = new Store(':memory:');
            // Rendered while the settings hold: the string limit applies when a trace is printed.
            $traces = array_map(fn (ZtsException $error) => $error->getTraceAsString(), [
                self::refusal(fn () => $store->saveJson("{\"client_secret\":\"SECRET-csec\"}\0")),
                self::refusal(fn () => $store->findJson('{"refresh_token":"1000.SECRET-refresh"}')),
                self::refusal(fn () => $store->save(['access_token' => "1000.SECRET-\xff"])),
            ]);
            $visible = self::refusal(fn () => $store->findById("visible-id\0"))->getTraceAsString();
        } finally {
            ini_set('zend.exception_ignore_args', $ignoreArgs);
            ini_set('zend.exception_string_param_max_len', $maxLength);
        }
        $this->assertStringContainsString("'visible-id", $visible); // the check can see arguments
        foreach ($traces as $trace) {
            $this->assertStringContainsString('SensitiveParameterValue', $trace);
            $this->assertStringNotContainsString('SECRET', $trace);
        }
    }

    public function testANonStringIdIsATypeError(): void
    {
        $store = new Store(':memory:');
        $this->expectException(\TypeError::class);
        $store->findById(1);
    }

    // --- every function --------------------------------------------------------------------------------

    public function testEveryFunctionOnAFileAndTheIdComesBack(): void
    {
        $path = Support::tempDir() . '/tokens.db';
        $store = new Store($path);
        $saved = $store->save(self::USER);
        $this->assertSame(self::stored(self::USER + ['id' => '1']), $saved);
        $store->close();

        $store = new Store($path);
        $this->assertSame($saved, $store->findById('1'));
        $this->assertSame($saved, $store->find(['user_name' => self::USER['user_name']]));
        $this->assertSame([$saved], $store->list());
        $refreshed = $store->save(['id' => '1', 'access_token' => '1000.SECRET-access2']);
        $this->assertSame(array_merge($saved, ['access_token' => '1000.SECRET-access2']), $refreshed);
        $store->delete('1');
        $this->assertSame([], $store->list());
        $store->save(self::USER);
        $store->save(['access_token' => 'ATX']);
        $this->assertCount(2, $store->list());
        $store->purge();
        $this->assertSame([], $store->list());
    }

    public function testJsonTextInAndOut(): void
    {
        $store = new Store(':memory:');
        $savedJson = $store->saveJson('{"access_token":"ATX","expiry_time":4102444839397}');
        $saved = json_decode($savedJson, true);
        $this->assertSame(['id' => '1', 'access_token' => 'ATX', 'expiry_time' => '4102444839397'], array_filter($saved));
        $this->assertSame($savedJson, $store->findJson('{"access_token":"ATX"}'));
    }

    // --- the packed calls (docs/packed-fields.md) -------------------------------------------------------

    public function testTheValuesMethodsGiveWhatTheArrayMethodsGive(): void
    {
        $store = new Store(':memory:');
        $saved = $store->saveValues(array_map(fn ($key) => self::USER[$key] ?? null, Store::TOKEN_FIELDS));
        $this->assertSame(array_values($store->findById('1')), $saved);
        $this->assertSame(['1', self::USER['user_name']], array_slice($saved, 0, 2));
        $this->assertNull($saved[6]); // no grant token: null, never ""
        $this->assertSame($saved, $store->findValues([null, self::USER['user_name'], null, null, null, null, null, null, null, null]));
        $this->assertSame($saved, $store->findByIdValues('1'));
        // "0" is a value, not an absent one; non-ASCII values cross unchanged.
        $store->save(['user_name' => 'ü@example.com:1', 'access_token' => '0', 'api_domain' => 'https://bücher.example/😀']);
        $flat = array_merge(...array_map('array_values', $store->list()));
        $this->assertSame($flat, $store->listValues());
        $this->assertSame(implode("\0", array_map(fn ($value) => $value ?? '', $flat)) . "\0", $store->listPacked());
        $this->assertSame('0', $store->findByIdValues('2')[5]);
        $refreshed = $store->saveValues(['1', null, null, null, null, 'AT2', null, '4102444839398', null, null]);
        $this->assertSame(array_replace($saved, [5 => 'AT2', 7 => '4102444839398']), $refreshed);
        $this->assertSame('ZTS_NOT_FOUND', self::refusal(fn () => $store->findByIdValues('9'))->getStatusName());
        $this->assertSame('ZTS_NOT_FOUND', self::refusal(fn () => $store->findValues([null, 'nobody:1', null, null, null, null, null, null, null, null]))->getStatusName());
        $store->purge();
        $this->assertSame([], $store->listValues());
        $this->assertSame('', $store->listPacked());
        $store->close();
        $this->expectException(\LogicException::class);
        $store->listPacked();
    }

    public function testATokenThePackedFormCannotCarryGoesAsJsonWithTheSameOutcome(): void
    {
        $store = new Store(':memory:');
        $token = fn ($accessToken, $expiry = null) => [null, 'u@example.com:1', null, null, null, $accessToken, null, $expiry, null, null];
        foreach (["a\0b", str_repeat('a', 64 * 1024 + 1)] as $value) {
            $packed = self::refusal(fn () => $store->saveValues($token($value)));
            $asArray = self::refusal(fn () => $store->save(['user_name' => 'u@example.com:1', 'access_token' => $value]));
            $this->assertSame([$asArray->getStatus(), $asArray->getMessage()], [$packed->getStatus(), $packed->getMessage()]);
        }
        // Bytes that are not UTF-8 are packed, and zts refuses them with the JSON path's status.
        $notUtf8 = self::refusal(fn () => $store->saveValues($token("1000.SECRET-\xff")));
        $this->assertSame(Status::INVALID_ARGUMENT, $notUtf8->getStatus());
        $this->assertStringContainsString('UTF-8', $notUtf8->getMessage());
        $this->assertStringNotContainsString('SECRET', $notUtf8->getMessage());
        $this->assertSame([], $store->listValues());
        // An integer expiry_time is read as the JSON reads it.
        $this->assertSame('4102444839397', $store->saveValues($token('A', 4102444839397))[7]);
        $this->assertSame('4102444839397', $store->findValues($token(null, 4102444839397))[7]);
    }

    public function testAValuesListThatIsNotTenValuesIsRefused(): void
    {
        $store = new Store(':memory:');
        foreach ([[], ['1'], array_fill(0, 11, null), ['id' => '1'] + array_fill(1, 9, null)] as $values) {
            $error = self::refusal(fn () => $store->saveValues($values));
            $this->assertSame(Status::INVALID_ARGUMENT, $error->getStatus());
            $this->assertStringContainsString('ten values', $error->getMessage());
            $this->assertSame(Status::INVALID_ARGUMENT, self::refusal(fn () => $store->findValues($values))->getStatus());
        }
        $this->assertSame([], $store->list());
    }

    public function testStatusNames(): void
    {
        $this->assertSame('ZTS_NOT_FOUND', Store::statusName(Status::NOT_FOUND));
        $this->assertSame('ZTS_UNKNOWN_STATUS', Store::statusName(1000));
    }

    // --- UTF-8 -----------------------------------------------------------------------------------------

    public function testNonAsciiValuesRoundTripAndMatch(): void
    {
        $store = new Store(':memory:');
        $name = 'grüß 日本 😀:777';
        $saved = $store->save(['user_name' => $name, 'access_token' => 'ä€😀', 'api_domain' => 'https://bücher.example/😀']);
        $this->assertSame($name, $saved['user_name']);
        $found = $store->find(['user_name' => $name]);
        $this->assertSame($saved, $found);
        $this->assertSame('ä€😀', $found['access_token']);
        $this->assertSame('https://bücher.example/😀', $found['api_domain']);
        $error = self::refusal(fn () => $store->find(['user_name' => 'grüß 日本 😀:778']));
        $this->assertSame('ZTS_NOT_FOUND', $error->getStatusName());
    }

    public function testANonAsciiFilePath(): void
    {
        $dir = Support::tempDir() . '/tökens-日本';
        mkdir($dir);
        $store = new Store("$dir/store 😀.db");
        $store->save(['access_token' => 'ATX']);
        $store->close();
        $this->assertFileExists("$dir/store 😀.db");
        $this->assertSame('1', (new Store("$dir/store 😀.db"))->find(['access_token' => 'ATX'])['id']);
    }

    public function testANonUtf8LocationIsRefusedByZts(): void
    {
        $dir = Support::tempDir();
        $error = self::refusal(fn () => new Store("$dir/\xff.db"));
        $this->assertSame('ZTS_INVALID_ARGUMENT', $error->getStatusName());
        $this->assertSame([], array_values(array_diff(scandir($dir), ['.', '..'])));
    }

    // --- opening and options ---------------------------------------------------------------------------

    public function testAMissingDirectoryIsIoNamingThePath(): void
    {
        $error = self::refusal(fn () => new Store(Support::tempDir() . '/no-such-dir/tokens.db'));
        $this->assertSame('ZTS_IO', $error->getStatusName());
        $this->assertStringContainsString('no-such-dir', $error->getZtsMessage());
    }

    public function testANulInsideTheLocationIsRefused(): void
    {
        $dir = Support::tempDir();
        $error = self::refusal(fn () => new Store("$dir/tokens.db\0.bak"));
        $this->assertSame('ZTS_INVALID_ARGUMENT: location contains a NUL character', $error->getMessage());
        $this->assertSame([], array_values(array_diff(scandir($dir), ['.', '..'])));
    }

    public function testAFileThatIsNotSqliteIsCorruptAndUntouched(): void
    {
        $path = Support::tempDir() . '/tokens.db';
        $content = str_repeat("id,user_name\n1,x\n", 100);
        file_put_contents($path, $content);
        $error = self::refusal(fn () => new Store($path));
        $this->assertSame('ZTS_CORRUPT', $error->getStatusName());
        $this->assertSame($content, file_get_contents($path));
    }

    /**
     * @testWith [{"colour": "red"}]
     *           [{"busy_timeout_ms": "5s"}]
     *           [{"read_only": 1}]
     *           [{"create": "yes"}]
     */
    public function testAnUnknownOrMistypedOptionIsInvalidArgument(array $options): void
    {
        $error = self::refusal(fn () => new Store(':memory:', $options));
        $this->assertSame('ZTS_INVALID_ARGUMENT', $error->getStatusName());
        $this->assertStringContainsString((string) array_key_first($options), $error->getZtsMessage());
    }

    public function testOptionsReachTheLibrary(): void
    {
        $path = Support::tempDir() . '/tokens.db';
        $error = self::refusal(fn () => new Store($path, ['create' => false]));
        $this->assertSame('ZTS_IO', $error->getStatusName());
        $store = new Store($path, ['busy_timeout_ms' => 100, 'synchronous' => 'normal']);
        $store->save(self::USER);
        $store->close();
        $readOnly = new Store($path, ['read_only' => true]);
        $this->assertSame('1', $readOnly->find(['user_name' => self::USER['user_name']])['id']);
        $error = self::refusal(fn () => $readOnly->save(['id' => '1', 'access_token' => 'new']));
        $this->assertSame('ZTS_IO', $error->getStatusName());
    }

    // --- closing ---------------------------------------------------------------------------------------

    public function testCloseIsIdempotentAndAClosedStoreRefusesEveryCall(): void
    {
        $store = new Store(':memory:');
        $this->assertFalse($store->isClosed());
        $store->close();
        $store->close();
        $this->assertTrue($store->isClosed());
        $calls = [
            fn () => $store->save(self::USER),
            fn () => $store->saveJson('{}'),
            fn () => $store->find(self::USER),
            fn () => $store->findJson('{}'),
            fn () => $store->findById('1'),
            fn () => $store->list(),
            fn () => $store->delete('1'),
            fn () => $store->purge(),
        ];
        foreach ($calls as $index => $call) {
            try {
                $call();
                $this->fail("call $index on a closed store did not throw");
            } catch (\LogicException $error) {
                $this->assertSame("the zts store ':memory:' is closed", $error->getMessage());
            }
        }
    }

    /** The store file's descriptors in this process: an open handle holds the file open. */
    private static function openDescriptors(string $path): int
    {
        $count = 0;
        foreach (glob('/proc/self/fd/*') as $fd) {
            if (@readlink($fd) === $path) {
                $count++;
            }
        }
        return $count;
    }

    public function testDestroyingAStoreClosesItsHandle(): void
    {
        $path = realpath(Support::tempDir()) . '/tokens.db';
        $store = new Store($path);
        $store->save(self::USER);
        $this->assertGreaterThan(0, self::openDescriptors($path));
        unset($store);
        $this->assertSame(0, self::openDescriptors($path));
    }

    public function testCloseReleasesTheFile(): void
    {
        $path = realpath(Support::tempDir()) . '/tokens.db';
        $store = new Store($path);
        $store->save(self::USER);
        $store->close();
        $this->assertSame(0, self::openDescriptors($path));
    }

    public function testStoresLeftOpenAtExitAreClosedCleanly(): void
    {
        $path = Support::tempDir() . '/tokens.db';
        $code = '$kept = new Zts\Store(' . var_export($path, true) . ');'
            . '$kept->save(["user_name" => "u", "access_token" => "a"]);'
            . '$cycle = new stdClass(); $cycle->store = new Zts\Store(":memory:"); $cycle->self = $cycle;'
            . '(new Zts\Store(":memory:"))->close();'
            . 'echo "done";';
        [$exit, $stdout, $stderr] = Support::runPhp($code);
        $this->assertSame([0, 'done', ''], [$exit, $stdout, $stderr]);
        $this->assertSame('a', (new Store($path))->find(['user_name' => 'u'])['access_token']);
    }

    public function testAStoreCannotBeCloned(): void
    {
        $store = new Store(':memory:');
        $this->expectException(\Error::class);
        clone $store;
    }

    public function testDumpsShowThePathAndNoToken(): void
    {
        $store = new Store(':memory:');
        $store->save(self::USER);
        $this->assertSame(['location' => ':memory:', 'closed' => false], $store->__debugInfo());
        $this->assertStringNotContainsString('SECRET', print_r($store, true));
        $this->assertSame(':memory:', $store->getLocation());
    }

    // --- loading the library ---------------------------------------------------------------------------

    public function testTheStoreLayerWorksWithoutTheSdk(): void
    {
        $code = '$store = new Zts\Store(":memory:");'
            . 'echo $store->save(["access_token" => "a"])["id"], " ";'
            . 'echo interface_exists("com\\\\zoho\\\\api\\\\authenticator\\\\store\\\\TokenStore") ? "sdk" : "no sdk";';
        [$exit, $stdout, $stderr] = Support::runPhp($code);
        $this->assertSame([0, '1 no sdk', ''], [$exit, $stdout, $stderr]);
    }

    public function testTheBundledLibraryIsLoadedByAbsolutePath(): void
    {
        [$exit, $stdout, $stderr] = Support::runPhp('echo Zts\Native::loadedPath();', Support::env());
        $this->assertSame(0, $exit, $stderr);
        $this->assertSame(realpath(Support::PACKAGE_DIR) . '/libzts.so', $stdout);
    }

    public function testThePackagedLibraryWinsOverZtsLibrary(): void
    {
        [$exit, $stdout, $stderr] = Support::runPhp(
            'echo Zts\Native::loadedPath();',
            Support::env(['ZTS_LIBRARY' => '/nonexistent/libzts.so']),
        );
        $this->assertSame(0, $exit, $stderr);
        $this->assertSame(realpath(Support::PACKAGE_DIR) . '/libzts.so', $stdout);
    }

    public function testWithoutABundledLibraryZtsLibraryIsUsedAndARelativeValueIsMadeAbsolute(): void
    {
        $dir = realpath(Support::tempDir());
        copy(Native::loadedPath(), "$dir/libzts.so");
        [$exit, $stdout, $stderr] = self::runWithoutBundledLibrary(
            'echo Zts\Native::loadedPath(), " ", Zts\Store::libraryVersion();',
            Support::env(['ZTS_LIBRARY' => 'libzts.so']),
            $dir,
        );
        $this->assertSame(0, $exit, $stderr);
        $this->assertSame("$dir/libzts.so " . Store::libraryVersion(), $stdout);
    }

    public function testWithoutABundledLibraryAWrongZtsLibraryFailsClearly(): void
    {
        [$exit, , $stderr] = self::runWithoutBundledLibrary(
            'new Zts\Store(":memory:");',
            Support::env(['ZTS_LIBRARY' => '/nonexistent/libzts.so']),
        );
        $this->assertNotSame(0, $exit);
        $this->assertStringContainsString('RuntimeException', $stderr);
        $this->assertStringContainsString('cannot load the zts library /nonexistent/libzts.so', $stderr);
        $this->assertStringContainsString('ZTS_LIBRARY', $stderr);
    }

    public function testWithoutABundledLibraryTheErrorSaysToSetZtsLibrary(): void
    {
        [$exit, , $stderr] = self::runWithoutBundledLibrary('new Zts\Store(":memory:");', Support::env());
        $this->assertNotSame(0, $exit);
        $this->assertStringContainsString('has no libzts.so for this machine (the Composer package has one for Linux x86_64 and aarch64). Set the environment variable ZTS_LIBRARY', $stderr);
    }

    public function testTheComposerPackagesLibraryForThisMachineWinsAndAnotherMachinesIsIgnored(): void
    {
        // The Composer package's layout: lib/linux-ARCH/libzts.so, ARCH as php_uname('m') names it.
        $copy = realpath(Support::tempDir());
        $machine = php_uname('m');
        $other = $machine === 'aarch64' ? 'x86_64' : 'aarch64';
        mkdir("$copy/lib/linux-$other", 0777, true);
        file_put_contents("$copy/lib/linux-$other/libzts.so", 'not a library for this machine');
        $code = 'echo Zts\Native::loadedPath();';
        [$exit, , $stderr] = self::runWithoutBundledLibrary($code, Support::env(), null, $copy);
        $this->assertNotSame(0, $exit, 'loaded another machine\'s library');
        $this->assertStringContainsString('has no libzts.so for this machine', $stderr);
        mkdir("$copy/lib/linux-$machine", 0777, true);
        copy(Native::loadedPath(), "$copy/lib/linux-$machine/libzts.so");
        [$exit, $stdout, $stderr] = self::runWithoutBundledLibrary($code, Support::env(), null, $copy);
        $this->assertSame(0, $exit, $stderr);
        $this->assertSame("$copy/lib/linux-$machine/libzts.so", $stdout);
    }

    /** Runs PHP code with a copy of the package (in $copy, else a new directory) that has no libzts.so. */
    private static function runWithoutBundledLibrary(string $code, array $env, ?string $cwd = null, ?string $copy = null): array
    {
        $copy ??= Support::tempDir();
        copy(Support::PACKAGE_DIR . '/autoload.php', "$copy/autoload.php");
        is_dir("$copy/src") || mkdir("$copy/src");
        foreach (glob(Support::PACKAGE_DIR . '/src/*') as $file) {
            copy($file, "$copy/src/" . basename($file));
        }
        $command = [PHP_BINARY, '-d', 'display_errors=stderr', '-r', "require '$copy/autoload.php'; $code"];
        return Support::run($command, '', $env, $cwd);
    }
}
