//! An account's traffic over the window: when it sends requests (daily rhythm,
//! sessions, pacing), from where (networks, IP rotation), with which client and model,
//! and what it asks. One function per population kind and one for campaigns share the
//! request builder at the bottom.
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
    let request_id = format!(
        "req_{}{}",
        rng::token(
            rng::key(seed, rng::Stream::Ids, profile.index ^ (1 << 62)),
            10
        ),
        rng::token(rng::mix(*serial ^ profile.index << 20), 10)
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
                    PopulationKind::CodingPower => coding_power(&mut gen, &mut rng, models, total),
                    PopulationKind::AppBackend => app_backend(&mut gen, &mut rng, models, total),
                    PopulationKind::Team => {
                        team_member(&mut gen, &mut rng, models, total, population, group)
                    }
                    PopulationKind::Class => {
                        student(&mut gen, &mut rng, models, total, population, group, member)
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

/// An individual: chats in sessions in their own evening and daytime rhythm.
fn individual(gen: &mut Gen<'_>, rng: &mut Rng, models: ModelChoice, total: u64) {
    let profile = gen.profile;
    let client = home_client(rng, profile, net::SDK_AGENTS);
    let favourites = rng::range(rng, 2, 5);
    let weights = capability_mix(rng, favourites);
    let from = profile.created.max(gen.scenario.start);
    let mut current = 0;
    while !gen.full() {
        let start = sample_time(
            rng,
            from,
            gen.scenario.end,
            Rhythm::Human,
            profile.utc_offset,
        );
        let endpoint = session_endpoint(rng, &client, &mut current).clone();
        let capability = Capability::ALL[rng::weighted(rng, &weights)];
        let mut prompt = prompts::benign(rng, capability);
        let model = models.pick(rng, gen.scenario, start);
        let turns_in_session = rng::range(rng, 1, 4).min(total);
        let mut t = start;
        let mut history = 0u64;
        for turn in 0..turns_in_session {
            if gen.full() {
                break;
            }
            let latency = gen.push(
                rng,
                t,
                &prompt,
                None,
                1 + 2 * turn as u32,
                history,
                model.clone(),
                &endpoint,
                &client,
                900.0,
            );
            history += prompt.out_median as u64 + prompt.text.len() as u64 / 4;
            t += latency + (rng::lognormal_median(rng, 50.0, 0.9) * SECOND as f64) as Millis;
            prompt.text = format!(
                "{}\n\n{}",
                prompt.text,
                rng::pick_str(rng, prompts::FOLLOW_UPS)
            );
        }
    }
}

/// A coding-assistant power user: agentic tool loops in working hours.
fn coding_power(gen: &mut Gen<'_>, rng: &mut Rng, models: ModelChoice, total: u64) {
    let profile = gen.profile;
    let mut client = home_client(rng, profile, net::CODING_AGENTS);
    client.max_tokens = &[8192, 16_000, 32_000];
    client.thinking = if rng::chance(rng, 0.5) { 0.5 } else { 0.1 };
    client.stream = 0.97;
    client.chat_completions = 0.0;
    if rng::chance(rng, 0.5) {
        let office = net::pick_network(rng, net::BUSINESS, profile.country);
        client.endpoints.push(net::endpoint_in(rng, office));
    }
    let toolset = prompts::coding_toolset(rng);
    let from = profile.created.max(gen.scenario.start);
    let mut current = 0;
    let _ = total;
    while !gen.full() {
        let start = sample_time(
            rng,
            from,
            gen.scenario.end,
            Rhythm::Work,
            profile.utc_offset,
        );
        let endpoint = session_endpoint(rng, &client, &mut current).clone();
        let model = models.pick(rng, gen.scenario, start);
        let mut prompt = if rng::chance(rng, 0.75) {
            prompts::benign(rng, Capability::ToolUse)
        } else {
            prompts::benign(rng, Capability::Coding)
        };
        prompt.tools = toolset.clone();
        if rng::chance(rng, 0.8) {
            prompt.text.push_str(&prompts::code_context(rng));
        }
        let steps = rng::lognormal_median(rng, 14.0, 0.8).clamp(2.0, 120.0) as u32;
        let mut t = start;
        let mut history = 0u64;
        for step in 0..steps {
            if gen.full() {
                break;
            }
            let latency = gen.push(
                rng,
                t,
                &prompt,
                None,
                1 + 2 * step,
                history,
                model.clone(),
                &endpoint,
                &client,
                600.0,
            );
            history += rng::range(rng, 200, 2_500);
            t += latency + (rng::lognormal_median(rng, 2.5, 0.9) * SECOND as f64) as Millis;
            if rng::chance(rng, 0.08) {
                // The user steers the agent: a new user turn.
                prompt.text = format!(
                    "{}\n\n{}",
                    prompt.text,
                    rng::pick_str(rng, prompts::FOLLOW_UPS)
                );
            }
        }
    }
}

/// An app back-end: one fixed system prompt, many end users, round the clock.
fn app_backend(gen: &mut Gen<'_>, rng: &mut Rng, mut models: ModelChoice, _total: u64) {
    let profile = gen.profile;
    let (system_template, kind) = rng::pick(rng, crate::pools::APP_SYSTEMS)
        .copied()
        .unwrap_or(("", "support"));
    let brand = rng::pick_str(rng, crate::pools::BRANDS);
    let system = system_template.replace("{brand}", brand);
    let network = rng::pick(rng, net::DATACENTER)
        .copied()
        .unwrap_or(net::DATACENTER[0]);
    let endpoints = (0..rng::range(rng, 1, 4))
        .map(|_| net::endpoint_in(rng, &network))
        .collect();
    let client = Client {
        user_agents: vec![rng::pick_str(rng, net::SDK_AGENTS)],
        endpoints,
        roam: 1.0,
        max_tokens: &[1024],
        thinking: 0.0,
        stream: if kind == "support" { 0.8 } else { 0.0 },
        logprobs: 0.0,
        chat_completions: if rng::chance(rng, 0.25) { 1.0 } else { 0.0 },
        error_429: 0.006,
    };
    models.pinned = Some(rng::weighted(rng, &models.weights));
    let tools: Vec<&'static str> = if kind == "support" {
        crate::pools::APP_TOOLS
            .iter()
            .take(rng::range(rng, 3, 9) as usize)
            .copied()
            .collect()
    } else {
        Vec::new()
    };
    let from = profile.created.max(gen.scenario.start);
    let users_offset = profile.utc_offset;
    let mut current = 0;
    while !gen.full() {
        // A burst of end-user traffic.
        let start = sample_time(
            rng,
            from,
            gen.scenario.end,
            Rhythm::RoundClock,
            users_offset,
        );
        let burst = rng::range(rng, 3, 30);
        let mut t = start;
        for _ in 0..burst {
            if gen.full() {
                break;
            }
            let endpoint = session_endpoint(rng, &client, &mut current).clone();
            let mut prompt = prompts::app_request(rng, kind, brand);
            prompt.tools = tools.clone();
            let turns = if kind == "support" {
                1 + 2 * rng::range(rng, 0, 3) as u32
            } else {
                1
            };
            let model = models.pick(rng, gen.scenario, t);
            gen.push(
                rng,
                t,
                &prompt,
                Some(&system),
                turns,
                u64::from(turns) * 60,
                model,
                &endpoint,
                &client,
                0.0,
            );
            t += (rng::lognormal_median(rng, 20.0, 1.2) * SECOND as f64) as Millis;
        }
    }
}

/// A member of a team: office hours, the office network, the org's card.
fn team_member(
    gen: &mut Gen<'_>,
    rng: &mut Rng,
    models: ModelChoice,
    _total: u64,
    population: u32,
    group: u32,
) {
    let profile = gen.profile;
    let team = profile::team(gen.seed, population, group);
    let mut client = home_client(rng, profile, net::SDK_AGENTS);
    client.endpoints = team.office.clone();
    if rng::chance(rng, 0.5) {
        let home = net::pick_network(rng, net::RESIDENTIAL, team.country);
        client.endpoints.push(net::endpoint_in(rng, home));
    }
    client.roam = 0.15;
    if rng::chance(rng, 0.4) {
        client
            .user_agents
            .push(rng::pick_str(rng, net::CODING_AGENTS));
    }
    let mut weights = capability_mix(rng, 3);
    weights[Capability::Coding.index()] += 1.5;
    weights[Capability::DataAnalysis.index()] += 0.8;
    weights[Capability::Summarization.index()] += 0.8;
    let from = profile.created.max(gen.scenario.start);
    let mut current = 0;
    while !gen.full() {
        let start = sample_time(rng, from, gen.scenario.end, Rhythm::Work, team.utc_offset);
        let endpoint = session_endpoint(rng, &client, &mut current).clone();
        let capability = Capability::ALL[rng::weighted(rng, &weights)];
        let prompt = prompts::benign(rng, capability);
        let model = models.pick(rng, gen.scenario, start);
        let mut t = start;
        for turn in 0..rng::range(rng, 1, 5) {
            if gen.full() {
                break;
            }
            let latency = gen.push(
                rng,
                t,
                &prompt,
                None,
                1 + 2 * turn as u32,
                turn * 400,
                model.clone(),
                &endpoint,
                &client,
                900.0,
            );
            t += latency + (rng::lognormal_median(rng, 40.0, 0.9) * SECOND as f64) as Millis;
        }
    }
}

/// A student: the class's assignments during lessons (and some homework evenings),
/// from the school network.
#[allow(clippy::too_many_arguments)]
fn student(
    gen: &mut Gen<'_>,
    rng: &mut Rng,
    models: ModelChoice,
    _total: u64,
    population: u32,
    group: u32,
    _member: u32,
) {
    let profile = gen.profile;
    let class = profile::class(gen.scenario, gen.seed, population, group);
    let mut client = home_client(rng, profile, net::SDK_AGENTS);
    let homework = client.endpoints.clone();
    client.endpoints = vec![class.school.clone()];
    client.max_tokens = &[1024, 2048];
    let from = profile.created.max(gen.scenario.start);
    let days = ((gen.scenario.end - from) / DAY).max(1);
    let mut guard = 0;
    while !gen.full() && guard < 10_000 {
        guard += 1;
        let in_lesson = rng::chance(rng, 0.75);
        let start = if in_lesson {
            // A lesson slot on a random week: all students at once.
            let (weekday_slot, hour) = rng::pick(rng, &class.lessons).copied().unwrap_or((1, 10.0));
            let day = rng::range(rng, 0, days as u64 - 1) as Millis;
            let local_day_start = (from + day * DAY + (class.utc_offset * HOUR as f64) as Millis)
                .div_euclid(DAY)
                * DAY;
            let local_weekday = weekday(local_day_start) as i64;
            let shift = (i64::from(weekday_slot) - local_weekday).rem_euclid(7);
            local_day_start + shift * DAY + (hour * HOUR as f64) as Millis
                - (class.utc_offset * HOUR as f64) as Millis
                + rng::range(rng, 0, 40) as Millis * MINUTE
        } else {
            sample_time(rng, from, gen.scenario.end, Rhythm::Human, class.utc_offset)
        };
        let endpoint = if in_lesson {
            class.school.clone()
        } else {
            rng::pick(rng, &homework)
                .cloned()
                .unwrap_or(class.school.clone())
        };
        let assignment = rng::pick(rng, &class.assignments)
            .cloned()
            .unwrap_or_default();
        let text = if rng::chance(rng, 0.6) {
            assignment
        } else {
            format!(
                "{}{assignment}",
                rng::pick_str(rng, crate::pools::CASUAL_OPENERS)
            )
        };
        let mut prompt = Prompt::new(Capability::Reasoning, text);
        let model = models.pick(rng, gen.scenario, start);
        let mut t = start;
        for turn in 0..rng::range(rng, 1, 3) {
            if gen.full() {
                break;
            }
            let latency = gen.push(
                rng,
                t,
                &prompt,
                None,
                1 + 2 * turn as u32,
                turn * 300,
                model.clone(),
                &endpoint,
                &client,
                700.0,
            );
            t += latency + (rng::lognormal_median(rng, 70.0, 0.8) * SECOND as f64) as Millis;
            prompt.text = format!(
                "{}\n\n{}",
                prompt.text,
                rng::pick_str(rng, prompts::FOLLOW_UPS)
            );
        }
    }
}

/// An evaluation firm's runner: benchmark suites run in bursts, every item in order,
/// repeated across runs and models (the new release within hours of launch).
fn evaluator(
    gen: &mut Gen<'_>,
    rng: &mut Rng,
    total: u64,
    population: u32,
    group: u32,
    member: u32,
) {
    let profile = gen.profile;
    let firm = profile::eval_firm(gen.scenario, gen.seed, population, group);
    let client = Client {
        user_agents: vec![firm.user_agent],
        endpoints: firm.runners.clone(),
        roam: 1.0,
        max_tokens: &[4096, 8192, 16_000, 32_000],
        thinking: 0.0,
        stream: 0.0,
        logprobs: 0.0,
        chat_completions: 0.0,
        error_429: 0.02,
    };
    let mut all_models: Vec<String> = gen.scenario.models.iter().map(|(m, _)| m.clone()).collect();
    let release = gen.scenario.release.clone();
    if let Some(release) = &release {
        all_models.push(release.model.clone());
    }
    let from = profile.created.max(gen.scenario.start);
    let mut current = member as usize;
    let mut run = 0u64;
    let mut guard = 0;
    while !gen.full() && guard < 10_000 {
        guard += 1;
        run += 1;
        let (suite, size) = rng::pick(rng, &firm.suites).copied().unwrap_or((0, 100));
        // Launch: soon after a release, or in working hours.
        let start = match &release {
            Some(release) if rng::chance(rng, 0.35) && release.at > from => {
                release.at + (rng::lognormal_median(rng, 5.0, 0.7) * HOUR as f64) as Millis
            }
            _ => sample_time(rng, from, gen.scenario.end, Rhythm::Work, firm.utc_offset),
        };
        let model = match &release {
            Some(release) if start >= release.at && rng::chance(rng, 0.6) => release.model.clone(),
            _ => {
                let usable: Vec<&String> = all_models
                    .iter()
                    .filter(|m| {
                        release
                            .as_ref()
                            .is_none_or(|r| start >= r.at || **m != r.model)
                    })
                    .collect();
                rng::pick(rng, &usable)
                    .map(|m| (*m).clone())
                    .unwrap_or_default()
            }
        };
        let thinking = rng::chance(rng, 0.5);
        let logprobs = if rng::chance(rng, 0.2) { 5 } else { 0 };
        let run_client = Client {
            thinking: if thinking { 1.0 } else { 0.0 },
            logprobs: if logprobs > 0 { 1.0 } else { 0.0 },
            ..client.clone()
        };
        let interval = rng::range(rng, 1_000, 4_000) as Millis;
        let mut t = start;
        let items = size.min(total.saturating_sub(gen.out.len() as u64)).max(1);
        for item in 0..items {
            if gen.full() {
                break;
            }
            let (text, capability) = prompts::eval_item(suite, item);
            let prompt = Prompt::new(capability, text);
            current = (current + 1) % client.endpoints.len().max(1);
            let endpoint = client
                .endpoints
                .get(current)
                .cloned()
                .unwrap_or(profile.signup.clone());
            gen.push(
                rng,
                t,
                &prompt,
                None,
                1,
                0,
                model.clone(),
                &endpoint,
                &run_client,
                1_500.0,
            );
            t += interval + rng::range(rng, 0, 300) as Millis;
        }
        let _ = run;
    }
}

/// An account of a hydra cluster harvesting for a campaign.
fn attacker(gen: &mut Gen<'_>, rng: &mut Rng, plan: &Plan, c: u32, cluster_index: u32) {
    let scenario = gen.scenario;
    let Some(campaign) = scenario.campaigns.get(c as usize) else {
        return;
    };
    let profile = gen.profile;
    let size = plan
        .cluster_sizes
        .get(c as usize)
        .and_then(|s| s.get(cluster_index as usize))
        .copied()
        .unwrap_or(1);
    let ctx = profile::campaign_ctx(gen.seed, c, campaign);
    let cluster = profile::cluster(gen.seed, c, cluster_index, campaign, size);
    let total = total_for(rng, campaign.exchanges, campaign.volume_sigma);
    gen.limit = total;
    let user_agents = if rng::chance(rng, campaign.ua_diversity) {
        let pool = if rng::chance(rng, 0.5) {
            net::SDK_AGENTS
        } else {
            net::CODING_AGENTS
        };
        vec![rng::pick_str(rng, pool), rng::pick_str(rng, pool)]
    } else {
        vec![cluster.user_agent]
    };
    let max_tokens: &'static [u64] = match campaign.max_tokens {
        [lo, _] if lo >= 32_000 => &[32_000, 64_000],
        [lo, hi] if lo >= 16_000 && hi >= 32_000 => &[16_000, 32_000],
        [lo, _] if lo >= 16_000 => &[16_000],
        [_, hi] if hi >= 16_000 => &[8192, 16_000],
        _ => &[4096, 8192],
    };
    let client = Client {
        user_agents,
        endpoints: cluster.exits.clone(),
        roam: campaign.ip_rotation,
        max_tokens,
        thinking: campaign.thinking,
        stream: 0.3,
        logprobs: campaign.logprobs,
        chat_completions: if rng::chance(rng, 0.3) { 0.8 } else { 0.0 },
        error_429: 0.02,
    };
    let filler_client = Client {
        max_tokens: &[1024, 2048, 4096],
        thinking: 0.05,
        logprobs: 0.0,
        stream: 0.6,
        ..client.clone()
    };
    // The campaign moves part of its traffic to a new release within hours.
    let mut models = model_choice(rng, scenario, 0.0, 1.0, 0.0);
    if let Some(release) = &scenario.release {
        if campaign.new_model_shift > 0.0 {
            models.adopt_at =
                Some(release.at + (rng::unit(rng) * campaign.shift_hours * HOUR as f64) as Millis);
            models.adopt_share = campaign.new_model_shift;
        }
    }
    let weights: Vec<f64> = campaign.capabilities.iter().map(|(_, w)| *w).collect();
    let from = profile.created.max(campaign.start).max(scenario.start);
    let to = campaign.end;
    if from >= to {
        return;
    }
    // Evasive accounts pretend to live somewhere: a persona time zone.
    let persona_offset = net::pick_country(rng).1;
    let mut current = rng::range(rng, 0, client.endpoints.len().saturating_sub(1) as u64) as usize;
    let mut guard = 0;
    while !gen.full() && guard < 100_000 {
        guard += 1;
        let (start, session_len, gap_of): (Millis, u64, Pacing) = match campaign.pacing {
            Pacing::Machine => {
                let mut start = sample_time(rng, from, to, Rhythm::Flat, 0.0);
                if rng::chance(rng, campaign.sync) {
                    // Snap to the campaign's next wave: all accounts start together.
                    let since = start - scenario.start - ctx.wave_phase;
                    let wave = since.div_euclid(ctx.wave_period) + 1;
                    start = scenario.start
                        + ctx.wave_phase
                        + wave * ctx.wave_period
                        + rng::range(rng, 0, 45) as Millis * SECOND;
                }
                (
                    start,
                    rng::lognormal_median(rng, 40.0, 0.6).max(3.0) as u64,
                    Pacing::Machine,
                )
            }
            Pacing::Human => {
                let offset = if rng::chance(rng, 0.5) {
                    persona_offset
                } else {
                    campaign.operator_utc_offset
                };
                let start = sample_time(rng, from, to, Rhythm::Human, offset);
                (
                    start,
                    rng::lognormal_median(rng, 6.0, 0.7).max(1.0) as u64,
                    Pacing::Human,
                )
            }
        };
        if !(from..to).contains(&start) {
            continue;
        }
        let mut t = start;
        let mut endpoint = session_endpoint(rng, &client, &mut current).clone();
        for _ in 0..session_len {
            if gen.full() || t >= to {
                break;
            }
            if rng::chance(rng, campaign.ip_rotation) {
                endpoint = if rng::chance(rng, campaign.residential_proxy * 0.5) {
                    // A fresh residential exit outside the pool.
                    let network = rng::pick(rng, net::RESIDENTIAL)
                        .copied()
                        .unwrap_or(net::RESIDENTIAL[0]);
                    net::endpoint_in(rng, &network)
                } else {
                    session_endpoint(rng, &client, &mut current).clone()
                };
            }
            let model = models.pick(rng, scenario, t);
            let latency = if rng::chance(rng, campaign.filler) {
                let capability = *rng::pick(
                    rng,
                    &[
                        Capability::General,
                        Capability::Creative,
                        Capability::Translation,
                        Capability::Summarization,
                        Capability::General,
                        Capability::Coding,
                        Capability::Reasoning,
                    ],
                )
                .unwrap_or(&Capability::General);
                let prompt = prompts::benign(rng, capability);
                gen.push(
                    rng,
                    t,
                    &prompt,
                    None,
                    1,
                    0,
                    model,
                    &endpoint,
                    &filler_client,
                    800.0,
                )
            } else {
                let capability = campaign
                    .capabilities
                    .get(rng::weighted(rng, &weights))
                    .map(|(cap, _)| *cap)
                    .unwrap_or(Capability::Reasoning);
                let serial = gen.out.len() as u64;
                let prompt = prompts::attack(rng, &ctx.style, capability, serial);
                let turns = if capability == Capability::ToolUse {
                    1 + 2 * rng::range(rng, 0, 12) as u32
                } else {
                    1
                };
                let history = u64::from(turns) * 400;
                gen.push(
                    rng, t, &prompt, None, turns, history, model, &endpoint, &client, 2_500.0,
                )
            };
            let gap = match gap_of {
                Pacing::Machine => {
                    let jitter = (ctx.interval as f64 * 0.04 * rng::normal(rng)) as Millis;
                    (ctx.interval + jitter).max(SECOND)
                }
                Pacing::Human => {
                    latency + (rng::lognormal_median(rng, 45.0, 1.0) * SECOND as f64) as Millis
                }
            };
            t += gap;
        }
    }
}
