//! Hostile and broken servers: whatever the far end does, conncheck ends within its deadline
//! with a verdict, bounded memory, and nothing dangerous on the terminal.
use super::{BadJson, Scenario};
use crate::lab::dns::DnsBehavior;
use crate::lab::hostile::Hostile;

pub fn list() -> Vec<Scenario> {
    let t = |name, about, h| Scenario::fault(name, about, move |s| s.hostile = Some(h));
    vec![
        t("hostile-hang", "the API accepts TCP and never sends a byte", Hostile::Hang),
        t("hostile-tls-hang", "the API completes TCP and stalls mid-handshake", Hostile::TlsHang),
        t("hostile-trickle", "the API answers one byte per second, forever (slow loris)", Hostile::Trickle),
        t("hostile-garbage-http", "the API speaks TLS, then bytes that are not HTTP", Hostile::GarbageHttp),
        t("hostile-garbage-tls", "the API's TLS port answers random bytes", Hostile::GarbageTls),
        t("hostile-reset", "the API resets the connection after the request", Hostile::Reset),
        Scenario::fault("hostile-huge", "the page, the bundle and a JSON endpoint stream 1 GiB each", |s| s.hostile_http.huge = true),
        Scenario::fault("hostile-redirect-loop", "every API URL and the page redirect in a loop", |s| s.hostile_http.redirect_loop = true),
        Scenario::fault(
            "hostile-redirect-to-http",
            "the login POST is redirected to plain HTTP on another host: credentials must not follow",
            |s| s.hostile_http.login_to_http = true,
        ),
        Scenario::fault("hostile-redirect-offsite", "every API URL redirects to another site", |s| s.hostile_http.offsite = true),
        Scenario::fault("hostile-escape", "server text carries terminal escape sequences and control characters", |s| {
            s.hostile_http.escape = true
        }),
        Scenario::fault("hostile-json", "the login endpoint returns invalid JSON", |s| s.hostile_http.bad_json = Some(BadJson::Invalid)),
        Scenario::fault("hostile-json-huge", "the login endpoint returns 10 MB of JSON", |s| s.hostile_http.bad_json = Some(BadJson::Huge)),
        Scenario::fault("hostile-json-type", "the login endpoint returns a token of the wrong type", |s| {
            s.hostile_http.bad_json = Some(BadJson::WrongType)
        }),
        Scenario::fault("hostile-long-header", "the API's CORS answers carry a 200 KB Access-Control-Allow-Origin value", |s| {
            s.hostile_http.more.long_header = true
        }),
        Scenario::fault("hostile-ws-flood-bundle", "the bundle is 2 MB of WebSocket-looking URLs", |s| s.hostile_http.more.ws_flood = true),
        Scenario::fault("hostile-echo", "every API route echoes the request (headers and body) and hands out an odd JWT", |s| {
            s.hostile_http.more.echo = true
        }),
        Scenario::fault("hostile-stream-all", "every route (page, bundle, API, preflights, errors) streams without end", |s| {
            s.hostile_http.more.stream_all = true
        }),
        Scenario::fault("hostile-dns", "the resolver answers SERVFAIL, truncates, answers late, for the wrong name, or in a 500-CNAME chain", |s| {
            s.dns.behavior = DnsBehavior::WrongName;
            // www: a 500-long CNAME chain; apex: fine.
            s.dns.long_chain = Some(("www.tiktrue.test".into(), 500));
        }),
        Scenario::fault("hostile-dns-late", "the resolver answers after the client's timeout", |s| {
            s.dns.behavior = DnsBehavior::Late(std::time::Duration::from_secs(8));
            s.args = vec!["--timeout".into(), "1".into()];
        }),
        Scenario::fault("hostile-dns-truncated", "the resolver truncates every UDP answer (TCP works)", |s| s.dns.behavior = DnsBehavior::Truncate),
        Scenario::fault("hostile-dns-garbage", "the resolver answers bytes that are not DNS", |s| s.dns.behavior = DnsBehavior::Garbage),
    ]
}
