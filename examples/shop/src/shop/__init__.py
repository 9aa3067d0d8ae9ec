"""A tiny shop: run `pitfalls check` here, or in any folder below."""
