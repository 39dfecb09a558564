// The one identity the function app runs as: the Functions host (storage, deployment package), the app's own
// storage and ACS clients, Key Vault references and App Insights all use it. User-assigned, so its role
// assignments exist before the app starts and survive a re-created app.
param name string
param location string
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output principalId string = identity.properties.principalId
output clientId string = identity.properties.clientId
