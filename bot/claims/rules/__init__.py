"""Claim rules: each module reads a ``SentenceView`` and proposes candidate claims."""
