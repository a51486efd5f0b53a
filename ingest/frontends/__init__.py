"""Format front ends: each turns a file into a Grid. Registry by format name."""
