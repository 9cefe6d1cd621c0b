"""The practice diary, the foreman's review and the progress of every placement."""
