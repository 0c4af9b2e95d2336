-- 002_members: placeholder, filled in by the engineer who owns it (issue 18).
SELECT 1;
