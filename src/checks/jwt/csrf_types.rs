//! What a CSRF check's refusal is: whose check refused, and why. The types the judge's faults
//! carry; recognising them is `csrf.rs`'s job.

use crate::stack::Backend;

/// Whose CSRF check refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsrfGuard {
    /// Django's CsrfViewMiddleware (its HTML 403 page).
    Django,
    /// Django REST framework's SessionAuthentication (JSON `CSRF Failed: …`).
    Drf,
    Laravel,
    Rails,
    /// csurf or csrf-csrf.
    Express,
}

impl CsrfGuard {
    /// The framework whose words the fix is said in.
    pub fn backend(self) -> Backend {
        match self {
            CsrfGuard::Django | CsrfGuard::Drf => Backend::Django,
            CsrfGuard::Laravel => Backend::Laravel,
            CsrfGuard::Rails => Backend::Rails,
            CsrfGuard::Express => Backend::Express,
        }
    }
}

/// Why the check refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CsrfReason {
    /// The request's Origin is not trusted; `named` is the origin as the server named it
    /// (bounded), when it did.
    OriginUntrusted { named: Option<String> },
    /// HTTPS without an Origin and without a Referer.
    RefererMissing,
    /// The Referer is not a trusted origin.
    RefererUntrusted,
    /// The CSRF cookie was not sent.
    CookieMissing,
    /// The token (header or form field) was not sent.
    TokenMissing,
    /// A token was sent and does not match (or the framework does not say which).
    TokenMismatch,
}

impl CsrfReason {
    /// Only an untrusted origin is fixed by trusting the origin; the others by sending the
    /// token.
    pub fn origin_untrusted(&self) -> bool {
        matches!(
            self,
            CsrfReason::OriginUntrusted { .. } | CsrfReason::RefererUntrusted
        )
    }
}

/// A CSRF check's refusal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsrfRefusal {
    pub guard: CsrfGuard,
    pub reason: CsrfReason,
    pub status: u16,
}
