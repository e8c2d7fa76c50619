using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace DompetKilat.Api.Contract;

/// <summary>
/// Completes the generated OpenAPI document with what the code's types cannot say: the
/// contract's status codes on every route, and the partner reference's own request examples.
/// </summary>
internal static class ContractOpenApi
{
    private static readonly (string Http, string Meaning)[] Failures =
    [
        ("400", "01: validation failed; data.errors maps each bad field (seed spelling, dotted for nested fields) to its reasons. Malformed JSON, wrong JSON types and unknown enum values are 01 too."),
        ("401", "05: admin key missing or wrong, or callback signature missing, invalid or expired."),
        ("403", "05: caller IP not on the route's allow-list."),
        ("404", "001: record not found."),
        ("409", "02: NIK, phone number, email or loanCode already registered; 03: transactionId reused with a different body; 04: the loan's status forbids this step."),
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
        ["RejectLoan"] = """{"reason": "income could not be verified"}""",
    };

    public static void Describe(OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "DompetKilat Middleware API";
            document.Info.Description =
                "Every /v1 response is the envelope {\"status\", \"message\", \"data\"}. " +
                string.Join(" ", Failures.Select(f => $"HTTP {f.Http}: {f.Meaning}"));
            return Task.CompletedTask;
        });

        options.AddOperationTransformer(async (operation, context, cancellationToken) =>
        {
            if (context.Description.RelativePath?.StartsWith("v1/", StringComparison.Ordinal) != true)
            {
                return;
            }

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
        });
    }
}
