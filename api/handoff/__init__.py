"""Hand-off to support staff: conversation modes, the queue, transcripts and live delivery."""
