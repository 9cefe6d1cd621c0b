"""The parties' acceptance of a draft agreement: pages and actions (rules in
app.placements.acceptance)."""
