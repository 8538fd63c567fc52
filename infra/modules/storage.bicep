// Storage account: Functions host storage (identity-based), Flex deployment containers, and the two tables
// (Connections, Notifications) with table-scoped data roles.
param name string
param location string
param tags object = {}

param connectionsTableName string
param notificationsTableName string
@description('Per-agent state dispatch reads once per offer (AgentState); presence maintains it.')
param agentsTableName string
@description('Blob containers for Flex Consumption deployment packages (one per app).')
param deploymentContainers array = []
@description('Shared keys stay disabled unless a Premium plan needs its content file share.')
param allowSharedKeyAccess bool = false

@description('Principal ids of the Function apps: Blob Data Owner on the account for host storage (keys, leases) and deployments.')
param hostPrincipals array = []
@description('Principal ids with read/write on both tables.')
param tableContributors array = []
@description('Principal ids with read-only access to the Notifications ledger (ingress status endpoint).')
param notificationsReaders array = []
param principalType string = 'ServicePrincipal'

var blobDataOwner = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
var tableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
var tableDataReader = '76199698-9eea-4c19-bc75-cec21354c6b6'

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    allowSharedKeyAccess: allowSharedKeyAccess
    defaultToOAuthAuthentication: true
  }
}

resource blobs 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [for c in deploymentContainers: {
  parent: blobs
  name: c
  properties: { publicAccess: 'None' }
}]

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource connectionsTable 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = {
  parent: tableService
  name: connectionsTableName
}

resource notificationsTable 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = {
  parent: tableService
  name: notificationsTableName
}

resource agentsTable 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = {
  parent: tableService
  name: agentsTableName
}

resource hostBlobOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for p in hostPrincipals: {
  scope: account
  name: guid(account.id, p, blobDataOwner)
  properties: {
    principalId: p
    principalType: principalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', blobDataOwner)
  }
}]

resource connectionsWriters 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for p in tableContributors: {
  scope: connectionsTable
  name: guid(connectionsTable.id, p, tableDataContributor)
  properties: {
    principalId: p
    principalType: principalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', tableDataContributor)
  }
}]

resource notificationsWriters 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for p in tableContributors: {
  scope: notificationsTable
  name: guid(notificationsTable.id, p, tableDataContributor)
  properties: {
    principalId: p
    principalType: principalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', tableDataContributor)
  }
}]

resource notificationsReaderRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for p in notificationsReaders: {
  scope: notificationsTable
  name: guid(notificationsTable.id, p, tableDataReader)
  properties: {
    principalId: p
    principalType: principalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', tableDataReader)
  }
}]

output name string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob
// what TablesConnection__tableServiceUri expects
output tableEndpoint string = account.properties.primaryEndpoints.table
