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

    [Fact]
    public void A_photo_stored_as_bytes_round_trips_names_its_key_and_refuses_tampering()
    {
        var protector = Protector("2024", ("2024", OldKey));
        const string photo = "/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAAMCAgMCAgMDAwMEAwMEBQgFBQQEBQoHBwYIDAoMDAsKCwsNDhIQDQ4RDgsLEBYQERMUFRUVDA8XGBYUGBIUFRT";

        // A copy: the protector hands every save of one string the same array.
        var stored = protector.ProtectAsBytes(photo).ToArray();

        Assert.StartsWith("enc:v1:2024:", Encoding.UTF8.GetString(stored));
        Assert.Equal(photo, Protector("2025", ("2024", OldKey), ("2025", NewKey)).Unprotect(stored));
        stored[^1] ^= 1;
        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(stored));
        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(Encoding.UTF8.GetBytes(photo)));
    }

    [Fact]
    public void A_photo_stored_as_text_opens_as_bytes_once_its_base64_is_decoded()
    {
        // One sealing, two stored forms: the same header, then the sealed bytes in base64 or as they are.
        var protector = Protector("2024", ("2024", OldKey));
        var text = protector.Protect("https://cdn.partner.example/ktp/1.jpg");
        var header = text[..(text.LastIndexOf(':') + 1)];

        var bytes = Encoding.UTF8.GetBytes(header).Concat(Convert.FromBase64String(text[header.Length..])).ToArray();

        Assert.Equal("https://cdn.partner.example/ktp/1.jpg", protector.Unprotect(bytes));
    }

    [Fact]
    public void A_photo_in_canonical_base64_is_stored_decoded_and_reads_back_as_the_same_text()
    {
        var protector = Protector("2024", ("2024", OldKey));
        var image = RandomNumberGenerator.GetBytes(1000);
        var photo = Convert.ToBase64String(image);

        var stored = protector.ProtectAsBytes(photo).ToArray();

        Assert.StartsWith("enc:v2:2024:", Encoding.UTF8.GetString(stored));
        Assert.Equal("enc:v2:2024:".Length + 12 + image.Length + 16, stored.Length);
        Assert.Equal(photo, Protector("2025", ("2024", OldKey), ("2025", NewKey)).Unprotect(stored));

        var relabelled = stored.ToArray();
        relabelled[5] = (byte)'1';
        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(relabelled));
        stored[^1] ^= 1;
        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(stored));
    }

    [Theory]
    [InlineData("/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAAMCAgMCAgMD\r\n\r\nAwMEAwMEBQgFBQQEBQoHBwYIDAoMDAsKCwsNDhIQ")]
    [InlineData("/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAAMCAgMCAgMD    AwMEAwMEBQgFBQQEBQoHBwYIDAoMDAsKCwsNDhIQ")]
    [InlineData("/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAAMCAgMCAgMDAwMEAwMEBQgFBQQEBQoHBwYIDAoMDAsKCwsNDhJ=")]
    [InlineData("/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAAMCAgMCAgMDAwMEAwMEBQgFBQQEBQoHBwYIDAoMDAsKCwsNDhIQDQ")]
    [InlineData("https://cdn.partner.example/ktp/1.jpg")]
    public void A_photo_that_decoding_would_change_is_stored_as_its_text(string photo)
    {
        var protector = Protector("2024", ("2024", OldKey));

        var stored = protector.ProtectAsBytes(photo);

        Assert.StartsWith("enc:v1:2024:", Encoding.UTF8.GetString(stored));
        Assert.Equal(photo, protector.Unprotect(stored));
    }

    [Fact]
    public void A_photo_stored_decoded_still_opens_once_converted_back_to_text()
    {
        // The header as it is, the sealed bytes in base64: what a text column holds.
        var protector = Protector("2024", ("2024", OldKey));
        var photo = Convert.ToBase64String(RandomNumberGenerator.GetBytes(300));
        var stored = protector.ProtectAsBytes(photo);
        var headerLength = "enc:v2:2024:".Length;

        var text = Encoding.UTF8.GetString(stored, 0, headerLength) + Convert.ToBase64String(stored, headerLength, stored.Length - headerLength);

        Assert.Equal(photo, protector.Unprotect(text));
    }

    private static FieldProtector Protector(string active, params (string Id, string Key)[] keys) =>
        new(new FieldEncryptionOptions { Keys = keys.ToDictionary(k => k.Id, k => k.Key), ActiveKey = active });
}
