//! Classes: education accounts created in a burst, the class's assignments sent
//! together during lessons from the school network, some homework in the evening.

use super::*;

/// A student: the class's assignments during lessons (and some homework evenings),
/// from the school network.
#[allow(clippy::too_many_arguments)]
pub(super) fn student(
    gen: &mut Gen<'_>,
    rng: &mut Rng,
    models: ModelChoice,
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
                + rng::range(rng, 0, 40 * MINUTE as u64) as Millis
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
