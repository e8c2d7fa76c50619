using System.Security.Cryptography;
using System.Text;
using DompetKilat.Lending.Data;

namespace DompetKilat.Tests.Domain;

public sealed class FieldProtectorTests
{
    private static readonly string OldKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private static readonly string NewKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    [Fact]
    public void A_value_round_trips_and_is_not_readable_in_its_stored_form()
    {
        var protector = Protector("2024", ("2024", OldKey));

        var stored = protector.Protect("Siti Aminah");

        Assert.StartsWith("enc:v1:2024:", stored);
        Assert.DoesNotContain("Siti", stored);
        Assert.Equal("Siti Aminah", protector.Unprotect(stored));
    }

    [Fact]
    public void Two_people_with_the_same_value_are_not_linkable_in_the_database()
    {
        var protector = Protector("2024", ("2024", OldKey));
        var first = new string("Siti Aminah".AsSpan());
        var second = new string("Siti Aminah".AsSpan());

        Assert.NotEqual(protector.Protect(first), protector.Protect(second));
        // EF converts one value several times while saving it; the value keeps one ciphertext.
        Assert.Equal(protector.Protect(first), protector.Protect(first));
    }

    [Fact]
    public void After_a_rotation_new_values_use_the_new_key_and_old_values_stay_readable()
    {
        var before = Protector("2024", ("2024", OldKey)).Protect("1234567890");
        var rotated = Protector("2025", ("2024", OldKey), ("2025", NewKey));

        Assert.Equal("1234567890", rotated.Unprotect(before));
        Assert.StartsWith("enc:v1:2025:", rotated.Protect("1234567890"));
    }

    [Fact]
    public void A_tampered_value_or_a_retired_key_is_refused()
    {
        var stored = Protector("2024", ("2024", OldKey)).Protect("3201234567890001");
        var tampered = stored[..^4] + (stored[^4] == 'A' ? "B" : "A") + stored[^3..];

        Assert.ThrowsAny<CryptographicException>(() => Protector("2024", ("2024", OldKey)).Unprotect(tampered));
        Assert.ThrowsAny<CryptographicException>(() => Protector("2025", ("2025", NewKey)).Unprotect(stored));
        Assert.ThrowsAny<CryptographicException>(() => Protector("2024", ("2024", OldKey)).Unprotect("3201234567890001"));
    }

    private static FieldProtector Protector(string active, params (string Id, string Key)[] keys) =>
        new(new FieldEncryptionOptions { Keys = keys.ToDictionary(k => k.Id, k => k.Key), ActiveKey = active });
}
