// Everything inside the environment's resource group. The three *AppSettings objects below are the complete
// list of settings each app reads; their keys are io.cifpipe.model.Setting keys (plus the identity-based
// connection forms), and shared-model's InfraConsistencyTest checks them against Setting.forApp(...).
param environmentName string
param location string
param tags object
param planType string
param serviceBusSku string
param signalRSku string
param allowedOrigins string
param tenantId string
param apiClientId string
@description('Entra login endpoint ending in / (main.bicep: environment().authentication.loginEndpoint).')
param authorityHost string
param apiScope string
param callsSendRole string
param ingressRequireAppToken string
param operatorPrincipalId string
param operatorPrincipalType string
param defaultRingSeconds int
param maxRingSeconds int
param offlineRetrySeconds int
param agentCapacity int
param maxCallDuration string
param missedCallsBeforeAway int
param clientTokenMinutes int
param staleConnectionMinutes int
// On Flex Consumption each timer function runs on its own instance and every run is billed at least 1 s of
// instance memory: see "Timers and cost" in infra/README.md for these two schedules.
param expirySweepSchedule string
param outcomeRepublishSchedule string

// Names the code expects (Setting defaults); InfraConsistencyTest checks these literals.
var hubName = 'cifhub'
var callEventsQueueName = 'call-events'
var callOutcomesTopicName = 'call-outcomes'
// One subscription per consumer of outcomes (names and filter: shared-model OutcomeSubscriptions); add more here.
var callOutcomesSubscriptions = [
  {
    name: 'telephony'
    sqlFilter: ''
  }
  {
    name: 'operations'
    sqlFilter: 'outcome IN (\'Accepted\', \'Rejected\', \'Expired\', \'Withdrawn\', \'Undeliverable\', \'Unavailable\')'
  }
]
var connectionsTableName = 'Connections'
var notificationsTableName = 'Notifications'
var agentsTableName = 'Agents'
var connectionSweepSchedule = '0 */5 * * * *'

var token = toLower(uniqueString(subscription().id, environmentName, location))
var ingressAppName = 'func-ingress-${token}'
var dispatchAppName = 'func-dispatch-${token}'
var presenceAppName = 'func-presence-${token}'
// Default host name of the presence app (no regional unique-hostname opt-in), known before the app exists.
var presenceHostName = '${presenceAppName}.azurewebsites.net'
var signalRName = 'sigr-${token}'
var origins = filter(map(split(allowedOrigins, ','), o => trim(o)), o => !empty(o))
var authority = '${authorityHost}${tenantId}/v2.0'
var applicationInsightsName = 'appi-${token}'

module ingressIdentity 'modules/identity.bicep' = {
  name: 'id-ingress'
  params: { name: 'id-ingress-${token}', location: location, tags: tags }
}
module dispatchIdentity 'modules/identity.bicep' = {
  name: 'id-dispatch'
  params: { name: 'id-dispatch-${token}', location: location, tags: tags }
}
module presenceIdentity 'modules/identity.bicep' = {
  name: 'id-presence'
  params: { name: 'id-presence-${token}', location: location, tags: tags }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    logAnalyticsName: 'log-${token}'
    applicationInsightsName: applicationInsightsName
    location: location
    tags: tags
  }
}

module serviceBus 'modules/servicebus.bicep' = {
  name: 'servicebus'
  params: {
    name: 'sb-${token}'
    location: location
    tags: tags
    skuName: serviceBusSku
    callEventsQueueName: callEventsQueueName
    callOutcomesTopicName: callOutcomesTopicName
    callOutcomesSubscriptions: callOutcomesSubscriptions
    // dispatch re-enqueues offline retries on call-events too: its Data Owner (trigger) role covers sending.
    callEventsSenders: [ingressIdentity.outputs.principalId]
    callEventsTriggers: [dispatchIdentity.outputs.principalId]
    callOutcomesSenders: [dispatchIdentity.outputs.principalId, presenceIdentity.outputs.principalId]
    operatorPrincipalId: operatorPrincipalId
    operatorPrincipalType: operatorPrincipalType
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: 'st${token}'
    location: location
    tags: tags
    connectionsTableName: connectionsTableName
    notificationsTableName: notificationsTableName
    agentsTableName: agentsTableName
    deploymentContainers: ['deploy-ingress', 'deploy-dispatch', 'deploy-presence']
    allowSharedKeyAccess: planType == 'Premium'
    hostPrincipals: [ingressIdentity.outputs.principalId, dispatchIdentity.outputs.principalId, presenceIdentity.outputs.principalId]
    tableContributors: [dispatchIdentity.outputs.principalId, presenceIdentity.outputs.principalId]
    notificationsReaders: [ingressIdentity.outputs.principalId]
  }
}

module signalR 'modules/signalr.bicep' = {
  name: 'signalr'
  params: {
    name: signalRName
    location: location
    tags: tags
    skuName: signalRSku
    allowedOrigins: origins
    hubName: hubName
    // Presence's HTTP route (Names.SIGNALR_UPSTREAM_ROUTE); {hub}/{category}/{event} are SignalR's placeholders.
    upstreamUrlTemplate: 'https://${presenceHostName}/api/signalr/{hub}/{category}/{event}'
    upstreamResource: apiClientId
    restApiPrincipals: [dispatchIdentity.outputs.principalId, presenceIdentity.outputs.principalId]
  }
}

// Keyless SignalR (AuthType=azure.msi): the app's user-assigned identity (ClientId) gets Entra tokens for the data
// plane; the connection string holds no secret.
var signalREndpoint = 'https://${signalR.outputs.hostName}'

// The apps' connection string is read from the resource (not a module output, which deployment history keeps)
// straight into their @secure() settings; dependsOn on the monitoring module orders it after creation.
resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource premiumPlan 'Microsoft.Web/serverfarms@2024-04-01' = if (planType == 'Premium') {
  name: 'plan-ep-${token}'
  location: location
  tags: tags
  kind: 'elastic'
  sku: { tier: 'ElasticPremium', name: 'EP1' }
  properties: {
    reserved: true
    maximumElasticWorkerCount: 20
  }
}

var ingressAppSettings = {
  ServiceBusConnection__fullyQualifiedNamespace: serviceBus.outputs.fullyQualifiedNamespace
  TablesConnection__tableServiceUri: storage.outputs.tableEndpoint
  NotificationsTable: notificationsTableName
  CallEventsQueue: callEventsQueueName
  Authority: authority
  AzureAd__TenantId: tenantId
  AzureAd__ClientId: apiClientId
  AzureAd__Audience: 'api://${apiClientId}'
  CallsSendRole: callsSendRole
  IngressRequireAppToken: ingressRequireAppToken
  DefaultRingSeconds: string(defaultRingSeconds)
  MaxRingSeconds: string(maxRingSeconds)
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.properties.ConnectionString
}

var dispatchAppSettings = {
  ServiceBusConnection__fullyQualifiedNamespace: serviceBus.outputs.fullyQualifiedNamespace
  // The Service Bus trigger (Functions extension) authenticates with this user-assigned identity.
  ServiceBusConnection__credential: 'managedidentity'
  ServiceBusConnection__clientId: dispatchIdentity.outputs.clientId
  TablesConnection__tableServiceUri: storage.outputs.tableEndpoint
  AzureSignalRConnectionString: 'Endpoint=${signalREndpoint};AuthType=azure.msi;ClientId=${dispatchIdentity.outputs.clientId};Version=1.0;'
  HubName: hubName
  StorageUserTable: connectionsTableName
  NotificationsTable: notificationsTableName
  AgentsTable: agentsTableName
  CallEventsQueue: callEventsQueueName
  CallOutcomesTopic: callOutcomesTopicName
  DefaultRingSeconds: string(defaultRingSeconds)
  MaxRingSeconds: string(maxRingSeconds)
  OfflineRetrySeconds: string(offlineRetrySeconds)
  AgentCapacity: string(agentCapacity)
  MaxCallDuration: maxCallDuration
  MissedCallsBeforeAway: string(missedCallsBeforeAway)
  ExpirySweepSchedule: expirySweepSchedule
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.properties.ConnectionString
}

var presenceAppSettings = {
  ServiceBusConnection__fullyQualifiedNamespace: serviceBus.outputs.fullyQualifiedNamespace
  TablesConnection__tableServiceUri: storage.outputs.tableEndpoint
  AzureSignalRConnectionString: 'Endpoint=${signalREndpoint};AuthType=azure.msi;ClientId=${presenceIdentity.outputs.clientId};Version=1.0;'
  HubName: hubName
  StorageUserTable: connectionsTableName
  NotificationsTable: notificationsTableName
  AgentsTable: agentsTableName
  CallEventsQueue: callEventsQueueName
  CallOutcomesTopic: callOutcomesTopicName
  Authority: authority
  AzureAd__TenantId: tenantId
  AzureAd__ClientId: apiClientId
  AzureAd__Audience: 'api://${apiClientId}'
  ApiScope: apiScope
  AllowedOrigins: join(origins, ',')
  AgentCapacity: string(agentCapacity)
  ClientTokenMinutes: string(clientTokenMinutes)
  StaleConnectionMinutes: string(staleConnectionMinutes)
  ConnectionSweepSchedule: connectionSweepSchedule
  OutcomeRepublishSchedule: outcomeRepublishSchedule
  // Upstream requests must carry SignalR's managed-identity token for the API app (and nothing else's).
  SignalRUpstreamResource: apiClientId
  SignalRUpstreamPrincipalId: signalR.outputs.principalId
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.properties.ConnectionString
}

module ingressApp 'modules/functionapp.bicep' = {
  name: 'func-ingress'
  params: {
    name: ingressAppName
    location: location
    tags: tags
    serviceName: 'ingress'
    planType: planType
    premiumPlanId: planType == 'Premium' ? premiumPlan.id : ''
    identityId: ingressIdentity.outputs.id
    identityClientId: ingressIdentity.outputs.clientId
    storageAccountName: storage.outputs.name
    storageBlobEndpoint: storage.outputs.blobEndpoint
    deploymentContainerName: 'deploy-ingress'
    appSettings: ingressAppSettings
  }
  dependsOn: [monitoring]
}

module dispatchApp 'modules/functionapp.bicep' = {
  name: 'func-dispatch'
  params: {
    name: dispatchAppName
    location: location
    tags: tags
    serviceName: 'dispatch'
    planType: planType
    premiumPlanId: planType == 'Premium' ? premiumPlan.id : ''
    identityId: dispatchIdentity.outputs.id
    identityClientId: dispatchIdentity.outputs.clientId
    storageAccountName: storage.outputs.name
    storageBlobEndpoint: storage.outputs.blobEndpoint
    deploymentContainerName: 'deploy-dispatch'
    appSettings: dispatchAppSettings
  }
  dependsOn: [signalR, monitoring]
}

module presenceApp 'modules/functionapp.bicep' = {
  name: 'func-presence'
  params: {
    name: presenceAppName
    location: location
    tags: tags
    serviceName: 'presence'
    planType: planType
    premiumPlanId: planType == 'Premium' ? premiumPlan.id : ''
    identityId: presenceIdentity.outputs.id
    identityClientId: presenceIdentity.outputs.clientId
    storageAccountName: storage.outputs.name
    storageBlobEndpoint: storage.outputs.blobEndpoint
    deploymentContainerName: 'deploy-presence'
    appSettings: presenceAppSettings
  }
  dependsOn: [signalR, monitoring]
}

output ingressAppName string = ingressApp.outputs.name
output dispatchAppName string = dispatchApp.outputs.name
output presenceAppName string = presenceApp.outputs.name
output ingressUrl string = 'https://${ingressApp.outputs.defaultHostName}'
output presenceUrl string = 'https://${presenceApp.outputs.defaultHostName}'
output presenceHostName string = presenceHostName
output signalRName string = signalR.outputs.name
output hubName string = hubName
output serviceBusNamespace string = serviceBus.outputs.name
output storageAccountName string = storage.outputs.name
// The app identities; infra/hooks/predeploy.sh waits until their storage role assignments can have propagated.
output appPrincipalIds string = join([ingressIdentity.outputs.principalId, dispatchIdentity.outputs.principalId, presenceIdentity.outputs.principalId], ',')
