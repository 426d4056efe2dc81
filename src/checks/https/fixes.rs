//! The HTTPS fixes in the words of the stack that serves a host: Django's SECURE_* settings only
//! when the API is recognised as Django, helmet for Express, Starlette's middleware, Flask-Talisman
//! and ProxyFix for Flask, Rails' `force_ssl`, ASP.NET Core's `UseHsts`; the header itself and the
//! proxy's directive otherwise (a frontend host, an unrecognised stack). Words only: which
//! backend applies is decided by the caller from the recognised stack.

use crate::stack::Backend;

/// The app's own way to redirect plain HTTP to HTTPS, when the framework has one.
fn app_redirect(b: Option<Backend>) -> Option<&'static str> {
    Some(match b? {
        Backend::Django => "Django SECURE_SSL_REDIRECT = True with SECURE_PROXY_SSL_HEADER = ('HTTP_X_FORWARDED_PROTO', 'https') behind the proxy",
        Backend::Express => "Express: app.set('trust proxy', 1) and a first middleware that answers 301 to https:// when !req.secure",
        Backend::Starlette => "app.add_middleware(HTTPSRedirectMiddleware), with uvicorn --proxy-headers --forwarded-allow-ips=<the proxy's address> behind the proxy",
        Backend::Flask => "Flask-Talisman (Talisman(app, force_https=True)) with app.wsgi_app = ProxyFix(app.wsgi_app, x_proto=1) behind the proxy",
        Backend::Rails => "config.force_ssl = true (and config.assume_ssl = true behind a TLS-terminating proxy)",
        Backend::AspNetCore => "app.UseHttpsRedirection() after app.UseForwardedHeaders()",
        Backend::Laravel | Backend::SpringBoot | Backend::NextJs => return None,
    })
}

/// Redirect every plain-HTTP request permanently to HTTPS.
pub fn redirect(b: Option<Backend>) -> String {
    let app = app_redirect(b)
        .map(|a| format!("{a}; "))
        .unwrap_or_default();
    format!(
        "redirect every plain-HTTP request permanently to the same host over https: {app}nginx `server {{ listen 80; return 301 https://$host$request_uri; }}`; Traefik redirections.entryPoint.to=websecure; or the platform's \"force HTTPS\" switch"
    )
}

/// The app redirects to https:// forever because it sees the proxy's plain-HTTP hop.
pub fn redirect_loop(b: Option<Backend>) -> String {
    let trust = match b {
        Some(Backend::Django) => return "behind a TLS-terminating proxy Django sees every request as http and redirects forever: set SECURE_PROXY_SSL_HEADER = ('HTTP_X_FORWARDED_PROTO', 'https') and make the proxy send X-Forwarded-Proto, or redirect in the proxy only (SECURE_SSL_REDIRECT = False)".into(),
        Some(Backend::Express) => "app.set('trust proxy', 1) so req.secure reads X-Forwarded-Proto",
        Some(Backend::Starlette) => "run uvicorn with --proxy-headers --forwarded-allow-ips=<the proxy's address> so HTTPSRedirectMiddleware sees https",
        Some(Backend::Flask) => "app.wsgi_app = ProxyFix(app.wsgi_app, x_proto=1) so Talisman's force_https sees https",
        Some(Backend::Rails) => "config.assume_ssl = true (or forward X-Forwarded-Proto) so force_ssl sees https",
        Some(Backend::AspNetCore) => "app.UseForwardedHeaders() with ForwardedHeaders.XForwardedProto before UseHttpsRedirection",
        _ => "tell the app to trust the proxy's X-Forwarded-Proto",
    };
    format!(
        "behind a TLS-terminating proxy the app sees every request as http and redirects forever: make the proxy send X-Forwarded-Proto: https and {trust}; or redirect in the proxy only and turn the app's own redirect off"
    )
}

/// The app's own way to send Strict-Transport-Security, when the framework has one.
fn app_hsts(b: Option<Backend>) -> Option<&'static str> {
    Some(match b? {
        Backend::Django => "Django SECURE_HSTS_SECONDS = 31536000 (with SECURE_HSTS_INCLUDE_SUBDOMAINS = True once every subdomain serves HTTPS)",
        Backend::Express => "app.use(helmet()) (its Strict-Transport-Security is max-age=31536000; includeSubDomains)",
        Backend::Starlette => "a middleware that sets response.headers[\"Strict-Transport-Security\"] = \"max-age=31536000; includeSubDomains\" (Starlette sends none by itself)",
        Backend::Flask => "Flask-Talisman (strict_transport_security=True, strict_transport_security_max_age=31536000)",
        Backend::Rails => "config.force_ssl = true (it sends HSTS)",
        Backend::AspNetCore => "app.UseHsts() with HstsOptions.MaxAge of a year",
        Backend::Laravel | Backend::SpringBoot | Backend::NextJs => return None,
    })
}

/// Send Strict-Transport-Security on every HTTPS response.
pub fn hsts(b: Option<Backend>) -> String {
    let app = app_hsts(b).map(|a| format!("{a}; ")).unwrap_or_default();
    format!(
        "send Strict-Transport-Security on every HTTPS response: {app}nginx `add_header Strict-Transport-Security \"max-age=31536000; includeSubDomains\" always;`, or the platform's response-headers setting"
    )
}

/// One of the baseline headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Baseline {
    Nosniff,
    FrameProtection,
    ReferrerPolicy,
}

/// Send one baseline header: the app's way, then the proxy's.
pub fn baseline(h: Baseline, b: Option<Backend>) -> String {
    let nginx = match h {
        Baseline::Nosniff => "add_header X-Content-Type-Options nosniff always;",
        Baseline::FrameProtection => "add_header X-Frame-Options DENY always;",
        Baseline::ReferrerPolicy => {
            "add_header Referrer-Policy strict-origin-when-cross-origin always;"
        }
    };
    let app = match (b, h) {
        (Some(Backend::Django), Baseline::Nosniff) => "SECURE_CONTENT_TYPE_NOSNIFF = True",
        (Some(Backend::Django), Baseline::FrameProtection) => "django.middleware.clickjacking.XFrameOptionsMiddleware with X_FRAME_OPTIONS = 'DENY'",
        (Some(Backend::Django), Baseline::ReferrerPolicy) => "SECURE_REFERRER_POLICY = 'strict-origin-when-cross-origin'",
        (Some(Backend::Express), _) => "app.use(helmet()) (nosniff, X-Frame-Options and Referrer-Policy)",
        (Some(Backend::Flask), _) => "Flask-Talisman (frame_options, referrer_policy; nosniff by default)",
        (Some(Backend::Starlette), _) => "a middleware that sets the header on every response",
        (Some(Backend::Rails), _) => "config.action_dispatch.default_headers (Rails sends these by default; something removed them)",
        _ => match h {
            Baseline::Nosniff => "X-Content-Type-Options: nosniff",
            Baseline::FrameProtection => "X-Frame-Options: DENY (or CSP frame-ancestors 'none')",
            Baseline::ReferrerPolicy => "Referrer-Policy: strict-origin-when-cross-origin",
        },
    };
    format!("{app} (nginx: {nginx})")
}

/// A cookie attribute a fix asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attr {
    Secure,
    HttpOnly,
    /// `SameSite=None; Secure`.
    CrossSite,
}

/// Set an attribute on a cookie the app sets (not one of Django's own, which have settings).
pub fn cookie_attr(b: Option<Backend>, name: &str, attr: Attr) -> String {
    let (py, js, header) = match attr {
        Attr::Secure => ("secure=True", "secure: true", "Secure"),
        Attr::HttpOnly => ("httponly=True", "httpOnly: true", "HttpOnly"),
        Attr::CrossSite => (
            "samesite='None', secure=True",
            "sameSite: 'none', secure: true",
            "SameSite=None; Secure",
        ),
    };
    match b {
        // Flask's own session cookie has config keys (the same names as Django's settings).
        Some(Backend::Flask) if name == "session" => match attr {
            Attr::Secure => "SESSION_COOKIE_SECURE = True in the Flask config".into(),
            Attr::HttpOnly => "SESSION_COOKIE_HTTPONLY = True in the Flask config".into(),
            Attr::CrossSite => {
                "SESSION_COOKIE_SAMESITE = 'None' with SESSION_COOKIE_SECURE = True in the Flask config".into()
            }
        },
        Some(Backend::Django | Backend::Starlette | Backend::Flask) => {
            format!("{py} where the app sets {name} (response.set_cookie(..., {py}))")
        }
        Some(Backend::Express) if name == "connect.sid" => {
            format!("session({{ cookie: {{ {js} }} }}) in express-session (with app.set('trust proxy', 1) behind a proxy)")
        }
        Some(Backend::Express) => {
            format!(
                "{{ {js} }} where the app sets {name} (res.cookie('{name}', value, {{ {js} }}))"
            )
        }
        _ => format!("{header} on the Set-Cookie that sets {name}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn django_words_only_for_django() {
        let all = |b: Option<Backend>| {
            [
                redirect(b),
                redirect_loop(b),
                hsts(b),
                baseline(Baseline::Nosniff, b),
                baseline(Baseline::FrameProtection, b),
                baseline(Baseline::ReferrerPolicy, b),
                cookie_attr(b, "sid", Attr::Secure),
            ]
            .join(" | ")
        };
        let django = all(Some(Backend::Django));
        for w in [
            "SECURE_SSL_REDIRECT",
            "SECURE_PROXY_SSL_HEADER",
            "SECURE_HSTS_SECONDS",
        ] {
            assert!(django.contains(w), "{w}: {django}");
        }
        for b in [
            None,
            Some(Backend::Express),
            Some(Backend::Starlette),
            Some(Backend::Flask),
            Some(Backend::SpringBoot),
        ] {
            let words = all(b);
            for w in ["SECURE_", "Django", "settings.py", "X_FRAME_OPTIONS"] {
                assert!(!words.contains(w), "{b:?} says {w}: {words}");
            }
        }
        assert!(all(Some(Backend::Express)).contains("helmet()"));
        assert!(redirect_loop(Some(Backend::Express)).contains("trust proxy"));
        assert!(redirect_loop(Some(Backend::Starlette)).contains("--proxy-headers"));
        assert!(redirect_loop(Some(Backend::Flask)).contains("ProxyFix"));
        assert!(hsts(None).contains("add_header Strict-Transport-Security"));
        assert!(
            cookie_attr(Some(Backend::Express), "connect.sid", Attr::CrossSite)
                .contains("sameSite: 'none'")
        );
    }
}
