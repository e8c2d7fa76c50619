using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DompetKilat.Lending.Data.Migrations
{
    /// <summary>
    /// A loan's repayment history becomes a complex collection: the same JSON array in the same
    /// column, but read and replaced as values, not as one tracked entity per payment. A loan that
    /// has never been repaid holds an empty array instead of nothing.
    /// </summary>
    public partial class HistoriesAsComplexCollection : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("UPDATE loans SET histories = '[]' WHERE histories IS NULL");
            migrationBuilder.AlterColumn<string>(
                name: "histories",
                table: "loans",
                type: "jsonb",
                nullable: false,
                oldClrType: typeof(string),
                oldType: "jsonb",
                oldNullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<string>(
                name: "histories",
                table: "loans",
                type: "jsonb",
                nullable: true,
                oldClrType: typeof(string),
                oldType: "jsonb");
        }
    }
}
