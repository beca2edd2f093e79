-- 016_task_agenda.sql - the agenda reads open tasks in its own order
-- (issue 7, section 4). task_agenda (crm/task.c) sorts a user's or the
-- team's open tasks by due (UTC; a date stands for its own text), then
-- priority (high first), then id. Through task_assignee SQLite read every
-- open task of the user (the due test is an OR of the date and the
-- instant, so no range on that index), looked each up and sorted the ones
-- in the window in a temporary B-tree. These indexes hold the sort key
-- itself, only for live open tasks: the scan starts at the user's first
-- due, stops after the agenda's last day and needs no sort. IF NOT
-- EXISTS: it runs again where a test replays the migrations from 014 on.
-- Never edit this file once landed.
CREATE INDEX IF NOT EXISTS task_agenda_user ON task (
  assignee_id,
  COALESCE(due_at, due_date),
  CASE priority WHEN 'high' THEN 0 WHEN 'normal' THEN 1 ELSE 2 END,
  id
) WHERE deleted_at IS NULL AND status = 'open';
-- The team's agenda (owners and admins): the same order over every assignee.
CREATE INDEX IF NOT EXISTS task_agenda_team ON task (
  COALESCE(due_at, due_date),
  CASE priority WHEN 'high' THEN 0 WHEN 'normal' THEN 1 ELSE 2 END,
  id
) WHERE deleted_at IS NULL AND status = 'open';
