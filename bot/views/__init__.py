"""Pure Block Kit builders, one module per feature; ids are constants defined next to them."""
