<?php

declare(strict_types=1);

namespace Zts\Tests;

use com\zoho\api\authenticator\OAuthToken;
use com\zoho\api\authenticator\store\TokenStore;
use com\zoho\api\authenticator\Token;
use com\zoho\crm\api\exception\SDKException;
use com\zoho\crm\api\UserSignature;
use com\zoho\crm\api\util\APIHTTPConnector;
use PHPUnit\Framework\TestCase;
use Zts\Store;
use Zts\ZohoTokenStore;
use Zts\ZtsException;

/** ZohoTokenStore against the SDK's OAuthToken objects (the tests' declarations of them), without HTTP. */
final class ZohoTokenStoreTest extends TestCase
{
    private const STORED = [
        'user_name' => 'user@example.com:777',
        'client_id' => 'cid',
        'client_secret' => 'csec',
        'refresh_token' => 'RT1',
        'access_token' => 'AT1',
        'grant_token' => 'GT1',
        'expiry_time' => '4102444839397',
        'redirect_url' => 'http://localhost/cb',
        'api_domain' => 'http://127.0.0.1:18081',
    ];

    private ZohoTokenStore $store;

    protected function setUp(): void
    {
        $this->store = new ZohoTokenStore(':memory:');
    }

    protected function tearDown(): void
    {
        $this->store->close();
    }

    /** The store holding STORED as id "1". */
    private function stored(): ZohoTokenStore
    {
        $this->store->getStore()->save(self::STORED);
        return $this->store;
    }

    private static function expected(array $fields): array
    {
        return array_merge(array_fill_keys(Store::TOKEN_FIELDS, null), self::STORED, $fields);
    }

    /** A token as `new OAuthToken(...)` with named arguments, and findUser false. */
    private static function token(array $fields = []): OAuthToken
    {
        return new OAuthToken(
            $fields['client_id'] ?? null,
            $fields['client_secret'] ?? null,
            $fields['grant_token'] ?? null,
            $fields['refresh_token'] ?? null,
            $fields['redirect_url'] ?? null,
            $fields['id'] ?? null,
            $fields['access_token'] ?? null,
            isset($fields['user_name']) ? new UserSignature($fields['user_name']) : null,
            false,
        );
    }

    private static function sdkError(callable $call): SDKException
    {
        try {
            $call();
        } catch (SDKException $error) {
            return $error;
        }
        self::fail('no SDKException was thrown');
    }

    public function testItIsTheSdksTokenStore(): void
    {
        $this->assertInstanceOf(TokenStore::class, $this->store);
    }

    public function testSaveTokenWritesTheAssignedIdBack(): void
    {
        $token = self::token(['client_id' => 'cid', 'client_secret' => 'csec', 'grant_token' => 'GT1']);
        $token->setAccessToken('AT1');
        $this->store->saveToken($token);
        $this->assertSame('1', $token->getId());
        $this->assertSame('GT1', $this->store->getStore()->findById('1')['grant_token']);
        $second = self::token(['access_token' => 'ATX']);
        $this->store->saveToken($second);
        $this->assertSame('2', $second->getId());
    }

    public function testSaveTokenMapsAllTenFieldsBothWays(): void
    {
        $token = self::token(self::STORED);
        $token->setExpiresIn('4102444839397');
        $token->setAPIDomain('http://127.0.0.1:18081');
        $this->store->saveToken($token);
        $this->assertSame(self::expected(['id' => '1']), $this->store->getStore()->findById('1'));
        $this->assertSame(self::expected(['id' => '1']), Support::fields($this->store->findTokenById('1')));
    }

    public function testTheSdksFloatExpiryIsStoredAsAnIntegerString(): void
    {
        // The PHP SDK computes it as round(microtime(true) * 1000) + ms, a float.
        $expiry = round(microtime(true) * 1000) + 3600 * 1000;
        $this->assertIsFloat($expiry);
        $token = self::token(['access_token' => 'ATX']);
        $token->setExpiresIn($expiry);
        $this->store->saveToken($token);
        $stored = $this->store->getStore()->findById('1')['expiry_time'];
        $this->assertSame(sprintf('%.0f', $expiry), $stored);
        $this->assertMatchesRegularExpression('/^\d{13}$/', $stored);
        $this->assertSame($stored, $this->store->findTokenById('1')->getExpiresIn());
    }

    public function testAnIntegerIdIsAString(): void
    {
        $this->stored();
        $this->assertSame('1', $this->store->findTokenById(1)->getId());
        $token = self::token(['id' => 1, 'access_token' => 'AT2']);
        $this->store->saveToken($token);
        $this->assertSame('AT2', $this->store->getStore()->findById('1')['access_token']);
        $this->store->deleteToken(1);
        $this->assertSame([], $this->store->getTokens());
    }

    public function testAFractionalExpiryIsRefusedByZts(): void
    {
        $token = self::token(['access_token' => 'ATX']);
        $token->setExpiresIn(4102444839397.5);
        $error = self::sdkError(fn () => $this->store->saveToken($token));
        $this->assertSame('ZTS_INVALID_TOKEN', $error->getCause()->getStatusName());
        $this->assertStringContainsString('expiry_time', $error->getMessage());
    }

    public function testAFieldThatIsNotTextIsAnSdkException(): void
    {
        $token = self::token(['access_token' => 'ATX']);
        $token->setClientId(['cid']);
        $error = self::sdkError(fn () => $this->store->saveToken($token));
        $this->assertSame('TOKEN_STORE', $error->getErrorCode());
        $this->assertInstanceOf(\InvalidArgumentException::class, $error->getCause());
        $this->assertSame("zts saveToken failed: the token's client_id is a array, not a string", $error->getMessage());
    }

    public function testSaveTokenOfARefreshedTokenUpdatesItsRow(): void
    {
        $store = $this->stored();
        $token = $store->findTokenById('1');
        $token->setAccessToken('AT2');
        $token->setExpiresIn('4102444899999');
        $store->saveToken($token);
        $this->assertSame([self::expected(['id' => '1', 'access_token' => 'AT2', 'expiry_time' => '4102444899999'])], $store->getStore()->list());
    }

    public function testFindTokenFillsOnlyTheEmptyFieldsOfTheGivenToken(): void
    {
        $store = $this->stored();
        $token = self::token(['client_id' => 'cid', 'client_secret' => 'csec', 'refresh_token' => 'RT1', 'redirect_url' => 'http://mine/cb']);
        $token->setGrantToken(''); // "" counts as empty, as for zts and the SDK stores' `== null`
        $this->assertSame($token, $store->findToken($token));
        $this->assertSame(self::expected(['id' => '1', 'redirect_url' => 'http://mine/cb']), Support::fields($token));
    }

    public function testFindTokenByUserSignature(): void
    {
        $store = $this->stored();
        $token = self::token(['user_name' => 'user@example.com:777']);
        $this->assertSame($token, $store->findToken($token));
        $this->assertSame(self::expected(['id' => '1']), Support::fields($token));
    }

    public function testFindTokenReturnsNullOnAMissAndLeavesTheTokenAlone(): void
    {
        $store = $this->stored();
        $token = self::token(['user_name' => 'other@example.com:1']);
        $this->assertNull($store->findToken($token));
        $this->assertNull($token->getAccessToken());
        $this->assertNull($token->getId());
    }

    public function tokensWithNothingToMatch(): iterable
    {
        yield 'id only, as the SDK revoke() passes' => [['id' => '1']];
        yield 'a refresh token without client credentials' => [['id' => '1', 'refresh_token' => 'RT1']];
    }

    /** @dataProvider tokensWithNothingToMatch */
    public function testFindTokenNeverMatchesById(array $fields): void
    {
        $store = $this->stored();
        $token = self::token($fields);
        $this->assertNull($store->findToken($token));
        $this->assertNull($token->getAccessToken());
    }

    public function testFindTokenDoesNotQueryTheStoreForAnIdOnlyToken(): void
    {
        $this->store->close(); // any query would now fail
        $this->assertNull($this->store->findToken(self::token(['id' => '1'])));
        $error = self::sdkError(fn () => $this->store->findToken(self::token(['access_token' => 'ATX'])));
        $this->assertStringContainsString('closed', $error->getMessage());
    }

    public function testFindTokenByIdReturnsANewToken(): void
    {
        $store = $this->stored();
        $first = $store->findTokenById('1');
        $second = $store->findTokenById('1');
        $this->assertInstanceOf(OAuthToken::class, $first);
        $this->assertNotSame($first, $second);
        $this->assertSame(self::expected(['id' => '1']), Support::fields($first));
    }

    public function testFindTokenByIdOfAnUnknownIdThrowsSdkException(): void
    {
        $store = $this->stored();
        $error = self::sdkError(fn () => $store->findTokenById('2'));
        $this->assertSame('TOKEN_STORE', $error->getErrorCode());
        $this->assertSame('zts findTokenById failed: ZTS_NOT_FOUND: no token has id "2"', $error->getMessage());
        $this->assertSame($error->getMessage(), $error->getErrorMessage());
        $cause = $error->getCause();
        $this->assertInstanceOf(ZtsException::class, $cause);
        $this->assertSame('ZTS_NOT_FOUND', $cause->getStatusName());
        $this->assertSame('no token has id "2"', $cause->getZtsMessage());
    }

    public function testDeleteToken(): void
    {
        $store = $this->stored();
        $error = self::sdkError(fn () => $store->deleteToken('2'));
        $this->assertSame('TOKEN_STORE', $error->getErrorCode());
        $this->assertStringContainsString('ZTS_NOT_FOUND', $error->getMessage());
        $this->assertSame(1, count($store->getStore()->list()));
        $store->deleteToken('1');
        $this->assertSame([], $store->getStore()->list());
    }

    public function testGetTokensAndDeleteTokens(): void
    {
        $store = $this->stored();
        $store->getStore()->save(['access_token' => 'ATX']);
        $tokens = $store->getTokens();
        $this->assertContainsOnlyInstancesOf(OAuthToken::class, $tokens);
        $this->assertSame(
            [self::expected(['id' => '1']), array_merge(array_fill_keys(Store::TOKEN_FIELDS, null), ['id' => '2', 'access_token' => 'ATX'])],
            array_map([Support::class, 'fields'], $tokens),
        );
        $store->deleteTokens();
        $this->assertSame([], $store->getTokens());
    }

    public function testEveryTokenIsANewObjectHoldingExactlyItsValues(): void
    {
        $store = $this->stored();
        $store->getStore()->save(['access_token' => '0']); // "0" is a value, not an absent one
        $store->getStore()->save(['user_name' => 'ü@example.com:1', 'refresh_token' => 'RT3', 'client_id' => 'c', 'client_secret' => 's']);
        $expected = [
            self::expected(['id' => '1']),
            array_merge(array_fill_keys(Store::TOKEN_FIELDS, null), ['id' => '2', 'access_token' => '0']),
            array_merge(array_fill_keys(Store::TOKEN_FIELDS, null), ['id' => '3', 'user_name' => 'ü@example.com:1', 'client_id' => 'c', 'client_secret' => 's', 'refresh_token' => 'RT3']),
        ];
        $tokens = $store->getTokens();
        $this->assertSame($expected, array_map([Support::class, 'fields'], $tokens));
        $this->assertSame($expected[1], Support::fields($store->findTokenById('2')));
        // Changing one token changes no other, nor the tokens made later.
        $tokens[1]->setGrantToken('GT-changed');
        $tokens[1]->setUserSignature(new UserSignature('changed:1'));
        $this->assertSame($expected[2], Support::fields($tokens[2]));
        $this->assertSame($expected, array_map([Support::class, 'fields'], $store->getTokens()));
        $this->assertSame($expected[1], Support::fields($store->findTokenById('2')));
        $this->assertNotSame($store->findTokenById('1'), $store->findTokenById('1'));
    }

    public function testTokensThatAreNotOAuthTokensAreIgnored(): void
    {
        $store = $this->stored();
        $other = new class () implements Token {
            public function authenticate(APIHTTPConnector $urlConnection)
            {
            }

            public function revoke($id)
            {
            }

            public function remove()
            {
            }

            public function generateToken()
            {
            }

            public function getId()
            {
                return '1';
            }
        };
        $this->assertSame($other, $store->findToken($other));
        $store->saveToken($other);
        $this->assertCount(1, $store->getStore()->list());
    }

    public function testARefusedSaveThrowsSdkExceptionWithTheStatus(): void
    {
        $error = self::sdkError(fn () => $this->store->saveToken(self::token(['id' => '1']))); // nothing to store
        $this->assertSame('TOKEN_STORE', $error->getErrorCode());
        $this->assertStringContainsString('ZTS_INVALID_TOKEN', $error->getMessage());
    }

    public function testOpenAndClosedStoreFailuresThrowSdkException(): void
    {
        $dir = Support::tempDir();
        $error = self::sdkError(fn () => new ZohoTokenStore("$dir/missing/tokens.db"));
        $this->assertSame('TOKEN_STORE', $error->getErrorCode());
        $this->assertStringStartsWith('zts open failed: ZTS_IO: ', $error->getMessage());
        $store = new ZohoTokenStore("$dir/tokens.db");
        $store->close();
        $store->close();
        foreach ([fn () => $store->getTokens(), fn () => $store->deleteTokens(), fn () => $store->findTokenById('1'), fn () => $store->deleteToken('1'), fn () => $store->saveToken(self::token(['access_token' => 'a']))] as $call) {
            $error = self::sdkError($call);
            $this->assertSame('TOKEN_STORE', $error->getErrorCode());
            $this->assertStringEndsWith("is closed", $error->getMessage());
            $this->assertInstanceOf(\LogicException::class, $error->getCause());
        }
    }

    public function testNoSecretInDumpsOrErrors(): void
    {
        $store = $this->stored();
        $this->assertSame(['location' => ':memory:', 'closed' => false], $store->__debugInfo());
        $this->assertStringNotContainsString('csec', print_r($store, true));
        $error = self::sdkError(fn () => $store->saveToken(self::token(['id' => '9', 'client_id' => 'cid', 'client_secret' => 'csec'])));
        $this->assertStringNotContainsString('csec', $error->getMessage());
        $this->assertStringNotContainsString('csec', (string) $error);
    }

    public function testNonAsciiUserNamesRoundTrip(): void
    {
        $token = self::token(['user_name' => 'jürgen@例え.jp:777', 'access_token' => 'AT😀']);
        $this->store->saveToken($token);
        $found = self::token(['user_name' => 'jürgen@例え.jp:777']);
        $this->assertSame($found, $this->store->findToken($found));
        $this->assertSame(['1', 'AT😀'], [$found->getId(), $found->getAccessToken()]);
    }

    public function testAStoreFileIsSharedWithTheStoreLayer(): void
    {
        $path = Support::tempDir() . '/tokens.db';
        $store = new ZohoTokenStore($path);
        $store->saveToken(self::token(['access_token' => 'ATX']));
        $store->close();
        $this->assertSame('1', (new Store($path))->find(['access_token' => 'ATX'])['id']);
    }
}
