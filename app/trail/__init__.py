"""The audit trail as a page: who did what to which object, when — for the admin (everything)
and a college's coordinators (their college's), with filters and exports."""
