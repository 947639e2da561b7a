//! Coding-assistant power users: agentic tool loops (many turns, tool definitions,
//! inlined files, thinking sometimes) in working hours, from IDE and CLI clients.

use super::*;

/// A coding-assistant power user: agentic tool loops in working hours.
pub(super) fn coding_power(gen: &mut Gen<'_>, rng: &mut Rng, models: ModelChoice) {
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
