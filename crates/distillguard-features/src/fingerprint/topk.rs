//! Space-saving heavy hitters: the most frequent keys of a stream (an account's most
//! used template frames) in fixed memory, with counts that overestimate by at most
//! the smallest kept count.

#[derive(Debug, Clone)]
pub struct TopK {
    entries: Vec<(u64, u32)>,
    capacity: usize,
}

impl Default for TopK {
    fn default() -> Self {
        TopK::with_capacity(TopK::CAPACITY)
    }
}

impl TopK {
    /// Default number of keys kept.
    pub const CAPACITY: usize = 16;

    pub fn with_capacity(capacity: usize) -> Self {
        TopK {
            entries: Vec::new(),
            capacity: capacity.max(1),
        }
    }

    pub fn insert(&mut self, key: u64) {
        if let Some(entry) = self.entries.iter_mut().find(|(k, _)| *k == key) {
            entry.1 += 1;
            return;
        }
        if self.entries.len() < self.capacity {
            self.entries.push((key, 1));
            return;
        }
        // Replace the smallest: the newcomer inherits its count (space-saving).
        if let Some(min) = self.entries.iter_mut().min_by_key(|(_, c)| *c) {
            *min = (key, min.1 + 1);
        }
    }

    /// Kept keys with their (over-)estimated counts, largest first.
    pub fn entries(&self) -> Vec<(u64, u32)> {
        let mut v = self.entries.clone();
        v.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        v
    }

    /// The smallest kept count: every count may overestimate by this much.
    pub fn error_bound(&self) -> u32 {
        if self.entries.len() < self.capacity {
            0
        } else {
            self.entries.iter().map(|(_, c)| *c).min().unwrap_or(0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_heavy_keys_among_noise() {
        let mut t = TopK::default();
        for i in 0..1000u64 {
            t.insert(7);
            t.insert(1_000 + i); // every other key is new
            if i % 3 == 0 {
                t.insert(9);
            }
        }
        let e = t.entries();
        assert_eq!(e[0].0, 7);
        assert!(e[0].1 >= 1000);
        assert_eq!(e[1].0, 9);
    }
}
