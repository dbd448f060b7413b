"""The I/O layer, built on httpx: everything that touches the network.

The deadline scope, authentication (API key, google-auth), the retry transport, reading error
bodies and retry hints off the wire, redaction of credentials, and the client builders. It decides
nothing the core (`gemini_ops._core`) can decide.
"""
