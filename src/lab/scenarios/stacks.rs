//! Deployments shaped like the common stacks conncheck meets with no profile: what their
//! frontends' minified code calls (exact paths, no trailing slash added), how they log in
//! (an email field, a Bearer-only SPA without cookies), and an API host no origin can be
//! inferred from.
use super::Scenario;
use crate::lab::shape::Framework;

/// An esbuild-minified Bearer-only SPA (Express + jsonwebtoken shaped): email login at
/// `/auth/login`, `accessToken`-style state, `/me` with the token, no credentials mode.
pub(super) const BEARER_SPA: &str = "var n=\"{api}\",t=null,o=()=>t?{Authorization:`Bearer ${t}`}:{};async function r(e,a){({access:t}=await(await fetch(`${n}/auth/login`,{method:\"POST\",headers:{\"Content-Type\":\"application/json\"},body:JSON.stringify({email:e,password:a})})).json())}var s=()=>fetch(`${n}/me`,{headers:o()}).then(e=>e.json());document.querySelector(\"form\")?.addEventListener(\"submit\",e=>{e.preventDefault(),r(e.target.email.value,e.target.password.value).then(s)});export{r as login,s as me};";

/// The Express-shaped API: routes without a trailing slash, an email login, Express's own 404
/// pages and its `cors` package.
pub(super) fn express(s: &mut Scenario) {
    s.api.framework = Framework::Express;
    s.api.aliases = vec![
        ("auth/login".into(), "auth/login/".into()),
        ("me".into(), "auth/profile/".into()),
    ];
    s.api.jwt.login_field = Some("email".into());
    s.api.jwt.nested_tokens = false;
    // No Django admin, no /health/ route.
    s.api.missing = vec!["/health/".into(), "/admin/".into(), "/admin/login/".into()];
}

/// An esbuild-minified SPA keeping its refresh token in an httpOnly cookie: the login and the
/// refresh are sent with credentials, the refresh with no body.
const COOKIE_REFRESH_SPA: &str = "var n=\"{api}\",t=null;async function r(e,a){({access:t}=await(await fetch(`${n}/auth/login/`,{method:\"POST\",credentials:\"include\",headers:{\"Content-Type\":\"application/json\"},body:JSON.stringify({username:e,password:a})})).json())}async function f(){({access:t}=await(await fetch(`${n}/auth/refresh/`,{method:\"POST\",credentials:\"include\"})).json())}var s=()=>fetch(`${n}/auth/profile/`,{credentials:\"include\",headers:{Authorization:`Bearer ${t}`}}).then(e=>e.json());export{r as login,f as refresh,s as profile};";

pub fn list() -> Vec<Scenario> {
    vec![
        Scenario::fault(
            "stack-refresh-cookie",
            "a healthy SPA whose refresh token is an httpOnly cookie: the login's JSON carries only the access token and the refresh POST sends the cookie; zero-config passes",
            |s| {
                s.frontend.script = Some(COOKIE_REFRESH_SPA.into());
                s.api.jwt.refresh_cookie = true;
                s.api.jwt.rotate_refresh = false;
            },
        ),
        Scenario::fault(
            "stack-bearer-spa",
            "a healthy Bearer-only SPA on an Express-shaped API: email login at /auth/login (no trailing slash), /me with the token, no cookies; zero-config passes",
            |s| {
                express(s);
                s.frontend.script = Some(BEARER_SPA.into());
            },
        ),
        Scenario::fault(
            "stack-email-login",
            "a healthy API whose login wants `email` while the bundle does not show the body: the login's 400 names the field and conncheck tries once more with it",
            |s| {
                s.api.jwt.login_field = Some("email".into());
            },
        ),
        Scenario::fault(
            "stack-gateway",
            "a healthy deployment whose API host is not api.* (gateway.shop.test): no frontend origin can be inferred, so without --origin the run is incomplete",
            |s| {
                s.names.api = "gateway.shop.test".into();
                s.names.apex = "shop.test".into();
                s.names.www = None;
                s.names.platform = "shop-backend.liara.test".into();
                s.frontend.api_url = "https://gateway.shop.test{port}/api/v1".into();
                s.api.allowed_origins = vec!["https://shop.test{port}".into()];
            },
        ),
        Scenario::fault(
            "stack-bearer-spa-404",
            "the Bearer-only SPA's /me route is not deployed: a 404 on a route the bundle calls fails",
            |s| {
                express(s);
                s.frontend.script = Some(BEARER_SPA.into());
                s.api.aliases.retain(|(a, _)| a != "me");
            },
        ),
    ]
}
