"""Application status: a verified candidate's own applications, from the built-in store or an ATS."""
