"""Placements: the dual-training agreements a coordinator sets up, activates and closes."""
