package io.cifpipe.devstack;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Secrets of one local stack: Functions keys, Service Bus SAS key and SignalR access key. Fresh per run; kept in
 * the data dir with {@code --data} so clients keep working across restarts (a keys.json of an older run may still
 * name the retired signalr_extension key; it is ignored).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Keys(
        String ingressFunctionKey,
        String dispatchFunctionKey,
        String presenceFunctionKey,
        String masterKey,
        String serviceBusKeyName,
        String serviceBusKey,
        String signalRAccessKey) {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ObjectMapper JSON = new ObjectMapper();

    public static Keys generate() {
        return new Keys(secret(), secret(), secret(), secret(), "RootManageSharedAccessKey", base64(32), base64(32));
    }

    /** Reads keys saved by an earlier run in {@code dir}, or generates and saves new ones. */
    public static Keys loadOrCreate(Path dir) {
        Path file = dir.resolve("keys.json");
        try {
            if (Files.exists(file)) {
                return JSON.readValue(file.toFile(), Keys.class);
            }
            Keys k = generate();
            Files.createDirectories(dir);
            JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), k);
            return k;
        } catch (IOException e) {
            throw new StackException(
                    "Cannot read or write " + file + ": " + e.getMessage(),
                    "Check the --data directory is writable, or delete keys.json to regenerate keys.",
                    e);
        }
    }

    private static String secret() {
        byte[] b = new byte[30];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static String base64(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }

    @Override
    public String toString() {
        return "Keys[redacted]";
    }
}
