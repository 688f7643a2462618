"""Claimwatch core: platform-free pipeline, commands and CLI."""
