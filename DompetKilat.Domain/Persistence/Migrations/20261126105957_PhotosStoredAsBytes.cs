using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DompetKilat.Domain.Persistence.Migrations
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

        // 'enc:v1:' is 7 characters; the key id ends at the next ':'.
        private static string HeaderLength(string column) => $"(7 + position(convert_to(':', 'UTF8') in substring({column} from 8)))";

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Base64 is a third larger than the bytes it encodes, and a loan application writes two
            // photos of hundreds of kilobytes to the table and to the WAL. The type change resets the
            // storage to the type's default, so the photos are set uncompressed again (encrypted
            // bytes do not compress). A photo of any other shape would not survive the conversion, so
            // the migration refuses to run rather than lose it.
            migrationBuilder.Sql($"""
                DO $$
                BEGIN
                    IF EXISTS (SELECT 1 FROM borrower_documents WHERE foto_ktp !~ '{StoredShape}' OR foto_selfie !~ '{StoredShape}') THEN
                        RAISE EXCEPTION 'borrower_documents holds photos that are not encrypted values (enc:v1:key:base64); convert them first';
                    END IF;
                END $$;
                """);
            migrationBuilder.Sql($"""
                ALTER TABLE borrower_documents
                    ALTER COLUMN foto_ktp TYPE bytea USING {AsBytes("foto_ktp")},
                    ALTER COLUMN foto_selfie TYPE bytea USING {AsBytes("foto_selfie")},
                    ALTER COLUMN foto_ktp SET STORAGE EXTERNAL,
                    ALTER COLUMN foto_selfie SET STORAGE EXTERNAL;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql($"""
                ALTER TABLE borrower_documents
                    ALTER COLUMN foto_ktp TYPE text USING {AsText("foto_ktp")},
                    ALTER COLUMN foto_selfie TYPE text USING {AsText("foto_selfie")},
                    ALTER COLUMN foto_ktp SET STORAGE EXTERNAL,
                    ALTER COLUMN foto_selfie SET STORAGE EXTERNAL;
                """);
        }
    }
}
