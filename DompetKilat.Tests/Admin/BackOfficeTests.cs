using System.Text.Json;
using DompetKilat.AppHost;
using DompetKilat.Lending.Loans;
using DompetKilat.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DompetKilat.Tests.Admin;

[Collection(DompetKilatAppCollection.Name)]
public sealed class BackOfficeTests(DompetKilatApp system)
{
    [Fact]
    public async Task Approval_with_the_contracts_body_answers_the_loan_entity_approved()
    {
        var id = await system.AppliedLoanAsync();
        var loanCode = $"LC{Random.Shared.NextInt64(1_000_000_000, 9_999_999_999)}";

        var (status, body) = await system.AdminPostAsync($"/v1/admin/loan/{id}/approve",
            $$"""{"loanCode": "{{loanCode}}", "contractNo": "CN/2022/01/0001", "contractDate": "11/01/2022"}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("00", body.Status());
        var data = body["data"]!.AsObject();
        Assert.Equal(id, data["id"]!.GetValue<long>());
        Assert.Equal("APPROVED", data["status"]!.GetValue<string>());
        Assert.Equal(2, data["state"]!.GetValue<int>());
        Assert.Equal(loanCode, data["loanCode"]!.GetValue<string>());
        Assert.Equal("CN/2022/01/0001", data["contractNo"]!.GetValue<string>());
        Assert.Equal("11/01/2022", data["contractDate"]!.GetValue<string>());
    }

    [Fact]
    public async Task Approval_without_a_body_generates_a_unique_LC_code()
    {
        var first = await system.AppliedLoanAsync();
        var second = await system.AppliedLoanAsync();

        var (bodilessStatus, one) = await system.AdminPostAsync($"/v1/admin/loan/{first}/approve", null);
        var (_, other) = await system.AdminPostAsync($"/v1/admin/loan/{second}/approve", "{}");

        Assert.True(bodilessStatus == HttpStatusCode.OK, one.ToJsonString());
        var codes = new[] { one, other }.Select(b => b["data"]!["loanCode"]!.GetValue<string>()).ToArray();
        Assert.All(codes, code => Assert.Matches("^LC[0-9]{12}$", code));
        Assert.NotEqual(codes[0], codes[1]);
        Assert.Equal(JsonValueKind.Null, one["data"]!.AsObject().KindOf("contractDate"));
    }

    [Fact]
    public async Task A_loanCode_another_loan_holds_is_02_and_leaves_the_loan_inactive()
    {
        var taken = await system.ApprovedLoanAsync();
        var id = await system.AppliedLoanAsync();

        var (status, body) = await system.AdminPostAsync($"/v1/admin/loan/{id}/approve", $$"""{"loanCode": "{{taken}}"}""");

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("02", body.Status());
        Assert.Equal($"loanCode {taken} is already registered", body["message"]!.GetValue<string>());
        await using var db = await system.CreateDbContextAsync();
        var loan = await db.Loans.AsNoTracking().SingleAsync(l => l.Id == id);
        Assert.Equal(LoanStatus.Inactive, loan.Status);
        Assert.Equal("", loan.LoanCode);
    }

    [Fact]
    public async Task Approving_twice_is_04_naming_the_current_status()
    {
        var id = await system.AppliedLoanAsync();
        await system.AdminPostAsync($"/v1/admin/loan/{id}/approve", "{}");

        var (status, body) = await system.AdminPostAsync($"/v1/admin/loan/{id}/approve", "{}");

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("04", body.Status());
        Assert.Equal($"loan {id} is APPROVED and cannot be approved", body["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Racing_approvals_of_one_loan_have_exactly_one_winner()
    {
        var id = await system.AppliedLoanAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            system.AdminPostAsync($"/v1/admin/loan/{id}/approve", "{}")));

        Assert.Single(answers, a => a.Status == HttpStatusCode.OK);
        Assert.All(answers.Where(a => a.Status != HttpStatusCode.OK), a => Assert.Equal("04", a.Body.Status()));
        var winner = answers.Single(a => a.Status == HttpStatusCode.OK).Body["data"]!["loanCode"]!.GetValue<string>();
        await using var db = await system.CreateDbContextAsync();
        Assert.Equal(winner, await db.Loans.Where(l => l.Id == id).Select(l => l.LoanCode).SingleAsync());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Rejection_is_allowed_from_inactive_and_approved(bool approveFirst)
    {
        var id = await system.AppliedLoanAsync();
        if (approveFirst)
        {
            await system.AdminPostAsync($"/v1/admin/loan/{id}/approve", "{}");
        }

        var (status, body) = await system.AdminPostAsync($"/v1/admin/loan/{id}/reject", """{"reason": "income could not be verified"}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("REJECTED", body["data"]!["status"]!.GetValue<string>());
        Assert.Equal(5, body["data"]!["state"]!.GetValue<int>());
        await using var db = await system.CreateDbContextAsync();
        Assert.Equal("income could not be verified", await db.Loans.Where(l => l.Id == id).Select(l => l.RejectionReason).SingleAsync());
    }

    [Fact]
    public async Task A_rejected_loan_can_be_neither_approved_nor_rejected_again()
    {
        var id = await system.AppliedLoanAsync();
        await system.AdminPostAsync($"/v1/admin/loan/{id}/reject", """{"reason": "duplicate application"}""");

        var (approveStatus, approve) = await system.AdminPostAsync($"/v1/admin/loan/{id}/approve", "{}");
        var (rejectStatus, reject) = await system.AdminPostAsync($"/v1/admin/loan/{id}/reject", """{"reason": "again"}""");

        Assert.Equal((HttpStatusCode.Conflict, "04"), (approveStatus, approve.Status()));
        Assert.Equal($"loan {id} is REJECTED and cannot be approved", approve["message"]!.GetValue<string>());
        Assert.Equal((HttpStatusCode.Conflict, "04"), (rejectStatus, reject.Status()));
    }

    [Fact]
    public async Task An_unknown_loan_is_001()
    {
        var (status, body) = await system.AdminPostAsync("/v1/admin/loan/987654321987/approve", "{}");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("001", body.Status());
    }

    [Theory]
    [InlineData("""{"contractDate": "2022-01-11"}""", "contractDate")]
    [InlineData("""{"contractDate": "31/02/2022"}""", "contractDate")]
    [InlineData("""{"contractDate": "01/01/2999"}""", "contractDate")]
    [InlineData("""{"loanCode": ""}""", "loanCode")]
    [InlineData("""{"loanCode": "LC 1'; --"}""", "loanCode")]
    [InlineData("""{"loanCode": 1635132008}""", "loanCode")]
    public async Task Bad_approval_fields_are_01_and_change_nothing(string json, string field)
    {
        var id = await system.AppliedLoanAsync();

        var (status, body) = await system.AdminPostAsync($"/v1/admin/loan/{id}/approve", json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("01", body.Status());
        Assert.Contains(field, body.ErrorFields());
        await using var db = await system.CreateDbContextAsync();
        Assert.Equal(LoanStatus.Inactive, await db.Loans.Where(l => l.Id == id).Select(l => l.Status).SingleAsync());
    }

    [Fact]
    public async Task A_rejection_needs_a_reason()
    {
        var id = await system.AppliedLoanAsync();

        var (status, body) = await system.AdminPostAsync($"/v1/admin/loan/{id}/reject", "{}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("reason", body.ErrorFields());
    }

    public static TheoryData<string> RefusedTokens => new()
    {
        "none", "empty", "malformed", "expired", "unsigned", "other-key", "other-audience", "other-issuer", "no-expiry", "x-api-key",
    };

    [Theory]
    [MemberData(nameof(RefusedTokens))]
    public async Task A_missing_or_bad_token_is_05_with_the_same_answer_and_changes_nothing(string token)
    {
        var id = await system.AppliedLoanAsync();

        var (status, body) = await system.BackOffice.SendAsync(HttpMethod.Post, $"/v1/admin/loan/{id}/approve", "{}", BadCredential(token));

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("05", body.Status());
        Assert.Equal("operator token is missing, expired or not valid", body["message"]!.GetValue<string>());
        await using var db = await system.CreateDbContextAsync();
        Assert.Equal(LoanStatus.Inactive, await db.Loans.Where(l => l.Id == id).Select(l => l.Status).SingleAsync());
    }

    [Fact]
    public async Task Without_a_token_even_a_malformed_body_is_05()
    {
        var (status, body) = await system.BackOffice.SendAsync(HttpMethod.Post, "/v1/admin/loan/1/reject", "{not json", null);

        Assert.Equal((HttpStatusCode.Unauthorized, "05"), (status, body.Status()));
    }

    /// <summary>Credentials the back office must refuse; "x-api-key" is the shared key it took before operators had names.</summary>
    private (string Name, string Value)? BadCredential(string kind)
    {
        var now = DateTimeOffset.UtcNow;
        Dictionary<string, object> Claims(string audience = OperatorTokens.Audience, string issuer = OperatorTokens.Issuer, DateTimeOffset? expires = null) => new()
        {
            ["iss"] = issuer, ["aud"] = audience, ["sub"] = "mallory", ["name"] = "Mallory", ["roles"] = Operators.EveryRole,
            ["exp"] = (expires ?? now.AddHours(1)).ToUnixTimeSeconds(),
        };
        var key = system.BackOfficeSigningKey;
        var valid = OperatorTokens.Sign(key, Claims());
        return kind switch
        {
            "none" => null,
            "empty" => ("Authorization", "Bearer "),
            "malformed" => ("Authorization", "Bearer not.a.token"),
            "expired" => ("Authorization", $"Bearer {OperatorTokens.Sign(key, Claims(expires: now.AddMinutes(-5)))}"),
            "unsigned" => ("Authorization", $"Bearer {string.Join('.', valid.Split('.')[..2].Select((part, i) => i == 0
                ? OperatorTokens.Encode("""{"alg":"none","typ":"JWT"}"""u8.ToArray()) : part))}."),
            "other-key" => ("Authorization", $"Bearer {OperatorTokens.Sign(key + "-but-another", Claims())}"),
            "other-audience" => ("Authorization", $"Bearer {OperatorTokens.Sign(key, Claims(audience: "someone-else"))}"),
            "other-issuer" => ("Authorization", $"Bearer {OperatorTokens.Sign(key, Claims(issuer: "someone-else"))}"),
            "no-expiry" => ("Authorization", $"Bearer {OperatorTokens.Sign(key, Claims().Where(c => c.Key != "exp").ToDictionary())}"),
            "x-api-key" => ("X-Api-Key", "dev-admin-key-change-me"),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
    }

    [Fact]
    public async Task An_admin_body_over_16_KiB_is_06()
    {
        var id = await system.AppliedLoanAsync();

        var (status, body) = await system.AdminPostAsync($"/v1/admin/loan/{id}/reject",
            $$"""{"reason": "{{new string('x', 17 * 1024)}}"}""");

        Assert.Equal((HttpStatusCode.RequestEntityTooLarge, "06"), (status, body.Status()));
    }
}
