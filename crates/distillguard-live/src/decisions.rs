//! Decisions: an account's verdict, the latest analyst action on it and the [`Policy`]
//! give the [`CheckResponse`] a gateway applies.
//!
//! Decisions are computed when a run publishes or an analyst acts, never per request:
//! [`DecisionTable`] maps account → ready answer, and a check is one hash lookup under a
//! read lock held for the lookup alone.
//!
//! Precedence: analyst `block` and `allow` always win; `confirm` applies the attack rule;
//! `dismiss` applies the benign rule until the engine's verdict becomes worse than it was
//! when dismissed; otherwise the verdict's rule; unknown accounts get the default allow.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use distillguard_model::check::{Action, CheckResponse, DecisionSource};
use distillguard_model::report::AccountReport;
use distillguard_model::verdict::Verdict;
use serde::{Deserialize, Serialize};

use crate::config::{Policy, Rule};
use crate::store::StoredAction;

/// What an analyst can do to an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AnalystAction {
    /// The flag is right: treat as attack.
    Confirm,
    /// The flag is wrong: treat as benign until the verdict worsens.
    Dismiss,
    /// Refuse every request, whatever the verdict.
    Block,
    /// Allow-list: forward every request unchanged, whatever the verdict.
    Allow,
}

impl AnalystAction {
    pub fn as_str(self) -> &'static str {
        match self {
            AnalystAction::Confirm => "confirm",
            AnalystAction::Dismiss => "dismiss",
            AnalystAction::Block => "block",
            AnalystAction::Allow => "allow",
        }
    }

    pub fn parse(text: &str) -> Option<AnalystAction> {
        match text {
            "confirm" => Some(AnalystAction::Confirm),
            "dismiss" => Some(AnalystAction::Dismiss),
            "block" => Some(AnalystAction::Block),
            "allow" => Some(AnalystAction::Allow),
            _ => None,
        }
    }
}

fn rule_for(policy: &Policy, verdict: Verdict) -> &Rule {
    match verdict {
        Verdict::Attack => &policy.attack,
        Verdict::Suspicious => &policy.suspicious,
        Verdict::Benign => &policy.benign,
    }
}

fn apply_rule(response: &mut CheckResponse, rule: &Rule, policy: &Policy) {
    response.action = rule.action;
    response.countermeasures = match rule.action {
        Action::Degrade => rule.countermeasures.clone(),
        _ => None,
    };
    response.retry_after_s = (rule.action == Action::Throttle).then_some(policy.retry_after_s);
}

fn evidence_reasons(account: &AccountReport, max: usize) -> Vec<String> {
    account
        .evidence
        .iter()
        .take(max)
        .map(|e| format!("{}: {}", e.signal, e.detail))
        .collect()
}

/// The answer for one account.
pub fn decide(
    account_id: &str,
    account: Option<&AccountReport>,
    action: Option<&StoredAction>,
    policy: &Policy,
) -> CheckResponse {
    let mut response = CheckResponse::allow(account_id);
    let verdict = account.map(|a| a.verdict);
    if let Some(account) = account {
        response.verdict = Some(account.verdict);
        response.score = Some(account.score);
    }
    let analyst_note = |a: &StoredAction| {
        let mut text = format!("analyst {} ({}) ", a.action.as_str(), a.who);
        if a.note.is_empty() {
            text.push_str("without a note");
        } else {
            text.push_str(&a.note);
        }
        text
    };
    if let Some(action) = action {
        let overrides = match action.action {
            AnalystAction::Dismiss => {
                // A dismissal holds while the engine's verdict is no worse than it was.
                let then = action.verdict_then.unwrap_or(Verdict::Benign);
                verdict.is_none_or(|now| now <= then)
            }
            _ => true,
        };
        if overrides {
            response.source = DecisionSource::Analyst;
            response.reasons.push(analyst_note(action));
            match action.action {
                AnalystAction::Block => {
                    response.action = Action::Block;
                }
                AnalystAction::Allow => {}
                AnalystAction::Confirm => {
                    apply_rule(&mut response, &policy.attack, policy);
                    if let Some(account) = account {
                        response
                            .reasons
                            .extend(evidence_reasons(account, policy.max_reasons));
                    }
                }
                AnalystAction::Dismiss => apply_rule(&mut response, &policy.benign, policy),
            }
            return response;
        }
    }
    let Some(account) = account else {
        return response;
    };
    response.source = DecisionSource::Verdict;
    apply_rule(&mut response, rule_for(policy, account.verdict), policy);
    if account.verdict != Verdict::Benign {
        response.reasons = evidence_reasons(account, policy.max_reasons);
    }
    response
}

/// Account → ready answer, swapped whole on every publish.
#[derive(Default)]
pub struct DecisionTable {
    table: RwLock<Arc<HashMap<String, CheckResponse>>>,
}

impl DecisionTable {
    /// The answer for an account (default allow when unknown).
    pub fn check(&self, account_id: &str) -> CheckResponse {
        let table = match self.table.read() {
            Ok(guard) => Arc::clone(&guard),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        };
        table
            .get(account_id)
            .cloned()
            .unwrap_or_else(|| CheckResponse::allow(account_id))
    }

    /// Replaces the whole table.
    pub fn publish(&self, table: HashMap<String, CheckResponse>) {
        let table = Arc::new(table);
        match self.table.write() {
            Ok(mut guard) => *guard = table,
            Err(poisoned) => *poisoned.into_inner() = table,
        }
    }

    /// Replaces one account's answer (copy on write).
    pub fn update(&self, response: CheckResponse) {
        let mut guard = match self.table.write() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        Arc::make_mut(&mut guard).insert(response.account_id.clone(), response);
    }

    pub fn len(&self) -> usize {
        match self.table.read() {
            Ok(guard) => guard.len(),
            Err(poisoned) => poisoned.into_inner().len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use distillguard_model::evidence::Evidence;

    fn account(verdict: Verdict) -> AccountReport {
        AccountReport {
            account_id: "a".into(),
            score: 0.9,
            verdict,
            cluster: None,
            exchanges: 10,
            evidence: vec![
                Evidence::new("cot_share", 0.9, "asks for reasoning in 90% of requests"),
                Evidence::new("shared_payment", "fp1", "shares a card with 12 accounts"),
            ],
        }
    }

    fn action(kind: AnalystAction, then: Option<Verdict>) -> StoredAction {
        StoredAction {
            id: 1,
            at: 0,
            who: "alice".into(),
            account_id: "a".into(),
            action: kind,
            note: "checked".into(),
            verdict_then: then,
        }
    }

    #[test]
    fn verdicts_map_through_the_policy() {
        let defaults = Policy::default();
        let suspicious = decide("a", Some(&account(Verdict::Suspicious)), None, &defaults);
        assert_eq!(
            suspicious.action,
            Action::Allow,
            "suspicious is for review by default"
        );
        let policy = Policy {
            suspicious: crate::config::Rule {
                action: Action::Degrade,
                countermeasures: Some(crate::config::default_countermeasures()),
            },
            ..Policy::default()
        };
        let attack = decide("a", Some(&account(Verdict::Attack)), None, &policy);
        assert_eq!(attack.action, Action::Block);
        assert_eq!(attack.source, DecisionSource::Verdict);
        assert!(attack.reasons[0].starts_with("cot_share"));
        let suspicious = decide("a", Some(&account(Verdict::Suspicious)), None, &policy);
        assert_eq!(suspicious.action, Action::Degrade);
        let cm = suspicious.countermeasures.expect("countermeasures");
        assert_eq!(cm.max_top_logprobs, Some(0));
        assert!(cm.watermark);
        let benign = decide("a", Some(&account(Verdict::Benign)), None, &policy);
        assert_eq!(benign.action, Action::Allow);
        assert!(benign.reasons.is_empty());
        let unknown = decide("zz", None, None, &policy);
        assert_eq!(unknown.source, DecisionSource::Default);
    }

    #[test]
    fn analyst_actions_override() {
        let policy = Policy::default();
        let attack = account(Verdict::Attack);
        let allowed = decide(
            "a",
            Some(&attack),
            Some(&action(AnalystAction::Allow, None)),
            &policy,
        );
        assert_eq!(allowed.action, Action::Allow);
        assert_eq!(allowed.source, DecisionSource::Analyst);
        let blocked = decide(
            "a",
            None,
            Some(&action(AnalystAction::Block, None)),
            &policy,
        );
        assert_eq!(blocked.action, Action::Block);
        let confirmed = decide(
            "a",
            Some(&account(Verdict::Suspicious)),
            Some(&action(AnalystAction::Confirm, None)),
            &policy,
        );
        assert_eq!(confirmed.action, Action::Block);
        // A dismissal of a suspicious flag holds at suspicious, not once it is an attack.
        let dismissal = action(AnalystAction::Dismiss, Some(Verdict::Suspicious));
        let held = decide(
            "a",
            Some(&account(Verdict::Suspicious)),
            Some(&dismissal),
            &policy,
        );
        assert_eq!(held.action, Action::Allow);
        let worse = decide("a", Some(&attack), Some(&dismissal), &policy);
        assert_eq!(worse.action, Action::Block);
        assert_eq!(worse.source, DecisionSource::Verdict);
    }

    #[test]
    fn table_answers_and_updates() {
        let table = DecisionTable::default();
        assert_eq!(table.check("x").action, Action::Allow);
        let mut map = HashMap::new();
        let mut blocked = CheckResponse::allow("x");
        blocked.action = Action::Block;
        map.insert("x".to_string(), blocked);
        table.publish(map);
        assert_eq!(table.check("x").action, Action::Block);
        table.update(CheckResponse::allow("x"));
        assert_eq!(table.check("x").action, Action::Allow);
    }
}
