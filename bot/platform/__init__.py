"""What every feature runs on: settings, runtime, outbox, durable lazy jobs, permissions, logs."""
