"""Bulk import of students, enterprises and placements from the spreadsheets offices keep."""
