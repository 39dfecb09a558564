using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Reminders.Tests.Infra;

/// <summary>
/// What infra/ grants: shared keys are off, and every role assignment gives one least-privilege role on the one
/// resource that needs it (never the resource group or subscription, never Owner or Contributor).
/// </summary>
public sealed partial class LeastPrivilegeTests
{
    private const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private const string StorageQueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    private const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    private const string KeyVaultSecretsUser = "4633458b-17de-408a-b874-0445c86b69e6";
    private const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";
    /// <summary>The custom role defined in infra/modules/email.bicep, checked for its actions below.</summary>
    private const string CustomEmailSender = "custom email sender";

    /// <summary>Resource type a role may be assigned on, to the roles the app's identity needs there.</summary>
    private static readonly Dictionary<string, string[]> Needed = new(StringComparer.OrdinalIgnoreCase)
    {
        // Blob Owner: the Functions host's timer leases and the Flex deployment package. Queues: dispatch. Tables: all state.
        ["Microsoft.Storage/storageAccounts"] = [StorageBlobDataOwner, StorageQueueDataContributor, StorageTableDataContributor],
        ["Microsoft.KeyVault/vaults"] = [KeyVaultSecretsUser],
        ["Microsoft.Insights/components"] = [MonitoringMetricsPublisher],
        ["Microsoft.Communication/communicationServices"] = [CustomEmailSender],
    };

    /// <summary>What Microsoft documents as enough to send email with Microsoft Entra ID.</summary>
    private static readonly string[] EmailSendActions =
    [
        "Microsoft.Communication/CommunicationServices/Read",
        "Microsoft.Communication/CommunicationServices/Write",
        "Microsoft.Communication/EmailServices/write",
    ];

    private static readonly string[] BroadRoles =
    [
        "8e3af657-a8ff-443c-a75c-2fe8c4bcb635", // Owner
        "b24988ac-6180-42a0-ab88-20f7382dd24c", // Contributor
        "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9", // User Access Administrator
        "f58310d9-a9f6-439a-9e8d-f62e7b41a168", // Role Based Access Control Administrator
        "09976791-48a7-449e-bb21-39d1a415f350", // Communication and Email Service Owner (domains, keys: more than sending)
    ];

    private static readonly CompiledTemplate Template = CompiledTemplate.Load();

    [Fact]
    public void The_storage_account_refuses_shared_keys_and_anonymous_blobs()
    {
        var account = Template.Single("Microsoft.Storage/storageAccounts").Properties!;
        Assert.False(account["allowSharedKeyAccess"]!.GetValue<bool>());
        Assert.False(account["allowBlobPublicAccess"]!.GetValue<bool>());
        Assert.True(account["defaultToOAuthAuthentication"]!.GetValue<bool>());
    }

    [Fact]
    public void Key_Vault_and_Application_Insights_accept_Entra_ID_only()
    {
        Assert.True(Template.Single("Microsoft.KeyVault/vaults").Properties!["enableRbacAuthorization"]!.GetValue<bool>());
        Assert.True(Template.Single("Microsoft.Insights/components").Properties!["DisableLocalAuth"]!.GetValue<bool>());
    }

    [Fact]
    public void Each_role_assignment_is_a_needed_role_on_the_one_resource_that_needs_it()
    {
        var granted = new List<(string Type, string Role)>();
        foreach (var assignment in Template.OfType("Microsoft.Authorization/roleAssignments"))
        {
            // No scope means the deployment's own: the whole resource group (or subscription).
            Assert.False(assignment.Scope is null, $"Role assignment {assignment.Name} has no scope: it would apply to the whole resource group.");
            var scopeType = ScopeType().Match(assignment.Scope!);
            Assert.True(scopeType.Success, $"Role assignment {assignment.Name} is scoped to '{assignment.Scope}', not a single resource.");
            var type = scopeType.Groups[1].Value;
            Assert.True(Needed.ContainsKey(type), $"Role assignment {assignment.Name} is on a {type}, which the app needs no role on.");

            var role = RoleOf(assignment);
            Assert.True(Needed[type].Contains(role), $"Role {role} on a {type} is not one the app needs there ({string.Join(", ", Needed[type])}).");
            Assert.Equal("ServicePrincipal", assignment.Properties!["principalType"]!.GetValue<string>());
            granted.Add((type, role));
        }

        // And nothing the app needs is missing.
        var needed = Needed.SelectMany(kv => kv.Value.Select(role => (kv.Key, role))).Order();
        Assert.Equal(needed, granted.Order());
    }

    [Fact]
    public void The_custom_email_role_can_send_and_do_nothing_else()
    {
        var role = Template.Single("Microsoft.Authorization/roleDefinitions").Properties!;
        var permissions = Assert.Single(role["permissions"]!.AsArray())!;
        Assert.Equal(EmailSendActions.Order(), Strings(permissions["actions"]).Order());
        Assert.Empty(Strings(permissions["dataActions"]));
        Assert.DoesNotContain(Strings(permissions["actions"]), a => a.Contains('*'));
        // Assignable in the deployment's resource group only (custom roles cannot be assignable at one resource).
        Assert.Equal(["[resourceGroup().id]"], Strings(role["assignableScopes"]));
    }

    [Fact]
    public void No_broad_built_in_role_appears_anywhere()
    {
        var text = Template.Root.ToJsonString();
        Assert.All(BroadRoles, role => Assert.DoesNotContain(role, text, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The role id of an assignment: a built-in's GUID, or <see cref="CustomEmailSender"/> for the role the template defines.</summary>
    private static string RoleOf(TemplateResource assignment)
    {
        var definition = assignment.Resolve(assignment.Properties!["roleDefinitionId"]!.GetValue<string>());
        var builtIn = RoleGuid().Match(definition);
        if (definition.StartsWith("[subscriptionResourceId('Microsoft.Authorization/roleDefinitions'", StringComparison.Ordinal) && builtIn.Success)
            return builtIn.Value.ToLowerInvariant();
        var custom = Template.Single("Microsoft.Authorization/roleDefinitions");
        var customName = custom.Name.Trim('[', ']');
        // resourceId(...) or subscriptionResourceId(...) of the role the template defines.
        Assert.True(definition.Contains($"esourceId('Microsoft.Authorization/roleDefinitions', {customName})", StringComparison.Ordinal),
            $"Role assignment {assignment.Name} names neither a built-in role nor the template's custom role: {definition}");
        return CustomEmailSender;
    }

    private static IEnumerable<string> Strings(JsonNode? array) => array?.AsArray().Select(x => x!.GetValue<string>()) ?? [];

    /// <summary>A single resource: resourceId('Type', ...) with no child segments.</summary>
    [GeneratedRegex(@"^\[resourceId\('([A-Za-z.]+/[A-Za-z]+)',")]
    private static partial Regex ScopeType();

    [GeneratedRegex("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")]
    private static partial Regex RoleGuid();
}
