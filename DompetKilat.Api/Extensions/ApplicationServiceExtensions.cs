using System.Text.Json;
using System.Text.Json.Serialization;
using DompetKilat.Api.Borrowers;
using DompetKilat.Api.Contract;
using FluentValidation;
using Microsoft.AspNetCore.Http.Json;
using Scalar.AspNetCore;

namespace Microsoft.AspNetCore.Builder;

internal static class ApplicationServiceExtensions
{
    public const string RedisConnectionName = "redis";

    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddLendingDatabase();
        builder.AddRedisClient(RedisConnectionName);

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddValidatorsFromAssemblyContaining<RegisterBorrowerRequestValidator>(ServiceLifetime.Singleton);
        // Errors name fields as partners spell them: camelCase, dotted for nested objects (loanData.tenor).
        ValidatorOptions.Global.PropertyNameResolver = (_, member, _) => member is null ? null : JsonNamingPolicy.CamelCase.ConvertName(member.Name);
        ValidatorOptions.Global.DisplayNameResolver = (_, member, _) => member is null ? null : JsonNamingPolicy.CamelCase.ConvertName(member.Name);

        // Numbers stay numbers and strings stay strings (API-CONTRACT §1): the web defaults would read "2" as 2.
        builder.Services.Configure<JsonOptions>(options =>
        {
            options.SerializerOptions.AllowDuplicateProperties = false;
            options.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });
        // Bad bodies must reach ContractExceptionHandler instead of becoming a bare 400.
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        builder.Services.AddExceptionHandler<ContractExceptionHandler>();
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi();
    }

    /// <summary>The OpenAPI document and, in Development, the interactive reference at <c>/scalar</c>.</summary>
    public static WebApplication MapApiReference(this WebApplication app)
    {
        app.MapOpenApi();
        if (app.Environment.IsDevelopment())
        {
            app.MapScalarApiReference();
        }

        return app;
    }

    /// <summary>An unknown <c>/v1</c> route answers in the envelope too, never with an empty 404.</summary>
    public static IEndpointRouteBuilder MapContractFallback(this IEndpointRouteBuilder app)
    {
        app.MapFallback("/v1/{**path}", (HttpContext context) =>
            ContractResults.NotFound($"route {context.Request.Method} {context.Request.Path} not found"))
            .ExcludeFromDescription();
        return app;
    }
}
