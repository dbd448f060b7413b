"""Ratio benchmarks of gemini-ops against raw httpx and google-genai, on the emulator."""
