package io.cifpipe.runtime.tables;

import com.azure.data.tables.models.TableEntity;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;

/** Mapping between the shared-model property maps and {@link TableEntity}, plus OData filter literals. */
final class Entities {
    private Entities() {}

    static TableEntity toEntity(String partitionKey, String rowKey, Map<String, Object> properties) {
        TableEntity e = new TableEntity(partitionKey, rowKey);
        properties.forEach((k, v) -> {
            if (v != null && !k.equals("PartitionKey") && !k.equals("RowKey")) {
                e.addProperty(k, v instanceof Instant i ? i.atOffset(ZoneOffset.UTC) : v);
            }
        });
        return e;
    }

    /** Properties including PartitionKey/RowKey (system properties such as odata.etag and Timestamp removed). */
    static Map<String, Object> properties(TableEntity e) {
        Map<String, Object> p = new HashMap<>();
        e.getProperties().forEach((k, v) -> {
            if (!k.startsWith("odata.") && !k.equals("Timestamp")) {
                p.put(k, v);
            }
        });
        p.put("PartitionKey", e.getPartitionKey());
        p.put("RowKey", e.getRowKey());
        return p;
    }

    static String quote(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    static String dateTime(Instant instant) {
        return "datetime'" + DateTimeFormatter.ISO_INSTANT.format(instant) + "'";
    }
}
