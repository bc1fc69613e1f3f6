package io.zts.bench;

/**
 * Starts the benchmark ({@link SideBySide}) once the real Zoho SDK is known to be on the class path: its
 * classes are named only there, so without the SDK this class still loads and says what to do.
 */
public final class Bench {
    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        try {
            Class.forName("com.zoho.api.authenticator.store.FileStore");
        } catch (ClassNotFoundException missing) {
            System.err.println("bench: the real Zoho CRM Java SDK (com.zoho.crm:zohocrm-java-sdk-8-0:2.0.0, with its FileStore)"
                    + " is not on the class path. Build it from its public source into ~/.m2 first:"
                    + " bash bindings/java/bench/install-real-sdk.sh; then: bash bindings/java/bench/run.sh"
                    + " (see bindings/java/bench/README.md)");
            System.exit(2);
        }
        SideBySide.run(args);
    }
}
