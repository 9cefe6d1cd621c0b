"""The mentor's mid-term and final assessments, and the college's final grade."""
