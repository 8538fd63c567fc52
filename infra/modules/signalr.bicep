// Azure SignalR Service in Serverless mode, keyless: local (access-key) auth is disabled, so no key exists in any
// app setting or URL. The apps call the data-plane REST API with Entra tokens of their managed identities
// (AuthType=azure.msi) and get client tokens from the service's :generateToken operation; this module grants those
// identities "SignalR REST API Owner" on this resource only. The upstream to presence's HTTP route authenticates
// with SignalR's own system-assigned identity: SignalR sends an Entra token for `upstreamResource` (the API app),
// which presence validates (issuer, audience, signature, and oid = this identity). CORS is an allow-list.
// Microsoft pages: "Upstream endpoints" (azure-signalr/concept-upstream), "Managed identities for Azure SignalR
// Service" (azure-signalr/howto-use-managed-identity), "Authorize requests to SignalR resources with Microsoft
// Entra managed identities" (azure-signalr/signalr-howto-authorize-managed-identity).
param name string
param location string
param tags object = {}

@allowed(['Free_F1', 'Standard_S1', 'Premium_P1'])
param skuName string = 'Standard_S1'
param capacity int = 1

@description('Browser origins allowed to connect (the Dynamics org URL, e.g. https://contoso.crm.dynamics.com).')
param allowedOrigins array

param hubName string
@description('Upstream URL template (no secret): https://<presence host>/api/signalr/{hub}/{category}/{event}.')
param upstreamUrlTemplate string
@description('Resource SignalR requests its managed-identity token for when calling the upstream (the API app client id).')
param upstreamResource string
@description('Principal ids that call the data-plane REST API and :generateToken (dispatch, presence).')
param restApiPrincipals array

// SignalR REST API Owner: the built-in data-plane role for REST calls (send, connection/user/group reads and
// writes) and client token generation. SignalR App Server covers server connections, which serverless apps never
// open; SignalR REST API Reader cannot send. Scoped to this resource, not the resource group.
var restApiOwnerRoleId = 'fd53cd77-2268-407a-8f46-7e7863d0f521'
var tier = split(skuName, '_')[0]

resource signalR 'Microsoft.SignalRService/signalR@2024-03-01' = {
  name: name
  location: location
  tags: tags
  kind: 'SignalR'
  sku: {
    name: skuName
    tier: tier
    capacity: capacity
  }
  // Its token authenticates upstream calls to presence.
  identity: { type: 'SystemAssigned' }
  properties: {
    features: [
      { flag: 'ServiceMode', value: 'Serverless' }
      { flag: 'EnableConnectivityLogs', value: 'True' }
    ]
    cors: {
      allowedOrigins: allowedOrigins
    }
    upstream: {
      templates: [
        {
          hubPattern: hubName
          eventPattern: '*'
          categoryPattern: '*'
          urlTemplate: upstreamUrlTemplate
          auth: {
            type: 'ManagedIdentity'
            managedIdentity: { resource: upstreamResource }
          }
        }
      ]
    }
    disableLocalAuth: true
    disableAadAuth: false
    tls: { clientCertEnabled: false }
  }
}

resource restApiOwners 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for principalId in restApiPrincipals: {
  name: guid(signalR.id, principalId, restApiOwnerRoleId)
  scope: signalR
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', restApiOwnerRoleId)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}]

output name string = signalR.name
output hostName string = signalR.properties.hostName
output principalId string = signalR.identity.principalId
