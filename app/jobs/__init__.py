"""Background jobs: long work (a group's diaries as ZIP), the outbox and the schedules.

`services` starts, runs and retries jobs; `queue` decides where they run (RQ on Redis, a thread
of this process, or at once in tests) and hands them over only after commit; `tasks` is the
work itself; `views` the job page, the result download and the retry.
"""
