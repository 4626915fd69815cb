"""The running system: the app factory, HTTP serving, the scheduler and its jobs, export."""
