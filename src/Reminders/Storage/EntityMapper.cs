using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.Serialization;
using Azure;
using Azure.Data.Tables;

namespace Reminders.Storage;

/// <summary>
/// Turns a row read as a <see cref="TableEntity"/> into a typed entity, for queries that return rows of several
/// kinds at once (a patient row and their sessions in one range query). Same rules as the SDK: matching names,
/// unknown properties ignored.
/// </summary>
internal static class EntityMapper
{
    private static readonly ConcurrentDictionary<Type, PropertyInfo[]> Properties = new();

    public static T To<T>(TableEntity row) where T : ITableEntity, new()
    {
        var entity = new T { PartitionKey = row.PartitionKey, RowKey = row.RowKey, Timestamp = row.Timestamp, ETag = row.ETag };
        foreach (var property in Properties.GetOrAdd(typeof(T), Writable))
        {
            if (!row.TryGetValue(property.Name, out var value) || value is null) continue;
            property.SetValue(entity, Convert(value, property.PropertyType));
        }
        return entity;
    }

    private static object? Convert(object value, Type type)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        return value switch
        {
            _ when target.IsInstanceOfType(value) => value,
            string s when target == typeof(Guid) => Guid.Parse(s),
            DateTime d when target == typeof(DateTimeOffset) => new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)),
            long l when target == typeof(int) => checked((int)l),
            int i when target == typeof(long) => (long)i,
            _ => System.Convert.ChangeType(value, target, System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    private static PropertyInfo[] Writable(Type type) => type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.CanWrite && p.GetCustomAttribute<IgnoreDataMemberAttribute>() is null &&
                    p.Name is not (nameof(ITableEntity.PartitionKey) or nameof(ITableEntity.RowKey) or nameof(ITableEntity.Timestamp) or nameof(ITableEntity.ETag)))
        .ToArray();
}
