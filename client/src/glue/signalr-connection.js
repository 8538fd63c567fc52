import { HubConnectionBuilder, HttpTransportType, LogLevel } from "@microsoft/signalr";

/**
 * A HubConnection to the SignalR Service client URL from negotiate. WebSockets only: the service
 * and every supported browser speak it, and it is the one transport with server push without polling.
 * Bearer tokens only (withCredentials false), so CORS allow-lists need no credentials.
 */
export function createHubConnection({ url, accessTokenFactory, reconnectPolicy, logLevel = LogLevel.Warning, logger }) {
  return new HubConnectionBuilder()
    .withUrl(url, { accessTokenFactory, transport: HttpTransportType.WebSockets, withCredentials: false })
    .withAutomaticReconnect(reconnectPolicy)
    .configureLogging(logger || logLevel)
    .build();
}
