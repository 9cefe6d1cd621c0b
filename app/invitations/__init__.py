"""Single-use links that let invited people set their password."""
