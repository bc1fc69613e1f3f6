<?php

declare(strict_types=1);

namespace Zts\Tests;

use com\zoho\api\authenticator\OAuthToken;
use com\zoho\crm\api\exception\SDKException;
use com\zoho\crm\api\UserSignature;
use PHPUnit\Framework\TestCase;
use Zts\ZohoTokenStore;

/** The SDK's getToken/remove/revoke call sequences (docs/sdk-contract.md §3, see SdkFlow) against ZohoTokenStore. */
final class SdkCallSequenceTest extends TestCase
{
    private ZohoTokenStore $store;
    private SdkFlow $flow;
    /** Every accounts request: [grant type, the token's grant or refresh token]. */
    private array $posts = [];
    private int $issued = 0;

    protected function setUp(): void
    {
        $this->store = new ZohoTokenStore(Support::tempDir() . '/tokens.db');
        $this->flow = new SdkFlow($this->store, function (string $grantType, OAuthToken $token): array {
            $this->posts[] = [$grantType, $grantType === 'refresh_token' ? $token->getRefreshToken() : $token->getGrantToken()];
            $this->issued++;
            $response = ['access_token' => "AT{$this->issued}", 'expires_in' => 3600, 'api_domain' => SdkFlow::ENVIRONMENT_URL];
            return $grantType === 'authorization_code' ? $response + ['refresh_token' => 'RT1'] : $response;
        });
    }

    protected function tearDown(): void
    {
        $this->store->close();
    }

    private static function grantToken(): OAuthToken
    {
        return new OAuthToken('cid', 'csec', 'GT1', null, 'http://localhost/cb', null, null, null, false);
    }

    private static function byId(string $id): OAuthToken
    {
        return new OAuthToken(null, null, null, null, null, $id, null, null, false);
    }

    public function testGrantExchangeThenEveryLaterCallGoesById(): void
    {
        $token = self::grantToken();
        $this->assertSame('AT1', $this->flow->getToken($token));
        $this->assertSame(['findToken', 'POST authorization_code', 'saveToken'], $this->flow->calls);
        $this->assertSame('1', $token->getId());
        $row = $this->store->getStore()->findById('1');
        $this->assertSame(['GT1', 'RT1', 'AT1', 'http://localhost/cb', SdkFlow::ENVIRONMENT_URL], [$row['grant_token'], $row['refresh_token'], $row['access_token'], $row['redirect_url'], $row['api_domain']]);
        $this->assertMatchesRegularExpression('/^\d{13}$/', $row['expiry_time']);

        $this->flow->calls = [];
        $this->assertSame('AT1', $this->flow->getToken($token));
        $this->assertSame(['findTokenById'], $this->flow->calls);

        // Another process (a new token object holding the id) gets the same token without HTTP.
        $this->flow->calls = [];
        $this->assertSame('AT1', $this->flow->getToken(self::byId('1')));
        $this->assertSame(['findTokenById'], $this->flow->calls);
        $this->assertSame([['authorization_code', 'GT1']], $this->posts);
        $this->assertCount(1, $this->store->getTokens());
    }

    public function testAnExpiredTokenFoundByIdIsRefreshedAndSavedInItsRow(): void
    {
        $this->store->getStore()->save(['client_id' => 'cid', 'client_secret' => 'csec', 'refresh_token' => 'RT1', 'access_token' => 'AT0', 'expiry_time' => '1000']);
        $this->assertSame('AT1', $this->flow->getToken(self::byId('1')));
        $this->assertSame(['findTokenById', 'POST refresh_token', 'saveToken'], $this->flow->calls);
        $this->assertSame([['refresh_token', 'RT1']], $this->posts);
        $rows = $this->store->getStore()->list();
        $this->assertCount(1, $rows);
        $this->assertSame(['1', 'AT1', 'RT1'], [$rows[0]['id'], $rows[0]['access_token'], $rows[0]['refresh_token']]);
        $this->assertGreaterThan(round(microtime(true) * 1000), (float) $rows[0]['expiry_time']);
    }

    public function testARefreshTokenWithAStoredRowIsFoundWithoutHttp(): void
    {
        $this->flow->getToken(self::grantToken());
        $this->flow->calls = [];
        $token = new OAuthToken('cid', 'csec', null, 'RT1', null, null, null, null, false);
        $this->assertSame('AT1', $this->flow->getToken($token));
        $this->assertSame(['findToken'], $this->flow->calls);
        $this->assertSame('1', $token->getId());
        $this->assertCount(1, $this->posts);
    }

    public function testAnAccessTokenAloneIsSavedOnceAndThenFoundById(): void
    {
        $token = new OAuthToken(null, null, null, null, null, null, 'ATX', null, false);
        $this->assertSame('ATX', $this->flow->getToken($token));
        $this->assertSame(['findToken', 'saveToken'], $this->flow->calls);
        $this->assertSame('1', $token->getId());
        $this->flow->calls = [];
        $this->assertSame('ATX', $this->flow->getToken($token));
        $this->assertSame(['findTokenById'], $this->flow->calls); // not saved again on every call
        $this->assertSame([], $this->posts);
    }

    public function testAUserSignatureWithoutATokenRowIsTheSdksError(): void
    {
        $token = new OAuthToken(null, null, null, null, null, null, null, new UserSignature('nobody@example.com:1'), false);
        try {
            $this->flow->getToken($token);
            $this->fail('no SDKException');
        } catch (SDKException $error) {
            $this->assertSame('MANDATORY VALUE ERROR', $error->getErrorCode());
        }
        $this->assertSame(['findToken'], $this->flow->calls);
    }

    public function testAUserSignatureWithARowIsFound(): void
    {
        $this->store->getStore()->save(['user_name' => 'user@example.com:777', 'client_id' => 'cid', 'client_secret' => 'csec', 'refresh_token' => 'RT1', 'access_token' => 'AT0', 'expiry_time' => '99999999999999']);
        $token = new OAuthToken(null, null, null, null, null, null, null, new UserSignature('user@example.com:777'), false);
        $this->assertSame('AT0', $this->flow->getToken($token));
        $this->assertSame(['findToken'], $this->flow->calls);
    }

    public function testAnUnknownIdFailsInFindTokenById(): void
    {
        try {
            $this->flow->getToken(self::byId('9'));
            $this->fail('no SDKException');
        } catch (SDKException $error) {
            $this->assertSame('TOKEN_STORE', $error->getErrorCode());
            $this->assertStringContainsString('ZTS_NOT_FOUND', $error->getMessage());
        }
        $this->assertSame(['findTokenById'], $this->flow->calls);
    }

    public function testRemoveDeletesTheRowAndAnUnknownIdThrows(): void
    {
        $token = self::grantToken();
        $this->flow->getToken($token);
        $this->assertTrue($this->flow->remove($token));
        $this->assertSame([], $this->store->getTokens());
        $this->expectException(SDKException::class);
        $this->flow->remove($token);
    }

    public function testRevokeLooksUpAnIdOnlyTokenAndFindsNothingToRevoke(): void
    {
        $this->flow->getToken(self::grantToken());
        $token = $this->flow->revokeLookup('1');
        $this->assertNull($token->getRefreshToken()); // as the SDK's own stores: revoke finds nothing
        $this->assertSame(['findToken', 'POST authorization_code', 'saveToken', 'findToken'], $this->flow->calls);
    }
}
