//! Realism guards: a per-account volume threshold must not separate attackers from
//! benign accounts, and attackers must still ask for capability-focused outputs.

use distillguard_model::LabelKind;
use distillguard_sim::plan::Plan;
use distillguard_sim::{scenario, traffic};

#[test]
fn a_volume_threshold_alone_cannot_separate_attackers() {
    let scenario = scenario::load("default").expect("default").scaled(0.1);
    let plan = Plan::build(&scenario, 5);
    let mut attack = Vec::new();
    let mut benign = Vec::new();
    for index in 0..plan.len() as u64 {
        let (profile, exchanges) = traffic::account_traffic(&scenario, &plan, 5, index);
        match profile.label {
            LabelKind::Attack => attack.push(exchanges.len()),
            LabelKind::Benign => benign.push(exchanges.len()),
        }
    }
    assert!(attack.len() >= 20 && benign.len() >= 150);
    let mut best_f1: f64 = 0.0;
    for threshold in [10, 25, 50, 100, 150, 200, 300, 400, 600, 800, 1200, 2000] {
        let tp = attack.iter().filter(|n| **n >= threshold).count() as f64;
        let fp = benign.iter().filter(|n| **n >= threshold).count() as f64;
        let recall = tp / attack.len() as f64;
        let precision = if tp + fp > 0.0 { tp / (tp + fp) } else { 0.0 };
        if precision + recall > 0.0 {
            best_f1 = best_f1.max(2.0 * precision * recall / (precision + recall));
        }
    }
    assert!(
        best_f1 < 0.8,
        "volume alone separates too well: F1 {best_f1:.2}"
    );
    // ...and yet benign high-volume accounts exist above the attackers' median.
    attack.sort_unstable();
    let attack_median = attack[attack.len() / 2];
    assert!(benign.iter().filter(|n| **n > attack_median).count() >= 5);
}

#[test]
fn even_evasive_attackers_still_harvest_lots_of_output() {
    let scenario = scenario::load("evasive").expect("evasive").scaled(0.05);
    let plan = Plan::build(&scenario, 9);
    let mut attack_output = Vec::new();
    let mut benign_output = Vec::new();
    for index in 0..plan.len() as u64 {
        let (profile, exchanges) = traffic::account_traffic(&scenario, &plan, 9, index);
        let output: u64 = exchanges.iter().map(|e| e.output_tokens_or_zero()).sum();
        match profile.label {
            LabelKind::Attack => attack_output.push(output),
            LabelKind::Benign => benign_output.push(output),
        }
    }
    attack_output.sort_unstable();
    benign_output.sort_unstable();
    let attack_median = attack_output[attack_output.len() / 2];
    let benign_median = benign_output[benign_output.len() / 2];
    assert!(
        attack_median > 3 * benign_median,
        "attack median output {attack_median} vs benign {benign_median}"
    );
}

#[test]
fn the_filler_knob_mixes_in_ordinary_requests() {
    let thinking_share = |filler: f64| -> f64 {
        let mut scenario = scenario::load("default")
            .expect("default")
            .with_filler(filler)
            .expect("valid filler")
            .scaled(0.05);
        scenario.populations.clear();
        let plan = Plan::build(&scenario, 2);
        let (mut thinking, mut total) = (0usize, 0usize);
        for index in 0..plan.len() as u64 {
            let (_, exchanges) = traffic::account_traffic(&scenario, &plan, 2, index);
            thinking += exchanges
                .iter()
                .filter(|e| e.thinking == Some(true))
                .count();
            total += exchanges.len();
        }
        thinking as f64 / total.max(1) as f64
    };
    let none = thinking_share(0.0);
    let most = thinking_share(0.7);
    // Harvesting requests think ~90% of the time, filler ~5%.
    assert!(none > 0.8, "{none}");
    assert!(most < 0.45, "{most}");
}
