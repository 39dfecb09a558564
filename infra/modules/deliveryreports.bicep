// ACS email delivery reports: an Event Grid system topic on the Communication Services resource and, once the app
// is deployed (Event Grid validates the endpoint when the subscription is created), a subscription delivering
// Microsoft.Communication.EmailDeliveryReportReceived to POST /api/events/email with the secret and the function key.
param token string
param tags object
param communicationName string
param functionAppName string

@secure()
@description('The secret the endpoint checks (Reminders__EventGridSecret); the same value as in Key Vault.')
param eventGridSecret string

@description('Create the subscription (the app must already answer the validation handshake).')
param subscribe bool

resource communication 'Microsoft.Communication/communicationServices@2023-04-01' existing = {
  name: communicationName
}

resource site 'Microsoft.Web/sites@2024-04-01' existing = {
  name: functionAppName
}

resource topic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: 'evgt-${token}'
  location: 'global'
  tags: tags
  properties: {
    source: communication.id
    topicType: 'Microsoft.Communication.CommunicationServices'
  }
}

resource subscription 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = if (subscribe) {
  parent: topic
  name: 'email-delivery-reports'
  properties: {
    eventDeliverySchema: 'EventGridSchema'
    filter: {
      includedEventTypes: ['Microsoft.Communication.EmailDeliveryReportReceived']
    }
    destination: {
      endpointType: 'WebHook'
      properties: {
        // The function key (code=) and the app's own secret: both are checked. Neither is an output.
        endpointUrl: 'https://${site.properties.defaultHostName}/api/events/email?secret=${uriComponent(eventGridSecret)}&code=${uriComponent(listKeys('${site.id}/host/default', '2024-04-01').functionKeys.default)}'
        maxEventsPerBatch: 10
        preferredBatchSizeInKilobytes: 64
      }
    }
    retryPolicy: {
      maxDeliveryAttempts: 30
      eventTimeToLiveInMinutes: 1440
    }
  }
}
