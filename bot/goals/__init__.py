"""Shared goals: input, pace, the weekly digest and its chart."""
