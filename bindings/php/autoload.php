<?php

// For use without Composer: `require 'path/to/bindings/php/autoload.php';` loads the Zts\ classes
// from src/ on demand (the same PSR-4 mapping as composer.json).
spl_autoload_register(static function (string $class): void {
    if (str_starts_with($class, 'Zts\\')) {
        $file = __DIR__ . '/src/' . str_replace('\\', '/', substr($class, 4)) . '.php';
        if (is_file($file)) {
            require $file;
        }
    }
});
