"""Block Kit for prospect questions: modals, posts, replies."""
