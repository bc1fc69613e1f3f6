<?php

declare(strict_types=1);

namespace Zts;

use com\zoho\api\authenticator\OAuthToken;
use com\zoho\api\authenticator\store\TokenStore;
use com\zoho\api\authenticator\Token;
use com\zoho\crm\api\exception\SDKException;
use com\zoho\crm\api\UserSignature;

/**
 * The TokenStore of the Zoho CRM PHP SDK (zohocrm/php-sdk-8.0) over a zts store file (or ":memory:").
 *
 *     (new InitializeBuilder())->environment($env)->token($token)
 *         ->store(new ZohoTokenStore('/var/lib/app/tokens.db'))->initialize();
 *
 * Only the mapping between the SDK's OAuthToken objects and zts token arrays is done here; matching,
 * merging and ids are zts's (the SDK FileStore rules, see the repository README). Every failure throws
 * the SDK's SDKException with code "TOKEN_STORE"; its getCause() is the Store layer's exception (a
 * ZtsException with the status, status name and zts message). Tokens that are not OAuthToken are
 * ignored, as by the SDK's own stores. Needs the SDK: autoloading this class loads its TokenStore.
 */
final class ZohoTokenStore implements TokenStore
{
    /** The SDK's Constants::TOKEN_STORE, the code of every store error. */
    public const ERROR_CODE = 'TOKEN_STORE';

    /** A query with nothing in it. */
    private const NOTHING = [null, null, null, null, null, null, null, null, null, null];

    private Store $store;

    /**
     * @param array<string, mixed> $options the options of Store (zts_open)
     * @throws SDKException when the store cannot be opened
     */
    public function __construct(string $location, array $options = [])
    {
        try {
            $this->store = new Store($location, $options);
        } catch (\Exception $error) {
            throw self::sdkError('open', $error);
        }
    }

    /** The underlying Store (arrays instead of OAuthToken objects). */
    public function getStore(): Store
    {
        return $this->store;
    }

    public function close(): void
    {
        $this->store->close();
    }

    /**
     * Fills the empty fields of $token from the stored token it matches and returns $token, or returns
     * null when nothing matches.
     */
    public function findToken(Token $token)
    {
        if (!$token instanceof OAuthToken) {
            return $token;
        }
        try {
            $query = self::toZts($token);
            // The SDK stores never match on the id here: the SDK's revoke() passes a token holding only
            // an id and gets nothing back. Without its id such a token has nothing to match: no query.
            $query[0] = null;
            if ($query === self::NOTHING) {
                return null;
            }
            $stored = $this->store->findValues($query);
        } catch (ZtsException $error) {
            if ($error->getStatus() === Status::NOT_FOUND || $error->getStatus() === Status::INVALID_TOKEN) {
                return null;
            }
            throw self::sdkError('findToken', $error);
        } catch (\Exception $error) {
            throw self::sdkError('findToken', $error);
        }
        self::fillEmptyFields($token, $stored);
        return $token;
    }

    /** A new OAuthToken holding the token with this id; SDKException when there is none. */
    public function findTokenById($id)
    {
        try {
            $stored = $this->store->findByIdValues(self::text($id, 'id'));
        } catch (\Exception $error) {
            throw self::sdkError('findTokenById', $error);
        }
        return self::newOAuthTokens($stored)[0];
    }

    /**
     * Saves $token, then fills its empty fields from the stored row: this writes the assigned id back
     * into it, so the SDK finds it by id next time.
     */
    public function saveToken(Token $token)
    {
        if (!$token instanceof OAuthToken) {
            return;
        }
        try {
            $stored = $this->store->saveValues(self::toZts($token));
        } catch (\Exception $error) {
            throw self::sdkError('saveToken', $error);
        }
        self::fillEmptyFields($token, $stored);
    }

    /** Deletes the token with this id; SDKException when there is none (as the SDK FileStore). */
    public function deleteToken($id)
    {
        try {
            $this->store->delete(self::text($id, 'id'));
        } catch (\Exception $error) {
            throw self::sdkError('deleteToken', $error);
        }
    }

    /**
     * Every stored token as a new OAuthToken, in numeric id order.
     *
     * @return list<OAuthToken>
     */
    public function getTokens()
    {
        try {
            $stored = $this->store->listPacked();
        } catch (\Exception $error) {
            throw self::sdkError('getTokens', $error);
        }
        if ($stored === '') {
            return [];
        }
        $values = explode("\0", $stored);
        array_pop($values); // the empty string after the last NUL
        return self::newOAuthTokens($values);
    }

    /** Deletes every token. */
    public function deleteTokens()
    {
        try {
            $this->store->purge();
        } catch (\Exception $error) {
            throw self::sdkError('deleteTokens', $error);
        }
    }

    public function __debugInfo(): array
    {
        return ['location' => $this->store->getLocation(), 'closed' => $this->store->isClosed()];
    }

    /** The ten zts values of an OAuthToken, in Store::TOKEN_FIELDS order (null where it has none). */
    private static function toZts(OAuthToken $token): array
    {
        // Literal calls: several times cheaper than calling the accessors by name.
        $signature = $token->getUserSignature();
        $values = [
            $token->getId(), $signature?->getName(), $token->getClientId(), $token->getClientSecret(),
            $token->getRefreshToken(), $token->getAccessToken(), $token->getGrantToken(), $token->getExpiresIn(),
            $token->getRedirectURL(), $token->getAPIDomain(),
        ];
        foreach ($values as $i => $value) {
            if ($value !== null && !is_string($value)) {
                $values[$i] = self::text($value, Store::TOKEN_FIELDS[$i]);
            }
        }
        return $values;
    }

    /**
     * A value as zts text. The PHP SDK keeps its expiry time as a float (round(microtime(true) * 1000)
     * + ms), and a user may set an integer id: whole numbers become decimal strings. Anything else
     * that is not a string is passed on as PHP prints it, for zts to judge.
     */
    private static function text(#[\SensitiveParameter] mixed $value, string $key): ?string
    {
        if ($value === null || is_string($value)) {
            return $value;
        }
        if (is_int($value)) {
            return (string) $value;
        }
        if (is_float($value)) {
            $whole = is_finite($value) && floor($value) === $value && abs($value) < 2 ** 53;
            return $whole ? sprintf('%.0f', $value) : (string) $value;
        }
        throw new \InvalidArgumentException(sprintf('the token\'s %s is a %s, not a string', $key, get_debug_type($value)));
    }

    /**
     * Sets the empty (null or "") fields of $token from a stored token's ten values, as the SDK stores'
     * setMergeData (which tests `== null`).
     */
    private static function fillEmptyFields(OAuthToken $token, #[\SensitiveParameter] array $stored): void
    {
        [$id, $userName, $clientId, $clientSecret, $refresh, $access, $grant, $expiry, $redirect, $domain] = $stored;
        if ($id !== null && ($token->getId() === null || $token->getId() === '')) {
            $token->setId($id);
        }
        if ($userName !== null && $token->getUserSignature() === null) {
            $token->setUserSignature(new UserSignature($userName));
        }
        if ($clientId !== null && ($token->getClientId() === null || $token->getClientId() === '')) {
            $token->setClientId($clientId);
        }
        if ($clientSecret !== null && ($token->getClientSecret() === null || $token->getClientSecret() === '')) {
            $token->setClientSecret($clientSecret);
        }
        if ($refresh !== null && ($token->getRefreshToken() === null || $token->getRefreshToken() === '')) {
            $token->setRefreshToken($refresh);
        }
        if ($access !== null && ($token->getAccessToken() === null || $token->getAccessToken() === '')) {
            $token->setAccessToken($access);
        }
        if ($grant !== null && ($token->getGrantToken() === null || $token->getGrantToken() === '')) {
            $token->setGrantToken($grant);
        }
        if ($expiry !== null && ($token->getExpiresIn() === null || $token->getExpiresIn() === '')) {
            $token->setExpiresIn($expiry);
        }
        if ($redirect !== null && ($token->getRedirectURL() === null || $token->getRedirectURL() === '')) {
            $token->setRedirectURL($redirect);
        }
        if ($domain !== null && ($token->getAPIDomain() === null || $token->getAPIDomain() === '')) {
            $token->setAPIDomain($domain);
        }
    }

    /**
     * New OAuthTokens from stored tokens' ten values one after another (null or "" where absent), built
     * as the SDK's stores build one: without the constructor (as clones of one blank token made so,
     * which is cheaper than reflection for each). The setters are called literally (cheaper than by
     * name), only for the values a token has.
     *
     * @return list<OAuthToken>
     */
    private static function newOAuthTokens(#[\SensitiveParameter] array $values): array
    {
        static $blank = null;
        $blank ??= (new \ReflectionClass(OAuthToken::class))->newInstanceWithoutConstructor();
        $tokens = [];
        for ($i = 0, $count = count($values); $i < $count; $i += 10) {
            $token = clone $blank;
            if (($values[$i] ?? '') !== '') {
                $token->setId($values[$i]);
            }
            if (($values[$i + 1] ?? '') !== '') {
                $token->setUserSignature(new UserSignature($values[$i + 1]));
            }
            if (($values[$i + 2] ?? '') !== '') {
                $token->setClientId($values[$i + 2]);
            }
            if (($values[$i + 3] ?? '') !== '') {
                $token->setClientSecret($values[$i + 3]);
            }
            if (($values[$i + 4] ?? '') !== '') {
                $token->setRefreshToken($values[$i + 4]);
            }
            if (($values[$i + 5] ?? '') !== '') {
                $token->setAccessToken($values[$i + 5]);
            }
            if (($values[$i + 6] ?? '') !== '') {
                $token->setGrantToken($values[$i + 6]);
            }
            if (($values[$i + 7] ?? '') !== '') {
                $token->setExpiresIn($values[$i + 7]);
            }
            if (($values[$i + 8] ?? '') !== '') {
                $token->setRedirectURL($values[$i + 8]);
            }
            if (($values[$i + 9] ?? '') !== '') {
                $token->setAPIDomain($values[$i + 9]);
            }
            $tokens[] = $token;
        }
        return $tokens;
    }

    private static function sdkError(string $operation, \Exception $cause): SDKException
    {
        // e.g. 'zts findTokenById failed: ZTS_NOT_FOUND: no token has id "7"'.
        return new SDKException(self::ERROR_CODE, "zts $operation failed: " . $cause->getMessage(), null, $cause);
    }
}
