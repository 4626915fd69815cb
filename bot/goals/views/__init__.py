"""Block Kit for `/goal` and the weekly digest."""
