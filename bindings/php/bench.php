<?php

/**
 * Benchmark: the SDK's store calls through ZohoTokenStore (findToken, findTokenById, saveToken) and the
 * same calls on the Store layer, at several store sizes; medians of 11 rounds, µs per call.
 *
 * Usage: php bench.php [SIZES]   (after run_tests.sh; SIZES defaults to 10,1000,10000)
 * Needs the Zoho SDK's classes: the real SDK if autoloadable, else the tests' declarations of them.
 */

declare(strict_types=1);

use com\zoho\api\authenticator\OAuthToken;
use com\zoho\crm\api\UserSignature;
use Zts\Store;
use Zts\ZohoTokenStore;

require __DIR__ . '/autoload.php';
if (!class_exists(OAuthToken::class)) {
    require __DIR__ . '/tests/sdk/ZohoSdkSurface.php';
}

const ROUNDS = 11;
const CALLS_PER_ROUND = 200;

function median_us(callable $call): float
{
    for ($n = 0; $n < CALLS_PER_ROUND; $n++) { // warm-up: SQLite's page cache, PHP's allocator
        $call($n);
    }
    $rounds = [];
    for ($round = 0; $round < ROUNDS; $round++) {
        $start = hrtime(true);
        for ($n = 0; $n < CALLS_PER_ROUND; $n++) {
            $call($n);
        }
        $rounds[] = (hrtime(true) - $start) / 1000 / CALLS_PER_ROUND;
    }
    sort($rounds);
    return $rounds[intdiv(ROUNDS, 2)];
}

function user_token(int $user): OAuthToken
{
    return new OAuthToken(null, null, null, null, null, null, null, new UserSignature("user$user@example.com:777"), false);
}

$sizes = array_map('intval', explode(',', $argv[1] ?? '10,1000,10000'));
printf("zts %s, PHP %s\n\n", Store::libraryVersion(), PHP_VERSION);
printf("| tokens | synchronous | operation | µs/call |\n| ---: | --- | --- | ---: |\n");
foreach ($sizes as $size) {
    foreach (['normal', 'full'] as $synchronous) {
        $dir = sys_get_temp_dir() . '/zts-bench-' . getmypid();
        @mkdir($dir);
        $path = "$dir/tokens-$size-$synchronous.db";
        @unlink($path);
        $sdk = new ZohoTokenStore($path, ['synchronous' => $synchronous]);
        $store = $sdk->getStore();
        for ($user = 0; $user < $size; $user++) {
            $store->save(['user_name' => "user$user@example.com:777", 'client_id' => 'cid', 'client_secret' => 'csec',
                'refresh_token' => sprintf('1000.%064d', $user), 'access_token' => sprintf('1000.a%063d', $user), 'expiry_time' => '4102444839397']);
        }
        $rows = [
            'Store find (user_name)' => fn ($n) => $store->find(['user_name' => 'user' . ($n % $size) . '@example.com:777']),
            'Store findById' => fn ($n) => $store->findById((string) ($n % $size + 1)),
            'ZohoTokenStore findToken (user signature)' => fn ($n) => $sdk->findToken(user_token($n % $size)),
            'ZohoTokenStore findTokenById' => fn ($n) => $sdk->findTokenById((string) ($n % $size + 1)),
            'ZohoTokenStore saveToken (refresh, by id)' => function ($n) use ($sdk, $size) {
                $token = $sdk->findTokenById((string) ($n % $size + 1));
                $token->setAccessToken("1000.refreshed$n");
                $sdk->saveToken($token);
            },
        ];
        foreach ($rows as $name => $call) {
            printf("| %d | %s | %s | %.1f |\n", $size, $synchronous, $name, median_us($call));
        }
        $sdk->close();
        @unlink($path);
        foreach (glob("$path-*") as $file) {
            @unlink($file);
        }
        @rmdir($dir);
    }
}
