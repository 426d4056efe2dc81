//! What a user can pass that a check may lack.

/// What the user must pass so a row can be checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Missing {
    /// No frontend origin was given or could be inferred: `--origin`.
    Origin,
    /// No test account: `CONNCHECK_USERNAME` / `CONNCHECK_PASSWORD`.
    Credentials,
    /// No access token could be had (the login did not succeed).
    Token,
}
