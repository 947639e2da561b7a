//! A small HyperLogLog: counts distinct items (distinct prompts an account sent) in 128
//! bytes, about 9% relative error; exact-enough for "many distinct vs few distinct".

#[derive(Debug, Clone)]
pub struct Hll {
    registers: [u8; Hll::M],
}

impl Default for Hll {
    fn default() -> Self {
        Hll {
            registers: [0; Hll::M],
        }
    }
}

impl Hll {
    const P: u32 = 7;
    const M: usize = 1 << Hll::P;

    pub fn insert(&mut self, hash: u64) {
        let index = (hash >> (64 - Hll::P)) as usize;
        let rest = (hash << Hll::P) | (1 << (Hll::P - 1));
        let rank = rest.leading_zeros() as u8 + 1;
        if self.registers[index] < rank {
            self.registers[index] = rank;
        }
    }

    /// Folds `other` in: the result counts the union of both streams.
    pub fn merge(&mut self, other: &Hll) {
        for (mine, theirs) in self.registers.iter_mut().zip(other.registers.iter()) {
            *mine = (*mine).max(*theirs);
        }
    }

    pub fn estimate(&self) -> f64 {
        let m = Hll::M as f64;
        let alpha = 0.7213 / (1.0 + 1.079 / m);
        let sum: f64 = self
            .registers
            .iter()
            .map(|&r| 2f64.powi(-i32::from(r)))
            .sum();
        let raw = alpha * m * m / sum;
        let zeros = self.registers.iter().filter(|&&r| r == 0).count();
        if raw <= 2.5 * m && zeros > 0 {
            m * (m / zeros as f64).ln()
        } else {
            raw
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimates_within_a_few_tens_of_percent() {
        for n in [10u64, 100, 1_000, 20_000] {
            let mut h = Hll::default();
            for i in 0..n {
                h.insert(crate::hash64(&i.to_le_bytes()));
                h.insert(crate::hash64(&i.to_le_bytes())); // repeats do not count
            }
            let e = h.estimate();
            assert!(
                (e - n as f64).abs() / (n as f64) < 0.3,
                "n={n} estimate={e}"
            );
        }
    }
}
