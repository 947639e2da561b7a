//! Evaluation firms: templated benchmark suites run in machine-paced bursts from
//! datacenter runners, the same items repeated across runs and models, the new release
//! evaluated within hours.

use super::*;

/// An evaluation firm's runner: benchmark suites run in bursts, every item in order,
/// repeated across runs and models (the new release within hours of launch).
pub(super) fn evaluator(
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
    let mut guard = 0;
    while !gen.full() && guard < 10_000 {
        guard += 1;
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
    }
}
