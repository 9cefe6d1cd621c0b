"""Dashboards: the region's, a college's and an enterprise's figures, charts and exports."""
