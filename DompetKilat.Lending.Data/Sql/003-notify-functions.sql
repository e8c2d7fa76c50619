-- pg_notify is delivered when the changing transaction commits, never for a rollback, so a
-- listener that wakes up always finds the committed rows.

-- Wakes the CallbackWorker when an operator sends a parked callback back. New callbacks do not
-- notify: PostgreSQL holds one lock across every notifying commit, flush included, which queued
-- the intake's commits one behind another; the Api rings the workers on Redis instead.
CREATE FUNCTION notify_loan_callback() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('loan_callbacks', '');
    RETURN NULL;
END $$;

-- Wakes a dispatcher the moment an event is due now (committed with its change, or redelivered by
-- an operator) instead of at its next poll.
CREATE FUNCTION notify_partner_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('partner_events', '');
    RETURN NULL;
END $$;

-- Every Api replica keeps the registry and the active products in memory and reloads them on this
-- notification; the version it raises is what replicas confirm they enforce (002).
CREATE FUNCTION notify_partners_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE partner_registry SET version = version + 1;
    PERFORM pg_notify('partners_changed', '');
    RETURN NULL;
END $$;
