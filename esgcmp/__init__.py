"""esgcmp: compare companies' ESG KPIs from a sourced, unit-normalised catalog."""
