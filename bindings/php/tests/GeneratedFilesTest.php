<?php

declare(strict_types=1);

namespace Zts\Tests;

use PHPUnit\Framework\TestCase;
use Zts\Native;
use Zts\Status;
use Zts\Store;

/**
 * src/zts.cdef.h and src/Status.php are generated from include/zts.h by tools/generate.php: they must be
 * what the generator makes from the header of this checkout, and mean what the library says.
 */
final class GeneratedFilesTest extends TestCase
{
    private const GENERATED = ['zts.cdef.h', 'Status.php'];

    private static function generate(string $header, string $outDir): array
    {
        return Support::run([PHP_BINARY, Support::PACKAGE_DIR . '/tools/generate.php', $header, $outDir]);
    }

    public function testTheGeneratedFilesAreCurrent(): void
    {
        $outDir = Support::tempDir();
        [$exit, , $stderr] = self::generate(Support::repoRoot() . '/include/zts.h', $outDir);
        $this->assertSame(0, $exit, $stderr);
        foreach (self::GENERATED as $file) {
            $this->assertSame(
                file_get_contents("$outDir/$file"),
                file_get_contents(Support::PACKAGE_DIR . "/src/$file"),
                "src/$file is stale: run `php bindings/php/tools/generate.php` and commit the result",
            );
        }
    }

    public function testTheStatusConstantsMatchTheLibraryNames(): void
    {
        $this->assertGreaterThanOrEqual(10, count(Status::ALL));
        foreach (Status::ALL as $name => $number) {
            $this->assertSame(constant(Status::class . "::$name"), $number);
            $this->assertSame("ZTS_$name", Store::statusName($number));
        }
        // Numbers are dense from 0, so the next one is the first the library does not know.
        $this->assertSame(range(0, count(Status::ALL) - 1), array_values(Status::ALL));
        $this->assertSame('ZTS_UNKNOWN_STATUS', Store::statusName(count(Status::ALL)));
    }

    public function testTheDeclarationsHaveNoPreprocessorLinesCommentsOrGuards(): void
    {
        $cdef = file_get_contents(Support::PACKAGE_DIR . '/src/zts.cdef.h');
        $body = preg_replace('~\A/\*[^\n]*\*/\n~', '', $cdef); // the "generated" marker
        $this->assertDoesNotMatchRegularExpression('~^\s*#~m', $body);
        $this->assertStringNotContainsString('/*', $body);
        $this->assertStringNotContainsString('//', $body);
        $this->assertStringNotContainsString('extern', $body);
        $this->assertStringContainsString('typedef struct zts_store zts_store;', $body);
        // Owned strings are plain char** outputs; the static ones are const char* returns.
        $this->assertStringContainsString('void zts_string_free(char *s);', $body);
        $this->assertStringContainsString('const char *zts_status_name(int32_t status);', $body);
    }

    public function testTheGeneratorStripsAnExternCGuardAndKeepsStructBodies(): void
    {
        $header = "/* doc */\n#ifndef X_H\n#define X_H\n#include <stdint.h>\n#define ZTS_OK 0\n#define ZTS_OOPS 7\n"
            . "#define ZTS_LIMIT (64 * 1024)\n#define ZTS_VERSION \"9.9.9\"\n"
            . "typedef struct pair { int32_t a; /* inner */ } pair;\n"
            . "#ifdef __cplusplus\nextern \"C\" {\n#endif // __cplusplus\n"
            . "/**\n * Frees.\n */\nvoid zts_string_free(char *s); // trailing\n"
            . "#ifdef __cplusplus\n}  // extern \"C\"\n#endif\n#endif\n";
        $dir = Support::tempDir();
        file_put_contents("$dir/x.h", $header);
        [$exit, , $stderr] = self::generate("$dir/x.h", $dir);
        $this->assertSame(0, $exit, $stderr);
        $cdef = file_get_contents("$dir/zts.cdef.h");
        $this->assertStringEndsWith("typedef struct pair { int32_t a;  } pair;\n\nvoid zts_string_free(char *s);\n", $cdef);
        $this->assertSame(1, substr_count($cdef, '}'));
        $status = file_get_contents("$dir/Status.php");
        $this->assertStringContainsString('public const OK = 0;', $status);
        $this->assertStringContainsString('public const OOPS = 7;', $status);
        $this->assertStringNotContainsString('LIMIT', $status);
        $this->assertStringNotContainsString('VERSION', $status);
        \FFI::cdef($cdef, Native::loadedPath()); // parses, and zts_string_free resolves
    }

    public function testTheGeneratorRefusesAFileThatIsNotTheHeader(): void
    {
        $dir = Support::tempDir();
        file_put_contents("$dir/x.h", "int main(void);\n");
        [$exit, , $stderr] = self::generate("$dir/x.h", $dir);
        $this->assertSame(1, $exit);
        $this->assertStringContainsString('no zts prototypes found', $stderr);
        $this->assertFileDoesNotExist("$dir/zts.cdef.h");
    }
}
