"""PDF inspection and CAP reports."""
