//! Individuals: chats in sessions, in their own time zone's daily rhythm, on a few
//! favourite topics, from home and mobile networks, with ordinary SDKs.

use super::*;

/// An individual: chats in sessions in their own evening and daytime rhythm.
pub(super) fn individual(gen: &mut Gen<'_>, rng: &mut Rng, models: ModelChoice, total: u64) {
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
