package io.zts;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.json.JSONObject;

/** The fake Zoho accounts server (tests/e2e/fake_accounts.py) in a child process on 127.0.0.1. */
final class FakeAccounts implements AutoCloseable {
    final int port;
    final String baseUrl;
    private final Path log;
    private final Process process;

    FakeAccounts(Path log) throws IOException {
        this.log = log;
        Files.createFile(log);
        process = new ProcessBuilder("python3", TestSupport.FAKE_ACCOUNTS.toString(), log.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String firstLine = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)).readLine();
        if (firstLine == null || !firstLine.startsWith("PORT ")) {
            close();
            throw new IOException("fake_accounts.py did not print its port: " + firstLine);
        }
        port = Integer.parseInt(firstLine.substring("PORT ".length()).trim());
        baseUrl = "http://127.0.0.1:" + port;
    }

    /** Every request the server has received so far, in order. */
    List<JSONObject> requests() throws IOException {
        List<JSONObject> requests = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            if (!line.isBlank()) {
                requests.add(new JSONObject(line));
            }
        }
        return requests;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException error) {
            Thread.currentThread().interrupt();
        }
    }
}
