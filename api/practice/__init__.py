"""Interview practice: the bank of behavioural questions and feedback on an answer's STAR structure."""
