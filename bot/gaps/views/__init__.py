"""Block Kit for the knowledge-gap report."""
