"""Insights for staff and writers (/staff/insights): how the assistant serves candidates, over a
period, from the stored conversations' aggregates (api/conversations/stats.py)."""
