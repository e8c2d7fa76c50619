using System.Text.Json.Nodes;
using DompetKilat.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DompetKilat.Tests.Callbacks;

/// <summary>API-CONTRACT §4: a snapshot's money must add up, on both callback routes, or nothing of it is stored.</summary>
[Collection(DompetKilatAppCollection.Name)]
public sealed class CallbackMoneyRuleTests(DompetKilatApp system)
{
    public static TheoryData<string, string> Routes => new()
    {
        { "/v1/loan/disburse", "disbursement" },
        { "/v1/callback/loan/repayment", "repayment" },
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task NumberOfPay_must_count_the_histories(string route, string _)
    {
        var loanCode = await system.ApprovedLoanAsync();
        var callback = LoanJourney.Callback(loanCode, numberOfPay: 2);
        callback["numberOfPay"] = 3;

        await RefusedNamingAsync(route, loanCode, callback, "numberOfPay");
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task NumberOfPay_without_histories_must_be_0(string route, string _)
    {
        var loanCode = await system.ApprovedLoanAsync();
        var callback = LoanJourney.Callback(loanCode);
        callback["numberOfPay"] = 1;

        await RefusedNamingAsync(route, loanCode, callback, "numberOfPay");
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task The_payments_must_sum_to_loanAmountPaid(string route, string _)
    {
        var loanCode = await system.ApprovedLoanAsync();
        var callback = LoanJourney.Callback(loanCode, numberOfPay: 2);
        callback["loanAmountPaid"] = 400000;

        await RefusedNamingAsync(route, loanCode, callback, "loanAmountPaid");
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task No_payment_time_lies_in_the_future(string route, string _)
    {
        var loanCode = await system.ApprovedLoanAsync();
        var callback = LoanJourney.Callback(loanCode, numberOfPay: 2);
        callback["histories"]![1]!["transactionTime"] = DateTime.UtcNow.AddDays(1).ToString("yyyy-MM-ddTHH:mm:ss.fffZ");

        await RefusedNamingAsync(route, loanCode, callback, "histories[1].transactionTime");
    }

    [Fact]
    public async Task The_reference_samples_add_up()
    {
        var loanCode = await system.ApprovedLoanAsync();

        var (disbursed, disbursement) = await system.PostCallbackAsync("/v1/loan/disburse", LoanJourney.Callback(loanCode).ToJsonString());
        var (repaid, repayment) = await system.PostCallbackAsync("/v1/callback/loan/repayment",
            LoanJourney.Callback(loanCode, status: "completed", numberOfPay: 1).ToJsonString());

        Assert.Equal((HttpStatusCode.OK, "00"), (disbursed, disbursement.Status()));
        Assert.Equal((HttpStatusCode.OK, "00"), (repaid, repayment.Status()));
    }

    private async Task RefusedNamingAsync(string route, string loanCode, JsonObject callback, string field)
    {
        var (status, body) = await system.PostCallbackAsync(route, callback.ToJsonString());

        Assert.Equal((HttpStatusCode.BadRequest, "01"), (status, body.Status()));
        Assert.Contains(field, body.ErrorFields());
        await using var db = await system.CreateDbContextAsync();
        Assert.False(await db.LoanCallbacks.AnyAsync(c => db.Loans.Any(l => l.Id == c.LoanId && l.LoanCode == loanCode)));
    }
}
