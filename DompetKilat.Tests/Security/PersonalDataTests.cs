using DompetKilat.Tests.Infrastructure;

namespace DompetKilat.Tests.Security;

[Collection(DompetKilatAppCollection.Name)]
public sealed class PersonalDataTests(DompetKilatApp system)
{
    [Fact]
    public async Task A_full_borrower_journey_leaves_no_personal_data_in_any_log_or_span()
    {
        var registration = await system.RegisteredBorrowerAsync();
        var application = TestPeople.LoanApplication(registration);
        var (_, applied) = await system.Api.PostJsonAsync("/v1/loan/register", application.ToJsonString());
        var loanId = applied["data"]!["id"]!.GetValue<long>();
        var (_, approved) = await system.AdminPostAsync($"/v1/admin/loan/{loanId}/approve", "{}");
        var loanCode = approved["data"]!["loanCode"]!.GetValue<string>();
        await system.SendCallbackAsync(LoanJourney.Callback(loanCode));
        await system.SendCallbackAsync(LoanJourney.Callback(loanCode, numberOfPay: 1));
        await system.WaitForLoanAsync(loanCode, l => l["numberOfPay"]!.GetValue<int>() == 1);
        await system.Api.GetJsonAsync($"/v1/borrower/{registration["idNumber"]}");
        var unknownNik = TestPeople.NewIdentity().IdNumber;
        var (_, notFound) = await system.Api.GetJsonAsync($"/v1/borrower/{unknownNik}");
        await system.Api.PostJsonAsync("/v1/borrower/register", registration.ToJsonString());

        var exported = system.Telemetry.PayloadCount;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (system.Telemetry.PayloadCount < exported + 6 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
        }

        Assert.Contains(unknownNik, notFound["message"]!.GetValue<string>());
        Assert.Contains(system.ServiceLogs, line => line.Contains("registered for product", StringComparison.Ordinal));
        Assert.True(system.Telemetry.Contains("/v1/borrower/{idNumber}"), "the journey's spans never reached the receiver, so the search below would prove nothing");
        string[] personalData =
        [
            registration["idNumber"]!.GetValue<string>(),
            unknownNik,
            registration["phoneNumber"]!.GetValue<string>(),
            registration["email"]!.GetValue<string>(),
            application["motherMaidenName"]!.GetValue<string>(),
        ];
        foreach (var value in personalData)
        {
            Assert.DoesNotContain(system.ServiceLogs, line => line.Contains(value, StringComparison.Ordinal));
            Assert.False(system.Telemetry.Contains(value), $"'{value}' was exported in telemetry");
        }
    }
}
