using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DompetKilat.Lending.Data.Migrations
{
    /// <summary>
    /// New callbacks no longer notify from the intake's transaction: PostgreSQL holds one lock
    /// across every notifying commit, flush included, so a notification per callback queued the
    /// intake's commits one behind another. The Api rings the workers on Redis instead; a callback an
    /// operator sends back still notifies, since that path is rare and any writer may take it.
    /// </summary>
    public partial class NewCallbacksRingOnRedis : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder) =>
            migrationBuilder.Sql(NotifyOn("UPDATE OF state"));

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder) =>
            migrationBuilder.Sql(NotifyOn("INSERT OR UPDATE OF state"));

        private static string NotifyOn(string events) => $"""
            DROP TRIGGER loan_callbacks_notify ON loan_callbacks;
            CREATE TRIGGER loan_callbacks_notify
                AFTER {events} ON loan_callbacks
                FOR EACH ROW WHEN (NEW.state = 0)
                EXECUTE FUNCTION notify_loan_callback();
            """;
    }
}
