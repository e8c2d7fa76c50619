-- The services work as this role (their login is a member of it and of nothing else): everything
-- they need on every table, except that the audit trail is append-only to them. The default
-- privileges extend the grant to what later scripts and migrations create. Creating the role needs
-- CREATEROLE once; where the migrating login lacks it, an administrator creates the role and makes
-- the services' login a member beforehand (docs/deploy.md), and this only grants.
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
