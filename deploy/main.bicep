// AppLogs_CL table, a Direct data collection rule (with its own logs ingestion endpoint) for the
// Custom-AppLogs stream, and optionally the Monitoring Metrics Publisher role for the identity that sends logs.
// Same resources as azuredeploy.json. Deploy into the resource group of the Log Analytics workspace:
//   az deployment group create -g <rg> -f deploy/main.bicep -p workspaceName=<ws> principalId=<object-id>

@description('Name of an existing Log Analytics workspace in this resource group.')
param workspaceName string

@description('Region; must be the workspace region.')
param location string = resourceGroup().location

param dataCollectionRuleName string = 'dcr-app-logs'

@description('Object id of the service principal or managed identity that sends logs. Empty: no role assignment.')
param principalId string = ''

@allowed(['ServicePrincipal', 'User', 'Group'])
param principalType string = 'ServicePrincipal'

var monitoringMetricsPublisher = '3913510d-42f4-4e42-8a64-420c390055eb'

resource workspace 'Microsoft.OperationalInsights/workspaces@2022-10-01' existing = {
  name: workspaceName
}

resource table 'Microsoft.OperationalInsights/workspaces/tables@2022-10-01' = {
  parent: workspace
  name: 'AppLogs_CL'
  properties: {
    plan: 'Analytics'
    retentionInDays: 30
    schema: {
      name: 'AppLogs_CL'
      columns: [
        { name: 'TimeGenerated', type: 'dateTime', description: 'When the log record was produced (UTC)' }
        { name: 'ObservedTimestamp', type: 'dateTime', description: 'When the logging pipeline observed the record' }
        { name: 'SeverityText', type: 'string', description: 'Level name as the framework spells it' }
        { name: 'SeverityNumber', type: 'int', description: 'OpenTelemetry severity number (1-24)' }
        { name: 'Body', type: 'string', description: 'The log message' }
        { name: 'Attributes', type: 'dynamic', description: 'Structured fields of the record' }
        { name: 'Resource', type: 'dynamic', description: 'Attributes of the process or service that logged' }
        { name: 'ServiceName', type: 'string', description: 'service.name' }
        { name: 'HostName', type: 'string', description: 'Host that logged' }
        { name: 'TraceId', type: 'string', description: 'W3C trace id (32 hex)' }
        { name: 'SpanId', type: 'string', description: 'W3C span id (16 hex)' }
        { name: 'TraceFlags', type: 'int', description: 'W3C trace flags' }
        { name: 'ScopeName', type: 'string', description: 'Instrumentation scope or logging library' }
        { name: 'ScopeVersion', type: 'string', description: 'Instrumentation scope version' }
        { name: 'EventName', type: 'string', description: 'Event name' }
        { name: 'ExceptionType', type: 'string', description: 'Exception type' }
        { name: 'ExceptionMessage', type: 'string', description: 'Exception message' }
        { name: 'ExceptionStacktrace', type: 'string', description: 'Exception stack trace' }
      ]
    }
  }
}

resource dcr 'Microsoft.Insights/dataCollectionRules@2023-03-11' = {
  name: dataCollectionRuleName
  location: location
  kind: 'Direct'
  dependsOn: [table]
  properties: {
    description: 'dcr-logs: winston, pino and OpenTelemetry logs into AppLogs_CL'
    streamDeclarations: {
      'Custom-AppLogs': {
        columns: [
          { name: 'TimeGenerated', type: 'datetime' }
          { name: 'ObservedTimestamp', type: 'datetime' }
          { name: 'SeverityText', type: 'string' }
          { name: 'SeverityNumber', type: 'int' }
          { name: 'Body', type: 'string' }
          { name: 'Attributes', type: 'dynamic' }
          { name: 'Resource', type: 'dynamic' }
          { name: 'ServiceName', type: 'string' }
          { name: 'HostName', type: 'string' }
          { name: 'TraceId', type: 'string' }
          { name: 'SpanId', type: 'string' }
          { name: 'TraceFlags', type: 'int' }
          { name: 'ScopeName', type: 'string' }
          { name: 'ScopeVersion', type: 'string' }
          { name: 'EventName', type: 'string' }
          { name: 'ExceptionType', type: 'string' }
          { name: 'ExceptionMessage', type: 'string' }
          { name: 'ExceptionStacktrace', type: 'string' }
        ]
      }
    }
    destinations: {
      logAnalytics: [
        { workspaceResourceId: workspace.id, name: 'workspace' }
      ]
    }
    dataFlows: [
      {
        streams: ['Custom-AppLogs']
        destinations: ['workspace']
        transformKql: 'source'
        outputStream: 'Custom-AppLogs_CL'
      }
    ]
  }
}

resource publisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(principalId)) {
  scope: dcr
  name: guid(dcr.id, principalId, monitoringMetricsPublisher)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisher)
    principalId: principalId
    principalType: principalType
  }
}

output DCR_LOGS_ENDPOINT string = dcr.properties.endpoints.logsIngestion
output DCR_LOGS_RULE_ID string = dcr.properties.immutableId
output DCR_LOGS_STREAM_NAME string = 'Custom-AppLogs'
