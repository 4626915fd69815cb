"""The asset catalog and feedback on it: resonance, owner DMs."""
