//! App back-ends: one account, one fixed system prompt, many end users' requests
//! (support, summarisation, extraction...), round the clock from a few cloud IPs.

use super::*;

/// An app back-end: one fixed system prompt, many end users, round the clock.
pub(super) fn app_backend(gen: &mut Gen<'_>, rng: &mut Rng, mut models: ModelChoice) {
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
            // The user turns of a chat so far travel with each request.
            for _ in 0..turns / 2 {
                prompt.text.push_str("\n\n");
                prompt
                    .text
                    .push_str(rng::pick_str(rng, crate::pools::SUPPORT_FOLLOW_UPS));
            }
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
