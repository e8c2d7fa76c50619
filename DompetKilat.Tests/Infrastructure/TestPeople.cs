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
}
