// Logs and telemetry: Application Insights on a Log Analytics workspace. Local (key) authentication is off, so
// only the app's identity can send telemetry (APPLICATIONINSIGHTS_AUTHENTICATION_STRING), not anyone who reads
// the connection string.
import { monitoringMetricsPublisher } from 'roles.bicep'

param token string
param location string
param tags object

@description('Principal id of the app\'s identity: it may publish telemetry to this component only.')
param principalId string

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: 'log-${token}'
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    // The free retention: 30 days of logs cost nothing beyond ingestion.
    retentionInDays: 30
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: 'appi-${token}'
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    DisableLocalAuth: true
  }
}

resource publishTelemetry 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(insights.id, principalId, monitoringMetricsPublisher)
  scope: insights
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisher)
  }
}

output connectionString string = insights.properties.ConnectionString
