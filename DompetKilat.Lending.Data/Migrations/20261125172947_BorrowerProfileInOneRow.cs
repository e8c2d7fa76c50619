using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DompetKilat.Lending.Data.Migrations
{
    /// <inheritdoc />
    public partial class BorrowerProfileInOneRow : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "asset_asset_range",
                table: "borrowers",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "asset_home_ownership",
                table: "borrowers",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "bank_bank_account_number",
                table: "borrowers",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "bank_bank_name",
                table: "borrowers",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "education_education",
                table: "borrowers",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "emergency_contact_name",
                table: "borrowers",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "emergency_contact_phone_number",
                table: "borrowers",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "emergency_contact_relationship",
                table: "borrowers",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "income_income_range",
                table: "borrowers",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "job_job",
                table: "borrowers",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "job_job_online",
                table: "borrowers",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "job_job_type",
                table: "borrowers",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "job_office_name",
                table: "borrowers",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<DateOnly>(
                name: "job_start_date",
                table: "borrowers",
                type: "date",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "job_work_experience",
                table: "borrowers",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "marital_marital_status",
                table: "borrowers",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "personal_details_address",
                table: "borrowers",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "personal_details_birth_place",
                table: "borrowers",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "personal_details_city",
                table: "borrowers",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "personal_details_family_card",
                table: "borrowers",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "personal_details_gender",
                table: "borrowers",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "personal_details_mother_maiden_name",
                table: "borrowers",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "personal_details_postal_code",
                table: "borrowers",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "personal_details_province",
                table: "borrowers",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "personal_details_subdistrict",
                table: "borrowers",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "personal_details_village",
                table: "borrowers",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "religion_religion",
                table: "borrowers",
                type: "text",
                nullable: true);

            // The profile moves into the borrower's row as it was, encrypted fields still encrypted.
            migrationBuilder.Sql("""
                UPDATE borrowers b SET asset_asset_range = t.asset_range, asset_home_ownership = t.home_ownership FROM borrower_assets t WHERE t.id = b.id;
                UPDATE borrowers b SET bank_bank_account_number = t.bank_account_number, bank_bank_name = t.bank_name FROM borrower_banks t WHERE t.id = b.id;
                UPDATE borrowers b SET education_education = t.education FROM borrower_educations t WHERE t.id = b.id;
                UPDATE borrowers b SET emergency_contact_name = t.name, emergency_contact_phone_number = t.phone_number, emergency_contact_relationship = t.relationship FROM borrower_emergency_contacts t WHERE t.id = b.id;
                UPDATE borrowers b SET income_income_range = t.income_range FROM borrower_incomes t WHERE t.id = b.id;
                UPDATE borrowers b SET job_job = t.job, job_job_online = t.job_online, job_job_type = t.job_type, job_office_name = t.office_name, job_start_date = t.start_date, job_work_experience = t.work_experience FROM borrower_jobs t WHERE t.id = b.id;
                UPDATE borrowers b SET marital_marital_status = t.marital_status FROM borrower_maritals t WHERE t.id = b.id;
                UPDATE borrowers b SET personal_details_address = t.address, personal_details_birth_place = t.birth_place, personal_details_city = t.city, personal_details_family_card = t.family_card, personal_details_gender = t.gender, personal_details_mother_maiden_name = t.mother_maiden_name, personal_details_postal_code = t.postal_code, personal_details_province = t.province, personal_details_subdistrict = t.subdistrict, personal_details_village = t.village FROM borrower_personal_details t WHERE t.id = b.id;
                UPDATE borrowers b SET religion_religion = t.religion FROM borrower_religions t WHERE t.id = b.id;
                """);

            migrationBuilder.DropTable(
                name: "borrower_assets");

            migrationBuilder.DropTable(
                name: "borrower_banks");

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
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
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
                    bank_account_number = table.Column<string>(type: "text", nullable: false),
                    bank_name = table.Column<string>(type: "text", nullable: false)
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
                    job = table.Column<string>(type: "text", nullable: false),
                    job_online = table.Column<string>(type: "text", nullable: false),
                    job_type = table.Column<string>(type: "text", nullable: false),
                    office_name = table.Column<string>(type: "text", nullable: false),
                    start_date = table.Column<DateOnly>(type: "date", nullable: false),
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
                    address = table.Column<string>(type: "text", nullable: false),
                    birth_place = table.Column<string>(type: "text", nullable: false),
                    city = table.Column<string>(type: "text", nullable: false),
                    family_card = table.Column<string>(type: "text", nullable: false),
                    gender = table.Column<string>(type: "text", nullable: false),
                    mother_maiden_name = table.Column<string>(type: "text", nullable: false),
                    postal_code = table.Column<string>(type: "text", nullable: false),
                    province = table.Column<string>(type: "text", nullable: false),
                    subdistrict = table.Column<string>(type: "text", nullable: false),
                    village = table.Column<string>(type: "text", nullable: false)
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

            migrationBuilder.Sql("""
                INSERT INTO borrower_assets (id, asset_range, home_ownership)
                    SELECT id, asset_asset_range, asset_home_ownership FROM borrowers WHERE asset_asset_range IS NOT NULL;
                INSERT INTO borrower_banks (id, bank_account_number, bank_name)
                    SELECT id, bank_bank_account_number, bank_bank_name FROM borrowers WHERE bank_bank_account_number IS NOT NULL;
                INSERT INTO borrower_educations (id, education)
                    SELECT id, education_education FROM borrowers WHERE education_education IS NOT NULL;
                INSERT INTO borrower_emergency_contacts (id, name, phone_number, relationship)
                    SELECT id, emergency_contact_name, emergency_contact_phone_number, emergency_contact_relationship FROM borrowers WHERE emergency_contact_name IS NOT NULL;
                INSERT INTO borrower_incomes (id, income_range)
                    SELECT id, income_income_range FROM borrowers WHERE income_income_range IS NOT NULL;
                INSERT INTO borrower_jobs (id, job, job_online, job_type, office_name, start_date, work_experience)
                    SELECT id, job_job, job_job_online, job_job_type, job_office_name, job_start_date, job_work_experience FROM borrowers WHERE job_job IS NOT NULL;
                INSERT INTO borrower_maritals (id, marital_status)
                    SELECT id, marital_marital_status FROM borrowers WHERE marital_marital_status IS NOT NULL;
                INSERT INTO borrower_personal_details (id, address, birth_place, city, family_card, gender, mother_maiden_name, postal_code, province, subdistrict, village)
                    SELECT id, personal_details_address, personal_details_birth_place, personal_details_city, personal_details_family_card, personal_details_gender, personal_details_mother_maiden_name, personal_details_postal_code, personal_details_province, personal_details_subdistrict, personal_details_village FROM borrowers WHERE personal_details_address IS NOT NULL;
                INSERT INTO borrower_religions (id, religion)
                    SELECT id, religion_religion FROM borrowers WHERE religion_religion IS NOT NULL;
                """);

            migrationBuilder.DropColumn(
                name: "asset_asset_range",
                table: "borrowers");

            migrationBuilder.DropColumn(
                name: "asset_home_ownership",
                table: "borrowers");

            migrationBuilder.DropColumn(
                name: "bank_bank_account_number",
                table: "borrowers");

            migrationBuilder.DropColumn(
                name: "bank_bank_name",
                table: "borrowers");

            migrationBuilder.DropColumn(
                name: "education_education",
                table: "borrowers");

            migrationBuilder.DropColumn(
                name: "emergency_contact_name",
                table: "borrowers");

            migrationBuilder.DropColumn(
                name: "emergency_contact_phone_number",
                table: "borrowers");

            migrationBuilder.DropColumn(
                name: "emergency_contact_relationship",
                table: "borrowers");

            migrationBuilder.DropColumn(
                name: "income_income_range",
                table: "borrowers");

            migrationBuilder.DropColumn(
                name: "job_job",
                table: "borrowers");

            migrationBuilder.DropColumn(
                name: "job_job_online",
                table: "borrowers");

            migrationBuilder.DropColumn(
                name: "job_job_type",
                table: "borrowers");

            migrationBuilder.DropColumn(
                name: "job_office_name",
                table: "borrowers");

            migrationBuilder.DropColumn(
                name: "job_start_date",
                table: "borrowers");

            migrationBuilder.DropColumn(
                name: "job_work_experience",
                table: "borrowers");

            migrationBuilder.DropColumn(
                name: "marital_marital_status",
                table: "borrowers");

            migrationBuilder.DropColumn(
                name: "personal_details_address",
                table: "borrowers");

            migrationBuilder.DropColumn(
                name: "personal_details_birth_place",
                table: "borrowers");

            migrationBuilder.DropColumn(
                name: "personal_details_city",
                table: "borrowers");

            migrationBuilder.DropColumn(
                name: "personal_details_family_card",
                table: "borrowers");

            migrationBuilder.DropColumn(
                name: "personal_details_gender",
                table: "borrowers");

            migrationBuilder.DropColumn(
                name: "personal_details_mother_maiden_name",
                table: "borrowers");

            migrationBuilder.DropColumn(
                name: "personal_details_postal_code",
                table: "borrowers");

            migrationBuilder.DropColumn(
                name: "personal_details_province",
                table: "borrowers");

            migrationBuilder.DropColumn(
                name: "personal_details_subdistrict",
                table: "borrowers");

            migrationBuilder.DropColumn(
                name: "personal_details_village",
                table: "borrowers");

            migrationBuilder.DropColumn(
                name: "religion_religion",
                table: "borrowers");
        }
    }
}

