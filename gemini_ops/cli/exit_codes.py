"""The exit codes of ``gemini-ops``, one constant each (documented in ``--help``)."""

EXIT_OK = 0
EXIT_OPERATION_FAILED = 1
EXIT_USAGE = 2
EXIT_TIMEOUT = 3
EXIT_API_ERROR = 4
EXIT_CANNOT_CONNECT = 5
EXIT_INTERRUPTED = 130
