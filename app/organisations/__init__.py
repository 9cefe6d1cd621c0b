"""Colleges, specialties, groups and the region's partner enterprises."""
