-- +goose Up
-- An anonymous registration waits as 'pending' (it holds no seat) until the
-- address confirms it from the link in its mail (issue 14, fake people).
ALTER TABLE event_registrations DROP CONSTRAINT event_registrations_status_check;
ALTER TABLE event_registrations ADD CONSTRAINT event_registrations_status_check
    CHECK (status IN ('pending', 'confirmed', 'waiting', 'cancelled'));

-- +goose Down
DELETE FROM event_registrations WHERE status = 'pending';
ALTER TABLE event_registrations DROP CONSTRAINT event_registrations_status_check;
ALTER TABLE event_registrations ADD CONSTRAINT event_registrations_status_check
    CHECK (status IN ('confirmed', 'waiting', 'cancelled'));
