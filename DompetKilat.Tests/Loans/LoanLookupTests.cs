using System.Text.Json;
using DompetKilat.Tests.Infrastructure;

namespace DompetKilat.Tests.Loans;

[Collection(DompetKilatAppCollection.Name)]
public sealed class LoanLookupTests(DompetKilatApp system)
{
    [Fact]
    public async Task An_approved_loan_is_found_by_its_code_with_every_contract_field()
    {
        var loanCode = await system.ApprovedLoanAsync();

        var (status, body) = await system.Api.GetJsonAsync($"/v1/loan/{loanCode}");

        Assert.Equal(HttpStatusCode.OK, status);
        var data = body["data"]!.AsObject();
        string[] contractFields =
        [
            "id", "borrowerId", "loanCode", "status", "state", "amount", "tenor", "tenorUnit", "bankCode",
            "paymentAccountNumber", "loanAmountPaid", "numberOfPay", "histories", "contractNo", "contractDate",
            "createdAt", "updatedAt",
        ];
        Assert.All(contractFields, field => Assert.True(data.ContainsKey(field), field));
        Assert.Equal(loanCode, data["loanCode"]!.GetValue<string>());
        Assert.Equal("APPROVED", data["status"]!.GetValue<string>());
        Assert.Equal(2, data["state"]!.GetValue<int>());
        Assert.Equal(JsonValueKind.Number, data.KindOf("amount"));
        Assert.Equal(0, data["loanAmountPaid"]!.GetValue<long>());
        Assert.Equal(JsonValueKind.Array, data.KindOf("histories"));
        Assert.Empty(data["histories"]!.AsArray());
        Assert.Equal(JsonValueKind.Null, data.KindOf("disbursedAt"));
        Assert.EndsWith("Z", data["createdAt"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("LC0000000000000")]
    [InlineData("%20")]
    public async Task An_unknown_loanCode_is_001(string loanCode)
    {
        var (status, body) = await system.Api.GetJsonAsync($"/v1/loan/{loanCode}");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("001", body.Status());
    }
}
