using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace DompetKilat.Lending.Data.Migrations
{
    /// <inheritdoc />
    public partial class LoanApplications : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "borrower_assets",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false),
                    asset_range = table.Column<string>(type: "text", nullable: false),
                    home_ownership = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_borrower_assets", x => x.id);
                    table.ForeignKey(
                        name: "fk_borrower_assets_borrowers_id",
                        column: x => x.id,
                        principalTable: "borrowers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "borrower_banks",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false),
                    bank_name = table.Column<string>(type: "text", nullable: false),
                    bank_account_number = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_borrower_banks", x => x.id);
                    table.ForeignKey(
                        name: "fk_borrower_banks_borrowers_id",
                        column: x => x.id,
                        principalTable: "borrowers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "borrower_documents",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false),
                    foto_ktp = table.Column<string>(type: "text", nullable: false),
                    foto_selfie = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_borrower_documents", x => x.id);
                    table.ForeignKey(
                        name: "fk_borrower_documents_borrowers_id",
                        column: x => x.id,
                        principalTable: "borrowers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "borrower_educations",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false),
                    education = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_borrower_educations", x => x.id);
                    table.ForeignKey(
                        name: "fk_borrower_educations_borrowers_id",
                        column: x => x.id,
                        principalTable: "borrowers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "borrower_emergency_contacts",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false),
                    name = table.Column<string>(type: "text", nullable: false),
                    phone_number = table.Column<string>(type: "text", nullable: false),
                    relationship = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_borrower_emergency_contacts", x => x.id);
                    table.ForeignKey(
                        name: "fk_borrower_emergency_contacts_borrowers_id",
                        column: x => x.id,
                        principalTable: "borrowers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "borrower_incomes",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false),
                    income_range = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_borrower_incomes", x => x.id);
                    table.ForeignKey(
                        name: "fk_borrower_incomes_borrowers_id",
                        column: x => x.id,
                        principalTable: "borrowers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "borrower_jobs",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false),
                    office_name = table.Column<string>(type: "text", nullable: false),
                    start_date = table.Column<DateOnly>(type: "date", nullable: false),
                    job = table.Column<string>(type: "text", nullable: false),
                    job_type = table.Column<string>(type: "text", nullable: false),
                    job_online = table.Column<string>(type: "text", nullable: false),
                    work_experience = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_borrower_jobs", x => x.id);
                    table.ForeignKey(
                        name: "fk_borrower_jobs_borrowers_id",
                        column: x => x.id,
                        principalTable: "borrowers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "borrower_maritals",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false),
                    marital_status = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_borrower_maritals", x => x.id);
                    table.ForeignKey(
                        name: "fk_borrower_maritals_borrowers_id",
                        column: x => x.id,
                        principalTable: "borrowers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "borrower_personal_details",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false),
                    gender = table.Column<string>(type: "text", nullable: false),
                    birth_place = table.Column<string>(type: "text", nullable: false),
                    address = table.Column<string>(type: "text", nullable: false),
                    village = table.Column<string>(type: "text", nullable: false),
                    subdistrict = table.Column<string>(type: "text", nullable: false),
                    city = table.Column<string>(type: "text", nullable: false),
                    province = table.Column<string>(type: "text", nullable: false),
                    postal_code = table.Column<string>(type: "text", nullable: false),
                    mother_maiden_name = table.Column<string>(type: "text", nullable: false),
                    family_card = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_borrower_personal_details", x => x.id);
                    table.ForeignKey(
                        name: "fk_borrower_personal_details_borrowers_id",
                        column: x => x.id,
                        principalTable: "borrowers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "borrower_religions",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false),
                    religion = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_borrower_religions", x => x.id);
                    table.ForeignKey(
                        name: "fk_borrower_religions_borrowers_id",
                        column: x => x.id,
                        principalTable: "borrowers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "loans",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    borrower_id = table.Column<long>(type: "bigint", nullable: false),
                    product_id = table.Column<int>(type: "integer", nullable: false),
                    status = table.Column<int>(type: "integer", nullable: false),
                    loan_code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    plafons = table.Column<long>(type: "bigint", nullable: false),
                    amount = table.Column<long>(type: "bigint", nullable: false),
                    tenor = table.Column<int>(type: "integer", nullable: false),
                    tenor_unit = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    contract_no = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    contract_date = table.Column<DateOnly>(type: "date", nullable: true),
                    interest = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    deleted_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_loans", x => x.id);
                    table.ForeignKey(
                        name: "fk_loans_borrowers_borrower_id",
                        column: x => x.borrower_id,
                        principalTable: "borrowers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_loans_products_product_id",
                        column: x => x.product_id,
                        principalTable: "products",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "loan_references",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false),
                    business_address = table.Column<string>(type: "text", nullable: false),
                    business_village = table.Column<string>(type: "text", nullable: false),
                    business_subdistrict = table.Column<string>(type: "text", nullable: false),
                    business_city = table.Column<string>(type: "text", nullable: false),
                    business_province = table.Column<string>(type: "text", nullable: false),
                    business_ownership = table.Column<string>(type: "text", nullable: false),
                    npwp = table.Column<string>(type: "text", nullable: false),
                    job_position = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_loan_references", x => x.id);
                    table.ForeignKey(
                        name: "fk_loan_references_loans_id",
                        column: x => x.id,
                        principalTable: "loans",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_loans_borrower_id_created_at",
                table: "loans",
                columns: new[] { "borrower_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_loans_product_id",
                table: "loans",
                column: "product_id");

            migrationBuilder.CreateIndex(
                name: "ux_loans_loan_code",
                table: "loans",
                column: "loan_code",
                unique: true,
                filter: "loan_code <> ''");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "borrower_assets");

            migrationBuilder.DropTable(
                name: "borrower_banks");

            migrationBuilder.DropTable(
                name: "borrower_documents");

            migrationBuilder.DropTable(
                name: "borrower_educations");

            migrationBuilder.DropTable(
                name: "borrower_emergency_contacts");

            migrationBuilder.DropTable(
                name: "borrower_incomes");

            migrationBuilder.DropTable(
                name: "borrower_jobs");

            migrationBuilder.DropTable(
                name: "borrower_maritals");

            migrationBuilder.DropTable(
                name: "borrower_personal_details");

            migrationBuilder.DropTable(
                name: "borrower_religions");

            migrationBuilder.DropTable(
                name: "loan_references");

            migrationBuilder.DropTable(
                name: "loans");
        }
    }
}
