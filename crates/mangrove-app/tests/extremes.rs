//! The fuzz target's body over a fixed corpus, so that every test run
//! drives commands and imports with extreme numbers without libFuzzer:
//! each operation with each extreme value, then pseudo-random inputs from
//! a fixed seed.

mod support;

#[path = "support/drive.rs"]
mod drive;

/// Operations the driver knows (the low three bits of an operation byte).
const OPERATIONS: u8 = 8;

#[test]
fn every_operation_with_every_extreme_value_leaves_a_sound_town() {
    for op in 0..OPERATIONS {
        for first in 0..16u8 {
            // Each operation three times in a row, so that sums of valid inputs meet their bounds.
            let step = [op, first, (first * 7) % 16];
            drive::drive(&step.repeat(3));
        }
    }
}

#[test]
fn many_deposits_and_large_years_leave_a_sound_town() {
    // Deposits of the largest amount, over and over, to one buyer.
    drive::drive(&[0, 9, 0].repeat(20));
    // Years of the largest importable quantity and the most lines the driver writes.
    drive::drive(&[3, 200, 0x00, 0xca, 0x9a, 0x3b, 0, 0, 0, 0, 200, 63, 0, 0, 0, 0, 0, 0, 0].repeat(2));
}

#[test]
fn pseudo_random_inputs_leave_a_sound_town() {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    for _ in 0..200 {
        let input: Vec<u8> = (0..96)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state.to_le_bytes()[0]
            })
            .collect();
        drive::drive(&input);
    }
}
