<?php

/**
 * The cross-language driver of the PHP binding (tests/xlang/PROTOCOL.md): opens the store given on the
 * command line, then answers one JSON request per stdin line with one JSON response line, through the
 * public Store layer only. Started by the `xlang-driver` wrapper next to this directory.
 */

declare(strict_types=1);

use Zts\Store;
use Zts\ZtsException;

// Warnings must not mix with the response lines on stdout.
ini_set('display_errors', 'stderr');

require dirname(__DIR__) . '/autoload.php';

const RESPONSE_FLAGS = JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR;

function respond(string $status, mixed $result, ?string $error): void
{
    $line = json_encode(['status' => $status, 'result' => $result, 'error' => $error], RESPONSE_FLAGS) . "\n";
    if (@fwrite(STDOUT, $line) !== strlen($line) || !fflush(STDOUT)) {
        exit(1); // the reader is gone: nobody is left to answer
    }
}

final class DriverError extends Exception
{
}

/** A string field of the request (null stays null: zts refuses a NULL id by itself). */
function text_field(stdClass $request, string $key): ?string
{
    if (!property_exists($request, $key)) {
        throw new DriverError("the request has no \"$key\"");
    }
    $value = $request->$key;
    if ($value !== null && !is_string($value)) {
        throw new DriverError("\"$key\" must be a string");
    }
    return $value;
}

/** Makes the one call a request asks for and returns its result. */
function serve(Store $store, stdClass $request): mixed
{
    $op = $request->op ?? null;
    switch ($op) {
        case 'save':
        case 'find':
            if (property_exists($request, 'json')) {
                $json = text_field($request, 'json') ?? throw new DriverError('"json" must be a string');
                $text = $op === 'save' ? $store->saveJson($json) : $store->findJson($json);
                return json_decode($text, false, 512, JSON_THROW_ON_ERROR);
            }
            if (!isset($request->token) || !$request->token instanceof stdClass) {
                throw new DriverError("\"$op\" needs a \"token\" object or a \"json\" string");
            }
            return $store->$op((array) $request->token);
        case 'find_by_id':
            return $store->findById(text_field($request, 'id'));
        case 'delete':
            $store->delete(text_field($request, 'id'));
            return null;
        case 'list':
            return $store->list();
        case 'purge':
            $store->purge();
            return null;
        case 'version':
            return Store::libraryVersion();
        default:
            throw new DriverError('unknown op ' . json_encode($op));
    }
}

function main(array $argv): int
{
    if (count($argv) < 2 || count($argv) > 3) {
        fwrite(STDERR, "usage: xlang-driver STORE_PATH [OPTIONS_JSON]\n");
        return 2;
    }
    try {
        $options = isset($argv[2]) ? json_decode($argv[2], true, 512, JSON_THROW_ON_ERROR) : [];
        if (!is_array($options)) {
            throw new DriverError('OPTIONS_JSON must be a JSON object');
        }
        $store = new Store($argv[1], $options);
    } catch (ZtsException $error) {
        respond($error->getStatusName(), null, $error->getZtsMessage());
        return 1;
    } catch (Exception $error) {
        respond('DRIVER_ERROR', null, $error->getMessage());
        return 1;
    }

    while (($line = fgets(STDIN)) !== false) {
        try {
            $request = json_decode($line, false, 512, JSON_THROW_ON_ERROR);
            if (!$request instanceof stdClass) {
                throw new DriverError('a request must be a JSON object');
            }
            respond('ZTS_OK', serve($store, $request), null);
        } catch (ZtsException $error) {
            respond($error->getStatusName(), null, $error->getZtsMessage());
        } catch (DriverError $error) {
            respond('DRIVER_ERROR', null, $error->getMessage());
        } catch (JsonException $error) {
            respond('DRIVER_ERROR', null, 'the request is not JSON: ' . $error->getMessage());
        }
    }
    $store->close();
    return 0;
}

exit(main($argv));
