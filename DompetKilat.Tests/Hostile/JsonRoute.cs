using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DompetKilat.Tests.Hostile;

/// <summary>A field of a seed body by its path (array elements by index), and what the contract says of it.</summary>
public sealed record SeedField(string[] Path, JsonValueKind Kind, bool Required)
{
    public string Name => string.Join('.', Path);

    public string Key => Path[^1];

    public bool IsInt32 => Key is "tenor" or "numberOfPay";
}

/// <summary>
/// What is done to a seed body. It is applied to the route's live seed when the result must fail,
/// and to its dead-end seed when the result may legitimately pass.
/// </summary>
public sealed record Mutation(string Description, bool MustFail, Func<JsonObject, byte[]?> Body)
{
    public string? ContentType { get; init; } = "application/json";

    public Credential? Credential { get; init; }

    public HttpMethod? Method { get; init; }

    /// <summary>The result must fail unless it is still a JSON object (or <c>null</c>), which only the validators can judge.</summary>
    public bool FailsUnlessObject { get; init; }
}

/// <summary>
/// A route that reads a JSON body, with two seeds of the partner reference's shape. The live seed
/// targets something a wrongly accepted request would change (a fresh identity, an INACTIVE loan,
/// an approved loan's code); the dead-end seed targets something where even a valid request
/// changes nothing (an identity already taken, an unknown borrower, loan or loanCode).
/// </summary>
public sealed record JsonRoute(
    string Name,
    string LivePath,
    JsonObject LiveSeed,
    string DeadEndPath,
    JsonObject DeadEndSeed,
    long BodyLimit,
    Credential Credential,
    Func<string, bool> IsOptional)
{
    public IReadOnlyList<SeedField> Fields { get; } = [.. FieldsOf(LiveSeed, [], IsOptional)];

    /// <summary>The route's own method; a mutation may send another.</summary>
    public HttpMethod Method { get; init; } = HttpMethod.Post;

    /// <summary>The same path also answers GET (it reads what the route writes), so a GET there may pass.</summary>
    public bool ReadableWithGet { get; init; }

    public bool HasRequired => Fields.Any(f => f.Required);

    public HostileRequest Build(Mutation mutation)
    {
        var mustFail = mutation.MustFail || (mutation.FailsUnlessObject && !JsonSurgery.IsObjectOrNull(mutation.Body(LiveSeed)));
        var (path, seed) = mustFail ? (LivePath, LiveSeed) : (DeadEndPath, DeadEndSeed);
        return new HostileRequest(Name, mutation.Method ?? Method, path, mutation.Body(seed), mutation.ContentType,
            mutation.Credential ?? Credential, BodyLimit, mutation.Description, mustFail);
    }

    private static IEnumerable<SeedField> FieldsOf(JsonObject body, string[] prefix, Func<string, bool> isOptional)
    {
        foreach (var (key, value) in body)
        {
            string[] path = [.. prefix, key];
            var field = new SeedField(path, value?.GetValueKind() ?? JsonValueKind.Null, false);
            yield return field with { Required = !isOptional(field.Name) };
            var children = value switch
            {
                JsonObject nested => FieldsOf(nested, path, isOptional),
                JsonArray { Count: > 0 } array when array[0] is JsonObject element => FieldsOf(element, [.. path, "0"], isOptional),
                _ => [],
            };
            foreach (var child in children)
            {
                yield return child;
            }
        }
    }
}

/// <summary>Edits of a seed body, on the JSON tree where it can hold the result and on the bytes where it cannot.</summary>
public static class JsonSurgery
{
    private const string Marker = "hostile-raw-value-5e1f0c";

    public static byte[] Bytes(JsonNode? node) => Encoding.UTF8.GetBytes(node?.ToJsonString() ?? "null");

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    public static JsonObject With(JsonObject seed, string[] path, JsonNode? value)
    {
        var copy = seed.DeepClone().AsObject();
        var (container, key) = Locate(copy, path);
        if (container is JsonArray array)
        {
            array[int.Parse(key, System.Globalization.CultureInfo.InvariantCulture)] = value;
        }
        else
        {
            container.AsObject()[key] = value;
        }

        return copy;
    }

    /// <summary>The seed with the value at <paramref name="path"/> replaced by raw bytes, which need not be JSON.</summary>
    public static byte[] WithRaw(JsonObject seed, string[] path, byte[] raw)
    {
        if (path.Length == 0)
        {
            return raw;
        }

        var marked = Bytes(With(seed, path, JsonValue.Create(Marker)));
        var needle = Utf8($"\"{Marker}\"");
        var at = marked.AsSpan().IndexOf(needle);
        return [.. marked[..at], .. raw, .. marked[(at + needle.Length)..]];
    }

    /// <summary>The seed without the fields at <paramref name="paths"/>; a field inside one already removed is skipped.</summary>
    public static JsonObject Without(JsonObject seed, IEnumerable<string[]> paths)
    {
        var copy = seed.DeepClone().AsObject();
        foreach (var path in paths.OrderByDescending(p => p.Length))
        {
            if (TryLocate(copy, path, out var container, out var key) && container is JsonObject parent)
            {
                parent.Remove(key);
            }
        }

        return copy;
    }

    public static JsonNode? At(JsonObject seed, string[] path)
    {
        var (container, key) = Locate(seed, path);
        return container is JsonArray array ? array[int.Parse(key, System.Globalization.CultureInfo.InvariantCulture)] : container[key];
    }

    /// <summary>The seed with every leaf (string, number, boolean) at any depth set to <c>null</c>.</summary>
    public static JsonObject AllLeavesNull(JsonObject seed)
    {
        var copy = seed.DeepClone().AsObject();
        Nullify(copy);
        return copy;
    }

    public static bool IsObjectOrNull(byte[]? body)
    {
        if (body is null)
        {
            return true;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind is JsonValueKind.Object or JsonValueKind.Null;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static void Nullify(JsonNode node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var key in obj.Select(p => p.Key).ToList())
                {
                    if (obj[key] is JsonObject or JsonArray)
                    {
                        Nullify(obj[key]!);
                    }
                    else
                    {
                        obj[key] = null;
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is JsonObject or JsonArray)
                    {
                        Nullify(array[i]!);
                    }
                    else
                    {
                        array[i] = null;
                    }
                }

                break;
        }
    }

    private static (JsonNode Container, string Key) Locate(JsonNode root, string[] path) =>
        TryLocate(root, path, out var container, out var key)
            ? (container, key)
            : throw new InvalidOperationException($"the seed has no {string.Join('.', path)}");

    private static bool TryLocate(JsonNode root, string[] path, out JsonNode container, out string key)
    {
        container = root;
        key = path[^1];
        foreach (var segment in path[..^1])
        {
            var next = container switch
            {
                JsonArray array when int.TryParse(segment, out var i) && i < array.Count => array[i],
                JsonObject obj => obj[segment],
                _ => null,
            };
            if (next is null)
            {
                return false;
            }

            container = next;
        }

        return container switch
        {
            JsonArray array => int.TryParse(key, out var index) && index < array.Count,
            JsonObject obj => obj.ContainsKey(key),
            _ => false,
        };
    }
}
