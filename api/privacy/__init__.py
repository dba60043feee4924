"""Personal data: erasure and export of a candidate's conversations in both tiers, retention, and log redaction."""
