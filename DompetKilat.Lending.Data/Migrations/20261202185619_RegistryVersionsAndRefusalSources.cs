using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace DompetKilat.Lending.Data.Migrations
{
    /// <summary>
    /// The partner registry gets a version that every change to partners, keys or products raises
    /// in its own transaction, and a table where each Api replica reports the version it enforces,
    /// so a back-office change answers only once every live replica enforces it. Audit entries
    /// record the caller's address and the key's id, for refusals above all.
    /// </summary>
    public partial class RegistryVersionsAndRefusalSources : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "key_id",
                table: "audit_events",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "source_address",
                table: "audit_events",
                type: "character varying(45)",
                maxLength: 45,
                nullable: true);

            // The row lock the version's UPDATE takes also puts registry changes one after another,
            // so versions are committed in the order they are numbered.
            migrationBuilder.Sql("""
                CREATE TABLE partner_registry (
                    id boolean PRIMARY KEY DEFAULT true CHECK (id),
                    version bigint NOT NULL);
                INSERT INTO partner_registry (version) VALUES (1);

                CREATE TABLE partner_registry_replicas (
                    replica text PRIMARY KEY,
                    version bigint NOT NULL,
                    confirmed_at timestamptz NOT NULL);

                CREATE OR REPLACE FUNCTION notify_partners_changed() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    UPDATE partner_registry SET version = version + 1;
                    PERFORM pg_notify('partners_changed', '');
                    RETURN NULL;
                END $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION notify_partners_changed() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_notify('partners_changed', '');
                    RETURN NULL;
                END $$;

                DROP TABLE partner_registry_replicas;
                DROP TABLE partner_registry;
                """);

            migrationBuilder.DropColumn(
                name: "key_id",
                table: "audit_events");

            migrationBuilder.DropColumn(
                name: "source_address",
                table: "audit_events");
        }
    }
}
