"""Table reader: locates the nine tables in a grid and reads each one with the
reader registered for its family (one parser per form part)."""
