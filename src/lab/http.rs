//! The lab's HTTP primitives: the body type, the request its apps see, and response builders.
//! Every lab app (API, frontend, live server, hostile servers) builds on these; none of them
//! needs the server loop.

use bytes::Bytes;
use http::{HeaderMap, Method, Response, StatusCode};
use http_body_util::{combinators::BoxBody, BodyExt, Full};
use std::convert::Infallible;

pub type Body = BoxBody<Bytes, std::io::Error>;

pub fn full(b: impl Into<Bytes>) -> Body {
    Full::new(b.into())
        .map_err(|never: Infallible| match never {})
        .boxed()
}

pub fn empty() -> Body {
    full(Bytes::new())
}

/// A request as the lab's apps see it (body already read).
#[derive(Debug, Clone)]
pub struct LabRequest {
    pub method: Method,
    pub path: String,
    pub query: Option<String>,
    pub headers: HeaderMap,
    pub body: Bytes,
    /// Host name without port, lower case.
    pub host: String,
    pub https: bool,
    pub conn: u64,
}

impl LabRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// A response with a status, headers and body.
pub fn respond(status: u16, headers: &[(&str, String)], body: impl Into<Bytes>) -> Response<Body> {
    let mut r = Response::new(full(body));
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    for (n, v) in headers {
        if let (Ok(n), Ok(v)) = (
            http::HeaderName::from_bytes(n.as_bytes()),
            http::HeaderValue::from_str(v),
        ) {
            r.headers_mut().append(n, v);
        }
    }
    r
}

/// A streamed body of `len` bytes (never held in memory), for size-cap tests.
pub fn respond_stream(status: u16, content_type: &str, len: u64) -> Response<Body> {
    use futures::StreamExt;
    const CHUNK: usize = 64 * 1024;
    let chunk = Bytes::from(vec![b' '; CHUNK]);
    let n = len.div_ceil(CHUNK as u64);
    let stream = futures::stream::iter(0..n)
        .map(move |_| Ok::<_, std::io::Error>(hyper::body::Frame::data(chunk.clone())));
    let mut r = Response::new(BodyExt::boxed(http_body_util::StreamBody::new(stream)));
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    if let Ok(v) = http::HeaderValue::from_str(content_type) {
        r.headers_mut().insert(http::header::CONTENT_TYPE, v);
    }
    r
}
