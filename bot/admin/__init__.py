"""`/lockstep`: help, team configuration, roles, the channel introduction, and `lockstep doctor`."""
