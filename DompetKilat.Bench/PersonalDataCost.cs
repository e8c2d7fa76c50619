using System.Diagnostics;
using DompetKilat.Lending.Borrowers;
using DompetKilat.Lending.Data;
using DompetKilat.Lending.Data.PersonalData;

namespace DompetKilat.Bench;

/// <summary>
/// What protecting personal data costs the Api per request, in CPU: the exact sealing, wrapping,
/// opening and blind-index work the persistence library does for a registration, a profile read and
/// a loan application, timed in this process on one core. The schema changed with the encryption,
/// so an Api from before it cannot run beside this one on the same database (--baseline); this is
/// the figure to set beside the Api's own CPU per request in the table.
/// </summary>
internal static class PersonalDataCost
{
    private static readonly FieldEncryptionOptions Keys = new()
    {
        Keys = { ["primary"] = Convert.ToBase64String(new byte[32].Select((_, i) => (byte)i).ToArray()) },
        ActiveKey = "primary",
        IndexKey = Convert.ToBase64String(new byte[32].Select((_, i) => (byte)(255 - i)).ToArray()),
    };

    public static IEnumerable<string> Measure(string fotoKtp, string fotoSelfie)
    {
        var masterKeys = new MasterKeys(Keys);
        var index = new BlindIndex(Keys);
        var borrower = new Borrower(1, 1, 1, "3626382876387831", "6281234567890", "bench.borrower@example.co.id", "Bench Borrower",
            new DateOnly(1990, 1, 2), DateTime.UtcNow);
        var personal = new FieldAddress(BorrowerColumns.Table, "personal_data", 1);
        var (ktp, selfie) = (new FieldAddress(BorrowerColumns.DocumentsTable, "foto_ktp", 1), new FieldAddress(BorrowerColumns.DocumentsTable, "foto_selfie", 1));
        var row = new RowAddress(BorrowerColumns.Table, 1);
        var documentsRow = new RowAddress(BorrowerColumns.DocumentsTable, 1);

        var dataKey = DataKey.New();
        var wrapped = masterKeys.Wrap(dataKey, "primary", row);
        var wrappedForPhotos = masterKeys.Wrap(dataKey, "primary", documentsRow);
        var sealedPersonal = dataKey.Seal(SealedPersonalData.Of(borrower).ToUtf8(), personal);
        var (sealedKtp, sealedSelfie) = (dataKey.SealPhoto(fotoKtp, ktp), dataKey.SealPhoto(fotoSelfie, selfie));

        yield return Line("registration", 2_000, () =>
        {
            var key = DataKey.New();
            key.Seal(SealedPersonalData.Of(borrower).ToUtf8(), personal);
            masterKeys.Wrap(key, "primary", row);
            index.IdNumber(borrower.IdNumber);
            index.PhoneNumber(borrower.PhoneNumber);
            index.Email(borrower.Email);
        });
        yield return Line("profile read", 200, () =>
        {
            index.IdNumber(borrower.IdNumber);
            var key = masterKeys.Unwrap(wrapped, "primary", row);
            key.Open(sealedPersonal, personal, static (_, plain) => SealedPersonalData.FromUtf8(plain));
            var photos = masterKeys.Unwrap(wrappedForPhotos, "primary", documentsRow);
            photos.OpenText(sealedKtp, ktp);
            photos.OpenText(sealedSelfie, selfie);
        });
        yield return Line("loan application", 200, () =>
        {
            index.IdNumber(borrower.IdNumber);
            var key = masterKeys.Unwrap(wrapped, "primary", row);
            key.Open(sealedPersonal, personal, static (_, plain) => SealedPersonalData.FromUtf8(plain));
            key.Seal(SealedPersonalData.Of(borrower).ToUtf8(), personal);
            key.SealPhoto(fotoKtp, ktp);
            key.SealPhoto(fotoSelfie, selfie);
            masterKeys.Wrap(key, "primary", documentsRow);
        });
    }

    private static string Line(string request, int iterations, Action work)
    {
        for (var i = 0; i < iterations / 10; i++)
        {
            work();
        }

        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        for (var i = 0; i < iterations; i++)
        {
            work();
        }

        var microseconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / iterations;
        return $"personal data protection per {request}: {microseconds:F0} µs of CPU (sealing, wrapping, opening, blind indexes; in process, photos as the loan rows send them)";
    }
}
