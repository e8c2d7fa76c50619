using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using static DompetKilat.Tests.Hostile.JsonSurgery;

namespace DompetKilat.Tests.Hostile;

/// <summary>
/// Mutations of the partner reference's bodies, as CsCheck generators: composable, and the same
/// corpus again for the same seed.
/// </summary>
public static class HostileCorpus
{
    /// <summary>
    /// Draws from each route's generator until it holds that route's number of requests that must
    /// fail, then shuffles the lot so routes are hit side by side. One seed, one corpus: each route
    /// draws from its own stream of the seed, so a body that differs from run to run (identities
    /// are fresh) cannot shift what the other routes get.
    /// </summary>
    public static List<HostileRequest> Generate(PCG random, IEnumerable<(Gen<HostileRequest> Requests, int MustFail)> routes)
    {
        var corpus = new List<HostileRequest>();
        foreach (var ((requests, quota), index) in routes.Select((route, index) => (route, (uint)index)))
        {
            var stream = new PCG(random.Stream + 1 + index, random.Seed);
            for (var mustFail = 0; mustFail < quota;)
            {
                var request = requests.Generate(stream, null!, out _);
                corpus.Add(request);
                mustFail += request.MustFail ? 1 : 0;
            }
        }

        for (var i = corpus.Count - 1; i > 0; i--)
        {
            var j = (int)random.Next((uint)i + 1);
            (corpus[i], corpus[j]) = (corpus[j], corpus[i]);
        }

        return corpus;
    }

    public static Gen<HostileRequest> For(JsonRoute route)
    {
        var mutations = new List<(int, IGen<Mutation>)>
        {
            (6, Truncated),
            (6, BrokenSyntax),
            (8, WrongTypes(route)),
            (4, DeepNesting(route)),
            (4, GiantValues(route)),
            (6, Nulls(route)),
            (5, DuplicateKeys(route)),
            (5, WrongContentTypes(route)),
            (6, MissingFields(route)),
            (4, ExtraFields(route)),
            (5, WholeBodies(route)),
            (3, CorruptedBytes),
            (3, WrongMethods(route)),
        };
        if (route.Fields.Any(f => f.Kind == JsonValueKind.String))
        {
            mutations.Add((5, InvalidUtf8(route)));
            mutations.Add((3, BadUnicode(route)));
        }

        if (route.Fields.Any(f => BadValuesFor(f).Length > 0))
        {
            mutations.Add((8, BadValues(route)));
        }

        if (route.Fields.Any(f => f.Kind == JsonValueKind.Number))
        {
            mutations.Add((5, HugeNumbers(route)));
        }

        if (route.Credential != Credential.None)
        {
            mutations.Add((4, WrongCredentials(route.Credential)));
        }

        return Gen.Select(Gen.Frequency<Mutation>(mutations.ToArray()), Gen.Int[1, 10],
            (mutation, transport) => route.Build(mutation) with { Chunked = transport == 1 });
    }

    private static readonly Gen<Mutation> Truncated =
        Gen.Int[1, 999].Select(permille => new Mutation($"truncated at {permille / 10.0}%", true, seed =>
        {
            var bytes = Bytes(seed);
            return bytes[..Math.Clamp((int)((long)bytes.Length * permille / 1000), 1, bytes.Length - 1)];
        }));

    private static readonly (string Name, Func<byte[], byte[]> Break)[] SyntaxBreaks =
    [
        ("trailing comma", b => [.. b[..^1], .. Utf8(",}")]),
        ("garbage after the object", b => [.. b, .. Utf8("x")]),
        ("two objects", b => [.. b, .. b]),
        ("extra closing brace", b => [.. b, .. Utf8("}")]),
        ("anti-hijacking prefix", b => [.. Utf8(")]}'\n"), .. b]),
        ("single quotes", b => [.. b.Select(c => c == '"' ? (byte)'\'' : c)]),
        ("missing colon", b => ReplaceFirst(b, "\":", "\" ")),
        ("missing comma", b => ReplaceFirst(b, ",\"", " \"")),
        ("unquoted first key", b => b.AsSpan().IndexOf((byte)':') is var colon and > 2 ? [(byte)'{', .. b[2..(colon - 1)], .. b[colon..]] : b),
        ("comment", b => [(byte)'{', .. Utf8("/* hostile */"), .. b[1..]]),
        ("raw control character in a string", b => ReplaceFirst(b, ":\"", ":\"\u0001")),
        ("invalid escape", b => ReplaceFirst(b, ":\"", ":\"\\x41")),
        ("unterminated string", b => b.AsSpan().LastIndexOf((byte)'"') is var quote and > 0 ? [.. b[..quote], .. b[(quote + 1)..]] : b),
        ("equals for colon", b => ReplaceFirst(b, "\":", "\"=")),
        ("object as array", b => [(byte)'[', .. b[1..^1], (byte)']']),
    ];

    private static readonly Gen<Mutation> BrokenSyntax =
        Gen.OneOf(SyntaxBreaks).Select(s => new Mutation($"syntax: {s.Name}", false, seed => s.Break(Bytes(seed))) { FailsUnlessObject = true });

    private static readonly byte[][] InvalidUtf8Sequences =
    [
        [0xFF], [0xFE], [0x80], [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xE2, 0x82],
        [0xF4, 0x90, 0x80, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xC3],
    ];

    private static Gen<Mutation> InvalidUtf8(JsonRoute route) =>
        Gen.Select(Gen.OneOf(route.Fields.Where(f => f.Kind == JsonValueKind.String).ToArray()), Gen.OneOf(InvalidUtf8Sequences),
            (field, sequence) => new Mutation($"invalid UTF-8 {Convert.ToHexString(sequence)} in {field.Name}", true,
                seed => WithRaw(seed, field.Path, [.. Utf8("\"ab"), .. sequence, .. Utf8("cd\"")])));

    private static JsonNode?[] WrongTypesFor(JsonValueKind kind) => kind switch
    {
        JsonValueKind.String => [1, 6281234567890.5, -1, true, false, new JsonArray(), new JsonObject(), new JsonArray("x"), new JsonObject { ["x"] = "y" }],
        JsonValueKind.Number => ["4", "", true, false, new JsonArray(), new JsonObject(), new JsonArray(4)],
        JsonValueKind.Object => ["x", 1, true, new JsonArray(), new JsonArray(new JsonObject())],
        JsonValueKind.True or JsonValueKind.False => ["true", "false", 1, 0, "", new JsonArray(), new JsonObject()],
        _ => ["x", 1, true, new JsonObject()],
    };

    private static Gen<Mutation> WrongTypes(JsonRoute route) =>
        Gen.OneOf(route.Fields.ToArray()).SelectMany(field => Gen.OneOf(WrongTypesFor(field.Kind)).Select(value =>
            new Mutation($"{field.Name} as {value?.ToJsonString() ?? "null"}", true, seed => Bytes(With(seed, field.Path, value?.DeepClone())))));

    private static readonly string[] HugeAndNegative =
    [
        "-1", "-250000", "-9223372036854775808", "-9223372036854775809", "9223372036854775808", "18446744073709551616",
        "99999999999999999999999999999999", "1e400", "-1e400", "1E3", "1.5", "0.0", "-0.0001", "NaN", "Infinity", "-Infinity",
        "0x10", "01", "+1", ".5", "1_000",
    ];

    private static readonly string[] Int32Overflows = ["2147483648", "-2147483649", "4294967296"];

    private static Gen<Mutation> HugeNumbers(JsonRoute route) =>
        Gen.OneOf(route.Fields.Where(f => f.Kind == JsonValueKind.Number).ToArray()).SelectMany(field =>
            Gen.OneOf(field.IsInt32 ? [.. HugeAndNegative, .. Int32Overflows] : HugeAndNegative).Select(number =>
                new Mutation($"{field.Name} = {number}", true, seed => WithRaw(seed, field.Path, Utf8(number)))));

    private static readonly Gen<int> Depth = Gen.Frequency<int>((4, Gen.Const(10_000)), (2, Gen.Int[65, 9_999]), (1, Gen.Const(100_000)));

    private static Gen<Mutation> DeepNesting(JsonRoute route) =>
        Gen.Select(Gen.OneOf(route.Fields.Select(f => f.Path).Prepend([]).ToArray()), Depth, Gen.Bool, (path, depth, arrays) =>
            new Mutation($"{(path.Length == 0 ? "body" : string.Join('.', path))} nested {depth} {(arrays ? "arrays" : "objects")} deep", true,
                seed => WithRaw(seed, path, Nested(depth, arrays))));

    private static byte[] Nested(int depth, bool arrays)
    {
        var text = new StringBuilder(depth * 6);
        text.Insert(0, arrays ? "[" : "{\"a\":", depth).Append(arrays ? "" : "{}").Append(arrays ? ']' : '}', depth);
        return Utf8(text.ToString());
    }

    /// <summary>Giant strings made of characters no field allows, and numbers with thousands of digits.</summary>
    private static Gen<Mutation> GiantValues(JsonRoute route)
    {
        var largest = (int)Math.Min(route.BodyLimit * 5 / 4, 9_500_000);
        var length = Gen.Frequency<int>((4, Gen.Int[2_048, 60_000]), (2, Gen.Int[60_000, 300_000]), (1, Gen.Int[300_000, Math.Max(300_001, largest)]));
        return Gen.Select(Gen.OneOf(route.Fields.ToArray()), length, (field, size) =>
            new Mutation($"{field.Name} giant ({size} characters)", true, seed => WithRaw(seed, field.Path,
                field.Kind == JsonValueKind.Number ? Utf8(new string('9', size)) : Utf8($"\"{string.Concat(Enumerable.Repeat("Ü<", size / 2))}\""))));
    }

    private static Gen<Mutation> Nulls(JsonRoute route) => Gen.Frequency<Mutation>(
        (4, Gen.OneOf(route.Fields.ToArray()).Select(field =>
            new Mutation($"{field.Name} null", field.Required, seed => Bytes(With(seed, field.Path, null))))),
        (1, Gen.Const(new Mutation("every field null", route.HasRequired, seed => Bytes(AllLeavesNull(seed))))));

    private static Gen<Mutation> DuplicateKeys(JsonRoute route) =>
        Gen.Select(Gen.OneOf(route.Fields.ToArray()), Gen.Bool, (field, same) =>
            new Mutation($"{field.Name} twice{(same ? ", same value" : "")}", true, seed =>
            {
                var parent = field.Path[..^1];
                var container = parent.Length == 0 ? seed : At(seed, parent)!.AsObject();
                var first = same ? container[field.Key]?.ToJsonString() ?? "null" : "\"hostile\"";
                var rest = Bytes(container)[1..];
                return WithRaw(seed, parent, [.. Utf8($"{{{JsonSerializer.Serialize(field.Key)}:{first},"), .. rest]);
            }));

    private static readonly (string? Type, bool MustFail)[] ContentTypes =
    [
        (null, true), ("text/plain", true), ("text/plain; charset=utf-8", true), ("application/xml", true),
        ("application/x-www-form-urlencoded", true), ("multipart/form-data; boundary=hostile", true),
        ("application/octet-stream", true), ("text/html", true), ("application/jsonp", true), ("application/json-seq", true),
        ("application/json; charset=utf-16", true), ("application/json; charset=utf-32", true), ("application/json; charset=hostile", true),
        ("*/*", true), ("application/*", true), ("json", true),
        ("application/json; charset=utf-8", false), ("Application/JSON", false), ("application/problem+json", false),
        ("application/vnd.dompetkilat+json", false), ("text/json", false), ("application/json; charset=iso-8859-1", false),
        ("application/json;charset=UTF-8;hostile=1", false),
    ];

    private static Gen<Mutation> WrongContentTypes(JsonRoute route) =>
        Gen.OneOf(ContentTypes).Select(c => new Mutation($"Content-Type {c.Type ?? "missing"}", c.MustFail, seed => Bytes(seed))
        {
            ContentType = c.Type,
        });

    private static Gen<Mutation> MissingFields(JsonRoute route) =>
        Gen.Int[1, route.Fields.Count].SelectMany(count => Gen.Shuffle(route.Fields.ToArray(), count)).Select(removed =>
        {
            var effective = removed.Where(f => !removed.Any(a => a.Path.Length < f.Path.Length && f.Path.AsSpan().StartsWith(a.Path))).ToList();
            return new Mutation($"without {string.Join(", ", effective.Select(f => f.Name))}", effective.Any(f => f.Required),
                seed => Bytes(Without(seed, effective.Select(f => f.Path))));
        });

    private static readonly Gen<JsonNode?> ExtraValue = Gen.OneOf<JsonNode?>(
        Gen.String[Gen.Char[' ', '~'], 0, 64].Select(s => (JsonNode?)s),
        Gen.Long.Select(n => (JsonNode?)n),
        Gen.Bool.Select(b => (JsonNode?)b),
        Gen.Const((JsonNode?)null),
        Gen.Const<JsonNode?>(new JsonObject { ["a"] = new JsonArray(1, 2, new JsonObject { ["b"] = null }) }),
        Gen.Int[0, 500].Select(n => (JsonNode?)new JsonArray([.. Enumerable.Range(0, n).Select(i => (JsonNode?)i)])),
        Gen.Int[1_000, 20_000].Select(n => (JsonNode?)new string('x', n)));

    private static Gen<Mutation> ExtraFields(JsonRoute route)
    {
        string[][] containers = [[], .. route.Fields.Where(f => f.Kind == JsonValueKind.Object).Select(f => f.Path),
            .. route.Fields.Where(f => f.Kind == JsonValueKind.Array && At(route.LiveSeed, [.. f.Path, "0"]) is JsonObject)
                .Select(f => (string[])[.. f.Path, "0"])];
        var extra = Gen.Select(Gen.String[Gen.Char['a', 'z'], 1, 12], ExtraValue, (name, value) => ($"extra{name}", value));
        return Gen.Select(Gen.OneOf(containers), extra.Array[1, 5], (container, fields) =>
            new Mutation($"extra fields {string.Join(", ", fields.Select(f => f.Item1))} in {(container.Length == 0 ? "body" : string.Join('.', container))}", false, seed =>
            {
                var copy = seed.DeepClone().AsObject();
                var target = container.Length == 0 ? copy : At(copy, container)!.AsObject();
                foreach (var (name, value) in fields)
                {
                    target[name] = value?.DeepClone();
                }

                return Bytes(copy);
            }));
    }

    private static readonly string[] BadDates = ["31/02/1999", "1999-09-30", "30/09/2999", "00/00/0000", "30/9/1999", "30/09/99", "29/02/2001", "", "30-09-1999"];
    private static readonly string[] BadAmounts = ["0", "-1000000", "1.000.000", "1e6", "99999999999999999999", " 1000000", "+1000000", "", "1000000.00"];
    private static readonly string[] BadPhones = ["0812345678901", "62", "62123", "621234567890123456", "+6281234567890", "62-812-3456-789", "６２８１２３４５６７８９", ""];
    private static readonly string[] BadPhotos = ["http://example.com/ktp.jpg", "javascript:alert(1)", "<img src=x onerror=alert(1)>", "short", "https://", ""];

    private static readonly Dictionary<string, string[]> BadValuesByKey = new()
    {
        ["map"] = ["CORPORATE_BORROWER", "personal_borrower", "", " PERSONAL_BORROWER"],
        ["partnerCode"] = ["lower", "A", "WITH SPACE", "X-Y", new string('P', 33)],
        ["webhookUrl"] = ["ftp://hostile.example/", "not a url", "https://user:pw@hostile.example/", "/relative", "https://hostile.example/#x", ""],
        ["productCode"] = ["", "999", "95 ", new string('9', 33)],
        ["phoneNumber"] = BadPhones,
        ["emergencyContactNumber"] = BadPhones,
        ["email"] = ["", "not-an-email", "john@", "@example.com", "john doe@example.com", "john@localhost", "john@@example.com", $"{new string('a', 250)}@example.com"],
        ["idNumber"] = ["", "12345678901234567", "36263828763878A", "-362638287638783", "٣٦٢٦٣٨٢٨٧٦٣٨٧٨٣", " 362638287638783"],
        ["birthDate"] = BadDates,
        ["startDate"] = BadDates,
        ["contractDate"] = BadDates,
        ["gender"] = ["X", "l", "LP", ""],
        ["plafons"] = BadAmounts,
        ["amount"] = BadAmounts,
        ["unit"] = ["YEAR", "D", "", "MONTHS"],
        ["interest"] = ["abc", "1,0", "--1", "", "1.0.0", "-1"],
        ["npwp"] = ["123", "12345678901234A", "12345678901234567", ""],
        ["fotoKtp"] = BadPhotos,
        ["fotoSelfie"] = BadPhotos,
        ["status"] = ["activated", "pending", "", "active ", "APPROVED"],
        ["tenorUnit"] = ["year", "days", "", "d"],
        ["transactionId"] = ["", "   ", new string('t', 129)],
        ["loanCode"] = ["", "   ", "LC 1", "LC/1", "ΛC1", new string('L', 65)],
        ["bankCode"] = ["", "   ", new string('B', 33)],
        ["paymentAccountNumber"] = ["", "   ", new string('8', 65)],
        ["transactionTime"] = ["yesterday", "2021-13-45T00:00:00Z", "", "25/10/2021"],
        ["contractNo"] = [new string('C', 129)],
        ["reason"] = ["", "   ", new string('r', 1025)],
    };

    private static string[] BadValuesFor(SeedField field) =>
        BadValuesByKey.TryGetValue(field.Key, out var values) ? values
        : field.Required && field.Kind == JsonValueKind.String ? ["", "   ", new string('z', 201)]
        : [];

    private static Gen<Mutation> BadValues(JsonRoute route) =>
        Gen.OneOf(route.Fields.Where(f => BadValuesFor(f).Length > 0).ToArray()).SelectMany(field =>
            Gen.OneOf(BadValuesFor(field)).Select(value =>
                new Mutation($"{field.Name} = {JsonSerializer.Serialize(value[..Math.Min(value.Length, 40)])}", true,
                    seed => Bytes(With(seed, field.Path, value)))));

    private static readonly string[] AlwaysBadBodies =
    [
        "[]", "[{}]", "\"text\"", "0", "-1", "true", "false", "   ", "\r\n", "{", "}", "[", "]", "\0", "{}{}", "nul", "undefined",
        "{\"\":}", "{,}", "[null]", "{\"a\" \"b\"}", "\u00EF\u00BB\u00BF",
    ];

    private static Gen<Mutation> WholeBodies(JsonRoute route) => Gen.Frequency<Mutation>(
        (3, Gen.OneOf(("", "empty body"), ("null", "null"), ("{}", "empty object")).Select(b =>
            new Mutation($"body {b.Item2}", route.HasRequired, _ => Utf8(b.Item1)))),
        (6, Gen.OneOf(AlwaysBadBodies).Select(b =>
            new Mutation($"body {JsonSerializer.Serialize(b)}", true, _ => Encoding.Latin1.GetBytes(b)))),
        (3, Gen.Byte.Array[1, 256].Select(bytes =>
            new Mutation($"random bytes {Convert.ToHexString(bytes[..Math.Min(bytes.Length, 8)])}…", false, _ => bytes) { FailsUnlessObject = true })));

    private static readonly Gen<Mutation> CorruptedBytes =
        Gen.Select(Gen.Int[0, 999], Gen.Byte, (permille, value) => new Mutation($"byte at {permille / 10.0}% set to {value:X2}", false, seed =>
        {
            var bytes = Bytes(seed);
            bytes[(int)((long)bytes.Length * permille / 1000)] = value;
            return bytes;
        }) { FailsUnlessObject = true });

    /// <summary>Other methods on the route's path; a GET where the path also reads (a partner) may pass, and changes nothing.</summary>
    private static Gen<Mutation> WrongMethods(JsonRoute route) =>
        Gen.OneOf(new[] { HttpMethod.Get, HttpMethod.Post, HttpMethod.Put, HttpMethod.Delete, HttpMethod.Patch, HttpMethod.Options }
            .Where(m => m != route.Method).ToArray()).Select(method =>
            new Mutation($"method {method}", !(method == HttpMethod.Get && route.ReadableWithGet), seed => method == HttpMethod.Get ? null : Bytes(seed))
            {
                Method = method,
            });

    private static readonly string[] BadUnicodeStrings =
    [
        "\"\\uD800\"", "\"ab\\uDC00cd\"", "\"\\uDBFF\\u0041\"", "\"Jo\\u0000hn\"", "\"\\u0000\"", "\"62812345678\\u0000\"",
        "\"\\uD83D\"", "\"\\uFFFF\\uFFFE\"",
    ];

    private static Gen<Mutation> BadUnicode(JsonRoute route) =>
        Gen.Select(Gen.OneOf(route.Fields.Where(f => f.Kind == JsonValueKind.String).ToArray()), Gen.OneOf(BadUnicodeStrings),
            (field, value) => new Mutation($"{field.Name} = {value}", !value.Contains("FFFF", StringComparison.Ordinal), seed => WithRaw(seed, field.Path, Utf8(value))));

    private static Gen<Mutation> WrongCredentials(Credential proper) =>
        Gen.OneOf(proper switch
        {
            Credential.OperatorToken => OperatorTokenFaults,
            Credential.LocalPartner => PartnerKeyFaults,
            _ => SignatureFaults,
        }).Select(credential =>
            new Mutation($"credential {credential}", true, seed => Bytes(seed)) { Credential = credential });

    public static readonly Credential[] OperatorTokenFaults =
        [Credential.None, Credential.ForeignOperatorToken, Credential.OperatorTokenInOtherCase, Credential.EmptyOperatorToken, Credential.GiantOperatorToken];

    public static readonly Credential[] PartnerKeyFaults = [Credential.UnknownPartnerKey, Credential.EmptyPartnerKey, Credential.GiantPartnerKey];

    public static readonly Credential[] SignatureFaults =
    [
        Credential.None, Credential.SignatureWithUnknownSecret, Credential.StaleSignature, Credential.FutureSignature,
        Credential.SignatureOfAnotherBody, Credential.MalformedSignature, Credential.SignatureWithoutId,
    ];

    private static readonly string[] HostileSegments =
    [
        "%00", "%FF", "%C0%AF", "%ED%A0%80", "..", "%2e%2e", "%2F", "a%2Fb", "%20", "null", "undefined", "' OR '1'='1",
        "1;DROP TABLE borrowers", "${jndi:ldap:%2F%2Fexample.com}", "%3Cscript%3E", "%25", "-1", "0", "9223372036854775808", "1e3",
        "%u0000", "%5C", "~", "*", "NaN", "%E2%80%AE", "%F0%9F%92%B8", "LC%0D%0ASet-Cookie:x=1",
    ];

    /// <summary>Path segments that name nothing: hostile strings, the real value cut short or with garbage after it, random text.</summary>
    private static Gen<string> Segments(string existing) => Gen.Frequency<string>(
        (4, Gen.OneOf(HostileSegments)),
        (2, Gen.Int[1, existing.Length - 1].Select(n => existing[..n])),
        (2, Gen.OneOf("'", "%00", "%20OR%201=1", "/..", "%FF", "x", ";", "%0A").Select(suffix => existing + suffix)),
        (3, Gen.String[Gen.Char[' ', '~'], 1, 64].Select(Uri.EscapeDataString)),
        (2, Gen.String[Gen.Char['\u00A0', '\uD7FF'], 1, 32].Select(Uri.EscapeDataString)),
        (1, Gen.Int[256, 6_000].Select(n => new string('9', n))));

    /// <summary>A lookup by a path segment that names nothing, now and then with a method the route does not take.</summary>
    public static Gen<HostileRequest> Lookups(string route, string pathPrefix, string existing) =>
        Gen.Select(Segments(existing), Gen.Frequency<HttpMethod>((9, Gen.Const(HttpMethod.Get)), (1, Gen.OneOf(HttpMethod.Post, HttpMethod.Put, HttpMethod.Delete))),
            (segment, method) => new HostileRequest(route, method, pathPrefix + segment, method == HttpMethod.Get ? null : Utf8("{}"),
                method == HttpMethod.Get ? null : "application/json", Credential.None, 0, $"segment {segment[..Math.Min(segment.Length, 40)]}", true));

    private static readonly (string Query, bool MustFail)[] ParkedQueries =
    [
        ("?limit=abc", true), ("?limit=1.5", true), ("?limit=99999999999", true), ("?limit=%00", true), ("?limit=1e3", true),
        ("?limit=0x10", true), ("?limit=%FF", true), ("?limit=-", true),
        ("?limit=-1", false), ("?limit=0", false), ("?limit=2147483647", false), ("?limit=5&limit=6", false), ("?limit=", false),
        ("?hostile=1", false), ("?limit=%205", false), ("", false),
    ];

    private static readonly string[] AuditQueries =
    [
        "?idNumber=", "?idNumber=abc", "?idNumber=%00", "?idNumber=12345678901234567", "?idNumber=1&page=0", "?idNumber=1&page=-1",
        "?idNumber=1&pageSize=0", "?idNumber=1&pageSize=201", "?idNumber=1&page=abc", "?idNumber=1&pageSize=1e3", "?idNumber=%FF",
        "?idNumber=1&page=99999999999", "?idNumber=' OR '1'='1", "?idNumber=9999999999999999",
    ];

    /// <summary>The audit trail asked for an unreadable NIK or page, or without a valid operator token; no filter at all is a valid ask (everything).</summary>
    public static Gen<HostileRequest> AuditTrailQueries(string route) =>
        Gen.Select(Gen.OneOf(AuditQueries), Gen.Frequency<Credential>((3, Gen.Const(Credential.OperatorToken)), (1, Gen.OneOf(OperatorTokenFaults))),
            (query, credential) => new HostileRequest(route, HttpMethod.Get, "/v1/admin/audit" + query, null, null, credential, 0,
                $"query {query}, credential {credential}", true));

    /// <summary>The parked-callback list with wrong keys, unreadable limits, and limits it clamps.</summary>
    public static Gen<HostileRequest> ParkedCallbackLists(string route) => Gen.Frequency<HostileRequest>(
        (3, Gen.OneOf(ParkedQueries).Select(q =>
            new HostileRequest(route, HttpMethod.Get, "/v1/admin/callbacks/parked" + q.Query, null, null, Credential.OperatorToken, 0, $"query {q.Query}", q.MustFail))),
        (2, Gen.Select(Gen.OneOf(OperatorTokenFaults), Gen.OneOf(ParkedQueries), (credential, q) =>
            new HostileRequest(route, HttpMethod.Get, "/v1/admin/callbacks/parked" + q.Query, null, null, credential, 0, $"credential {credential}, query {q.Query}", true))),
        (1, Gen.OneOf(HttpMethod.Post, HttpMethod.Put, HttpMethod.Delete).Select(method =>
            new HostileRequest(route, method, "/v1/admin/callbacks/parked", Utf8("{}"), "application/json", Credential.OperatorToken, 16 * 1024, $"method {method}", true))));

    private static readonly string[] CallbackIds =
    [
        "-1", "0", "9223372036854775807", "-9223372036854775808", "abc", "1.5", "9223372036854775808", "%00", "1e3", "0x10", "%20", "%FF",
        "1%2F2", "..", "' OR 1=1",
    ];

    private static readonly Gen<byte[]?> IgnoredBodies = Gen.OneOf<byte[]?>(
        Gen.Const((byte[]?)null),
        Gen.OneOf(AlwaysBadBodies).Select(b => (byte[]?)Encoding.Latin1.GetBytes(b)),
        Gen.Byte.Array[1, 512].Select(b => (byte[]?)b),
        Gen.Int[16 * 1024 + 1, 100_000].Select(n => (byte[]?)Utf8($"{{\"x\":\"{new string('x', n)}\"}}")));

    /// <summary>Retries of callbacks that do not exist or cannot be named, with wrong keys and bodies the route never reads.</summary>
    public static Gen<HostileRequest> ParkedCallbackRetries(string route) =>
        Gen.Select(Gen.OneOf(CallbackIds), Gen.Frequency<Credential>((3, Gen.Const(Credential.OperatorToken)), (1, Gen.OneOf(OperatorTokenFaults))), IgnoredBodies,
            (id, credential, body) => new HostileRequest(route, HttpMethod.Post, $"/v1/admin/callbacks/{id}/retry", body,
                body is null ? null : "application/json", credential, 16 * 1024, $"id {id}, credential {credential}, {(body is null ? "no body" : "hostile body")}", true));

    private static byte[] ReplaceFirst(byte[] bytes, string find, string replacement)
    {
        var needle = Utf8(find);
        var at = bytes.AsSpan().IndexOf(needle);
        return at < 0 ? bytes : [.. bytes[..at], .. Utf8(replacement), .. bytes[(at + needle.Length)..]];
    }
}
