using System.Text.Json;
using FluentValidation;

namespace DompetKilat.Api.Contract;

/// <summary>
/// PostgreSQL stores no NUL character, in text nor in jsonb, so a string holding one (JSON's
/// <c>"\u0000"</c>) is refused as <c>01</c> before anything is looked up or stored; it used to
/// reach the database and answer 500.
/// </summary>
public static class TextRules
{
    /// <summary>Adds the rule for every string property of <typeparamref name="T"/>, named as partners spell it.</summary>
    public static void RefuseNulCharacters<T>(this AbstractValidator<T> validator)
    {
        foreach (var property in typeof(T).GetProperties().Where(p => p.PropertyType == typeof(string)))
        {
            var name = JsonNamingPolicy.CamelCase.ConvertName(property.Name);
            validator.RuleFor(request => (string?)property.GetValue(request))
                .Must(value => value is null || !value.Contains('\0', StringComparison.Ordinal))
                .OverridePropertyName(name)
                .WithMessage($"{name} must not contain the NUL character");
        }
    }
}
