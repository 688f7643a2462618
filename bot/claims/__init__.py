"""Claim extraction, normalisation and the claim data model."""
