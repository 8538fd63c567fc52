// One Java 17 Function app on Linux with a user-assigned identity.
//   FlexConsumption (default): its own FC1 plan (Flex allows one app per plan), package in a blob container
//                              read with the identity; host storage identity-based; no storage keys anywhere.
//   Premium:                   runs on the shared Elastic Premium plan passed in; Azure Files content share
//                              needs a storage connection string (the one key-based setting, Azure's requirement).
// The caller passes the app's own settings (names from io.cifpipe.model.Setting); this module adds only the
// platform settings listed in platformSettings below.
param name string
param location string
param tags object = {}
@description('azd service name (azure.yaml) this app deploys.')
param serviceName string

@allowed(['FlexConsumption', 'Premium'])
param planType string = 'FlexConsumption'
@description('Elastic Premium plan id when planType is Premium.')
param premiumPlanId string = ''

param identityId string
param identityClientId string
param storageAccountName string
param storageBlobEndpoint string
param deploymentContainerName string

// @secure(): these settings carry connection strings/keys, and a plain module parameter is kept readable in the
// deployment history for anyone with Reader on the resource group.
@secure()
@description('The app settings the code reads (keys from the shared Setting list).')
param appSettings object

param maximumInstanceCount int = 40
param instanceMemoryMB int = 2048

var isFlex = planType == 'FlexConsumption'

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource flexPlan 'Microsoft.Web/serverfarms@2024-04-01' = if (isFlex) {
  name: 'plan-${name}'
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: isFlex ? flexPlan.id : premiumPlanId
    httpsOnly: true
    siteConfig: {
      linuxFxVersion: isFlex ? null : 'Java|17'
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
    }
    functionAppConfig: isFlex ? {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageBlobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'java'
        version: '17'
      }
    } : null
  }
}

// Platform settings only; everything else comes from appSettings.
var identityStorageSettings = {
  AzureWebJobsStorage__accountName: storageAccountName
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  // DefaultAzureCredential in the apps' SDK clients picks the user-assigned identity by this id.
  AZURE_CLIENT_ID: identityClientId
}
var premiumSettings = isFlex ? {} : {
  FUNCTIONS_EXTENSION_VERSION: '~4'
  FUNCTIONS_WORKER_RUNTIME: 'java'
  WEBSITE_CONTENTAZUREFILECONNECTIONSTRING: 'DefaultEndpointsProtocol=https;AccountName=${storageAccountName};EndpointSuffix=${environment().suffixes.storage};AccountKey=${storage.listKeys().keys[0].value}'
  WEBSITE_CONTENTSHARE: toLower(name)
}
// The Application Insights Java agent built into the Functions Java worker: it receives the apps' OpenTelemetry API
// calls (spans, metrics) and W3C trace context. Microsoft: "Monitor Azure Functions with Azure Monitor Application
// Insights", Distributed tracing for Java applications (infra/README.md, Monitoring).
var monitoringSettings = {
  APPLICATIONINSIGHTS_ENABLE_AGENT: 'true'
}
var platformSettings = union(identityStorageSettings, premiumSettings, monitoringSettings)

resource settings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: app
  name: 'appsettings'
  properties: union(platformSettings, appSettings)
}

output name string = app.name
output defaultHostName string = app.properties.defaultHostName
