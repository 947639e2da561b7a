//! An account's traffic over the window: when it sends requests (daily rhythm,
//! sessions, pacing), from where (networks, IP rotation), with which client and model,
//! and what it asks. This module holds the shared machinery (rhythms, model choice,
//! clients, the request builder); each population kind and the attack campaigns have
//! their own file.
//!
//! In: the scenario, the plan, an account index and its [`Profile`]. Out: the account's
//! [`Exchange`]s (time-plausible per account, not globally ordered), including the
//! occasional duplicate delivery.

use distillguard_model::time::{Millis, DAY, HOUR, MINUTE, SECOND};
use distillguard_model::{Capability, Exchange};

use crate::net::{self, Endpoint};
use crate::plan::{Plan, Role};
use crate::profile::{self, Profile};
use crate::prompts::{self, Prompt};
use crate::rng::{self, Rng};
use crate::scenario::{Pacing, PopulationKind, Scenario};

mod app_backend;
mod campaign;
mod class;
mod coding_power;
mod eval_firm;
mod individual;
mod team;

use app_backend::app_backend;
use campaign::attacker;
use class::student;
use coding_power::coding_power;
use eval_firm::evaluator;
use individual::individual;
use team::team_member;

/// Daily activity shapes.
#[derive(Debug, Clone, Copy)]
enum Rhythm {
    /// Evenings and weekends too, little at night.
    Human,
    /// Office hours on weekdays.
    Work,
    /// End users of an app around the clock, with a diurnal swing.
    RoundClock,
    /// Flat.
    Flat,
}

const HUMAN_HOURS: [f64; 24] = [
    0.25, 0.12, 0.06, 0.04, 0.04, 0.06, 0.15, 0.35, 0.6, 0.8, 0.9, 0.95, 0.85, 0.85, 0.9, 0.9,
    0.85, 0.8, 0.8, 0.9, 1.0, 0.95, 0.75, 0.5,
];

fn weekday(local_ms: Millis) -> u32 {
    ((local_ms.div_euclid(DAY) + 3).rem_euclid(7)) as u32
}

fn local_hour(local_ms: Millis) -> f64 {
    local_ms.rem_euclid(DAY) as f64 / HOUR as f64
}

fn rhythm_weight(rhythm: Rhythm, t: Millis, utc_offset: f64) -> f64 {
    let local = t + (utc_offset * HOUR as f64) as Millis;
    let hour = local_hour(local);
    let weekend = weekday(local) >= 5;
    let human = HUMAN_HOURS[(hour as usize).min(23)];
    match rhythm {
        Rhythm::Human => human * if weekend { 1.1 } else { 1.0 },
        Rhythm::Work => {
            let office = if (9.0..12.5).contains(&hour) || (13.5..18.0).contains(&hour) {
                1.0
            } else if (7.5..9.0).contains(&hour) || (18.0..22.0).contains(&hour) {
                0.3
            } else {
                0.03
            };
            office * if weekend { 0.12 } else { 1.0 }
        }
        Rhythm::RoundClock => 0.35 + 0.65 * human,
        Rhythm::Flat => 1.0,
    }
}

/// A time in `[from, to)` drawn with density proportional to the rhythm.
fn sample_time(rng: &mut Rng, from: Millis, to: Millis, rhythm: Rhythm, utc_offset: f64) -> Millis {
    let span = (to - from).max(1);
    let mut t = from;
    for _ in 0..64 {
        t = from + (rng::unit(rng) * span as f64) as Millis;
        if rng::unit(rng) < rhythm_weight(rhythm, t, utc_offset) {
            return t;
        }
    }
    t
}

/// Which model an account asks for at time `t`.
#[derive(Debug, Clone)]
struct ModelChoice {
    weights: Vec<f64>,
    /// When this account starts using the new release, and for what share of requests.
    adopt_at: Option<Millis>,
    adopt_share: f64,
    pinned: Option<usize>,
}

impl ModelChoice {
    fn pick(&self, rng: &mut Rng, scenario: &Scenario, t: Millis) -> String {
        if let (Some(adopt_at), Some(release)) = (self.adopt_at, &scenario.release) {
            if t >= adopt_at && t >= release.at && rng::chance(rng, self.adopt_share) {
                return release.model.clone();
            }
        }
        let index = match self.pinned {
            Some(index) => index,
            None => rng::weighted(rng, &self.weights),
        };
        scenario
            .models
            .get(index)
            .map(|(name, _)| name.clone())
            .unwrap_or_default()
    }
}

fn model_choice(
    rng: &mut Rng,
    scenario: &Scenario,
    adoption: f64,
    delay_days: f64,
    share: f64,
) -> ModelChoice {
    let mut weights: Vec<f64> = scenario.models.iter().map(|(_, w)| *w).collect();
    // Personal taste: tilt the weights.
    for w in &mut weights {
        *w *= rng::lognormal_median(rng, 1.0, 0.6);
    }
    let adopt_at = match &scenario.release {
        Some(release) if rng::chance(rng, adoption) => Some(
            release.at
                + (rng::lognormal_median(rng, delay_days.max(0.01), 0.9) * DAY as f64) as Millis,
        ),
        _ => None,
    };
    ModelChoice {
        weights,
        adopt_at,
        adopt_share: share,
        pinned: None,
    }
}

/// Request options common to a stream of requests.
#[derive(Debug, Clone)]
struct Client {
    user_agents: Vec<&'static str>,
    endpoints: Vec<Endpoint>,
    /// Probability of switching to another endpoint between sessions.
    roam: f64,
    max_tokens: &'static [u64],
    thinking: f64,
    stream: f64,
    logprobs: f64,
    chat_completions: f64,
    error_429: f64,
}

/// Everything the request builder needs besides the prompt.
struct Request<'a> {
    t: Millis,
    prompt: &'a Prompt,
    system: Option<&'a str>,
    turns: u32,
    history_tokens: u64,
    model: String,
    endpoint: &'a Endpoint,
    user_agent: &'static str,
    api_key: &'a str,
    max_tokens: u64,
    thinking: bool,
    reasoning_median: f64,
    stream: bool,
    logprobs: u32,
    chat_completions: bool,
    error_429: f64,
}

/// Builds the exchange record for one request; returns it and its latency.
fn build(
    rng: &mut Rng,
    profile: &Profile,
    serial: &mut u64,
    seed: u64,
    req: Request<'_>,
) -> (Exchange, Millis) {
    *serial += 1;
    let prompt = req.prompt;
    let input_tokens = ((prompt.text.len() + req.system.map_or(0, str::len)) as f64 / 3.8) as u64
        + prompt.tools.len() as u64 * 180
        + u64::from(prompt.images) * 1_100
        + req.history_tokens
        + 8;
    let roll = rng::unit(rng);
    let status: u16 = if roll < req.error_429 {
        429
    } else if roll < req.error_429 + 0.002 {
        500
    } else if roll < req.error_429 + 0.0025 {
        529
    } else {
        200
    };
    let failed = status != 200;
    let mut reasoning = 0u64;
    let mut output = 0u64;
    if !failed {
        if req.thinking {
            reasoning = rng::lognormal_median(rng, req.reasoning_median, 0.8) as u64 + 16;
        }
        let visible = rng::lognormal_median(rng, prompt.out_median, 0.65) as u64 + 4;
        output = (visible + reasoning).min(req.max_tokens);
        reasoning = reasoning.min(output);
    }
    let per_token_ms = if req.model.contains("large") || req.model.contains("opus") {
        28.0
    } else {
        14.0
    };
    let latency = if failed {
        if status == 429 {
            rng::range(rng, 20, 250)
        } else {
            rng::range(rng, 800, 30_000)
        }
    } else {
        (350.0
            + input_tokens as f64 * 0.05
            + output as f64 * per_token_ms * rng::lognormal_median(rng, 1.0, 0.2)) as u64
    };
    // Random-looking and unique: nothing in it points at the account.
    let request_id = format!(
        "req_{}",
        rng::token(
            rng::key(seed, rng::Stream::Ids, profile.index)
                ^ serial.wrapping_mul(0x9E37_79B9_7F4A_7C15),
            22
        )
    );
    let exchange = Exchange {
        ts: req.t,
        account_id: profile.account_id.clone(),
        request_id: Some(request_id),
        org_id: Some(profile.org_id.clone()),
        api_key_id: Some(req.api_key.to_string()),
        ip: Some(req.endpoint.ip),
        asn: Some(req.endpoint.asn),
        country: Some(req.endpoint.country.to_string()),
        user_agent: Some(req.user_agent.to_string()),
        model: Some(req.model),
        endpoint: Some(
            if req.chat_completions {
                "chat.completions"
            } else {
                "messages"
            }
            .to_string(),
        ),
        prompt: Some(prompt.text.clone()),
        system: req.system.map(str::to_string),
        turns: Some(req.turns),
        input_tokens: Some(input_tokens),
        output_tokens: Some(output),
        max_tokens: Some(req.max_tokens),
        thinking: Some(req.thinking),
        tools: Some(prompt.tools.len() as u32),
        tool_names: prompt.tools.iter().map(|t| t.to_string()).collect(),
        images: if prompt.images > 0 {
            Some(prompt.images)
        } else {
            None
        },
        logprobs: if req.logprobs > 0 {
            Some(req.logprobs)
        } else {
            None
        },
        reasoning_tokens: if req.thinking && !failed {
            Some(reasoning)
        } else {
            None
        },
        stream: Some(req.stream),
        status: Some(status),
        latency_ms: Some(latency),
        account_created: Some(profile.created),
        account_type: Some(profile.account_type.to_string()),
        payment_fp: profile.payment_fp.clone(),
        extra: serde_json::Map::new(),
    };
    (exchange, latency as Millis)
}

/// Shared state while generating one account.
struct Gen<'a> {
    scenario: &'a Scenario,
    seed: u64,
    profile: &'a Profile,
    serial: u64,
    out: Vec<Exchange>,
    limit: u64,
}

impl Gen<'_> {
    fn full(&self) -> bool {
        self.out.len() as u64 >= self.limit || self.profile.created >= self.scenario.end
    }

    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        rng: &mut Rng,
        t: Millis,
        prompt: &Prompt,
        system: Option<&str>,
        turns: u32,
        history_tokens: u64,
        model: String,
        endpoint: &Endpoint,
        client: &Client,
        reasoning_median: f64,
    ) -> Millis {
        if t < self.profile.created || t >= self.scenario.end || t < self.scenario.start {
            return 0;
        }
        let user_agent = rng::pick_str(rng, &client.user_agents);
        let api_key = rng::pick(rng, &self.profile.api_keys)
            .cloned()
            .unwrap_or_default();
        let max_tokens = rng::pick(rng, client.max_tokens).copied().unwrap_or(4096);
        let req = Request {
            t,
            prompt,
            system,
            turns,
            history_tokens,
            model,
            endpoint,
            user_agent,
            api_key: &api_key,
            max_tokens,
            thinking: rng::chance(rng, client.thinking),
            reasoning_median,
            stream: rng::chance(rng, client.stream),
            logprobs: if rng::chance(rng, client.logprobs) {
                *rng::pick(rng, &[5u32, 10, 20]).unwrap_or(&5)
            } else {
                0
            },
            chat_completions: rng::chance(rng, client.chat_completions),
            error_429: client.error_429,
        };
        let (exchange, latency) = build(rng, self.profile, &mut self.serial, self.seed, req);
        if rng::chance(rng, 0.001) {
            self.out.push(exchange.clone());
        }
        self.out.push(exchange);
        latency
    }
}

fn total_for(rng: &mut Rng, mean: f64, sigma: f64) -> u64 {
    (rng::lognormal_mean(rng, mean, sigma).round() as u64).max(1)
}

fn capability_mix(rng: &mut Rng, favourites: u64) -> Vec<f64> {
    let mut weights = vec![0.0; Capability::COUNT];
    // Everyone asks general questions; a few favourite topics on top.
    weights[Capability::General.index()] = 1.0;
    for _ in 0..favourites {
        let cap = rng::range(rng, 0, Capability::COUNT as u64 - 1) as usize;
        weights[cap] += rng::lognormal_median(rng, 1.0, 0.7);
    }
    weights[Capability::SensitiveRewrite.index()] *= 0.15;
    weights[Capability::Vision.index()] *= 0.6;
    weights
}

/// Generates all exchanges of account `index`.
pub fn account_traffic(
    scenario: &Scenario,
    plan: &Plan,
    seed: u64,
    index: u64,
) -> (Profile, Vec<Exchange>) {
    let mut rng = rng::rng_for(seed, rng::Stream::Account, index);
    let profile = profile::profile(scenario, plan, seed, index, &mut rng);
    let mut rng = rng::rng_for(seed, rng::Stream::Traffic, index);
    let role = plan.roles.get(index as usize).copied();
    let mut gen = Gen {
        scenario,
        seed,
        profile: &profile,
        serial: 0,
        out: Vec::new(),
        limit: u64::MAX,
    };
    match role {
        Some(Role::Benign {
            population,
            group,
            member,
        }) => {
            if let Some(pop) = scenario.populations.get(population as usize) {
                let total = total_for(&mut rng, pop.exchanges, pop.volume_sigma);
                gen.limit = total;
                let models = model_choice(
                    &mut rng,
                    scenario,
                    pop.adoption,
                    pop.adoption_delay_days,
                    0.7,
                );
                match pop.kind {
                    PopulationKind::Individual => individual(&mut gen, &mut rng, models, total),
                    PopulationKind::CodingPower => coding_power(&mut gen, &mut rng, models),
                    PopulationKind::AppBackend => app_backend(&mut gen, &mut rng, models),
                    PopulationKind::Team => {
                        team_member(&mut gen, &mut rng, models, population, group)
                    }
                    PopulationKind::Class => {
                        student(&mut gen, &mut rng, models, population, group, member)
                    }
                    PopulationKind::EvalFirm => {
                        evaluator(&mut gen, &mut rng, total, population, group, member)
                    }
                }
            }
        }
        Some(Role::Attack {
            campaign,
            cluster,
            member: _,
        }) => {
            attacker(&mut gen, &mut rng, plan, campaign, cluster);
        }
        None => {}
    }
    let out = gen.out;
    (profile, out)
}

fn home_client(rng: &mut Rng, profile: &Profile, agents: &[&'static str]) -> Client {
    let network = net::pick_network(rng, net::RESIDENTIAL, profile.country);
    let mut endpoints = vec![net::endpoint_in(rng, network)];
    if rng::chance(rng, 0.4) {
        let mobile = net::pick_network(rng, net::MOBILE, profile.country);
        endpoints.push(net::mobile_endpoint(rng, mobile));
    }
    let ua_count = rng::range(rng, 1, 2);
    Client {
        user_agents: (0..ua_count).map(|_| rng::pick_str(rng, agents)).collect(),
        endpoints,
        roam: 0.2,
        max_tokens: &[1024, 2048, 4096, 4096, 8192],
        thinking: if rng::chance(rng, 0.3) { 0.3 } else { 0.03 },
        stream: if rng::chance(rng, 0.6) { 0.9 } else { 0.1 },
        logprobs: 0.0,
        chat_completions: if rng::chance(rng, 0.2) { 0.9 } else { 0.0 },
        error_429: 0.003,
    }
}

fn session_endpoint<'c>(rng: &mut Rng, client: &'c Client, current: &mut usize) -> &'c Endpoint {
    if rng::chance(rng, client.roam) {
        *current = rng::range(rng, 0, client.endpoints.len().saturating_sub(1) as u64) as usize;
    }
    client
        .endpoints
        .get(*current)
        .unwrap_or(&client.endpoints[0])
}
