using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DompetKilat.Lending.Data.Migrations
{
    /// <inheritdoc />
    public partial class LoanLifecycle : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "approved_at",
                table: "loans",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "bank_code",
                table: "loans",
                type: "character varying(32)",
                maxLength: 32,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<DateTime>(
                name: "disbursed_at",
                table: "loans",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "histories",
                table: "loans",
                type: "jsonb",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "loan_amount_paid",
                table: "loans",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<int>(
                name: "number_of_pay",
                table: "loans",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "payment_account_number",
                table: "loans",
                type: "character varying(64)",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "rejection_reason",
                table: "loans",
                type: "character varying(1024)",
                maxLength: 1024,
                nullable: true);

            migrationBuilder.AddColumn<uint>(
                name: "xmin",
                table: "loans",
                type: "xid",
                rowVersion: true,
                nullable: false,
                defaultValue: 0u);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "approved_at",
                table: "loans");

            migrationBuilder.DropColumn(
                name: "bank_code",
                table: "loans");

            migrationBuilder.DropColumn(
                name: "disbursed_at",
                table: "loans");

            migrationBuilder.DropColumn(
                name: "histories",
                table: "loans");

            migrationBuilder.DropColumn(
                name: "loan_amount_paid",
                table: "loans");

            migrationBuilder.DropColumn(
                name: "number_of_pay",
                table: "loans");

            migrationBuilder.DropColumn(
                name: "payment_account_number",
                table: "loans");

            migrationBuilder.DropColumn(
                name: "rejection_reason",
                table: "loans");

            migrationBuilder.DropColumn(
                name: "xmin",
                table: "loans");
        }
    }
}
