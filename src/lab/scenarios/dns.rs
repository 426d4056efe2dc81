//! Section 1 faults.
use super::Scenario;
use crate::lab::dns::DnsBehavior;

pub fn list() -> Vec<Scenario> {
    vec![
        Scenario::fault(
            "dns-nxdomain",
            "the API host name was never created: NXDOMAIN",
            |s| {
                s.dns.nxdomain.push(s.names.api.clone());
            },
        ),
        Scenario::fault(
            "dns-cname",
            "the API host is a CNAME to the platform's app name, as the platform asks (a pass)",
            |s| {
                s.dns.api_cname = Some(s.names.platform.clone());
                s.args = vec!["--expect-cname".into(), s.names.platform.clone()];
            },
        ),
        Scenario::fault(
            "dns-dead-address",
            "the API host has a second A record for a server that is gone",
            |s| {
                s.dns.extra_api_addrs.push("127.0.0.4".parse().unwrap());
            },
        ),
        Scenario::fault(
            "dns-propagating",
            "the API moved: one nameserver serves the new address, the other the old one",
            |s| {
                s.dns.stale_secondary = Some(("127.0.0.5".parse().unwrap(), 3600));
            },
        ),
        Scenario::fault(
            "dns-servfail",
            "the resolver answers SERVFAIL for every name (broken delegation)",
            |s| {
                s.dns.behavior = DnsBehavior::ServFail;
            },
        ),
    ]
}
