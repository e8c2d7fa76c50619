namespace DompetKilat.AppHost;

internal static class FieldEncryption
{
    /// <summary>
    /// Every service that reads or writes borrowers, partners or loans opens the same sealed values and
    /// finds borrowers by the same blind indexes, so each gets the same master key under the same id
    /// and the same index key, and a rotation reaches all of them at once.
    /// </summary>
    public static IResourceBuilder<T> WithFieldEncryption<T>(
        this IResourceBuilder<T> resource, IResourceBuilder<ParameterResource> masterKey, IResourceBuilder<ParameterResource> indexKey)
        where T : IResourceWithEnvironment =>
        resource
            .WithEnvironment("Encryption__Keys__primary", masterKey)
            .WithEnvironment("Encryption__ActiveKey", "primary")
            .WithEnvironment("Encryption__IndexKey", indexKey);
}
