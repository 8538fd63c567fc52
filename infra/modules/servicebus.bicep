// Service Bus namespace: the call-events queue, the call-outcomes topic with one subscription per consumer, and
// entity-scoped data-plane roles (no SAS keys used by the apps). Topics need Standard or Premium (not Basic).
// Rules: https://learn.microsoft.com/azure/templates/microsoft.servicebus/namespaces/topics/subscriptions/rules
param name string
param location string
param tags object = {}

@allowed(['Standard', 'Premium'])
param skuName string = 'Standard'
@description('Messaging units; only used for Premium.')
param premiumCapacity int = 1

param callEventsQueueName string
param callOutcomesTopicName string
@description('Subscriptions of call-outcomes, one per consumer: name and SQL filter of its $Default rule (empty = every outcome).')
param callOutcomesSubscriptions array

@description('Peek-lock duration of call-events: longer than the slowest dispatch invocation.')
param callEventsLockDuration string = 'PT1M'
@description('Deliveries before a call event is dead-lettered (poison message).')
param callEventsMaxDeliveryCount int = 10
@description('Duplicate detection window; MessageId = CloudEvent id, so re-posts inside it are dropped.')
param duplicateDetectionWindow string = 'PT10M'

@description('Principal ids allowed to send to call-events (ingress; dispatch sends with its trigger role).')
param callEventsSenders array = []
@description('Principal ids whose Service Bus trigger listens on call-events (dispatch): Data Owner on that queue only, see below.')
param callEventsTriggers array = []
@description('Principal ids allowed to send to the call-outcomes topic (dispatch, presence).')
param callOutcomesSenders array = []
@description('Principal ids allowed to receive from the call-outcomes subscriptions (the telephony integration, operators).')
param callOutcomesReceivers array = []
@description('Principal type of the receivers/senders above: ServicePrincipal for managed identities.')
param principalType string = 'ServicePrincipal'
@description('Optional operator (user or group) for the ops dead-letter CLI: receive + send on call-events and call-outcomes.')
param operatorPrincipalId string = ''
@description('Type of operatorPrincipalId; must match it or ARM refuses the assignment (UnmatchedPrincipalType).')
@allowed(['User', 'Group', 'ServicePrincipal'])
param operatorPrincipalType string

var serviceBusDataSender = '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39'
var serviceBusDataReceiver = '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0'
// Target-based scaling (Flex Consumption, Premium) reads the queue's active message count with
// GetQueueRuntimeProperties, which needs the Manage claim; Receiver alone makes the scaler fall back
// (Microsoft.Azure.WebJobs.Extensions.ServiceBus ServiceBusTargetScaler/ServiceBusMetricsProvider; the Functions
// Service Bus binding docs list Data Receiver or Data Owner for triggers). Data Owner is the smallest built-in role
// with Manage, so it is granted on the call-events queue only, not the namespace. It includes receive and send.
var serviceBusDataOwner = '090c5cfd-751d-490a-894a-3ce6f1109419'

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: skuName
    tier: skuName
    capacity: skuName == 'Premium' ? premiumCapacity : null
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
  }
}

resource callEvents 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' = {
  parent: namespace
  name: callEventsQueueName
  properties: {
    lockDuration: callEventsLockDuration
    maxDeliveryCount: callEventsMaxDeliveryCount
    requiresDuplicateDetection: true
    duplicateDetectionHistoryTimeWindow: duplicateDetectionWindow
    deadLetteringOnMessageExpiration: true
    defaultMessageTimeToLive: 'P1D'
  }
}

// A topic, so every consumer (telephony, supervisor view, analytics, audit) gets every outcome in its own
// subscription instead of competing for them on a queue.
resource callOutcomes 'Microsoft.ServiceBus/namespaces/topics@2024-01-01' = {
  parent: namespace
  name: callOutcomesTopicName
  properties: {
    requiresDuplicateDetection: true
    duplicateDetectionHistoryTimeWindow: duplicateDetectionWindow
    defaultMessageTimeToLive: 'P7D'
  }
}

resource callOutcomesSubscription 'Microsoft.ServiceBus/namespaces/topics/subscriptions@2024-01-01' = [for s in callOutcomesSubscriptions: {
  parent: callOutcomes
  name: s.name
  properties: {
    lockDuration: 'PT1M'
    maxDeliveryCount: 10
    deadLetteringOnMessageExpiration: true
    defaultMessageTimeToLive: 'P7D'
  }
}]

// Replaces the subscription's $Default rule (a true filter) where a filter is given; PUT on a rule updates it.
resource callOutcomesFilter 'Microsoft.ServiceBus/namespaces/topics/subscriptions/rules@2024-01-01' = [for (s, i) in callOutcomesSubscriptions: if (!empty(s.sqlFilter)) {
  parent: callOutcomesSubscription[i]
  name: '$Default'
  properties: {
    filterType: 'SqlFilter'
    sqlFilter: {
      sqlExpression: s.sqlFilter
    }
  }
}]

resource callEventsSend 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for p in callEventsSenders: {
  scope: callEvents
  name: guid(callEvents.id, p, serviceBusDataSender)
  properties: {
    principalId: p
    principalType: principalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', serviceBusDataSender)
  }
}]

resource callEventsTrigger 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for p in callEventsTriggers: {
  scope: callEvents
  name: guid(callEvents.id, p, serviceBusDataOwner)
  properties: {
    principalId: p
    principalType: principalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', serviceBusDataOwner)
  }
}]

resource callOutcomesSend 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for p in callOutcomesSenders: {
  scope: callOutcomes
  name: guid(callOutcomes.id, p, serviceBusDataSender)
  properties: {
    principalId: p
    principalType: principalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', serviceBusDataSender)
  }
}]

resource callOutcomesReceive 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for p in callOutcomesReceivers: {
  scope: callOutcomes
  name: guid(callOutcomes.id, p, serviceBusDataReceiver)
  properties: {
    principalId: p
    principalType: principalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', serviceBusDataReceiver)
  }
}]

var operatorRoles = empty(operatorPrincipalId) ? [] : [serviceBusDataReceiver, serviceBusDataSender]

resource operatorOnCallEvents 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for r in operatorRoles: {
  scope: callEvents
  name: guid(callEvents.id, operatorPrincipalId, r)
  properties: {
    principalId: operatorPrincipalId
    principalType: operatorPrincipalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', r)
  }
}]

resource operatorOnCallOutcomes 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for r in operatorRoles: {
  scope: callOutcomes
  name: guid(callOutcomes.id, operatorPrincipalId, r)
  properties: {
    principalId: operatorPrincipalId
    principalType: operatorPrincipalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', r)
  }
}]

output name string = namespace.name
// Host of the endpoint Azure reports (https://<name>.<cloud suffix>:443/), so sovereign clouds get their own suffix;
// what ServiceBusConnection__fullyQualifiedNamespace expects.
output fullyQualifiedNamespace string = split(split(split(namespace.properties.serviceBusEndpoint, '//')[1], '/')[0], ':')[0]
