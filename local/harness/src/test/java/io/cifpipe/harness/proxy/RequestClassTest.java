package io.cifpipe.harness.proxy;

import static io.cifpipe.harness.proxy.RequestClass.Service.SIGNALR;
import static io.cifpipe.harness.proxy.RequestClass.Service.TABLE;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** What the azure-data-tables SDK and our SignalR REST client put on the wire, classified. */
class RequestClassTest {
    @Test
    void tableRequests() {
        assertEquals(
                RequestClass.TABLE_READ,
                RequestClass.of(TABLE, "GET", "/devstoreaccount1/Notifications(PartitionKey='c1',RowKey='a1')", null));
        assertEquals(
                RequestClass.TABLE_QUERY,
                RequestClass.of(
                        TABLE, "GET", "/devstoreaccount1/Notifications()?$filter=PartitionKey%20eq%20'c1'", null));
        assertEquals(
                RequestClass.TABLE_INSERT, RequestClass.of(TABLE, "POST", "/devstoreaccount1/Notifications", null));
        assertEquals(
                RequestClass.TABLE_UPDATE,
                RequestClass.of(
                        TABLE,
                        "PUT",
                        "/devstoreaccount1/Notifications(PartitionKey='c1',RowKey='a1')",
                        "W/\"datetime'2025'\""));
        assertEquals(
                RequestClass.TABLE_UPSERT,
                RequestClass.of(TABLE, "MERGE", "/devstoreaccount1/Agents(PartitionKey='a1',RowKey='state')", null));
        assertEquals(
                RequestClass.TABLE_DELETE,
                RequestClass.of(TABLE, "DELETE", "/devstoreaccount1/Connections(PartitionKey='a1',RowKey='c')", "*"));
        assertEquals(RequestClass.TABLE_BATCH, RequestClass.of(TABLE, "POST", "/devstoreaccount1/$batch", null));
        assertEquals(RequestClass.TABLE_ADMIN, RequestClass.of(TABLE, "POST", "/devstoreaccount1/Tables", null));
        assertEquals(
                RequestClass.TABLE_READ,
                RequestClass.of(
                        TABLE, "GET", "/devstoreaccount1/Notifications(PartitionKey='c%201',RowKey='a%2F')", null));
    }

    @Test
    void signalRRequests() {
        assertEquals(
                RequestClass.SIGNALR_HEAD_USER,
                RequestClass.of(SIGNALR, "HEAD", "/api/hubs/cifhub/users/u1?api-version=2022-06-01", null));
        assertEquals(
                RequestClass.SIGNALR_POST_USER,
                RequestClass.of(SIGNALR, "POST", "/api/hubs/cifhub/users/u1/:send?api-version=2022-06-01", null));
        assertEquals(
                RequestClass.SIGNALR_HEAD_CONNECTION,
                RequestClass.of(SIGNALR, "HEAD", "/api/hubs/cifhub/connections/c1", null));
        assertEquals(
                RequestClass.SIGNALR_POST_CONNECTION,
                RequestClass.of(SIGNALR, "POST", "/api/hubs/cifhub/connections/c1/:send", null));
        assertEquals(
                RequestClass.SIGNALR_DELETE_CONNECTION,
                RequestClass.of(SIGNALR, "DELETE", "/api/hubs/cifhub/connections/c1?reason=x", null));
        assertEquals(RequestClass.SIGNALR_BROADCAST, RequestClass.of(SIGNALR, "POST", "/api/v1/hubs/cifhub", null));
        assertEquals(
                RequestClass.OTHER, RequestClass.of(SIGNALR, "PUT", "/api/hubs/cifhub/groups/g/connections/c1", null));
    }
}
