using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DompetKilat.Lending.Data.Migrations
{
    /// <summary>
    /// The dispatcher no longer scans pending events by due time: it steps through the loans that
    /// have pending events and looks at each one's oldest. The due-time index served only the old
    /// scan, and without it a claim's lease updates the row in place.
    /// </summary>
    public partial class ClaimsStepThroughLoans : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_partner_events_due",
                table: "partner_events");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_partner_events_due",
                table: "partner_events",
                column: "next_attempt_at",
                filter: "state = 0");
        }
    }
}
