using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DompetKilat.Lending.Data.Migrations
{
    /// <inheritdoc />
    public partial class BorrowerLatestLoan : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "latest_loan_id",
                table: "borrowers",
                type: "bigint",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_borrowers_latest_loan_id",
                table: "borrowers",
                column: "latest_loan_id");

            migrationBuilder.AddForeignKey(
                name: "fk_borrowers_loans_latest_loan_id",
                table: "borrowers",
                column: "latest_loan_id",
                principalTable: "loans",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            // Borrowers who applied before the column existed: their latest loan as the profile picked it then.
            migrationBuilder.Sql("""
                UPDATE borrowers b SET latest_loan_id = (
                    SELECT l.id FROM loans l WHERE l.borrower_id = b.id ORDER BY l.created_at DESC, l.id DESC LIMIT 1);
                """);

            // Each replica holds the active products with the partner registry; a product changed by
            // hand must reach them as a partner change does.
            migrationBuilder.Sql("""
                CREATE TRIGGER products_changed AFTER INSERT OR UPDATE OR DELETE ON products
                    FOR EACH STATEMENT EXECUTE FUNCTION notify_partners_changed();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER products_changed ON products;");

            migrationBuilder.DropForeignKey(
                name: "fk_borrowers_loans_latest_loan_id",
                table: "borrowers");

            migrationBuilder.DropIndex(
                name: "ix_borrowers_latest_loan_id",
                table: "borrowers");

            migrationBuilder.DropColumn(
                name: "latest_loan_id",
                table: "borrowers");
        }
    }
}
