using System;
using System.Collections.Generic;
using DompetKilat.Lending.Data.Sql;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace DompetKilat.Lending.Data.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateSequence(
                name: "borrowers_hilo",
                incrementBy: 100);

            migrationBuilder.CreateSequence(
                name: "loans_hilo",
                incrementBy: 100);

            migrationBuilder.CreateTable(
                name: "audit_events",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    occurred_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    actor = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    partner_id = table.Column<int>(type: "integer", nullable: true),
                    action = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    outcome = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    borrower_id = table.Column<long>(type: "bigint", nullable: true),
                    loan_id = table.Column<long>(type: "bigint", nullable: true),
                    subject = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    trace_id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    source_address = table.Column<string>(type: "character varying(45)", maxLength: 45, nullable: true),
                    key_id = table.Column<long>(type: "bigint", nullable: true),
                    operator_subject = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    operator_name = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    change_id = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_audit_events", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "changes",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    role = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    partner_code = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    request = table.Column<string>(type: "jsonb", nullable: false),
                    state = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    maker_subject = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    maker_name = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    made_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    checker_subject = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    checker_name = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    decided_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_changes", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "partners",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    partner_code = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    allow_list = table.Column<List<string>>(type: "text[]", nullable: false),
                    product_codes = table.Column<List<string>>(type: "text[]", nullable: false),
                    webhook_url = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: true),
                    is_keyless = table.Column<bool>(type: "boolean", nullable: false),
                    webhook_secret = table.Column<string>(type: "text", nullable: true),
                    previous_webhook_secret = table.Column<string>(type: "text", nullable: true),
                    previous_webhook_secret_expires_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    disabled_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_partners", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "products",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    code = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    is_active = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_products", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "partner_keys",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    partner_id = table.Column<int>(type: "integer", nullable: false),
                    key_hash = table.Column<byte[]>(type: "bytea", maxLength: 32, nullable: false),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_partner_keys", x => x.id);
                    table.ForeignKey(
                        name: "fk_partner_keys_partners_partner_id",
                        column: x => x.partner_id,
                        principalTable: "partners",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "borrower_documents",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false),
                    data_key = table.Column<byte[]>(type: "bytea", nullable: true),
                    data_key_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    foto_ktp = table.Column<byte[]>(type: "bytea", nullable: true),
                    foto_selfie = table.Column<byte[]>(type: "bytea", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_borrower_documents", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "borrowers",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false),
                    borrower_type = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    partner_id = table.Column<int>(type: "integer", nullable: false),
                    product_id = table.Column<int>(type: "integer", nullable: false),
                    is_verified = table.Column<bool>(type: "boolean", nullable: false),
                    job_office_name = table.Column<string>(type: "text", nullable: true),
                    job_start_date = table.Column<DateOnly>(type: "date", nullable: true),
                    job_job = table.Column<string>(type: "text", nullable: true),
                    job_job_type = table.Column<string>(type: "text", nullable: true),
                    job_job_online = table.Column<string>(type: "text", nullable: true),
                    job_work_experience = table.Column<string>(type: "text", nullable: true),
                    income_income_range = table.Column<string>(type: "text", nullable: true),
                    asset_asset_range = table.Column<string>(type: "text", nullable: true),
                    asset_home_ownership = table.Column<string>(type: "text", nullable: true),
                    marital_marital_status = table.Column<string>(type: "text", nullable: true),
                    education_education = table.Column<string>(type: "text", nullable: true),
                    religion_religion = table.Column<string>(type: "text", nullable: true),
                    latest_loan_id = table.Column<long>(type: "bigint", nullable: true),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    deleted_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    erased_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    data_key = table.Column<byte[]>(type: "bytea", nullable: true),
                    data_key_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    email_index = table.Column<byte[]>(type: "bytea", nullable: true),
                    id_number_index = table.Column<byte[]>(type: "bytea", nullable: true),
                    personal_data = table.Column<byte[]>(type: "bytea", nullable: true),
                    phone_number_index = table.Column<byte[]>(type: "bytea", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_borrowers", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "loans",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false),
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
                    bank_code = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    payment_account_number = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    disbursed_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    loan_amount_paid = table.Column<long>(type: "bigint", nullable: false),
                    number_of_pay = table.Column<int>(type: "integer", nullable: false),
                    approved_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    rejection_reason = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    deleted_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    histories = table.Column<string>(type: "jsonb", nullable: false)
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
                });

            migrationBuilder.CreateTable(
                name: "loan_callbacks",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    transaction_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    loan_id = table.Column<long>(type: "bigint", nullable: false),
                    kind = table.Column<short>(type: "smallint", nullable: false),
                    payload = table.Column<string>(type: "jsonb", nullable: false),
                    fingerprint = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    state = table.Column<short>(type: "smallint", nullable: false),
                    reason = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: true),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    accepted_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    processed_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    processed_by = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    trace_parent = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_loan_callbacks", x => x.id);
                    table.ForeignKey(
                        name: "fk_loan_callbacks_loans_loan_id",
                        column: x => x.loan_id,
                        principalTable: "loans",
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

            migrationBuilder.CreateTable(
                name: "partner_events",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    event_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    partner_id = table.Column<int>(type: "integer", nullable: false),
                    loan_id = table.Column<long>(type: "bigint", nullable: true),
                    type = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    body = table.Column<string>(type: "text", nullable: false),
                    state = table.Column<short>(type: "smallint", nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    next_attempt_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    retry_until = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    last_status = table.Column<int>(type: "integer", nullable: true),
                    last_error = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    occurred_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    recorded_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false, defaultValueSql: "clock_timestamp()"),
                    delivered_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    trace_parent = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_partner_events", x => x.id);
                    table.ForeignKey(
                        name: "fk_partner_events_loans_loan_id",
                        column: x => x.loan_id,
                        principalTable: "loans",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "partner_event_deliveries",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    partner_event_id = table.Column<long>(type: "bigint", nullable: false),
                    attempted_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    status = table.Column<int>(type: "integer", nullable: true),
                    error = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    duration_ms = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_partner_event_deliveries", x => x.id);
                    table.ForeignKey(
                        name: "fk_partner_event_deliveries_partner_events_partner_event_id",
                        column: x => x.partner_event_id,
                        principalTable: "partner_events",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.InsertData(
                table: "products",
                columns: new[] { "id", "code", "is_active", "name" },
                values: new object[] { 1, "95", true, "Pinjaman Personal" });

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_borrower_id_id",
                table: "audit_events",
                columns: new[] { "borrower_id", "id" },
                descending: new[] { false, true },
                filter: "borrower_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_operator_subject_id",
                table: "audit_events",
                columns: new[] { "operator_subject", "id" },
                descending: new[] { false, true },
                filter: "operator_subject IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_borrowers_latest_loan_id",
                table: "borrowers",
                column: "latest_loan_id");

            migrationBuilder.CreateIndex(
                name: "ux_borrowers_email",
                table: "borrowers",
                column: "email_index",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ux_borrowers_id_number",
                table: "borrowers",
                column: "id_number_index",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ux_borrowers_phone_number",
                table: "borrowers",
                column: "phone_number_index",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_changes_state_made_at",
                table: "changes",
                columns: new[] { "state", "made_at" });

            migrationBuilder.CreateIndex(
                name: "ix_loan_callbacks_parked",
                table: "loan_callbacks",
                column: "id",
                filter: "state = 3");

            migrationBuilder.CreateIndex(
                name: "ix_loan_callbacks_pending",
                table: "loan_callbacks",
                columns: new[] { "loan_id", "id" },
                filter: "state = 0");

            migrationBuilder.CreateIndex(
                name: "ux_loan_callbacks_transaction_id",
                table: "loan_callbacks",
                column: "transaction_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_loans_borrower_id_created_at",
                table: "loans",
                columns: new[] { "borrower_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ux_loans_loan_code",
                table: "loans",
                column: "loan_code",
                unique: true,
                filter: "loan_code <> ''");

            migrationBuilder.CreateIndex(
                name: "ix_partner_event_deliveries_event",
                table: "partner_event_deliveries",
                columns: new[] { "partner_event_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_partner_events_loan_pending",
                table: "partner_events",
                columns: new[] { "loan_id", "id" },
                filter: "state = 0");

            migrationBuilder.CreateIndex(
                name: "ix_partner_events_occurred_at",
                table: "partner_events",
                column: "occurred_at");

            migrationBuilder.CreateIndex(
                name: "ix_partner_events_partner_recorded",
                table: "partner_events",
                columns: new[] { "partner_id", "recorded_at", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_partner_events_partner_state",
                table: "partner_events",
                columns: new[] { "partner_id", "state", "id" });

            migrationBuilder.CreateIndex(
                name: "ux_partner_events_event_id",
                table: "partner_events",
                column: "event_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_partner_keys_partner_id",
                table: "partner_keys",
                column: "partner_id");

            migrationBuilder.CreateIndex(
                name: "ux_partner_keys_key_hash",
                table: "partner_keys",
                column: "key_hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ux_partners_code",
                table: "partners",
                column: "partner_code",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_products_code",
                table: "products",
                column: "code",
                unique: true);

            migrationBuilder.AddForeignKey(
                name: "fk_borrower_documents_borrowers_id",
                table: "borrower_documents",
                column: "id",
                principalTable: "borrowers",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_borrowers_loans_latest_loan_id",
                table: "borrowers",
                column: "latest_loan_id",
                principalTable: "loans",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            // What the model cannot express (Sql/), in order: 001's default privileges
            // also cover the tables 002 creates.
            foreach (var script in UpScripts)
            {
                migrationBuilder.Sql(SqlScripts.Read(script));
            }
        }

        private static readonly string[] UpScripts =
        [
            "001-service-role.sql",
            "002-partner-registry-version.sql",
            "003-notify-functions.sql",
            "004-notify-triggers.sql",
            "005-photo-storage.sql",
            "006-loan-lifecycle-defaults.sql",
        ];

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_loans_borrowers_borrower_id",
                table: "loans");

            migrationBuilder.DropTable(
                name: "audit_events");

            migrationBuilder.DropTable(
                name: "borrower_documents");

            migrationBuilder.DropTable(
                name: "changes");

            migrationBuilder.DropTable(
                name: "loan_callbacks");

            migrationBuilder.DropTable(
                name: "loan_references");

            migrationBuilder.DropTable(
                name: "partner_event_deliveries");

            migrationBuilder.DropTable(
                name: "partner_keys");

            migrationBuilder.DropTable(
                name: "products");

            migrationBuilder.DropTable(
                name: "partner_events");

            migrationBuilder.DropTable(
                name: "partners");

            migrationBuilder.DropTable(
                name: "borrowers");

            migrationBuilder.DropTable(
                name: "loans");

            migrationBuilder.DropSequence(
                name: "borrowers_hilo");

            migrationBuilder.DropSequence(
                name: "loans_hilo");

            migrationBuilder.Sql(SqlScripts.Read("initial-undo.sql"));
        }
    }
}
