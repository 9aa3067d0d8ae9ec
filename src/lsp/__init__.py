"""pitfalls_lsp: the language server front end (`pitfalls lsp`); the server itself is not built yet."""
