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

@description('Principal ids allowed to send to call-events (ingress, dispatch for re-enqueue).')
param callEventsSenders array = []
@description('Principal ids allowed to receive from call-events (dispatch).')
param callEventsReceivers array = []
@description('Principal ids allowed to send to the call-outcomes topic (dispatch, presence).')
param callOutcomesSenders array = []
@description('Principal ids allowed to receive from the call-outcomes subscriptions (the telephony integration, operators).')
param callOutcomesReceivers array = []
@description('Principal type of the receivers/senders above: ServicePrincipal for managed identities.')
param principalType string = 'ServicePrincipal'
@description('Optional operator (user or group) for the ops dead-letter CLI: receive + send on call-events and call-outcomes.')
param operatorPrincipalId string = ''
@allowed(['User', 'Group', 'ServicePrincipal'])
param operatorPrincipalType string = 'User'

var serviceBusDataSender = '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39'
var serviceBusDataReceiver = '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0'

resource namespace 'Microsoft.ServiceBus/namespaces@2021-11-01' = {
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

resource callEvents 'Microsoft.ServiceBus/namespaces/queues@2021-11-01' = {
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
resource callOutcomes 'Microsoft.ServiceBus/namespaces/topics@2021-11-01' = {
  parent: namespace
  name: callOutcomesTopicName
  properties: {
    requiresDuplicateDetection: true
    duplicateDetectionHistoryTimeWindow: duplicateDetectionWindow
    defaultMessageTimeToLive: 'P7D'
  }
}

resource callOutcomesSubscription 'Microsoft.ServiceBus/namespaces/topics/subscriptions@2021-11-01' = [for s in callOutcomesSubscriptions: {
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
resource callOutcomesFilter 'Microsoft.ServiceBus/namespaces/topics/subscriptions/rules@2021-11-01' = [for (s, i) in callOutcomesSubscriptions: if (!empty(s.sqlFilter)) {
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

resource callEventsReceive 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for p in callEventsReceivers: {
  scope: callEvents
  name: guid(callEvents.id, p, serviceBusDataReceiver)
  properties: {
    principalId: p
    principalType: principalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', serviceBusDataReceiver)
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
// e.g. sb-abc.servicebus.windows.net — what ServiceBusConnection__fullyQualifiedNamespace expects
output fullyQualifiedNamespace string = '${namespace.name}.servicebus.windows.net'
