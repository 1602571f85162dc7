"""The hazard catalogue and categorisation of findings."""
