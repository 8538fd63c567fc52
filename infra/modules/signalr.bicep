// Azure SignalR Service in Serverless mode. CORS is an allow-list (never '*'). The upstream to the presence
// app (…/runtime/webhooks/signalr?code=<signalr_extension system key>) is added once the key exists:
// the Functions host creates that system key when the presence app first starts, i.e. after `azd deploy`,
// so infra/hooks/postdeploy.sh reads it, stores it in the azd environment (SIGNALR_UPSTREAM_KEY) and applies
// it; every later `azd provision` passes it back in here so the upstream is not reset.
param name string
param location string
param tags object = {}

@allowed(['Free_F1', 'Standard_S1', 'Premium_P1'])
param skuName string = 'Standard_S1'
param capacity int = 1

@description('Browser origins allowed to connect (the Dynamics org URL, e.g. https://contoso.crm.dynamics.com).')
param allowedOrigins array

param hubName string
@description('Full upstream URL (with ?code=); empty until the presence app has its signalr_extension key.')
@secure()
param upstreamUrl string = ''

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
  properties: {
    features: [
      { flag: 'ServiceMode', value: 'Serverless' }
      { flag: 'EnableConnectivityLogs', value: 'True' }
    ]
    cors: {
      allowedOrigins: allowedOrigins
    }
    upstream: {
      templates: empty(upstreamUrl) ? [] : [
        {
          hubPattern: hubName
          eventPattern: '*'
          categoryPattern: '*'
          urlTemplate: upstreamUrl
        }
      ]
    }
    // The apps sign client tokens and REST calls with the access key (see infra/README.md), so local auth stays on.
    disableLocalAuth: false
    tls: { clientCertEnabled: false }
  }
}

output name string = signalR.name
output hostName string = signalR.properties.hostName
