//! "Site" as browsers mean it for SameSite: the registrable domain (eTLD+1) by the Public Suffix
//! List. `tiktrue-frontend.liara.run` and `api.tiktrue.com` are different sites; `tiktrue.com`
//! and `api.tiktrue.com` are one.

/// The registrable domain of a host; the host itself when it has none (an IP, a bare suffix).
pub fn site(host: &str) -> String {
    let h = host.trim_end_matches('.').to_ascii_lowercase();
    if h.parse::<std::net::IpAddr>().is_ok() {
        return h;
    }
    psl::domain_str(&h).unwrap_or(&h).to_string()
}

/// Whether two hosts are on different sites.
pub fn cross_site(a: &str, b: &str) -> bool {
    site(a) != site(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sites_by_the_public_suffix_list() {
        assert_eq!(site("api.tiktrue.com"), "tiktrue.com");
        assert!(!cross_site("tiktrue.com", "api.tiktrue.com"));
        assert!(!cross_site("www.tiktrue.com", "api.tiktrue.com"));
        // liara.run is a public suffix: each app under it is its own site.
        assert!(cross_site("tiktrue-frontend.liara.run", "api.tiktrue.com"));
        assert!(cross_site(
            "tiktrue-frontend.liara.run",
            "tiktrue-backend.liara.run"
        ));
        assert!(cross_site("a.github.io", "b.github.io"));
        assert_eq!(site("127.0.0.1"), "127.0.0.1");
        // Names under an unlisted TLD (the lab's .test) take the implicit `*` rule.
        assert_eq!(site("api.tiktrue.test"), "tiktrue.test");
    }
}
