"""The SPARQL server: protocol router, query workers, service description, query UI."""
