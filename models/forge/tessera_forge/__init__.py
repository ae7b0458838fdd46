"""Tessera's model forge: trains the project's own tool-calling models from synthetic data."""
