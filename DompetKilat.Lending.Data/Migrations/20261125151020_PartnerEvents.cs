using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace DompetKilat.Lending.Data.Migrations
{
    /// <inheritdoc />
    public partial class PartnerEvents : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "partner_events",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    event_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    partner_id = table.Column<int>(type: "integer", nullable: false),
                    loan_id = table.Column<long>(type: "bigint", nullable: false),
                    type = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    body = table.Column<string>(type: "text", nullable: false),
                    state = table.Column<short>(type: "smallint", nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    next_attempt_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    retry_until = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    last_status = table.Column<int>(type: "integer", nullable: true),
                    last_error = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    occurred_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
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
                    table.ForeignKey(
                        name: "fk_partner_events_partners_partner_id",
                        column: x => x.partner_id,
                        principalTable: "partners",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_partner_events_due",
                table: "partner_events",
                column: "next_attempt_at",
                filter: "state = 0");

            migrationBuilder.CreateIndex(
                name: "ix_partner_events_loan_pending",
                table: "partner_events",
                columns: new[] { "loan_id", "id" },
                filter: "state = 0");

            migrationBuilder.CreateIndex(
                name: "ix_partner_events_partner_state",
                table: "partner_events",
                columns: new[] { "partner_id", "state", "id" });

            migrationBuilder.CreateIndex(
                name: "ux_partner_events_event_id",
                table: "partner_events",
                column: "event_id",
                unique: true);

            // Wakes a dispatcher the moment an event is due now (committed with its change, or
            // redelivered by an operator); pg_notify is delivered on commit, never for a rollback.
            migrationBuilder.Sql("""
                CREATE FUNCTION notify_partner_event() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_notify('partner_events', '');
                    RETURN NULL;
                END $$;

                CREATE TRIGGER partner_events_notify
                    AFTER INSERT OR UPDATE OF state, next_attempt_at ON partner_events
                    FOR EACH ROW WHEN (NEW.state = 0 AND NEW.attempts = 0)
                    EXECUTE FUNCTION notify_partner_event();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER partner_events_notify ON partner_events;
                DROP FUNCTION notify_partner_event();
                """);

            migrationBuilder.DropTable(
                name: "partner_events");
        }
    }
}
