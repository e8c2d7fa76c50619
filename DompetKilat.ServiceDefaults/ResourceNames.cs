namespace DompetKilat.ServiceDefaults;

/// <summary>
/// The names the AppHost gives the data stores, which are also the connection names the services
/// read: declared once, so the orchestrator and the services cannot drift apart.
/// </summary>
public static class ResourceNames
{
    public const string Postgres = "postgres";

    /// <summary>The product database, and the connection name every service reads it by.</summary>
    public const string LendingDatabase = "dompetkilat";

    public const string Redis = "redis";
}
