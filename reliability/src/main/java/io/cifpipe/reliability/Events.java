package io.cifpipe.reliability;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** CloudEvents call events as the telephony system sends them. */
public final class Events {
    private Events() {}

    public static String offered(String eventId, String callId, String agentId, int ringSeconds) {
        return """
                {"specversion":"1.0","id":"%s","source":"/pbx/reliability","type":"call.offered","subject":"%s",
                 "time":"%s","datacontenttype":"application/json",
                 "data":{"callId":"%s","agentId":"%s","callerNumber":"+4930123456789","callerName":"Erika",
                         "calledNumber":"+498001234567","queue":"Support","customerContext":{"tier":"Gold"},"ringSeconds":%d}}
                """.formatted(eventId, callId, now(), callId, agentId, ringSeconds);
    }

    public static String ended(String eventId, String callId, String agentId) {
        return """
                {"specversion":"1.0","id":"%s","source":"/pbx/reliability","type":"call.ended","subject":"%s",
                 "time":"%s","datacontenttype":"application/json",
                 "data":{"callId":"%s","agentId":"%s","reason":"abandoned"}}
                """.formatted(eventId, callId, now(), callId, agentId);
    }

    /** The ring window runs from the event's time: events carry "now", as a telephony system's would. */
    static String now() {
        return java.time.Instant.now().toString();
    }

    public static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    public static String newId(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 13);
    }
}
