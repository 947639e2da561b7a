//! Who an account is: sign-up facts, org, payment instrument, networks and clients,
//! derived deterministically from `(seed, account index)` and from its group's or
//! hydra cluster's own RNG stream (so members of one group agree on what they share).
//!
//! In: the scenario, the plan and an account index. Out: [`Profile`] (the facts that
//! go to `accounts.jsonl`, `labels.jsonl` and every exchange) plus the group-level
//! contexts ([`Team`], [`Class`], [`EvalFirm`], [`Cluster`], [`CampaignCtx`]).

use distillguard_model::time::{Millis, DAY, HOUR, MINUTE};
use distillguard_model::{AccountRecord, Label, LabelKind};

use crate::net::{self, Endpoint};
use crate::plan::{group_key, Plan, Role};
use crate::prompts::{self, AttackStyle};
use crate::rng::{self, Rng, Stream};
use crate::scenario::{Campaign, PopulationKind, Scenario};

/// Sign-up and identity facts of one account.
#[derive(Debug, Clone)]
pub struct Profile {
    pub index: u64,
    pub account_id: String,
    pub org_id: String,
    pub account_type: &'static str,
    pub created: Millis,
    pub payment_fp: Option<String>,
    pub email_domain: String,
    pub country: &'static str,
    pub utc_offset: f64,
    pub signup: Endpoint,
    pub api_keys: Vec<String>,
    pub label: LabelKind,
    pub campaign: Option<String>,
    pub population: String,
}

impl Profile {
    pub fn record(&self) -> AccountRecord {
        AccountRecord {
            account_id: self.account_id.clone(),
            created: Some(self.created),
            account_type: Some(self.account_type.to_string()),
            payment_fp: self.payment_fp.clone(),
            email_domain: Some(self.email_domain.clone()),
            country: Some(self.country.to_string()),
            signup_ip: Some(self.signup.ip.to_string()),
            org_id: Some(self.org_id.clone()),
        }
    }

    pub fn label(&self) -> Label {
        Label {
            account_id: self.account_id.clone(),
            label: self.label,
            campaign: self.campaign.clone(),
            population: Some(self.population.clone()),
        }
    }
}

pub fn account_id(seed: u64, index: u64) -> String {
    format!(
        "acct_{}",
        rng::token(rng::key(seed, Stream::Ids, index), 20)
    )
}

fn org_id(key: u64) -> String {
    format!("org_{}", rng::token(key, 16))
}

fn payment_fp(key: u64) -> String {
    format!("pf_{}", rng::hex(key, 24))
}

fn api_key(key: u64) -> String {
    format!("key_{}", rng::token(key, 14))
}

/// A team: one org, one payment method, an office network.
#[derive(Debug, Clone)]
pub struct Team {
    pub org_id: String,
    pub payment_fp: String,
    pub office: Vec<Endpoint>,
    pub country: &'static str,
    pub utc_offset: f64,
    pub account_type: &'static str,
    pub email_domain: String,
}

/// A class of students: one school network, created in a burst, fixed assignments.
#[derive(Debug, Clone)]
pub struct Class {
    pub org_id: String,
    pub school: Endpoint,
    pub utc_offset: f64,
    pub created: Millis,
    pub email_domain: String,
    pub payment_fp: Option<String>,
    /// Weekly lessons: (weekday 0 = Monday, local start hour).
    pub lessons: Vec<(u32, f64)>,
    pub assignments: Vec<String>,
}

/// An evaluation firm: one org, datacenter runners, fixed benchmark suites.
#[derive(Debug, Clone)]
pub struct EvalFirm {
    pub org_id: String,
    pub payment_fp: String,
    pub runners: Vec<Endpoint>,
    pub account_type: &'static str,
    pub created: Millis,
    pub user_agent: &'static str,
    pub utc_offset: f64,
    /// (suite id, number of items).
    pub suites: Vec<(u64, u64)>,
}

/// A hydra cluster: the proxy service carrying part of a campaign.
#[derive(Debug, Clone)]
pub struct Cluster {
    pub exits: Vec<Endpoint>,
    pub payment_fps: Vec<String>,
    pub user_agent: &'static str,
    pub created: Millis,
}

/// Campaign-wide choices shared by all its clusters.
#[derive(Debug, Clone)]
pub struct CampaignCtx {
    pub style: AttackStyle,
    /// Synchronised waves: period and phase (ms).
    pub wave_period: Millis,
    pub wave_phase: Millis,
    /// Machine pacing interval between requests (ms).
    pub interval: Millis,
}

pub fn team(seed: u64, population: u32, group: u32) -> Team {
    let key = rng::key(seed, Stream::Group, group_key(population, group));
    let mut rng = rng::rng_for(
        seed,
        Stream::Group,
        group_key(population, group) ^ (1 << 63),
    );
    let network = rng::pick(&mut rng, net::BUSINESS)
        .copied()
        .unwrap_or(net::BUSINESS[0]);
    let country = network.country;
    let utc_offset = net::utc_offset(country);
    let office_count = rng::range(&mut rng, 1, 2);
    let office = (0..office_count)
        .map(|_| net::endpoint_in(&mut rng, &network))
        .collect();
    let company = rng::pick_str(&mut rng, crate::pools::COMPANIES);
    Team {
        org_id: org_id(key),
        payment_fp: payment_fp(key ^ 0x5A),
        office,
        country,
        utc_offset,
        account_type: if rng::chance(&mut rng, 0.3) {
            "enterprise"
        } else {
            "team"
        },
        email_domain: format!(
            "{}{}.com",
            company.to_lowercase().replace(' ', ""),
            rng::range(&mut rng, 1, 99)
        ),
    }
}

pub fn class(scenario: &Scenario, seed: u64, population: u32, group: u32) -> Class {
    let key = rng::key(seed, Stream::Group, group_key(population, group));
    let mut rng = rng::rng_for(
        seed,
        Stream::Group,
        group_key(population, group) ^ (1 << 63),
    );
    let network = rng::pick(&mut rng, net::EDUCATION)
        .copied()
        .unwrap_or(net::EDUCATION[0]);
    let school = net::endpoint_in(&mut rng, &network);
    let utc_offset = match school.country {
        "CN" => 8.0,
        "IN" => 5.5,
        other => net::utc_offset(other),
    };
    // Term starts a few weeks before the window, or inside it (a burst of sign-ups).
    let created = scenario.start - rng::range(&mut rng, 0, 40) as Millis * DAY
        + rng::range(&mut rng, 8 * HOUR as u64, 15 * HOUR as u64) as Millis
        - (utc_offset * HOUR as f64) as Millis;
    let lessons = (0..rng::range(&mut rng, 2, 3))
        .map(|_| {
            (
                rng::range(&mut rng, 0, 4) as u32,
                rng::range(&mut rng, 8, 15) as f64
                    + if rng::chance(&mut rng, 0.5) { 0.5 } else { 0.0 },
            )
        })
        .collect();
    let coding_class = rng::chance(&mut rng, 0.4);
    let assignments = (0..rng::range(&mut rng, 3, 6))
        .map(|_| {
            if coding_class {
                let c = crate::corpus::corpus();
                let code = rng::pick(&mut rng, &c.humaneval)
                    .cloned()
                    .unwrap_or_default();
                format!(
                    "Assignment: complete the function below and explain how it works.\n\n{code}"
                )
            } else {
                let item = prompts::reasoning_item(&mut rng, 0.0);
                format!("Homework problem: {item}\nExplain each step of your solution.")
            }
        })
        .collect();
    Class {
        org_id: org_id(key),
        school,
        utc_offset,
        created,
        email_domain: rng::pick_str(&mut rng, net::SCHOOL_DOMAINS).to_string(),
        payment_fp: if rng::chance(&mut rng, 0.3) {
            Some(payment_fp(key ^ 0x77))
        } else {
            None
        },
        lessons,
        assignments,
    }
}

pub fn eval_firm(scenario: &Scenario, seed: u64, population: u32, group: u32) -> EvalFirm {
    let key = rng::key(seed, Stream::Group, group_key(population, group));
    let mut rng = rng::rng_for(
        seed,
        Stream::Group,
        group_key(population, group) ^ (1 << 63),
    );
    let network = rng::pick(&mut rng, net::DATACENTER)
        .copied()
        .unwrap_or(net::DATACENTER[0]);
    let runners = (0..rng::range(&mut rng, 2, 6))
        .map(|_| net::endpoint_in(&mut rng, &network))
        .collect();
    let suites = (0..rng::range(&mut rng, 2, 4))
        .map(|_| {
            (
                rng::range(&mut rng, 0, 1_000),
                rng::range(&mut rng, 80, 400),
            )
        })
        .collect();
    EvalFirm {
        org_id: org_id(key),
        payment_fp: payment_fp(key ^ 0x99),
        runners,
        account_type: if rng::chance(&mut rng, 0.5) {
            "enterprise"
        } else {
            "research"
        },
        created: scenario.start - rng::range(&mut rng, 30 * DAY as u64, 700 * DAY as u64) as Millis,
        user_agent: rng::pick_str(
            &mut rng,
            &[
                "python-httpx/0.27.2",
                "anthropic-python/0.45.2",
                "aiohttp/3.11.11",
                "inspect_ai/0.3.63 anthropic-python/0.45.2",
                "lm-eval/0.4.7 anthropic-python/0.42.0",
            ],
        ),
        utc_offset: net::utc_offset(if rng::chance(&mut rng, 0.6) {
            "US"
        } else {
            "GB"
        }),
        suites,
    }
}

pub fn campaign_ctx(seed: u64, c: u32, campaign: &Campaign) -> CampaignCtx {
    let mut rng = rng::rng_for(seed, Stream::Campaign, u64::from(c) ^ (1 << 40));
    CampaignCtx {
        style: AttackStyle::draw(
            &mut rng,
            campaign.templates,
            campaign.paraphrase,
            campaign.multilingual,
        ),
        wave_period: rng::range(&mut rng, 2, 6) as Millis * HOUR,
        wave_phase: rng::range(&mut rng, 0, 59) as Millis * MINUTE,
        interval: rng::range(&mut rng, 8, 45) as Millis * 1_000,
    }
}

pub fn cluster(seed: u64, c: u32, cluster: u32, campaign: &Campaign, size: u32) -> Cluster {
    let key = rng::key(
        seed,
        Stream::Cluster,
        (u64::from(c) << 32) | u64::from(cluster),
    );
    let mut rng = rng::rng_for(
        seed,
        Stream::Cluster,
        (u64::from(c) << 32) | u64::from(cluster),
    );
    let exits = (0..campaign.proxy_pool)
        .map(|_| {
            if rng::chance(&mut rng, campaign.residential_proxy) {
                let network = rng::pick(&mut rng, net::RESIDENTIAL)
                    .copied()
                    .unwrap_or(net::RESIDENTIAL[0]);
                net::endpoint_in(&mut rng, &network)
            } else if rng::chance(&mut rng, 0.6) {
                let network = rng::pick(&mut rng, net::PROXY_HOSTING)
                    .copied()
                    .unwrap_or(net::PROXY_HOSTING[0]);
                net::endpoint_in(&mut rng, &network)
            } else {
                let network = rng::pick(&mut rng, net::DATACENTER)
                    .copied()
                    .unwrap_or(net::DATACENTER[0]);
                net::endpoint_in(&mut rng, &network)
            }
        })
        .collect();
    let shared_cards = (u64::from(size) / 6).max(1);
    let age = campaign.account_age_days;
    let age_days = age[0] + (age[1] - age[0]).max(0.0) * rng::unit(&mut rng);
    Cluster {
        exits,
        payment_fps: (0..shared_cards)
            .map(|i| payment_fp(key ^ (i + 1)))
            .collect(),
        user_agent: rng::pick_str(&mut rng, net::SCRIPT_AGENTS),
        created: campaign.start - (age_days * DAY as f64) as Millis,
    }
}

/// Derives an account's profile. `rng` is the account's own stream.
pub fn profile(scenario: &Scenario, plan: &Plan, seed: u64, index: u64, rng: &mut Rng) -> Profile {
    let role = plan
        .roles
        .get(index as usize)
        .copied()
        .unwrap_or(Role::Benign {
            population: 0,
            group: 0,
            member: 0,
        });
    let id_key = rng::key(seed, Stream::Ids, index);
    let keys = |rng: &mut Rng, lo: u64, hi: u64| -> Vec<String> {
        (0..rng::range(rng, lo, hi))
            .map(|k| api_key(id_key ^ (k + 1) << 48))
            .collect()
    };
    match role {
        Role::Benign {
            population,
            group,
            member,
        } => {
            let pop =
                &scenario.populations[population as usize % scenario.populations.len().max(1)];
            let (own_country, own_offset) = net::pick_country(rng);
            let age_days = rng::lognormal_median(rng, 120.0, 1.2).min(1_000.0);
            let mut created = scenario.start - (age_days * DAY as f64) as Millis;
            if rng::chance(rng, 0.08) {
                // New sign-ups during the window.
                created = scenario.start
                    + (rng::unit(rng) * (scenario.end - scenario.start) as f64 * 0.8) as Millis;
            }
            let residential = net::pick_network(rng, net::RESIDENTIAL, own_country);
            let home = net::endpoint_in(rng, residential);
            let base = Profile {
                index,
                account_id: account_id(seed, index),
                org_id: org_id(id_key ^ 0xABCD),
                account_type: "individual",
                created,
                payment_fp: Some(payment_fp(id_key ^ 0x1234)),
                email_domain: rng::pick_str(rng, net::EMAIL_DOMAINS).to_string(),
                country: own_country,
                utc_offset: own_offset,
                signup: home,
                api_keys: keys(rng, 1, 2),
                label: LabelKind::Benign,
                campaign: None,
                population: pop.name.clone(),
            };
            match pop.kind {
                PopulationKind::Individual => {
                    if rng::chance(rng, 0.1) {
                        // Startup-programme credits, sometimes without a card on file.
                        let payment_fp = if rng::chance(rng, 0.3) {
                            None
                        } else {
                            base.payment_fp.clone()
                        };
                        Profile {
                            account_type: "startup",
                            payment_fp,
                            ..base
                        }
                    } else {
                        base
                    }
                }
                PopulationKind::CodingPower => Profile {
                    account_type: rng::pick_str(
                        rng,
                        &["individual", "individual", "startup", "team"],
                    ),
                    api_keys: keys(rng, 1, 4),
                    ..base
                },
                PopulationKind::AppBackend => {
                    let network = rng::pick(rng, net::DATACENTER)
                        .copied()
                        .unwrap_or(net::DATACENTER[0]);
                    Profile {
                        account_type: rng::pick_str(
                            rng,
                            &["startup", "startup", "enterprise", "individual", "team"],
                        ),
                        signup: net::endpoint_in(rng, &network),
                        email_domain: format!(
                            "{}.io",
                            rng::pick_str(rng, crate::pools::BRANDS)
                                .to_lowercase()
                                .replace(' ', "")
                        ),
                        api_keys: keys(rng, 1, 3),
                        ..base
                    }
                }
                PopulationKind::Team => {
                    let team = team(seed, population, group);
                    let signup = team.office.first().cloned().unwrap_or(base.signup.clone());
                    Profile {
                        org_id: team.org_id,
                        account_type: team.account_type,
                        payment_fp: Some(team.payment_fp),
                        email_domain: team.email_domain,
                        country: team.country,
                        utc_offset: team.utc_offset,
                        signup,
                        created: base.created.min(scenario.start - DAY)
                            - i64::from(member) * rng::range(rng, 0, 30) as Millis * DAY,
                        ..base
                    }
                }
                PopulationKind::Class => {
                    let class = class(scenario, seed, population, group);
                    Profile {
                        org_id: class.org_id,
                        account_type: "education",
                        payment_fp: class.payment_fp,
                        email_domain: class.email_domain,
                        country: class.school.country,
                        utc_offset: class.utc_offset,
                        created: class.created + rng::range(rng, 0, 90 * MINUTE as u64) as Millis,
                        signup: class.school,
                        api_keys: keys(rng, 1, 1),
                        ..base
                    }
                }
                PopulationKind::EvalFirm => {
                    let firm = eval_firm(scenario, seed, population, group);
                    Profile {
                        org_id: firm.org_id,
                        account_type: firm.account_type,
                        payment_fp: Some(firm.payment_fp),
                        email_domain: format!("evals-{}.ai", rng::token(firm.created as u64, 5)),
                        country: firm.runners.first().map(|e| e.country).unwrap_or("US"),
                        utc_offset: firm.utc_offset,
                        created: (firm.created + rng::range(rng, 0, 200) as Millis * DAY)
                            .min(scenario.start - 2 * DAY),
                        signup: firm.runners.first().cloned().unwrap_or(base.signup.clone()),
                        api_keys: keys(rng, 2, 5),
                        ..base
                    }
                }
            }
        }
        Role::Attack {
            campaign,
            cluster: cluster_index,
            member: _,
        } => {
            let camp = &scenario.campaigns[campaign as usize % scenario.campaigns.len().max(1)];
            let size = plan
                .cluster_sizes
                .get(campaign as usize)
                .and_then(|sizes| sizes.get(cluster_index as usize))
                .copied()
                .unwrap_or(1);
            let cl = cluster(seed, campaign, cluster_index, camp, size);
            let weights: Vec<f64> = camp.pathways.iter().map(|(_, w)| *w).collect();
            let account_type = camp
                .pathways
                .get(rng::weighted(rng, &weights))
                .map(|(name, _)| distillguard_model::AccountType::parse(name).as_str())
                .unwrap_or("individual");
            let burst = (camp.signup_burst_hours * HOUR as f64 * rng::unit(rng)) as Millis;
            let signup = rng::pick(rng, &cl.exits).cloned().unwrap_or(Endpoint {
                ip: std::net::IpAddr::V4(std::net::Ipv4Addr::new(45, 76, 1, 1)),
                asn: 20473,
                country: "US",
            });
            let programme = distillguard_model::AccountType::parse(account_type).is_programme();
            let payment = if programme && rng::chance(rng, 0.3) {
                // Programme credits: no card on file.
                None
            } else if rng::chance(rng, camp.payment_sharing) {
                rng::pick(rng, &cl.payment_fps).cloned()
            } else {
                Some(payment_fp(id_key ^ 0x4321))
            };
            // Education sign-ups need a school address: bought or borrowed ones.
            let email_domain = if account_type == "education" {
                rng::pick_str(rng, net::SCHOOL_DOMAINS)
            } else {
                rng::pick_str(rng, net::FARM_EMAIL_DOMAINS)
            };
            Profile {
                index,
                account_id: account_id(seed, index),
                org_id: org_id(id_key ^ 0xABCD),
                account_type,
                created: cl.created + burst,
                payment_fp: payment,
                email_domain: email_domain.to_string(),
                country: signup.country,
                utc_offset: net::utc_offset(signup.country),
                signup,
                api_keys: keys(rng, 1, 3),
                label: LabelKind::Attack,
                campaign: Some(camp.name.clone()),
                population: camp.name.clone(),
            }
        }
    }
}
