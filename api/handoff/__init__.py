"""Hand-off to support staff: the queue, claiming, and the staff console's API."""
