//! A small, fixed pseudo-random sequence (SplitMix64) for what must come
//! out the same on every machine and with every version of every crate:
//! the demo's synthetic factories and the write path's simulation seeds.
//! Not for anything secret.

/// SplitMix64 from a seed.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub const fn new(seed: u64) -> SplitMix64 {
        SplitMix64(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A whole number in `0..bound` (`bound` > 0; the modulo's tiny bias
    /// does not matter for shaping data).
    pub fn below(&mut self, bound: u64) -> u64 {
        self.next_u64() % bound
    }

    /// True `percent` times in a hundred.
    pub fn percent(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// Picks by weight (weights in percent or any scale).
    pub fn pick<T: Copy>(&mut self, weighted: &[(T, u64)]) -> T {
        let total: u64 = weighted.iter().map(|(_, weight)| weight).sum();
        let mut point = self.below(total);
        for (item, weight) in weighted {
            if point < *weight {
                return *item;
            }
            point -= weight;
        }
        weighted[weighted.len() - 1].0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sequence_is_fixed() {
        // SplitMix64's published first output for seed 0.
        assert_eq!(SplitMix64::new(0).next_u64(), 0xe220_a839_7b1d_cdaf);
        let mut draw = SplitMix64::new(7);
        let picks: Vec<char> = (0..200).map(|_| draw.pick(&[('a', 90), ('b', 10)])).collect();
        let b = picks.iter().filter(|&&c| c == 'b').count();
        assert!((5..=40).contains(&b), "{b} of 200 picks at 10 %");
    }
}
