"""Job search from the careers site's own job feed (Greenhouse, Lever, SmartRecruiters, schema.org JSON-LD)."""
