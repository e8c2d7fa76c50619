using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using DompetKilat.Api.Admin;
using DompetKilat.Api.Partners;
using DompetKilat.Api.Security;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace DompetKilat.Api.Contract;

/// <summary>
/// Completes the generated OpenAPI document with what the code's types cannot say: the
/// contract's status codes on every route, the partner reference's own request examples, and
/// who may call what, so that a partner can generate a client from it (Redocly's recommended
/// lint passes; the test suite checks).
/// </summary>
internal static class ContractOpenApi
{
    /// <summary>The partners' document, at <c>/openapi/v1.json</c> on their listener.</summary>
    public const string PartnersDocument = "v1";

    /// <summary>The back office's document, at <c>/openapi/back-office.json</c> on its own listener only.</summary>
    public const string BackOfficeDocument = "back-office";

    private static readonly (string Http, string Meaning)[] Failures =
    [
        ("400", "01: validation failed; data.errors maps each bad field (seed spelling, dotted for nested fields) to its reasons. Malformed JSON, wrong JSON types and unknown enum values are 01 too."),
        ("401", "05: partner key unknown or revoked (or none sent, and no keyless partner calls from this address), operator token missing, expired or not valid, or callback signature missing, invalid or expired."),
        ("403", "05: the partner is disabled, or calls from an address outside its allowList; a callback sender outside the lender's allow-list; an operator without the route's role, or approving its own change."),
        ("404", "001: record not found."),
        ("409", "02: NIK, phone number, email, loanCode or partnerCode already registered, or a keyless range taken; 03: transactionId reused with a different body; 04: the record's state forbids this step (a loan's status, a change already decided or expired)."),
        ("410", "08: the page asked to start after an event retention already removed (events are kept 30 days by default); start again without after."),
        ("413", "06: body larger than the route allows (64 KiB registration, 8 MiB loan application, 256 KiB callbacks, 16 KiB admin)."),
        ("429", "07: too many requests from this caller; Retry-After says when to come back."),
        ("500", "99: internal fault; safe to retry."),
        ("503", "99: a dependency is down; nothing was stored; safe to retry."),
    ];

    /// <summary>The partner reference's request bodies, by operation.</summary>
    private static readonly Dictionary<string, string> Examples = new()
    {
        ["RegisterBorrower"] = """
            {"map": "PERSONAL_BORROWER", "productCode": "95", "phoneNumber": "62123123123", "email": "johndoe@mail.com",
             "fullName": "John", "idNumber": "362638287638783", "birthDate": "30/09/1999"}
            """,
        ["AcceptDisbursement"] = """
            {"transactionId": "cb82f2ea-901d-49cc-97d3-34846d8d8e29", "loanCode": "LC1635132008", "bankCode": "BNI",
             "paymentAccountNumber": "8808999966040139", "status": "active", "loanAmount": 1000000, "loanAmountPaid": 0,
             "tenor": 4, "tenorUnit": "day", "numberOfPay": 0, "histories": null}
            """,
        ["AcceptRepayment"] = """
            {"transactionId": "cb82f2ea-901d-49cc-97d3-34846d8d8e29", "loanCode": "LC1635132008", "bankCode": "BNI",
             "paymentAccountNumber": "8808999966040139", "status": "completed", "loanAmount": 1000000, "loanAmountPaid": 250000,
             "tenor": 4, "tenorUnit": "day", "numberOfPay": 1,
             "histories": [{"transactionTime": "2021-10-25T15:20:16.921Z", "paymentAmount": 250000}]}
            """,
        ["ApproveLoan"] = """{"loanCode": "LC1635132008", "contractNo": "CN/2022/01/0001", "contractDate": "11/01/2022"}""",
        ["ExportBorrowerPersonalData"] = """{"idNumber": "362638287638783"}""",
        ["EraseBorrower"] = """{"idNumber": "362638287638783"}""",
        ["RejectLoan"] = """{"reason": "income could not be verified"}""",
        ["RegisterPartner"] = """
            {"partnerCode": "TOKOKU", "name": "PT Tokoku", "allowList": ["203.0.113.0/24"], "productCodes": ["95"],
             "webhookUrl": "https://tokoku.example/dk/events", "keyless": false}
            """,
        ["UpdatePartner"] = """
            {"name": "PT Tokoku Indonesia", "allowList": ["203.0.113.0/24", "198.51.100.7"], "productCodes": ["95"],
             "webhookUrl": "https://tokoku.example/dk/events", "keyless": false}
            """,
        ["RotatePartnerKeys"] = """{"webhookSecret": true, "revokePrevious": false}""",
    };

    /// <summary>Answers whose shape the types alone leave abstract (an event's data), by operation.</summary>
    private static readonly Dictionary<string, string> ResponseExamples = new()
    {
        ["ListEvents"] = """
            {"status": "00", "message": "success", "data": {"hasMore": true, "events": [
             {"id": "evt_0193a8f2c4e07b3e9d2f5a6b7c8d9e0f", "type": "loan.approved", "occurredAt": "2026-11-25T03:04:05.123Z",
              "data": {"id": 141, "borrowerId": 5301, "loanCode": "LC1635132008", "status": "APPROVED", "state": 2}}]}}
            """,
        ["GetEvent"] = """
            {"status": "00", "message": "success", "data": {"id": "evt_0193a8f2c4e07b3e9d2f5a6b7c8d9e0f", "type": "loan.approved",
             "occurredAt": "2026-11-25T03:04:05.123Z", "data": {"id": 141, "loanCode": "LC1635132008", "status": "APPROVED"},
             "state": "delivered", "deliveries": [
              {"attemptedAt": "2026-11-25T03:04:05.301Z", "status": null, "error": "ConnectionError", "durationMs": 12},
              {"attemptedAt": "2026-11-25T03:04:10.412Z", "status": 200, "error": null, "durationMs": 87}]}}
            """,
        ["RedeliverPartnerEvent"] = """{"status": "00", "message": "success", "data": {"id": "evt_0193a8f2c4e07b3e9d2f5a6b7c8d9e0f", "state": "pending"}}""",
        ["SendTestEvent"] = """
            {"status": "00", "message": "success", "data": {"id": "evt_0193a8f3a1b27c4d8e9f0a1b2c3d4e5f", "type": "webhook.test",
             "occurredAt": "2026-11-25T03:05:00.000Z", "data": {"partnerCode": "TOKOKU"}, "state": "pending", "deliveries": []}}
            """,
    };

    private static readonly Dictionary<string, string> TagDescriptions = new()
    {
        ["Borrower"] = "Partners register borrowers and read their profiles.",
        ["Loan"] = "Partners apply for loans and follow them.",
        ["Callbacks"] = "The lender's system of record reports disbursements and repayments; transactionId makes each one idempotent.",
        ["Events"] = "Partners list and read their own events (the bodies their webhooks carry, with every delivery attempt), ask for one again, and send themselves a test event.",
        ["Back office"] = "The lender's operators onboard partners (four eyes: one makes a change, another approves it), approve and reject loans, retry callbacks the worker could not apply, read the audit trail, answer a person's requests to access or erase their personal data, and follow a master key rotation.",
    };

    public static void Describe(OpenApiOptions options)
    {
        var backOffice = options.DocumentName == BackOfficeDocument;
        // By default a route without a group would be in both documents; partners must not see the back office's, nor operators theirs.
        options.ShouldInclude = description => (description.GroupName == BackOfficeDocument) == backOffice;
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = backOffice ? "DompetKilat Back Office API" : "DompetKilat Middleware API";
            document.Info.Description = (backOffice
                    ? "For the lender's operators, on the back office's own listener. Each operation names the roles it admits (x-roles, and " +
                      "the scopes of its OperatorToken requirement). "
                    : "") +
                "Every /v1 response is the envelope {\"status\", \"message\", \"data\"}. " +
                string.Join(" ", Failures.Select(f => $"HTTP {f.Http}: {f.Meaning}"));
            // Not open source, and SPDX's way to say so is a LicenseRef of one's own.
            document.Info.License = new OpenApiLicense { Name = "Proprietary: for DompetKilat's lending partners", Identifier = "LicenseRef-Proprietary" };
            // Relative, so the document means whichever host served it (sandbox or production) and
            // never echoes the request's Host header back.
            document.Servers = [new OpenApiServer { Url = "/", Description = "the host this document is served from" }];
            foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
            {
                tag.Description ??= TagDescriptions.GetValueOrDefault(tag.Name ?? "");
            }

            CallerSchemes.Declare(document, backOffice);
            return Task.CompletedTask;
        });

        // A property left out when null is in no answer that has nothing for it, so it cannot be
        // required there, whatever the constructor it is bound through says.
        options.AddSchemaTransformer((schema, context, _) =>
        {
            if (schema.Required is { Count: > 0 } required)
            {
                foreach (var property in context.JsonTypeInfo.Properties.Where(OmittedWhenEmpty))
                {
                    required.Remove(property.Name);
                }
            }

            return Task.CompletedTask;
        });

        options.AddOperationTransformer(async (operation, context, cancellationToken) =>
        {
            if (context.Description.RelativePath?.StartsWith("v1/", StringComparison.Ordinal) != true)
            {
                return;
            }

            operation.Security = CallerSchemes.RequiredBy(context, operation);
            var envelope = await context.GetOrCreateSchemaAsync(typeof(ApiResponse<ErrorData>), null, cancellationToken);
            operation.Responses ??= [];
            foreach (var (http, meaning) in Failures)
            {
                operation.Responses.TryAdd(http, new OpenApiResponse
                {
                    Description = meaning,
                    Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = envelope } },
                });
            }

            if (operation.OperationId is { } id && Examples.TryGetValue(id, out var example)
                && operation.RequestBody?.Content?.TryGetValue("application/json", out var body) == true)
            {
                body.Example = JsonNode.Parse(example);
            }

            if (operation.OperationId is { } answered && ResponseExamples.TryGetValue(answered, out var answer)
                && operation.Responses.TryGetValue("200", out var ok) && ok.Content?.TryGetValue("application/json", out var content) == true)
            {
                content.Example = JsonNode.Parse(answer);
            }
        });
    }

    private static bool OmittedWhenEmpty(JsonPropertyInfo property) =>
        property.AttributeProvider?.GetCustomAttributes(typeof(JsonIgnoreAttribute), inherit: true).OfType<JsonIgnoreAttribute>()
            .Any(i => i.Condition is JsonIgnoreCondition.WhenWritingNull or JsonIgnoreCondition.WhenWritingDefault) == true;

    /// <summary>
    /// Who may call each route, in the document's terms: the security schemes, declared once,
    /// and the requirement each route carries. Partner routes take the partner key or, for a
    /// keyless partner, nothing but its address; routes without a scheme are open to the addresses
    /// on their allow-list (contract §7), which OpenAPI has no words for; they say so with an
    /// empty requirement rather than saying nothing.
    /// </summary>
    private static class CallerSchemes
    {
        private const string OperatorToken = "OperatorToken";
        private const string PartnerKey = "PartnerKey";

        public static void Declare(OpenApiDocument document, bool backOffice)
        {
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            if (backOffice)
            {
                document.Components.SecuritySchemes[OperatorToken] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    BearerFormat = "JWT",
                    Description = "An operator's token from the deployment's OpenID Connect issuer (in development, eng/operator-token.sh): " +
                        "sub and name name the operator, roles holds partner-manager, loan-officer, operations or auditor. Missing, " +
                        "expired or not valid: 05, HTTP 401; without the route's role: 05, HTTP 403.",
                };
                return;
            }

            document.Components.SecuritySchemes[PartnerKey] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = CallingPartner.KeyHeader,
                Description = "The partner's key, issued by the back office. Unknown or revoked: 05, HTTP 401. A partner registered " +
                    "as keyless sends none and is known by its address.",
            };
        }

        public static List<OpenApiSecurityRequirement> RequiredBy(OpenApiOperationTransformerContext context, OpenApiOperation operation)
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            if (metadata.OfType<RolesOfRoute>().LastOrDefault() is { } roles)
            {
                operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
                operation.Extensions["x-roles"] = new JsonNodeExtension(new JsonArray([.. roles.Roles.Select(r => JsonValue.Create(r))]));
                operation.Description = $"{operation.Description} Roles: {string.Join(", ", roles.Roles)}.".TrimStart();
                return [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(OperatorToken, context.Document)] = [.. roles.Roles] }];
            }

            return metadata.OfType<AllowedCallers>().Any(a => a.Group == CallerGroup.Partners)
                ? [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(PartnerKey, context.Document)] = [] }, new OpenApiSecurityRequirement()]
                : [new OpenApiSecurityRequirement()];
        }
    }
}
