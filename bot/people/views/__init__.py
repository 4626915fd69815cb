"""Block Kit and ephemeral replies of the people feature (pure)."""
