<?php

declare(strict_types=1);

namespace Zts;

use FFI;
use FFI\CData;

/**
 * An open zts token store: a SQLite file shared by every Zoho SDK, or ":memory:".
 *
 * The C ABI of include/zts.h in PHP terms: tokens are arrays with the ten keys of TOKEN_FIELDS (values
 * string or null), every call zts refuses throws ZtsException, and a call on a closed store throws
 * \LogicException. The rules (matching, merging, ids) are zts's; this class only converts arguments,
 * calls the library and maps statuses.
 *
 * close() is idempotent; the handle is also closed when the object is destroyed (__destruct), at the
 * latest when PHP exits.
 */
final class Store
{
    /** The ten keys of the token JSON, in the SDK stores' column order. */
    public const TOKEN_FIELDS = [
        'id',
        'user_name',
        'client_id',
        'client_secret',
        'refresh_token',
        'access_token',
        'grant_token',
        'expiry_time',
        'redirect_url',
        'api_domain',
    ];

    // Parameters that carry tokens are #[\SensitiveParameter]: stack traces never show their values.
    private const JSON_OUT = JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR;

    // Above this many bytes a packed token might hold a value over zts's limit: it goes as JSON instead,
    // so that zts refuses it with the JSON call's status and message.
    private const PACKED_FAST_BYTES = 64 * 1024;

    private string $location;
    private ?CData $handle;
    /** The out arguments of every call (`char *`, `size_t`, `char *`), made once: PHP makes one call at a time. */
    private CData $output;
    private CData $outputLength;
    private CData $error;
    /** @var list<CData> FFI::addr() of each, made once too */
    private array $outputs;

    /**
     * Opens (and by default creates) the store at $location. $options are those of zts_open:
     * busy_timeout_ms (int), read_only (bool), create (bool), synchronous ("full" or "normal").
     *
     * @param array<string, mixed> $options
     * @throws ZtsException when zts refuses to open it (ZTS_IO, ZTS_CORRUPT, ZTS_INCOMPATIBLE, ...)
     */
    public function __construct(string $location, array $options = [])
    {
        $this->location = $location;
        $this->handle = null;
        $ffi = Native::ffi();
        $this->output = $ffi->new('char*');
        $this->outputLength = $ffi->new('size_t');
        $this->error = $ffi->new('char*');
        $this->outputs = [FFI::addr($this->output), FFI::addr($this->outputLength), FFI::addr($this->error)];
        $handle = $ffi->new('zts_store*');
        $optionsJson = $options === [] ? null : self::encode($options, 'options');
        $status = $ffi->zts_open(self::cText($location, 'location'), $optionsJson, FFI::addr($handle), $this->outputs[2]);
        if ($status !== Status::OK) {
            throw new ZtsException($status, Native::takeString($this->error) ?? '');
        }
        $this->handle = $handle;
    }

    public function __destruct()
    {
        $this->close();
    }

    /** Closes the store. Calling it again does nothing. */
    public function close(): void
    {
        if ($this->handle !== null) {
            $handle = $this->handle;
            $this->handle = null;
            Native::ffi()->zts_close($handle);
        }
    }

    public function isClosed(): bool
    {
        return $this->handle === null;
    }

    public function getLocation(): string
    {
        return $this->location;
    }

    /** The name zts gives a status, e.g. "ZTS_NOT_FOUND" for 1 ("ZTS_UNKNOWN_STATUS" if undefined). */
    public static function statusName(int $status): string
    {
        return Native::ffi()->zts_status_name($status);
    }

    /** The loaded library's version, "MAJOR.MINOR.PATCH". */
    public static function libraryVersion(): string
    {
        return Native::ffi()->zts_version();
    }

    // JSON text in and out, as the C ABI: for callers that already hold token JSON.

    /** Saves a token given as JSON text; returns the stored token as JSON text. */
    public function saveJson(#[\SensitiveParameter] string $tokenJson): string
    {
        return $this->call('zts_save', [self::cText($tokenJson, 'token_json')]);
    }

    /** Finds the stored token a query (JSON text) matches; returns it as JSON text. */
    public function findJson(#[\SensitiveParameter] string $tokenJson): string
    {
        return $this->call('zts_find', [self::cText($tokenJson, 'token_json')]);
    }

    // Arrays in and out.

    /**
     * Saves a token; returns the stored token with its id (assigned when the token had none).
     *
     * @param array<string, ?string> $token
     * @return array<string, ?string>
     */
    public function save(#[\SensitiveParameter] array $token): array
    {
        return self::decode($this->saveJson(self::encode($token, 'token')));
    }

    /**
     * Returns the stored token that a query token matches by the SDK rules (ZTS_NOT_FOUND if none).
     *
     * @param array<string, ?string> $token
     * @return array<string, ?string>
     */
    public function find(#[\SensitiveParameter] array $token): array
    {
        return self::decode($this->findJson(self::encode($token, 'token')));
    }

    /**
     * Returns the token with this id (ZTS_NOT_FOUND when there is none). A null id is passed as NULL,
     * which zts refuses (ZTS_INVALID_ARGUMENT).
     *
     * @return array<string, ?string>
     */
    public function findById(?string $id): array
    {
        return self::decode($this->call('zts_find_by_id', [self::cText($id, 'id')]));
    }

    /**
     * Every stored token, in numeric id order.
     *
     * @return list<array<string, ?string>>
     */
    public function list(): array
    {
        return self::decode($this->call('zts_list', []));
    }

    // Tokens as lists of their ten values in TOKEN_FIELDS order (null when absent), through zts's packed
    // `_fields` calls (docs/packed-fields.md): no JSON is written or parsed on either side. Refusals are
    // those of the array methods.

    /**
     * save() of a token given as its ten values; returns the stored token's ten values.
     *
     * @param list<?string> $values
     * @return list<?string>
     */
    public function saveValues(#[\SensitiveParameter] array $values): array
    {
        $packed = self::packed($values);
        if ($packed === null) {
            return array_values($this->save(self::asToken($values)));
        }
        return self::unpacked($this->callFields('zts_save_fields', [$packed, strlen($packed)]));
    }

    /**
     * find() of a query given as its ten values; returns the stored token's ten values.
     *
     * @param list<?string> $values
     * @return list<?string>
     */
    public function findValues(#[\SensitiveParameter] array $values): array
    {
        $packed = self::packed($values);
        if ($packed === null) {
            return array_values($this->find(self::asToken($values)));
        }
        return self::unpacked($this->callFields('zts_find_fields', [$packed, strlen($packed)]));
    }

    /**
     * findById(), returning the token's ten values.
     *
     * @return list<?string>
     */
    public function findByIdValues(?string $id): array
    {
        return self::unpacked($this->callFields('zts_find_by_id_fields', [self::cText($id, 'id')]));
    }

    /**
     * Every stored token's ten values one after another in one flat list, in numeric id order.
     *
     * @return list<?string>
     */
    public function listValues(): array
    {
        return self::unpacked($this->listPacked());
    }

    /**
     * Every stored token in the packed form itself (docs/packed-fields.md): ten values each ended by a
     * NUL byte, "" for an absent value, one token after another in numeric id order; "" when there are
     * none. For callers that walk the values once (ZohoTokenStore::getTokens): no list of nulls is made.
     */
    public function listPacked(): string
    {
        return $this->callFields('zts_list_fields', []);
    }

    /** Deletes the token with this id (ZTS_NOT_FOUND when there is none). */
    public function delete(?string $id): void
    {
        $this->call('zts_delete', [self::cText($id, 'id')], false);
    }

    /** Deletes every token. */
    public function purge(): void
    {
        $this->call('zts_purge', [], false);
    }

    public function __debugInfo(): array
    {
        return ['location' => $this->location, 'closed' => $this->isClosed()];
    }

    /** A copy would close the same handle twice. */
    private function __clone()
    {
    }

    private function openHandle(): CData
    {
        if ($this->handle === null) {
            throw new \LogicException(sprintf('the zts store %s is closed', var_export($this->location, true)));
        }
        return $this->handle;
    }

    /** Calls $function(handle, ...$inputs, [&output,] &error); returns the owned output as a PHP string. */
    private function call(string $function, #[\SensitiveParameter] array $inputs, bool $hasOutput = true): ?string
    {
        $handle = $this->openHandle();
        $outs = $hasOutput ? [$this->outputs[0], $this->outputs[2]] : [$this->outputs[2]];
        $status = Native::ffi()->$function($handle, ...$inputs, ...$outs);
        // zts writes the output only on success, and the error only on failure.
        if ($status !== Status::OK) {
            throw new ZtsException($status, Native::takeString($this->error) ?? '');
        }
        return $hasOutput ? Native::takeString($this->output) : null;
    }

    /** Calls a `_fields` $function(handle, ...$inputs, &output, &length, &error); returns the packed output ("" for none). */
    private function callFields(string $function, #[\SensitiveParameter] array $inputs): string
    {
        $handle = $this->openHandle();
        $ffi = Native::ffi();
        $status = $ffi->$function($handle, ...$inputs, ...$this->outputs);
        if ($status !== Status::OK) {
            throw new ZtsException($status, Native::takeString($this->error) ?? '');
        }
        $length = $this->outputLength->cdata;
        if ($length === 0) { // an empty list: NULL
            return '';
        }
        try {
            return FFI::string($this->output, $length);
        } finally {
            $ffi->zts_fields_free($this->output, $length);
        }
    }

    /**
     * The packed form of ten values, or null when one is not a string or null, holds a NUL, or the token
     * is very long: such a token goes as JSON, where zts refuses (or, for an integer expiry_time, reads)
     * it exactly as through save() and find(). Not UTF-8 is refused by zts in both forms.
     */
    private static function packed(#[\SensitiveParameter] array $values): ?string
    {
        if (count($values) !== count(self::TOKEN_FIELDS) || !array_is_list($values)) {
            throw new ZtsException(Status::INVALID_ARGUMENT, sprintf(
                'a token is a list of its ten values (Store::TOKEN_FIELDS), not %d values',
                count($values),
            ));
        }
        foreach ($values as $value) {
            if ($value !== null && !is_string($value)) {
                return null;
            }
        }
        $packed = implode("\0", $values) . "\0";
        return strlen($packed) > self::PACKED_FAST_BYTES || substr_count($packed, "\0") !== count(self::TOKEN_FIELDS) ? null : $packed;
    }

    /** The token array of ten values (absent keys left out). */
    private static function asToken(#[\SensitiveParameter] array $values): array
    {
        return array_filter(array_combine(self::TOKEN_FIELDS, $values), fn ($value) => $value !== null);
    }

    /** The values of packed tokens, one flat list ("" read back as null, as zts means it). */
    private static function unpacked(#[\SensitiveParameter] string $packed): array
    {
        if ($packed === '') {
            return [];
        }
        $values = explode("\0", $packed);
        array_pop($values); // the empty string after the last NUL
        foreach ($values as $i => $value) {
            if ($value === '') {
                $values[$i] = null;
            }
        }
        return $values;
    }

    /** A `const char *` argument; null becomes NULL, which zts refuses by itself. */
    private static function cText(#[\SensitiveParameter] ?string $value, string $what): ?string
    {
        if ($value !== null && str_contains($value, "\0")) {
            // C would silently cut the string at the NUL, so "1\0x" would act as id "1".
            throw new ZtsException(Status::INVALID_ARGUMENT, "$what contains a NUL character");
        }
        return $value;
    }

    private static function encode(#[\SensitiveParameter] array $value, string $what): string
    {
        try {
            // An object even when empty ({}), so zts says what is missing rather than "not an object".
            return json_encode((object) $value, self::JSON_OUT);
        } catch (\JsonException $error) {
            // e.g. a string that is not UTF-8, which zts would refuse as ZTS_INVALID_ARGUMENT too.
            throw new ZtsException(Status::INVALID_ARGUMENT, "$what cannot be encoded as JSON: " . $error->getMessage());
        }
    }

    private static function decode(#[\SensitiveParameter] string $json): array
    {
        return json_decode($json, true, 512, JSON_THROW_ON_ERROR);
    }
}
