// Everything the Reminders service needs in Azure, for `azd up` (azure.yaml at the repository root).
// One resource group per azd environment; every resource name is derived from it, so environments never collide.
// What is created, what it costs and how to rotate the keys: docs/deploy.md.
targetScope = 'subscription'

@minLength(1)
@maxLength(40)
@description('Name of the azd environment (AZURE_ENV_NAME): names the resource group and seeds every resource name.')
param environmentName string

@minLength(1)
@description('Azure region of every regional resource. Flex Consumption is not offered in every region: see docs/deploy.md.')
param location string

@description('Optional: a domain of your own to send reminders from (e.g. reminders.clinic.example). Empty: the Azure-managed *.azurecomm.net domain.')
param customSenderDomain string = ''

@description('Set to true once the DNS records of customSenderDomain (output CUSTOM_SENDER_DOMAIN_DNS_RECORDS) are in place and ACS verified them: only a verified domain can be linked and sent from.')
param customSenderDomainVerified bool = false

@description('Where ACS keeps email data at rest, e.g. United States, Europe, UK.')
param emailDataLocation string = 'United States'

@description('Optional: the public origin patients\' unsubscribe links point at (a custom domain or front door). Empty: the function app\'s own https host.')
param publicBaseUrl string = ''

@description('NCRONTAB schedule (UTC) of the planning sweep. Hourly, so every time zone gets a run inside its send window.')
param sweepSchedule string = '0 0 * * * *'

@description('The Storage queue the sweep plans onto and the senders read.')
param dispatchQueueName string = 'reminders-dispatch'

@description('False: sweeps record their decisions but send no email (a dry run of a new deployment).')
param sendingEnabled bool = true

@minValue(1)
@maxValue(1000)
@description('Flex Consumption scale-out ceiling. Sending is paced by the ACS quota, not by instances; 40 is accepted in every Flex region.')
param maximumInstanceCount int = 40

// Generated once by azd (metadata below) and kept in .azure/<env>/config.json, so every later `azd up` passes the
// same values: redeploying never rotates a key. Without azd, pass them yourself. 44 letters and digits: ~260 bits.
@secure()
@minLength(32)
@description('Key for admin calls (X-Admin-Key header).')
@metadata({ azd: { type: 'generate', config: { length: 44, noSpecial: true } } })
param adminKey string

@secure()
@minLength(32)
@description('Key from which unsubscribe links and continuation tokens are sealed. Rotating it ends links in emails already sent.')
@metadata({ azd: { type: 'generate', config: { length: 44, noSpecial: true } } })
param linkSigningKey string

@secure()
@minLength(32)
@description('HMAC key of the address hashes opt-outs are stored under. Never rotate it: stored opt-outs would stop matching.')
@metadata({ azd: { type: 'generate', config: { length: 44, noSpecial: true } } })
param addressHashKey string

@secure()
@minLength(32)
@description('The secret in the Event Grid subscription URL for ACS delivery reports (POST /api/events/email?secret=).')
@metadata({ azd: { type: 'generate', config: { length: 44, noSpecial: true } } })
param eventGridSecret string

@description('Subscribe the app to ACS delivery reports. Leave false for the first deployment: Event Grid validates the endpoint when the subscription is created, so the app must already be deployed. Then set true and provision again.')
param deliveryReports bool = false

var tags = { 'azd-env-name': environmentName }
// Short and stable per subscription, environment and region: storage and vault names are global and short.
var token = toLower(uniqueString(subscription().id, environmentName, location))

resource group 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: group
  params: {
    name: 'id-${token}'
    location: location
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: group
  params: {
    token: token
    location: location
    tags: tags
    principalId: identity.outputs.principalId
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: group
  params: {
    name: 'st${token}'
    location: location
    tags: tags
    principalId: identity.outputs.principalId
    dispatchQueueName: dispatchQueueName
  }
}

module vault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  scope: group
  params: {
    name: 'kv-${token}'
    location: location
    tags: tags
    principalId: identity.outputs.principalId
    adminKey: adminKey
    linkSigningKey: linkSigningKey
    addressHashKey: addressHashKey
    eventGridSecret: eventGridSecret
  }
}

module email 'modules/email.bicep' = {
  name: 'email'
  scope: group
  params: {
    token: token
    tags: tags
    dataLocation: emailDataLocation
    customDomain: customSenderDomain
    customDomainVerified: customSenderDomainVerified
    principalId: identity.outputs.principalId
  }
}

module api 'modules/functionapp.bicep' = {
  name: 'functionapp'
  scope: group
  params: {
    name: 'func-${token}'
    planName: 'plan-${token}'
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    appInsightsConnectionString: monitoring.outputs.connectionString
    secretUris: vault.outputs.secretUris
    acsEndpoint: email.outputs.endpoint
    senderAddress: email.outputs.senderAddress
    sendsPerMinute: email.outputs.sendsPerMinute
    sendsPerHour: email.outputs.sendsPerHour
    publicBaseUrl: publicBaseUrl
    sweepSchedule: sweepSchedule
    dispatchQueueName: dispatchQueueName
    sendingEnabled: sendingEnabled
    maximumInstanceCount: maximumInstanceCount
  }
  // Reading the other modules' outputs makes this module wait for them, role assignments included: the app's
  // settings are applied (and it starts) only once its identity may read the vault, storage and ACS.
}

// ACS delivery reports through an Event Grid system topic on the ACS resource; the subscription once the app is deployed.
module events 'modules/deliveryreports.bicep' = {
  name: 'deliveryreports'
  scope: group
  params: {
    token: token
    tags: tags
    communicationName: email.outputs.name
    functionAppName: api.outputs.name
    eventGridSecret: eventGridSecret
    subscribe: deliveryReports
  }
}

// Read by azd (written to .azure/<env>/.env) and by docs/deploy.md's commands.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = group.name
output AZURE_FUNCTION_NAME string = api.outputs.name
output AZURE_KEY_VAULT_NAME string = vault.outputs.name
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output API_BASE_URL string = api.outputs.apiBaseUrl
output EMAIL_SENDER_ADDRESS string = email.outputs.senderAddress
output CUSTOM_SENDER_DOMAIN_DNS_RECORDS object = email.outputs.customDomainDnsRecords
