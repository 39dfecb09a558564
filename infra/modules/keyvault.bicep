// The app's four secrets. Authorization is Azure RBAC (no access policies): the app's identity may read secrets
// of this vault and nothing else. The app reads them through Key Vault references in its settings.
import { keyVaultSecretsUser } from 'roles.bicep'

param name string
param location string
param tags object

@description('Principal id of the app\'s identity: it may read secrets of this vault only.')
param principalId string

@secure()
param adminKey string

@secure()
param linkSigningKey string

@secure()
param addressHashKey string

@secure()
param eventGridSecret string

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    // Short, so `azd down --purge` and a redeploy under the same name are quick; deleted secrets stay recoverable a week.
    softDeleteRetentionInDays: 7
    publicNetworkAccess: 'Enabled'
  }
}

// Secret names: Key Vault allows letters, digits and hyphens only, so the setting's '__' cannot appear in them.
resource adminKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'reminders-admin-key'
  properties: { value: adminKey }
}

resource linkSigningKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'reminders-link-signing-key'
  properties: { value: linkSigningKey }
}

resource addressHashKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'reminders-address-hash-key'
  properties: { value: addressHashKey }
}

resource eventGridSecretSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'reminders-event-grid-secret'
  properties: { value: eventGridSecret }
}

resource readSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, principalId, keyVaultSecretsUser)
  scope: vault
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
  }
}

output name string = vault.name
// Without a version: a reference always reads the current version, so a rotated secret needs no settings change.
output secretUris object = {
  adminKey: adminKeySecret.properties.secretUri
  linkSigningKey: linkSigningKeySecret.properties.secretUri
  addressHashKey: addressHashKeySecret.properties.secretUri
  eventGridSecret: eventGridSecretSecret.properties.secretUri
}
