"""Password reset: "Forgot password?" on the sign-in page, a single-use emailed link
that works for 30 minutes, a new password that meets the policy (docs/security.md)."""
