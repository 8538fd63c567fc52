// Alert rules and the supervisor workbook (issue 21). Metric names: docs/telemetry.md; thresholds are parameters
// (main.bicep) and shared-runtime's AlertRulesTest checks that every rule below exists with its threshold.
param location string
param tags object = {}
param applicationInsightsName string
param serviceBusNamespaceName string
param signalRName string
@description('Resource id of an existing action group to notify (empty: rules fire in the portal only).')
param actionGroupId string = ''
@description('Undeliverable outcomes above this percentage of all outcomes over 15 minutes raise an alert.')
param undeliverableRatePercent int = 5
@description('Missed calls (Expired outcomes) above this percentage of all outcomes over 15 minutes raise an alert.')
param missedRatePercent int = 20
@description('Failed function executions (all apps) in 5 minutes that raise an alert.')
param functionFailureThreshold int = 5
@description('SignalR connections closed abnormally (not by the client) in 5 minutes that raise an alert.')
param signalRConnectionDropThreshold int = 20

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}
resource serviceBus 'Microsoft.ServiceBus/namespaces@2024-01-01' existing = {
  name: serviceBusNamespaceName
}
resource signalR 'Microsoft.SignalRService/signalR@2024-03-01' existing = {
  name: signalRName
}

var actions = empty(actionGroupId) ? [] : [
  {
    actionGroupId: actionGroupId
  }
]

// Any message in a dead-letter queue (call-events or a call-outcomes subscription) needs an operator; without a
// dimension filter the namespace-wide value is checked, which is > 0 as soon as one entity holds a dead letter.
resource dlqDepth 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: 'alert-dlq-depth-${serviceBusNamespaceName}'
  location: 'global'
  tags: tags
  properties: {
    description: 'Dead-lettered messages > 0 (replay with ./dev ops dlq or the ops runbook).'
    severity: 2
    enabled: true
    scopes: [serviceBus.id]
    evaluationFrequency: 'PT1M'
    windowSize: 'PT5M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'DeadletteredMessages'
          metricNamespace: 'Microsoft.ServiceBus/namespaces'
          metricName: 'DeadletteredMessages'
          operator: 'GreaterThan'
          threshold: 0
          timeAggregation: 'Maximum'
        }
      ]
    }
    actions: actions
  }
}

// Failed executions of any function (Application Insights standard metric over the apps' requests).
resource functionFailures 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: 'alert-function-failures-${applicationInsightsName}'
  location: 'global'
  tags: tags
  properties: {
    description: 'Function executions failed (requests/failed) above the threshold in 5 minutes.'
    severity: 2
    enabled: true
    scopes: [appInsights.id]
    evaluationFrequency: 'PT1M'
    windowSize: 'PT5M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'FailedRequests'
          metricNamespace: 'microsoft.insights/components'
          metricName: 'requests/failed'
          operator: 'GreaterThan'
          threshold: functionFailureThreshold
          timeAggregation: 'Count'
        }
      ]
    }
    actions: actions
  }
}

// Agents' connections dropped by the service (not closed normally by the client).
resource signalRDrops 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: 'alert-signalr-drops-${signalRName}'
  location: 'global'
  tags: tags
  properties: {
    description: 'SignalR connections closed abnormally above the threshold in 5 minutes.'
    severity: 2
    enabled: true
    scopes: [signalR.id]
    evaluationFrequency: 'PT1M'
    windowSize: 'PT5M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'ConnectionCloseCount'
          metricNamespace: 'Microsoft.SignalRService/SignalR'
          metricName: 'ConnectionCloseCount'
          dimensions: [
            {
              name: 'ConnectionCloseCategory'
              operator: 'Exclude'
              values: ['Normal']
            }
          ]
          operator: 'GreaterThan'
          threshold: signalRConnectionDropThreshold
          timeAggregation: 'Total'
        }
      ]
    }
    actions: actions
  }
}

// Share of one outcome among all outcomes published in the last 15 minutes (metric cifpipe.outcomes).
var outcomeRateQuery = 'customMetrics | where name == "cifpipe.outcomes" | extend outcome = tostring(customDimensions["cifpipe.outcome"]) | summarize total = sum(valueSum), matching = sumif(valueSum, outcome == "{0}") | where total > 0 | extend ratePercent = 100.0 * matching / total'

resource undeliverableRate 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: 'alert-undeliverable-rate-${applicationInsightsName}'
  location: location
  tags: tags
  properties: {
    description: 'Undeliverable outcomes above the threshold share of all outcomes (15 minutes).'
    severity: 2
    enabled: true
    scopes: [appInsights.id]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: format(outcomeRateQuery, 'Undeliverable')
          timeAggregation: 'Maximum'
          metricMeasureColumn: 'ratePercent'
          operator: 'GreaterThan'
          threshold: undeliverableRatePercent
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    actions: {
      actionGroups: empty(actionGroupId) ? [] : [actionGroupId]
    }
  }
}

resource missedRate 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: 'alert-missed-rate-${applicationInsightsName}'
  location: location
  tags: tags
  properties: {
    description: 'Missed calls (Expired outcomes) above the threshold share of all outcomes (15 minutes).'
    severity: 3
    enabled: true
    scopes: [appInsights.id]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: format(outcomeRateQuery, 'Expired')
          timeAggregation: 'Maximum'
          metricMeasureColumn: 'ratePercent'
          operator: 'GreaterThan'
          threshold: missedRatePercent
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    actions: {
      actionGroups: empty(actionGroupId) ? [] : [actionGroupId]
    }
  }
}

// The supervisor figures of the local ops dashboard, last 15 minutes and today, from the apps' OpenTelemetry data.
var supervisorQueries = [
  {
    title: 'Outcomes by type and reason (last 15 min / today)'
    query: 'customMetrics | where timestamp > startofday(now()) and name == "cifpipe.outcomes" | extend outcome = tostring(customDimensions["cifpipe.outcome"]), reason = tostring(customDimensions["cifpipe.reason"]) | summarize last15min = sumif(valueSum, timestamp > ago(15m)), today = sum(valueSum) by outcome, reason | order by outcome asc'
    visualization: 'table'
  }
  {
    title: 'Offered, accepted, rejected, missed, unavailable, undeliverable per 5 minutes (today)'
    query: 'customMetrics | where timestamp > startofday(now()) and name == "cifpipe.outcomes" | extend outcome = tostring(customDimensions["cifpipe.outcome"]) | where outcome != "Withdrawn" | summarize calls = sum(valueSum) by outcome, bin(timestamp, 5m)'
    visualization: 'barchart'
  }
  {
    title: 'Answer time (delivered to decided) p50 / p90 (last 15 min / today)'
    query: 'union requests, dependencies | where timestamp > startofday(now()) and name == "cifpipe.presence.decide" | extend answerMs = todouble(customDimensions["cifpipe.answer.ms"]) | where isnotnull(answerMs) | summarize p50_15min = percentileif(answerMs, 50, timestamp > ago(15m)), p90_15min = percentileif(answerMs, 90, timestamp > ago(15m)), p50_today = percentile(answerMs, 50), p90_today = percentile(answerMs, 90)'
    visualization: 'table'
  }
  {
    title: 'Stage latency (ingress accepted to dispatched / delivered), average and max per 5 minutes'
    query: 'customMetrics | where timestamp > ago(1d) and name == "cifpipe.notification.stage.duration" | extend stage = tostring(customDimensions["cifpipe.stage"]) | summarize avgSeconds = sum(valueSum) / sum(valueCount), maxSeconds = max(valueMax) by stage, bin(timestamp, 5m)'
    visualization: 'linechart'
  }
  {
    title: 'Agents by availability and open connections'
    query: 'customMetrics | where timestamp > ago(15m) and name in ("cifpipe.agents", "cifpipe.presence.connections") | extend key = iff(name == "cifpipe.agents", tostring(customDimensions["cifpipe.availability"]), "connections") | summarize arg_max(timestamp, value) by key'
    visualization: 'table'
  }
]

var workbookContent = {
  version: 'Notebook/1.0'
  items: concat([
    {
      type: 1
      content: {
        json: '## Call notifications: supervisor view\nOutcomes, answer times and agents from the apps\' OpenTelemetry metrics and spans (names: docs/telemetry.md).'
      }
      name: 'intro'
    }
  ], map(supervisorQueries, q => {
    type: 3
    content: {
      version: 'KqlItem/1.0'
      title: q.title
      query: q.query
      size: 0
      queryType: 0
      resourceType: 'microsoft.insights/components'
      visualization: q.visualization
      timeContext: {
        durationMs: 86400000
      }
    }
    name: q.title
  }))
  isLocked: false
}

resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  name: guid(resourceGroup().id, applicationInsightsName, 'supervisor-workbook')
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: 'Call notifications - supervisor'
    category: 'workbook'
    sourceId: appInsights.id
    serializedData: string(workbookContent)
  }
}

output workbookId string = workbook.id
