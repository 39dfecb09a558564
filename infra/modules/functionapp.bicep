// The Functions app on the Flex Consumption plan (FC1): billed per execution and memory-second, no always-ready
// instances, so an idle deployment costs nothing here. The runtime is set in functionAppConfig: Flex refuses the
// FUNCTIONS_WORKER_RUNTIME and FUNCTIONS_EXTENSION_VERSION app settings.
param name string
param planName string
param location string
param tags object

@description('Resource id and client id of the user-assigned identity the app runs as.')
param identityId string
param identityClientId string

param storageAccountName string
param deploymentContainerUrl string
param appInsightsConnectionString string

@description('Versionless Key Vault secret URIs: adminKey, linkSigningKey, addressHashKey.')
param secretUris object

param acsEndpoint string
param senderAddress string
param sendsPerMinute int
param sendsPerHour int
param publicBaseUrl string
param sweepSchedule string
param dispatchQueueName string
param sendingEnabled bool
param maximumInstanceCount int

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
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

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  // azd finds the resource of service 'api' (azure.yaml) by this tag.
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Key Vault references resolve with the user-assigned identity (the default would be a system identity it lacks).
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        // 2 GB: the smallest size with a full vCPU share; the sweep's settlement runs 8 storage calls at once.
        instanceMemoryMB: 2048
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

// Deployment signs in with Microsoft Entra ID (azd does): publishing with a user name and password is off.
resource scmBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'scm'
  properties: { allow: false }
}

resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'ftp'
  properties: { allow: false }
}

var keyVaultReference = '@Microsoft.KeyVault(SecretUri={0})'

// A resource of its own, after the site, because the links' default origin is the site's own host name.
// The names follow the app's configuration keys ('__' for ':'); docs/deploy.md explains each.
resource settings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'appsettings'
  properties: {
    // The Functions host and the app: identity-based storage, the user-assigned identity.
    AzureWebJobsStorage__accountName: storageAccountName
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identityClientId
    // Anything else using DefaultAzureCredential picks the same identity.
    AZURE_CLIENT_ID: identityClientId
    APPLICATIONINSIGHTS_CONNECTION_STRING: appInsightsConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
    ReminderSweepSchedule: sweepSchedule
    Reminders__DispatchQueue: dispatchQueueName
    Reminders__Webhooks__Queue: 'reminders-webhooks'
    Reminders__SendingEnabled: string(sendingEnabled)
    Reminders__PublicBaseUrl: empty(publicBaseUrl) ? 'https://${site.properties.defaultHostName}' : publicBaseUrl
    Reminders__AdminKey: format(keyVaultReference, secretUris.adminKey)
    Reminders__LinkSigningKey: format(keyVaultReference, secretUris.linkSigningKey)
    Reminders__AddressHashKey: format(keyVaultReference, secretUris.addressHashKey)
    Reminders__EventGridSecret: format(keyVaultReference, secretUris.eventGridSecret)
    Email__Provider: 'Acs'
    Email__SenderAddress: senderAddress
    Email__Acs__Endpoint: acsEndpoint
    Email__Acs__Credential: 'managedidentity'
    Email__Acs__ClientId: identityClientId
    Email__Acs__MaxPerMinute: string(sendsPerMinute)
    Email__Acs__MaxPerHour: string(sendsPerHour)
  }
  dependsOn: [scmBasicAuth, ftpBasicAuth]
}

output name string = site.name
output apiBaseUrl string = 'https://${site.properties.defaultHostName}/api'
