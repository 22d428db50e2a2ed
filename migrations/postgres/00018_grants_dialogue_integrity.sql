-- +goose Up
-- Grants: the registration number (JIB, 13 digits) an organisation gives in
-- its application, carried into the registry with its award (and given in an
-- imported record), so that 360Giving names the recipient by its registered
-- identifier (BA-JIB-...) instead of a key made from its name.
ALTER TABLE grant_applications ADD COLUMN org_jib TEXT NOT NULL DEFAULT '';
ALTER TABLE grant_support ADD COLUMN recipient_jib TEXT NOT NULL DEFAULT '';
-- Dialogue: a financing plan that adds up to more than the initiative's
-- estimated cost says why, on the share that goes over it.
ALTER TABLE dlg_shares ADD COLUMN note TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE dlg_shares DROP COLUMN note;
ALTER TABLE grant_support DROP COLUMN recipient_jib;
ALTER TABLE grant_applications DROP COLUMN org_jib;
