<?php

declare(strict_types=1);

namespace Zts\Tests;

use com\zoho\api\authenticator\OAuthToken;
use com\zoho\api\authenticator\store\TokenStore;
use com\zoho\api\authenticator\Token;
use com\zoho\crm\api\exception\SDKException;

/**
 * What the PHP SDK's OAuthToken::getToken() does with its TokenStore, replayed step by step from the
 * contract (docs/sdk-contract.md §3), with findUser off and the accounts server replaced by a closure
 * ($accounts($grantType, $token): the response array). The real SDK cannot be installed here; this keeps
 * its call sequence (find -> save -> findById) honest against the store.
 */
final class SdkFlow
{
    public const ENVIRONMENT_URL = 'http://127.0.0.1:18081';

    /** Every store method the flow called, in order. */
    public array $calls = [];

    public function __construct(private TokenStore $store, private \Closure $accounts)
    {
    }

    /** §3 steps 1-6; returns the access token. */
    public function getToken(OAuthToken $self): ?string
    {
        // 1. Look the token up: by id (merging the stored values into self), else by its fields.
        if ($self->getId() != null) {
            $token = $this->call('findTokenById', $self->getId());
            self::mergeInto($self, $token);
        } else {
            $token = $this->call('findToken', $self);
        }
        // 2. Nothing found.
        if ($token == null) {
            if ($self->getUserSignature() != null && $self->getGrantToken() == null && $self->getRefreshToken() == null) {
                throw new SDKException('MANDATORY VALUE ERROR', 'Given user_name token details not found');
            }
            $token = $self;
        }
        // 3. The environment (a local one: the api_domain is never a Zoho data center here).
        if ($token->getAPIDomain() == null) {
            $token->setAPIDomain(self::ENVIRONMENT_URL);
        }
        // 4. Decide: exchange or refresh, or save a plain access token, or use the stored one.
        $save = false;
        if ($token->getAccessToken() == null) {
            $this->exchange($token->getRefreshToken() != null ? 'refresh_token' : 'authorization_code', $token);
            $save = true;
        } elseif ($token->getExpiresIn() != null && ((float) $token->getExpiresIn()) - self::nowMillis() < 5000) {
            $this->exchange('refresh_token', $token);
            $save = true;
        } elseif ($token->getExpiresIn() == null && $token->getAccessToken() != null && $token->getId() == null) {
            $save = true;
        }
        // 5. Save; the PHP SDK rethrows a failed save.
        if ($save) {
            try {
                $this->call('saveToken', $token);
            } catch (\Exception $error) {
                throw new SDKException('SAVE_TOKEN_ERROR', $error->getMessage(), null, $error);
            }
        }
        // 6.
        return $token->getAccessToken();
    }

    /** OAuthToken::remove(). */
    public function remove(OAuthToken $self): bool
    {
        $this->call('deleteToken', $self->getId());
        return true;
    }

    /** OAuthToken::revoke($id) up to the HTTP call: a blank token holding the id, given to findToken. */
    public function revokeLookup(string $id): OAuthToken
    {
        $token = (new \ReflectionClass(OAuthToken::class))->newInstanceWithoutConstructor();
        $token->setId($id);
        $this->call('findToken', $token); // the SDK ignores what it returns
        return $token;
    }

    private function call(string $method, mixed $argument): mixed
    {
        $this->calls[] = $method;
        return $this->store->$method($argument);
    }

    /** As the SDK's processResponse: access token, expiry (a float, as the PHP SDK computes it), refresh token, api_domain. */
    private function exchange(string $grantType, OAuthToken $token): void
    {
        $this->calls[] = "POST $grantType";
        $response = ($this->accounts)($grantType, $token);
        $token->setAccessToken($response['access_token']);
        $token->setExpiresIn(round(microtime(true) * 1000) + $response['expires_in'] * 1000);
        if (isset($response['refresh_token'])) {
            $token->setRefreshToken($response['refresh_token']);
        }
        if (isset($response['api_domain'])) {
            $token->setAPIDomain($response['api_domain']);
        }
    }

    /** As the SDK's mergeObjects: self keeps its non-null fields and takes the others from $stored. */
    private static function mergeInto(OAuthToken $self, Token $stored): void
    {
        $class = new \ReflectionClass(OAuthToken::class);
        foreach (['clientID', 'clientSecret', 'refreshToken', 'redirectURL', 'grantToken', 'accessToken', 'expiresIn', 'userSignature', 'id'] as $name) {
            $field = $class->getProperty($name);
            $field->setAccessible(true);
            if ($field->getValue($self) == null) {
                $field->setValue($self, $field->getValue($stored));
            }
        }
    }

    private static function nowMillis(): float
    {
        return round(microtime(true) * 1000);
    }
}
