using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using DompetKilat.Api.Borrowers;
using DompetKilat.Api.Callbacks;
using DompetKilat.Api.Contract;
using DompetKilat.Api.Loans;
using DompetKilat.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DompetKilat.Tests.Handlers;

/// <summary>
/// The partner routes' validation step in process: the reference's bodies read with the Api's own
/// JSON rules, put through the validation filter in front of the real handlers' signatures, and the
/// envelope it answers. A refused request never reaches its handler, so it changes nothing.
/// </summary>
public sealed class RequestValidationTests
{
    private static readonly ServiceProvider Services = new ServiceCollection()
        .AddLogging()
        .AddSingleton(TimeProvider.System)
        .AddPartnerContract()
        .BuildServiceProvider();

    private static JsonSerializerOptions Json => Services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;

    [Fact]
    public async Task The_references_registration_reaches_its_handler()
    {
        var (reached, answer) = await SendAsync(nameof(BorrowerEndpoints.RegisterBorrower), typeof(BorrowerEndpoints), TestPeople.Registration());

        Assert.True(reached);
        Assert.Null(answer);
    }

    [Fact]
    public async Task A_registration_with_bad_fields_is_refused_01_naming_each_field_as_partners_spell_it()
    {
        var registration = TestPeople.Registration();
        registration["idNumber"] = "36263828763878312";
        registration["phoneNumber"] = "081234567890";
        registration["birthDate"] = "29/02/2023";
        registration.Remove("email");

        var (reached, answer) = await SendAsync(nameof(BorrowerEndpoints.RegisterBorrower), typeof(BorrowerEndpoints), registration);

        Assert.False(reached);
        Assert.Equal(400, answer!.Value.Status);
        Assert.Equal("01", answer.Value.Body["status"]!.GetValue<string>());
        var errors = answer.Value.Body["data"]!["errors"]!.AsObject();
        Assert.Equal(["birthDate", "email", "idNumber", "phoneNumber"], errors.Select(e => e.Key).Order(StringComparer.Ordinal));
        Assert.Single(errors["email"]!.AsArray());
    }

    [Fact]
    public async Task A_loan_applications_nested_fields_are_named_dotted()
    {
        var application = TestPeople.LoanApplication(TestPeople.Registration());
        application["loanData"]!["tenor"] = 0;
        application["references"]!["npwp"] = "not-an-npwp";

        var (reached, answer) = await SendAsync(nameof(LoanEndpoints.RegisterLoan), typeof(LoanEndpoints), application);

        Assert.False(reached);
        Assert.Equal("01", answer!.Value.Body["status"]!.GetValue<string>());
        Assert.Equal(["loanData.tenor", "references.npwp"],
            answer.Value.Body["data"]!["errors"]!.AsObject().Select(e => e.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_references_loan_application_reaches_its_handler()
    {
        var (reached, _) = await SendAsync(nameof(LoanEndpoints.RegisterLoan), typeof(LoanEndpoints), TestPeople.LoanApplication(TestPeople.Registration()));

        Assert.True(reached);
    }

    [Fact]
    public async Task A_callback_without_its_transaction_id_is_refused_before_the_inbox()
    {
        var callback = new JsonObject
        {
            ["loanCode"] = "LC1635132008", ["bankCode"] = "BNI", ["paymentAccountNumber"] = "8808999966040139", ["status"] = "active",
            ["loanAmount"] = 1000000, ["loanAmountPaid"] = 0, ["tenor"] = 4, ["tenorUnit"] = "day", ["numberOfPay"] = 0, ["histories"] = null,
        };

        var (reached, answer) = await SendAsync(nameof(CallbackEndpoints.AcceptDisbursement), typeof(CallbackEndpoints), callback);

        Assert.False(reached);
        Assert.Equal("01", answer!.Value.Body["status"]!.GetValue<string>());
        Assert.Contains("transactionId", answer.Value.Body["data"]!["errors"]!.AsObject().Select(e => e.Key));
    }

    /// <summary>
    /// Reads <paramref name="body"/> as the handler's body argument, runs the validation filter the
    /// route group applies, and says whether the handler was reached or what the caller was answered.
    /// </summary>
    private static async Task<(bool Reached, (int Status, JsonNode Body)? Answer)> SendAsync(string handler, Type endpoints, JsonObject body)
    {
        var method = endpoints.GetMethod(handler, BindingFlags.Public | BindingFlags.Static)!;
        var parameters = method.GetParameters();
        var arguments = new object?[parameters.Length];
        arguments[0] = body.Deserialize(parameters[0].ParameterType, Json);

        var reached = false;
        var filter = RequestValidation.Validate(
            new EndpointFilterFactoryContext { MethodInfo = method, ApplicationServices = Services },
            _ =>
            {
                reached = true;
                return ValueTask.FromResult<object?>(null);
            });
        var http = new DefaultHttpContext { RequestServices = Services, Response = { Body = new MemoryStream() } };
        var result = await filter(new DefaultEndpointFilterInvocationContext(http, arguments));
        if (result is not IResult answer)
        {
            return (reached, null);
        }

        await answer.ExecuteAsync(http);
        http.Response.Body.Position = 0;
        return (reached, (http.Response.StatusCode, (await JsonNode.ParseAsync(http.Response.Body))!));
    }
}
