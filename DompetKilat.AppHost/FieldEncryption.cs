namespace DompetKilat.AppHost;

internal static class FieldEncryption
{
    /// <summary>
    /// Every service that reads or writes borrowers' KYC data or loans opens the same encrypted
    /// fields, so each gets the same key under the same id, and a rotation reaches all of them at once.
    /// </summary>
    public static IResourceBuilder<T> WithFieldEncryptionKey<T>(this IResourceBuilder<T> resource, IResourceBuilder<ParameterResource> key)
        where T : IResourceWithEnvironment =>
        resource
            .WithEnvironment("Encryption__Keys__primary", key)
            .WithEnvironment("Encryption__ActiveKey", "primary");
}
