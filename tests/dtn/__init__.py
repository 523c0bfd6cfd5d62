"""Tests of the legacy Data Transfer Network's D-flows."""
