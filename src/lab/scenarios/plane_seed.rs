//! Plane's pitfalls from seed 003 that need a Plane-shaped lab.
//!
//! `plane-live-origin-refused`: the live server's `ALLOWED_ORIGINS` (`.env.live`) was left at
//! its development value, so the upgrade from the app's own origin, https://plane.mohdop.test,
//! is answered 403 — while the API's `CORS_ALLOWED_ORIGINS` is right and every API row passes.
use super::Scenario;

pub fn list() -> Vec<Scenario> {
    vec![live_origin_refused()]
}

fn live_origin_refused() -> Scenario {
    let mut s = super::profiles::plane();
    s.name = "plane-live-origin-refused";
    s.about = "Plane's live server keeps ALLOWED_ORIGINS=http://localhost:3000 in .env.live: the upgrade from the app's own origin is refused 403";
    if let Some(ws) = &mut s.websocket {
        ws.allowed_origins = vec!["http://localhost:3000".into()];
    }
    s
}
