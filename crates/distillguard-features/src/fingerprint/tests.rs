use super::*;
use crate::signals::extract;

fn ex(ts: Millis, account: &str, prompt: &str) -> Exchange {
    let mut e = Exchange::new(ts, account);
    e.prompt = Some(prompt.to_string());
    e.output_tokens = Some(500);
    e
}

#[test]
fn templated_harvester_is_focused_templated_novel_and_elicits_reasoning() {
    let mut c = Collector::new();
    for i in 0..200 {
        let e = ex(
            i * 60_000,
            "harvester",
            &format!("Solve the following problem and explain your reasoning in full, every intermediate step: a tank holds {i} litres and loses {} per hour; when is it empty?", i % 7 + 1),
        );
        c.observe(&e, &extract(&e));
    }
    let pop = c.finish(&[]);
    let d = &pop.accounts[0].derived;
    assert!(d.target_share > 0.99, "{d:?}");
    assert!(d.cot_share > 0.99, "{d:?}");
    assert!(d.template_share > 0.9, "{d:?}");
    assert!(d.novelty > 0.7, "{d:?}");
    assert_eq!(d.top_target, Some(Capability::Reasoning));
}

#[test]
fn varied_person_is_spread_and_untemplated() {
    let prompts = [
        "Any tips for a rainy weekend with kids?",
        "Write a short poem about the sea at night.",
        "Summarize this article about city parks in three points.",
        "Translate into Spanish: where is the train station?",
        "What should I cook with leftover rice and eggs?",
        "Help me write a polite email declining a meeting.",
        "Write a python function that checks if a word is a palindrome.",
        "Is it better to rent or buy a house in a small town?",
    ];
    let mut c = Collector::new();
    for (i, p) in prompts.iter().cycle().take(40).enumerate() {
        let e = ex(i as i64 * 3_600_000, "person", p);
        c.observe(&e, &extract(&e));
    }
    let pop = c.finish(&[]);
    let d = &pop.accounts[0].derived;
    assert!(d.target_share < 0.3, "{d:?}");
    assert!(d.capability_entropy > 0.4, "{d:?}");
    assert_eq!(d.cot_share, 0.0);
}

#[test]
fn account_record_wins_and_adds_silent_accounts() {
    let mut c = Collector::new();
    let mut e = ex(0, "a", "hi");
    e.account_type = Some("individual".into());
    c.observe(&e, &extract(&e));
    let records = vec![
        AccountRecord {
            account_id: "a".into(),
            account_type: Some("education".into()),
            ..AccountRecord::default()
        },
        AccountRecord {
            account_id: "silent".into(),
            ..AccountRecord::default()
        },
    ];
    let pop = c.finish(&records);
    assert_eq!(pop.accounts.len(), 2);
    assert_eq!(
        pop.accounts[0].stats.account_type(),
        Some(AccountType::Education)
    );
    assert_eq!(pop.accounts[1].stats.exchanges, 0);
}

#[test]
fn result_does_not_depend_on_order() {
    let mut items: Vec<Exchange> = (0..50)
        .map(|i| {
            ex(
                i * 1000,
                if i % 2 == 0 { "x" } else { "y" },
                &format!("Prove that {i} plus 1 is more than {i}. Show every step."),
            )
        })
        .collect();
    let run = |items: &[Exchange]| {
        let mut c = Collector::new();
        for e in items {
            c.observe(e, &extract(e));
        }
        c.finish(&[])
            .accounts
            .into_iter()
            .map(|a| a.derived)
            .collect::<Vec<_>>()
    };
    let forward = run(&items);
    items.reverse();
    assert_eq!(forward, run(&items));
}

#[test]
fn requests_from_hosting_networks_are_counted_per_account() {
    // Four requests: AWS (built in), a provider-listed network, a broadband network and
    // one without an ASN.
    let asns = [Some(16509), Some(64_500), Some(7922), None];
    let fold = |collector: &mut Collector| {
        for (k, asn) in asns.iter().enumerate() {
            let mut e = ex(k as Millis * 1000, "a", "hello there");
            e.asn = *asn;
            collector.observe(&e, &extract(&e));
        }
    };
    let mut builtin = Collector::new();
    fold(&mut builtin);
    let mut listed = Collector::with_hosting(HostingNetworks::with_extra(&[64_500]));
    fold(&mut listed);
    let share = |c: Collector| {
        let population = c.finish(&[]);
        let a = &population.accounts[0];
        (a.stats.hosting_exchanges, a.derived.hosting_share)
    };
    assert_eq!(share(builtin), (1, 0.25));
    assert_eq!(share(listed), (2, 0.5));
}
