"""Allows `python -m pitfalls`."""

from pitfalls.cli import main

if __name__ == "__main__":
    main()
