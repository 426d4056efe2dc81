//! CORS header parsing and decisions: a response (status, header lines with duplicates) and a
//! call (method, headers, credentials mode) from structured fuzz input, through `cors_check`,
//! `preflight_check`, `classify_probe`, `vary_ok` and Chrome's console message.
#![no_main]
use arbitrary::Arbitrary;
use conncheck::checks::cors::chrome::{self, Initiator};
use conncheck::checks::cors::decide::{self, Call, Recorded};
use libfuzzer_sys::fuzz_target;

/// Header names drawn mostly from the ones the decisions read, so the input reaches them.
#[derive(Arbitrary, Debug)]
enum Name {
    AllowOrigin,
    AllowCredentials,
    AllowMethods,
    AllowHeaders,
    MaxAge,
    Vary,
    Location,
    Other(String),
}

impl Name {
    fn as_str(&self) -> &str {
        match self {
            Name::AllowOrigin => "access-control-allow-origin",
            Name::AllowCredentials => "access-control-allow-credentials",
            Name::AllowMethods => "access-control-allow-methods",
            Name::AllowHeaders => "access-control-allow-headers",
            Name::MaxAge => "access-control-max-age",
            Name::Vary => "vary",
            Name::Location => "location",
            Name::Other(s) => s,
        }
    }
}

#[derive(Arbitrary, Debug)]
struct Input {
    status: u16,
    headers: Vec<(Name, String)>,
    method: String,
    call_headers: Vec<(String, String)>,
    include_credentials: bool,
    /// Use the page's origin (else `origin_text`): a match must be reachable.
    standard_origin: bool,
    origin_text: String,
    xhr: bool,
}

fuzz_target!(|inp: Input| {
    let origin = if inp.standard_origin {
        "https://app.x.test"
    } else {
        inp.origin_text.as_str()
    };
    let pairs: Vec<(&str, &str)> = inp
        .headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let resp = Recorded::new(inp.status, &pairs);
    let call = Call {
        method: inp.method.clone(),
        headers: inp.call_headers.clone(),
        include_credentials: inp.include_credentials,
    };
    let _ = call.needs_preflight();
    let _ = call.request_headers_value();
    let initiator = if inp.xhr {
        Initiator::Xhr
    } else {
        Initiator::Fetch
    };
    let url = "https://api.x.test/api/items/";
    for preflight in [false, true] {
        if let Err(e) = decide::cors_check(&resp, origin, inp.include_credentials, preflight) {
            let _ = chrome::message(initiator, url, origin, &e);
        }
    }
    match decide::preflight_check(&call, origin, &resp) {
        Ok(ok) => {
            let _ = ok.max_age.map(|a| a.min(decide::CHROME_MAX_AGE_CAP));
        }
        Err(e) => {
            let _ = e.is_preflight_access_error();
            let _ = chrome::message(initiator, url, origin, &e);
        }
    }
    let _ = decide::classify_probe(&resp, origin);
    let _ = decide::classify_probe(&resp, "https://evil.example");
    let _ = decide::vary_ok(&resp);
    let _ = resp.varies_on_origin();
});
