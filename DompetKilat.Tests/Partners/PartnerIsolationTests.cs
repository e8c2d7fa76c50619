using DompetKilat.Lending.Data.PersonalData;
using DompetKilat.Tests.Infrastructure;

namespace DompetKilat.Tests.Partners;

/// <summary>API-CONTRACT §8: a borrower belongs to the partner that registered it; to any other it does not exist.</summary>
[Collection(DompetKilatAppCollection.Name)]
public sealed class PartnerIsolationTests(DompetKilatApp system)
{
    [Fact]
    public async Task Another_partners_borrower_profile_is_answered_exactly_as_an_unknown_NIK()
    {
        var (owner, stranger) = (await system.NewPartnerAsync(), await system.NewPartnerAsync());
        var (registration, _, _) = await system.BorrowerWithApprovedLoanAsync(owner);
        var idNumber = registration["idNumber"]!.GetValue<string>();
        var unknown = TestPeople.NewIdentity().IdNumber;

        var (ownStatus, own) = await system.Api.GetAsPartnerAsync($"/v1/borrower/{idNumber}", owner.ApiKey);
        var (foreignStatus, foreign) = await system.Api.GetAsPartnerAsync($"/v1/borrower/{idNumber}", stranger.ApiKey);
        var (unknownStatus, unknownAnswer) = await system.Api.GetAsPartnerAsync($"/v1/borrower/{unknown}", stranger.ApiKey);

        Assert.Equal((HttpStatusCode.OK, "00"), (ownStatus, own.Status()));
        Assert.Equal(idNumber, own["data"]!["idNumber"]!.GetValue<string>());
        Assert.Equal((unknownStatus, unknownAnswer.ToJsonString().Replace(unknown, "NIK", StringComparison.Ordinal)),
            (foreignStatus, foreign.ToJsonString().Replace(idNumber, "NIK", StringComparison.Ordinal)));
        Assert.Equal("001", foreign.Status());
    }

    [Fact]
    public async Task Another_partners_loan_is_answered_exactly_as_an_unknown_loan_code()
    {
        var (owner, stranger) = (await system.NewPartnerAsync(), await system.NewPartnerAsync());
        var (_, _, loanCode) = await system.BorrowerWithApprovedLoanAsync(owner);

        var (ownStatus, own) = await system.Api.GetAsPartnerAsync($"/v1/loan/{loanCode}", owner.ApiKey);
        var (foreignStatus, foreign) = await system.Api.GetAsPartnerAsync($"/v1/loan/{loanCode}", stranger.ApiKey);
        var (unknownStatus, unknown) = await system.Api.GetAsPartnerAsync("/v1/loan/LC999999999999", stranger.ApiKey);

        Assert.Equal((HttpStatusCode.OK, loanCode), (ownStatus, own["data"]!["loanCode"]!.GetValue<string>()));
        Assert.Equal((unknownStatus, unknown.ToJsonString().Replace("LC999999999999", "CODE", StringComparison.Ordinal)),
            (foreignStatus, foreign.ToJsonString().Replace(loanCode, "CODE", StringComparison.Ordinal)));
        Assert.Equal("001", foreign.Status());
    }

    [Fact]
    public async Task A_partner_cannot_apply_for_a_loan_in_another_partners_borrowers_name()
    {
        var (owner, stranger) = (await system.NewPartnerAsync(), await system.NewPartnerAsync());
        var registration = TestPeople.Registration();
        Assert.Equal("00", (await system.Api.PostAsPartnerAsync("/v1/borrower/register", registration, owner.ApiKey)).Body.Status());

        var (status, body) = await system.Api.PostAsPartnerAsync("/v1/loan/register", TestPeople.LoanApplication(registration), stranger.ApiKey);

        Assert.Equal((HttpStatusCode.NotFound, "001"), (status, body.Status()));
        Assert.Equal($"borrower with idNumber {registration["idNumber"]}, is not found", body["message"]!.GetValue<string>());
        await using var db = await system.CreateDbContextAsync();
        var nik = registration["idNumber"]!.GetValue<string>();
        var borrowers = db.Borrowers.HavingIdNumber(system.BlindIndex, nik);
        Assert.False(db.Loans.Any(l => borrowers.Any(b => b.Id == l.BorrowerId)));
    }

    [Fact]
    public async Task A_person_another_partner_registered_is_still_02_naming_the_field_and_not_the_partner()
    {
        var (owner, stranger) = (await system.NewPartnerAsync(), await system.NewPartnerAsync());
        var registration = TestPeople.Registration();
        Assert.Equal("00", (await system.Api.PostAsPartnerAsync("/v1/borrower/register", registration, owner.ApiKey)).Body.Status());
        var sameNik = TestPeople.Registration();
        sameNik["idNumber"] = registration["idNumber"]!.GetValue<string>();
        var samePhone = TestPeople.Registration();
        samePhone["phoneNumber"] = registration["phoneNumber"]!.GetValue<string>();

        var (nikStatus, nik) = await system.Api.PostAsPartnerAsync("/v1/borrower/register", sameNik, stranger.ApiKey);
        var (phoneStatus, phone) = await system.Api.PostAsPartnerAsync("/v1/borrower/register", samePhone, stranger.ApiKey);

        Assert.Equal((HttpStatusCode.Conflict, "02"), (nikStatus, nik.Status()));
        Assert.Equal($"idNumber {registration["idNumber"]} is already registered", nik["message"]!.GetValue<string>());
        Assert.Equal((HttpStatusCode.Conflict, "02"), (phoneStatus, phone.Status()));
        Assert.StartsWith("phoneNumber ", phone["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain(owner.Code, nik.ToJsonString() + phone.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_product_that_is_not_the_callers_is_01_on_productCode()
    {
        var partner = await system.NewPartnerAsync(productCodes: ["95"]);
        var registration = TestPeople.Registration();
        registration["productCode"] = "96";

        var (status, body) = await system.Api.PostAsPartnerAsync("/v1/borrower/register", registration, partner.ApiKey);

        Assert.Equal((HttpStatusCode.BadRequest, "01"), (status, body.Status()));
        Assert.Equal(["productCode"], body.ErrorFields());
    }

    [Fact]
    public async Task The_built_in_LOCAL_partner_serves_loopback_callers_without_a_key_as_the_reference_shows()
    {
        var registration = TestPeople.Registration();

        var (registered, _) = await system.Api.PostAsPartnerAsync("/v1/borrower/register", registration, partnerKey: null);
        var (read, profile) = await system.Api.GetAsPartnerAsync($"/v1/borrower/{registration["idNumber"]}", partnerKey: null);
        var partner = await system.NewPartnerAsync();
        var (foreign, _) = await system.Api.GetAsPartnerAsync($"/v1/borrower/{registration["idNumber"]}", partner.ApiKey);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (registered, read));
        Assert.Equal(registration["email"]!.GetValue<string>(), profile["data"]!["email"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, foreign);
    }
}
