"""Knowledge gaps: what prospects ask that no answer or asset covers yet."""
