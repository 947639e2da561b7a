//! Teams: several accounts of one org on the office network and the org's card,
//! in office hours, mostly coding, data and documents.

use super::*;

/// A member of a team: office hours, the office network, the org's card.
pub(super) fn team_member(
    gen: &mut Gen<'_>,
    rng: &mut Rng,
    models: ModelChoice,
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
