"""Measuring the claim engine: labelled timelines, scoring, training the scorer."""
