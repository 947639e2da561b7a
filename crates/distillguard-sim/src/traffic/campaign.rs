//! Attack accounts of a hydra cluster harvesting for a campaign: capability-focused
//! templated requests with high output limits, thinking and logprobs, filler mixed in,
//! exit IPs rotated through the cluster's proxy pool, machine or human pacing,
//! synchronised waves, and the move to a new release.

use super::*;

/// An account of a hydra cluster harvesting for a campaign.
pub(super) fn attacker(gen: &mut Gen<'_>, rng: &mut Rng, plan: &Plan, c: u32, cluster_index: u32) {
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
    // Paraphrasing campaigns also vary their agent harness per account: a subset of
    // the campaign's tools plus a few of the account's own.
    let toolset = if campaign.paraphrase >= 0.5 {
        let mut tools: Vec<&'static str> = ctx
            .style
            .toolset
            .iter()
            .copied()
            .filter(|_| !rng::chance(rng, 0.3))
            .collect();
        for _ in 0..rng::range(rng, 0, 3) {
            let extra = rng::pick_str(rng, crate::pools::ORCHESTRATION_TOOLS);
            if !tools.contains(&extra) {
                tools.push(extra);
            }
        }
        tools
    } else {
        ctx.style.toolset.clone()
    };
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
                        + rng::range(rng, 0, 45_000) as Millis;
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
                let mut prompt = prompts::attack(rng, &ctx.style, capability, serial);
                if !prompt.tools.is_empty() {
                    prompt.tools.clone_from(&toolset);
                }
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
