-- 016_task_agenda.pg.sql - PostgreSQL variant of 016_task_agenda.sql: the
-- same indexes; PostgreSQL takes a CASE as an index column only in
-- parentheses. Never edit this file once landed.
CREATE INDEX IF NOT EXISTS task_agenda_user ON task (
  assignee_id,
  COALESCE(due_at, due_date),
  (CASE priority WHEN 'high' THEN 0 WHEN 'normal' THEN 1 ELSE 2 END),
  id
) WHERE deleted_at IS NULL AND status = 'open';
CREATE INDEX IF NOT EXISTS task_agenda_team ON task (
  COALESCE(due_at, due_date),
  (CASE priority WHEN 'high' THEN 0 WHEN 'normal' THEN 1 ELSE 2 END),
  id
) WHERE deleted_at IS NULL AND status = 'open';
