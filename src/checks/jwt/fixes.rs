//! The fixes of section 6 for an API that is not Django/simplejwt: worded for Express
//! (jsonwebtoken), FastAPI/Starlette (PyJWT), Flask (flask-jwt-extended), or, when no framework
//! was recognised, what to change without naming one. Django's words are in `words.rs`.
//! Nothing here decides.

use super::judge::{ClaimProblem, Forgery, JwtFault};
use crate::stack::Backend;
use crate::target::AuthFlow;

/// The signing secret's name, for the recognised framework, without an article ("the same
/// {name}").
pub fn secret_name(b: Option<Backend>) -> &'static str {
    match b {
        Some(Backend::Express) => "secret passed to jwt.sign / jwt.verify (JWT_SECRET)",
        Some(Backend::Starlette) => "key passed to jwt.encode / jwt.decode",
        Some(Backend::Flask) => "JWT_SECRET_KEY",
        Some(Backend::Rails) => "key the JWT is signed with (secret_key_base or JWT_SECRET)",
        Some(Backend::Laravel) => "JWT_SECRET",
        _ => "JWT signing key",
    }
}

/// Where the app's login, refresh and routes are declared.
fn app(b: Option<Backend>) -> &'static str {
    match b {
        Some(Backend::Express) => "the Express app",
        Some(Backend::Starlette) => "the FastAPI app",
        Some(Backend::Flask) => "the Flask app",
        Some(Backend::Rails) => "the Rails app",
        Some(Backend::Laravel) => "the Laravel app",
        Some(Backend::SpringBoot) => "the Spring Boot app",
        Some(Backend::AspNetCore) => "the ASP.NET Core app",
        Some(Backend::NextJs) => "the Next.js route handlers",
        Some(Backend::Django) | None => "the app",
    }
}

/// A login fault's hint.
pub fn login_hint(f: &JwtFault, b: Option<Backend>) -> Option<String> {
    use JwtFault::*;
    Some(match f {
        LoginNotJson { .. } => format!("the login route answered but not with JSON: check the proxy routes it to {}", app(b)),
        NoAccessToken { .. } => format!("return the access token in the login's JSON answer ({}), or set the token path in the profile", issue_token(b)),
        LoginAnsweredHtml { .. } => format!("the login route answered HTML, not JSON, so the request never reached {}'s login: see endpoints.login (the proxy, the host)", app(b)),
        CredentialsRefused { .. } => "the server refused these credentials: check CONNCHECK_USERNAME / CONNCHECK_PASSWORD, that the account exists in this database and is active, and that the login field (email or username) is the one the login handler reads".into(),
        LoginServerError { status } if *status != 503 => "the backend fails at login: see endpoints.login and the app's logs (the database, schema migrations, a missing environment variable)".into(),
        _ => return None,
    })
}

fn issue_token(b: Option<Backend>) -> &'static str {
    match b {
        Some(Backend::Express) => "res.json({ access: jwt.sign(payload, secret, { expiresIn: '15m' }) })",
        Some(Backend::Starlette) => "return {\"access_token\": jwt.encode(payload, key, algorithm=\"HS256\"), \"token_type\": \"bearer\"}",
        Some(Backend::Flask) => "return jsonify(access_token=create_access_token(identity=user.id))",
        _ => "e.g. {\"access\": \"<token>\"}",
    }
}

/// The fix when a made-up user was let in.
pub fn accepts_anyone(b: Option<Backend>) -> String {
    let check = match b {
        Some(Backend::Express) => "bcrypt.compare",
        Some(Backend::Starlette) => "passlib's verify / bcrypt.checkpw",
        Some(Backend::Flask) => "werkzeug's check_password_hash",
        _ => "the password hash check",
    };
    format!("the login accepts unknown credentials: look the user up and verify the password ({check}) before issuing a token")
}

/// A claim problem's fix.
pub fn claim_fix(p: ClaimProblem, b: Option<Backend>) -> &'static str {
    use Backend::*;
    match (p, b) {
        (ClaimProblem::NoExp | ClaimProblem::LongLived { .. }, Some(Express)) => "sign access tokens with a short expiry: jwt.sign(payload, secret, { expiresIn: '15m' }), and let the refresh token renew them",
        (ClaimProblem::NoExp | ClaimProblem::LongLived { .. }, Some(Starlette)) => "put a short exp in the payload (\"exp\": datetime.now(timezone.utc) + timedelta(minutes=15)) and let the refresh token renew it",
        (ClaimProblem::NoExp | ClaimProblem::LongLived { .. }, Some(Flask)) => "set JWT_ACCESS_TOKEN_EXPIRES = timedelta(minutes=15) (never False) and let the refresh token renew it",
        (ClaimProblem::NoExp | ClaimProblem::LongLived { .. }, _) => "give access tokens a short exp (minutes) and let the refresh token renew them; a stolen token works until it expires",
        (ClaimProblem::Unsigned, Some(Express)) => "sign tokens: jwt.sign(payload, process.env.JWT_SECRET, { algorithm: 'HS256' })",
        (ClaimProblem::Unsigned, Some(Starlette)) => "sign tokens: jwt.encode(payload, key, algorithm=\"HS256\") with a key from the environment",
        (ClaimProblem::Unsigned, Some(Flask)) => "sign tokens: JWT_ALGORITHM = 'HS256' with JWT_SECRET_KEY from the environment",
        (ClaimProblem::Unsigned, _) => "sign tokens (HS256 with a secret from the environment, or RS256 with a key pair)",
        (ClaimProblem::AccessOutlivesRefresh { .. }, Some(Flask)) => "make JWT_ACCESS_TOKEN_EXPIRES short (minutes) and JWT_REFRESH_TOKEN_EXPIRES longer; a long-lived access token cannot be revoked",
        (ClaimProblem::AccessOutlivesRefresh { .. }, _) => "make the access token's lifetime short (minutes) and the refresh token's longer; a long-lived access token cannot be revoked",
        (ClaimProblem::ClockSkew { .. }, _) => "sync the server clocks (NTP) of the app and the proxy; a token issued 'in the future' is refused by other verifiers with leeway 0",
        (ClaimProblem::ExpiredOnArrival, _) => "check the clocks of this machine and the server (NTP)",
    }
}

/// The authenticated call's fix.
pub fn authenticated(f: &JwtFault, b: Option<Backend>) -> String {
    match f {
        JwtFault::ProfileNotJson => format!("the profile route answered 200 but not JSON: check the proxy routes it to {}", app(b)),
        JwtFault::FreshTokenRefused => format!("the API refuses the token it just issued: every instance must verify with the same {} and algorithm, accept the scheme sent ('Bearer'), and a proxy must pass the Authorization header through", secret_name(b)),
        JwtFault::TokenForbidden => "the token is accepted but the user lacks permission for this route: check the route's authorization rules and the account's roles".into(),
        _ => "the authenticated call failed: see endpoints.profile for the route's status".into(),
    }
}

/// The fix when the login gave no refresh token.
pub fn no_refresh_token(b: Option<Backend>) -> String {
    let how = match b {
        Some(Backend::Express) => {
            "a second jwt.sign with a longer expiresIn, or an httpOnly cookie"
        }
        Some(Backend::Starlette) => {
            "a second, longer-lived token from the login endpoint, or an httpOnly cookie"
        }
        Some(Backend::Flask) => "create_refresh_token(identity=…) next to the access token",
        _ => "a longer-lived token next to the access token, or an httpOnly cookie",
    };
    format!("return a refresh token from the login ({how}), or set its path in the profile")
}

/// A refresh fault's fix.
pub fn refresh_hint(f: &JwtFault, a: &AuthFlow, b: Option<Backend>) -> String {
    use JwtFault::*;
    match f {
        RefreshRouteMissing { .. } => {
            let route = match b {
                Some(Backend::Express) => format!("router.post('{}', …)", a.refresh_path),
                Some(Backend::Starlette) => format!("@router.post(\"{}\")", a.refresh_path),
                Some(Backend::Flask) => format!("@app.route(\"{}\", methods=[\"POST\"]) with @jwt_required(refresh=True)", a.refresh_path),
                _ => format!("POST {}", a.refresh_path),
            };
            format!("there is no refresh route at {}: add one to {} ({route}), or the frontend cannot renew sessions", a.refresh_path, app(b))
        }
        RefreshTokenRefused => format!("the server refuses the refresh token it just issued: check the {} is the same on every instance (and the store of refresh tokens, if they are kept)", secret_name(b)),
        RefreshFieldName { field } => format!("the refresh route wants another field than `{field}`: set auth.refresh_field in the profile"),
        RefreshNoAccessToken => "return the new access token from the refresh route (e.g. {\"access\": …})".into(),
        RefreshedTokenRefused { .. } => format!("the refreshed access token is refused: check that refresh and verification use the same {} and algorithm", secret_name(b)),
        RefreshNotRotated => "the profile expects rotation: issue a new refresh token on every refresh and revoke the old one".into(),
        _ => "the refresh call failed: check the app's logs".into(),
    }
}

/// A forged credential's fix.
pub fn forgery_fix(f: Forgery, b: Option<Backend>) -> &'static str {
    use Backend::*;
    match (f, b) {
        (Forgery::NoToken, Some(Express)) => "the route is not protected: put the middleware that verifies the token in front of it (router.get(path, requireAuth, …))",
        (Forgery::NoToken, Some(Starlette)) => "the route is not protected: add a dependency that verifies the token (Depends(get_current_user) built on HTTPBearer)",
        (Forgery::NoToken, Some(Flask)) => "the route is not protected: decorate the view with @jwt_required()",
        (Forgery::NoToken, _) => "the route is not protected: require a valid token on it",
        (Forgery::AlgNone, Some(Express)) => "the API accepts unsigned alg: none tokens: pass { algorithms: ['HS256'] } to jwt.verify",
        (Forgery::AlgNone, Some(Starlette)) => "the API accepts unsigned alg: none tokens: jwt.decode(token, key, algorithms=[\"HS256\"]), never 'none'",
        (Forgery::AlgNone, Some(Flask)) => "the API accepts unsigned alg: none tokens: set JWT_DECODE_ALGORITHMS = ['HS256']",
        (Forgery::AlgNone, _) => "the API accepts unsigned alg: none tokens: pin the accepted algorithms when verifying, never 'none'",
        (Forgery::SignatureAltered, Some(Express)) => "the API does not verify signatures: use jwt.verify(token, secret) (jwt.decode does not check the signature), then rotate the secret",
        (Forgery::SignatureAltered, Some(Starlette)) => "the API does not verify signatures: jwt.decode(token, key, algorithms=[…]) without options={\"verify_signature\": False}, then rotate the key",
        (Forgery::SignatureAltered, Some(Flask)) => "the API does not verify signatures: use @jwt_required() / verify_jwt_in_request() (no hand-rolled decode), then rotate JWT_SECRET_KEY",
        (Forgery::SignatureAltered, _) => "the API does not verify signatures: verify every token's signature (no decode-only path), then rotate the key",
    }
}

/// The fix when a forged token crashes the server.
pub fn forged_crashes(b: Option<Backend>) -> String {
    let how = match b {
        Some(Backend::Express) => "wrap jwt.verify in try/catch and answer res.sendStatus(401)",
        Some(Backend::Starlette) => "catch jwt.InvalidTokenError and raise HTTPException(status_code=401)",
        Some(Backend::Flask) => "let flask-jwt-extended answer (it sends 401/422 for bad tokens) instead of decoding by hand",
        _ => "catch the verification error and answer 401",
    };
    format!("the authentication code raises on a bad token instead of refusing it: {how}, and read the error in the logs")
}

/// The fix when the HMAC secret is known or on the team's list.
pub fn weak_secret(b: Option<Backend>) -> String {
    format!(
        "set the {} from the environment to a long random value (e.g. openssl rand -base64 48) not on any list, then rotate: every token signed with the old key must die",
        secret_name(b)
    )
}

#[cfg(test)]
mod tests {
    use super::super::words;
    use super::*;
    use crate::stack::Backend::*;

    /// Django's (simplejwt's) vocabulary, which no other framework's fix may use.
    const DJANGO: [&str; 8] = [
        "SIMPLE_JWT",
        "simplejwt",
        "urls.py",
        "REST_FRAMEWORK",
        "SECRET_KEY'",
        "TokenRefreshView",
        "manage.py",
        "permission_classes",
    ];

    fn no_django(b: Option<Backend>, h: &str) {
        for d in DJANGO {
            assert!(!h.contains(d), "{b:?}: {h}");
        }
    }

    #[test]
    fn jwt_fixes_are_worded_for_the_framework() {
        let a = AuthFlow::default();
        let forged = JwtFault::ForgedAccepted {
            accepted: vec![Forgery::SignatureAltered, Forgery::AlgNone],
        };
        let results = [(Forgery::SignatureAltered, 200), (Forgery::AlgNone, 200)];
        for (b, want) in [
            (Some(Express), "jwt.verify(token, secret)"),
            (Some(Starlette), "algorithms=[\"HS256\"]"),
            (Some(Flask), "JWT_DECODE_ALGORITHMS"),
            (None, "pin the accepted algorithms"),
        ] {
            let (_, h) = words::forged(&results, Some(&forged), b);
            let h = h.unwrap();
            assert!(h.contains(want), "{b:?}: {h}");
            no_django(b, &h);
        }
        let (_, django) = words::forged(&results, Some(&forged), Some(Django));
        assert!(django.unwrap().contains("SIMPLE_JWT"));
        for b in [Some(Express), Some(Starlette), Some(Flask), None] {
            let hints = [
                words::refresh_hint(&JwtFault::RefreshRouteMissing { status: 404 }, &a, b),
                words::refresh_hint(&JwtFault::RefreshNotRotated, &a, b),
                words::login_hint(
                    &JwtFault::NoAccessToken {
                        configured: "access".into(),
                    },
                    &a,
                    b,
                ),
                words::login_hint(&JwtFault::CredentialsRefused { status: 401 }, &a, b),
                words::no_refresh_token(b).1,
                words::authenticated(String::new(), Some(&JwtFault::FreshTokenRefused), b)
                    .1
                    .unwrap(),
                words::weak_secret(
                    &JwtFault::KnownSecret {
                        alg: "HS256".into(),
                        secret: "secret".into(),
                    },
                    "",
                    b,
                )
                .1
                .unwrap(),
            ];
            for h in hints {
                no_django(b, &h);
                assert!(!h.contains("the same the"), "{h}");
            }
        }
        let express = words::refresh_hint(
            &JwtFault::RefreshRouteMissing { status: 404 },
            &a,
            Some(Express),
        );
        assert!(express.contains("router.post('auth/refresh/'"), "{express}");
        let flask = words::no_refresh_token(Some(Flask)).1;
        assert!(flask.contains("create_refresh_token"), "{flask}");
    }

    #[test]
    fn claims_fixes_follow_the_framework() {
        let facts = super::super::judge::ClaimFacts {
            alg: "HS256".into(),
            token_type: None,
            lifetime: super::super::judge::Lifetime::NoExp,
            refresh_lifetime: None,
            skew: None,
            server_offset: None,
        };
        let (_, h) = words::claims(&facts, &[ClaimProblem::NoExp], Some(Express));
        assert!(h.as_deref().unwrap().contains("expiresIn: '15m'"));
        let (_, h) = words::claims(&facts, &[ClaimProblem::NoExp], Some(Django));
        assert!(h.as_deref().unwrap().contains("ACCESS_TOKEN_LIFETIME"));
        let (_, h) = words::claims(&facts, &[ClaimProblem::NoExp], None);
        no_django(None, h.as_deref().unwrap());
    }

    #[test]
    fn simplejwts_own_answer_says_django() {
        let stack = crate::stack::Stack::default();
        let simplejwt =
            serde_json::json!({"detail": "No active account found with the given credentials"});
        assert_eq!(
            super::super::judge::speaks(&stack, Some(&simplejwt)),
            Some(Django)
        );
        let express = serde_json::json!({"error": "invalid credentials"});
        assert_eq!(super::super::judge::speaks(&stack, Some(&express)), None);
    }
}
