//! Daily rhythm and pacing: when an account is active against its claimed home, and how
//! regular the gaps between its requests are.
//!
//! Why it matters: people sleep and work in bursts; harvesting scripts run round the
//! clock at steady rates. Example: gaps of 30 s ± 1 s inside sessions give a
//! coefficient of variation near 0; a person typing gives one above 1.

use distillguard_model::time::{Millis, MINUTE};

/// A gap longer than this ends a session.
pub const SESSION_GAP: Millis = 30 * MINUTE;

/// Coefficient of variation (std / mean) of the gaps between consecutive requests
/// inside sessions, from sorted timestamps. `None` with fewer than 20 gaps.
pub fn pacing_cv(sorted_times: &[Millis]) -> Option<f64> {
    let gaps: Vec<f64> = sorted_times
        .windows(2)
        .map(|w| (w[1] - w[0]) as f64)
        .filter(|&g| g > 0.0 && g < SESSION_GAP as f64)
        .collect();
    if gaps.len() < 20 {
        return None;
    }
    let n = gaps.len() as f64;
    let mean = gaps.iter().sum::<f64>() / n;
    if mean <= 0.0 {
        return None;
    }
    let var = gaps.iter().map(|g| (g - mean).powi(2)).sum::<f64>() / n;
    Some(var.sqrt() / mean)
}

/// Approximate UTC offset in whole hours of a country's main population centre
/// (standard time). Unknown countries get 0.
pub fn local_offset_hours(country: &str) -> i32 {
    match country.to_ascii_uppercase().as_str() {
        "US" | "CA" | "MX" => -6,
        "BR" | "AR" | "CL" => -3,
        "CO" | "PE" => -5,
        "GB" | "IE" | "PT" | "IS" | "GH" | "SN" => 0,
        "FR" | "DE" | "ES" | "IT" | "NL" | "BE" | "CH" | "AT" | "SE" | "NO" | "DK" | "PL"
        | "CZ" | "HU" | "NG" | "DZ" | "MA" => 1,
        "FI" | "UA" | "RO" | "GR" | "IL" | "EG" | "ZA" | "BG" => 2,
        "RU" | "TR" | "SA" | "KE" | "IQ" | "BY" => 3,
        "AE" | "OM" => 4,
        "PK" | "UZ" => 5,
        "IN" | "LK" => 5,
        "BD" | "KZ" => 6,
        "TH" | "VN" | "ID" => 7,
        "CN" | "HK" | "TW" | "SG" | "MY" | "PH" | "AU" => 8,
        "JP" | "KR" => 9,
        "NZ" => 12,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn machine_pacing_is_regular_and_human_pacing_is_not() {
        let machine: Vec<Millis> = (0..100).map(|i| i * 30_000 + (i % 3) * 200).collect();
        let cv = pacing_cv(&machine).expect("enough gaps");
        assert!(cv < 0.1, "cv {cv}");
        // Bursty: short gaps then long pauses (still inside sessions).
        let mut t = 0;
        let human: Vec<Millis> = (0..100)
            .map(|i| {
                t += if i % 7 == 0 {
                    20 * MINUTE
                } else {
                    4_000 + (i * 997 % 13_000)
                };
                t
            })
            .collect();
        let cv = pacing_cv(&human).expect("enough gaps");
        assert!(cv > 1.0, "cv {cv}");
        assert_eq!(pacing_cv(&machine[..10]), None);
    }

    #[test]
    fn offsets_are_plausible() {
        assert_eq!(local_offset_hours("cn"), 8);
        assert_eq!(local_offset_hours("US"), -6);
        assert_eq!(local_offset_hours("ZZ"), 0);
    }
}
