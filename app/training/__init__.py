"""Safety inductions, the individual training plan and the work-experience statement."""
