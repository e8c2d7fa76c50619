using System.Security.Cryptography;
using System.Text;
using DompetKilat.Lending.Data;
using DompetKilat.Lending.Data.PersonalData;

namespace DompetKilat.Tests.Domain;

/// <summary>The envelope around a borrower's personal data: data keys, master keys, blind indexes.</summary>
public sealed class PersonalDataProtectionTests
{
    private static readonly string OldKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private static readonly string NewKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private static readonly string IndexKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private static readonly FieldAddress Row7 = new("borrowers", "personal_data", 7);

    [Fact]
    public void A_value_opens_only_where_it_was_sealed()
    {
        var key = DataKey.New();
        var stored = key.SealText("Siti Aminah", Row7);

        Assert.DoesNotContain("Siti", Encoding.UTF8.GetString(stored), StringComparison.Ordinal);
        Assert.Equal("Siti Aminah", key.OpenText(stored, Row7));
        var movedRow = Assert.Throws<PersonalDataUnreadableException>(() => key.OpenText(stored, Row7 with { Id = 8 }));
        Assert.Equal(("borrowers", "personal_data", 8L), (movedRow.Table, movedRow.Column, movedRow.RowId));
        Assert.Throws<PersonalDataUnreadableException>(() => key.OpenText(stored, Row7 with { Column = "foto_ktp" }));
        Assert.Throws<PersonalDataUnreadableException>(() => DataKey.New().OpenText(stored, Row7));
        stored[^1] ^= 1;
        Assert.Throws<PersonalDataUnreadableException>(() => key.OpenText(stored, Row7));
    }

    [Fact]
    public void The_message_of_an_unreadable_value_names_where_it_is_and_never_what_it_holds()
    {
        var key = DataKey.New();
        var stored = key.SealText("3201234567890001", Row7);

        var refused = Assert.Throws<PersonalDataUnreadableException>(() => key.OpenText(stored, Row7 with { Id = 9 }));

        Assert.Equal("The personal data in borrowers.personal_data of row 9 cannot be decrypted.", refused.Message);
    }

    [Fact]
    public void A_photo_in_canonical_base64_is_sealed_decoded_and_opens_as_the_same_text()
    {
        var key = DataKey.New();
        var image = RandomNumberGenerator.GetBytes(1000);
        var photo = Convert.ToBase64String(image);
        var field = new FieldAddress("borrower_documents", "foto_ktp", 7);

        var stored = key.SealPhoto(photo, field);

        Assert.Equal(1 + 12 + image.Length + 16, stored.Length);
        Assert.Equal(photo, key.OpenText(stored, field));
        stored[0] = 1;
        Assert.Throws<PersonalDataUnreadableException>(() => key.OpenText(stored, field));
    }

    [Theory]
    [InlineData("/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAAMCAgMCAgMD\r\n\r\nAwMEAwMEBQgFBQQEBQoHBwYIDAoMDAsKCwsNDhIQ")]
    [InlineData("/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAAMCAgMCAgMD    AwMEAwMEBQgFBQQEBQoHBwYIDAoMDAsKCwsNDhIQ")]
    [InlineData("/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAAMCAgMCAgMDAwMEAwMEBQgFBQQEBQoHBwYIDAoMDAsKCwsNDhJ=")]
    [InlineData("/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAAMCAgMCAgMDAwMEAwMEBQgFBQQEBQoHBwYIDAoMDAsKCwsNDhIQDQ")]
    [InlineData("https://cdn.partner.example/ktp/1.jpg")]
    public void A_photo_that_decoding_would_change_is_sealed_as_its_text(string photo)
    {
        var key = DataKey.New();
        var field = new FieldAddress("borrower_documents", "foto_selfie", 7);

        var stored = key.SealPhoto(photo, field);

        Assert.Equal(1 + 12 + Encoding.UTF8.GetByteCount(photo) + 16, stored.Length);
        Assert.Equal(photo, key.OpenText(stored, field));
    }

    [Fact]
    public void A_wrapped_data_key_opens_only_on_its_row_under_the_master_key_it_names()
    {
        var keys = MasterKeysOf("old", ("old", OldKey), ("new", NewKey));
        var dataKey = DataKey.New();
        var row = new RowAddress("borrowers", 7);
        var stored = dataKey.SealText("Siti", Row7);

        var wrapped = keys.Wrap(dataKey, "old", row);

        Assert.Equal("Siti", keys.Unwrap(wrapped, "old", row).OpenText(stored, Row7));
        Assert.Throws<PersonalDataUnreadableException>(() => keys.Unwrap(wrapped, "old", row with { Id = 8 }));
        Assert.Throws<PersonalDataUnreadableException>(() => keys.Unwrap(wrapped, "new", row));
        Assert.Throws<PersonalDataUnreadableException>(() => MasterKeysOf("new", ("new", NewKey)).Unwrap(wrapped, "old", row));
        Assert.Equal("Siti", keys.Unwrap(keys.Wrap(keys.Unwrap(wrapped, "old", row), "new", row), "new", row).OpenText(stored, Row7));
    }

    [Fact]
    public void Rotation_rewraps_the_same_data_key_under_the_active_master_key_and_leaves_sealed_values_as_they_are()
    {
        var before = MasterKeysOf("old", ("old", OldKey));
        var during = MasterKeysOf("new", ("old", OldKey), ("new", NewKey));
        var row = new RowAddress("borrower_documents", 7);
        var field = new FieldAddress("borrower_documents", "foto_ktp", 7);
        var dataKey = DataKey.New();
        var stored = dataKey.SealText("Siti", field);
        var wrapped = before.Wrap(dataKey, "old", row);

        var rewrapped = during.Rewrap(wrapped, "old", row);

        Assert.Equal("Siti", during.Unwrap(rewrapped, "new", row).OpenText(stored, field));
        Assert.Equal("Siti", during.Unwrap(wrapped, "old", row).OpenText(stored, field));
        Assert.Throws<PersonalDataUnreadableException>(() => during.Unwrap(rewrapped, "old", row));
        Assert.Throws<PersonalDataUnreadableException>(() => during.Unwrap(rewrapped, "new", row with { Table = "borrowers" }));
        // A replica that was never given the old key cannot rotate what it wrapped, and says which row.
        var without = Assert.Throws<PersonalDataUnreadableException>(() => MasterKeysOf("new", ("new", NewKey)).Rewrap(wrapped, "old", row));
        Assert.Equal(("borrower_documents", 7L), (without.Table, without.RowId));
    }

    [Fact]
    public void Blind_indexes_are_stable_keyed_and_apart_per_field()
    {
        var index = new BlindIndex(Options("old", IndexKey, ("old", OldKey)));
        var other = new BlindIndex(Options("old", Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), ("old", OldKey)));

        Assert.Equal(index.IdNumber("3201234567890001"), index.IdNumber("3201234567890001"));
        Assert.NotEqual(index.IdNumber("3201234567890001"), index.IdNumber("3201234567890002"));
        Assert.NotEqual(index.IdNumber("6281234567890"), index.PhoneNumber("6281234567890"));
        Assert.NotEqual(index.IdNumber("3201234567890001"), other.IdNumber("3201234567890001"));
    }

    [Fact]
    public void Settings_without_an_index_key_of_its_own_are_refused_at_start()
    {
        Assert.Null(FieldEncryptionOptions.Problem(Options("old", IndexKey, ("old", OldKey))));
        Assert.NotNull(FieldEncryptionOptions.Problem(Options("old", "", ("old", OldKey))));
        Assert.NotNull(FieldEncryptionOptions.Problem(Options("old", OldKey, ("old", OldKey))));
        Assert.NotNull(FieldEncryptionOptions.Problem(Options("new", IndexKey, ("old", OldKey))));
        Assert.NotNull(FieldEncryptionOptions.Problem(Options("old", IndexKey, ("old", "c2hvcnQ="))));
    }

    private static MasterKeys MasterKeysOf(string active, params (string Id, string Key)[] keys) => new(Options(active, IndexKey, keys));

    private static FieldEncryptionOptions Options(string active, string indexKey, params (string Id, string Key)[] keys) =>
        new() { Keys = keys.ToDictionary(k => k.Id, k => k.Key), ActiveKey = active, IndexKey = indexKey };
}
