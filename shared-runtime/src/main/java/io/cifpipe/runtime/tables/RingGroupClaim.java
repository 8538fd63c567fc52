package io.cifpipe.runtime.tables;

import com.azure.core.http.rest.Response;
import com.azure.core.util.Context;
import com.azure.data.tables.TableClient;
import com.azure.data.tables.models.ListEntitiesOptions;
import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableErrorCode;
import com.azure.data.tables.models.TableTransactionAction;
import com.azure.data.tables.models.TableTransactionActionType;
import com.azure.data.tables.models.TableTransactionFailedException;
import com.azure.data.tables.models.TableTransactionResult;
import io.cifpipe.model.ledger.NotificationState;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * "The first Accept wins the call" for a ring group (several agents offered the same callId), across instances.
 *
 * <p>The claim lives on the call guard row {@code ~call} that every call already has (the first offer's transaction
 * creates it; ended/answered too), as {@code AcceptedBy}/{@code AcceptedAt}. An Accept writes the agent's ledger row
 * (→ ACCEPTED, with its ETag) and the guard (claim, with its ETag — or created when a legacy call has none) in
 * <b>one entity-group transaction</b>: both are in the call's partition. So the row can never be ACCEPTED without the
 * claim or the claim exist without an ACCEPTED row, and two concurrent accepts on any instances cannot both commit
 * (the second's guard ETag fails; it re-reads and finds the claim: {@link Taken}). Chosen over a separate per-call
 * row: no extra row per call, and the guard's ETag is exactly "nothing happened to this call since I looked".
 *
 * <p>Costs one partition query (the row and the guard together) and one transaction per Accept; {@code call.offered}
 * is untouched. Offers arriving after the claim read it with their tombstone query ({@link NotificationLedger#closedOrTaken}).
 */
public final class RingGroupClaim {
    static final String PROP_ACCEPTED_BY = "AcceptedBy";
    static final String PROP_ACCEPTED_AT = "AcceptedAt";
    private static final int MAX_ATTEMPTS = 8;

    private final TableClient table;

    public RingGroupClaim(TableClient table) {
        this.table = table;
    }

    /** What {@link #accept} did. */
    public sealed interface Result permits Won, Taken, Unchanged, Unknown {}

    /** This accept won the call: the row is ACCEPTED and the guard names this agent. */
    public record Won(LedgerTransition transition) implements Result {}

    /** Another agent of the ring group accepted first; {@code current} is this agent's row as read. */
    public record Taken(String winner, LedgerEntry current) implements Result {}

    /** {@code change} left the row as it was (decided, expired, withdrawn …); {@code current} as read. */
    public record Unchanged(LedgerEntry current) implements Result {}

    /** No ledger row for (callId, agentId). */
    public record Unknown() implements Result {}

    /**
     * Applies {@code change} (pure; must produce an ACCEPTED row or leave it unchanged) and claims the call for
     * {@code agentId} in one transaction, retrying on concurrent changes.
     */
    public Result accept(String callId, String agentId, UnaryOperator<LedgerEntry> change, Instant at) {
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            LedgerEntry row = null;
            TableEntity guard = null;
            String filter = "PartitionKey eq " + Entities.quote(callId) + " and (RowKey eq " + Entities.quote(agentId)
                    + " or RowKey eq " + Entities.quote(NotificationLedger.CALL_GUARD_ROW) + ")";
            for (TableEntity e : table.listEntities(new ListEntitiesOptions().setFilter(filter), null, Context.NONE)) {
                if (e.getRowKey().equals(NotificationLedger.CALL_GUARD_ROW)) {
                    guard = e;
                } else {
                    row = NotificationLedger.fromEntity(e);
                }
            }
            if (row == null) {
                return new Unknown();
            }
            Optional<String> winner = guard == null
                    ? Optional.empty()
                    : Optional.ofNullable(guard.getProperty(PROP_ACCEPTED_BY)).map(Object::toString);
            if (winner.isPresent() && !winner.get().equals(agentId)) {
                return new Taken(winner.get(), row);
            }
            LedgerEntry after = change.apply(row);
            if (after.withEtag(row.etag()).equals(row)) {
                return new Unchanged(row);
            }
            if (after.state() != NotificationState.ACCEPTED) {
                throw new IllegalArgumentException("a ring-group claim is for accepts only, not " + after.state());
            }
            TableEntity rowEntity = NotificationLedger.toEntity(after).addProperty("odata.etag", row.etag());
            TableTransactionAction claim;
            if (guard == null) {
                claim = new TableTransactionAction(
                        TableTransactionActionType.CREATE,
                        new TableEntity(callId, NotificationLedger.CALL_GUARD_ROW)
                                .addProperty(NotificationLedger.PROP_GUARDED_AT, at.atOffset(ZoneOffset.UTC))
                                .addProperty(PROP_ACCEPTED_BY, agentId)
                                .addProperty(PROP_ACCEPTED_AT, at.atOffset(ZoneOffset.UTC)));
            } else {
                TableEntity g = new TableEntity(callId, NotificationLedger.CALL_GUARD_ROW)
                        .addProperty(PROP_ACCEPTED_BY, agentId)
                        .addProperty(PROP_ACCEPTED_AT, at.atOffset(ZoneOffset.UTC))
                        .addProperty("odata.etag", NotificationLedger.fixEtag(guard.getETag()));
                claim = new TableTransactionAction(TableTransactionActionType.UPDATE_MERGE, g, true);
            }
            try {
                Response<TableTransactionResult> result = table.submitTransactionWithResponse(
                        List.of(
                                new TableTransactionAction(TableTransactionActionType.UPDATE_REPLACE, rowEntity, true),
                                claim),
                        null,
                        Context.NONE);
                String etag = NotificationLedger.etagOf(
                        result.getValue().getTransactionActionResponses().get(0));
                return new Won(new LedgerTransition(row, after.withEtag(etag), true));
            } catch (TableTransactionFailedException e) {
                if (!retryable(e)) {
                    throw e;
                }
            }
        }
        throw new LedgerConflictException("call " + callId + " kept changing while " + agentId + " accepted it");
    }

    private static boolean retryable(TableTransactionFailedException e) {
        TableErrorCode code = e.getValue() == null ? null : e.getValue().getErrorCode();
        int status = e.getResponse() == null ? 0 : e.getResponse().getStatusCode();
        return TableErrorCode.UPDATE_CONDITION_NOT_SATISFIED.equals(code)
                || TableErrorCode.ENTITY_ALREADY_EXISTS.equals(code)
                || TableErrorCode.ENTITY_NOT_FOUND.equals(code)
                || TableErrorCode.RESOURCE_NOT_FOUND.equals(code)
                || status == 412
                || status == 409;
    }
}
