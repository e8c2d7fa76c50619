using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace DompetKilat.Lending.Data.Migrations
{
    /// <inheritdoc />
    public partial class Partners : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
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

            // Borrowers registered before the registry existed came through the configured allow-list.
            // They go to a keyless partner LEGACY with an empty allow-list, which nobody matches until
            // an operator puts the old list into it (README, "Partners"); on a new database no such
            // partner is created.
            migrationBuilder.AddColumn<int>(
                name: "partner_id",
                table: "borrowers",
                type: "integer",
                nullable: true);
            migrationBuilder.Sql("""
                INSERT INTO partners (partner_code, name, allow_list, product_codes, is_keyless, created_at, updated_at)
                SELECT 'LEGACY', 'Partners of the configured allow-list', '{}', ARRAY(SELECT code FROM products WHERE is_active), true, now(), now()
                WHERE EXISTS (SELECT 1 FROM borrowers);
                UPDATE borrowers SET partner_id = (SELECT id FROM partners WHERE partner_code = 'LEGACY');
                """);
            migrationBuilder.AlterColumn<int>(
                name: "partner_id",
                table: "borrowers",
                type: "integer",
                nullable: false,
                oldClrType: typeof(int),
                oldType: "integer",
                oldNullable: true);

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
                    trace_id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_audit_events", x => x.id);
                    table.ForeignKey(
                        name: "fk_audit_events_borrowers_borrower_id",
                        column: x => x.borrower_id,
                        principalTable: "borrowers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_audit_events_loans_loan_id",
                        column: x => x.loan_id,
                        principalTable: "loans",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_audit_events_partners_partner_id",
                        column: x => x.partner_id,
                        principalTable: "partners",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
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

            migrationBuilder.CreateIndex(
                name: "ix_borrowers_partner_id",
                table: "borrowers",
                column: "partner_id");

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_borrower_id_id",
                table: "audit_events",
                columns: new[] { "borrower_id", "id" },
                descending: new[] { false, true },
                filter: "borrower_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_loan_id",
                table: "audit_events",
                column: "loan_id");

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_partner_id",
                table: "audit_events",
                column: "partner_id");

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

            migrationBuilder.AddForeignKey(
                name: "fk_borrowers_partners_partner_id",
                table: "borrowers",
                column: "partner_id",
                principalTable: "partners",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            // Every Api replica keeps the registry in memory and reloads it on this notification,
            // which PostgreSQL delivers when the changing transaction commits, never for a rollback.
            migrationBuilder.Sql("""
                CREATE FUNCTION notify_partners_changed() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_notify('partners_changed', '');
                    RETURN NULL;
                END $$;

                CREATE TRIGGER partners_changed AFTER INSERT OR UPDATE OR DELETE ON partners
                    FOR EACH STATEMENT EXECUTE FUNCTION notify_partners_changed();
                CREATE TRIGGER partner_keys_changed AFTER INSERT OR UPDATE OR DELETE ON partner_keys
                    FOR EACH STATEMENT EXECUTE FUNCTION notify_partners_changed();
                """);

            // The services work as this role (their connections set it at start-up): everything
            // they need on every table, except that the audit trail is append-only to them. Default
            // privileges extend the grant to tables later migrations create. Creating the role needs
            // CREATEROLE once; where the migrating login lacks it, an administrator creates the role and
            // makes the services' login a member beforehand (docs/deploy.md), and this only grants.
            migrationBuilder.Sql("""
                DO $$
                BEGIN
                    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'dompetkilat_service') THEN
                        CREATE ROLE dompetkilat_service NOLOGIN;
                    END IF;
                    IF NOT pg_has_role(current_user, 'dompetkilat_service', 'MEMBER') THEN
                        EXECUTE format('GRANT dompetkilat_service TO %I', current_user);
                    END IF;
                END $$;
                GRANT USAGE ON SCHEMA public TO dompetkilat_service;
                GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO dompetkilat_service;
                GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO dompetkilat_service;
                ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO dompetkilat_service;
                ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO dompetkilat_service;
                REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM dompetkilat_service, PUBLIC;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER partner_keys_changed ON partner_keys;
                DROP TRIGGER partners_changed ON partners;
                DROP FUNCTION notify_partners_changed();
                """);

            migrationBuilder.DropForeignKey(
                name: "fk_borrowers_partners_partner_id",
                table: "borrowers");

            migrationBuilder.DropTable(
                name: "audit_events");

            migrationBuilder.DropTable(
                name: "partner_keys");

            migrationBuilder.DropTable(
                name: "partners");

            migrationBuilder.DropIndex(
                name: "ix_borrowers_partner_id",
                table: "borrowers");

            migrationBuilder.DropColumn(
                name: "partner_id",
                table: "borrowers");
        }
    }
}
