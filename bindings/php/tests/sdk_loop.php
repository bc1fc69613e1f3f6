<?php
/**
 * The PHP SDK's getToken (replayed by SdkFlow) in a loop against a real accounts server, for the refresh
 * coordination test (tests/refresh/run.py).
 *
 * Usage: php sdk_loop.php SPEC_JSON, where SPEC_JSON has "path" (the store file), "port" (the fake
 * accounts server's on 127.0.0.1), "token" ({"id": ...}) and "loop" ({"stop_file", "pause_ms"}).
 * Prints "READY" after the first getToken (the SDK's initialize), then calls getToken every pause_ms
 * until stop_file exists (errors counted, not fatal), then one JSON line {"last", "calls", "errors",
 * "max_ms"}. ZTS_REFRESH_LEASE_MS, when set, is passed to the store as refresh_lease_ms.
 */

declare(strict_types=1);

use com\zoho\api\authenticator\OAuthToken;
use com\zoho\crm\api\exception\SDKException;
use Zts\Tests\SdkFlow;
use Zts\ZohoTokenStore;

require dirname(__DIR__) . '/autoload.php';
require __DIR__ . '/sdk/ZohoSdkSurface.php';
require __DIR__ . '/SdkFlow.php';

$spec = json_decode($argv[1], true, 512, JSON_THROW_ON_ERROR);
$lease = getenv('ZTS_REFRESH_LEASE_MS');
$store = new ZohoTokenStore($spec['path'], $lease === false ? [] : ['refresh_lease_ms' => (int) $lease]);
$accountsUrl = "http://127.0.0.1:{$spec['port']}/oauth/v2/token";

// The SDK's token request: a form POST to the accounts URL, the JSON answer as an array.
$accounts = function (string $grantType, OAuthToken $token) use ($accountsUrl): array {
    $form = ['client_id' => $token->getClientId(), 'client_secret' => $token->getClientSecret(), 'grant_type' => $grantType];
    $form += $grantType === 'refresh_token' ? ['refresh_token' => $token->getRefreshToken()] : ['code' => $token->getGrantToken()];
    $context = stream_context_create(['http' => [
        'method' => 'POST',
        'header' => 'Content-Type: application/x-www-form-urlencoded',
        'content' => http_build_query($form),
        'ignore_errors' => true,
    ]]);
    $body = file_get_contents($accountsUrl, false, $context);
    $response = $body === false ? null : json_decode($body, true);
    if (!is_array($response) || !isset($response['access_token'])) {
        throw new SDKException('INVALID TOKEN ERROR', is_array($response) ? (string) ($response['error'] ?? 'no access token') : 'no answer');
    }
    return $response;
};

$flow = new SdkFlow($store, $accounts);
$token = new OAuthToken(null, null, null, null, null, $spec['token']['id'], null, null, false);
$flow->getToken($token);
echo "READY\n";

$result = ['last' => null, 'calls' => 0, 'errors' => 0, 'max_ms' => 0];
while (!file_exists($spec['loop']['stop_file'])) {
    $started = hrtime(true);
    try {
        $result['last'] = $flow->getToken($token);
    } catch (\Exception $error) {
        $result['errors']++;
        fwrite(STDERR, 'getToken: ' . $error->getMessage() . "\n");
    }
    $result['calls']++;
    $result['max_ms'] = max($result['max_ms'], intdiv(hrtime(true) - $started, 1000000));
    $flow->calls = [];
    usleep($spec['loop']['pause_ms'] * 1000);
}
$store->close();
echo json_encode($result), "\n";
