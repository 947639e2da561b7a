//! Where traffic comes from: countries with their time zones, residential, mobile,
//! business, education and datacenter networks (real ASNs with plausible address
//! blocks), and client user agents.
//!
//! In: an RNG. Out: [`Endpoint`]s (ip, asn, country) and user-agent strings.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::rng::{self, Rng};

/// A client address as the API edge sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub ip: IpAddr,
    pub asn: u32,
    pub country: &'static str,
}

/// A network: ASN, country, an IPv4 block (first address as u32, prefix length).
#[derive(Debug, Clone, Copy)]
pub struct Network {
    pub asn: u32,
    pub country: &'static str,
    pub base: u32,
    pub prefix: u8,
}

const fn net(asn: u32, country: &'static str, a: u8, b: u8, prefix: u8) -> Network {
    Network {
        asn,
        country,
        base: ((a as u32) << 24) | ((b as u32) << 16),
        prefix,
    }
}

/// Countries of ordinary users: (code, UTC offset in hours, weight).
pub const COUNTRIES: &[(&str, f64, f64)] = &[
    ("US", -6.0, 30.0),
    ("GB", 0.0, 7.0),
    ("DE", 1.0, 6.0),
    ("FR", 1.0, 5.0),
    ("IN", 5.5, 8.0),
    ("BR", -3.0, 5.0),
    ("JP", 9.0, 4.0),
    ("KR", 9.0, 3.0),
    ("CA", -5.0, 4.0),
    ("AU", 10.0, 3.0),
    ("NL", 1.0, 2.0),
    ("ES", 1.0, 3.0),
    ("IT", 1.0, 2.0),
    ("MX", -6.0, 2.0),
    ("SG", 8.0, 2.0),
    ("PL", 1.0, 2.0),
    ("SE", 1.0, 1.0),
    ("NG", 1.0, 1.5),
    ("ID", 7.0, 2.0),
    ("IL", 2.0, 1.0),
];

/// Residential broadband networks per country.
pub const RESIDENTIAL: &[Network] = &[
    net(7922, "US", 73, 0, 8),
    net(701, "US", 108, 0, 12),
    net(7018, "US", 99, 0, 10),
    net(20115, "US", 24, 0, 12),
    net(2856, "GB", 86, 128, 10),
    net(5607, "GB", 90, 192, 11),
    net(3320, "DE", 79, 192, 10),
    net(3215, "FR", 90, 0, 10),
    net(55836, "IN", 49, 32, 11),
    net(24560, "IN", 122, 160, 12),
    net(28573, "BR", 177, 0, 12),
    net(4713, "JP", 153, 128, 10),
    net(4766, "KR", 121, 128, 10),
    net(812, "CA", 99, 224, 11),
    net(1221, "AU", 1, 128, 11),
    net(1136, "NL", 77, 160, 12),
    net(3352, "ES", 81, 32, 11),
    net(3269, "IT", 79, 0, 11),
    net(8151, "MX", 187, 128, 10),
    net(9506, "SG", 116, 86, 15),
    net(5617, "PL", 83, 0, 11),
    net(3301, "SE", 78, 64, 12),
    net(29465, "NG", 105, 112, 12),
    net(7713, "ID", 36, 64, 11),
    net(1680, "IL", 79, 176, 12),
];

/// Mobile carriers (IPv6 for some).
pub const MOBILE: &[Network] = &[
    net(21928, "US", 172, 32, 11),
    net(22394, "US", 174, 192, 10),
    net(3209, "DE", 109, 40, 13),
    net(12576, "GB", 31, 48, 12),
    net(45609, "IN", 106, 192, 11),
    net(26599, "BR", 177, 96, 12),
    net(2516, "JP", 106, 128, 12),
];

/// Business / office networks.
pub const BUSINESS: &[Network] = &[
    net(3356, "US", 4, 0, 9),
    net(174, "US", 38, 0, 10),
    net(6939, "US", 65, 19, 16),
    net(1299, "SE", 62, 115, 16),
    net(3257, "DE", 77, 67, 16),
    net(2914, "JP", 61, 200, 14),
    net(6461, "GB", 208, 185, 16),
];

/// University and school networks.
pub const EDUCATION: &[Network] = &[
    net(786, "GB", 128, 232, 16),
    net(680, "DE", 141, 20, 14),
    net(11537, "US", 192, 5, 16),
    net(2152, "US", 131, 215, 16),
    net(7575, "AU", 130, 56, 14),
    net(2200, "FR", 193, 48, 13),
    net(4538, "CN", 166, 111, 16),
    net(55824, "IN", 14, 139, 16),
];

/// Cloud and hosting providers.
pub const DATACENTER: &[Network] = &[
    net(16509, "US", 3, 0, 9),
    net(14618, "US", 54, 144, 12),
    net(15169, "US", 34, 64, 10),
    net(8075, "US", 20, 0, 11),
    net(14061, "US", 159, 65, 16),
    net(16276, "FR", 51, 68, 14),
    net(24940, "DE", 88, 198, 15),
    net(63949, "US", 172, 104, 14),
    net(20473, "US", 45, 76, 14),
    net(31898, "US", 129, 146, 16),
    net(45102, "SG", 47, 74, 15),
    net(132203, "SG", 43, 156, 14),
];

/// Hosting networks popular with proxy resellers.
pub const PROXY_HOSTING: &[Network] = &[
    net(9009, "GB", 185, 156, 14),
    net(60068, "NL", 89, 187, 16),
    net(60781, "NL", 212, 32, 16),
    net(62240, "US", 192, 121, 16),
    net(212238, "DE", 146, 70, 16),
    net(16276, "FR", 51, 75, 16),
    net(20473, "SG", 45, 32, 14),
];

/// A random address inside a network's block (never network or broadcast address).
pub fn address_in(rng: &mut Rng, network: &Network) -> Ipv4Addr {
    let host_bits = 32 - u32::from(network.prefix.min(30));
    let span = 1u64 << host_bits;
    let offset = rng::range(rng, 1, span.saturating_sub(2).max(1)) as u32;
    Ipv4Addr::from(network.base.wrapping_add(offset))
}

pub fn endpoint_in(rng: &mut Rng, network: &Network) -> Endpoint {
    Endpoint {
        ip: IpAddr::V4(address_in(rng, network)),
        asn: network.asn,
        country: network.country,
    }
}

/// A mobile address: IPv6 half the time.
pub fn mobile_endpoint(rng: &mut Rng, network: &Network) -> Endpoint {
    if rng::chance(rng, 0.5) {
        let segments = [
            0x2600 | (network.asn as u16 & 0xff),
            (network.asn >> 8) as u16,
            rng::range(rng, 0, 0xffff) as u16,
            rng::range(rng, 0, 0xffff) as u16,
            rng::range(rng, 0, 0xffff) as u16,
            rng::range(rng, 0, 0xffff) as u16,
            rng::range(rng, 0, 0xffff) as u16,
            rng::range(rng, 1, 0xffff) as u16,
        ];
        return Endpoint {
            ip: IpAddr::V6(Ipv6Addr::new(
                segments[0],
                segments[1],
                segments[2],
                segments[3],
                segments[4],
                segments[5],
                segments[6],
                segments[7],
            )),
            asn: network.asn,
            country: network.country,
        };
    }
    endpoint_in(rng, network)
}

/// Networks of a given list in a country (all of them when none matches).
pub fn networks_in<'a>(list: &'a [Network], country: &str) -> Vec<&'a Network> {
    let local: Vec<&Network> = list.iter().filter(|n| n.country == country).collect();
    if local.is_empty() {
        list.iter().collect()
    } else {
        local
    }
}

/// Picks a network from a list, preferring the country.
pub fn pick_network<'a>(rng: &mut Rng, list: &'a [Network], country: &str) -> &'a Network {
    let candidates = networks_in(list, country);
    match rng::pick(rng, &candidates) {
        Some(network) => network,
        None => &DATACENTER[0],
    }
}

/// A country of ordinary users, with its UTC offset.
pub fn pick_country(rng: &mut Rng) -> (&'static str, f64) {
    let weights: Vec<f64> = COUNTRIES.iter().map(|(_, _, w)| *w).collect();
    let (code, offset, _) = COUNTRIES[rng::weighted(rng, &weights)];
    (code, offset)
}

pub fn utc_offset(country: &str) -> f64 {
    COUNTRIES
        .iter()
        .find(|(code, _, _)| *code == country)
        .map(|(_, offset, _)| *offset)
        .unwrap_or(0.0)
}

/// SDK user agents of ordinary integrations.
pub const SDK_AGENTS: &[&str] = &[
    "anthropic-python/0.42.0",
    "anthropic-python/0.45.2",
    "anthropic-python/0.49.0",
    "anthropic-typescript/0.36.3",
    "anthropic-typescript/0.39.0",
    "openai-python/1.61.1",
    "openai-node/4.85.1",
    "langchain-anthropic/0.3.8 anthropic-python/0.45.2",
    "llama-index/0.12.16 anthropic-python/0.42.0",
    "curl/8.5.0",
    "Go-http-client/2.0",
    "anthropic-java/1.2.0",
    "PostmanRuntime/7.43.0",
    "vercel-ai-sdk/4.1.0",
];

/// IDE and CLI coding assistants.
pub const CODING_AGENTS: &[&str] = &[
    "claude-cli/1.0.33 (external, cli)",
    "claude-cli/1.0.41 (external, cli)",
    "Cursor/0.46.8",
    "Cursor/0.47.1",
    "continue/0.9.262 vscode/1.97.2",
    "aider/0.74.2",
    "cline/3.4.0 vscode/1.97.2",
    "zed/0.175.5",
    "JetBrains-AI/2024.3.4",
    "windsurf/1.3.4",
];

/// Bare HTTP clients that harvesting scripts use.
pub const SCRIPT_AGENTS: &[&str] = &[
    "python-httpx/0.27.2",
    "python-requests/2.32.3",
    "aiohttp/3.11.11",
    "anthropic-python/0.40.0",
    "openai-python/1.59.7",
    "node-fetch/1.0",
    "okhttp/4.12.0",
];

/// Email domains of ordinary sign-ups.
pub const EMAIL_DOMAINS: &[&str] = &[
    "gmail.com",
    "gmail.com",
    "gmail.com",
    "outlook.com",
    "yahoo.com",
    "icloud.com",
    "proton.me",
    "hotmail.com",
    "gmx.de",
    "yandex.ru",
    "qq.com",
    "naver.com",
];

/// Disposable and bulk email domains favoured by account farms.
pub const FARM_EMAIL_DOMAINS: &[&str] = &[
    "gmail.com",
    "outlook.com",
    "proton.me",
    "tutanota.com",
    "mail.com",
    "163.com",
    "126.com",
    "hotmail.com",
    "inbox.lv",
    "tuta.io",
];

/// School and university email domains (education pathway).
pub const SCHOOL_DOMAINS: &[&str] = &[
    "lincoln-high.edu",
    "riverside.edu",
    "st-marys.ac.uk",
    "westfield.edu",
    "hillcrest-academy.org",
    "oakwood.k12.us",
    "unisouth.edu",
    "campus.tum.de",
    "student.unimelb.edu.au",
    "mail.ecnu.edu.cn",
    "stu.pku.edu.cn",
    "iitb.ac.in",
    "etu.univ-lyon1.fr",
    "student.kuleuven.be",
    "g.ucla.edu",
];
