"""Results that leave the tool: gradebooks, feedback, statistics."""
