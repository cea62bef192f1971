"""Tests of the analysis/ package (python3 -m analysis.report)."""
