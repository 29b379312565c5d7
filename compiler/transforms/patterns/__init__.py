"""Rewrite patterns shared by several passes (layout movement, activation fusion)."""
