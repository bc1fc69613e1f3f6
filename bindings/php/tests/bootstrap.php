<?php

declare(strict_types=1);

// The tests load the binding without Composer (autoload.php) and the tests-only declarations of the
// Zoho SDK's classes (the real SDK comes from Packagist, which is unreachable here).
require dirname(__DIR__) . '/autoload.php';
require __DIR__ . '/sdk/ZohoSdkSurface.php';
require __DIR__ . '/Support.php';
require __DIR__ . '/SdkFlow.php';
