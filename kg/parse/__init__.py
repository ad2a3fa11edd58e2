"""Parsing stage: documents → ParsedPlan records (kg.parse.layout.parse_document is the entry point)."""
