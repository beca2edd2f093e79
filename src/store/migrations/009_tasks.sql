-- 009_tasks.sql - placeholder, filled by its module's engineer in this change.
SELECT 1;
