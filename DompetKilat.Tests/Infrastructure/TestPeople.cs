using System.Text.Json.Nodes;

namespace DompetKilat.Tests.Infrastructure;

/// <summary>Unique borrowers per test, so tests sharing one database never collide.</summary>
public static class TestPeople
{
    private static long sequence = DateTime.UtcNow.Ticks % 1_000_000_000;

    public static (string IdNumber, string PhoneNumber, string Email) NewIdentity()
    {
        var n = Interlocked.Increment(ref sequence);
        return ($"3{n:D15}", $"628{n:D10}", $"borrower{n}@example.co.id");
    }

    /// <summary>The partner reference's registration body, with a fresh identity.</summary>
    public static JsonObject Registration()
    {
        var (idNumber, phone, email) = NewIdentity();
        return new JsonObject
        {
            ["map"] = "PERSONAL_BORROWER",
            ["productCode"] = "95",
            ["phoneNumber"] = phone,
            ["email"] = email,
            ["fullName"] = "John",
            ["idNumber"] = idNumber,
            ["birthDate"] = "30/09/1999",
        };
    }

    public const string SamplePhoto =
        "iVBORw0KGgoAAAANSUhEUgAAA+gAAAPoCAYAAABNo9TkAAAgAElEQVR4nOzd+ VcTf7ru/fOnP2fv091fBZkcUeZ5HpRBQRQQEUGcERRBEMhQQ+a5klzPD9UJGFNJZeK uJhrWuFxhBopffaL941/J//9/8BYub3z//wXuP/1s9a/asda";

    /// <summary>The partner reference's loan application body for a registered borrower.</summary>
    public static JsonObject LoanApplication(JsonObject registration) => new()
    {
        ["map"] = "PERSONAL_BORROWER",
        ["productCode"] = "95",
        ["phoneNumber"] = registration["phoneNumber"]!.GetValue<string>(),
        ["email"] = registration["email"]!.GetValue<string>(),
        ["fullName"] = "John",
        ["idNumber"] = registration["idNumber"]!.GetValue<string>(),
        ["gender"] = "L",
        ["birthPlace"] = "Jakarta",
        ["birthDate"] = "30/09/1999",
        ["officeName"] = "PT ABC",
        ["startDate"] = "15/04/2001",
        ["address"] = "Jl Merdeka No. 20",
        ["village"] = "Kampung Jawa",
        ["subdistrict"] = "Tanah Abang",
        ["city"] = "Jakarta Pusat",
        ["province"] = "DKI Jakarta",
        ["postalCode"] = "10250",
        ["plafons"] = "1000000",
        ["job"] = "Karyawan Swasta",
        ["jobType"] = "Perantara Keuangan",
        ["jobOnline"] = "Berbasis Internet / online",
        ["income"] = "Rp 5.934.041 - Rp 11.868.080",
        ["homeOwnership"] = "MILIK SENDIRI",
        ["emergencyContactRelationship"] = "Saudara",
        ["emergencyContactName"] = "Banu",
        ["emergencyContactNumber"] = "6281234567892",
        ["religion"] = "Islam",
        ["maritalStatus"] = "BELUM KAWIN",
        ["education"] = "SARJANA",
        ["motherMaidenName"] = "Shizuka",
        ["bankName"] = "BANK SINARMAS",
        ["bankAccountNumber"] = "007812342",
        ["asset"] = "Rp 50.000.001 - Rp 500.000.000",
        ["familyCard"] = "123123123123123",
        ["workExperience"] = "> 3 Tahun",
        ["fotoKtp"] = SamplePhoto,
        ["fotoSelfie"] = SamplePhoto,
        ["loanData"] = new JsonObject { ["tenor"] = 2, ["unit"] = "MONTH", ["amount"] = "1000000" },
        ["references"] = new JsonObject
        {
            ["interest"] = "1.0",
            ["businessAddress"] = "Jl. Kyai Tapa",
            ["businessVillage"] = "Grogol",
            ["businessSubdistrict"] = "Grogol Petamburan",
            ["businessCity"] = "Jakarta Barat",
            ["businessProvince"] = "DKI Jakarta",
            ["businessOwnership"] = "MILIK SENDIRI",
            ["npwp"] = "123456789012345",
            ["jobPosition"] = "Staff Akunting",
        },
    };
}
