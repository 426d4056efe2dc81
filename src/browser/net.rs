//! What Chrome reports when a connection does not open (net/base/net_error_list.h).

use crate::net::connect::ConnectFailure;

/// The console error for a TCP connect that failed this way.
pub fn connect_error(f: &ConnectFailure) -> &'static str {
    match f {
        ConnectFailure::Refused => "net::ERR_CONNECTION_REFUSED",
        ConnectFailure::Unreachable(_) => "net::ERR_ADDRESS_UNREACHABLE",
        ConnectFailure::TimedOut => "net::ERR_CONNECTION_TIMED_OUT",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connect_errors() {
        assert_eq!(
            connect_error(&ConnectFailure::Refused),
            "net::ERR_CONNECTION_REFUSED"
        );
        assert_eq!(
            connect_error(&ConnectFailure::TimedOut),
            "net::ERR_CONNECTION_TIMED_OUT"
        );
    }
}
