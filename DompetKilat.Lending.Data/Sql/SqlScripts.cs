namespace DompetKilat.Lending.Data.Sql;

/// <summary>
/// The schema's SQL that EF Core cannot express (roles and grants, functions, triggers, tables the
/// model does not map), kept as numbered files beside this class and embedded in the assembly under
/// their file names; a migration runs the ones it introduces, by name.
/// </summary>
internal static class SqlScripts
{
    public static string Read(string fileName)
    {
        using var stream = typeof(SqlScripts).Assembly.GetManifestResourceStream(fileName)
            ?? throw new InvalidOperationException($"The SQL script {fileName} is not embedded in {typeof(SqlScripts).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
