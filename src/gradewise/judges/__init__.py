"""Free-text judges: decide a criterion (or a whole part) from the student's words."""
