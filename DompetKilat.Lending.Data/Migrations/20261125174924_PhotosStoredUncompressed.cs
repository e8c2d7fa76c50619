using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DompetKilat.Lending.Data.Migrations
{
    /// <inheritdoc />
    public partial class PhotosStoredUncompressed : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // A photo is stored encrypted, which no compressor can shrink; PostgreSQL still tried
            // to compress every one (hundreds of KB) before giving up, a third of its work on a loan
            // application. Out of line and uncompressed is the storage meant for such values.
            migrationBuilder.Sql("""
                ALTER TABLE borrower_documents
                    ALTER COLUMN foto_ktp SET STORAGE EXTERNAL,
                    ALTER COLUMN foto_selfie SET STORAGE EXTERNAL;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                ALTER TABLE borrower_documents
                    ALTER COLUMN foto_ktp SET STORAGE EXTENDED,
                    ALTER COLUMN foto_selfie SET STORAGE EXTENDED;
                """);
        }
    }
}
