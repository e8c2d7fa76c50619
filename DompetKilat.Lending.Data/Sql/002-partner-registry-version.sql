-- Every change to partners, keys or products raises the registry's version in its own transaction
-- (003, 004), and each Api replica reports the version it enforces, so a back-office change answers
-- only once every live replica enforces it. The row lock the version's UPDATE takes also puts
-- registry changes one after another, so versions are committed in the order they are numbered.
-- Neither table is an entity: the Api reads and writes them in SQL.
CREATE TABLE partner_registry (
    id boolean PRIMARY KEY DEFAULT true CHECK (id),
    version bigint NOT NULL);
INSERT INTO partner_registry (version) VALUES (1);

CREATE TABLE partner_registry_replicas (
    replica text PRIMARY KEY,
    version bigint NOT NULL,
    confirmed_at timestamptz NOT NULL);
