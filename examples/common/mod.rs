//! Shared by the benchmarks: a fixed random sequence, a C-ABI call as a C caller makes it, and the
//! interleaved measurement of zts next to its floor.

use std::ffi::c_char;
use std::ptr;
use std::time::Instant;
use zts::ffi::zts_string_free;

pub const ROUNDS: usize = 11;
const ROUND_NANOS: u128 = 15_000_000;

pub struct Rng(pub u64);
impl Rng {
    pub fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize + 1
    }
}

/// Calls a zts function that returns an owned string and frees it, as a C caller does.
pub fn call(f: impl FnOnce(*mut *mut c_char) -> i32) {
    let mut out = ptr::null_mut();
    let status = f(&mut out);
    assert_eq!(status, 0, "zts call failed");
    unsafe { zts_string_free(out) };
}

/// Median ns/op of `zts` and `floor`, measured in alternating rounds of the same number of ops.
pub fn measure(mut zts_op: impl FnMut(), mut floor_op: impl FnMut()) -> (f64, f64) {
    for _ in 0..20 {
        zts_op();
        floor_op();
    }
    let start = Instant::now();
    let mut ops = 0;
    while start.elapsed().as_nanos() < ROUND_NANOS / 3 || ops == 0 {
        zts_op();
        ops += 1;
    }
    let per_round = (ops * 3).max(1);
    let (mut z, mut f) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        for (samples, op) in [(&mut z, &mut zts_op as &mut dyn FnMut()), (&mut f, &mut floor_op as &mut dyn FnMut())] {
            let t = Instant::now();
            for _ in 0..per_round {
                op();
            }
            samples.push(t.elapsed().as_nanos() as f64 / per_round as f64);
        }
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(|a, b| a.partial_cmp(b).unwrap());
        v[v.len() / 2]
    };
    (median(&mut z), median(&mut f))
}
