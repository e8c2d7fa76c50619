-- Only a callback set back to pending notifies (003): a new one is rung on Redis by the Api.
CREATE TRIGGER loan_callbacks_notify
    AFTER UPDATE OF state ON loan_callbacks
    FOR EACH ROW WHEN (NEW.state = 0)
    EXECUTE FUNCTION notify_loan_callback();

-- An event that failed an attempt waits for its retry time, which a dispatcher's poll finds; only
-- one not tried yet (new, or redelivered by an operator) is due at once.
CREATE TRIGGER partner_events_notify
    AFTER INSERT OR UPDATE OF state, next_attempt_at ON partner_events
    FOR EACH ROW WHEN (NEW.state = 0 AND NEW.attempts = 0)
    EXECUTE FUNCTION notify_partner_event();

-- Once per statement: a registry change is one reload however many rows it touches. A product
-- changed by hand must reach the replicas as a partner change does.
CREATE TRIGGER partners_changed AFTER INSERT OR UPDATE OR DELETE ON partners
    FOR EACH STATEMENT EXECUTE FUNCTION notify_partners_changed();
CREATE TRIGGER partner_keys_changed AFTER INSERT OR UPDATE OR DELETE ON partner_keys
    FOR EACH STATEMENT EXECUTE FUNCTION notify_partners_changed();
CREATE TRIGGER products_changed AFTER INSERT OR UPDATE OR DELETE ON products
    FOR EACH STATEMENT EXECUTE FUNCTION notify_partners_changed();
