-- The Initial migration's Down runs this after dropping the model's tables, which takes their
-- triggers, storage settings, defaults and grants with them; what 001-006 made besides goes here.
-- The role stays: roles belong to the whole cluster, the services' login is a member of it, and
-- other databases of the cluster may grant it rights of their own.
DROP FUNCTION notify_partners_changed();
DROP FUNCTION notify_partner_event();
DROP FUNCTION notify_loan_callback();
DROP TABLE partner_registry_replicas;
DROP TABLE partner_registry;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM dompetkilat_service;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE USAGE, SELECT ON SEQUENCES FROM dompetkilat_service;
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM dompetkilat_service;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM dompetkilat_service;
REVOKE USAGE ON SCHEMA public FROM dompetkilat_service;
