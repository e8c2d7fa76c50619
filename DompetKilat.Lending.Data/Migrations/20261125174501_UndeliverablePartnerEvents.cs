using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DompetKilat.Lending.Data.Migrations
{
    /// <summary>
    /// Events of partners nothing can reach (no webhookUrl, or no secret to sign with, as LEGACY)
    /// were left pending, where the dispatcher never claims them. They get the state such events are
    /// now recorded in (PartnerEventState.Undeliverable = 3). The state is a plain smallint, so the
    /// model is unchanged.
    /// </summary>
    public partial class UndeliverablePartnerEvents : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                UPDATE partner_events SET state = 3
                WHERE state = 0 AND partner_id IN (SELECT id FROM partners WHERE webhook_url IS NULL OR webhook_secret IS NULL);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("UPDATE partner_events SET state = 0 WHERE state = 3;");
        }
    }
}
