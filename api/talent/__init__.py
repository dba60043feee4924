"""The talent community: candidates who asked, with consent, to hear about new matching jobs by email."""
