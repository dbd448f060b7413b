"""The core: everything that decides, and no I/O.

Names and routes, the `Operation` type, the exception tree, poll and retry policies, deadline
arithmetic, pagination and option validation. Nothing here opens a socket, sleeps or reads a clock
it was not handed; the I/O layer (`gemini_ops._http`) and the client shells call into it.
"""
