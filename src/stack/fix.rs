//! Fixes worded for the stack that serves the API. A check names the [`Fix`] it needs; this
//! module says it in the words of Django, Express, Starlette, Flask, Rails, Laravel, Spring,
//! ASP.NET Core, Next.js, or nginx when only the proxy is known, and falls back to naming the exact
//! header to send when nothing is known.

use super::{Backend, Proxy, Stack};

/// A configuration change the API needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fix {
    /// Allow these origins (exactly, never `*` when credentials are sent).
    AllowOrigins {
        origins: Vec<String>,
        credentials: bool,
    },
    /// Send `Access-Control-Allow-Credentials: true`.
    AllowCredentials,
    /// Allow these request headers on preflights.
    AllowHeaders { headers: Vec<String> },
    /// Allow these methods on preflights.
    AllowMethods { methods: Vec<String> },
    /// Trust these origins in the CSRF check.
    CsrfTrustedOrigins { origins: Vec<String> },
}

fn py_list(xs: &[String]) -> String {
    let quoted: Vec<String> = xs.iter().map(|x| format!("\"{x}\"")).collect();
    format!("[{}]", quoted.join(", "))
}

fn js_list(xs: &[String]) -> String {
    let quoted: Vec<String> = xs.iter().map(|x| format!("'{x}'")).collect();
    format!("[{}]", quoted.join(", "))
}

fn java_list(xs: &[String]) -> String {
    let quoted: Vec<String> = xs.iter().map(|x| format!("\"{x}\"")).collect();
    format!("List.of({})", quoted.join(", "))
}

fn origins_fix(b: Backend, origins: &[String], creds: bool) -> String {
    let o = origins;
    match b {
        Backend::Django => format!(
            "set CORS_ALLOWED_ORIGINS = {}{} in settings.py (django-cors-headers; from the \
             environment, scheme included, no trailing slash)",
            py_list(o),
            if creds {
                " and CORS_ALLOW_CREDENTIALS = True"
            } else {
                ""
            }
        ),
        Backend::Express => format!(
            "app.use(cors({{ origin: {}{} }})) before the routes (the cors package)",
            js_list(o),
            if creds { ", credentials: true" } else { "" }
        ),
        Backend::Starlette => format!(
            "app.add_middleware(CORSMiddleware, allow_origins={}{}, allow_methods=[\"*\"], \
             allow_headers=[\"*\"])",
            py_list(o),
            if creds {
                ", allow_credentials=True"
            } else {
                ""
            }
        ),
        Backend::Flask => {
            format!(
            "CORS(app, resources={{r\"/*\": {{\"origins\": {}}}}}{}) (flask-cors; make sure the \
             resources pattern covers every API route, the auth routes included)",
            py_list(o),
            if creds { ", supports_credentials=True" } else { "" }
        )
        }
        Backend::Rails => {
            format!(
            "in config/initializers/cors.rb: allow do origins {}; resource '*', headers: :any, \
             methods: :any{} end (rack-cors)",
            o.iter().map(|x| format!("'{x}'")).collect::<Vec<_>>().join(", "),
            if creds { ", credentials: true" } else { "" }
        )
        }
        Backend::Laravel => format!(
            "in config/cors.php: 'allowed_origins' => {}{}",
            js_list(o),
            if creds {
                ", 'supports_credentials' => true"
            } else {
                ""
            }
        ),
        Backend::SpringBoot => format!(
            "in the CorsConfiguration: setAllowedOrigins({}){}",
            java_list(o),
            if creds {
                "; setAllowCredentials(true)"
            } else {
                ""
            }
        ),
        Backend::AspNetCore => format!(
            "builder.Services.AddCors(o => o.AddDefaultPolicy(p => p.WithOrigins({}){}\
             .AllowAnyHeader().AllowAnyMethod())) and app.UseCors() before the endpoints",
            o.iter()
                .map(|x| format!("\"{x}\""))
                .collect::<Vec<_>>()
                .join(", "),
            if creds { ".AllowCredentials()" } else { "" }
        ),
        Backend::NextJs => format!(
            "answer OPTIONS in the route handler (or middleware) and send \
             Access-Control-Allow-Origin with the calling origin when it is one of {}{}",
            js_list(o),
            if creds {
                ", plus Access-Control-Allow-Credentials: true"
            } else {
                ""
            }
        ),
    }
}

fn header_fix(name: &str, value: &str, stack: &Stack) -> String {
    match stack.config_proxy() {
        Some(Proxy::Nginx) => {
            format!("add_header {name} \"{value}\" always; in the nginx location")
        }
        Some(Proxy::Traefik) => {
            format!("a Traefik headers middleware sending {name}: {value} (or let the app send it)")
        }
        Some(Proxy::Caddy) => format!("header {name} \"{value}\" in the Caddyfile"),
        Some(Proxy::Apache) => format!("Header always set {name} \"{value}\""),
        _ => format!("make the API answer with {name}: {value}"),
    }
}

/// The exact headers an unrecognised API must send for these origins.
fn exact_origin_headers(origins: &[String], credentials: bool, stack: &Stack) -> String {
    let first = origins.first().map(String::as_str).unwrap_or("<origin>");
    let mut s = format!(
        "answer requests from {} (the OPTIONS preflight too) with exactly `Access-Control-Allow-Origin: {first}`",
        origins.join(", ")
    );
    if credentials {
        s.push_str(" and `Access-Control-Allow-Credentials: true` (never `*` with credentials)");
    }
    s.push_str(
        "; echo the calling origin when it is in the list, add `Vary: Origin`, and send them from one layer only (the app's CORS configuration or the proxy, not both)",
    );
    if stack.config_proxy().is_some() {
        s.push_str(&format!(
            " — at the proxy: {}",
            header_fix("Access-Control-Allow-Origin", first, stack)
        ));
    }
    s
}

/// The fix in the words of the recognised stack.
pub fn word(fix: &Fix, stack: &Stack) -> String {
    let b = stack.backend();
    match (fix, b) {
        (
            Fix::AllowOrigins {
                origins,
                credentials,
            },
            Some(b),
        ) => origins_fix(b, origins, *credentials),
        (
            Fix::AllowOrigins {
                origins,
                credentials,
            },
            None,
        ) => exact_origin_headers(origins, *credentials, stack),
        (Fix::AllowCredentials, Some(b)) => match b {
            Backend::Django => "set CORS_ALLOW_CREDENTIALS = True".into(),
            Backend::Express => "pass credentials: true to cors({ … })".into(),
            Backend::Starlette => "pass allow_credentials=True to CORSMiddleware".into(),
            Backend::Flask => "pass supports_credentials=True to CORS(app, …)".into(),
            Backend::Rails => "add credentials: true to the rack-cors resource".into(),
            Backend::Laravel => "set 'supports_credentials' => true in config/cors.php".into(),
            Backend::SpringBoot => "call setAllowCredentials(true) on the CorsConfiguration".into(),
            Backend::AspNetCore => "add .AllowCredentials() to the CORS policy".into(),
            Backend::NextJs => "send Access-Control-Allow-Credentials: true".into(),
        },
        (Fix::AllowCredentials, None) => {
            header_fix("Access-Control-Allow-Credentials", "true", stack)
        }
        (Fix::AllowHeaders { headers }, Some(b)) => {
            let h = headers.join(", ");
            match b {
                Backend::Django => format!(
                    "CORS_ALLOW_HEADERS = (*default_headers, …) must include {h} \
                     (from corsheaders.defaults import default_headers)"
                ),
                Backend::Express => format!("allowedHeaders in cors({{ … }}) must include {h}"),
                Backend::Starlette => format!("allow_headers in CORSMiddleware must include {h}"),
                Backend::Flask => format!("allow_headers in CORS(app, …) must include {h}"),
                Backend::Rails => "use headers: :any on the rack-cors resource".into(),
                Backend::Laravel => {
                    format!("'allowed_headers' in config/cors.php must include {h}")
                }
                Backend::SpringBoot => format!("setAllowedHeaders must include {h}"),
                Backend::AspNetCore => {
                    format!("WithHeaders(…) must include {h}, or AllowAnyHeader()")
                }
                Backend::NextJs => format!("send Access-Control-Allow-Headers: {h}"),
            }
        }
        (Fix::AllowHeaders { headers }, None) => {
            header_fix("Access-Control-Allow-Headers", &headers.join(", "), stack)
        }
        (Fix::AllowMethods { methods }, Some(b)) => {
            let m = methods.join(", ");
            match b {
                Backend::Django => format!("CORS_ALLOW_METHODS must include {m}"),
                Backend::Express => format!("methods in cors({{ … }}) must include {m}"),
                Backend::Starlette => format!("allow_methods in CORSMiddleware must include {m}"),
                Backend::Flask => format!("methods in CORS(app, …) must include {m}"),
                Backend::Rails => format!("methods: on the rack-cors resource must include {m}"),
                Backend::Laravel => {
                    format!("'allowed_methods' in config/cors.php must include {m}")
                }
                Backend::SpringBoot => format!("setAllowedMethods must include {m}"),
                Backend::AspNetCore => {
                    format!("WithMethods(…) must include {m}, or AllowAnyMethod()")
                }
                Backend::NextJs => format!("send Access-Control-Allow-Methods: {m}"),
            }
        }
        (Fix::AllowMethods { methods }, None) => {
            header_fix("Access-Control-Allow-Methods", &methods.join(", "), stack)
        }
        (Fix::CsrfTrustedOrigins { origins }, Some(Backend::Django)) => format!(
            "set CSRF_TRUSTED_ORIGINS = {} (Django 4+ checks the Origin of unsafe requests)",
            py_list(origins)
        ),
        (Fix::CsrfTrustedOrigins { origins }, Some(Backend::Laravel)) => format!(
            "add the frontend's host to SANCTUM_STATEFUL_DOMAINS ({})",
            origins.join(", ")
        ),
        (Fix::CsrfTrustedOrigins { origins }, Some(Backend::Rails)) => format!(
            "let the forgery protection accept the frontend's Origin ({}), or send the CSRF \
             token the API expects",
            origins.join(", ")
        ),
        (Fix::CsrfTrustedOrigins { origins }, _) => format!(
            "make the API's CSRF check trust the frontend's origin ({}), or send the token it \
             expects in the request header",
            origins.join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Seen, Stack};
    use super::*;

    fn stack(b: Option<Backend>, p: Option<Proxy>) -> Stack {
        Stack {
            backend: b.map(|what| Seen {
                what,
                by: String::new(),
            }),
            proxies: p
                .map(|what| Seen {
                    what,
                    by: String::new(),
                })
                .into_iter()
                .collect(),
        }
    }

    #[test]
    fn origins_are_worded_per_framework() {
        let fix = Fix::AllowOrigins {
            origins: vec!["https://x.test".into()],
            credentials: true,
        };
        let cases = [
            (
                Backend::Django,
                "CORS_ALLOWED_ORIGINS = [\"https://x.test\"] and CORS_ALLOW_CREDENTIALS = True",
            ),
            (
                Backend::Express,
                "cors({ origin: ['https://x.test'], credentials: true })",
            ),
            (
                Backend::Starlette,
                "allow_origins=[\"https://x.test\"], allow_credentials=True",
            ),
            (Backend::Flask, "supports_credentials=True"),
            (Backend::Rails, "origins 'https://x.test'"),
            (
                Backend::SpringBoot,
                "setAllowedOrigins(List.of(\"https://x.test\")); setAllowCredentials(true)",
            ),
            (
                Backend::AspNetCore,
                "WithOrigins(\"https://x.test\").AllowCredentials()",
            ),
        ];
        for (b, want) in cases {
            let w = word(&fix, &stack(Some(b), None));
            assert!(w.contains(want), "{b:?}: {w}");
        }
    }

    #[test]
    fn unknown_backend_names_the_header_or_the_proxy_directive() {
        let fix = Fix::AllowCredentials;
        assert_eq!(
            word(&fix, &stack(None, None)),
            "make the API answer with Access-Control-Allow-Credentials: true"
        );
        assert!(word(&fix, &stack(None, Some(Proxy::Nginx))).starts_with("add_header"));
        let no_django = word(
            &Fix::AllowHeaders {
                headers: vec!["authorization".into()],
            },
            &stack(Some(Backend::Express), None),
        );
        assert!(!no_django.contains("CORS_"), "{no_django}");
    }
}
