using FluentValidation;

namespace DompetKilat.Api.Contract;

/// <summary>
/// One validation step for a group's routes: every handler argument whose type has a validator is
/// validated before the handler runs, and a request that fails is answered <c>01</c> naming its
/// fields (API-CONTRACT §4) without reaching the handler, so it changes nothing. An absent optional
/// body is the handler's to default.
/// </summary>
internal static class RequestValidation
{
    public static TBuilder ValidatesRequests<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilterFactory(Validate);

    internal static EndpointFilterDelegate Validate(EndpointFilterFactoryContext context, EndpointFilterDelegate next)
    {
        // Which arguments to validate is settled once per route, when it is built, not per request.
        var services = context.ApplicationServices.GetRequiredService<IServiceProviderIsService>();
        var validated = context.MethodInfo.GetParameters()
            .Select((parameter, index) => (Index: index, Validator: typeof(IValidator<>).MakeGenericType(parameter.ParameterType)))
            .Where(p => services.IsService(p.Validator))
            .ToArray();
        if (validated.Length == 0)
        {
            return next;
        }

        return async invocation =>
        {
            foreach (var (index, validatorType) in validated)
            {
                if (invocation.Arguments[index] is not { } argument)
                {
                    continue;
                }

                var validator = (IValidator)invocation.HttpContext.RequestServices.GetRequiredService(validatorType);
                var result = await validator.ValidateAsync(new ValidationContext<object>(argument), invocation.HttpContext.RequestAborted);
                if (!result.IsValid)
                {
                    return ContractResults.Invalid(result.ToDictionary().AsReadOnly());
                }
            }

            return await next(invocation);
        };
    }
}
