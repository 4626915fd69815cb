"""The Home tab: each person's part of the loop, gathered from every feature."""
