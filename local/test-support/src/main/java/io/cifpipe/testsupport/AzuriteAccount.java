package io.cifpipe.testsupport;

/**
 * Azurite's well-known development account (public, documented by Microsoft for the storage emulators:
 * https://learn.microsoft.com/azure/storage/common/storage-use-azurite#well-known-storage-account-and-key), defined
 * once for every launcher and test.
 */
public final class AzuriteAccount {
    private AzuriteAccount() {}

    public static final String NAME = "devstoreaccount1";
    public static final String KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /** Table endpoint connection string for Azurite on {@code host:port} (path-style URL, as Azurite serves it). */
    public static String connectionString(String host, int port) {
        return "DefaultEndpointsProtocol=http;AccountName=" + NAME + ";AccountKey=" + KEY + ";TableEndpoint=http://"
                + host + ":" + port + "/" + NAME + ";";
    }

    public static String connectionString(int port) {
        return connectionString("127.0.0.1", port);
    }
}
