package io.zts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** Paths of the repository and child processes (new JVMs, the xlang driver) for the tests. */
final class TestSupport {
    static final Path REPO_ROOT = Paths.get(System.getProperty("zts.repo.root", "../../..")).toAbsolutePath().normalize();
    static final Path BINDING_DIR = Paths.get(System.getProperty("zts.binding.dir", "..")).toAbsolutePath().normalize();
    static final Path VECTORS = REPO_ROOT.resolve("tests/vectors/store.json");
    static final Path FAKE_ACCOUNTS = REPO_ROOT.resolve("tests/e2e/fake_accounts.py");
    static final Path XLANG_DRIVER = BINDING_DIR.resolve("xlang-driver");

    private TestSupport() {
    }

    /** A finished child process: exit code, stdout and stderr as UTF-8. */
    static final class Result {
        final int exitCode;
        final String stdout;
        final String stderr;

        Result(int exitCode, String stdout, String stderr) {
            this.exitCode = exitCode;
            this.stdout = stdout;
            this.stderr = stderr;
        }

        Result assertSucceeded() {
            assertEquals(0, exitCode, () -> "exit " + exitCode + "\nstdout: " + stdout + "\nstderr: " + stderr);
            return this;
        }

        /** The last line of stdout. */
        String lastLine() {
            String[] lines = stdout.strip().split("\n");
            return lines[lines.length - 1];
        }
    }

    /** A command line with its environment changes (a null value removes the variable) and directory. */
    static final class Command {
        final List<String> argv = new ArrayList<>();
        final Map<String, String> environment = new LinkedHashMap<>();
        Path directory;
        String stdin = "";

        Command(String... argv) {
            this.argv.addAll(Arrays.asList(argv));
        }

        Command env(String name, String value) {
            environment.put(name, value);
            return this;
        }

        Command in(Path directory) {
            this.directory = directory;
            return this;
        }

        Command input(String stdin) {
            this.stdin = stdin;
            return this;
        }

        Result run() throws IOException, InterruptedException {
            ProcessBuilder builder = new ProcessBuilder(argv);
            environment.forEach((name, value) -> {
                if (value == null) {
                    builder.environment().remove(name);
                } else {
                    builder.environment().put(name, value);
                }
            });
            if (directory != null) {
                builder.directory(directory.toFile());
            }
            Process process = builder.start();
            CompletableFuture<String> out = readAll(process.getInputStream());
            CompletableFuture<String> err = readAll(process.getErrorStream());
            try (OutputStream stdinStream = process.getOutputStream()) {
                stdinStream.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("child process did not finish: " + argv);
            }
            return new Result(process.exitValue(), out.join(), err.join());
        }
    }

    /** `java -cp <this test class path> mainClass args...` with extra JVM options. */
    static Command java(List<String> jvmOptions, Class<?> mainClass, String... args) {
        return javaWithClassPath(System.getProperty("java.class.path"), jvmOptions, mainClass, args);
    }

    static Command javaWithClassPath(String classPath, List<String> jvmOptions, Class<?> mainClass, String... args) {
        Command command = new Command(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.argv.addAll(jvmOptions);
        command.argv.addAll(List.of("-cp", classPath, mainClass.getName()));
        command.argv.addAll(Arrays.asList(args));
        return command;
    }

    /** This test JVM's class path without the entries whose path contains any of these words. */
    static String classPathWithout(String... words) {
        return Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(entry -> Arrays.stream(words).noneMatch(entry::contains))
                .collect(Collectors.joining(java.io.File.pathSeparator));
    }

    private static CompletableFuture<String> readAll(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException error) {
                throw new RuntimeException(error);
            }
        });
    }

    /**
     * This process's resident set size in bytes, from VmRSS in /proc/self/status, after glibc's
     * malloc_trim has given freed memory back to the system: the JVM frees native memory of its own now
     * and then (the JIT compiler's arenas), and without the trim that would stay in RSS as noise.
     */
    static long rssBytes() throws IOException {
        com.sun.jna.NativeLibrary.getInstance("c").getFunction("malloc_trim").invokeInt(new Object[] {0});
        for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    /** A token map (values may be null), keys in the given order. */
    static Map<String, String> token(String... keysAndValues) {
        Map<String, String> token = new LinkedHashMap<>();
        for (int index = 0; index < keysAndValues.length; index += 2) {
            token.put(keysAndValues[index], keysAndValues[index + 1]);
        }
        return token;
    }

    /** A stored token: all ten keys, null except the given ones. */
    static Map<String, String> stored(Map<String, String> fields) {
        Map<String, String> token = new LinkedHashMap<>();
        for (String key : Store.TOKEN_FIELDS) {
            token.put(key, fields.get(key));
        }
        return token;
    }

    static Map<String, String> with(Map<String, String> token, String... keysAndValues) {
        Map<String, String> copy = new LinkedHashMap<>(token);
        copy.putAll(token(keysAndValues));
        return copy;
    }
}
