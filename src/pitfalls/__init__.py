"""pitfalls: finds the Python bugs interviewers ask about and explains each hit."""

__version__ = "0.1.0"
