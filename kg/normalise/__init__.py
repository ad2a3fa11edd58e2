"""Normalisation stage: printed cells → agencies with roles, deadlines, document numbers, types."""
