//! Features: what each exchange asks for, and how each account behaves.
//!
//! In: [`Exchange`]s, one at a time, in any order.
//! Out: per-exchange [`ExchangeSignals`] (capability, chain-of-thought elicitation,
//! template fingerprints) and per-account [`AccountFingerprint`]s folded from them.
//! Owns: the text normalisation, the phrase matcher, the capability lexicons, the template sketch, the
//! hosting-network list, and the streaming per-account accumulators. Pure and synchronous: no I/O, no clock.
//!
//! Layout: `signals/` holds one file per per-exchange signal; `fingerprint/` holds the
//! per-account accumulator and the small sketches it uses.

pub mod fingerprint;
pub mod networks;
pub mod normalize;
pub mod phrase_dfa;
pub mod signals;

pub use fingerprint::{AccountFingerprint, AccountStats};
pub use signals::{extract, ExchangeSignals};

use distillguard_model::Exchange;

/// A 64-bit hash used for every fingerprint (stable across runs and platforms).
pub fn hash64(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

/// Hash of a string with a domain tag, so that equal strings of different kinds
/// (an IP and a user agent, say) never collide on purpose.
pub fn tagged_hash(tag: u8, text: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64_with_seed(text.as_bytes(), u64::from(tag))
}

/// Computes the per-exchange signals of one exchange (convenience re-export of
/// [`signals::extract`]).
pub fn signals_of(exchange: &Exchange) -> ExchangeSignals {
    signals::extract(exchange)
}
