"""What the narrative claims (filled below)."""

STEPS: tuple = ()
