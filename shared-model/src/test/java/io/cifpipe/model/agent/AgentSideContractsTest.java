package io.cifpipe.model.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.cifpipe.model.Examples;
import io.cifpipe.model.OutcomeSubscriptions;
import io.cifpipe.model.json.Json;
import io.cifpipe.model.ledger.AgentState;
import io.cifpipe.model.ledger.Availability;
import io.cifpipe.model.ledger.AvailabilityReason;
import io.cifpipe.model.ledger.NotificationRecord;
import io.cifpipe.model.ledger.NotificationState;
import io.cifpipe.model.notification.Decision;
import io.cifpipe.model.notification.DecisionResult;
import io.cifpipe.model.notification.DecisionStatus;
import io.cifpipe.model.notification.DecisionType;
import io.cifpipe.model.notification.Notification;
import io.cifpipe.model.notification.Withdraw;
import io.cifpipe.model.notification.WithdrawReason;
import io.cifpipe.model.outcome.OutcomeType;
import io.cifpipe.model.outcome.UnavailableReason;
import io.cifpipe.model.validation.ValidationException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 20's wire contracts: code, schemas and examples agree (contracts-agent-side). */
class AgentSideContractsTest {
    private static final Instant T = Instant.parse("2025-01-31T09:30:00Z");

    private static JsonNode tree(Object o) {
        return Json.mapper().valueToTree(o);
    }

    @Test
    void availabilityPushMatchesItsSchemaAndExample() {
        AgentStatus s = AgentState.unknown("a")
                .withAvailability(Availability.DO_NOT_DISTURB, AvailabilityReason.AGENT, T)
                .status(1);
        String json = tree(s).toString();
        assertThat(json)
                .isEqualTo("{\"availability\":\"DoNotDisturb\",\"reason\":\"agent\",\"since\":\"2025-01-30T09:30:00Z\""
                                .replace("01-30", "01-31")
                        + ",\"activeCalls\":0,\"capacity\":1}");
        assertThat(Examples.validate("agent-status", json)).isEmpty();
        assertThat(Examples.validate("agent-status", Examples.text("agent-status.json")))
                .isEmpty();
        assertThat(
                        Examples.validate(
                                "agent-status",
                                "{\"availability\":\"Lunch\",\"reason\":\"agent\",\"since\":null,\"activeCalls\":0,\"capacity\":1}"))
                .isNotEmpty();
        for (AvailabilityReason r : AvailabilityReason.values()) {
            assertThat(Examples.schema("agent-status")
                            .getSchemaNode()
                            .at("/properties/reason/enum")
                            .toString())
                    .contains("\"" + r.wireName() + "\"");
        }
    }

    @Test
    void missedCallsAndWithdrawMatchTheirSchemas() {
        Notification n = new Notification(
                "n1~c1~a1",
                "c1",
                "a1",
                "+4930123456789",
                null,
                null,
                "Support DE",
                Map.of(),
                T,
                T.plusSeconds(30),
                null);
        MissedCall m = MissedCall.of(NotificationRecord.offered(n, "e1"), T.plusSeconds(30));
        assertThat(m.caller()).as("number when no name").isEqualTo("+4930123456789");
        String list = tree(Map.of("missedCalls", List.of(m))).toString();
        assertThat(Examples.validate("missed-calls", list)).isEmpty();
        assertThat(Examples.validate("missed-calls", Examples.text("missed-calls.json")))
                .isEmpty();
        String w = tree(Withdraw.of("c1", "a1", WithdrawReason.TAKEN)).toString();
        assertThat(w).isEqualTo("{\"notificationId\":\"n1~c1~a1\",\"callId\":\"c1\",\"reason\":\"taken\"}");
        assertThat(Examples.validate("withdraw", w)).isEmpty();
        assertThat(Examples.validate("withdraw", Examples.text("withdraw-taken.json")))
                .isEmpty();
        assertThat(Examples.validate("withdraw", "{\"notificationId\":\"x\",\"callId\":\"c\",\"reason\":\"gone\"}"))
                .isNotEmpty();
    }

    @Test
    void setAvailabilityArgumentIsValidated() {
        assertThat(AvailabilityRequest.fromJson(Json.mapper().createObjectNode().put("availability", "Away"))
                        .availability())
                .isEqualTo(Availability.AWAY);
        assertThatThrownBy(() -> AvailabilityRequest.fromJson(
                        Json.mapper().createObjectNode().put("availability", "away")))
                .isInstanceOfSatisfying(
                        ValidationException.class,
                        e -> assertThat(e.errors().get(0).pointer()).isEqualTo("/availability"));
        assertThatThrownBy(() -> AvailabilityRequest.fromJson(Json.mapper()
                        .createObjectNode()
                        .put("availability", "Busy")
                        .put("x", 1)))
                .isInstanceOfSatisfying(
                        ValidationException.class,
                        e -> assertThat(e.errors().get(0).pointer()).isEqualTo("/x"));
        assertThatThrownBy(() -> AvailabilityRequest.fromJson(
                        Json.mapper().getNodeFactory().textNode("Busy")))
                .isInstanceOf(ValidationException.class);
    }

    @Test
    void decideTakesOverflowAndRejectReasonCodes() {
        Decision o = Decision.fromJson("{\"notificationId\":\"n1~c1~a1\",\"decision\":\"overflow\"}".getBytes());
        assertThat(o.decision()).isEqualTo(DecisionType.OVERFLOW);
        assertThat(Decision.fromJson(
                                "{\"notificationId\":\"n1~c1~a1\",\"decision\":\"reject\",\"reason\":\"busy-with-customer\"}"
                                        .getBytes())
                        .reason())
                .isEqualTo("busy-with-customer");
        assertThatThrownBy(() -> Decision.fromJson(
                        "{\"notificationId\":\"n1~c1~a1\",\"decision\":\"reject\",\"reason\":\"not a code\"}"
                                .getBytes()))
                .isInstanceOfSatisfying(
                        ValidationException.class,
                        e -> assertThat(e.errors().get(0).pointer()).isEqualTo("/reason"));
        assertThat(tree(new DecisionResult("n1~c1~a1", DecisionStatus.ALREADY_TAKEN, OutcomeType.WITHDRAWN))
                        .get("status")
                        .asText())
                .isEqualTo("already-taken");
    }

    @Test
    void unavailableIsATerminalOutcomeTheOperationsFilterSelects() {
        assertThat(OutcomeType.UNAVAILABLE.isTerminal()).isTrue();
        assertThat(OutcomeType.UNAVAILABLE.wireName()).isEqualTo("Unavailable");
        assertThat(OutcomeSubscriptions.OPERATIONS_FILTER).contains("'Unavailable'");
        assertThat(NotificationState.OFFERED.canMoveTo(NotificationState.UNAVAILABLE))
                .isTrue();
        assertThat(NotificationState.DELIVERED.canMoveTo(NotificationState.UNAVAILABLE))
                .as("overflow")
                .isTrue();
        assertThat(NotificationState.UNAVAILABLE.isTerminal()).isTrue();
        assertThat(UnavailableReason.of(Availability.AVAILABLE)).isEmpty();
        assertThat(List.of(UnavailableReason.values()))
                .extracting(UnavailableReason::wireName)
                .containsExactly("busy", "do-not-disturb", "away", "at-capacity", "overflow");
    }
}
