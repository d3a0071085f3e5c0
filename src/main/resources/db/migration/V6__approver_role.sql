-- The least role an approver of the request must have (the rule's approvers.role).
ALTER TABLE approvals ADD COLUMN approver_role TEXT NOT NULL DEFAULT 'admin';
