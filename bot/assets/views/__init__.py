"""Block Kit for the asset catalog and asset feedback."""
