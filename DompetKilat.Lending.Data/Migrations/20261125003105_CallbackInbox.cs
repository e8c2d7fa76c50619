using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace DompetKilat.Lending.Data.Migrations
{
    /// <inheritdoc />
    public partial class CallbackInbox : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
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

            // Wakes the CallbackWorker the moment a callback is committed (or an operator
            // retries a parked one); pg_notify is delivered on commit, never for a rollback.
            migrationBuilder.Sql("""
                CREATE FUNCTION notify_loan_callback() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_notify('loan_callbacks', '');
                    RETURN NULL;
                END $$;

                CREATE TRIGGER loan_callbacks_notify
                    AFTER INSERT OR UPDATE OF state ON loan_callbacks
                    FOR EACH ROW WHEN (NEW.state = 0)
                    EXECUTE FUNCTION notify_loan_callback();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER loan_callbacks_notify ON loan_callbacks;
                DROP FUNCTION notify_loan_callback();
                """);
            migrationBuilder.DropTable(
                name: "loan_callbacks");
        }
    }
}
