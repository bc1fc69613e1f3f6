package io.zts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zoho.api.authenticator.OAuthToken;
import org.junit.jupiter.api.Test;

/** The SDK on the test class path is the one the build chose (-Dzoho.sdk=real or the contract stand-in). */
class SdkUnderTestTest {
    private static boolean hasClass(String name) {
        try {
            Class.forName(name);
            return true;
        } catch (ClassNotFoundException absent) {
            return false;
        }
    }

    @Test
    void theSdkIsTheOneTheBuildChose() {
        String kind = System.getProperty("zts.sdk.kind");
        String jar = OAuthToken.class.getProtectionDomain().getCodeSource().getLocation().toString();
        if ("real".equals(kind)) {
            assertTrue(jar.contains("zohocrm-java-sdk-8-0"), jar);
            // The end-to-end tests then also compare with the SDK's own FileStore.
            assertTrue(hasClass("com.zoho.api.authenticator.store.FileStore"));
        } else {
            assertEquals("contract", kind);
            assertTrue(jar.contains("sdk-contract"), jar);
        }
    }
}
