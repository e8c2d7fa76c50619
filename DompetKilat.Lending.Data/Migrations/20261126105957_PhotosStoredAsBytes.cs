using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DompetKilat.Lending.Data.Migrations
{
    /// <inheritdoc />
    public partial class PhotosStoredAsBytes : Migration
    {
        // A stored photo reads 'enc:v1:{keyId}:{base64 of nonce, ciphertext and tag}'. As bytes it keeps
        // the same header and the same sealed bytes, so every photo stays readable with its key and
        // nothing needs the keys to convert it. A key id never holds ':' (it is a configuration key).
        private const string StoredShape = "^enc:v1:[^:]+:[A-Za-z0-9+/]*={0,2}$";

        private static string AsBytes(string column) =>
            $"convert_to('enc:v1:' || split_part({column}, ':', 3) || ':', 'UTF8') || decode(split_part({column}, ':', 4), 'base64')";

        private static string AsText(string column) =>
            $"convert_from(substring({column} for {HeaderLength(column)}), 'UTF8') || translate(encode(substring({column} from {HeaderLength(column)} + 1), 'base64'), E'\\n', '')";

        // Both photos in one statement, one rewrite of the table. A type change resets a column's storage
        // to its type's default, so the photos are set uncompressed again (encrypted bytes do not compress).
        private static string AlterPhotos(string type, Func<string, string> conversion) => $"""
            ALTER TABLE borrower_documents
                ALTER COLUMN foto_ktp TYPE {type} USING {conversion("foto_ktp")},
                ALTER COLUMN foto_selfie TYPE {type} USING {conversion("foto_selfie")},
                ALTER COLUMN foto_ktp SET STORAGE EXTERNAL,
                ALTER COLUMN foto_selfie SET STORAGE EXTERNAL;
            """;

        // 'enc:v1:' is 7 characters; the key id ends at the next ':'.
        private static string HeaderLength(string column) => $"(7 + position(convert_to(':', 'UTF8') in substring({column} from 8)))";

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Base64 is a third larger than the bytes it encodes, and a loan application writes two
            // photos of hundreds of kilobytes to the table and to the WAL. A photo of any other shape
            // would not survive the conversion, so the migration refuses to run rather than lose it.
            migrationBuilder.Sql($"""
                DO $$
                BEGIN
                    IF EXISTS (SELECT 1 FROM borrower_documents WHERE foto_ktp !~ '{StoredShape}' OR foto_selfie !~ '{StoredShape}') THEN
                        RAISE EXCEPTION 'borrower_documents holds photos that are not encrypted values (enc:v1:key:base64); convert them first';
                    END IF;
                END $$;
                """);
            migrationBuilder.Sql(AlterPhotos("bytea", AsBytes));
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(AlterPhotos("text", AsText));
        }
    }
}
