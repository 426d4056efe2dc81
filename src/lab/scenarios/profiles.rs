//! Deployments shaped like the shipped profiles, each healthy: what its profile describes.
//!
//! `plane` (seed 003): a Next.js frontend behind Traefik at plane.mohdop, the Django REST API on
//! its own host plane-api.mohdop (`/api/v1`, a `workspaces/` endpoint, simplejwt's top-level
//! `{"access","refresh"}` login answer for `email`/`password`), and the live server at
//! wss://plane.mohdop/live taking the access token in `?token=` (`checks/plane.toml`).
//!
//! `simplejwt`: the API under simplejwt's own URLs, `token/` and `token/refresh/`, and a
//! `users/me/` view (`checks/django-simplejwt.toml`).
use super::{Names, Scenario, WsSpec};

pub fn list() -> Vec<Scenario> {
    vec![plane(), simplejwt()]
}

fn simplejwt() -> Scenario {
    Scenario::fault(
        "simplejwt",
        "a healthy API with simplejwt's own views (token/, token/refresh/) and a users/me/ view: the generic profile's shape",
        |s| {
            s.api.aliases = vec![
                ("token/".into(), "auth/login/".into()),
                ("token/refresh/".into(), "auth/refresh/".into()),
                ("users/me/".into(), "auth/profile/".into()),
            ];
            s.api.jwt.nested_tokens = false;
        },
    )
}

pub(super) fn plane() -> Scenario {
    Scenario::fault(
        "plane",
        "a healthy Plane-shaped deployment: Next.js behind Traefik, Django API on its own host, /live WebSocket with ?token= auth",
        |s| {
            s.names = Names {
                api: "plane-api.mohdop.test".into(),
                apex: "plane.mohdop.test".into(),
                www: None,
                platform: "plane-api.dokploy.test".into(),
            };
            s.api.allowed_origins = vec!["https://plane.mohdop.test{port}".into()];
            s.api.extra_routes = vec!["workspaces/".into()];
            s.api.jwt.nested_tokens = false;
            s.api.jwt.username = "demo@plane.mohdop.test".into();
            s.frontend.api_url = "https://plane-api.mohdop.test{port}/api/v1".into();
            s.frontend.ws_url = Some("wss://plane.mohdop.test{port}/live".into());
            s.frontend.ws_token_param = Some("token".into());
            s.websocket = Some(WsSpec {
                host: "plane.mohdop.test".into(),
                path: "/live".into(),
                allowed_origins: vec!["https://plane.mohdop.test{port}".into()],
                any_origin: false,
                down: false,
                require_token: true,
                token_secret: None,
            });
            s.args = vec![
                "--websocket".into(),
                "wss://plane.mohdop.test{port}/live".into(),
            ];
        },
    )
}
