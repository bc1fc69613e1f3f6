<?php

/**
 * Benchmark: every SDK store call through ZohoTokenStore, next to the SDK's FileStore and a careful
 * pure-PHP SQLite store (PDO SQLite), in one run.
 *
 *   ZOHO_PHP_SDK=/path/to/zohocrm-php-sdk-8.0/src php bindings/php/bench.php [--dir DIR] [--sizes 10,1000,10000] [--rounds 3]
 *
 * (after bindings/php/run_tests.sh). ZOHO_PHP_SDK is the `src` folder of the Zoho CRM PHP SDK 8.0
 * (zohocrm/php-sdk-8.0, e.g. a clone of github.com/zoho/zohocrm-php-sdk-8.0 at tag 5.0.0): its classes
 * are loaded from there by the SDK's own PSR-4 mapping (every namespace under src/), so FileStore,
 * OAuthToken and UserSignature are the real SDK's. Without it, a Composer install of the SDK next to
 * this file (vendor/autoload.php) is used. Before timing, the three stores must give the same tokens. The baseline needs PDO SQLite (Debian: php-sqlite3),
 * which the binding itself does not. The three stores hold the same N tokens (user tokens with a
 * UserSignature, as the SDK saves them with findUser on):
 * - zts: ZohoTokenStore with its defaults (synchronous "auto": a refresh is saved without an fsync);
 * - sqlite: CarefulSqliteStore below, what a careful PHP developer writes on PDO SQLite: one indexed row
 *   per token (the SDK DBStore's oauthtoken columns), bound parameters, prepared statements kept, WAL,
 *   BEGIN IMMEDIATE around each save, the SDK FileStore's rules, zts's durability (a refresh not synced,
 *   every other change synced), the SDK's OAuthToken objects in and out;
 * - FileStore: the SDK's own CSV store.
 * Calls: findToken (a new token with the UserSignature of a random stored user), findTokenById (a random
 * id), saveToken (a token found by id with a new access token and expiry, as the SDK saves a refresh),
 * deleteToken (of a token saved just before, untimed), getTokens. Each cell is the median of single
 * calls; the stores take turns in --rounds rounds. Prints a Markdown table with the targets: zts faster
 * than the FileStore and within 1.5x of the sqlite store.
 */

declare(strict_types=1);

use com\zoho\api\authenticator\OAuthBuilder;
use com\zoho\api\authenticator\OAuthToken;
use com\zoho\api\authenticator\store\FileStore;
use com\zoho\api\authenticator\store\TokenStore;
use com\zoho\api\authenticator\Token;
use com\zoho\crm\api\exception\SDKException;
use com\zoho\crm\api\UserSignature;
use com\zoho\crm\api\util\Constants;
use Zts\Store;
use Zts\ZohoTokenStore;

require __DIR__ . '/autoload.php';

const SDK_ENV = 'ZOHO_PHP_SDK';

/**
 * Loads the real SDK from $ZOHO_PHP_SDK (its src folder), else from a Composer install next to this
 * file (vendor/autoload.php with zohocrm/php-sdk-8.0), or exits saying what to set; returns the folder.
 */
function load_sdk(): string
{
    $sdk = getenv(SDK_ENV);
    $hint = sprintf(
        "bench.php: the baseline needs the real Zoho CRM PHP SDK 8.0 (zohocrm/php-sdk-8.0). Set %s to its src "
        . "folder, e.g.\n  git clone --depth 1 --branch 5.0.0 https://github.com/zoho/zohocrm-php-sdk-8.0 /tmp/zoho-php-sdk\n"
        . "  %s=/tmp/zoho-php-sdk/src php bindings/php/bench.php\n",
        SDK_ENV,
        SDK_ENV,
    );
    $store = 'com/zoho/api/authenticator/store/FileStore.php';
    if (is_string($sdk) && $sdk !== '') {
        if (!is_file("$sdk/$store")) {
            fwrite(STDERR, "bench.php: $sdk has no $store.\n$hint");
            exit(2);
        }
        $sdk = realpath($sdk);
        // The SDK's composer.json maps the root namespace to src/ (PSR-4 "" => "src/").
        spl_autoload_register(static function (string $class) use ($sdk): void {
            $file = "$sdk/" . str_replace('\\', '/', $class) . '.php';
            if (is_file($file)) {
                require $file;
            }
        });
    } elseif (is_file(__DIR__ . '/vendor/autoload.php')) {
        require __DIR__ . '/vendor/autoload.php';
        $found = class_exists(FileStore::class) ? (new ReflectionClass(FileStore::class))->getFileName() : '';
        if (!str_ends_with($found, "/$store")) {
            fwrite(STDERR, 'bench.php: ' . __DIR__ . "/vendor/autoload.php does not load the SDK's FileStore.\n$hint");
            exit(2);
        }
        $sdk = substr($found, 0, -strlen("/$store"));
    } else {
        fwrite(STDERR, $hint);
        exit(2);
    }
    foreach ([OAuthToken::class, UserSignature::class, FileStore::class, SDKException::class] as $class) {
        $file = class_exists($class) ? (new ReflectionClass($class))->getFileName() : '';
        if (!str_starts_with($file, "$sdk/")) {
            fwrite(STDERR, "bench.php: $class was not loaded from $sdk (from " . ($file ?: 'nowhere') . ").\n" . $hint);
            exit(2);
        }
    }
    if (!in_array('sqlite', PDO::getAvailableDrivers(), true)) {
        fwrite(STDERR, "bench.php: the baseline needs PHP's PDO SQLite driver (Debian: apt-get install php-sqlite3).\n");
        exit(2);
    }
    return $sdk;
}

// Before the classes below, which implement the SDK's TokenStore.
load_sdk();

/** The baseline (see the top of this file). */
final class CarefulSqliteStore implements TokenStore
{
    public const COLUMNS = Store::TOKEN_FIELDS; // the SDK DBStore's oauthtoken columns, in its order

    private PDO $db;
    /** @var array<string, PDOStatement> */
    private array $byColumn = [];
    private PDOStatement $insert;
    private PDOStatement $update;
    private PDOStatement $largestId;
    private PDOStatement $delete;
    private PDOStatement $list;
    private ?string $synchronous = null;

    public function __construct(string $path)
    {
        $this->db = new PDO("sqlite:$path", null, null, [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
        $this->db->exec('PRAGMA journal_mode = WAL');
        $this->db->exec('PRAGMA busy_timeout = 5000');
        $this->setSynchronous('FULL');
        $columns = implode(', ', self::COLUMNS);
        $this->db->exec('CREATE TABLE IF NOT EXISTS oauthtoken (' . implode(', ', array_map(fn ($c) => "$c TEXT", self::COLUMNS)) . ')');
        $this->db->exec('CREATE UNIQUE INDEX IF NOT EXISTS oauthtoken_id ON oauthtoken (id)');
        foreach (['user_name', 'access_token', 'grant_token', 'refresh_token'] as $column) {
            $this->db->exec("CREATE INDEX IF NOT EXISTS oauthtoken_$column ON oauthtoken ($column)");
        }
        foreach (['id', 'user_name', 'access_token', 'grant_token', 'refresh_token'] as $column) {
            $this->byColumn[$column] = $this->db->prepare("SELECT $columns FROM oauthtoken WHERE $column = ? LIMIT 1");
        }
        $placeholders = implode(', ', array_fill(0, count(self::COLUMNS), '?'));
        $this->insert = $this->db->prepare("INSERT INTO oauthtoken ($columns) VALUES ($placeholders)");
        $this->update = $this->db->prepare('UPDATE oauthtoken SET ' . implode(', ', array_map(fn ($c) => "$c = ?", self::COLUMNS)) . ' WHERE id = ?');
        $this->largestId = $this->db->prepare('SELECT max(CAST(id AS INTEGER)) FROM oauthtoken');
        $this->delete = $this->db->prepare('DELETE FROM oauthtoken WHERE id = ?');
        $this->list = $this->db->prepare("SELECT $columns FROM oauthtoken ORDER BY CAST(id AS INTEGER)");
    }

    public function close(): void
    {
        unset($this->byColumn, $this->insert, $this->update, $this->largestId, $this->delete, $this->list, $this->db);
    }

    /** Its ten column values (null where absent; "" is absent, as in the SDK FileStore). */
    private static function rowOf(OAuthToken $token): array
    {
        $signature = $token->getUserSignature();
        $row = [
            $token->getId(), $signature !== null ? $signature->getName() : null, $token->getClientId(),
            $token->getClientSecret(), $token->getRefreshToken(), $token->getAccessToken(),
            $token->getGrantToken(), $token->getExpiresIn(), $token->getRedirectURL(), $token->getAPIDomain(),
        ];
        foreach ($row as $i => $value) {
            // The SDK keeps its expiry time as a float: a whole number is stored as its decimal string.
            $row[$i] = $value === null || $value === '' ? null : (is_float($value) ? sprintf('%.0f', $value) : (string) $value);
        }
        return $row;
    }

    /** The SDK FileStore's setMergeData: fills the token's empty fields from a stored row. */
    private static function fill(OAuthToken $token, array $row): void
    {
        [$id, $userName, $clientId, $clientSecret, $refresh, $access, $grant, $expiry, $redirect, $domain] = $row;
        if ($token->getId() == null) $token->setId($id);
        if ($token->getUserSignature() == null && $userName !== null) $token->setUserSignature(new UserSignature($userName));
        if ($token->getClientId() == null) $token->setClientId($clientId);
        if ($token->getClientSecret() == null) $token->setClientSecret($clientSecret);
        if ($token->getRefreshToken() == null) $token->setRefreshToken($refresh);
        if ($token->getAccessToken() == null) $token->setAccessToken($access);
        if ($token->getGrantToken() == null) $token->setGrantToken($grant);
        if ($token->getExpiresIn() == null) $token->setExpiresIn($expiry);
        if ($token->getRedirectURL() == null) $token->setRedirectURL($redirect);
        if ($token->getAPIDomain() == null) $token->setAPIDomain($domain);
    }

    private static function newToken(array $row): OAuthToken
    {
        $token = (new ReflectionClass(OAuthToken::class))->newInstanceWithoutConstructor();
        self::fill($token, $row);
        return $token;
    }

    /** The row whose $column is $value, or null. */
    private function rowBy(string $column, string $value): ?array
    {
        $statement = $this->byColumn[$column];
        $statement->execute([$value]);
        $row = $statement->fetch(PDO::FETCH_NUM);
        $statement->closeCursor(); // ends the read: no snapshot is held between calls
        return $row === false ? null : $row;
    }

    /** The SDK FileStore's checkCondition, on the indexes. */
    private function matchRow(array $row): ?array
    {
        [, $userName, $clientId, $clientSecret, $refresh, $access, $grant] = $row;
        if ($userName !== null) {
            return $this->rowBy('user_name', $userName);
        }
        if ($access !== null && $clientId === null && $clientSecret === null) {
            return $this->rowBy('access_token', $access);
        }
        if ($clientId !== null && $clientSecret !== null) {
            return ($grant !== null ? $this->rowBy('grant_token', $grant) : null)
                ?? ($refresh !== null ? $this->rowBy('refresh_token', $refresh) : null);
        }
        return null;
    }

    private function setSynchronous(string $level): void
    {
        if ($this->synchronous !== $level) {
            $this->db->exec("PRAGMA synchronous = $level");
            $this->synchronous = $level;
        }
    }

    public function findToken(Token $token)
    {
        if (!$token instanceof OAuthToken) {
            return $token;
        }
        $found = $this->matchRow(self::rowOf($token));
        if ($found === null) {
            return null;
        }
        self::fill($token, $found);
        return $token;
    }

    public function findTokenById($id)
    {
        $found = $this->rowBy('id', (string) $id);
        if ($found === null) {
            throw new SDKException(Constants::TOKEN_STORE, 'no token has this id');
        }
        return self::newToken($found);
    }

    public function saveToken(Token $token)
    {
        if (!$token instanceof OAuthToken) {
            return;
        }
        $row = self::rowOf($token);
        // A refresh (a save by id) is not synced; anything else is.
        $this->setSynchronous($row[0] !== null ? 'NORMAL' : 'FULL');
        $this->db->exec('BEGIN IMMEDIATE');
        try {
            $found = $row[0] !== null ? $this->rowBy('id', $row[0]) : $this->matchRow($row);
            if ($found !== null) {
                $merged = [];
                foreach ($row as $i => $value) {
                    $merged[] = $value ?? $found[$i];
                }
                $merged[0] = $found[0];
                $merged[] = $found[0];
                $this->update->execute($merged);
                $row[0] = $found[0];
            } else {
                if ($row[0] === null) {
                    $this->largestId->execute();
                    $row[0] = (string) (((int) $this->largestId->fetchColumn()) + 1);
                    $this->largestId->closeCursor();
                }
                $this->insert->execute($row);
            }
            $this->db->exec('COMMIT');
        } catch (Throwable $error) {
            $this->db->exec('ROLLBACK');
            throw $error;
        }
        $token->setId($row[0]);
    }

    public function deleteToken($id)
    {
        $this->setSynchronous('FULL');
        $this->delete->execute([(string) $id]);
        if ($this->delete->rowCount() === 0) {
            throw new SDKException(Constants::TOKEN_STORE, 'no token has this id');
        }
    }

    public function getTokens()
    {
        $this->list->execute();
        $rows = $this->list->fetchAll(PDO::FETCH_NUM);
        return array_map(self::newToken(...), $rows);
    }

    public function deleteTokens()
    {
        $this->setSynchronous('FULL');
        $this->db->exec('DELETE FROM oauthtoken');
    }
}

/** A seeded generator of integers in [1, max], so every run picks the same tokens. */
final class RandomInts
{
    private Random\Randomizer $randomizer;

    public function __construct(int $seed)
    {
        $this->randomizer = new Random\Randomizer(new Random\Engine\Mt19937($seed));
    }

    public function next(int $max): int
    {
        return $this->randomizer->getInt(1, $max);
    }
}

/** The ten values of stored token $n, as Store::TOKEN_FIELDS. */
function stored_token(int $n, string $expiry): array
{
    return [
        'id' => (string) $n,
        'user_name' => "user$n@example.com:" . (700000 + $n),
        'client_id' => '1000.CLIENTID' . str_pad((string) $n, 26, '0', STR_PAD_LEFT),
        'client_secret' => str_pad((string) $n, 42, '0', STR_PAD_LEFT),
        'refresh_token' => sprintf('1000.%032x.%032x', $n, $n),
        'access_token' => sprintf('1000.%032x.%032x', $n + 1, $n),
        'grant_token' => null,
        'expiry_time' => $expiry,
        'redirect_url' => 'https://example.com/callback',
        'api_domain' => 'https://www.zohoapis.com',
    ];
}

function user_name(int $n): string
{
    return stored_token($n, '')['user_name'];
}

/** The SDK's expiry time: round(microtime(true) * 1000) + ms, a float. */
function sdk_expiry(): float
{
    return round(microtime(true) * 1000) + 3_600_000;
}

/** The same $size tokens in a zts file, a SQLite file and a FileStore CSV; returns their paths. */
function populate(string $directory, int $size): array
{
    $expiry = sprintf('%.0f', sdk_expiry());
    $ztsPath = "$directory/tokens-$size.db";
    $store = new Store($ztsPath, ['synchronous' => 'normal']);
    for ($n = 1; $n <= $size; $n++) {
        $store->save(stored_token($n, $expiry));
    }
    $store->close();
    $sqlitePath = "$directory/tokens-$size.sqlite";
    (new CarefulSqliteStore($sqlitePath))->close();
    $db = new PDO("sqlite:$sqlitePath", null, null, [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
    $insert = $db->prepare('INSERT INTO oauthtoken VALUES (' . implode(', ', array_fill(0, 10, '?')) . ')');
    $db->beginTransaction();
    for ($n = 1; $n <= $size; $n++) {
        $insert->execute(array_values(stored_token($n, $expiry)));
    }
    $db->commit();
    unset($insert, $db);
    $csvPath = "$directory/tokens-$size.csv";
    new FileStore($csvPath); // writes the SDK's header
    // Rows as the PHP FileStore writes them (implode(",", ...), PHP_EOL between rows, no quoting); saving
    // 10,000 one by one through FileStore would take minutes.
    $rows = [];
    for ($n = 1; $n <= $size; $n++) {
        $rows[] = implode(',', array_map(fn ($value) => $value ?? '', stored_token($n, $expiry)));
    }
    file_put_contents($csvPath, PHP_EOL . implode(PHP_EOL, $rows), FILE_APPEND);
    return [$ztsPath, $sqlitePath, $csvPath];
}

/** A token's ten values, as the SDK's getters give them. */
function fields(OAuthToken $token): array
{
    return [
        $token->getId(), $token->getUserSignature()?->getName(), $token->getClientId(), $token->getClientSecret(),
        $token->getRefreshToken(), $token->getAccessToken(), $token->getGrantToken(), $token->getExpiresIn(),
        $token->getRedirectURL(), $token->getAPIDomain(),
    ];
}

/**
 * Stops unless the three stores give the same SDK tokens: a FileStore reading what zts gave out (the
 * SDK's own objects go through all three).
 */
function check_same_tokens(array $stores, string $directory): void
{
    $tokens = array_map(fn (TokenStore $store) => array_map('fields', $store->getTokens()), $stores);
    $copy = new FileStore("$directory/copy.csv");
    foreach ($stores['zts']->getTokens() as $token) {
        $copy->saveToken($token);
    }
    $tokens['FileStore copy of zts'] = array_map('fields', $copy->getTokens());
    unlink("$directory/copy.csv");
    foreach ($tokens as $kind => $list) {
        if ($list !== $tokens['FileStore']) {
            throw new RuntimeException("$kind does not hold the FileStore's tokens");
        }
    }
}

/** The duration of one call, in seconds; the token objects are built outside the timing. */
function sample(string $call, TokenStore $store, int $size, RandomInts $random, int &$newUsers): float
{
    $n = $random->next($size);
    switch ($call) {
        case 'findToken':
            $token = (new OAuthBuilder())->userSignature(new UserSignature(user_name($n)))->build();
            $started = hrtime(true);
            $result = $store->findToken($token);
            $elapsed = (hrtime(true) - $started) / 1e9;
            if ($result !== $token || $token->getId() !== (string) $n) {
                throw new RuntimeException("findToken: wrong token for user $n");
            }
            return $elapsed;
        case 'findTokenById':
            $started = hrtime(true);
            $result = $store->findTokenById((string) $n);
            $elapsed = (hrtime(true) - $started) / 1e9;
            if ($result->getUserSignature()->getName() !== user_name($n)) {
                throw new RuntimeException("findTokenById: wrong token $n");
            }
            return $elapsed;
        case 'saveToken':
            $token = $store->findTokenById((string) $n);
            $token->setAccessToken('1000.refreshed.' . $random->next(1_000_000_000));
            $token->setExpiresIn(sdk_expiry());
            $started = hrtime(true);
            $store->saveToken($token);
            return (hrtime(true) - $started) / 1e9;
        case 'deleteToken':
            $newUsers++;
            $token = (new OAuthBuilder())->clientId('1000.NEW')->clientSecret('s')->refreshToken("1000.new.$newUsers")
                ->userSignature(new UserSignature("new$newUsers@example.com:1"))->build();
            $token->setAccessToken('1000.a');
            $store->saveToken($token);
            $started = hrtime(true);
            $store->deleteToken($token->getId());
            return (hrtime(true) - $started) / 1e9;
        default:
            $started = hrtime(true);
            $result = $store->getTokens();
            $elapsed = (hrtime(true) - $started) / 1e9;
            if (count($result) !== $size) {
                throw new RuntimeException('getTokens: ' . count($result) . " tokens, not $size");
            }
            return $elapsed;
    }
}

const CALLS = ['findToken', 'findTokenById', 'saveToken', 'deleteToken', 'getTokens'];
// Calls per round: fewer where a call costs milliseconds (FileStore reads or rewrites the whole file).
const FAST_ITERATIONS = ['findToken' => 1000, 'findTokenById' => 1000, 'saveToken' => 200, 'deleteToken' => 100];
const FILESTORE_ITERATIONS = [10 => 100, 1000 => 20, 10000 => 4];

function iterations(string $call, string $kind, int $size): int
{
    $fileStore = FILESTORE_ITERATIONS[$size] ?? max(2, intdiv(40_000, $size));
    if ($call === 'getTokens') {
        return $kind === 'FileStore' ? max(3, $fileStore >> 2) : max(3, min(1000, intdiv(20_000, $size)));
    }
    return $kind === 'FileStore' ? $fileStore : FAST_ITERATIONS[$call];
}

function median(array $values): float
{
    sort($values);
    $middle = count($values) >> 1;
    return count($values) % 2 ? $values[$middle] : ($values[$middle - 1] + $values[$middle]) / 2;
}

function format_duration(float $seconds): string
{
    return $seconds < 1e-3 ? sprintf('%.1f µs', $seconds * 1e6) : sprintf('%.2f ms', $seconds * 1e3);
}

function remove_tree(string $path): void
{
    foreach (glob("$path/*") ?: [] as $file) {
        unlink($file);
    }
    @rmdir($path);
}

function main(array $argv): int
{
    $options = getopt('', ['dir:', 'sizes:', 'rounds:']);
    $sizes = array_map('intval', explode(',', $options['sizes'] ?? '10,1000,10000'));
    $rounds = (int) ($options['rounds'] ?? 3);
    $directory = rtrim($options['dir'] ?? sys_get_temp_dir(), '/') . '/zts-bench-' . bin2hex(random_bytes(4));
    mkdir($directory, 0700);
    $random = new RandomInts(7);
    $newUsers = 0;
    $rows = [];
    try {
        foreach ($sizes as $size) {
            [$ztsPath, $sqlitePath, $csvPath] = populate($directory, $size);
            $stores = [
                'zts' => new ZohoTokenStore($ztsPath),
                'sqlite' => new CarefulSqliteStore($sqlitePath),
                'FileStore' => new FileStore($csvPath),
            ];
            if ($size === $sizes[0]) {
                check_same_tokens($stores, $directory);
                foreach ($stores as $store) {
                    for ($i = 0; $i < 300; $i++) {
                        sample('findToken', $store, $size, $random, $newUsers); // warm-up
                    }
                }
            }
            foreach (CALLS as $call) {
                $samples = ['zts' => [], 'sqlite' => [], 'FileStore' => []];
                for ($round = 0; $round < $rounds; $round++) {
                    foreach ($stores as $kind => $store) {
                        $count = iterations($call, $kind, $size);
                        for ($i = 0; $i < min(3, $count); $i++) {
                            sample($call, $store, $size, $random, $newUsers); // warm-up
                        }
                        for ($i = 0; $i < $count; $i++) {
                            $samples[$kind][] = sample($call, $store, $size, $random, $newUsers);
                        }
                    }
                }
                $rows[] = [$size, $call, median($samples['zts']), median($samples['sqlite']), median($samples['FileStore'])];
            }
            $stores['zts']->close();
            $stores['sqlite']->close();
        }
    } finally {
        remove_tree($directory);
    }

    $sqliteVersion = (new PDO('sqlite::memory:'))->query('SELECT sqlite_version()')->fetchColumn();
    $sdk = getenv(SDK_ENV);
    printf("Command: %sphp %s\n", $sdk ? SDK_ENV . "=$sdk " : '', implode(' ', $argv));
    printf(
        "PHP %s, zts %s, PDO SQLite (SQLite %s), zohocrm/php-sdk-8.0 %s FileStore, %s; medians over %d rounds\n\n",
        PHP_VERSION,
        Store::libraryVersion(),
        $sqliteVersion,
        Constants::SDK_VERSION,
        php_uname('m'),
        $rounds,
    );
    echo "| tokens | call | zts | sqlite store | FileStore | zts ÷ sqlite | FileStore ÷ zts | target |\n";
    echo "| ---: | --- | ---: | ---: | ---: | ---: | ---: | --- |\n";
    $met = 0;
    foreach ($rows as [$size, $call, $zts, $sqlite, $file]) {
        $ok = $zts < $file && $zts <= 1.5 * $sqlite;
        $met += (int) $ok;
        printf(
            "| %s | %s | %s | %s | %s | %.2f | %.1f× | %s |\n",
            number_format($size),
            $call,
            format_duration($zts),
            format_duration($sqlite),
            format_duration($file),
            $zts / $sqlite,
            $file / $zts,
            $ok ? 'met' : 'MISSED',
        );
    }
    printf("\ntarget (faster than FileStore, within 1.5x of the sqlite store): %d of %d met\n", $met, count($rows));
    return 0;
}

exit(main($argv));
