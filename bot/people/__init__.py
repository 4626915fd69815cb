"""Each person's own time: their zone, working hours, away days and the workspace's holidays."""
