"""Deterministic checkers for keyed answers; all reach the pipeline through `registry`."""
