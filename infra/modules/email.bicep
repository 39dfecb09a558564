// Email through Azure Communication Services: an Email Communication Service with a free Azure-managed domain
// (*.azurecomm.net, usable at once) and optionally a domain of your own, linked to a Communication Services
// resource the app sends through with its identity.
param token string
param tags object
param dataLocation string

@description('Optional domain of your own; created for DNS verification, linked and used once customDomainVerified is true.')
param customDomain string = ''
param customDomainVerified bool = false

@description('Principal id of the app\'s identity: it may send through this resource only.')
param principalId string

var useCustomDomain = !empty(customDomain) && customDomainVerified

resource emailService 'Microsoft.Communication/emailServices@2023-04-01' = {
  name: 'ecs-${token}'
  location: 'global'
  tags: tags
  properties: { dataLocation: dataLocation }
}

resource managedDomain 'Microsoft.Communication/emailServices/domains@2023-04-01' = {
  parent: emailService
  name: 'AzureManagedDomain'
  location: 'global'
  tags: tags
  properties: {
    domainManagement: 'AzureManaged'
    // Tracking rewrites links and adds pixels: not wanted in a patient's email.
    userEngagementTracking: 'Disabled'
  }
}

resource ownDomain 'Microsoft.Communication/emailServices/domains@2023-04-01' = if (!empty(customDomain)) {
  parent: emailService
  name: empty(customDomain) ? 'unused' : customDomain
  location: 'global'
  tags: tags
  properties: {
    domainManagement: 'CustomerManaged'
    userEngagementTracking: 'Disabled'
  }
}

resource communication 'Microsoft.Communication/communicationServices@2023-04-01' = {
  name: 'acs-${token}'
  location: 'global'
  tags: tags
  properties: {
    dataLocation: dataLocation
    // Only a verified domain can be linked, so the own domain joins once its DNS records were verified.
    linkedDomains: useCustomDomain ? [managedDomain.id, ownDomain.id] : [managedDomain.id]
  }
}

// Least privilege for sending: the three actions Microsoft documents for sending with Microsoft Entra ID instead
// of the built-in "Communication and Email Service Owner" (which also manages domains and keys). Custom roles
// cannot be assignable at a single resource, so it is assignable in this resource group and assigned on the
// Communication Services resource alone.
resource senderRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid(resourceGroup().id, 'reminders-acs-email-sender')
  properties: {
    roleName: 'Reminders email sender (${resourceGroup().name})'
    description: 'Send email through an Azure Communication Services resource, nothing else.'
    type: 'CustomRole'
    assignableScopes: [resourceGroup().id]
    permissions: [
      {
        actions: [
          'Microsoft.Communication/CommunicationServices/Read'
          'Microsoft.Communication/CommunicationServices/Write'
          'Microsoft.Communication/EmailServices/write'
        ]
        notActions: []
        dataActions: []
        notDataActions: []
      }
    ]
  }
}

resource send 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(communication.id, principalId, senderRole.id)
  scope: communication
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    // The canonical subscription-level id of the role (a role definition is not a resource of the group).
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', senderRole.name)
  }
}

var senderDomain = useCustomDomain ? customDomain : managedDomain.properties.mailFromSenderDomain

output name string = communication.name
output endpoint string = 'https://${communication.properties.hostName}'
// DoNotReply exists on every ACS domain without a sender-username resource.
output senderAddress string = 'DoNotReply@${senderDomain}'
// ACS's default quotas: an Azure-managed domain sends 5 a minute and 10 an hour; a custom domain 30 and 100
// (raise them with a support request). The app paces itself to these instead of running into 429s.
output sendsPerMinute int = useCustomDomain ? 30 : 5
output sendsPerHour int = useCustomDomain ? 100 : 10
output customDomainDnsRecords object = empty(customDomain) ? {} : ownDomain!.properties.verificationRecords
