// Entry point for `azd up` / `azd provision` (Azure Developer CLI conventions): a resource group per azd
// environment and everything in it via resources.bicep.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('azd environment name; names and tags derive from it.')
param environmentName string

@minLength(1)
@description('Azure region for every resource (must offer Flex Consumption when planType is FlexConsumption).')
param location string

@allowed(['FlexConsumption', 'Premium'])
param planType string = 'FlexConsumption'

@allowed(['Standard', 'Premium'])
param serviceBusSku string = 'Standard'

@allowed(['Free_F1', 'Standard_S1', 'Premium_P1'])
param signalRSku string = 'Standard_S1'

@description('Comma-separated browser origins allowed by SignalR CORS and the presence app, e.g. https://contoso.crm.dynamics.com. Never *.')
param allowedOrigins string

@description('Entra tenant of the API app registration.')
param tenantId string = tenant().tenantId

@description('Application (client) id of the API app registration (see infra/README.md).')
param apiClientId string

@description('Delegated scope agents consent to (exposed by the API app registration).')
param apiScope string = 'user_impersonation'

@description('App role telephony callers need when ingressRequireAppToken is true.')
param callsSendRole string = 'Calls.Send'

@description('Entra login endpoint; defaults to the one of the cloud being deployed to (public, US Government, China).')
param authorityHost string = environment().authentication.loginEndpoint

@description('true: telephony callers need an Entra app token with the Calls.Send role in addition to the function key.')
@allowed(['true', 'false'])
param ingressRequireAppToken string = 'true'

@description('Optional user/group object id of an operator for the ops dead-letter CLI.')
param operatorPrincipalId string = ''

@description('What operatorPrincipalId is: a group id with User fails with UnmatchedPrincipalType.')
@allowed(['User', 'Group', 'ServicePrincipal'])
param operatorPrincipalType string = 'User'

param defaultRingSeconds int = 30
param maxRingSeconds int = 300
param offlineRetrySeconds int = 2
@description('Concurrent calls an agent may be on (issue 20).')
@minValue(1)
param agentCapacity int = 1
@description('ISO-8601 duration after which an accepted call stops counting toward capacity without its call.ended.')
param maxCallDuration string = 'PT4H'
@description('Consecutive missed popups after which an Available agent is set Away.')
@minValue(1)
param missedCallsBeforeAway int = 2
param clientTokenMinutes int = 60
param staleConnectionMinutes int = 10
@description('NCRONTAB of the dispatch ring-window expiry sweep: Expired arrives at most one interval after the window; each run is billed on Flex (infra/README.md, Timers and cost).')
param expirySweepSchedule string = '*/15 * * * * *'
@description('NCRONTAB of the presence outcome republisher (repairs decisions whose call-outcomes send failed).')
param outcomeRepublishSchedule string = '0 * * * * *'

var tags = { 'azd-env-name': environmentName }
// loginEndpoint ends with '/'; a custom authorityHost may not.
var authorityBase = endsWith(authorityHost, '/') ? authorityHost : '${authorityHost}/'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module resources 'resources.bicep' = {
  name: 'resources'
  scope: rg
  params: {
    environmentName: environmentName
    location: location
    tags: tags
    planType: planType
    serviceBusSku: serviceBusSku
    signalRSku: signalRSku
    allowedOrigins: allowedOrigins
    tenantId: tenantId
    apiClientId: apiClientId
    authorityHost: authorityBase
    apiScope: apiScope
    callsSendRole: callsSendRole
    ingressRequireAppToken: ingressRequireAppToken
    operatorPrincipalId: operatorPrincipalId
    operatorPrincipalType: operatorPrincipalType
    defaultRingSeconds: defaultRingSeconds
    maxRingSeconds: maxRingSeconds
    offlineRetrySeconds: offlineRetrySeconds
    agentCapacity: agentCapacity
    maxCallDuration: maxCallDuration
    missedCallsBeforeAway: missedCallsBeforeAway
    clientTokenMinutes: clientTokenMinutes
    staleConnectionMinutes: staleConnectionMinutes
    expirySweepSchedule: expirySweepSchedule
    outcomeRepublishSchedule: outcomeRepublishSchedule
  }
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenantId
output AZURE_RESOURCE_GROUP string = rg.name

// Values the Dynamics solution's environment variables need (infra/README.md).
output ClientId string = apiClientId
output AdaptorFunctionUrl string = resources.outputs.presenceUrl
output Authority string = '${authorityBase}${tenantId}'
output Scope string = 'api://${apiClientId}/${apiScope}'
// The same values under the Dataverse solution's environment variable names (docs/dynamics-admin.md):
// `azd env get-values | grep ^cifpipe_` prints what to enter when importing the solution.
output cifpipe_PresenceBaseUrl string = resources.outputs.presenceUrl
output cifpipe_Authority string = '${authorityBase}${tenantId}'
output cifpipe_ClientId string = apiClientId
output cifpipe_ApiScope string = 'api://${apiClientId}/${apiScope}'
output cifpipe_HubName string = resources.outputs.hubName

// Telephony side and hooks.
output INGRESS_CALLS_URL string = '${resources.outputs.ingressUrl}/api/calls'
output INGRESS_APP_NAME string = resources.outputs.ingressAppName
output DISPATCH_APP_NAME string = resources.outputs.dispatchAppName
output PRESENCE_APP_NAME string = resources.outputs.presenceAppName
output PRESENCE_HOST_NAME string = resources.outputs.presenceHostName
output SIGNALR_NAME string = resources.outputs.signalRName
output SIGNALR_HUB string = resources.outputs.hubName
output SERVICEBUS_NAMESPACE string = resources.outputs.serviceBusNamespace
output STORAGE_ACCOUNT_NAME string = resources.outputs.storageAccountName
output APP_PRINCIPAL_IDS string = resources.outputs.appPrincipalIds
